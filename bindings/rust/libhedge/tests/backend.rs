// Optimizer backends written in Rust: a projected-gradient backend for box-constrained QPs with
// L1 terms, registered on a context and selected by name through Solver::new, against the
// built-in "admm" on the same problems; updates and warm starts; what the library refuses on the
// backend's behalf; panics turned into HEDGE_ERR_BACKEND with the context still usable; who
// drops what.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use libhedge::*;

// ---- the backend under test: accelerated proximal gradient (FISTA with adaptive restart) ----

/// Box-constrained QPs with L1 terms: minimise 1/2 x'(D + F'F)x + c'x + sum w|x - t| over
/// lb <= x <= ub. Quadratic and L1 terms are what it handles (QP | L1), warm starts shorten its
/// solves; linear rows it refuses at setup.
struct ProxGradient;

struct PgState {
    n: usize,
    k: usize,
    d: Vec<f64>,
    f: Vec<f64>,
    c: Vec<f64>,
    w: Vec<f64>,
    t: Vec<f64>,
    lb: Vec<f64>,
    ub: Vec<f64>,
    /// An upper bound on the largest eigenvalue of D + F'F: max D + ||F||_F^2.
    lipschitz: f64,
    eps_abs: f64,
    eps_rel: f64,
    max_iter: usize,
    /// The next solve's starting point.
    start: Vec<f64>,
    // workspace, so that solves allocate nothing
    x: Vec<f64>,
    x_prev: Vec<f64>,
    y: Vec<f64>,
    g: Vec<f64>,
    fy: Vec<f64>,
}

fn err(status: Status, msg: &str) -> HedgeError {
    HedgeError::new(status, msg)
}

impl Backend for ProxGradient {
    type State = PgState;

    fn capabilities(&self) -> Capabilities {
        Capabilities::QP | Capabilities::L1 | Capabilities::WARM_START
    }

    fn setup(&self, qp: &Qp<'_>, options: &SolverOptions) -> Result<PgState> {
        let (n, k, m) = qp.size();
        if m > 0 {
            return Err(err(Status::UNSUPPORTED, "prox-gradient handles bounds only, not linear rows"));
        }
        let d = qp.vector(QpVector::Diagonal).to_vec();
        let f = qp.factor().to_vec();
        let lipschitz = d.iter().cloned().fold(0.0, f64::max) + f.iter().map(|v| v * v).sum::<f64>();
        let v = |which| qp.vector(which).to_vec();
        Ok(PgState {
            n, k, d, f, c: v(QpVector::Linear), w: v(QpVector::L1Weight), t: v(QpVector::L1Target),
            lb: v(QpVector::Lb), ub: v(QpVector::Ub), lipschitz: if lipschitz > 0.0 { lipschitz } else { 1.0 },
            eps_abs: options.eps_abs, eps_rel: options.eps_rel, max_iter: options.max_iter, start: vec![0.0; n],
            x: vec![0.0; n], x_prev: vec![0.0; n], y: vec![0.0; n], g: vec![0.0; n], fy: vec![0.0; k],
        })
    }
}

impl PgState {
    /// g = (D + F'F) y + c, with F y in fy.
    fn gradient(&mut self) {
        let n = self.n;
        for r in 0..self.k {
            self.fy[r] = (0..n).map(|j| self.f[r * n + j] * self.y[j]).sum();
        }
        for j in 0..n {
            let ftf: f64 = (0..self.k).map(|r| self.f[r * n + j] * self.fy[r]).sum();
            self.g[j] = self.d[j] * self.y[j] + ftf + self.c[j];
        }
    }

    /// The proximal step of the L1 terms and the box, coordinate j, from v = y - g / L: the prox of
    /// a convex function of one variable plus an interval's indicator is its prox clipped.
    fn prox(&self, j: usize, v: f64) -> f64 {
        let h = self.w[j] / self.lipschitz;
        let u = v - self.t[j];
        let soft = if u > h { u - h } else if u < -h { u + h } else { 0.0 };
        (self.t[j] + soft).max(self.lb[j]).min(self.ub[j])
    }

