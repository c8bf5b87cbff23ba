/*
 * The vectorisable batch kernel, compiled once per instruction set: batch_portable.c,
 * batch_avx2.c and batch_avx512.c include this file after selecting their target, define
 * BATCH_KERNEL to a distinct name, and the dispatcher in batch.c picks one at run time.
 *
 * The loop body is branch-free straight-line arithmetic so that the compiler turns it into SIMD
 * code: exp, log and the normal cdf are our own polynomial / Chebyshev forms (libm calls do not
 * vectorise). It handles the ordinary options of a chain; a lane it cannot do to full accuracy
 * (invalid input, sigma sqrt(T) == 0, inputs outside the box where none of its outputs can overflow,
 * a tail beyond |d| = 37, or, when d1 and d2
 * straddle 0, a price that is the difference of two terms 8 times larger than itself, which
 * would cost more than 3 bits, when the price, theta or rho is asked for) gets NaN in the price
 * buffer, and
 * batch.c recomputes it with the scalar kernel, which has exact limits and the cancellation-free
 * series. Everything here agrees with the scalar kernel to a few ulp.
 */
#include "pricing/batch.h"
#include "pricing/simd_math.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#ifndef BATCH_KERNEL
#error "define BATCH_KERNEL before including batch_kernel.h"
#endif

void BATCH_KERNEL(const hedge__batch_args *in, size_t begin, size_t count, hedge__batch_chunk *out) {
    const int32_t *restrict type = in->type + begin;
    const double *restrict Sp = in->S + begin, *restrict Kp = in->K + begin, *restrict Tp = in->T + begin;
    const double *restrict rp = in->r + begin, *restrict qp = (in->black76 ? in->r : in->q) + begin;
    const double *restrict sp = in->sigma + begin;
    double *restrict o_price = out->price, *restrict o_delta = out->delta, *restrict o_gamma = out->gamma;
    double *restrict o_vega = out->vega, *restrict o_theta = out->theta, *restrict o_rho = out->rho;
    const double black76 = in->black76 ? 1.0 : 0.0;
    const int price_unused = !in->price_used;
    for (size_t i = 0; i < count; i++) {
        double th = (double)type[i];
        double s = Sp[i], k = Kp[i], t = Tp[i], r = rp[i], q = qp[i], sig = sp[i];
        double b = r - q;
        double sk = s / k;
        /* A box of its own, wider than the scalar kernel's (hedge__ordinary_inputs(), which bounds sixteen
         * Greeks where this loop computes six): spot and strike within
         * 2^+-250, T and sigma within 2^+-120, |rT| and |bT| up to 200 (so |qT| <= 400). No product
         * underflows there on its way to a result that would be normal (S e^{-qT} >= 2^-827, v >= 2^-180),
         * and no output can exceed DBL_MAX: e^{400} < 2^578 bounds the discount factors, gamma
         * e^{-qT} n / (S v) stays below 2^1008, theta's terms below 2^1008, the price, vega and rho
         * below 2^950. The finiteness of r and q and the range of s/k follow from the box; their tests
         * stay because GCC's AVX2 schedule of this loop measured 1% slower without them. */
        int ok = (th * th == 1.0) & (s >= 0x1p-250) & (s <= 0x1p250) & (k >= 0x1p-250) & (k <= 0x1p250) &
                 (t >= 0x1p-120) & (t <= 0x1p120) & (fabs(r) <= DBL_MAX) & (fabs(q) <= DBL_MAX) & (sig >= 0x1p-120) &
                 (sig <= 0x1p120) & (sk >= DBL_MIN) & (sk <= DBL_MAX) & (fabs(r * t) <= 200.0) &
                 (fabs(b * t) <= 200.0);
        double sqt = sqrt(t);
        double v = sig * sqt;
        double sk_lo = (s - sk * k - BK_PROD_LO(sk, k, sk * k)) / k; /* s/k = sk + sk_lo: see hedge__log_moneyness() */
        double x = bk_log(sk) + sk_lo / sk + b * t;
        double dfr = bk_exp(-r * t), ebt = bk_exp(b * t);
        double dfq = dfr * ebt;
        double iv = 1.0 / v;
        double d1 = BK_FMA(x, iv, 0.5 * v), d2 = BK_FMA(x, iv, -0.5 * v);
        double a1 = fabs(d1), a2 = fabs(d2);
        ok &= (a1 <= 37.0) & (a2 <= 37.0) & (fabs(x) <= 700.0); /* e^x and expm1(x) stay finite */
        double hi = d1 * d1, lo = BK_PROD_LO(d1, d1, hi);
        double nd1 = 0.398942280401432677939946 * bk_exp(-0.5 * hi) * (1.0 - 0.5 * lo);
        double nd2 = nd1 * (sk * ebt); /* n(d2) = n(d1) F/K, since d1^2 - d2^2 = 2 ln(F/K) */
        /* d1 and d2 on the same side of 0: |d2| - |d1| = +-sigma sqrt T, and the out-of-the-money
         * value is n(d1) S e^{-qT} (R(lo) - R(lo + v)). Otherwise they straddle 0 with
         * |d1| + |d2| = v and the plain difference is used (checked for cancellation below). */
        int same_side = d1 * d2 > 0.0;
        int lo_is_d1 = a1 <= a2;
        double a_lo = lo_is_d1 ? a1 : a2, a_hi = lo_is_d1 ? a2 : a1;
        double gap = same_side ? v : a_hi - a_lo;
        double r_lo, r_hi, r_diff;
        bk_mills2(a_lo, gap, &r_lo, &r_hi, &r_diff);
        double tail1 = nd1 * (lo_is_d1 ? r_lo : r_hi), tail2 = nd2 * (lo_is_d1 ? r_hi : r_lo);
        double up1 = 1.0 - tail1, up2 = 1.0 - tail2;
        double N1 = th * d1 < 0.0 ? tail1 : up1; /* N(theta d1), never 1 - N in the tail */
        double N2 = th * d2 < 0.0 ? tail2 : up2;
        double sfq = s * dfq, kfr = k * dfr;
        double A = sfq * N1, B = kfr * N2;
        double g = sfq * nd1;
        /* in the money: the intrinsic value F - K discounted, as K e^{-rT} expm1(x) so that it keeps
         * its accuracy near the money, plus the out-of-the-money value by put-call parity */
        double intrinsic = th * x > 0.0 ? th * kfr * bk_expm1(x) : 0.0;
        double price_split = BK_FMA(g, r_diff, intrinsic);
        double price_plain = th * (A - B);
        double price = same_side ? price_split : price_plain;
        ok &= same_side | (A <= 8.0 * price) | price_unused;
        o_price[i] = ok ? price : NAN;
        o_delta[i] = th * dfq * N1;
        o_gamma[i] = dfq * nd1 * iv / s;
        o_vega[i] = g * sqt;
        o_theta[i] = r * price - th * b * A - g * sig / (2.0 * sqt);
        double rho_f = -t * price, rho_q = th * t * B;
        o_rho[i] = black76 != 0.0 ? rho_f : rho_q;
    }
}
