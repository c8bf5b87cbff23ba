"""admm on linear programs: a warm re-solve after a small cost change stays within a few fresh
solves (the restart that bounds it), and gives the fresh solve's answer."""
import numpy as np

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