    fn objective(&self, x: &[f64]) -> f64 {
        let n = self.n;
        let mut q = 0.0;
        for r in 0..self.k {
            let fx: f64 = (0..n).map(|j| self.f[r * n + j] * x[j]).sum();
            q += fx * fx;
        }
        for j in 0..n {
            q += self.d[j] * x[j] * x[j];
        }
        0.5 * q + (0..n).map(|j| self.c[j] * x[j] + self.w[j] * (x[j] - self.t[j]).abs()).sum::<f64>()
    }
}

fn clip(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

impl BackendState for PgState {
    fn solve(&mut self, out: &mut BackendSolution<'_>) -> Result<()> {
        let n = self.n;
        for j in 0..n {
            self.x[j] = clip(self.start[j], self.lb[j], self.ub[j]);
        }
        self.x_prev.copy_from_slice(&self.x);
        let (mut momentum, mut status, mut iterations, mut residual) = (1.0f64, SolveStatus::IterationLimit, 0, 0.0);
        while iterations < self.max_iter {
            iterations += 1;
            let next = 0.5 * (1.0 + (1.0 + 4.0 * momentum * momentum).sqrt());
            let beta = (momentum - 1.0) / next;
            momentum = next;
            for j in 0..n {
                self.y[j] = self.x[j] + beta * (self.x[j] - self.x_prev[j]);
            }
            self.gradient();
            self.x_prev.copy_from_slice(&self.x);
            let (mut step, mut scale, mut restart) = (0.0f64, 0.0f64, 0.0);
            for j in 0..n {
                let xj = self.prox(j, self.y[j] - self.g[j] / self.lipschitz);
                step = step.max((xj - self.y[j]).abs());
                scale = scale.max(self.g[j].abs()).max(self.c[j].abs());
                restart += (self.y[j] - xj) * (xj - self.x_prev[j]);
                self.x[j] = xj;
            }
            // the gradient mapping's size at y: zero exactly at a minimiser
            residual = self.lipschitz * step;
            if residual <= self.eps_abs + self.eps_rel * scale {
                status = SolveStatus::Optimal;
                break;
            }
            if restart > 0.0 {
                momentum = 1.0; // O'Donoghue & Candes' gradient restart
            }
        }
        out.status = status;
        out.objective = self.objective(&self.x);
        out.primal_residual = (0..n).map(|j| (self.lb[j] - self.x[j]).max(self.x[j] - self.ub[j]).max(0.0))
                                    .fold(0.0, f64::max);
        out.dual_residual = residual;
        out.iterations = iterations;
        if let Some(x) = out.x.as_deref_mut() {
            x.copy_from_slice(&self.x);
        }
        for v in [out.y.as_deref_mut(), out.z.as_deref_mut()].into_iter().flatten() {
            v.iter_mut().for_each(|e| *e = 0.0); // no duals: not declared
        }
        // like admm, the next solve starts from this answer
        self.start.copy_from_slice(&self.x);
        Ok(())
    }

    fn update(&mut self, which: QpVector, values: &[f64]) -> Result<()> {
        let target = match which {
            QpVector::Linear => &mut self.c,
            QpVector::L1Weight => &mut self.w,
            QpVector::L1Target => &mut self.t,
            QpVector::Lb | QpVector::Ub => {
                let (lb, ub) = if which == QpVector::Lb { (values, &self.ub[..]) } else { (&self.lb[..], values) };
                if lb.iter().zip(ub).any(|(l, u)| l > u) {
                    return Err(err(Status::DOMAIN, "a lower bound above its upper bound"));
                }
                if which == QpVector::Lb { &mut self.lb } else { &mut self.ub }
            }
            QpVector::RowLo | QpVector::RowHi => return Ok(()), // no rows (m = 0)
            QpVector::Diagonal => return Err(err(Status::INVALID_ARG, "D is never updated")),
        };
        target.copy_from_slice(values);
        Ok(())
    }

    fn warm_start(&mut self, x: Option<&[f64]>, _y: Option<&[f64]>) -> Result<()> {
        match x {
            Some(x) => self.start.copy_from_slice(x),
            None => self.start.iter_mut().for_each(|v| *v = 0.0),
        }
        Ok(())
    }
}

// ---- problems ----

struct Lcg(u64);

impl Lcg {
    fn unif(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn sym(&mut self) -> f64 {
        2.0 * self.unif() - 1.0
    }
}

/// A random strictly convex problem with a factor, L1 terms and boxes (some one-sided or free)
/// tight enough that some bounds are active at the optimum.
fn random_qp<'c>(ctx: &'c Context, r: &mut Lcg, n: usize, k: usize) -> Qp<'c> {
    let mut qp = Qp::new(ctx, n, k, 0).unwrap();
    let d: Vec<f64> = (0..n).map(|_| 0.2 + r.unif()).collect();
    let f: Vec<f64> = (0..k * n).map(|_| r.sym()).collect();
    let c: Vec<f64> = (0..n).map(|_| 3.0 * r.sym()).collect();
    let w: Vec<f64> = (0..n).map(|j| if j % 2 == 0 { r.unif() } else { 0.0 }).collect();
    let t: Vec<f64> = (0..n).map(|_| r.sym()).collect();
    let mut lb = vec![f64::NEG_INFINITY; n];
    let mut ub = vec![f64::INFINITY; n];
    for j in 0..n {
        match j % 4 {
            0 => {
                lb[j] = -0.5 * r.unif();
                ub[j] = 0.5 * r.unif();
            }
            1 => lb[j] = r.sym(),
            2 => ub[j] = r.sym(),
            _ => {}
        }
    }
    qp.set(QpVector::Diagonal, &d).unwrap();
    qp.set_factor(&f).unwrap();
    qp.set(QpVector::Linear, &c).unwrap();
    qp.set(QpVector::L1Weight, &w).unwrap();
    qp.set(QpVector::L1Target, &t).unwrap();
    qp.set_bounds(&lb, &ub).unwrap();
    qp
}

