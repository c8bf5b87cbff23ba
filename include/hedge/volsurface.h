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
#include <hedge/instrument.h>
#include <hedge/snapshot.h>
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

/** @brief How the points of a smile fitted from quotes are weighted (see hedge_vol_surface_fit_quotes()). */
typedef enum hedge_surface_weighting {
    /** By Black vega: a vol error costs what it moves the price (the default). */
    HEDGE_SURFACE_WEIGHT_VEGA = 0,
    /** By 1 / (bid-ask spread expressed in vol): tight quotes count more, which also favours vega. */
    HEDGE_SURFACE_WEIGHT_INVERSE_SPREAD = 1,
    /** Every point alike. */
    HEDGE_SURFACE_WEIGHT_EQUAL = 2
} hedge_surface_weighting;

/** @brief Flag of ::hedge_surface_fit_options: a stale quote fails the call instead of being skipped. */
#define HEDGE_SURFACE_FIT_STALE_IS_ERROR 0x1u

/** @brief Settings of hedge_vol_surface_fit_quotes(). */
typedef struct hedge_surface_fit_options {
    size_t struct_size;  /**< sizeof(hedge_surface_fit_options), set by the initialisers. */
    /** Venue whose quotes are used, 1 to 31 bytes; NULL (the default): any venue, taking for each
     *  option the fresh two-sided quote with the narrowest spread. */
    const char *venue;
    uint32_t flags;      /**< ::HEDGE_SURFACE_FIT_STALE_IS_ERROR or 0 (the default: stale quotes are skipped). */
    hedge_surface_weighting weighting; /**< Default ::HEDGE_SURFACE_WEIGHT_VEGA. */
    /** Half-width of the at-the-money band in log-moneyness |ln(K/F)|, finite and >= 0: inside it
     *  both calls and puts are used, outside only out-of-the-money ones (puts below the forward,
     *  calls above). Default 0.01. */
    double atm_band;
} hedge_surface_fit_options;

/** @brief Static initialiser for ::hedge_surface_fit_options with the defaults. */
#define HEDGE_SURFACE_FIT_OPTIONS_INIT { sizeof(hedge_surface_fit_options), NULL, 0u, HEDGE_SURFACE_WEIGHT_VEGA, 0.01 }

/**
 * @brief Fills @p options with the defaults of ::HEDGE_SURFACE_FIT_OPTIONS_INIT.
 * @param options the struct to initialise; NULL is ignored.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_surface_fit_options_init(hedge_surface_fit_options *options);

/** @brief What hedge_vol_surface_fit_quotes() made of one option's quote. */
typedef enum hedge_quote_verdict {
    HEDGE_QUOTE_USED = 0,          /**< Its mid's implied volatility is a point of the fit. */
    HEDGE_QUOTE_MISSING = 1,       /**< No quote for the option (on the chosen venue). */
    HEDGE_QUOTE_STALE = 2,         /**< Only quotes older than their age limit. */
    HEDGE_QUOTE_ONE_SIDED = 3,     /**< No fresh quote with both a bid and an ask, so no mid. */
    HEDGE_QUOTE_IN_THE_MONEY = 4,  /**< In the money outside the at-the-money band: its out-of-the-money
                                        twin carries the same information with less noise. */
    HEDGE_QUOTE_OUT_OF_BOUNDS = 5, /**< The mid is at or outside the no-arbitrage bounds (at or below
                                        intrinsic value, for example): it has no positive implied volatility. */
    HEDGE_QUOTE_EXPIRED = 6,       /**< The option expires at or before the valuation time. */
    HEDGE_QUOTE_THIN_EXPIRY = 7    /**< Usable, but its expiry has fewer than 5 usable distinct strikes,
                                        so that expiry is not fitted. */
} hedge_quote_verdict;

/** @brief The fit of one expiry, as reported by hedge_vol_surface_fit_quotes(). */
typedef struct hedge_surface_fit_expiry {
    int64_t expiry_ms;    /**< The expiry, ms since the Unix epoch. */
    double forward;       /**< The snapshot's forward for it, quote currency per unit. */
    int fitted;           /**< 1 when the expiry is a slice of the surface, 0 when it had too few points. */
    size_t used;          /**< Quotes that are points of the fit (::HEDGE_QUOTE_USED). */
    size_t missing;       /**< Options with ::HEDGE_QUOTE_MISSING. */
    size_t stale;         /**< Options with ::HEDGE_QUOTE_STALE. */
    size_t one_sided;     /**< Options with ::HEDGE_QUOTE_ONE_SIDED. */
    size_t in_the_money;  /**< Options with ::HEDGE_QUOTE_IN_THE_MONEY. */
    size_t out_of_bounds; /**< Options with ::HEDGE_QUOTE_OUT_OF_BOUNDS. */
    size_t thin;          /**< Options with ::HEDGE_QUOTE_THIN_EXPIRY. */
    /** Weighted root-mean-square difference between the fitted smile and the points' implied
     *  volatilities, in volatility (0.01 = 1 point), with the weights of the fit; 0 when not fitted. */
    double rmse_vol;
    double max_error_vol; /**< Largest absolute difference at a point, in volatility; 0 when not fitted. */
} hedge_surface_fit_expiry;

