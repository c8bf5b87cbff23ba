// The optimizer against closed forms: a clipped separable quadratic, a small equality-constrained
// QP with a factor solved by hand, an infeasible and an unbounded problem, a warm start against a
// cold solve, and errors.

use libhedge::*;

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

#[test]
fn box_constrained_separable_quadratic_is_the_clipped_minimiser() {
    // minimise sum 1/2 d_j x_j^2 + c_j x_j on lb <= x <= ub: x_j = clip(-c_j / d_j, lb_j, ub_j), and
    // the bound dual is what stationarity d x + c + z = 0 leaves
    let ctx = Context::new().unwrap();
    let d = [1.0, 2.0, 0.5, 4.0, 3.0];
    let c = [-3.0, 1.0, 0.2, -1.0, 6.0];
    let lb = [-1.0, f64::NEG_INFINITY, 0.0, -0.1, -1.0];
    let ub = [1.0, 0.0, f64::INFINITY, 0.1, 1.0];
    let mut qp = Qp::new(&ctx, 5, 0, 0).unwrap();
    qp.set(QpVector::Diagonal, &d).unwrap();
    qp.set(QpVector::Linear, &c).unwrap();
    qp.set_bounds(&lb, &ub).unwrap();
    let want: Vec<f64> = (0..5).map(|j| (-c[j] / d[j]).max(lb[j]).min(ub[j])).collect();
    assert_eq!(want, vec![1.0, -0.5, 0.0, 0.1, -1.0]); // upper, free, lower, upper, lower
    let mut solver = Solver::new(&ctx, &qp, None, &SolverOptions::default()).unwrap();
    assert_eq!(solver.backend(), "admm");
    let sol = solver.solve().unwrap();
    assert_eq!(sol.status(), SolveStatus::Optimal);
    let mut objective = 0.0;
    for j in 0..5 {
        assert!(close(sol.x[j], want[j], 1e-9, 1e-10), "x[{}] = {} vs {}", j, sol.x[j], want[j]);
        let z = -(d[j] * want[j] + c[j]);
        assert!(close(sol.z[j], z, 1e-7, 1e-8), "z[{}] = {} vs {}", j, sol.z[j], z);
        objective += 0.5 * d[j] * want[j] * want[j] + c[j] * want[j];
    }
    assert!(close(sol.objective(), objective, 1e-10, 0.0));
    assert!(sol.y.is_empty());
}

#[test]
fn equality_constrained_qp_with_a_factor_meets_its_kkt_conditions() {
    // P = D + F'F = [[2, 1], [1, 2]] (D = I, F = [1 1]), c = (-1, 0), subject to x1 - x2 = b: the
    // KKT system P x + c + A'y = 0, A x = b solved by elimination below.
    let ctx = Context::new().unwrap();
    let mut qp = Qp::new(&ctx, 2, 1, 1).unwrap();
    qp.set(QpVector::Diagonal, &[1.0, 1.0]).unwrap();
    qp.set(QpVector::Linear, &[-1.0, 0.0]).unwrap();
    qp.set_factor(&[1.0, 1.0]).unwrap();
    qp.set_rows(&[1.0, -1.0]).unwrap();
    assert_eq!(qp.factor(), &[1.0, 1.0]);
    assert_eq!(qp.rows(), &[1.0, -1.0]);
    for &b in &[1.0, 2.0, -0.5] {
        qp.set_row_bounds(&[b], &[b]).unwrap();
        // rows: 2 x1 + x2 - 1 + y = 0, x1 + 2 x2 - y = 0, x1 - x2 = b
        // -> x1 = x2 + b, 3 x2 + 2 b - 1 + y = 0, 3 x2 + b - y = 0 -> 6 x2 + 3 b - 1 = 0
        let x2 = (1.0 - 3.0 * b) / 6.0;
        let x1 = x2 + b;
        let y = 3.0 * x2 + b;
        let sol = Solver::new(&ctx, &qp, None, &SolverOptions::default()).unwrap().solve().unwrap();
        assert_eq!(sol.status(), SolveStatus::Optimal);
        assert!(close(sol.x[0], x1, 1e-9, 1e-10) && close(sol.x[1], x2, 1e-9, 1e-10), "{:?} vs {} {}", sol.x, x1, x2);
        assert!(close(sol.y[0], y, 1e-7, 1e-9), "y {} vs {}", sol.y[0], y);
        let obj = 0.5 * (x1 * x1 + x2 * x2 + (x1 + x2) * (x1 + x2)) - x1;
        assert!(close(sol.objective(), obj, 1e-9, 1e-12));
    }
}