fn options() -> SolverOptions {
    SolverOptions { eps_abs: 1e-11, eps_rel: 1e-11, max_iter: 200_000, ..SolverOptions::default() }
}

/// The two answers agree: x to 1e-6 (a strongly convex objective pins x down), objectives to 1e-9.
fn assert_same(pg: &Solution, admm: &Solution, what: &str) {
    assert_eq!(pg.status(), SolveStatus::Optimal, "{}: {:?}", what, pg.info);
    assert_eq!(admm.status(), SolveStatus::Optimal, "{}", what);
    for (j, (a, b)) in pg.x.iter().zip(&admm.x).enumerate() {
        assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()), "{}: x[{}] {} vs admm's {}", what, j, a, b);
    }
    let (a, b) = (pg.objective(), admm.objective());
    assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{}: objective {} vs admm's {}", what, a, b);
}

/// A context that records its error log.
fn logged_context() -> (Context, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let ctx = Context::builder()
        .log(LogLevel::Error, move |_, m| sink.lock().unwrap().push(m.to_string()))
        .build()
        .unwrap();
    (ctx, log)
}

// ---- tests ----

#[test]
fn a_rust_backend_answers_as_admm_does() {
    let mut ctx = Context::new().unwrap();
    ctx.register_backend("rust-pg", ProxGradient).unwrap();
    let listed = backends(&ctx).unwrap();
    let mine = listed.iter().find(|b| b.name == "rust-pg").expect("registered");
    assert_eq!(mine.capabilities, ProxGradient.capabilities());
    assert_eq!(mine.capabilities.0, sys::HEDGE_BACKEND_CAP_QP | sys::HEDGE_BACKEND_CAP_L1 | sys::HEDGE_BACKEND_CAP_WARM_START);
    assert!(mine.capabilities.contains(Capabilities::L1) && !mine.capabilities.contains(Capabilities::MIP));
    assert_eq!(listed[0].name, "admm", "built-ins first");

    let mut r = Lcg(42);
    for &(n, k) in &[(1usize, 0usize), (4, 2), (8, 3), (12, 5)] {
        for _ in 0..3 {
            let qp = random_qp(&ctx, &mut r, n, k);
            let mut pg = Solver::new(&ctx, &qp, Some("rust-pg"), &options()).unwrap();
            assert_eq!(pg.backend(), "rust-pg");
            let mut admm = Solver::new(&ctx, &qp, None, &options()).unwrap();
            let (a, b) = (pg.solve().unwrap(), admm.solve().unwrap());
            assert_same(&a, &b, &format!("n {} k {}", n, k));
            assert!(a.info.iterations > 0 && a.info.solve_time_s >= 0.0);
            // the caller may leave out any array: x only, through solve_into's sibling path
            let (mut x, mut y, mut z) = (vec![0.0; n], vec![], vec![7.0; n]);
            let info = pg.solve_into(&mut x, &mut y, &mut z).unwrap();
            assert_eq!(info.status, SolveStatus::Optimal);
            assert!(z.iter().all(|&v| v == 0.0));
        }
    }
}

