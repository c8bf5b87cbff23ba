/**
 * @file risk.h
 * @brief The Greek-aggregation layer: a book's value and Greeks, in total and broken down by
 *        underlying, expiry and venue, in coin and USD units, with a beta-weighted delta.
 *
 * @defgroup risk Greek aggregation
 * @brief Values every position of a portfolio off a market and adds up its risk.
 *
 * Each position is valued with hedge_instrument_value() (see valuation.h for the model, the
 * per-contract units and the meaning of a coin delta) and scaled by its quantity; rows add those
 * up. Everything here is additive: the risk of two books is the sum of their risks, to rounding.
 *
 * @par Units of a ::hedge_risk_row
 * USD figures use each underlying's spot. Coin figures are in units of the row's underlying and
 * are 0 in rows that span several underlyings (the whole book), where they would not add up.
 * Vega per 1.00 of volatility, theta per year; cash gamma is gamma_coin S^2 / 100, the change of
 * delta_usd for a 1% rise of the spot (the term delta_coin S / 100 excluded).
 *
 * @par Thread safety
 * A ::hedge_risk is immutable once computed: any number of threads may read it. Computing reads
 * the portfolio under its read lock, so it sees one consistent book.
 * @{
 */
#ifndef HEDGE_RISK_H
#define HEDGE_RISK_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque, immutable result of hedge_risk_compute(). */
typedef struct hedge_risk hedge_risk;

/** @brief How the rows of a breakdown are keyed. */
typedef enum hedge_breakdown {
    HEDGE_BREAKDOWN_UNDERLYING = 0, /**< One row per underlying, sorted by name. */
    HEDGE_BREAKDOWN_EXPIRY = 1,     /**< Per underlying and expiry (0 for perpetuals and spot), sorted. */
    HEDGE_BREAKDOWN_VENUE = 2,      /**< Per underlying and venue ("" for venue-neutral instruments), sorted. */
    HEDGE_BREAKDOWN_POSITION = 3,   /**< One row per position, in portfolio order; only when asked for. */
    /** Per underlying and tenor bucket (time to expiry up to each of the option's @c tenor_days
     *  edges, then beyond the last; perpetuals and spot in the first), sorted; the vega by tenor. */
    HEDGE_BREAKDOWN_TENOR = 4
} hedge_breakdown;

/** @brief Options of hedge_risk_compute(). Initialise with ::HEDGE_RISK_OPTIONS_INIT. */
typedef struct hedge_risk_options {
    size_t struct_size; /**< sizeof(hedge_risk_options) as the caller knows it. */
    /** Underlying in whose units the beta-weighted delta is also given (for example "BTC"), or NULL. */
    const char *beta_reference;
    /** @c n_betas underlyings and their betas to the reference (the regression slope of their
     *  returns on the reference's). Underlyings not listed have beta 1. */
    const char *const *beta_underlyings;
    const double *betas; /**< Betas, finite, one per entry of @c beta_underlyings. */
    size_t n_betas;      /**< Entries in @c beta_underlyings and @c betas. */
    int per_position;    /**< Non-zero: keep one row per position (::HEDGE_BREAKDOWN_POSITION). */
    /** Upper edges of the tenor buckets in calendar days, increasing and > 0, or NULL for
     *  7, 30, 90, 180 and 365 days. */
    const double *tenor_days;
    size_t n_tenors;     /**< Entries in @c tenor_days (0 with NULL). */
} hedge_risk_options;

/** @brief Initialiser for ::hedge_risk_options: no beta reference, no per-position rows. */
#define HEDGE_RISK_OPTIONS_INIT { sizeof(hedge_risk_options), NULL, NULL, NULL, 0, 0, NULL, 0 }

