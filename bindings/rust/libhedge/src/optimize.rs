//! The constraint optimizer (`optimize.h`): convex quadratic problems with a factored Hessian, L1
//! terms, bounds, linear rows and optional integrality, solved by pluggable backends.
//!
//! For `n` variables, a factor of `k` rows and `m` linear rows:
//!
//! ```text
//! minimise    1/2 x' (D + F'F) x + c' x + sum_j w_j |x_j - t_j|
//! subject to  lo <= A x <= hi,   lb <= x <= ub,   x_j integer where asked
//! ```
//!
//! The optimizer is unit-free: x, the duals and the objective are in the units the data are
//! written in. Infinite bounds are `f64::INFINITY` / `f64::NEG_INFINITY`.

use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::util::{opt_cstring, opt_ptr};

/// Which vector of a problem a setter or an update addresses (`hedge_qp_vector`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QpVector {
    /// D, n entries, finite and >= 0.
    Diagonal = 0,
    /// c, n entries, finite.
    Linear = 1,
    /// w, n entries, finite and >= 0.
    L1Weight = 2,
    /// t, n entries, finite.
    L1Target = 3,
    /// lo, m entries, not NaN.
    RowLo = 4,
    /// hi, m entries, not NaN, >= lo.
    RowHi = 5,
    /// lb, n entries, not NaN.
    Lb = 6,
    /// ub, n entries, not NaN, >= lb.
    Ub = 7,
}

/// The outcome of a solve (`hedge_solve_status`): a property of the problem or the run, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SolveStatus {
    /// Converged to the tolerances.
    Optimal,
    /// No point meets the constraints; y and z hold a certificate (largest entry 1); objective +inf.
    PrimalInfeasible,
    /// The objective is unbounded below; x holds a direction (largest entry 1); objective -inf.
    DualInfeasible,
    /// Stopped at the iteration limit; x is the last iterate.
    IterationLimit,
    /// Stopped at the time limit.
    TimeLimit,
    /// A status this crate does not know (from a newer library).
    Other(i32),
}

impl SolveStatus {
    pub(crate) fn from_raw(s: sys::hedge_solve_status) -> SolveStatus {
        match s {
            sys::HEDGE_SOLVE_OPTIMAL => SolveStatus::Optimal,
            sys::HEDGE_SOLVE_PRIMAL_INFEASIBLE => SolveStatus::PrimalInfeasible,
            sys::HEDGE_SOLVE_DUAL_INFEASIBLE => SolveStatus::DualInfeasible,
            sys::HEDGE_SOLVE_ITERATION_LIMIT => SolveStatus::IterationLimit,
            sys::HEDGE_SOLVE_TIME_LIMIT => SolveStatus::TimeLimit,
            other => SolveStatus::Other(other),
        }
    }

    pub(crate) fn to_raw(self) -> sys::hedge_solve_status {
        match self {
            SolveStatus::Optimal => sys::HEDGE_SOLVE_OPTIMAL,
            SolveStatus::PrimalInfeasible => sys::HEDGE_SOLVE_PRIMAL_INFEASIBLE,
            SolveStatus::DualInfeasible => sys::HEDGE_SOLVE_DUAL_INFEASIBLE,
            SolveStatus::IterationLimit => sys::HEDGE_SOLVE_ITERATION_LIMIT,
            SolveStatus::TimeLimit => sys::HEDGE_SOLVE_TIME_LIMIT,
            SolveStatus::Other(s) => s,
        }
    }
}

impl QpVector {
    pub(crate) fn from_raw(v: sys::hedge_qp_vector) -> Option<QpVector> {
        Some(match v {
            sys::HEDGE_QP_DIAGONAL => QpVector::Diagonal,
            sys::HEDGE_QP_LINEAR => QpVector::Linear,
            sys::HEDGE_QP_L1_WEIGHT => QpVector::L1Weight,
            sys::HEDGE_QP_L1_TARGET => QpVector::L1Target,
            sys::HEDGE_QP_ROW_LO => QpVector::RowLo,
            sys::HEDGE_QP_ROW_HI => QpVector::RowHi,
            sys::HEDGE_QP_LB => QpVector::Lb,
            sys::HEDGE_QP_UB => QpVector::Ub,
            _ => return None,
        })
    }