#[test]
fn updates_and_warm_starts_reach_admm_answers() {
    let mut ctx = Context::new().unwrap();
    ctx.register_backend("rust-pg", ProxGradient).unwrap();
    let mut r = Lcg(9);
    let mut qp = random_qp(&ctx, &mut r, 10, 4);
    let mut pg = Solver::new(&ctx, &qp, Some("rust-pg"), &options()).unwrap();
    let first = pg.solve().unwrap();

    // new c and upper bounds on the solver, against a fresh admm setup on the changed problem
    let c: Vec<f64> = (0..10).map(|_| 3.0 * r.sym()).collect();
    let ub: Vec<f64> = qp.vector(QpVector::Ub).iter().map(|&u| if u.is_finite() { u + 0.1 } else { 2.0 }).collect();
    pg.update(QpVector::Linear, &c).unwrap();
    pg.update(QpVector::Ub, &ub).unwrap();
    qp.set(QpVector::Linear, &c).unwrap();
    qp.set(QpVector::Ub, &ub).unwrap();
    let updated = pg.solve().unwrap();
    let admm = Solver::new(&ctx, &qp, None, &options()).unwrap().solve().unwrap();
    assert_same(&updated, &admm, "after updates");
    assert!(first.x != updated.x);

    // an upper bound below its lower bound is refused by the backend, and changes nothing
    let lb = qp.vector(QpVector::Lb).to_vec();
    let bad: Vec<f64> = (0..10).map(|j| if lb[j].is_finite() { lb[j] - 1.0 } else { 0.0 }).collect();
    let e = pg.update(QpVector::Ub, &bad).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert_same(&pg.solve().unwrap(), &admm, "after a refused update");

    // started from admm's answer, the solve takes fewer iterations than from zero
    pg.warm_start(None, None).unwrap();
    let cold = pg.solve().unwrap();
    pg.warm_start(Some(&admm.x), None).unwrap();
    let warm = pg.solve().unwrap();
    assert_same(&warm, &admm, "warm");
    assert!(warm.info.iterations < cold.info.iterations, "warm {} vs cold {}", warm.info.iterations,
            cold.info.iterations);
}