/** @brief One row of a breakdown, or the whole book. Initialise with ::HEDGE_RISK_ROW_INIT. */
typedef struct hedge_risk_row {
    size_t struct_size;     /**< sizeof(hedge_risk_row) as the caller knows it. */
    const char *underlying; /**< The row's underlying; NULL for the whole book. Valid while the report lives. */
    const char *venue;      /**< Venue rows and position rows: the venue ("" if none); else NULL. */
    const char *symbol;     /**< Position rows: the instrument's symbol; else NULL. */
    int64_t expiry_ms;      /**< Expiry rows and position rows: the expiry, 0 for none; else 0. */
    size_t positions;       /**< Positions in the row. */
    double quantity;        /**< Position rows: the quantity in contracts; else 0. */
    double spot;            /**< The underlying's spot; 0 for the whole book. */
    double value_usd;       /**< Value, USD (futures and perpetuals up to their entry constant, see valuation.h). */
    double delta_coin;      /**< Coin delta in units of the underlying; 0 for the whole book. */
    double delta_usd;       /**< USD delta: delta_coin times spot, summed. */
    double gamma_coin;      /**< d(delta_coin)/dS, coins per USD; 0 for the whole book. */
    double gamma_usd;       /**< Cash gamma, gamma_coin S^2 / 100, summed: USD of delta per 1% move. */
    double vega_usd;        /**< USD per 1.00 of volatility. */
    double theta_usd;       /**< USD per year (decay, basis roll and funding, see valuation.h). */
    double beta_delta_usd;  /**< Beta-weighted USD delta: beta times delta_usd, summed. */
    /** Beta-weighted delta in units of the reference underlying (beta_delta_usd over its spot);
     *  0 without a reference. */
    double beta_delta_ref;
    /** Tenor rows: the bucket's upper edge in days (+infinity for the last); else 0. */
    double tenor_days;
} hedge_risk_row;

/** @brief Initialiser for ::hedge_risk_row. */
#define HEDGE_RISK_ROW_INIT { sizeof(hedge_risk_row), NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Values a portfolio off a market and aggregates its risk.
 * @param[out] out     The report; NULL on failure.
 * @param ctx          The context; must outlive the report.
 * @param portfolio    The book.
 * @param market       Snapshot and volatility surfaces (the instruments need not be in it).
 * @param options      Options, or NULL for the defaults.
 * @retval HEDGE_OK computed; release with hedge_risk_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, bad options (a NULL name, betas without names).
 * @retval HEDGE_ERR_DOMAIN a non-finite beta, tenor edges not positive and increasing.
 * @retval HEDGE_ERR_NOT_FOUND no surface for an option's underlying, no spot for an underlying or
 *         for the beta reference; the message names the position.
 * @retval HEDGE_ERR_STALE / HEDGE_ERR_EXPIRED a position cannot be valued; the message names it.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_risk_compute(hedge_risk **out, hedge_context *ctx, const hedge_portfolio *portfolio,
                                          const hedge_market *market, const hedge_risk_options *options);

/**
 * @brief Destroys a report. NULL is ignored.
 * @param risk  The report.
 */
HEDGE_API void hedge_risk_destroy(hedge_risk *risk);

/**
 * @brief Number of rows in a breakdown.
 * @param risk  The report, or NULL (0).
 * @param by    The breakdown.
 * @return The row count (0 for position rows unless they were asked for).
 */
HEDGE_API size_t hedge_risk_row_count(const hedge_risk *risk, hedge_breakdown by);

/**
 * @brief Reads one row of a breakdown.
 * @param[in,out] row  Output; @c struct_size must be set.
 * @param risk         The report.
 * @param by           The breakdown.
 * @param index        0 to hedge_risk_row_count() - 1.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size or an unknown breakdown.
 * @retval HEDGE_ERR_NOT_FOUND @p index past the end.
 */
HEDGE_API hedge_status hedge_risk_row_get(hedge_risk_row *row, const hedge_risk *risk, hedge_breakdown by,
                                          size_t index);

/**
 * @brief Reads the whole-book row (USD figures summed over every underlying).
 * @param[in,out] row  Output; @c struct_size must be set.
 * @param risk         The report.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a too small @c struct_size.
 */
