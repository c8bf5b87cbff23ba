/**
 * @file volsurface.h
 * @brief Volatility surfaces: an SVI smile per expiry, arbitrage checks, interpolation in total variance.
 *
 * @defgroup volsurface Volatility surfaces
 * @brief Implied volatility as a function of strike and expiry, with skew and term structure.
 *
 * Each expiry's smile is Gatheral's raw SVI in total implied variance w(k) = sigma_imp^2 T as a
 * function of log-moneyness k = ln(K / F), fitted by least squares (Zeliade's quasi-explicit method)
 * with the wings held within Lee's moment bound. Between expiries the surface interpolates total
 * variance linearly in time at fixed k, which keeps it free of calendar arbitrage whenever the
 * fitted smiles are (Gatheral & Jacquier 2014). The forward of a query comes from the caller (a
 * snapshot's forward curve), so the surface and the market data never disagree about it.
 *
 * @par Extrapolation
 * In strike: the SVI wings, linear in k. In time: constant implied volatility at fixed k, i.e.
 * w(k, T) = w_1(k) T / T_1 before the first expiry and w_n(k) T / T_n after the last.
 *
 * @par Thread safety
 * A surface is immutable and reference-counted: any number of threads may query, reference and
 * release it at once.
 * @{
 */
#ifndef HEDGE_VOLSURFACE_H
#define HEDGE_VOLSURFACE_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque, immutable volatility surface. */
typedef struct hedge_vol_surface hedge_vol_surface;

/** @brief The implied volatilities observed for one expiry, input to hedge_vol_surface_fit(). */
typedef struct hedge_smile_data {
    int64_t expiry_ms;     /**< Expiry, ms since the Unix epoch; after the valuation time, unique. */
    double forward;        /**< Forward for the expiry (turns strikes into log-moneyness), finite and > 0. */
    size_t n;              /**< Number of points, at least 5 with distinct strikes. */
    const double *strikes; /**< Strikes, finite and > 0. */
    const double *vols;    /**< Implied volatilities (decimal per square-root year), finite and > 0. */
    const double *weights; /**< Fit weights > 0 (vega or inverse bid-ask spread are usual), or NULL for equal. */
} hedge_smile_data;

/** @brief One fitted smile: raw SVI parameters in total variance. */
typedef struct hedge_svi_slice {
    int64_t expiry_ms; /**< The smile's expiry. */
    double T;          /**< Its time to expiry, ACT/365 years. */
    double forward;    /**< The forward its log-moneyness was measured against. */
    double a;          /**< SVI level (total variance). */
    double b;          /**< SVI angle between the wings, >= 0. */
    double rho;        /**< SVI rotation, in (-1, 1): negative for a put skew. */
    double m;          /**< SVI translation in log-moneyness. */
    double sigma;      /**< SVI smoothness at the vertex, > 0. */
    double rmse_vol;   /**< Weighted root-mean-square fit error, in implied volatility. */
} hedge_svi_slice;

/** @brief The kind of static arbitrage a check found. */
typedef enum hedge_arbitrage_kind {
    HEDGE_ARBITRAGE_BUTTERFLY = 1, /**< Negative density within one smile (Durrleman's g(k) < 0). */
    HEDGE_ARBITRAGE_CALENDAR = 2   /**< A later smile with less total variance than an earlier one at some k. */
} hedge_arbitrage_kind;

/** @brief Where a surface admits static arbitrage. */
typedef struct hedge_arbitrage_report {
    hedge_arbitrage_kind kind; /**< Butterfly or calendar. */
    size_t slice;              /**< The smile at fault (for calendars, the later of the two). */
    double worst_k;            /**< Log-moneyness where the condition fails worst. */
    double worst_value;        /**< There: g(k) for a butterfly, w_later - w_earlier for a calendar (< 0). */
    size_t points;             /**< How many points of the scan grid fail. */
} hedge_arbitrage_report;