#[test]
fn what_the_backend_cannot_do_is_refused() {
    let (mut ctx, log) = logged_context();
    ctx.register_backend("rust-pg", ProxGradient).unwrap();
    // linear rows: refused by the backend's setup, whose words reach the log
    let qp = Qp::new(&ctx, 3, 0, 1).unwrap();
    let e = Solver::new(&ctx, &qp, Some("rust-pg"), &options()).unwrap_err();
    assert_eq!(e.status(), Status::UNSUPPORTED);
    assert!(e.message().contains("rust-pg"), "{}", e);
    assert!(log.lock().unwrap().iter().any(|m| m.contains("rust-pg") && m.contains("not linear rows")),
            "{:?}", log.lock().unwrap());
    // integer variables: refused by the library from the capabilities, before setup
    let mut qp = Qp::new(&ctx, 2, 0, 0).unwrap();
    qp.set_integer(Some(&[true, false])).unwrap();
    let e = Solver::new(&ctx, &qp, Some("rust-pg"), &options()).unwrap_err();
    assert_eq!(e.status(), Status::UNSUPPORTED);
    assert!(e.message().contains("integer"), "{}", e);
}

#[test]
fn registration_errors() {
    let mut ctx = Context::new().unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let states = Arc::new(AtomicUsize::new(0));
    let e = ctx.register_backend("admm", panicky(PanicAt::Nowhere, &states, &drops)).unwrap_err();
    assert_eq!(e.status(), Status::EXISTS, "a built-in name");
    assert_eq!(drops.load(Ordering::SeqCst), 1, "a refused backend is dropped at once");
    assert_eq!(ctx.register_backend("", ProxGradient).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(ctx.register_backend(&"x".repeat(32), ProxGradient).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(ctx.register_backend("a\0b", ProxGradient).unwrap_err().status(), Status::INVALID_ARG);
    ctx.register_backend(&"x".repeat(31), ProxGradient).unwrap();
    assert_eq!(ctx.register_backend(&"x".repeat(31), ProxGradient).unwrap_err().status(), Status::EXISTS);
    for i in 1..16 {
        ctx.register_backend(&format!("pg{}", i), ProxGradient).unwrap();
    }
    assert_eq!(ctx.register_backend("one-too-many", ProxGradient).unwrap_err().status(), Status::TOO_LARGE);
    assert_eq!(backends(&ctx).unwrap().len(), 17);
}

// ---- panics and ownership ----

/// A backend that counts its own drops and those of its states, and panics where told.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum PanicAt {
    Nowhere,
    Setup,
    Solve,
    Drop,
}

struct Panicky {
    at: PanicAt,
    states_dropped: Arc<AtomicUsize>,
    _counted: Counted,
}

struct PanickyState {
    at: PanicAt,
    dropped: Arc<AtomicUsize>,
}

impl Drop for PanickyState {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
        if self.at == PanicAt::Drop {
            panic!("state drop fails");
        }
    }
}

impl Backend for Panicky {
    type State = PanickyState;
    fn capabilities(&self) -> Capabilities {
        Capabilities::QP
    }
    fn setup(&self, _qp: &Qp<'_>, _o: &SolverOptions) -> Result<PanickyState> {
        if self.at == PanicAt::Setup {
            panic!("setup fails with {}", 42);
        }
        Ok(PanickyState { at: self.at, dropped: self.states_dropped.clone() })
    }
}

impl BackendState for PanickyState {
    fn solve(&mut self, out: &mut BackendSolution<'_>) -> Result<()> {
        if self.at == PanicAt::Solve {
            panic!("solve fails");
        }
        if let Some(x) = out.x.as_deref_mut() {
            x.iter_mut().for_each(|v| *v = 1.0);
        }
        out.objective = 1.5;
        Ok(())
    }
}

fn panicky(at: PanicAt, states: &Arc<AtomicUsize>, backends: &Arc<AtomicUsize>) -> Panicky {
    Panicky { at, states_dropped: states.clone(), _counted: Counted(backends.clone()) }
}

