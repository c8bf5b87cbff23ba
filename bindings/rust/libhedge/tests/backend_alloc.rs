// A Rust backend's per-solver state lives in memory from the context's allocator and is freed
// with its solver. A global allocator that counts live blocks sees it: on a context that uses
// Rust's allocator, a solver holds at least two more blocks than on a libc context (the
// library's solver and the state's slot, besides the state's own vectors, which are Rust's on
// both), and every block is returned when the solver goes. One test only in this binary, so no
// other test's allocations run in between.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use libhedge::*;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(1, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
        System.dealloc(p, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Minimises 1/2 |x|^2 + c'x: x = -c. A state with one vector.
struct Plain;
struct PlainState {
    c: Vec<f64>,
}

impl Backend for Plain {
    type State = PlainState;
    fn capabilities(&self) -> Capabilities {
        Capabilities::QP
    }
    fn setup(&self, qp: &Qp<'_>, _o: &SolverOptions) -> Result<PlainState> {
        if qp.vector(QpVector::Diagonal).iter().any(|&d| d != 1.0) || qp.size().1 > 0 || qp.size().2 > 0 {
            return Err(HedgeError::new(Status::UNSUPPORTED, "only D = I"));
        }
        Ok(PlainState { c: qp.vector(QpVector::Linear).to_vec() })
    }
}

impl BackendState for PlainState {
    fn solve(&mut self, out: &mut BackendSolution<'_>) -> Result<()> {
        if let Some(x) = out.x.as_deref_mut() {
            for (xj, cj) in x.iter_mut().zip(&self.c) {
                *xj = -cj;
            }
        }
        out.objective = -0.5 * self.c.iter().map(|c| c * c).sum::<f64>();
        Ok(())
    }
}

/// Live blocks held by a solver set up on `ctx`, and whether all came back after it.
fn held_by_a_solver(ctx: &Context) -> isize {
    let mut qp = Qp::new(ctx, 3, 0, 0).unwrap();
    qp.set(QpVector::Diagonal, &[1.0; 3]).unwrap();
    qp.set(QpVector::Linear, &[1.0, -2.0, 0.5]).unwrap();
    let (mut x, mut y, mut z) = (vec![0.0; 3], vec![], vec![0.0; 3]);
    let before = LIVE.load(Ordering::SeqCst);
    let mut s = Solver::new(ctx, &qp, Some("plain"), &SolverOptions::default()).unwrap();
    let held = LIVE.load(Ordering::SeqCst) - before;
    s.solve_into(&mut x, &mut y, &mut z).unwrap();
    assert_eq!(x, vec![-1.0, 2.0, -0.5]);
    drop(s);
    assert_eq!(LIVE.load(Ordering::SeqCst), before, "every block of the solver came back");
    held
}

#[test]
fn the_state_is_allocated_through_the_context_and_freed_with_its_solver() {
    let mut libc = Context::new().unwrap();
    libc.register_backend("plain", Plain).unwrap();
    let mut rust = Context::builder().rust_allocator().build().unwrap();
    rust.register_backend("plain", Plain).unwrap();
    let on_libc = held_by_a_solver(&libc);
    let on_rust = held_by_a_solver(&rust);
    assert!(on_libc >= 1, "the state's vector is Rust's on both");
    assert!(on_rust >= on_libc + 2, "libc context {} blocks, Rust-allocator context {}", on_libc, on_rust);
}
