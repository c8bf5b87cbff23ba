"""The constraint optimizer (optimize.h): convex quadratic problems with a factored Hessian, L1
terms, bounds, linear rows and optional integrality, solved by pluggable backends.

The problem, for n variables, a factor of k rows and m linear rows::

    minimise    1/2 x' (D + F'F) x + c' x + sum_j w_j |x_j - t_j|
    subject to  lo <= A x <= hi,   lb <= x <= ub,   x_j integer where asked

with D diagonal and non-negative, F dense k x n, A dense m x n. Infinite bounds are +-inf (numpy's
``np.inf``). The optimizer is unit-free: x, the duals and the objective are in whatever units the
data are written in (the hedge layer writes USD and contracts).

A :class:`QP` holds the data (owned copies, so the arrays passed in may change afterwards). A
:class:`Solver` is a backend set up on a problem: setup does every allocation and factorisation,
:meth:`Solver.solve` does none in C; vectors other than D can be updated without a new setup and
a solve can be warm-started.

Duals follow the Lagrangian L = f(x) + y'(A x) + z'x: y_i >= 0 when row i is at its upper bound and
<= 0 at its lower bound (the same for z and the bounds), so each is the rate at which the optimum
rises per unit the bound is tightened.

Threads: a QP may be read by any number of threads (solvers set up on it) while nobody changes it;
a Solver is used by one thread at a time.
"""

import dataclasses
import enum

import numpy as np

from ._core import Handle, _ctx, _enum, check, context_check, error_for, Status
from ._ffi import ffi, lib, new


class SolveStatus(enum.IntEnum):
    """Outcome of a solve (hedge_solve_status): not an error, a property of the problem or the run."""
    OPTIMAL = 0             #: converged to the tolerances
    PRIMAL_INFEASIBLE = 1   #: no point meets the constraints; y and z hold a certificate, objective +inf
    DUAL_INFEASIBLE = 2     #: unbounded below; x holds a direction of descent, objective -inf
    ITERATION_LIMIT = 3     #: stopped at max_iter; x is the last iterate
    TIME_LIMIT = 4          #: stopped at time_limit_s


class QPVector(enum.IntEnum):
    """The vectors of a problem (hedge_qp_vector): n entries, except the row bounds (m)."""
    DIAGONAL = 0   #: D, finite and >= 0
    LINEAR = 1     #: c, finite
    L1_WEIGHT = 2  #: w, finite and >= 0
    L1_TARGET = 3  #: t, finite
    ROW_LO = 4     #: lo, not NaN, -inf allowed
    ROW_HI = 5     #: hi, not NaN, +inf allowed, >= lo
    LB = 6         #: lb, not NaN, -inf allowed
    UB = 7         #: ub, not NaN, +inf allowed, >= lb


# Short names accepted wherever a QPVector is: the letters of the formula above.
_SHORT = {"D": QPVector.DIAGONAL, "c": QPVector.LINEAR, "w": QPVector.L1_WEIGHT, "t": QPVector.L1_TARGET,
          "lo": QPVector.ROW_LO, "hi": QPVector.ROW_HI, "lb": QPVector.LB, "ub": QPVector.UB}


def _vector(which):
    if isinstance(which, str) and which in _SHORT:
        return _SHORT[which]
    return _enum(QPVector, which)


class Capability(enum.IntFlag):
    """What a backend can do (hedge_backend_capability)."""
    QP = 1            #: quadratic objectives (D, F)
    L1 = 2            #: L1 terms
    MIP = 4           #: integer variables
    WARM_START = 8    #: warm starts shorten solves
    DUALS = 16        #: returns duals (shadow prices)
    CERTIFICATES = 32  #: returns infeasibility certificates


@dataclasses.dataclass(frozen=True)
class Backend:
    """A registered backend: its name and :class:`Capability` flags."""
    name: str
    capabilities: Capability


def backends(ctx=None):
    """The backends registered in a context (built-ins first), as a list of :class:`Backend`."""
    ctx = _ctx(ctx)
    count = ffi.new("size_t *")
    check(lib.hedge_backends(ctx.ptr, ffi.NULL, 0, count, ffi.NULL))
    names = ffi.new("const char *[]", max(count[0], 1))
    caps = ffi.new("uint64_t[]", max(count[0], 1))
    check(lib.hedge_backends(ctx.ptr, names, count[0], count, caps))
    return [Backend(ffi.string(names[i]).decode(), Capability(caps[i])) for i in range(count[0])]