#[test]
fn a_panicking_backend_yields_backend_errors_and_the_context_stays_usable() {
    let (states, dropped_backends) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    {
        let (mut ctx, log) = logged_context();
        ctx.register_backend("panic-setup", panicky(PanicAt::Setup, &states, &dropped_backends)).unwrap();
        ctx.register_backend("panic-solve", panicky(PanicAt::Solve, &states, &dropped_backends)).unwrap();
        ctx.register_backend("panic-drop", panicky(PanicAt::Drop, &states, &dropped_backends)).unwrap();
        ctx.register_backend("fine", panicky(PanicAt::Nowhere, &states, &dropped_backends)).unwrap();
        ctx.register_backend("rust-pg", ProxGradient).unwrap();
        let mut r = Lcg(3);
        let qp = random_qp(&ctx, &mut r, 5, 2);
        // the panicking backends declare quadratic terms only
        let mut plain = Qp::new(&ctx, 5, 0, 0).unwrap();
        plain.set(QpVector::Diagonal, &[1.0; 5]).unwrap();

        let e = Solver::new(&ctx, &plain, Some("panic-setup"), &options()).unwrap_err();
        assert_eq!(e.status(), Status::BACKEND);
        assert!(log.lock().unwrap().iter().any(|m| m.contains("panic-setup") && m.contains("setup fails with 42")),
                "{:?}", log.lock().unwrap());

        let mut s = Solver::new(&ctx, &plain, Some("panic-solve"), &options()).unwrap();
        assert_eq!(s.solve().unwrap_err().status(), Status::BACKEND);
        assert!(log.lock().unwrap().iter().any(|m| m.contains("panicked: solve fails")));
        // poisoned: refused from now on, without calling into the state again
        assert_eq!(s.solve().unwrap_err().status(), Status::BACKEND);
        assert!(log.lock().unwrap().iter().any(|m| m.contains("an earlier call on this solver panicked")));
        assert_eq!(s.warm_start(None, None).unwrap_err().status(), Status::BACKEND);
        drop(s);
        assert_eq!(states.load(Ordering::SeqCst), 1, "the poisoned state is still dropped");

        // a state whose drop panics: the panic stays on the Rust side, the memory is freed
        let mut s = Solver::new(&ctx, &plain, Some("panic-drop"), &options()).unwrap();
        let sol = s.solve().unwrap();
        assert_eq!((sol.x.clone(), sol.objective()), (vec![1.0; 5], 1.5));
        drop(s);
        assert_eq!(states.load(Ordering::SeqCst), 2);
        assert!(log.lock().unwrap().iter().any(|m| m.contains("panic-drop") && m.contains("state drop fails")));

        // the context goes on: admm and the Rust backend still solve, and agree
        let a = Solver::new(&ctx, &qp, None, &options()).unwrap().solve().unwrap();
        let b = Solver::new(&ctx, &qp, Some("rust-pg"), &options()).unwrap().solve().unwrap();
        assert_same(&b, &a, "after the panics");
        let mut s = Solver::new(&ctx, &plain, Some("fine"), &options()).unwrap();
        assert_eq!(s.solve().unwrap().objective(), 1.5);
        drop(s);
        assert_eq!(states.load(Ordering::SeqCst), 3, "each state dropped once, with its solver");
        assert_eq!(dropped_backends.load(Ordering::SeqCst), 0, "backends live as long as the context");
    }
    assert_eq!(dropped_backends.load(Ordering::SeqCst), 4, "and are dropped with it");
}

#[test]
fn solvers_on_one_backend_from_several_threads() {
    let mut ctx = Context::new().unwrap();
    ctx.register_backend("rust-pg", ProxGradient).unwrap();
    let ctx = &ctx;
    std::thread::scope(|scope| {
        for seed in 0..4u64 {
            scope.spawn(move || {
                let mut r = Lcg(100 + seed);
                let qp = random_qp(ctx, &mut r, 6, 2);
                let a = Solver::new(ctx, &qp, Some("rust-pg"), &options()).unwrap().solve().unwrap();
                let b = Solver::new(ctx, &qp, None, &options()).unwrap().solve().unwrap();
                assert_same(&a, &b, "threaded");
            });
        }
    });
}

