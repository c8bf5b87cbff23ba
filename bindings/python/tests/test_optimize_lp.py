"""admm on linear programs: mid-size LPs converge and agree with HiGHS (scipy), and a warm
re-solve after a small cost change stays within a few fresh solves and gives the fresh answer."""
import numpy as np
import pytest

import libhedge as lh


def random_lp(rng, n, m):
    """Boxed variables around a point x0, L1 costs on most, rows around A x0: equalities,
    two-sided, one-sided; feasible by construction, bounded by the boxes."""
    x0 = 2 * rng.uniform(-1, 1, n)
    scale = np.exp(2 * rng.uniform(-1, 1))
    c = scale * rng.uniform(-1, 1, n)
    w = np.where(rng.random(n) < 0.7, scale * rng.random(n), 0.0)
    lb, ub = x0 - 0.1 - rng.random(n), x0 + 0.1 + rng.random(n)
    A = np.where(rng.random((m, n)) < 0.7, rng.uniform(-1, 1, (m, n)), 0.0)
    ax = A @ x0
    lo, hi = np.full(m, -np.inf), np.full(m, np.inf)
    for i in range(m):
        u = rng.random()
        if u < 0.2:
            lo[i] = hi[i] = ax[i]
        elif u < 0.6:
            lo[i], hi[i] = ax[i] - rng.random(), ax[i] + rng.random()
        elif u < 0.8:
            lo[i] = ax[i] - rng.random()
        else:
            hi[i] = ax[i] + rng.random()
    return dict(c=c, w=w, lb=lb, ub=ub, A=A, lo=lo, hi=hi)


def test_warm_lp_resolves_are_bounded_by_fresh_solves():
    # Before the restart, seed 7 took 9 times the larger fresh solve's iterations.
    n, m, worst = 100, 60, 0.0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        data = random_lp(rng, n, m)
        with lh.Solver(lh.QP(n, 0, m, **data)) as solver:
            first = solver.solve()
            c2 = data["c"] * (1 + 0.01 * rng.uniform(-1, 1, n))
            solver.update("c", c2)
            warm = solver.solve()
        with lh.Solver(lh.QP(n, 0, m, **dict(data, c=c2))) as cold:
            fresh = cold.solve()
        if first.status != lh.SolveStatus.OPTIMAL or fresh.status != lh.SolveStatus.OPTIMAL:
            continue
        most = max(first.iterations, fresh.iterations)
        assert warm.status == lh.SolveStatus.OPTIMAL, seed
        assert warm.iterations <= 4 * most + 200, (seed, warm.iterations, first.iterations, fresh.iterations)
        assert abs(warm.objective - fresh.objective) <= 1e-6 * abs(fresh.objective) + 1e-9
        worst = max(worst, warm.iterations / most)
    print(f"warm LP re-solves: at most {worst:.2f} times the larger fresh solve")


def linprog_objective(d):
    """The LP through scipy's HiGHS on the split form x - t = p - q (t = 0 here), p, q >= 0."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    n, m = len(d["c"]), len(d["lo"])
    eye = np.eye(n)
    lo_f, hi_f = np.isfinite(d["lo"]), np.isfinite(d["hi"])
    zeros = np.zeros((m, n))
    a_ub = np.vstack([np.hstack([d["A"], zeros, zeros])[hi_f], np.hstack([-d["A"], zeros, zeros])[lo_f]])
    b_ub = np.concatenate([d["hi"][hi_f], -d["lo"][lo_f]])
    ref = linprog(np.concatenate([d["c"], d["w"], d["w"]]), A_ub=a_ub, b_ub=b_ub,
                  A_eq=np.hstack([eye, -eye, eye]), b_eq=np.zeros(n),
                  bounds=list(zip(d["lb"], d["ub"])) + [(0, None)] * (2 * n), method="highs")
    assert ref.status == 0
    return ref.fun


def converged_iterations(n, m, seeds):
    """Solves the random LP of each seed cold; each must be optimal and match HiGHS to 1e-7.
    Returns the ADMM iterations of each."""
    iters = []
    for seed in seeds:
        data = random_lp(np.random.default_rng(seed), n, m)
        with lh.Solver(lh.QP(n, 0, m, **data)) as solver:
            sol = solver.solve()
        assert sol.status == lh.SolveStatus.OPTIMAL, seed
        ref = linprog_objective(data)
        assert abs(sol.objective - ref) <= 1e-7 * abs(ref) + 1e-9, (seed, sol.objective, ref)
        iters.append(sol.iterations)
    return iters


def test_mid_size_lps_converge_and_match_highs():
    # ADMM alone hovers near an LP's vertex for tens of thousands of iterations while its guess
    # names a basis one pivot away (seed 11 reached the 100,000-iteration limit); the polish's
    # primal and dual simplex pivots finish such bases.
    iters = converged_iterations(150, 100, range(20))
    print(f"150 x 100 LPs: median {np.median(iters):.0f} iterations, max {max(iters)}")


def test_larger_lps_converge_and_match_highs():
    # Eight of 300 x 200: before the pivots ADMM needed about 45,000 iterations at the median and two
    # of these eight reached the 100,000-iteration limit.
    iters = converged_iterations(300, 200, range(8))
    print(f"300 x 200 LPs: median {np.median(iters):.0f} iterations, max {max(iters)}")