#[test]
fn infeasible_and_unbounded_problems_are_outcomes() {
    let ctx = Context::new().unwrap();
    // x1 + x2 >= 3 within [0, 1]^2
    let mut qp = Qp::new(&ctx, 2, 0, 1).unwrap();
    qp.set(QpVector::Diagonal, &[1.0, 1.0]).unwrap();
    qp.set_rows(&[1.0, 1.0]).unwrap();
    qp.set_row_bounds(&[3.0], &[f64::INFINITY]).unwrap();
    qp.set_bounds(&[0.0, 0.0], &[1.0, 1.0]).unwrap();
    let sol = Solver::new(&ctx, &qp, None, &SolverOptions::default()).unwrap().solve().unwrap();
    assert_eq!(sol.status(), SolveStatus::PrimalInfeasible);
    assert_eq!(sol.objective(), f64::INFINITY);
    // the certificate: A'y + z ~ 0 and a negative support function of the bounds
    assert!((sol.y[0] + sol.z[0]).abs() < 1e-5 && (sol.y[0] + sol.z[1]).abs() < 1e-5, "{:?}", sol);
    assert!(sol.y[0] < 0.0 && 3.0 * sol.y[0] + sol.z[0].max(0.0) + sol.z[1].max(0.0) < -0.1);

    // minimise -x1 + x2^2 on x1 >= 0
    let mut qp = Qp::new(&ctx, 2, 0, 0).unwrap();
    qp.set(QpVector::Diagonal, &[0.0, 2.0]).unwrap();
    qp.set(QpVector::Linear, &[-1.0, 0.0]).unwrap();
    qp.set(QpVector::Lb, &[0.0, f64::NEG_INFINITY]).unwrap();
    let sol = Solver::new(&ctx, &qp, None, &SolverOptions::default()).unwrap().solve().unwrap();
    assert_eq!(sol.status(), SolveStatus::DualInfeasible);
    assert_eq!(sol.objective(), f64::NEG_INFINITY);
    assert!(close(sol.x[0], 1.0, 1e-9, 0.0) && sol.x[1].abs() < 1e-7);
}

/// Deterministic pseudo-random numbers in [-1, 1) (no registry crates).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
    fn vec(&mut self, n: usize, scale: f64) -> Vec<f64> {
        (0..n).map(|_| scale * self.next()).collect()
    }
}

#[test]
fn warm_started_update_equals_a_cold_solve() {
    let ctx = Context::new().unwrap();
    let (n, k, m) = (12, 4, 5);
    let mut rng = Lcg(42);
    let d: Vec<f64> = rng.vec(n, 0.5).iter().map(|x| x.abs()).collect();
    let f = rng.vec(k * n, 1.0);
    let a = rng.vec(m * n, 1.0);
    let lo: Vec<f64> = rng.vec(m, 1.0).iter().map(|x| -0.5 - x.abs()).collect();
    let hi: Vec<f64> = rng.vec(m, 1.0).iter().map(|x| 0.5 + x.abs()).collect();
    let build = |c: &[f64], ub: &[f64]| {
        let mut qp = Qp::new(&ctx, n, k, m).unwrap();
        qp.set(QpVector::Diagonal, &d).unwrap();
        qp.set(QpVector::Linear, c).unwrap();
        qp.set_factor(&f).unwrap();
        qp.set_rows(&a).unwrap();
        qp.set_row_bounds(&lo, &hi).unwrap();
        qp.set_bounds(&vec![-1.0; n], ub).unwrap();
        qp
    };
    let c0 = rng.vec(n, 2.0);
    let mut solver = Solver::new(&ctx, &build(&c0, &vec![1.0; n]), None, &SolverOptions::default()).unwrap();
    let mut last = solver.solve().unwrap();
    assert_eq!(last.status(), SolveStatus::Optimal);
    for step in 0..3 {
        let c: Vec<f64> = c0.iter().map(|x| x + 0.3 * rng.next()).collect();
        let ub = vec![1.0 - 0.1 * step as f64; n];
        solver.update(QpVector::Linear, &c).unwrap();
        solver.update(QpVector::Ub, &ub).unwrap();
        solver.warm_start(Some(&last.x), Some(&last.y)).unwrap();
        let warm = solver.solve().unwrap();
        let cold = Solver::new(&ctx, &build(&c, &ub), None, &SolverOptions::default()).unwrap().solve().unwrap();
        assert_eq!((warm.status(), cold.status()), (SolveStatus::Optimal, SolveStatus::Optimal));
        for j in 0..n {
            assert!(close(warm.x[j], cold.x[j], 1e-7, 1e-8), "step {} x[{}]: {} vs {}", step, j, warm.x[j], cold.x[j]);
        }
        assert!(close(warm.objective(), cold.objective(), 1e-9, 1e-12));
        last = warm;
    }
}

