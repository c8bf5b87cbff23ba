/* Raw SVI: evaluation, arbitrage scans and Zeliade's quasi-explicit calibration. */
#include "market/svi.h"

#include "core/internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

int hedge__svi_is_valid(const hedge__svi *p) {
    if (!isfinite(p->a) || !isfinite(p->b) || !isfinite(p->rho) || !isfinite(p->m) || !isfinite(p->sigma))
        return 0;
    if (p->b < 0 || !(fabs(p->rho) < 1) || !(p->sigma > 0))
        return 0;
    /* Magnitudes no smile reaches (log-moneyness m and scale sigma beyond 1e3, a level or slope
     * beyond 1e6 in total variance) would overflow (k - m)^2 and give NaN vols (found by fuzzing). */
    if (fabs(p->m) > 1e3 || p->sigma > 1e3 || fabs(p->a) > 1e6 || p->b > 1e6)
        return 0;
    return p->a + p->b * p->sigma * sqrt(1 - p->rho * p->rho) >= 0;
}

double hedge__svi_w(const hedge__svi *p, double k) {
    double x = k - p->m;
    return p->a + p->b * (p->rho * x + hypot(x, p->sigma));
}

void hedge__svi_derivs(const hedge__svi *p, double k, double *w, double *dw, double *d2w) {
    double x = k - p->m;
    double R = hypot(x, p->sigma);
    *w = p->a + p->b * (p->rho * x + R);
    *dw = p->b * (p->rho + x / R);
    *d2w = p->b * (p->sigma / R) * (p->sigma / R) / R;
}

double hedge__svi_g(const hedge__svi *p, double k) {
    double w, w1, w2;
    hedge__svi_derivs(p, k, &w, &w1, &w2);
    double t = 1 - k * w1 / (2 * w);
    return t * t - 0.25 * w1 * w1 * (1 / w + 0.25) + 0.5 * w2;
}

static hedge__arb_scan scan(const hedge__svi *p, const hedge__svi *q, double k_lo, double k_hi, size_t n,
                            double tol) {
    hedge__arb_scan r = {0, k_lo, INFINITY};
    for (size_t i = 0; i < n; i++) {
        double k = k_lo + (k_hi - k_lo) * (double)i / (double)(n - 1);
        double v = q ? hedge__svi_w(q, k) - hedge__svi_w(p, k) : hedge__svi_g(p, k);
        if (!(v >= -tol))
            r.violations++;
        if (!(v >= r.worst)) { /* NaN counts as the worst */
            r.worst = v;
            r.worst_k = k;
        }
    }
    return r;
}

hedge__arb_scan hedge__svi_butterfly_scan(const hedge__svi *p, double k_lo, double k_hi, size_t n, double tol) {
    return scan(p, NULL, k_lo, k_hi, n < 2 ? 2 : n, tol);
}

hedge__arb_scan hedge__svi_calendar_scan(const hedge__svi *earlier, const hedge__svi *later, double k_lo,
                                        double k_hi, size_t n, double tol) {
    return scan(earlier, later, k_lo, k_hi, n < 2 ? 2 : n, tol);
}

/* ---- calibration ---------------------------------------------------------------------------- */

typedef struct fit_data {
    const double *k, *w, *weight;
    size_t n;
    double w_max;
} fit_data;

/* Solves the n x n system M z = rhs (row-major, overwritten) by Gaussian elimination with partial
 * pivoting; returns 0 when M is numerically singular. */
