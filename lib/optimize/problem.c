/* Optimization problems: owned, validated copies of the data a backend reads during setup. */
#include "optimize/qp_internal.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>

HEDGE_API void hedge_qp_destroy(hedge_qp *qp) {
    if (!qp)
        return;
    for (int v = 0; v < 8; v++)
        hedge__free(qp->ctx, qp->vec[v], hedge__qp_len(qp->n, qp->m, (hedge_qp_vector)v) * sizeof(double), 0);
    hedge__free(qp->ctx, qp->F, qp->k * qp->n * sizeof(double), 0);
    hedge__free(qp->ctx, qp->A, qp->m * qp->n * sizeof(double), 0);
    hedge__free(qp->ctx, qp->is_int, qp->n, 0);
    hedge__free(qp->ctx, qp, sizeof *qp, 0);
}

HEDGE_API hedge_status hedge_qp_create(hedge_qp **out, hedge_context *ctx, size_t n, size_t k, size_t m) {
    static const char fn[] = "hedge_qp_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || n == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: needs a context and at least one variable", fn);
    size_t fk, fm, bk, bm;
    if (!hedge__mul_size(k, n, &fk) || !hedge__mul_size(fk, sizeof(double), &bk) || !hedge__mul_size(m, n, &fm) ||
        !hedge__mul_size(fm, sizeof(double), &bm) || n > SIZE_MAX / 16 || m > SIZE_MAX / 16)
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %zu variables, %zu factor rows and %zu rows is too large",
                           fn, n, k, m);
    hedge_qp *qp = hedge__alloc(ctx, sizeof *qp, 0);
    if (!qp)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    memset(qp, 0, sizeof *qp);
    qp->ctx = ctx;
    qp->n = n;
    qp->k = k;
    qp->m = m;
    bool ok = true;
    for (int v = 0; v < 8 && ok; v++) {
        size_t len = hedge__qp_len(n, m, (hedge_qp_vector)v);
        if (len && !(qp->vec[v] = hedge__alloc(ctx, len * sizeof(double), 0)))
            ok = false;
        double fill = v == HEDGE_QP_ROW_LO || v == HEDGE_QP_LB ? -HUGE_VAL
                      : v == HEDGE_QP_ROW_HI || v == HEDGE_QP_UB ? HUGE_VAL
                                                                 : 0.0;
        for (size_t i = 0; ok && i < len; i++)
            qp->vec[v][i] = fill;
    }
    if (ok && k && !(qp->F = hedge__alloc(ctx, bk, 0)))
        ok = false;
    if (ok && m && !(qp->A = hedge__alloc(ctx, bm, 0)))
        ok = false;
    if (ok && !(qp->is_int = hedge__alloc(ctx, n, 0)))
        ok = false;
    if (!ok) { /* hedge__free ignores NULL, so destroy frees exactly what was allocated */
        hedge_qp_destroy(qp);
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the problem's data", fn);
    }
    if (bk)
        memset(qp->F, 0, bk);
    if (bm)
        memset(qp->A, 0, bm);
    memset(qp->is_int, 0, n);
    *out = qp;
    return HEDGE_OK;
}

hedge_status hedge__qp_check(const char *fn, const hedge_qp *qp, size_t n, size_t m, hedge_qp_vector which,
                             const double *values) {
    size_t len = hedge__qp_len(n, m, which);
    for (size_t i = 0; i < len; i++) {
        double v = values[i];
        bool ok;
        switch (which) {
        case HEDGE_QP_DIAGONAL:
        case HEDGE_QP_L1_WEIGHT:
            ok = v >= 0.0 && isfinite(v);
            break;
        case HEDGE_QP_LINEAR:
        case HEDGE_QP_L1_TARGET:
            ok = isfinite(v);
            break;
        default:
            ok = !isnan(v);
            break;
        }
        if (!ok)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: entry %zu of vector %d is %g, out of its range", fn, i,
                               (int)which, v);
        if (qp && (which == HEDGE_QP_ROW_LO || which == HEDGE_QP_LB) && v > qp->vec[which + 1][i])
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: lower bound %zu (%g) is above its upper bound (%g)", fn,
                               i, v, qp->vec[which + 1][i]);
        if (qp && (which == HEDGE_QP_ROW_HI || which == HEDGE_QP_UB) && v < qp->vec[which - 1][i])
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: upper bound %zu (%g) is below its lower bound (%g)", fn,
                               i, v, qp->vec[which - 1][i]);
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_qp_set(hedge_qp *qp, hedge_qp_vector which, const double *values) {
    static const char fn[] = "hedge_qp_set";
    if (!qp || !values || (int)which < 0 || (int)which > HEDGE_QP_UB)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or unknown vector", fn);
    hedge_status st = hedge__qp_check(fn, qp, qp->n, qp->m, which, values);
    if (st)
        return st;
    size_t len = hedge__qp_len(qp->n, qp->m, which);
    if (len)
        memcpy(qp->vec[which], values, len * sizeof(double));
    return HEDGE_OK;
}

static hedge_status set_matrix(const char *fn, double *dst, size_t rows, size_t n, const double *src, size_t ld) {
    if (rows && (!src || ld < n))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL matrix or leading dimension %zu below %zu", fn, ld,
                           n);
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n; j++)
            if (!isfinite(src[r * ld + j]))
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: entry (%zu, %zu) is not finite", fn, r, j);
    for (size_t r = 0; r < rows; r++)
        memcpy(dst + r * n, src + r * ld, n * sizeof(double));
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_qp_set_factor(hedge_qp *qp, const double *F, size_t ld) {
    if (!qp)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_qp_set_factor: qp is NULL");
    return set_matrix("hedge_qp_set_factor", qp->F, qp->k, qp->n, F, ld);
}

HEDGE_API hedge_status hedge_qp_set_rows(hedge_qp *qp, const double *A, size_t ld) {
    if (!qp)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_qp_set_rows: qp is NULL");
    return set_matrix("hedge_qp_set_rows", qp->A, qp->m, qp->n, A, ld);
}

HEDGE_API hedge_status hedge_qp_set_integer(hedge_qp *qp, const unsigned char *is_integer) {
    if (!qp)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_qp_set_integer: qp is NULL");
    for (size_t j = 0; j < qp->n; j++)
        qp->is_int[j] = is_integer && is_integer[j] ? 1 : 0;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_qp_size(const hedge_qp *qp, size_t *n, size_t *k, size_t *m) {
    if (!qp)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_qp_size: qp is NULL");
    if (n)
        *n = qp->n;
    if (k)
        *k = qp->k;
    if (m)
        *m = qp->m;
    return HEDGE_OK;
}

HEDGE_API const double *hedge_qp_vector_data(const hedge_qp *qp, hedge_qp_vector which) {
    if (!qp || (int)which < 0 || (int)which > HEDGE_QP_UB)
        return NULL;
    return qp->vec[which];
}

HEDGE_API const double *hedge_qp_matrix_data(const hedge_qp *qp, int factor) {
    return qp ? (factor ? qp->F : qp->A) : NULL;
}

HEDGE_API const unsigned char *hedge_qp_integer_data(const hedge_qp *qp) { return qp ? qp->is_int : NULL; }
