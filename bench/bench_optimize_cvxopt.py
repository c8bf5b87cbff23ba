#!/usr/bin/python3
"""The baseline for bench_optimize: reads the problem bench_optimize wrote (float64: n, k, m, then D, c,
w, t, lb, ub, lo, hi, F row-major, A row-major), solves it with cvxopt's interior-point QP (L1 terms
split as x - t = p - q, p, q >= 0; P = D + F'F formed with numpy, as a cvxopt user would) and prints
"<ms> <objective>": the fastest of a few solves, the formulation included. Prints
"cvxopt not installed" without python3-cvxopt or python3-numpy.
"""
import sys
import time


def main():
    try:
        import numpy as np
        import cvxopt
        from cvxopt import solvers
    except ImportError:
        print("cvxopt not installed (Debian: python3-cvxopt python3-numpy)")
        return 0
    raw = np.fromfile(sys.argv[1], dtype=np.float64)
    n, k, m = (int(v) for v in raw[:3])
    pos = 3

    def take(count):
        nonlocal pos
        a = raw[pos:pos + count]
        pos += count
        return a

    D, c, w, t, lb, ub = (take(n) for _ in range(6))
    lo, hi = take(m), take(m)
    F = take(k * n).reshape(k, n)
    A = take(m * n).reshape(m, n)

    def solve():
        P = np.diag(D) + F.T @ F
        nl = n  # every variable has an L1 term in the bench
        N = n + 2 * nl
        Q = np.zeros((N, N))
        Q[:n, :n] = P
        r = np.concatenate([c, w, w])
        G, h = [], []
        for i in range(m):
            if np.isfinite(hi[i]):
                G.append(np.concatenate([A[i], np.zeros(2 * nl)]))
                h.append(hi[i])
            if np.isfinite(lo[i]):
                G.append(np.concatenate([-A[i], np.zeros(2 * nl)]))
                h.append(-lo[i])
        eye = np.eye(n)
        Z = np.zeros((n, 2 * nl))
        Gm = np.vstack([np.array(G).reshape(-1, N), np.hstack([eye, Z]), np.hstack([-eye, Z]),
                        np.hstack([np.zeros((2 * nl, n)), -np.eye(2 * nl)])])
        hv = np.concatenate([h, ub, -lb, np.zeros(2 * nl)])
        E = np.hstack([eye, -eye, eye])
        solvers.options.update(show_progress=False, abstol=1e-9, reltol=1e-9, feastol=1e-9, maxiters=200)
        res = solvers.qp(cvxopt.matrix(Q), cvxopt.matrix(r), cvxopt.matrix(Gm), cvxopt.matrix(hv),
                         cvxopt.matrix(E), cvxopt.matrix(t))
        x = np.array(res["x"]).ravel()[:n]
        return 0.5 * x @ P @ x + c @ x + w @ np.abs(x - t)

    best, obj = float("inf"), None
    repeats = 3 if n <= 200 else 1
    for _ in range(repeats):
        t0 = time.perf_counter()
        obj = solve()
        best = min(best, time.perf_counter() - t0)
    print(f"{best * 1e3:.3f} {obj!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