HEDGE_API hedge_status hedge_risk_total(hedge_risk_row *row, const hedge_risk *risk);

/**
 * @brief What moved a book's value between two markets: a Taylor explanation in the first
 *        market's Greeks, and what it leaves unexplained. All figures in USD.
 *
 * With S, sigma and t the spot, each option's vol at its strike and the valuation time of the
 * first market, and the changes to the second: delta = dV/dS dS, gamma = d2V/dS2 dS^2 / 2,
 * vega = dV/dsigma dsigma, theta = dV/dt dt (decay and basis roll), funding = the perpetuals'
 * funding at the first market's rate over dt, residual = actual - the rest (cross terms, higher
 * orders, moves of rates and carry). V is each position's USD value, so an inverse contract's
 * dV/dS is its coin delta plus its coin value (valuation.h).
 */
typedef struct hedge_pnl_explain {
    size_t struct_size; /**< sizeof(hedge_pnl_explain) as the caller knows it. */
    double actual;      /**< Change of USD value, plus funding received. */
    double delta;       /**< First order in spot. */
    double gamma;       /**< Second order in spot. */
    double vega;        /**< First order in each option's vol. */
    double theta;       /**< First order in time, funding excluded. */
    double funding;     /**< Perpetual funding received over the interval (negative: paid). */
    double residual;    /**< actual - delta - gamma - vega - theta - funding. */
} hedge_pnl_explain;

/** @brief Initialiser for ::hedge_pnl_explain. */
#define HEDGE_PNL_EXPLAIN_INIT { sizeof(hedge_pnl_explain), 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Explains a book's P&L from one market to a later one (the book held unchanged).
 * @param[in,out] explain  Output; @c struct_size must be set.
 * @param portfolio        The book.
 * @param before           The market at the start; its valuation time is not after @p after's.
 * @param after            The market at the end.
 * @param underlying       Only positions in this underlying, or NULL for the whole book.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size, @p after before @p before.
 * @retval HEDGE_ERR_NOT_FOUND / HEDGE_ERR_STALE / HEDGE_ERR_EXPIRED a position cannot be valued in
 *         one of the markets; the message names it.
 */
HEDGE_API hedge_status hedge_pnl_explain_compute(hedge_pnl_explain *explain, const hedge_portfolio *portfolio,
                                                 const hedge_market *before, const hedge_market *after,
                                                 const char *underlying);

/**
 * @brief Sums columns of per-position figures into buckets: the aggregation kernel for books too
 *        large to value position by position, whose Greeks come from the batch pricers.
 *
 * For every position i and column c, sums[bucket[i] * n_columns + c] += columns[c][i]. The sums
 * are added to (not overwritten), so large books can be fed in slices. Positions are read once, so
 * the time is close to that of reading the ids and columns from memory (bench_risk, 7 columns, 64
 * to 1024 buckets, AVX2: 1.0-1.1x with random buckets, 1.1-1.2x with a book sorted by bucket). The
 * order of the additions is unspecified: sums can differ from a plain loop's by rounding, within
 * n * DBL_EPSILON * sum|x| per sum. Allocates nothing; uses about 33 KiB of stack.
 * @param n          Positions.
 * @param bucket     Each position's bucket, below @p n_buckets.
 * @param columns    @p n_columns arrays of @p n figures (quantity-weighted Greeks, say).
 * @param n_columns  1 to 64.
 * @param[in,out] sums  @p n_buckets x @p n_columns running sums, row-major by bucket.
 * @param n_buckets  Buckets.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, 0 or more than 64 columns, or a bucket out of range
 *         (then nothing is added: every bucket is checked before @p sums is written).
 */
HEDGE_API hedge_status hedge_aggregate_columns(size_t n, const uint32_t *bucket, const double *const *columns,
                                               size_t n_columns, double *sums, size_t n_buckets);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_RISK_H */