def _doubles(values, length, what):
    """A C-contiguous float64 copy-free view when possible, checked for its length, and a pointer to
    it (never NULL: C wants a pointer even for an empty vector)."""
    a = np.asarray(values, dtype=np.float64)
    a = np.full(length, float(a)) if a.ndim == 0 else np.ascontiguousarray(a)
    if a.shape != (length,):
        raise ValueError(f"{what}: expected {length} values, got shape {a.shape}")
    return a, (ffi.cast("double *", ffi.from_buffer(a)) if length else ffi.new("double[1]"))


def _matrix(values, rows, cols, what):
    a = np.ascontiguousarray(values, dtype=np.float64)
    if a.shape != (rows, cols):
        raise ValueError(f"{what}: expected shape {(rows, cols)}, got {a.shape}")
    return a, (ffi.cast("double *", ffi.from_buffer(a)) if a.size else ffi.NULL)


def _copy_out(ptr, length):
    if ptr == ffi.NULL or length == 0:
        return np.zeros(length)
    return np.frombuffer(ffi.buffer(ptr, 8 * length), dtype=np.float64).copy()


class QP(Handle):
    """An optimization problem with ``n`` variables, a factor of ``k`` rows and ``m`` linear rows.

    Created with all data zero: D = 0, F = 0, c = 0, no L1 terms, every bound infinite, no integer
    variable. The keyword arguments set data at once: ``D``, ``c``, ``w``, ``t``, ``lb``, ``ub``,
    ``lo``, ``hi`` (vectors; a scalar is broadcast), ``F`` (k x n), ``A`` (m x n) and ``integer``
    (n booleans). Arrays are copied by the library.
    """

    _destroy = "hedge_qp_destroy"

    def __init__(self, n, k=0, m=0, *, ctx=None, D=None, c=None, w=None, t=None, F=None, A=None, lb=None, ub=None,
                 lo=None, hi=None, integer=None):
        ctx = _ctx(ctx)
        out = ffi.new("hedge_qp **")
        context_check(ctx, lib.hedge_qp_create(out, ctx.ptr, n, k, m))
        super().__init__(out[0], [ctx.ptr])
        self._ctx = ctx
        self.n, self.k, self.m = n, k, m
        for which, v in ((QPVector.DIAGONAL, D), (QPVector.LINEAR, c), (QPVector.L1_WEIGHT, w),
                         (QPVector.L1_TARGET, t)):
            if v is not None:
                self.set(which, v)
        if lb is not None or ub is not None:
            self.set_bounds(lb, ub)
        if lo is not None or hi is not None:
            self.set_row_bounds(lo, hi)
        if F is not None:
            self.set_factor(F)
        if A is not None:
            self.set_rows(A)
        if integer is not None:
            self.set_integer(integer)

    def _len(self, which):
        return self.m if which in (QPVector.ROW_LO, QPVector.ROW_HI) else self.n

    def set(self, which, values):
        """Sets one vector (a :class:`QPVector`, its name, or a short name "D", "c", "w", "t", "lo",
        "hi", "lb", "ub"). DomainError names the first entry out of its range; nothing changes then.
        A lower bound above the current upper one (or the reverse) is out of range: use
        :meth:`set_bounds` / :meth:`set_row_bounds` to move both."""
        which = _vector(which)
        a, p = _doubles(values, self._len(which), which.name)
        check(lib.hedge_qp_set(self.ptr, which, p))
        return self

    def _set_pair(self, lo_which, lo, hi):
        hi_which = QPVector(lo_which + 1)
        length = self._len(lo_which)
        cur_hi = self.vector(hi_which)
        lo = self.vector(lo_which) if lo is None else _doubles(lo, length, lo_which.name)[0]
        hi = cur_hi if hi is None else _doubles(hi, length, hi_which.name)[0]
        bad = np.flatnonzero(~(lo <= hi))
        if bad.size:
            i = bad[0]
            raise error_for(Status.DOMAIN, f"{type(self).__name__}: {lo_which.name}[{i}] = {lo[i]} is not <= "
                                           f"{hi_which.name}[{i}] = {hi[i]}")
        # the library checks each side against the other's current value: widen the upper side
        # first, so that any new lower side fits, then narrow it
        self.set(hi_which, np.maximum(hi, cur_hi))
        self.set(lo_which, lo)
        self.set(hi_which, hi)

    def set_bounds(self, lb=None, ub=None):
        """Sets the variable bounds lb <= x <= ub together (None keeps a side as it is)."""
        self._set_pair(QPVector.LB, lb, ub)
        return self

    def set_row_bounds(self, lo=None, hi=None):
        """Sets the row bounds lo <= A x <= hi together (None keeps a side as it is)."""
        self._set_pair(QPVector.ROW_LO, lo, hi)
        return self

    def set_factor(self, F):
        """Sets F, a k x n array of finite values (the Hessian term F'F, never formed densely)."""
        a, p = _matrix(F, self.k, self.n, "F")
        check(lib.hedge_qp_set_factor(self.ptr, p, self.n))
        return self

    def set_rows(self, A):
        """Sets A, an m x n array of finite values."""
        a, p = _matrix(A, self.m, self.n, "A")
        check(lib.hedge_qp_set_rows(self.ptr, p, self.n))
        return self

    def set_integer(self, flags):
        """Marks variables integer (n booleans); None makes them all continuous again. Only
        backends with Capability.MIP accept integer variables."""
        if flags is None:
            check(lib.hedge_qp_set_integer(self.ptr, ffi.NULL))
            return self
        f = np.ascontiguousarray(np.asarray(flags, dtype=bool), dtype=np.uint8)
        if f.shape != (self.n,):
            raise ValueError(f"integer: expected {self.n} flags, got shape {f.shape}")
        check(lib.hedge_qp_set_integer(self.ptr, ffi.cast("unsigned char *", ffi.from_buffer(f))))
        return self

    @property
    def size(self):
        """(n, k, m) as the library sees them."""
        n, k, m = ffi.new("size_t *"), ffi.new("size_t *"), ffi.new("size_t *")
        check(lib.hedge_qp_size(self.ptr, n, k, m))
        return n[0], k[0], m[0]

    def vector(self, which):
        """A copy of one vector of the problem's data."""
        which = _vector(which)
        return _copy_out(lib.hedge_qp_vector_data(self.ptr, which), self._len(which))

    @property
    def factor(self):
        """A copy of F, k x n."""
        return _copy_out(lib.hedge_qp_matrix_data(self.ptr, 1), self.k * self.n).reshape(self.k, self.n)

    @property
    def rows(self):
        """A copy of A, m x n."""
        return _copy_out(lib.hedge_qp_matrix_data(self.ptr, 0), self.m * self.n).reshape(self.m, self.n)

    @property
    def integer(self):
        """The integrality flags as n booleans."""
        p = lib.hedge_qp_integer_data(self.ptr)
        return np.frombuffer(ffi.buffer(p, self.n), dtype=np.uint8).astype(bool) if self.n else np.zeros(0, bool)


