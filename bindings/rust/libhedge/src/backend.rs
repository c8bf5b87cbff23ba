//! Optimizer backends written in Rust, through the plugin interface of `sys/backend.h`.
//!
//! A backend is a [`Backend`] (what it can do, and a setup on a problem) whose setup returns a
//! [`BackendState`] (solve, update, warm start). [`Context::register_backend`] puts it in a
//! context's registry under a name; [`Solver::new`](crate::Solver::new) with that name, or a hedge
//! problem solved with [`SolveOptions::backend`](crate::SolveOptions) set to it, then runs it.
//!
//! # Ownership
//! - The context owns the registered backend (and its name) until the context is dropped: the C
//!   registry has no way to forget one. Registering takes `&mut Context`, so it cannot happen
//!   while a handle borrows the context (and so while another thread creates solvers on it, which
//!   the C library forbids).
//! - Each solver owns one state: [`Backend::setup`] makes it when the solver is created, and it
//!   is dropped when the solver is. It lives in memory allocated through the context's allocator
//!   (`hedge_context_alloc`), so that the application's allocator and its out-of-memory
//!   behaviour apply to it; what the state allocates itself comes from Rust's global allocator.
//! - A solve lends the state the caller's arrays for the duration of [`BackendState::solve`]
//!   (a [`BackendSolution`]) and nothing else: the problem given to setup is borrowed for the
//!   setup only, as the C interface says ("the problem may be destroyed after setup").
//!
//! # Errors and panics
//! A backend reports a failure by returning a [`HedgeError`] (made with [`HedgeError::new`]): its
//! status goes to the library, which turns it into the calling function's error
//! (`HEDGE_ERR_BACKEND` for most), and its message goes to the context's log at
//! [`LogLevel::Error`](crate::LogLevel), the only channel the C interface gives a backend for
//! words of its own. A panic never unwinds into C: every entry point catches it, logs its message
//! and returns `HEDGE_ERR_BACKEND`. A state that panicked is poisoned (as a `Mutex` is): every
//! later call on it returns `HEDGE_ERR_BACKEND`, and dropping the solver still drops it. The
//! context and its other solvers are unaffected.
//!
//! # Threads
//! A context is `Sync`, so solvers may be set up on one backend from several threads at once:
//! a [`Backend`] is `Send + Sync`. A solver moves between threads but is used by one at a time:
//! its state is `Send`.
//!
//! # Example
//! A backend for separable problems, `1/2 D_j x_j^2 + c_j x_j` over a box, solved exactly
//! coordinate by coordinate; it declares quadratic terms only (so the library refuses it L1
//! terms and integers) and refuses, at setup, what it cannot solve:
//!
//! ```
//! use libhedge::*;
//!
//! struct Diagonal;
//! struct DiagonalState { d: Vec<f64>, c: Vec<f64>, lb: Vec<f64>, ub: Vec<f64> }
//!
//! impl Backend for Diagonal {
//!     type State = DiagonalState;
//!     fn capabilities(&self) -> Capabilities {
//!         Capabilities::QP
//!     }
//!     fn setup(&self, qp: &Qp<'_>, _options: &SolverOptions) -> Result<DiagonalState> {
//!         let (_, k, m) = qp.size();
//!         let d = qp.vector(QpVector::Diagonal).to_vec();
//!         if k > 0 || m > 0 || d.iter().any(|&dj| dj <= 0.0) {
//!             return Err(HedgeError::new(Status::UNSUPPORTED, "only a positive diagonal and bounds"));
//!         }
//!         Ok(DiagonalState { d, c: qp.vector(QpVector::Linear).to_vec(), lb: qp.vector(QpVector::Lb).to_vec(),
//!                            ub: qp.vector(QpVector::Ub).to_vec() })
//!     }
//! }
//!
//! impl BackendState for DiagonalState {
//!     fn solve(&mut self, out: &mut BackendSolution<'_>) -> Result<()> {
//!         out.objective = 0.0;
//!         for j in 0..self.d.len() {
//!             let xj = (-self.c[j] / self.d[j]).max(self.lb[j]).min(self.ub[j]);
//!             out.objective += 0.5 * self.d[j] * xj * xj + self.c[j] * xj;
//!             if let Some(x) = out.x.as_deref_mut() {
//!                 x[j] = xj;
//!             }
//!         }
//!         out.status = SolveStatus::Optimal;
//!         Ok(())
//!     }
//! }
//!
//! let mut ctx = Context::new()?;
//! ctx.register_backend("diagonal", Diagonal)?;
//! let mut qp = Qp::new(&ctx, 2, 0, 0)?;
//! qp.set(QpVector::Diagonal, &[1.0, 4.0])?;
//! qp.set(QpVector::Linear, &[-3.0, 2.0])?;
//! qp.set_bounds(&[0.0, 0.0], &[2.0, 1.0])?;
//! let sol = Solver::new(&ctx, &qp, Some("diagonal"), &SolverOptions::default())?.solve()?;
//! assert_eq!(sol.x, vec![2.0, 0.0]); // -3 / 1 = 3 clipped to 2; -2 / 4 clipped to 0
//! assert_eq!(sol.objective(), 0.5 * 4.0 - 6.0);
//! # Ok::<(), HedgeError>(())
//! ```

