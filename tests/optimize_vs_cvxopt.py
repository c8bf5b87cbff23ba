#!/usr/bin/python3
"""The admm backend against an independent solver: random feasible problems of several shapes are
solved through libhedge (by ctypes, the shared library as a user would load it) and by cvxopt's
interior-point QP solver, with the L1 terms written the textbook way (x - t = p - q, p, q >= 0, cost
w'(p + q)). The optimal values must agree to 1e-6 relative, and the objective libhedge reports must
be the one its x attains.

Usage: optimize_vs_cvxopt.py LIBHEDGE_SO [SANITIZE]
Exits 77 (skipped) without numpy or cvxopt (Debian: python3-numpy, python3-cvxopt), in a sanitizer
build, whose runtime a plain python3 cannot load after the fact, and under the valgrind test setup.
"""
import ctypes as C
import os
import sys

SKIP = 77


def main():
    if len(sys.argv) > 2 and sys.argv[2] not in ("", "none"):
        print("skipped: a sanitizer build's libhedge cannot be loaded into a plain python3")
        return SKIP
    if os.environ.get("HEDGE_UNDER_VALGRIND"):
        print("skipped: valgrind would check python3, not libhedge")
        return SKIP
    try:
        import numpy as np
        import cvxopt
        from cvxopt import solvers
    except ImportError as e:
        print(f"skipped: {e} (Debian: python3-numpy python3-cvxopt)")
        return SKIP

    lib = C.CDLL(sys.argv[1])
    dp = C.POINTER(C.c_double)

    class Options(C.Structure):
        _fields_ = [("struct_size", C.c_size_t), ("eps_abs", C.c_double), ("eps_rel", C.c_double),
                    ("max_iter", C.c_size_t), ("time_limit_s", C.c_double), ("polish", C.c_int)]

    class Solution(C.Structure):
        _fields_ = [("struct_size", C.c_size_t), ("x", dp), ("y", dp), ("z", dp), ("status", C.c_int),
                    ("objective", C.c_double), ("primal_residual", C.c_double), ("dual_residual", C.c_double),
                    ("iterations", C.c_size_t), ("solve_time_s", C.c_double)]

    vp = C.c_void_p
    lib.hedge_context_create.argtypes = [C.POINTER(vp), vp]
    lib.hedge_context_destroy.argtypes = [vp]
    lib.hedge_qp_create.argtypes = [C.POINTER(vp), vp, C.c_size_t, C.c_size_t, C.c_size_t]
    lib.hedge_qp_destroy.argtypes = [vp]
    lib.hedge_qp_set.argtypes = [vp, C.c_int, dp]
    lib.hedge_qp_set_factor.argtypes = [vp, dp, C.c_size_t]
    lib.hedge_qp_set_rows.argtypes = [vp, dp, C.c_size_t]
    lib.hedge_solver_create.argtypes = [C.POINTER(vp), vp, C.c_char_p, vp, C.POINTER(Options)]
    lib.hedge_solver_solve.argtypes = [vp, C.POINTER(Solution)]
    lib.hedge_solver_destroy.argtypes = [vp]
    lib.hedge_error_message.restype = C.c_char_p

    def arr(a):
        a = np.ascontiguousarray(a, dtype=np.float64)
        return a, a.ctypes.data_as(dp)

    ctx = vp()
    assert lib.hedge_context_create(C.byref(ctx), None) == 0

    def hedge_solve(pb):
        n, k, m = pb["n"], pb["k"], pb["m"]
        qp = vp()
        assert lib.hedge_qp_create(C.byref(qp), ctx, n, k, m) == 0
        keep = []
        for which, name in [(0, "D"), (1, "c"), (2, "w"), (3, "t"), (5, "hi"), (4, "lo"), (7, "ub"), (6, "lb")]:
            a, p = arr(pb[name])
            keep.append(a)
            assert lib.hedge_qp_set(qp, which, p) == 0, (name, lib.hedge_error_message())
        if k:
            a, p = arr(pb["F"])
            keep.append(a)
            assert lib.hedge_qp_set_factor(qp, p, n) == 0
        if m:
            a, p = arr(pb["A"])
            keep.append(a)
            assert lib.hedge_qp_set_rows(qp, p, n) == 0
        s = vp()
        st = lib.hedge_solver_create(C.byref(s), ctx, None, qp, None)
        assert st == 0, lib.hedge_error_message()
        x = np.zeros(n)
        y = np.zeros(max(m, 1))
        z = np.zeros(n)
        sol = Solution(C.sizeof(Solution), x.ctypes.data_as(dp), y.ctypes.data_as(dp), z.ctypes.data_as(dp),
                       0, 0, 0, 0, 0, 0)
        assert lib.hedge_solver_solve(s, C.byref(sol)) == 0
        lib.hedge_solver_destroy(s)
        lib.hedge_qp_destroy(qp)
        return sol.status, sol.objective, x, sol.iterations

    def objective(pb, x):
        P = np.diag(pb["D"]) + pb["F"].T @ pb["F"]
        return 0.5 * x @ P @ x + pb["c"] @ x + pb["w"] @ np.abs(x - pb["t"])

    def cvxopt_solve(pb):
        n, m = pb["n"], pb["m"]
        P = np.diag(pb["D"]) + pb["F"].T @ pb["F"]
        l1 = np.flatnonzero(pb["w"] > 0)
        nl = len(l1)
        N = n + 2 * nl
        Q = np.zeros((N, N))
        Q[:n, :n] = P
        r = np.concatenate([pb["c"], pb["w"][l1], pb["w"][l1]])
        G, h, E, b = [], [], [], []
        A = pb["A"]
        for i in range(m):
            row = np.zeros(N)
            row[:n] = A[i]
            if pb["lo"][i] == pb["hi"][i]:
                E.append(row)
                b.append(pb["lo"][i])
                continue
            if np.isfinite(pb["hi"][i]):
                G.append(row)
                h.append(pb["hi"][i])
            if np.isfinite(pb["lo"][i]):
                G.append(-row)
                h.append(-pb["lo"][i])
        for j in range(n):
            row = np.zeros(N)
            row[j] = 1
            if pb["lb"][j] == pb["ub"][j]:
                E.append(row)
                b.append(pb["lb"][j])
                continue
            if np.isfinite(pb["ub"][j]):
                G.append(row)
                h.append(pb["ub"][j])
            if np.isfinite(pb["lb"][j]):
                G.append(-row)
                h.append(-pb["lb"][j])
        for a, j in enumerate(l1):  # x_j - p_a + q_a = t_j, p, q >= 0
            row = np.zeros(N)
            row[j], row[n + a], row[n + nl + a] = 1, -1, 1
            E.append(row)
            b.append(pb["t"][j])
            for off in (n, n + nl):
                g = np.zeros(N)
                g[off + a] = -1
                G.append(g)
                h.append(0.0)
        M = lambda a: cvxopt.matrix(np.array(a, dtype=float))
        args = [M(Q), M(r)]
        args += [M(np.array(G)), M(h)] if G else [None, None]
        args += [M(np.array(E)), M(b)] if E else [None, None]
        solvers.options.update(show_progress=False, abstol=1e-9, reltol=1e-9, feastol=1e-9, maxiters=200)
        res = solvers.qp(*args)
        v = np.array(res["x"]).ravel()
        status = res["status"]
        # cvxopt stops with "unknown" when rounding keeps it from its last digit; its answer is still
        # good for a 1e-6 comparison when its own measures of optimality say so
        if status == "unknown" and max(res["primal infeasibility"] or 1, res["dual infeasibility"] or 1) < 1e-7 \
                and res["relative gap"] is not None and abs(res["relative gap"]) < 1e-7:
            status = "optimal"
        return status, objective(pb, v[:n]), v[:n]

    rng = np.random.default_rng(20240611)

    def problem(n, k, m, bounds, l1, diag):
        x0 = 2 * rng.uniform(-1, 1, n)
        scale = np.exp(3 * rng.uniform(-1, 1))
        pb = dict(n=n, k=k, m=m)
        pb["D"] = rng.uniform(0.01, 1.01, n) if diag else np.zeros(n)
        pb["F"] = np.sqrt(scale) * rng.uniform(-1, 1, (k, n)) / np.sqrt(k + 1)
        pb["c"] = scale * rng.uniform(-1, 1, n)
        pb["w"] = np.where(rng.uniform(size=n) < 0.8, scale * rng.uniform(size=n), 0.0) if l1 else np.zeros(n)
        pb["t"] = np.where(rng.uniform(size=n) < 0.5, x0 + 0.3 * rng.uniform(-1, 1, n), 0.0) if l1 else np.zeros(n)
        boxes = bounds or (not diag and k < n)
        lb, ub = np.full(n, -np.inf), np.full(n, np.inf)
        if boxes:
            lb = x0 - 0.1 - rng.uniform(size=n)
            ub = x0 + 0.1 + rng.uniform(size=n)
            fixed = rng.uniform(size=n) < 0.1
            lb[fixed] = ub[fixed] = x0[fixed]
        pb["lb"], pb["ub"] = lb, ub
        A = np.where(rng.uniform(size=(m, n)) < 0.8, rng.uniform(-1, 1, (m, n)), 0.0)
        ax = A @ x0
        lo, hi = np.full(m, -np.inf), np.full(m, np.inf)
        for i in range(m):
            u = rng.uniform()
            if u < 0.2:
                lo[i] = hi[i] = ax[i]
            elif u < 0.5:
                lo[i], hi[i] = ax[i] - 0.5 * rng.uniform(), ax[i] + 0.5 * rng.uniform()
            elif u < 0.75:
                hi[i] = ax[i] + 0.2 * rng.uniform()
            else:
                lo[i] = ax[i] - 0.2 * rng.uniform()
        pb["A"], pb["lo"], pb["hi"] = A.reshape(m, n), lo, hi
        return pb

    shapes = [(12, 40, 3, True, True, False), (30, 90, 6, True, True, True), (10, 30, 4, False, True, True),
              (25, 6, 3, True, True, True), (40, 10, 5, True, True, False), (30, 5, 0, False, True, True),
              (16, 0, 4, True, True, True), (18, 50, 5, True, False, True), (50, 200, 6, True, True, True)]
    count, worst, failures = 0, 0.0, []
    for si, sh in enumerate(shapes):
        for rep in range(10):
            pb = problem(*sh)
            st, fh, xh, its = hedge_solve(pb)
            cst, fc, xc = cvxopt_solve(pb)
            if cst != "optimal":
                failures.append(f"shape {sh} rep {rep}: cvxopt says {cst}")
                continue
            mag = 0.5 * abs(xc @ (np.diag(pb["D"]) + pb["F"].T @ pb["F"]) @ xc) + abs(pb["c"] @ xc) + \
                pb["w"] @ np.abs(xc - pb["t"])
            rel = abs(fh - fc) / max(abs(fh), abs(fc), 1e-3 * mag, 1e-300)
            own = abs(objective(pb, xh) - fh) / max(abs(fh), 1e-3 * mag, 1e-300)
            worst = max(worst, rel)
            count += 1
            if st != 0 or rel > 1e-6 or own > 1e-9:
                failures.append(f"shape {sh} rep {rep}: status {st}, libhedge {fh!r}, cvxopt {fc!r}, rel {rel:.3g}, "
                                f"objective at libhedge's x off by {own:.3g}")
    lib.hedge_context_destroy(ctx)
    print(f"{count} problems: worst relative difference of the optimal values {worst:.2g}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