@dataclasses.dataclass(frozen=True)
class Solution:
    """A solve's answer.

    x: n primal values (for DUAL_INFEASIBLE, a direction of descent with largest entry 1); y: m row
    duals; z: n bound duals (for PRIMAL_INFEASIBLE, y and z are a certificate with largest entry 1);
    status: :class:`SolveStatus`; objective: the objective at x, L1 terms included (+inf when
    primal infeasible, -inf when unbounded), in the data's units; primal_residual: largest row or
    bound violation at x; dual_residual: largest entry of the Lagrangian's (sub)gradient at
    (x, y, z); iterations: backend iterations (ADMM iterations for "admm"); solve_time_s: wall
    clock seconds; nodes: with integer variables, the relaxations the branch and bound solved (the
    root, every value tried and every re-solve with the integers fixed at a candidate's values),
    at most the solver's ``max_nodes``; 0 without integer variables or from a backend that does
    not count them.
    """
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    status: SolveStatus
    objective: float
    primal_residual: float
    dual_residual: float
    iterations: int
    solve_time_s: float
    nodes: int = 0

    @property
    def optimal(self):
        return self.status == SolveStatus.OPTIMAL

    @property
    def residuals(self):
        """(primal_residual, dual_residual)."""
        return self.primal_residual, self.dual_residual