/**
 * @brief Fits a surface: one SVI smile per expiry.
 *
 * The slices are sorted by expiry. Each fit minimises the weighted squared error in total
 * variance; `rmse_vol` reports it back in implied volatility at the money.
 * @param[out] out receives the surface with one reference; NULL on failure.
 * @param ctx the context; must outlive the surface.
 * @param valuation_ms the valuation time, ms since the Unix epoch.
 * @param smiles @p n_smiles smiles; copied as needed, not retained.
 * @param n_smiles at least 1.
 * @retval HEDGE_OK fitted; release with hedge_vol_surface_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, no smiles, fewer than 5 points in a smile.
 * @retval HEDGE_ERR_DOMAIN a non-finite or non-positive strike, vol, weight or forward, fewer than 5
 *         distinct strikes, an expiry not after the valuation time.
 * @retval HEDGE_ERR_EXISTS two smiles with the same expiry.
 * @retval HEDGE_ERR_NOT_CONVERGED a smile could not be fitted.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_fit(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                             const hedge_smile_data *smiles, size_t n_smiles);

/**
 * @brief Creates a surface from given SVI slices (for example from a previous fit or a file).
 * @param[out] out receives the surface; NULL on failure.
 * @param ctx the context; must outlive the surface.
 * @param valuation_ms the valuation time.
 * @param slices @p n_slices slices; `T` and `rmse_vol` are ignored (T is recomputed from the expiry).
 * @param n_slices at least 1.
 * @retval HEDGE_OK created.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or no slices.
 * @retval HEDGE_ERR_DOMAIN parameters that are not a valid SVI smile (b < 0, |rho| >= 1, sigma <= 0,
 *         negative variance, non-finite values), a bad forward, an expiry not after the valuation time.
 * @retval HEDGE_ERR_EXISTS two slices with the same expiry.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_create(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                                const hedge_svi_slice *slices, size_t n_slices);

/**
 * @brief Takes another reference.
 * @param surface the surface, or NULL.
 * @return @p surface.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_vol_surface *hedge_vol_surface_ref(const hedge_vol_surface *surface);

/**
 * @brief Releases one reference; the last frees the surface. NULL does nothing.
 * @param surface the surface, or NULL.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_vol_surface_destroy(hedge_vol_surface *surface);

/**
 * @brief Number of expiries (slices) of a surface.
 * @param surface the surface; must not be NULL.
 * @return the count, at least 1.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API size_t hedge_vol_surface_slice_count(const hedge_vol_surface *surface);

/**
 * @brief One slice, in increasing order of expiry.
 * @param[out] slice receives the parameters.
 * @param surface the surface.
 * @param index 0 to hedge_vol_surface_slice_count() - 1.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or index out of range.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_slice(hedge_svi_slice *slice, const hedge_vol_surface *surface, size_t index);

/**
 * @brief Total implied variance w = sigma_imp^2 T at log-moneyness @p k and time @p T.
 * @param[out] w receives the total variance (0 at T = 0).
 * @param surface the surface.
 * @param k ln(K / F(T)), finite.
 * @param T ACT/365 years from the valuation time, finite and >= 0.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_DOMAIN non-finite @p k, or @p T negative or non-finite.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_total_variance(double *w, const hedge_vol_surface *surface, double k,
                                                        double T);

/**
 * @brief Implied volatility for a strike and an expiry date.
 * @param[out] vol receives sigma_imp, decimal per square-root year.
 * @param surface the surface.
 * @param strike quote currency per unit, finite and > 0.
 * @param forward the forward for @p expiry_ms (see hedge_snapshot_forward()), finite and > 0.
 * @param expiry_ms the expiry, after the valuation time.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_DOMAIN bad strike or forward.
 * @retval HEDGE_ERR_EXPIRED the expiry is not after the valuation time (no volatility at T = 0).
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_vol(double *vol, const hedge_vol_surface *surface, double strike,
                                             double forward, int64_t expiry_ms);

/**
 * @brief Checks the surface for static arbitrage on a log-moneyness grid.
 *
 * Butterfly: Durrleman's g(k) on each smile. Calendar: total variance of each smile against the
 * previous one. Both on @p grid_points evenly spaced points of [k_min, k_max].
 * @param[out] reports up to @p capacity findings, butterflies first, in slice order; may be NULL
 *        when @p capacity is 0.
 * @param capacity entries available in @p reports.
 * @param[out] count receives the number of findings (which may exceed @p capacity); 0 means no
 *        arbitrage was found on the grid.
 * @param surface the surface.
 * @param k_min lower end of the grid, finite.
 * @param k_max upper end, finite and > @p k_min.
 * @param grid_points at least 2.
 * @retval HEDGE_OK checked (finding arbitrage is not an error).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, or NULL @p reports with capacity > 0.
 * @retval HEDGE_ERR_DOMAIN a bad grid.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_vol_surface_check(hedge_arbitrage_report *reports, size_t capacity, size_t *count,
                                               const hedge_vol_surface *surface, double k_min, double k_max,
                                               size_t grid_points);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_VOLSURFACE_H */
