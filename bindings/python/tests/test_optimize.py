"""The optimizer through the binding, against answers obtained without it: closed forms (a clipped
separable quadratic, the KKT system of an equality-constrained QP solved by numpy), scipy's linprog
on an LP with L1 terms written the textbook way, Farkas certificates checked by hand, and a cold
solve for the warm one, brute-force enumeration of the integer points for the branch and bound."""
import gc
import itertools
import math

import numpy as np
import pytest

import libhedge as lh


def test_box_constrained_separable_quadratic_is_the_clipped_minimiser():
    # minimise sum 1/2 d_j x_j^2 + c_j x_j on lb <= x <= ub: x_j = clip(-c_j / d_j, lb_j, ub_j), and
    # the bound dual is what stationarity d x + c + z = 0 leaves
    rng = np.random.default_rng(7)
    n = 12
    d = rng.uniform(0.5, 4.0, n)
    c = rng.normal(0.0, 3.0, n)
    lb = np.where(rng.random(n) < 0.3, -np.inf, rng.uniform(-1.0, 0.0, n))
    ub = np.where(rng.random(n) < 0.3, np.inf, rng.uniform(0.0, 1.0, n))
    want = np.clip(-c / d, lb, ub)
    assert (want == lb).any() and (want == ub).any() and ((want > lb) & (want < ub)).any()  # every case
    qp = lh.QP(n, D=d, c=c, lb=lb, ub=ub)
    with lh.Solver(qp) as solver:
        sol = solver.solve()
    assert sol.status == lh.SolveStatus.OPTIMAL and sol.optimal
    np.testing.assert_allclose(sol.x, want, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(sol.z, -(d * want + c), rtol=1e-7, atol=1e-8)
    assert (sol.z[want == ub] >= 0).all() and (sol.z[want == lb] <= 0).all()  # the documented signs
    assert sol.objective == pytest.approx(math.fsum(0.5 * d * want ** 2 + c * want), rel=1e-10)
    assert sol.y.shape == (0,) and max(sol.residuals) < 1e-8


def test_equality_constrained_qp_with_a_factor_solves_its_kkt_system():
    # minimise 1/2 x'(D + F'F)x + c'x subject to A x = b: [P A'; A 0] [x; y] = [-c; b]
    rng = np.random.default_rng(11)
    n, k, m = 9, 4, 3
    D = rng.uniform(0.1, 1.0, n)
    F = rng.normal(size=(k, n))
    A = rng.normal(size=(m, n))
    c = rng.normal(size=n)
    b = rng.normal(size=m)
    P = np.diag(D) + F.T @ F
    kkt = np.block([[P, A.T], [A, np.zeros((m, m))]])
    x_y = np.linalg.solve(kkt, np.concatenate([-c, b]))
    qp = lh.QP(n, k, m, D=D, c=c, F=F, A=A, lo=b, hi=b)
    sol = lh.Solver(qp).solve()
    assert sol.status == lh.SolveStatus.OPTIMAL
    np.testing.assert_allclose(sol.x, x_y[:n], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(sol.y, x_y[n:], rtol=1e-7, atol=1e-8)
    x = x_y[:n]
    assert sol.objective == pytest.approx(0.5 * x @ P @ x + c @ x, rel=1e-9)
    # what was set reads back (copies)
    np.testing.assert_array_equal(qp.factor, F)
    np.testing.assert_array_equal(qp.rows, A)
    np.testing.assert_array_equal(qp.vector("lo"), b)
    assert qp.size == (n, k, m)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lp_with_l1_terms_matches_scipy_linprog(seed):
    """min c'x + sum w|x - t| s.t. lo <= A x <= hi, lb <= x <= ub, against linprog on the split
    form x - t = p - q, p, q >= 0, cost c'x + w'(p + q)."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    rng = np.random.default_rng(seed)
    n, m = 7, 4
    c = rng.normal(size=n)
    w = rng.uniform(0.0, 1.5, n)
    t = rng.normal(0.0, 0.5, n)
    A = rng.normal(size=(m, n))
    x0 = rng.uniform(-0.5, 0.5, n)  # a feasible point
    lo = A @ x0 - rng.uniform(0.1, 1.0, m)
    hi = A @ x0 + rng.uniform(0.1, 1.0, m)
    lo[0] = -np.inf  # a one-sided row
    lb, ub = np.full(n, -2.0), np.full(n, 2.0)

    eye = np.eye(n)
    finite = np.isfinite(lo)
    ref = linprog(np.concatenate([c, w, w]),
                  A_ub=np.vstack([np.hstack([A, 0 * eye[:m], 0 * eye[:m]]),
                                  np.hstack([-A[finite], 0 * eye[:finite.sum()], 0 * eye[:finite.sum()]])]),
                  b_ub=np.concatenate([hi, -lo[finite]]),
                  A_eq=np.hstack([eye, -eye, eye]), b_eq=t,
                  bounds=[(-2.0, 2.0)] * n + [(0, None)] * (2 * n), method="highs")
    assert ref.status == 0
    ref_obj = ref.fun + 0.0  # c'x + w'(p+q) includes no constant: the L1 target is in the equality

    qp = lh.QP(n, 0, m, c=c, w=w, t=t, A=A, lo=lo, hi=hi, lb=lb, ub=ub)
    sol = lh.Solver(qp).solve()
    assert sol.status == lh.SolveStatus.OPTIMAL
    assert sol.objective == pytest.approx(ref_obj, rel=1e-7, abs=1e-9)
    # the reported objective is what its x attains, and that x is feasible
    x = sol.x
    assert sol.objective == pytest.approx(c @ x + w @ np.abs(x - t), rel=1e-9, abs=1e-12)
    Ax = A @ x
    assert (Ax <= hi + 1e-8).all() and (Ax >= lo - 1e-8).all()
    assert (x <= ub + 1e-9).all() and (x >= lb - 1e-9).all()


def _support(v, lower, upper):
    """sum over entries of upper * v+ - lower * v-: only the side an entry's sign points at counts."""
    return math.fsum(u * vi if vi > 0 else lo * vi if vi < 0 else 0.0 for vi, lo, u in zip(v, lower, upper))


def test_infeasible_rows_come_with_a_farkas_certificate():
    # x1 + x2 >= 3 with x in [0, 1]^2: no point
    qp = lh.QP(2, 0, 1, D=[1.0, 1.0], A=[[1.0, 1.0]], lo=[3.0], hi=[np.inf], lb=[0.0, 0.0], ub=[1.0, 1.0])
    sol = lh.Solver(qp).solve()
    assert sol.status == lh.SolveStatus.PRIMAL_INFEASIBLE and not sol.optimal
    assert sol.objective == math.inf
    y, z = sol.y, sol.z
    # a certificate: A'y + z = 0, scaled to a largest entry of 1, and a negative support function
    # of the bounds, which no feasible point could have
    np.testing.assert_allclose(np.array([[1.0, 1.0]]).T @ y + z, 0.0, atol=1e-5)  # "~ 0": detection tolerance
    assert max(np.abs(y).max(), np.abs(z).max()) == pytest.approx(1.0, rel=1e-9)
    assert _support(y, np.array([3.0]), np.array([np.inf])) + _support(z, np.zeros(2), np.ones(2)) < -0.1


def test_unbounded_objective_comes_with_a_direction():
    # minimise -x1 + x2^2 on x1 >= 0: x1 -> inf
    qp = lh.QP(2, D=[0.0, 2.0], c=[-1.0, 0.0], lb=[0.0, -np.inf])
    sol = lh.Solver(qp).solve()
    assert sol.status == lh.SolveStatus.DUAL_INFEASIBLE
    assert sol.objective == -math.inf
    d = sol.x
    assert d[0] == pytest.approx(1.0, rel=1e-9) and abs(d[1]) < 1e-7  # P d ~ 0, c'd < 0, d >= 0 on x1


def _random_qp(rng, n=20, k=5, m=6):
    D = rng.uniform(0.0, 0.5, n)
    F = rng.normal(size=(k, n))
    A = rng.normal(size=(m, n))
    c = rng.normal(size=n)
    lo, hi = -rng.uniform(0.5, 2.0, m), rng.uniform(0.5, 2.0, m)
    return dict(D=D, F=F, A=A, c=c, lo=lo, hi=hi, lb=np.full(n, -1.0), ub=np.full(n, 1.0))


def test_warm_started_update_equals_a_cold_solve():
    rng = np.random.default_rng(3)
    data = _random_qp(rng)
    n, m = 20, 6
    qp = lh.QP(n, 5, m, **data)
    solver = lh.Solver(qp)
    first = solver.solve()
    assert first.status == lh.SolveStatus.OPTIMAL
    for step in range(3):
        c2 = data["c"] + rng.normal(0.0, 0.3, n)
        ub2 = np.full(n, 1.0 - 0.1 * step)
        solver.update("c", c2).update(lh.QPVector.UB, ub2)
        solver.warm_start(first.x, first.y)
        warm = solver.solve()
        cold = lh.Solver(lh.QP(n, 5, m, **dict(data, c=c2, ub=ub2))).solve()
        assert warm.status == cold.status == lh.SolveStatus.OPTIMAL
        np.testing.assert_allclose(warm.x, cold.x, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(warm.y, cold.y, rtol=1e-6, atol=1e-7)
        assert warm.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-12)
        first = warm


def test_backends_list_admm_with_its_capabilities():
    names = {b.name: b.capabilities for b in lh.backends()}
    assert "admm" in names
    caps = names["admm"]
    assert lh.Capability.QP in caps and lh.Capability.L1 in caps and lh.Capability.DUALS in caps
    qp = lh.QP(1, D=[1.0])
    with lh.Solver(qp) as s:
        assert s.backend == "admm"


def test_integer_variables_need_a_mip_backend():
    qp = lh.QP(2, D=[1.0, 1.0], c=[-0.3, -1.6], integer=[True, False])
    np.testing.assert_array_equal(qp.integer, [True, False])
    mip = [b.name for b in lh.backends() if lh.Capability.MIP in b.capabilities]
    non_mip = [b.name for b in lh.backends() if lh.Capability.MIP not in b.capabilities]
    for name in non_mip:
        with pytest.raises(lh.UnsupportedError) as e:
            lh.Solver(qp, name)
        assert e.value.status == lh.Status.UNSUPPORTED
    for name in mip:
        # minimise 1/2 x^2 - 0.3 x over the integers: 0; the continuous x2 goes to 1.6
        sol = lh.Solver(qp, name).solve()
        np.testing.assert_allclose(sol.x, [0.0, 1.6], atol=1e-7)
    qp.set_integer(None)
    assert not qp.integer.any()


def test_bad_input_raises_with_the_status_and_changes_nothing():
    with pytest.raises(lh.InvalidArgumentError) as e:
        lh.QP(0)
    assert e.value.status == lh.Status.INVALID_ARG and e.value.name == "HEDGE_ERR_INVALID_ARG"
    qp = lh.QP(3, 0, 1, D=[1.0, 1.0, 1.0])
    with pytest.raises(lh.DomainError) as e:
        qp.set("D", [1.0, -1.0, 1.0])
    assert e.value.status == lh.Status.DOMAIN and "entry 1" in e.value.message
    np.testing.assert_array_equal(qp.vector("D"), [1.0, 1.0, 1.0])  # unchanged
    with pytest.raises(lh.DomainError):
        qp.set("c", [0.0, math.nan, 0.0])
    with pytest.raises(lh.DomainError):
        qp.set_rows([[1.0, math.inf, 0.0]])
    with pytest.raises(lh.DomainError):
        qp.set_bounds([0.0, 2.0, 0.0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(qp.vector("lb"), [-np.inf] * 3)
    qp.set_bounds([5.0, 5.0, 5.0], [6.0, 6.0, 6.0])  # past the current upper bound: both move together
    qp.set_bounds(ub=[5.5, 5.5, 5.5])
    np.testing.assert_array_equal(qp.vector("ub"), [5.5] * 3)
    with pytest.raises(ValueError):
        qp.set("c", [1.0, 2.0])  # the wrong length never reaches C
    with pytest.raises(lh.NotFoundError) as e:
        lh.Solver(qp, "no-such-backend")
    assert "no-such-backend" in e.value.message
    with pytest.raises(lh.InvalidArgumentError):
        lh.Solver(qp, max_iter=0)
    solver = lh.Solver(qp)
    with pytest.raises(lh.InvalidArgumentError):
        solver.update("D", [1.0, 1.0, 1.0])  # D is in the factorisation
    with pytest.raises(lh.DomainError):
        solver.warm_start([0.0, math.nan, 0.0])
    np.testing.assert_allclose(solver.solve().x, [5.0] * 3, atol=1e-9)


def test_the_allocator_hook_sees_setup_and_no_allocation_in_solve():
    alloc = lh.TrackingAllocator()
    ctx = lh.Context(allocator=alloc)
    rng = np.random.default_rng(5)
    before = alloc.allocations
    qp = lh.QP(20, 5, 6, ctx=ctx, **_random_qp(rng))
    solver = lh.Solver(qp)  # on the problem's context
    assert alloc.allocations > before + 2  # the problem's data, the solver's state and factors
    at_setup = alloc.allocations
    for _ in range(3):
        assert solver.solve().status == lh.SolveStatus.OPTIMAL
    solver.update("c", rng.normal(size=20))
    solver.solve()
    assert alloc.allocations == at_setup  # solve() never allocates (optimize.h)
    for h in (solver, qp, ctx):
        h.close()
    gc.collect()
    assert alloc.live_blocks == 0 and alloc.frees == alloc.allocations


def test_failed_allocations_in_setup_are_reported_as_nomem():
    rng = np.random.default_rng(9)
    data = _random_qp(rng, n=8, k=3, m=2)
    for n_ok in range(200):
        alloc = lh.TrackingAllocator(fail_after=n_ok)
        try:
            with lh.Context(allocator=alloc) as ctx, lh.QP(8, 3, 2, ctx=ctx, **data) as qp, lh.Solver(qp) as s:
                assert s.solve().status == lh.SolveStatus.OPTIMAL
        except lh.NoMemoryError as e:
            assert e.status == lh.Status.NOMEM and alloc.failures == 1
            continue
        finally:
            gc.collect()
            assert alloc.live_blocks == 0, f"leak after failing allocation {n_ok}"
        break
    else:
        pytest.fail("never succeeded")
    assert n_ok >= 3


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_branch_and_bound_matches_brute_force_enumeration_and_counts_its_nodes(seed):
    # three integer variables in [-3, 3] and one continuous one, a correlated convex quadratic: the
    # integer optimum is found by trying all 343 integer points, each with the continuous variable at
    # its own (closed-form, box-clipped) minimiser
    rng = np.random.default_rng(seed)
    n = 4
    D = rng.uniform(0.05, 0.3, n)
    F = rng.normal(size=(3, n))
    c = rng.normal(scale=4.0, size=n)
    lb, ub = np.array([-3.0, -3.0, -3.0, -5.0]), np.array([3.0, 3.0, 3.0, 5.0])
    P = np.diag(D) + F.T @ F
    qp = lh.QP(n, 3, 0, D=D, F=F, c=c, lb=lb, ub=ub, integer=[True, True, True, False])

    best, best_x = np.inf, None
    for point in itertools.product(range(-3, 4), repeat=3):
        xi = np.array(point, dtype=float)
        # d/dx3 of 1/2 x'Px + c'x = 0 with the integers fixed, then the box
        x3 = np.clip(-(c[3] + P[3, :3] @ xi) / P[3, 3], lb[3], ub[3])
        x = np.append(xi, x3)
        f = 0.5 * x @ P @ x + c @ x
        if f < best:
            best, best_x = f, x

    sol = lh.Solver(qp, mip_gap=0.0).solve()
    assert sol.status == lh.SolveStatus.OPTIMAL
    assert sol.objective == pytest.approx(best, rel=1e-7, abs=1e-7)
    np.testing.assert_array_equal(sol.x[:3], best_x[:3])  # returned exactly integral
    assert sol.x[3] == pytest.approx(best_x[3], abs=1e-6)
    # the root relaxation is fractional, so the search solves it, fixes values below it and
    # re-solves the integer point: more than two relaxations, within the default limit
    root = lh.Solver(lh.QP(n, 3, 0, D=D, F=F, c=c, lb=lb, ub=ub)).solve().x[:3]
    assert np.abs(root - np.round(root)).max() > 1e-3
    assert 2 < sol.nodes <= 100000

    # a node limit bounds the count, and the continuous problem solves no node at all
    limited = lh.Solver(qp, mip_gap=0.0, max_nodes=2).solve()
    assert 1 <= limited.nodes <= 2
    qp.set_integer(None)
    assert lh.Solver(qp).solve().nodes == 0


def test_mip_settings_out_of_range_are_refused():
    qp = lh.QP(1, D=[1.0], c=[-0.4], integer=[True])
    with pytest.raises(lh.HedgeError) as e:
        lh.Solver(qp, max_nodes=0)
    assert e.value.status == lh.Status.INVALID_ARG  # "bad options" (optimize.h)
    with pytest.raises(lh.HedgeError) as e:
        lh.Solver(qp, mip_gap=-1e-3)
    assert e.value.status == lh.Status.INVALID_ARG  # "bad options" (optimize.h)