    /// Whether the vector has m entries (the rows' bounds) rather than n.
    pub fn is_row(self) -> bool {
        matches!(self, QpVector::RowLo | QpVector::RowHi)
    }
}

/// What a backend can do: `hedge_backend_capability` bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Capabilities(pub u64);

impl Capabilities {
    pub const QP: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_QP);
    pub const L1: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_L1);
    pub const MIP: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_MIP);
    pub const WARM_START: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_WARM_START);
    pub const DUALS: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_DUALS);
    pub const CERTIFICATES: Capabilities = Capabilities(sys::HEDGE_BACKEND_CAP_CERTIFICATES);

    /// Every bit of `other` is set.
    pub fn contains(self, other: Capabilities) -> bool {
        self.0 & other.0 == other.0
    }
}

/// The union of two sets of capabilities: `Capabilities::QP | Capabilities::L1`.
impl std::ops::BitOr for Capabilities {
    type Output = Capabilities;
    fn bitor(self, other: Capabilities) -> Capabilities {
        Capabilities(self.0 | other.0)
    }
}

/// A backend registered in a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendInfo {
    pub name: String,
    pub capabilities: Capabilities,
}

/// The backends registered in a context, built-ins first.
pub fn backends(ctx: &Context) -> Result<Vec<BackendInfo>> {
    let mut count = 0usize;
    check(unsafe { sys::hedge_backends(ctx.as_ptr(), ptr::null_mut(), 0, &mut count, ptr::null_mut()) })?;
    let mut names: Vec<*const c_char> = vec![ptr::null(); count];
    let mut caps = vec![0u64; count];
    check(unsafe { sys::hedge_backends(ctx.as_ptr(), names.as_mut_ptr(), count, &mut count, caps.as_mut_ptr()) })?;
    Ok(names
        .iter()
        .zip(&caps)
        .take(count)
        .map(|(&n, &c)| BackendInfo {
            name: unsafe { crate::util::borrowed_str(n) }.unwrap_or("").to_string(),
            capabilities: Capabilities(c),
        })
        .collect())
}

fn length_error(what: &str, want: usize, got: usize) -> HedgeError {
    HedgeError::invalid_arg(format!("{}: expected {} values, got {}", what, want, got))
}

/// A pointer C may read `len` values from: never NULL, since the setters want one even when empty.
fn read_ptr(values: &[f64]) -> *const f64 {
    static EMPTY: [f64; 1] = [0.0];
    if values.is_empty() { EMPTY.as_ptr() } else { values.as_ptr() }
}

/// The data of one optimization problem (`hedge_qp`), owned copies.
///
/// `Send + Sync`: a problem may be read by any number of threads (solvers set up on it) while
/// nobody changes it; the setters take `&mut self`, so the borrow checker enforces that.
pub struct Qp<'ctx> {
    raw: NonNull<sys::hedge_qp>,
    n: usize,
    k: usize,
    m: usize,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Qp<'ctx> {}
unsafe impl<'ctx> Sync for Qp<'ctx> {}