use std::alloc::Layout;
use std::any::Any;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::time::Instant;

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::optimize::{Capabilities, Qp, QpVector, SolveStatus, SolverOptions};
use crate::util::cstring;

/// An optimizer backend: what it can do, and its setup on a problem.
///
/// The library checks a problem against [`capabilities`](Backend::capabilities) before calling
/// setup (quadratic terms need [`Capabilities::QP`], L1 terms [`Capabilities::L1`], integer
/// variables [`Capabilities::MIP`]), so a backend declares only what it solves. Linear rows have
/// no capability bit: a backend that cannot handle them refuses them in setup with
/// `Status::UNSUPPORTED`.
pub trait Backend: Send + Sync + 'static {
    /// The per-solver state that setup makes.
    type State: BackendState;

    /// The capability bits (`hedge_backend_capability`), read once, at registration.
    fn capabilities(&self) -> Capabilities;

    /// Sets up on a problem, keeping whatever the solves need: `qp` is borrowed for this call only.
    /// Return `Status::UNSUPPORTED` for a problem the backend cannot solve, `Status::NOMEM` when
    /// memory ran out, `Status::BACKEND` for anything else (the library reports any other status
    /// as `HEDGE_ERR_BACKEND`, except `Status::DOMAIN`); the message goes to the context's log.
    fn setup(&self, qp: &Qp<'_>, options: &SolverOptions) -> Result<Self::State>;
}

/// A backend set up on one problem: the state of one solver.
pub trait BackendState: Send + 'static {
    /// Solves, writing the answer into `solution` (the caller's arrays, each of which may be
    /// absent). Return `Ok` whatever the outcome (optimal, infeasible, a limit: in
    /// `solution.status`); an error only when the solve could not be carried out. Should not
    /// allocate (the C contract for hot paths); `solve_time_s` is measured around this call.
    fn solve(&mut self, solution: &mut BackendSolution<'_>) -> Result<()>;

    /// Replaces one vector of the problem (never [`QpVector::Diagonal`]): n values, or m for
    /// [`QpVector::RowLo`] and [`QpVector::RowHi`]. The library has checked each value's own
    /// range; return `Status::DOMAIN`, changing nothing, when a lower bound would exceed its upper
    /// bound. By default updates are refused with `Status::UNSUPPORTED`.
    fn update(&mut self, which: QpVector, values: &[f64]) -> Result<()> {
        let _ = values;
        Err(HedgeError::new(Status::UNSUPPORTED, format!("this backend cannot update {:?}", which)))
    }

    /// Starts the next solve from (x, y), n and m values; `None` stands for zeros. By default the
    /// point is ignored, which the C contract allows a backend without
    /// [`Capabilities::WARM_START`].
    fn warm_start(&mut self, x: Option<&[f64]>, y: Option<&[f64]>) -> Result<()> {
        let _ = (x, y);
        Ok(())
    }
}

/// Where a backend writes a solve's answer (`hedge_solution`), with the caller's arrays lent for
/// the solve. Duals follow the convention of [`Solution`](crate::Solution).
#[derive(Debug)]
pub struct BackendSolution<'a> {
    /// n primal values (or an unbounded direction), when the caller wants them.
    pub x: Option<&'a mut [f64]>,
    /// m row duals (or an infeasibility certificate), when the caller wants them.
    pub y: Option<&'a mut [f64]>,
    /// n bound duals, when the caller wants them.
    pub z: Option<&'a mut [f64]>,
    /// The outcome; [`SolveStatus::Optimal`] unless set.
    pub status: SolveStatus,
    /// Objective at x, L1 terms included.
    pub objective: f64,
    /// Largest violation of a row or bound at x.
    pub primal_residual: f64,
    /// Largest entry of the Lagrangian's (sub)gradient at (x, y, z).
    pub dual_residual: f64,
    /// Iterations taken.
    pub iterations: usize,
    /// Relaxations a branch and bound solved; 0 without integer variables.
    pub nodes: usize,
}

/// A registered backend, as the C registry's `user` pointer sees it.
struct Entry<B> {
    name: CString,
    backend: B,
}