#[test]
fn bad_input_is_an_error_with_its_status() {
    let ctx = Context::new().unwrap();
    assert_eq!(Qp::new(&ctx, 0, 0, 0).unwrap_err().status(), Status::INVALID_ARG);
    let mut qp = Qp::new(&ctx, 3, 0, 0).unwrap();
    qp.set(QpVector::Diagonal, &[1.0, 1.0, 1.0]).unwrap();
    let err = qp.set(QpVector::Diagonal, &[1.0, -1.0, 1.0]).unwrap_err();
    assert_eq!(err.status(), Status::DOMAIN);
    assert!(err.message().contains("entry 1"), "{}", err);
    assert_eq!(qp.vector(QpVector::Diagonal), &[1.0, 1.0, 1.0]); // nothing changed
    assert_eq!(qp.set(QpVector::Linear, &[1.0]).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(qp.set_bounds(&[0.0, 2.0, 0.0], &[1.0; 3]).unwrap_err().status(), Status::DOMAIN);
    qp.set_bounds(&[5.0; 3], &[6.0; 3]).unwrap(); // beyond the current upper bound: both move
    assert_eq!(qp.vector(QpVector::Lb), &[5.0; 3]);
    let err = Solver::new(&ctx, &qp, Some("no-such-backend"), &SolverOptions::default()).unwrap_err();
    assert_eq!(err.status(), Status::NOT_FOUND);
    let bad = SolverOptions { max_iter: 0, ..Default::default() };
    assert_eq!(Solver::new(&ctx, &qp, None, &bad).unwrap_err().status(), Status::INVALID_ARG);
    let mut solver = Solver::new(&ctx, &qp, None, &SolverOptions::default()).unwrap();
    assert_eq!(solver.update(QpVector::Diagonal, &[1.0; 3]).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(solver.warm_start(Some(&[0.0, f64::NAN, 0.0]), None).unwrap_err().status(), Status::DOMAIN);
    let (mut x, mut z) = ([0.0; 3], [0.0; 3]);
    assert_eq!(solver.solve_into(&mut x[..2], &mut [], &mut z).unwrap_err().status(), Status::INVALID_ARG);
    let info = solver.solve_into(&mut x, &mut [], &mut z).unwrap();
    assert_eq!(info.status, SolveStatus::Optimal);
    assert!(x.iter().all(|&v| close(v, 5.0, 1e-12, 1e-12)));
}

#[test]
fn backends_list_admm_and_integers_need_mip() {
    let ctx = Context::new().unwrap();
    let list = backends(&ctx).unwrap();
    let admm = list.iter().find(|b| b.name == "admm").expect("admm is built in");
    assert!(admm.capabilities.contains(Capabilities::QP) && admm.capabilities.contains(Capabilities::L1));
    let mut qp = Qp::new(&ctx, 2, 0, 0).unwrap();
    qp.set(QpVector::Diagonal, &[1.0, 1.0]).unwrap();
    qp.set(QpVector::Linear, &[-0.3, -1.6]).unwrap();
    qp.set_integer(Some(&[true, false])).unwrap();
    assert_eq!(qp.integer(), vec![true, false]);
    for b in &list {
        let made = Solver::new(&ctx, &qp, Some(&b.name), &SolverOptions::default());
        if b.capabilities.contains(Capabilities::MIP) {
            // 1/2 x^2 - 0.3 x over the integers: 0; the continuous one 1.6
            let sol = made.unwrap().solve().unwrap();
            assert!(sol.x[0].abs() < 1e-7 && close(sol.x[1], 1.6, 1e-7, 1e-9), "{}: {:?}", b.name, sol.x);
        } else {
            assert_eq!(made.unwrap_err().status(), Status::UNSUPPORTED);
        }
    }
}