/**
 * @brief What hedge_vol_surface_fit_quotes() did with each quote and expiry.
 *
 * The caller owns every array; the library only writes into them. Initialise with
 * ::HEDGE_SURFACE_FIT_REPORT_INIT, then point `expiries` and `verdicts` at arrays as wanted.
 */
typedef struct hedge_surface_fit_report {
    size_t struct_size;        /**< sizeof(hedge_surface_fit_report), set by the initialiser. */
    size_t expiry_struct_size; /**< sizeof(hedge_surface_fit_expiry) as the caller knows it: the stride
                                    of `expiries`; the library writes only the fields that fit. */
    hedge_surface_fit_expiry *expiries; /**< Receives up to `expiry_capacity` entries, in increasing
                                             order of expiry; may be NULL when the capacity is 0. */
    size_t expiry_capacity;    /**< Entries available in `expiries`. */
    size_t n_expiries;         /**< Out: distinct expiries among the unexpired options (may exceed the capacity). */
    size_t n_fitted;           /**< Out: expiries fitted, the surface's slice count. */
    size_t n_used;             /**< Out: quotes used, over all expiries. */
    size_t n_skipped;          /**< Out: options not used, over all expiries (expired ones included). */
    hedge_quote_verdict *verdicts; /**< One entry per option, in the order given, or NULL. */
} hedge_surface_fit_report;

/** @brief Static initialiser for ::hedge_surface_fit_report: no arrays. */
#define HEDGE_SURFACE_FIT_REPORT_INIT \
    { sizeof(hedge_surface_fit_report), sizeof(hedge_surface_fit_expiry), NULL, 0, 0, 0, 0, 0, NULL }

/**
 * @brief Fits a surface to the option quotes of a snapshot: a smile per expiry, through the
 *        implied volatilities of the bid/ask mids.
 *
 * For each option: the mid of its quote (see ::hedge_surface_fit_options for the venue), the
 * snapshot's forward F for its expiry and rate r for its underlying, and the implied volatility of
 * the mid: Black-76 for a linear option (premium in the quote currency, discounted at r); for an
 * inverse option, whose premium is in coins, hedge_implied_vol_inverse() with the coin rate
 * r_c = r - ln(F/S)/T implied by the snapshot's spot S, so that the coin premium is the USD
 * premium divided by S. Quote prices are per unit of underlying, the multiplier not applied (as
 * venues quote). Only out-of-the-money options are used, both calls and puts inside the
 * at-the-money band. The points of each expiry are fitted with hedge_vol_surface_fit(), weighted
 * as the options say; an expiry with fewer than 5 usable distinct strikes is left out and reported.
 * The slices' `rmse_vol` is the report's, in volatility with the weights of the fit.
 * @param[out] out receives the surface with one reference; NULL on failure.
 * @param ctx the context for allocations; must outlive the surface.
 * @param snapshot the market data; read, not retained. Its valuation time is the surface's.
 * @param options @p n_options option instruments of one underlying; read, not retained.
 * @param n_options at least 1.
 * @param opts settings, or NULL for the defaults.
 * @param[in,out] report receives what was used and why the rest was not; may be NULL. Written
 *        when the call returns ::HEDGE_OK, ::HEDGE_ERR_NOT_CONVERGED, or ::HEDGE_ERR_NOT_FOUND
 *        because no expiry has 5 usable strikes; otherwise left as it was, including on the
 *        ::HEDGE_ERR_NOT_FOUND of a snapshot without the underlying's spot, rate or a forward
 *        (the report is not written then). To tell the two apart, set `n_expiries` to SIZE_MAX
 *        before the call: a written report holds a real count there.
 * @retval HEDGE_OK fitted; release with hedge_vol_surface_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL @p out, @p ctx, @p snapshot or @p options, a NULL entry, no
 *         options, an instrument that is not an option, options of different underlyings, a bad
 *         options or report struct (size, unknown weighting, bad venue name, NULL array with a capacity).
 * @retval HEDGE_ERR_DOMAIN a negative or non-finite `atm_band`.
 * @retval HEDGE_ERR_STALE a stale quote with ::HEDGE_SURFACE_FIT_STALE_IS_ERROR; or no fresh spot.
 * @retval HEDGE_ERR_NOT_FOUND no spot, rate or forward for the underlying (report untouched), or no
 *         expiry with 5 usable distinct strikes (report written).
 * @retval HEDGE_ERR_NOT_CONVERGED an expiry's smile could not be fitted.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread; @p report belongs to the call while it runs.
 */
HEDGE_API hedge_status hedge_vol_surface_fit_quotes(hedge_vol_surface **out, hedge_context *ctx,
                                                    const hedge_snapshot *snapshot,
                                                    const hedge_instrument *const *options, size_t n_options,
                                                    const hedge_surface_fit_options *opts,
                                                    hedge_surface_fit_report *report);

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
 * @retval HEDGE_ERR_TOO_LARGE the total variance exceeds the largest double (@p T far beyond
 *         the last slice, say); nothing written.
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