/// A solver's state with what the entry points need around it; allocated through the context.
struct Slot<S> {
    ctx: *mut sys::hedge_context,
    name: *const c_char,
    n: usize,
    m: usize,
    poisoned: bool,
    state: S,
}

impl Context {
    /// Registers an optimizer backend written in Rust under `name` (1 to 31 bytes, unique in the
    /// context, built-in names included), with the capabilities it declares. The context keeps
    /// the backend until it is dropped.
    ///
    /// `&mut self`: registration is for start-up, before any handle borrows the context (the C
    /// library forbids registering while other threads create solvers).
    ///
    /// # Errors
    /// `HEDGE_ERR_INVALID_ARG` for a bad name (empty, too long, with a NUL byte),
    /// `HEDGE_ERR_EXISTS` when the name is taken, `HEDGE_ERR_TOO_LARGE` when the context holds 16
    /// registered backends already; the backend is dropped then.
    pub fn register_backend<B: Backend>(&mut self, name: &str, backend: B) -> Result<()> {
        let entry = Box::new(Entry { name: cstring("register_backend: name", name)?, backend });
        let mut table = sys::hedge_backend::init();
        table.name = entry.name.as_ptr();
        table.capabilities = entry.backend.capabilities().0;
        table.user = &*entry as *const Entry<B> as *mut c_void;
        table.setup = Some(setup_trampoline::<B>);
        table.solve = Some(solve_trampoline::<B::State>);
        table.update = Some(update_trampoline::<B::State>);
        table.warm_start = Some(warm_start_trampoline::<B::State>);
        table.destroy = Some(destroy_trampoline::<B::State>);
        check(unsafe { sys::hedge_context_register_backend(self.as_ptr(), &table) })?;
        // The registry copied the table, whose name and user point into the box: it must live as
        // long as the context, and moving the box does not move what it holds.
        self.backends.push(entry);
        Ok(())
    }
}

/// Sends "backend NAME: WHAT: MESSAGE" to the context's log at the error level.
unsafe fn log_error(ctx: *mut sys::hedge_context, name: *const c_char, what: &str, message: &str) {
    let text = format!("backend {}: {}: {}", CStr::from_ptr(name).to_string_lossy(), what, message);
    if let Ok(text) = CString::new(text.replace('\0', " ")) {
        sys::hedge_context_log(ctx, sys::HEDGE_LOG_ERROR, text.as_ptr());
    }
}

/// Logs a caught panic and disposes of its payload without letting a second panic escape.
unsafe fn log_panic(ctx: *mut sys::hedge_context, name: *const c_char, what: &str, payload: Box<dyn Any + Send>) {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a payload that is not text)".to_string()
    };
    log_error(ctx, name, what, &format!("panicked: {}", message));
    // A payload whose drop panics would unwind from here: that second payload is forgotten.
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// The status a backend's error hands the library (an error claiming success is a backend failure).
unsafe fn failed(ctx: *mut sys::hedge_context, name: *const c_char, what: &str, e: &HedgeError) -> sys::hedge_status {
    log_error(ctx, name, what, e.message());
    if e.code() == sys::HEDGE_OK { sys::HEDGE_ERR_BACKEND } else { e.code() }
}

/// A caller array as a slice; NULL as `None`.
unsafe fn array_mut<'a>(p: *mut f64, len: usize) -> Option<&'a mut [f64]> {
    if p.is_null() {
        None
    } else if len == 0 {
        Some(&mut [])
    } else {
        Some(std::slice::from_raw_parts_mut(p, len))
    }
}

unsafe fn array<'a>(p: *const f64, len: usize) -> Option<&'a [f64]> {
    if p.is_null() {
        None
    } else if len == 0 {
        Some(&[])
    } else {
        Some(std::slice::from_raw_parts(p, len))
    }
}

/// Drops a state outside a slot (setup could not allocate one), catching a panicking drop.
unsafe fn drop_state<S>(ctx: *mut sys::hedge_context, name: *const c_char, state: S) {
    if let Err(p) = catch_unwind(AssertUnwindSafe(move || drop(state))) {
        log_panic(ctx, name, "dropping the state", p);
    }
}