static int solve_dense(double *M, double *rhs, int n) {
    double scale = 0;
    for (int i = 0; i < n * n; i++)
        scale = fmax(scale, fabs(M[i]));
    for (int col = 0; col < n; col++) {
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (fabs(M[r * n + col]) > fabs(M[piv * n + col]))
                piv = r;
        if (!(fabs(M[piv * n + col]) > 1e-13 * scale))
            return 0;
        if (piv != col) {
            for (int c = 0; c < n; c++) {
                double t = M[col * n + c];
                M[col * n + c] = M[piv * n + c];
                M[piv * n + c] = t;
            }
            double t = rhs[col];
            rhs[col] = rhs[piv];
            rhs[piv] = t;
        }
        for (int r = col + 1; r < n; r++) {
            double f = M[r * n + col] / M[col * n + col];
            for (int c = col; c < n; c++)
                M[r * n + c] -= f * M[col * n + c];
            rhs[r] -= f * rhs[col];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        double s = rhs[r];
        for (int c = r + 1; c < n; c++)
            s -= M[r * n + c] * rhs[c];
        rhs[r] = s / M[r * n + r];
    }
    return 1;
}

/* The faces of the inner polytope as sets of at most three active constraints, fewest first (1 + 6 + 15 + 20),
 * each a bit mask over the six constraints of inner_fit. */
static const unsigned char active_sets[42] = {
    0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x03, 0x05, 0x06, 0x09, 0x0a, 0x0c, 0x11, 0x12, 0x14, 0x18,
    0x21, 0x22, 0x24, 0x28, 0x30, 0x07, 0x0b, 0x0d, 0x0e, 0x13, 0x15, 0x16, 0x19, 0x1a, 0x1c, 0x23, 0x25,
    0x26, 0x29, 0x2a, 0x2c, 0x31, 0x32, 0x34, 0x38};

/*
 * Best (a, d, c) for fixed (m, sigma), where w = a + d y + c sqrt(y^2 + 1), y = (k - m) / sigma,
 * c = b sigma and d = rho b sigma. The domain 0 <= a <= max w, |d| <= c, |d| <= 2 sigma - c keeps
 * w >= 0 and the wing slopes b (1 +- rho) within Lee's bound of 2. The objective is a convex quadratic,
 * so a face's equality-constrained optimum that is feasible and has non-negative multipliers (the KKT
 * conditions) is the minimum over the polytope: faces are tried fewest constraints first, and the
 * search usually ends at the unconstrained optimum or one active constraint. Should rounding or a
 * singular face deny every candidate the multiplier test, the best feasible one is kept, which is the
 * minimum of the exhaustive search. The error is summed from the residuals once, at the end: the
 * quadratic form x'Hx - 2g'x + w'w would lose to cancellation the tiny values of a near-exact fit.
 */
static double inner_fit(const fit_data *fd, double m, double sigma, double x_out[3]) {
    double H[3][3] = {{0}}, gv[3] = {0};
    for (size_t i = 0; i < fd->n; i++) {
        double y = (fd->k[i] - m) / sigma, q = sqrt(y * y + 1);
        double wt = fd->weight ? fd->weight[i] : 1, wy = wt * y, wq = wt * q;
        H[0][0] += wt;
        H[0][1] += wy;
        H[0][2] += wq;
        H[1][1] += wy * y;
        H[1][2] += wy * q;
        H[2][2] += wq * q;
        gv[0] += wt * fd->w[i];
        gv[1] += wy * fd->w[i];
        gv[2] += wq * fd->w[i];
    }
    H[1][0] = H[0][1];
    H[2][0] = H[0][2];
    H[2][1] = H[1][2];
    /* constraints A x <= bnd with x = (a, d, c) */
    static const double A[6][3] = {{-1, 0, 0}, {1, 0, 0}, {0, 1, -1}, {0, -1, -1}, {0, 1, 1}, {0, -1, 1}};
    const double bnd[6] = {0, fd->w_max, 0, 0, 2 * sigma, 2 * sigma};

    double best = INFINITY, x[3] = {0, 0, 0};
    int found = 0;
    for (int s = 0; s < 42; s++) {
        unsigned mask = active_sets[s];
        int act[3], na = 0;
        for (int j = 0; j < 6; j++)
            if (mask & (1u << j))
                act[na++] = j;
        int dim = 3 + na;
        double M[36], z[6];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                M[r * dim + c] = H[r][c];
            z[r] = gv[r];
        }
        for (int j = 0; j < na; j++) {
            for (int c = 0; c < 3; c++) {
                M[(3 + j) * dim + c] = A[act[j]][c];
                M[c * dim + 3 + j] = A[act[j]][c];
            }
            for (int c = 0; c < na; c++)
                M[(3 + j) * dim + 3 + c] = 0;
            z[3 + j] = bnd[act[j]];
        }
        if (!solve_dense(M, z, dim))
            continue;
        int feasible = 1;
        for (int j = 0; j < 6 && feasible; j++) {
            double lhs = A[j][0] * z[0] + A[j][1] * z[1] + A[j][2] * z[2];
            feasible = lhs <= bnd[j] + 1e-12 * (1 + fabs(bnd[j]));
        }
        if (!feasible)
            continue;
        /* H x + A_S' lambda = g: lambda is half the multiplier of the squared error, >= 0 at the optimum */
        int kkt = 1;
        for (int j = 0; j < na; j++)
            kkt &= z[3 + j] >= -1e-12 * (1 + fabs(gv[0]) + fabs(gv[1]) + fabs(gv[2]));
        double f = z[0] * (H[0][0] * z[0] + 2 * H[0][1] * z[1] + 2 * H[0][2] * z[2]) +
                   z[1] * (H[1][1] * z[1] + 2 * H[1][2] * z[2]) + z[2] * H[2][2] * z[2] -
                   2 * (gv[0] * z[0] + gv[1] * z[1] + gv[2] * z[2]);
        if (!found || f < best || kkt) {
            best = f;
            memcpy(x, z, sizeof x);
            found = 1;
        }
        if (kkt)
            break;
    }
    if (!found)
        return INFINITY;
    memcpy(x_out, x, sizeof x);
    double sse = 0;
    for (size_t i = 0; i < fd->n; i++) {
        double y = (fd->k[i] - m) / sigma;
        double e = x[0] + x[1] * y + x[2] * sqrt(y * y + 1) - fd->w[i];
        sse += (fd->weight ? fd->weight[i] : 1) * e * e;
    }
    return sse;
}