class Solver(Handle):
    """A backend set up on a :class:`QP` (hedge_solver_create).

    ``backend``: a registered backend's name (see :func:`backends`), or None for the built-in
    "admm". Options (None: the library's default): ``eps_abs`` and ``eps_rel`` (residual
    tolerances, default 1e-9 each), ``max_iter`` (default 100000), ``time_limit_s`` (wall-clock
    seconds, 0: none), ``polish`` (refine on the active set, default True), and for integer
    variables ``max_nodes`` (branch-and-bound nodes, default 100000) and ``mip_gap`` (relative
    optimality gap, default 1e-6).

    The solver keeps its own copy of what it needs: the QP may be changed or closed afterwards
    without effect on it. One thread at a time.
    """

    _destroy = "hedge_solver_destroy"

    def __init__(self, qp, backend=None, *, eps_abs=None, eps_rel=None, max_iter=None, time_limit_s=None,
                 polish=None, max_nodes=None, mip_gap=None, ctx=None):
        ctx = qp._ctx if ctx is None else ctx
        opts = _solver_options(eps_abs=eps_abs, eps_rel=eps_rel, max_iter=max_iter, time_limit_s=time_limit_s,
                               polish=polish, max_nodes=max_nodes, mip_gap=mip_gap)
        out = ffi.new("hedge_solver **")
        context_check(ctx, lib.hedge_solver_create(out, ctx.ptr, backend.encode() if backend else ffi.NULL, qp.ptr,
                                                   opts))
        super().__init__(out[0], [ctx.ptr])
        self._ctx = ctx
        self.n, self.m = qp.n, qp.m

    @property
    def backend(self):
        """The name of the backend this solver runs on."""
        return ffi.string(lib.hedge_solver_backend(self.ptr)).decode()

    def solve(self):
        """Solves and returns a :class:`Solution` (fresh numpy arrays). Raises only when the call
        fails (HedgeError with HEDGE_ERR_BACKEND, say); infeasible or unbounded problems and limits
        are outcomes, in ``status``."""
        x, y, z = np.zeros(self.n), np.zeros(self.m), np.zeros(self.n)
        sol = new("hedge_solution")
        sol.x = ffi.cast("double *", ffi.from_buffer(x))
        sol.y = ffi.cast("double *", ffi.from_buffer(y)) if self.m else ffi.NULL
        sol.z = ffi.cast("double *", ffi.from_buffer(z))
        check(lib.hedge_solver_solve(self.ptr, sol))
        return Solution(x, y, z, SolveStatus(sol.status), sol.objective, sol.primal_residual, sol.dual_residual,
                        sol.iterations, sol.solve_time_s, sol.nodes)

    def update(self, which, values):
        """Replaces one vector (any but the diagonal D, which is in the factorisation) keeping the
        setup; the next solve starts from the last answer. DomainError on a bad value (nothing changes)."""
        which = _vector(which)
        length = self.m if which in (QPVector.ROW_LO, QPVector.ROW_HI) else self.n
        a, p = _doubles(values, length, which.name)
        check(lib.hedge_solver_update(self.ptr, which, p))
        return self

    def warm_start(self, x=None, y=None):
        """Starts the next solve from (x, y); None stands for zeros."""
        xa, xp = _doubles(x, self.n, "x") if x is not None else (None, ffi.NULL)
        ya, yp = _doubles(y, self.m, "y") if y is not None else (None, ffi.NULL)
        check(lib.hedge_solver_warm_start(self.ptr, xp, yp))
        return self


def _solver_options(**kw):
    """A hedge_solver_options with HEDGE_SOLVER_OPTIONS_INIT's defaults, then the given values."""
    o = new("hedge_solver_options")
    o.eps_abs, o.eps_rel, o.max_iter, o.time_limit_s, o.polish = 1e-9, 1e-9, 100000, 0.0, 1
    o.max_nodes, o.mip_gap = 100000, 1e-6
    for key, value in kw.items():
        if value is not None:
            setattr(o, key, int(bool(value)) if key == "polish" else value)
    return o


def solve(qp, backend=None, **options):
    """One-shot: sets up a :class:`Solver` on ``qp`` and returns its :class:`Solution`."""
    with Solver(qp, backend, **options) as s:
        return s.solve()


__all__ = ["SolveStatus", "QPVector", "Capability", "Backend", "backends", "QP", "Solution", "Solver"]