// ---- the hedge solver on a Rust backend ----

#[test]
fn a_hedge_problem_solved_on_the_rust_backend() {
    // The minimum-variance hedge of 10 short calls with a perpetual (tests/hedging.rs): risk
    // aversion over scenarios and a taker fee make a QP with one L1 term and no linear rows.
    const NOW: i64 = 1_790_000_000_000;
    const S0: f64 = 100_000.0;
    let mut ctx = Context::new().unwrap();
    ctx.register_backend("rust-pg", ProxGradient).unwrap();
    let expiry = NOW + 30 * 86_400_000;
    let t = 30.0 / 365.0;
    let call = Instrument::new(&ctx, &InstrumentSpec::new(
        InstrumentKind::Option { option_type: OptionType::Call, strike: S0, expiry_ms: expiry }, "CALL", "BTC")
        .venue("a")).unwrap();
    let perp = Instrument::new(&ctx, &InstrumentSpec::new(InstrumentKind::Perpetual { funding_interval_s: 0.0 },
                                                          "PERP", "BTC").venue("a")).unwrap();
    let mut b = SnapshotBuilder::new(&ctx, NOW, None).unwrap();
    b.set_spot("BTC", S0, NOW, 0).unwrap();
    b.add_quote(&Quote { symbol: "PERP", venue: "a", bid: S0, ask: S0, bid_size: 1e6, ask_size: 1e6, timestamp_ms: NOW,
                         ..Default::default() }).unwrap();
    let snapshot = b.finish().unwrap();
    let surface = VolSurface::new(&ctx, NOW, &[SviSlice { expiry_ms: expiry, forward: S0, a: 0.36 * t, b: 0.0,
                                                           rho: 0.0, m: 0.0, sigma: 0.1, ..Default::default() }])
        .unwrap();
    let market = Market::new(&ctx, &snapshot, &[&call, &perp], &[("BTC", &surface)]).unwrap();
    let book = Portfolio::new(&ctx).unwrap();
    book.add(&call, -10.0, 0.0).unwrap();
    let scenarios: Vec<Scenario> = [-0.08, -0.05, -0.03, -0.01, 0.0, 0.015, 0.03, 0.06, 0.09]
        .iter()
        .map(|&m| Scenario { shifts: vec![Shift { underlying: Some("BTC".into()), spot: m, ..Default::default() }],
                             days: 0.0 })
        .collect();
    let mut problem = Problem::new(&ctx).unwrap();
    problem.add_candidate(&Candidate { taker_fee: 0.0005, ..Candidate::new("PERP") }).unwrap();
    problem.set_objective(&Objective { risk_aversion: 1e-4, scenarios: Some(&scenarios), ..Default::default() })
        .unwrap();
    let solve = |backend| {
        let o = SolveOptions { backend, solver: Some(options()), ..Default::default() };
        let r = problem.solve(&ctx, &book, &market, &o).unwrap();
        assert_eq!(r.status(), SolveStatus::Optimal, "{:?}", backend);
        let q: f64 = r.trades().iter().filter(|t| t.symbol == "PERP").map(|t| t.quantity).sum();
        (q, r.summary().objective)
    };
    let (q_pg, obj_pg) = solve(Some("rust-pg"));
    let (q_admm, obj_admm) = solve(None);
    assert!(q_pg > 0.5, "a short call: the hedge buys ({})", q_pg);
    assert!((q_pg - q_admm).abs() <= 1e-6 * q_admm.abs(), "{} vs admm's {}", q_pg, q_admm);
    assert!((obj_pg - obj_admm).abs() <= 1e-9 * (1.0 + obj_admm.abs()), "{} vs {}", obj_pg, obj_admm);
}