/* Outer objective over (m, log sigma); sigma is kept in a range where the inner problem is well posed. */
static double outer(const fit_data *fd, const double v[2], double x[3]) {
    double sigma = exp(v[1]);
    if (!(sigma >= 1e-4 && sigma <= 10) || !isfinite(v[0]))
        return INFINITY;
    return inner_fit(fd, v[0], sigma, x);
}

/* Nelder-Mead on two variables with the standard coefficients; returns the best value found. Stops when the
 * simplex is smaller than xtol in both coordinates, or its values agree to ftol relative. */
static double nelder_mead(const fit_data *fd, double v[2], double step0, double step1, double xtol, double ftol,
                          int max_iter) {
    double s[3][2] = {{v[0], v[1]}, {v[0] + step0, v[1]}, {v[0], v[1] + step1}};
    double f[3], x[3];
    for (int i = 0; i < 3; i++)
        f[i] = outer(fd, s[i], x);
    for (int iter = 0; iter < max_iter; iter++) {
        /* order: s[0] best, s[2] worst */
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2 - i; j++)
                if (f[j + 1] < f[j]) {
                    double t = f[j];
                    f[j] = f[j + 1];
                    f[j + 1] = t;
                    for (int d = 0; d < 2; d++) {
                        t = s[j][d];
                        s[j][d] = s[j + 1][d];
                        s[j + 1][d] = t;
                    }
                }
        double size = fmax(fabs(s[1][0] - s[0][0]) + fabs(s[2][0] - s[0][0]),
                           fabs(s[1][1] - s[0][1]) + fabs(s[2][1] - s[0][1]));
        if (size < xtol || (isfinite(f[2]) && f[2] - f[0] <= ftol * f[0] + 1e-300))
            break;
        double c[2] = {(s[0][0] + s[1][0]) / 2, (s[0][1] + s[1][1]) / 2};
        double r[2] = {2 * c[0] - s[2][0], 2 * c[1] - s[2][1]};
        double fr = outer(fd, r, x);
        if (fr < f[0]) {
            double e[2] = {3 * c[0] - 2 * s[2][0], 3 * c[1] - 2 * s[2][1]};
            double fe = outer(fd, e, x);
            if (fe < fr) {
                memcpy(s[2], e, sizeof e);
                f[2] = fe;
            } else {
                memcpy(s[2], r, sizeof r);
                f[2] = fr;
            }
        } else if (fr < f[1]) {
            memcpy(s[2], r, sizeof r);
            f[2] = fr;
        } else {
            double ct[2];
            if (fr < f[2]) { /* outside contraction */
                ct[0] = c[0] + 0.5 * (r[0] - c[0]);
                ct[1] = c[1] + 0.5 * (r[1] - c[1]);
            } else {
                ct[0] = c[0] + 0.5 * (s[2][0] - c[0]);
                ct[1] = c[1] + 0.5 * (s[2][1] - c[1]);
            }
            double fc = outer(fd, ct, x);
            if (fc < fmin(fr, f[2])) {
                memcpy(s[2], ct, sizeof ct);
                f[2] = fc;
            } else { /* shrink towards the best */
                for (int i = 1; i < 3; i++) {
                    for (int d = 0; d < 2; d++)
                        s[i][d] = s[0][d] + 0.5 * (s[i][d] - s[0][d]);
                    f[i] = outer(fd, s[i], x);
                }
            }
        }
    }
    int b = 0;
    for (int i = 1; i < 3; i++)
        if (f[i] < f[b])
            b = i;
    v[0] = s[b][0];
    v[1] = s[b][1];
    return f[b];
}