impl<'ctx> Qp<'ctx> {
    /// A problem with `n` >= 1 variables, `k` factor rows and `m` linear rows, all data zero and
    /// every bound infinite.
    pub fn new(ctx: &'ctx Context, n: usize, k: usize, m: usize) -> Result<Qp<'ctx>> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_qp_create(&mut raw, ctx.as_ptr(), n, k, m) })?;
        Ok(Qp { raw: NonNull::new(raw).expect("NULL problem"), n, k, m, _ctx: PhantomData })
    }

    /// A problem the library lends (to a backend's setup), as a `Qp` that is never freed or
    /// changed: only `&Qp` is handed out of the `Borrowed`.
    ///
    /// # Safety
    /// `raw` must be a live problem for `'a`, which nobody changes meanwhile.
    pub(crate) unsafe fn borrowed<'a>(raw: *const sys::hedge_qp) -> crate::util::Borrowed<'a, Qp<'a>> {
        let (mut n, mut k, mut m) = (0usize, 0usize, 0usize);
        sys::hedge_qp_size(raw, &mut n, &mut k, &mut m);
        crate::util::Borrowed::new(Qp { raw: NonNull::new(raw as *mut _).expect("NULL problem"), n, k, m,
                                        _ctx: PhantomData })
    }

    pub fn as_ptr(&self) -> *const sys::hedge_qp {
        self.raw.as_ptr()
    }

    /// (n, k, m).
    pub fn size(&self) -> (usize, usize, usize) {
        (self.n, self.k, self.m)
    }

    fn len_of(&self, which: QpVector) -> usize {
        if which.is_row() { self.m } else { self.n }
    }

    /// Sets one vector (n or m values, as [`QpVector`] says). A value out of its range is
    /// `HEDGE_ERR_DOMAIN` and changes nothing; so is a lower bound above the current upper one
    /// (use [`Qp::set_bounds`] to move both sides).
    pub fn set(&mut self, which: QpVector, values: &[f64]) -> Result<()> {
        let want = self.len_of(which);
        if values.len() != want {
            return Err(length_error("Qp::set", want, values.len()));
        }
        check(unsafe { sys::hedge_qp_set(self.raw.as_ptr(), which as i32, read_ptr(values)) })
    }

    fn set_pair(&mut self, lo_which: QpVector, hi_which: QpVector, lo: &[f64], hi: &[f64]) -> Result<()> {
        let want = self.len_of(lo_which);
        if lo.len() != want || hi.len() != want {
            return Err(length_error("Qp::set_bounds", want, lo.len().min(hi.len())));
        }
        if let Some(i) = (0..want).find(|&i| lo[i].is_nan() || hi[i].is_nan() || lo[i] > hi[i]) {
            return Err(HedgeError::new(Status::DOMAIN,
                                       format!("Qp::set_bounds: entry {}: {} is not <= {}", i, lo[i], hi[i])));
        }
        // The library checks each side against the other's current value: widen the upper side
        // first so that any new lower side fits, then narrow it.
        let wide: Vec<f64> = hi.iter().zip(self.vector(hi_which)).map(|(a, b)| a.max(*b)).collect();
        self.set(hi_which, &wide)?;
        self.set(lo_which, lo)?;
        self.set(hi_which, hi)
    }

    /// Sets lb <= x <= ub together (n values each).
    pub fn set_bounds(&mut self, lb: &[f64], ub: &[f64]) -> Result<()> {
        self.set_pair(QpVector::Lb, QpVector::Ub, lb, ub)
    }

    /// Sets lo <= A x <= hi together (m values each).
    pub fn set_row_bounds(&mut self, lo: &[f64], hi: &[f64]) -> Result<()> {
        self.set_pair(QpVector::RowLo, QpVector::RowHi, lo, hi)
    }

    /// Sets F, k x n finite values, row-major.
    pub fn set_factor(&mut self, f: &[f64]) -> Result<()> {
        if f.len() != self.k * self.n {
            return Err(length_error("Qp::set_factor", self.k * self.n, f.len()));
        }
        check(unsafe { sys::hedge_qp_set_factor(self.raw.as_ptr(), f.as_ptr(), self.n) })
    }

    /// Sets A, m x n finite values, row-major.
    pub fn set_rows(&mut self, a: &[f64]) -> Result<()> {
        if a.len() != self.m * self.n {
            return Err(length_error("Qp::set_rows", self.m * self.n, a.len()));
        }
        check(unsafe { sys::hedge_qp_set_rows(self.raw.as_ptr(), a.as_ptr(), self.n) })
    }

    /// Marks variables integer (n flags), or all continuous with `None`. Only backends with
    /// [`Capabilities::MIP`] accept integer variables.
    pub fn set_integer(&mut self, flags: Option<&[bool]>) -> Result<()> {
        match flags {
            None => check(unsafe { sys::hedge_qp_set_integer(self.raw.as_ptr(), ptr::null()) }),
            Some(f) => {
                if f.len() != self.n {
                    return Err(length_error("Qp::set_integer", self.n, f.len()));
                }
                let bytes: Vec<u8> = f.iter().map(|&b| b as u8).collect();
                check(unsafe { sys::hedge_qp_set_integer(self.raw.as_ptr(), bytes.as_ptr()) })
            }
        }
    }

    /// One vector of the data, borrowed (valid until the next change, which `&mut` excludes).
    pub fn vector(&self, which: QpVector) -> &[f64] {
        let p = unsafe { sys::hedge_qp_vector_data(self.raw.as_ptr(), which as i32) };
        let len = self.len_of(which);
        if p.is_null() || len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(p, len) } }
    }

    /// F, k x n row-major, borrowed.
    pub fn factor(&self) -> &[f64] {
        let p = unsafe { sys::hedge_qp_matrix_data(self.raw.as_ptr(), 1) };
        if p.is_null() { &[] } else { unsafe { std::slice::from_raw_parts(p, self.k * self.n) } }
    }

    /// A, m x n row-major, borrowed.
    pub fn rows(&self) -> &[f64] {
        let p = unsafe { sys::hedge_qp_matrix_data(self.raw.as_ptr(), 0) };
        if p.is_null() { &[] } else { unsafe { std::slice::from_raw_parts(p, self.m * self.n) } }
    }

    /// The integrality flags.
    pub fn integer(&self) -> Vec<bool> {
        let p = unsafe { sys::hedge_qp_integer_data(self.raw.as_ptr()) };
        if p.is_null() {
            return vec![false; self.n];
        }
        unsafe { std::slice::from_raw_parts(p, self.n) }.iter().map(|&b| b != 0).collect()
    }
}

