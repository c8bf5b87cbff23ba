/*
 * Generates the Chebyshev coefficients of the Mills ratio used by the vectorised normal cdf in
 * lib/pricing/batch_kernel.h, from a 113-bit evaluation (libquadmath), and reports the worst
 * relative error of the resulting double-precision approximation.
 *
 *   R(a) = N(-a) / n(a) = sqrt(pi/2) erfcx(a / sqrt 2),   a >= 0
 *   f(t) = (1 + sqrt(2) a) R(a)  with  a = k (1 + t) / (1 - t),  t in [-1, 1)
 *
 * f is bounded and smooth on [-1, 1] (it tends to sqrt(2) as a -> infinity), so a Chebyshev
 * series converges quickly (the mapping is that of Shepherd and Laframboise, Math. Comp. 1981).
 *
 * Build and run:  gcc -O2 scripts/gen-mills-chebyshev.c -lquadmath -lm && ./a.out [k] [terms]
 */
#include <math.h>
#include <quadmath.h>
#include <stdio.h>
#include <stdlib.h>

static __float128 mills_q(__float128 a) {
    if (a < 60) /* erfcq keeps its relative accuracy for a >= 0; expq(a^2/2) is far from overflow */
        return sqrtq(M_PIq / 2) * expq(a * a / 2) * erfcq(a / sqrtq(2));
    /* Laplace's continued fraction R(a) = 1/(a + 1/(a + 2/(a + 3/(a + ...)))), fast for large a */
    __float128 d = a;
    for (int n = 400; n >= 1; n--)
        d = a + n / d;
    return 1 / d;
}

int main(int argc, char **argv) {
    double k = argc > 1 ? atof(argv[1]) : 4.0;
    int terms = argc > 2 ? atoi(argv[2]) : 40;
    enum { N = 400 };
    static __float128 c[N];
    for (int n = 0; n < N; n++) {
        __float128 sum = 0;
        for (int j = 0; j < N; j++) {
            __float128 th = M_PIq * (j + (__float128)0.5) / N;
            __float128 t = cosq(th);
            __float128 a = (__float128)k * (1 + t) / (1 - t);
            __float128 f = (1 + sqrtq(2) * a) * mills_q(a);
            sum += f * cosq(n * th);
        }
        c[n] = 2 * sum / N;
    }
    double cd[N];
    for (int n = 0; n < terms; n++)
        cd[n] = (double)c[n];
    /* worst relative error of R over a in [0, 40] with the double coefficients and Clenshaw */
    double worst = 0, at = 0;
    for (double a = 0; a < 40; a += 0.0007) {
        double t = (a - k) / (a + k);
        double b1 = 0, b2 = 0;
        for (int n = terms - 1; n >= 1; n--) {
            double b0 = fma(2 * t, b1, cd[n] - b2);
            b2 = b1;
            b1 = b0;
        }
        double f = fma(t, b1, 0.5 * cd[0] - b2);
        double r = f / (1 + M_SQRT2 * a);
        __float128 ref = mills_q(a);
        double rel = fabs((double)((r - ref) / ref));
        if (rel > worst) {
            worst = rel;
            at = a;
        }
    }
    fprintf(stderr, "k = %g, %d terms: worst relative error %.3g at a = %g; |c[%d]| = %.3g\n", k, terms, worst, at,
            terms, fabs((double)c[terms]));
    printf("static const double mills_k = %.17g;\n", k);
    printf("static const double mills_cheb[%d] = {\n", terms);
    for (int n = 0; n < terms; n++)
        printf("    %.17g,\n", n == 0 ? 0.5 * cd[0] : cd[n]);
    printf("};\n");
    return 0;
}