unsafe extern "C" fn setup_trampoline<B: Backend>(state: *mut *mut c_void, user: *mut c_void,
                                                  ctx: *mut sys::hedge_context, qp: *const sys::hedge_qp,
                                                  options: *const sys::hedge_solver_options) -> sys::hedge_status {
    let entry = &*(user as *const Entry<B>);
    let name = entry.name.as_ptr();
    let made = catch_unwind(AssertUnwindSafe(|| {
        let view = Qp::borrowed(qp);
        let (n, _, m) = view.size();
        entry.backend.setup(&view, &SolverOptions::from_raw(&*options)).map(|s| (s, n, m))
    }));
    let (s, n, m) = match made {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return failed(ctx, name, "setup", &e),
        Err(p) => {
            log_panic(ctx, name, "setup", p);
            return sys::HEDGE_ERR_BACKEND;
        }
    };
    let layout = Layout::new::<Slot<B::State>>();
    let slot = sys::hedge_context_alloc(ctx, layout.size(), layout.align()) as *mut Slot<B::State>;
    if slot.is_null() {
        drop_state(ctx, name, s);
        log_error(ctx, name, "setup", "out of memory for the state");
        return sys::HEDGE_ERR_NOMEM;
    }
    ptr::write(slot, Slot { ctx, name, n, m, poisoned: false, state: s });
    *state = slot as *mut c_void;
    sys::HEDGE_OK
}

/// Runs one call on a state: refused when poisoned, poisoning it when the call panics.
unsafe fn on_state<S, F>(state: *mut c_void, what: &str, call: F) -> sys::hedge_status
where
    F: FnOnce(&mut S, usize, usize) -> Result<()>,
{
    let slot = &mut *(state as *mut Slot<S>);
    if slot.poisoned {
        log_error(slot.ctx, slot.name, what, "refused: an earlier call on this solver panicked");
        return sys::HEDGE_ERR_BACKEND;
    }
    let (n, m) = (slot.n, slot.m);
    let st = &mut slot.state;
    match catch_unwind(AssertUnwindSafe(|| call(st, n, m))) {
        Ok(Ok(())) => sys::HEDGE_OK,
        Ok(Err(e)) => failed(slot.ctx, slot.name, what, &e),
        Err(p) => {
            slot.poisoned = true;
            log_panic(slot.ctx, slot.name, what, p);
            sys::HEDGE_ERR_BACKEND
        }
    }
}

unsafe extern "C" fn solve_trampoline<S: BackendState>(state: *mut c_void, solution: *mut sys::hedge_solution)
    -> sys::hedge_status {
    let sol = &mut *solution;
    let (xp, yp, zp) = (sol.x, sol.y, sol.z);
    let t0 = Instant::now();
    let mut written = None;
    let st = on_state::<S, _>(state, "solve", |s, n, m| {
        let mut out = BackendSolution {
            x: array_mut(xp, n), y: array_mut(yp, m), z: array_mut(zp, n), status: SolveStatus::Optimal,
            objective: 0.0, primal_residual: 0.0, dual_residual: 0.0, iterations: 0, nodes: 0,
        };
        let r = s.solve(&mut out);
        written = Some((out.status, out.objective, out.primal_residual, out.dual_residual, out.iterations, out.nodes));
        r
    });
    if let Some((status, objective, primal, dual, iterations, nodes)) = written {
        sol.status = status.to_raw();
        sol.objective = objective;
        sol.primal_residual = primal;
        sol.dual_residual = dual;
        sol.iterations = iterations;
        sol.solve_time_s = t0.elapsed().as_secs_f64();
        // The library hands over a solution of its own version: `nodes` only where it has one.
        let nodes_end = (ptr::addr_of!(sol.nodes) as usize - solution as usize) + std::mem::size_of::<usize>();
        if sol.struct_size >= nodes_end {
            sol.nodes = nodes;
        }
    }
    st
}

unsafe extern "C" fn update_trampoline<S: BackendState>(state: *mut c_void, which: sys::hedge_qp_vector,
                                                        values: *const f64) -> sys::hedge_status {
    let which = match QpVector::from_raw(which) {
        Some(w) if w != QpVector::Diagonal => w,
        _ => {
            let slot = &*(state as *const Slot<S>);
            log_error(slot.ctx, slot.name, "update", &format!("vector {} cannot be updated", which));
            return sys::HEDGE_ERR_INVALID_ARG;
        }
    };
    on_state::<S, _>(state, "update", |s, n, m| {
        let len = if which.is_row() { m } else { n };
        s.update(which, array(values, len).unwrap_or(&[]))
    })
}

unsafe extern "C" fn warm_start_trampoline<S: BackendState>(state: *mut c_void, x: *const f64, y: *const f64)
    -> sys::hedge_status {
    on_state::<S, _>(state, "warm_start", |s, n, m| s.warm_start(array(x, n), array(y, m)))
}

unsafe extern "C" fn destroy_trampoline<S: BackendState>(state: *mut c_void) {
    let slot = state as *mut Slot<S>;
    let (ctx, name) = ((*slot).ctx, (*slot).name);
    if let Err(p) = catch_unwind(AssertUnwindSafe(|| ptr::drop_in_place(slot))) {
        log_panic(ctx, name, "dropping the state", p);
    }
    let layout = Layout::new::<Slot<S>>();
    sys::hedge_context_free(ctx, slot as *mut c_void, layout.size(), layout.align());
}