impl<'ctx> Drop for Qp<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_qp_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Qp<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Qp").field("n", &self.n).field("k", &self.k).field("m", &self.m).finish()
    }
}

/// Solver settings (`hedge_solver_options`; defaults as `HEDGE_SOLVER_OPTIONS_INIT`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolverOptions {
    /// Absolute tolerance on residuals (default 1e-9).
    pub eps_abs: f64,
    /// Relative tolerance on residuals (default 1e-9).
    pub eps_rel: f64,
    /// Iteration limit (default 100000).
    pub max_iter: usize,
    /// Wall-clock limit in seconds; 0: none.
    pub time_limit_s: f64,
    /// Refine the answer on the active set (default true).
    pub polish: bool,
    /// Branch-and-bound nodes for integer variables (default 100000).
    pub max_nodes: usize,
    /// Relative optimality gap for integer variables (default 1e-6).
    pub mip_gap: f64,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions::from_raw(&sys::hedge_solver_options::init())
    }
}

impl SolverOptions {
    pub(crate) fn from_raw(o: &sys::hedge_solver_options) -> SolverOptions {
        SolverOptions {
            eps_abs: o.eps_abs, eps_rel: o.eps_rel, max_iter: o.max_iter, time_limit_s: o.time_limit_s,
            polish: o.polish != 0, max_nodes: o.max_nodes, mip_gap: o.mip_gap,
        }
    }

    pub(crate) fn to_raw(self) -> sys::hedge_solver_options {
        let mut o = sys::hedge_solver_options::init();
        o.eps_abs = self.eps_abs;
        o.eps_rel = self.eps_rel;
        o.max_iter = self.max_iter;
        o.time_limit_s = self.time_limit_s;
        o.polish = self.polish as i32;
        o.max_nodes = self.max_nodes;
        o.mip_gap = self.mip_gap;
        o
    }
}

/// The figures of a solve besides the vectors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolveInfo {
    pub status: SolveStatus,
    /// Objective at x, L1 terms included (+inf primal infeasible, -inf unbounded).
    pub objective: f64,
    /// Largest row or bound violation at x.
    pub primal_residual: f64,
    /// Largest entry of the Lagrangian's (sub)gradient at (x, y, z).
    pub dual_residual: f64,
    /// Backend iterations (ADMM iterations for "admm").
    pub iterations: usize,
    /// Wall-clock seconds.
    pub solve_time_s: f64,
}

/// A solve's answer. Duals follow L = f(x) + y'(A x) + z'x: y_i >= 0 when row i is at its upper
/// bound, <= 0 at its lower bound (z likewise for the bounds), so each is a shadow price.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// n primal values (or an unbounded direction).
    pub x: Vec<f64>,
    /// m row duals (or an infeasibility certificate).
    pub y: Vec<f64>,
    /// n bound duals (or a certificate).
    pub z: Vec<f64>,
    pub info: SolveInfo,
}

impl Solution {
    pub fn status(&self) -> SolveStatus {
        self.info.status
    }

    pub fn objective(&self) -> f64 {
        self.info.objective
    }
}