hedge_status hedge__svi_fit(hedge__svi *out, double *rmse, const double *k, const double *w, const double *weight,
                            size_t n) {
    if (!out || !k || !w)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "svi fit: NULL argument");
    if (n < 5)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "svi fit: needs at least 5 points (got %zu)", n);
    fit_data fd = {k, w, weight, n, 0};
    double k_lo = INFINITY, k_hi = -INFINITY, k_at_min = 0, w_min = INFINITY, wsum = 0;
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(k[i]) || !isfinite(w[i]) || w[i] < 0)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "svi fit: point %zu has k = %g, w = %g (need finite, w >= 0)",
                               i, k[i], w[i]);
        double wt = weight ? weight[i] : 1;
        if (!(wt > 0) || !isfinite(wt))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "svi fit: weight %zu must be finite and > 0 (got %g)", i, wt);
        wsum += wt;
        size_t j = 0;
        while (j < i && k[j] != k[i])
            j++;
        distinct += j == i;
        fd.w_max = fmax(fd.w_max, w[i]);
        k_lo = fmin(k_lo, k[i]);
        k_hi = fmax(k_hi, k[i]);
        if (w[i] < w_min) {
            w_min = w[i];
            k_at_min = k[i];
        }
    }
    if (distinct < 5)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "svi fit: needs at least 5 distinct strikes (got %zu)", distinct);

    /*
     * Starts from the data rather than a fixed set: a coarse grid over (m, log sigma) spanning the
     * strikes (and the cheapest point, where the vertex of the smile tends to be), whose local minima
     * are the basins worth descending. A quick Nelder-Mead from the best few finds the basin of the
     * least squares; one tight run from that point then converges, with a fresh small simplex so that
     * a simplex collapsed early does not stall it.
     */
    double span = k_hi - k_lo;
    enum { GM = 8, GS = 5, MAX_STARTS = 3 };
    double gm[GM], gs[GS], gf[GM][GS], x[3];
    for (int i = 0; i < GM - 1; i++)
        gm[i] = k_lo + span * i / (GM - 2);
    gm[GM - 1] = k_at_min;
    static const double sigma_frac[GS] = {0.02, 0.06, 0.15, 0.4, 1.0};
    for (int j = 0; j < GS; j++) {
        gs[j] = log(fmax(sigma_frac[j] * span, 1e-3));
        for (int i = 0; i < GM; i++)
            gf[i][j] = outer(&fd, (double[2]){gm[i], gs[j]}, x);
    }
    /* local minima of the grid along the m axis (its first GM - 1 columns are ordered) and the sigma axis */
    int start_i[MAX_STARTS], start_j[MAX_STARTS], n_starts = 0;
    for (int i = 0; i < GM; i++)
        for (int j = 0; j < GS; j++) {
            double f = gf[i][j];
            if (!isfinite(f))
                continue;
            int ordered = i < GM - 1;
            if ((ordered && i > 0 && gf[i - 1][j] < f) || (ordered && i < GM - 2 && gf[i + 1][j] < f) ||
                (j > 0 && gf[i][j - 1] < f) || (j < GS - 1 && gf[i][j + 1] < f))
                continue;
            /* keep the MAX_STARTS lowest, sorted */
            int at = n_starts < MAX_STARTS ? n_starts++ : MAX_STARTS;
            while (at > 0 && gf[start_i[at - 1]][start_j[at - 1]] > f) {
                if (at < MAX_STARTS) {
                    start_i[at] = start_i[at - 1];
                    start_j[at] = start_j[at - 1];
                }
                at--;
            }
            if (at < MAX_STARTS) {
                start_i[at] = i;
                start_j[at] = j;
            }
        }
    double best_f = INFINITY, best_v[2] = {0, 0};
    double dm = span / (GM - 2), ds = log(sigma_frac[1] / sigma_frac[0]);
    for (int s = 0; s < n_starts; s++) {
        double v[2] = {gm[start_i[s]], gs[start_j[s]]};
        double f = nelder_mead(&fd, v, 0.5 * dm, 0.5 * ds, 1e-4, 1e-10, 200);
        if (f < best_f) {
            best_f = f;
            best_v[0] = v[0];
            best_v[1] = v[1];
        }
    }
    if (isfinite(best_f))
        best_f = nelder_mead(&fd, best_v, 0.01 * span, 0.05, 1e-10, 1e-14, 1000);
    double sigma = exp(best_v[1]);
    if (!isfinite(best_f) || !isfinite(inner_fit(&fd, best_v[0], sigma, x)))
        return hedge__fail(NULL, HEDGE_ERR_NOT_CONVERGED, "svi fit: no admissible smile found");
    hedge__svi p = {x[0], x[2] / sigma, x[2] > 0 ? x[1] / x[2] : 0, best_v[0], sigma};
    /* the polytope allows |d| = c, i.e. |rho| = 1; pull it inside the open interval */
    if (p.rho >= 1)
        p.rho = nextafter(1.0, 0.0);
    if (p.rho <= -1)
        p.rho = -nextafter(1.0, 0.0);
    if (!hedge__svi_is_valid(&p))
        return hedge__fail(NULL, HEDGE_ERR_NOT_CONVERGED, "svi fit: the best smile found is not admissible");
    *out = p;
    if (rmse)
        *rmse = sqrt(best_f / wsum);
    return HEDGE_OK;
}