/// A backend set up on a problem (`hedge_solver`): setup allocates and factorises, solves do not.
///
/// `Send`, not `Sync`: a solver is used by one thread at a time (optimize.h), and every call that
/// uses it takes `&mut self`.
pub struct Solver<'ctx> {
    raw: NonNull<sys::hedge_solver>,
    n: usize,
    m: usize,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Solver<'ctx> {}

impl<'ctx> Solver<'ctx> {
    /// Sets `backend` (`None`: the built-in "admm") up on `qp`. The solver keeps its own copy of
    /// what it needs, so the problem may change or go afterwards.
    pub fn new(ctx: &'ctx Context, qp: &Qp<'_>, backend: Option<&str>, options: &SolverOptions)
        -> Result<Solver<'ctx>> {
        let name = opt_cstring("backend", backend)?;
        let o = options.to_raw();
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_solver_create(&mut raw, ctx.as_ptr(), opt_ptr(&name), qp.as_ptr(), &o) })?;
        Ok(Solver { raw: NonNull::new(raw).expect("NULL solver"), n: qp.n, m: qp.m, _ctx: PhantomData })
    }

    pub fn as_ptr(&self) -> *mut sys::hedge_solver {
        self.raw.as_ptr()
    }

    /// The backend's name.
    pub fn backend(&self) -> &str {
        unsafe { crate::util::borrowed_str(sys::hedge_solver_backend(self.raw.as_ptr())) }.unwrap_or("")
    }

    /// Solves into caller slices of n, m and n values (no allocation on either side of the call).
    pub fn solve_into(&mut self, x: &mut [f64], y: &mut [f64], z: &mut [f64]) -> Result<SolveInfo> {
        if x.len() != self.n || y.len() != self.m || z.len() != self.n {
            return Err(HedgeError::invalid_arg(format!(
                "Solver::solve_into: x, y, z need {}, {} and {} values, got {}, {} and {}",
                self.n, self.m, self.n, x.len(), y.len(), z.len())));
        }
        let mut sol = sys::hedge_solution::init();
        sol.x = x.as_mut_ptr();
        sol.y = if y.is_empty() { ptr::null_mut() } else { y.as_mut_ptr() };
        sol.z = z.as_mut_ptr();
        check(unsafe { sys::hedge_solver_solve(self.raw.as_ptr(), &mut sol) })?;
        Ok(SolveInfo {
            status: SolveStatus::from_raw(sol.status), objective: sol.objective,
            primal_residual: sol.primal_residual, dual_residual: sol.dual_residual, iterations: sol.iterations,
            solve_time_s: sol.solve_time_s,
        })
    }

    /// Solves. An error means the call failed (`HEDGE_ERR_BACKEND`); infeasibility and limits are
    /// outcomes, in the solution's status.
    pub fn solve(&mut self) -> Result<Solution> {
        let (mut x, mut y, mut z) = (vec![0.0; self.n], vec![0.0; self.m], vec![0.0; self.n]);
        let info = self.solve_into(&mut x, &mut y, &mut z)?;
        Ok(Solution { x, y, z, info })
    }

    /// Replaces one vector (not [`QpVector::Diagonal`], which is in the factorisation), keeping the
    /// setup; the next solve starts from the last answer.
    pub fn update(&mut self, which: QpVector, values: &[f64]) -> Result<()> {
        let want = if which.is_row() { self.m } else { self.n };
        if values.len() != want {
            return Err(length_error("Solver::update", want, values.len()));
        }
        check(unsafe { sys::hedge_solver_update(self.raw.as_ptr(), which as i32, read_ptr(values)) })
    }

    /// Starts the next solve from (x, y); `None` stands for zeros.
    pub fn warm_start(&mut self, x: Option<&[f64]>, y: Option<&[f64]>) -> Result<()> {
        if x.map_or(false, |x| x.len() != self.n) || y.map_or(false, |y| y.len() != self.m) {
            return Err(HedgeError::invalid_arg(format!("Solver::warm_start: x needs {} values, y {}", self.n,
                                                       self.m)));
        }
        check(unsafe {
            sys::hedge_solver_warm_start(self.raw.as_ptr(), x.map_or(ptr::null(), read_ptr),
                                         y.map_or(ptr::null(), read_ptr))
        })
    }
}

impl<'ctx> Drop for Solver<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_solver_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Solver<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Solver").field("backend", &self.backend()).field("n", &self.n).field("m", &self.m).finish()
    }
}
