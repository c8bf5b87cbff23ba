"""The C declarations of libhedge for cffi's ABI mode, and the loading of the shared library.

Every declaration lives here, written by hand from include/hedge/*.h, so that one file has to be
compared with the headers when they grow. tests/test_abi.py keeps it honest: every function
declared here must be in lib/libhedge.map and every function there must be declared here, and
every struct's size and field offsets must match what a C compiler makes of the real headers.
"""

import ctypes.util
import os
import pathlib

import cffi

CDEF = r"""
/* status.h */
typedef enum hedge_status {
    HEDGE_OK = 0, HEDGE_ERR_NOMEM = -1, HEDGE_ERR_INVALID_ARG = -2, HEDGE_ERR_DOMAIN = -3,
    HEDGE_ERR_PRICE_BOUNDS = -4, HEDGE_ERR_NOT_CONVERGED = -5, HEDGE_ERR_NOT_FOUND = -6,
    HEDGE_ERR_EXISTS = -7, HEDGE_ERR_STALE = -8, HEDGE_ERR_EXPIRED = -9, HEDGE_ERR_PARSE = -10,
    HEDGE_ERR_IO = -11, HEDGE_ERR_UNSUPPORTED = -12, HEDGE_ERR_BUFFER_TOO_SMALL = -13,
    HEDGE_ERR_CANCELLED = -14, HEDGE_ERR_STATE = -15, HEDGE_ERR_TOO_LARGE = -16,
    HEDGE_ERR_BACKEND = -17, HEDGE_ERR_INTERNAL = -18
} hedge_status;
const char *hedge_status_str(hedge_status status);
const char *hedge_status_name(hedge_status status);
const char *hedge_error_message(void);
hedge_status hedge_error_status(void);
void hedge_error_clear(void);

/* version.h */
unsigned hedge_version_number(void);
const char *hedge_version_string(void);
uint64_t hedge_capabilities(void);
const char *hedge_capability_name(uint64_t capability);

/* context.h */
typedef struct hedge_context hedge_context;
typedef void *(*hedge_alloc_fn)(void *user, size_t size, size_t align);
typedef void *(*hedge_realloc_fn)(void *user, void *ptr, size_t old_size, size_t new_size, size_t align);
typedef void (*hedge_free_fn)(void *user, void *ptr, size_t size, size_t align);
typedef enum hedge_log_level {
    HEDGE_LOG_DEBUG = 0, HEDGE_LOG_INFO = 1, HEDGE_LOG_WARN = 2, HEDGE_LOG_ERROR = 3, HEDGE_LOG_NONE = 4
} hedge_log_level;
typedef void (*hedge_log_fn)(void *user, hedge_log_level level, const char *message);
typedef struct hedge_context_options {
    size_t struct_size;
    hedge_alloc_fn alloc;
    hedge_realloc_fn realloc;
    hedge_free_fn free;
    void *alloc_user;
    hedge_log_fn log;
    void *log_user;
    hedge_log_level log_level;
} hedge_context_options;
void hedge_context_options_init(hedge_context_options *options);
hedge_status hedge_context_create(hedge_context **out, const hedge_context_options *options);
void hedge_context_destroy(hedge_context *ctx);
void hedge_context_log(const hedge_context *ctx, hedge_log_level level, const char *message);

/* types.h */
typedef enum hedge_option_type { HEDGE_PUT = -1, HEDGE_CALL = 1 } hedge_option_type;
typedef enum hedge_settlement { HEDGE_SETTLE_LINEAR = 0, HEDGE_SETTLE_INVERSE = 1 } hedge_settlement;

/* pricing.h */
typedef struct hedge_greeks {
    size_t struct_size;
    double price, delta, gamma, vega, theta, rho, carry_rho, vanna, volga, charm, veta, speed, zomma,
           color, dual_delta, dual_gamma;
} hedge_greeks;
hedge_status hedge_bsm_price(double *price, hedge_option_type type, double S, double K, double T, double r,
                             double q, double sigma);
hedge_status hedge_bsm_greeks(hedge_greeks *greeks, hedge_option_type type, double S, double K, double T,
                              double r, double q, double sigma);
hedge_status hedge_black76_price(double *price, hedge_option_type type, double F, double K, double T, double r,
                                 double sigma);
hedge_status hedge_black76_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K, double T,
                                  double r, double sigma);
hedge_status hedge_greeks_to_market_units(hedge_greeks *greeks, double days_per_year);
hedge_status hedge_inverse_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K, double T,
                                  double r_coin, double sigma);
hedge_status hedge_inverse_delta_premium_adjusted(double *delta, hedge_option_type type, double F, double K,
                                                  double T, double r_coin, double sigma);
typedef struct hedge_future_risk {
    size_t struct_size;
    double value, delta_contracts, delta_coin, delta_usd, coin_per_contract;
} hedge_future_risk;
hedge_status hedge_future_risk_eval(hedge_future_risk *risk, hedge_settlement settlement, double multiplier,
                                    double quantity, double entry, double mark);
hedge_status hedge_perpetual_funding(double *carry, hedge_settlement settlement, double multiplier,
                                     double quantity, double mark, double funding_rate, double interval_hours,
                                     double horizon_hours);
typedef struct hedge_greeks_arrays {
    size_t struct_size;
    double *price, *delta, *gamma, *vega, *theta, *rho;
    hedge_status *status;
} hedge_greeks_arrays;
hedge_status hedge_bsm_greeks_batch(size_t n, const int32_t *type, const double *S, const double *K,
                                    const double *T, const double *r, const double *q, const double *sigma,
                                    const hedge_greeks_arrays *out);
hedge_status hedge_black76_greeks_batch(size_t n, const int32_t *type, const double *F, const double *K,
                                        const double *T, const double *r, const double *sigma,
                                        const hedge_greeks_arrays *out);

/* implied_vol.h */
hedge_status hedge_implied_vol_black76(double *sigma, hedge_option_type type, double price, double F, double K,
                                       double T, double r);
hedge_status hedge_implied_vol_bsm(double *sigma, hedge_option_type type, double price, double S, double K,
                                   double T, double r, double q);
hedge_status hedge_implied_vol_inverse(double *sigma, hedge_option_type type, double price_coin, double F,
                                       double K, double T, double r_coin);
hedge_status hedge_implied_vol_black76_batch(size_t n, const int32_t *type, const double *price, const double *F,
                                             const double *K, const double *T, const double *r, double *sigma,
                                             hedge_status *status);
hedge_status hedge_implied_vol_bsm_batch(size_t n, const int32_t *type, const double *price, const double *S,
                                         const double *K, const double *T, const double *r, const double *q,
                                         double *sigma, hedge_status *status);

/* instrument.h */
typedef struct hedge_instrument hedge_instrument;
typedef enum hedge_instrument_kind {
    HEDGE_INSTRUMENT_SPOT = 1, HEDGE_INSTRUMENT_FUTURE = 2, HEDGE_INSTRUMENT_PERPETUAL = 3, HEDGE_INSTRUMENT_OPTION = 4
} hedge_instrument_kind;
typedef struct hedge_instrument_spec {
    size_t struct_size;
    hedge_instrument_kind kind;
    const char *symbol;
    const char *underlying;
    const char *venue;
    hedge_settlement settlement;
    double multiplier;
    hedge_option_type option_type;
    double strike;
    int64_t expiry_ms;
    double funding_interval_s;
} hedge_instrument_spec;
void hedge_instrument_spec_init(hedge_instrument_spec *spec);
hedge_status hedge_instrument_create(hedge_instrument **out, hedge_context *ctx, const hedge_instrument_spec *spec);
hedge_instrument *hedge_instrument_ref(const hedge_instrument *instrument);
void hedge_instrument_destroy(hedge_instrument *instrument);
hedge_status hedge_instrument_info(hedge_instrument_spec *spec, const hedge_instrument *instrument);
hedge_status hedge_instrument_time_to_expiry(double *years, const hedge_instrument *instrument, int64_t now_ms);

/* snapshot.h */
typedef struct hedge_snapshot hedge_snapshot;
typedef struct hedge_snapshot_builder hedge_snapshot_builder;
typedef struct hedge_snapshot_options {
    size_t struct_size;
    int64_t default_max_age_ms;
    double source_max_deviation;
    uint32_t source_min_count;
} hedge_snapshot_options;
void hedge_snapshot_options_init(hedge_snapshot_options *options);
typedef struct hedge_depth_level { double price; double size; } hedge_depth_level;
typedef struct hedge_quote {
    size_t struct_size;
    const char *symbol;
    const char *venue;
    double bid, ask, bid_size, ask_size;
    const hedge_depth_level *bids;
    size_t n_bids;
    const hedge_depth_level *asks;
    size_t n_asks;
    int64_t timestamp_ms;
    int64_t max_age_ms;
} hedge_quote;
typedef enum hedge_source_verdict {
    HEDGE_SOURCE_ACCEPTED = 0, HEDGE_SOURCE_STALE = 1, HEDGE_SOURCE_OUTLIER = 2
} hedge_source_verdict;
typedef struct hedge_source_report {
    const char *source;
    double price;
    int64_t timestamp_ms;
    hedge_source_verdict verdict;
} hedge_source_report;
hedge_status hedge_snapshot_builder_create(hedge_snapshot_builder **out, hedge_context *ctx, int64_t valuation_ms,
                                           const hedge_snapshot_options *options);
void hedge_snapshot_builder_destroy(hedge_snapshot_builder *builder);
hedge_status hedge_snapshot_builder_set_spot(hedge_snapshot_builder *builder, const char *underlying, double spot,
                                             int64_t timestamp_ms, int64_t max_age_ms);
hedge_status hedge_snapshot_builder_add_source(hedge_snapshot_builder *builder, const char *underlying,
                                               const char *source, double price, int64_t timestamp_ms,
                                               int64_t max_age_ms);
hedge_status hedge_snapshot_builder_set_rate(hedge_snapshot_builder *builder, const char *underlying, double rate);
hedge_status hedge_snapshot_builder_add_forward(hedge_snapshot_builder *builder, const char *underlying,
                                                int64_t expiry_ms, double forward);
hedge_status hedge_snapshot_builder_set_funding(hedge_snapshot_builder *builder, const char *symbol, double rate,
                                                double predicted, int64_t timestamp_ms, int64_t max_age_ms);
hedge_status hedge_snapshot_builder_add_quote(hedge_snapshot_builder *builder, const hedge_quote *quote);
hedge_status hedge_snapshot_builder_finish(hedge_snapshot **out, hedge_snapshot_builder *builder);
hedge_snapshot *hedge_snapshot_ref(const hedge_snapshot *snapshot);
void hedge_snapshot_destroy(hedge_snapshot *snapshot);
int64_t hedge_snapshot_valuation_ms(const hedge_snapshot *snapshot);
hedge_status hedge_snapshot_spot(double *spot, const hedge_snapshot *snapshot, const char *underlying);
hedge_status hedge_snapshot_rate(double *rate, const hedge_snapshot *snapshot, const char *underlying);
hedge_status hedge_snapshot_forward(double *forward, const hedge_snapshot *snapshot, const char *underlying,
                                    int64_t expiry_ms);
hedge_status hedge_snapshot_funding(double *rate, double *predicted, const hedge_snapshot *snapshot,
                                    const char *symbol);
hedge_status hedge_snapshot_quote(hedge_quote *quote, const hedge_snapshot *snapshot, const char *symbol,
                                  const char *venue);
hedge_status hedge_snapshot_sources(hedge_source_report *reports, size_t capacity, size_t *count,
                                    const hedge_snapshot *snapshot, const char *underlying);

/* volsurface.h */
typedef struct hedge_vol_surface hedge_vol_surface;
typedef struct hedge_smile_data {
    int64_t expiry_ms;
    double forward;
    size_t n;
    const double *strikes;
    const double *vols;
    const double *weights;
} hedge_smile_data;
typedef struct hedge_svi_slice {
    int64_t expiry_ms;
    double T, forward, a, b, rho, m, sigma, rmse_vol;
} hedge_svi_slice;
typedef enum hedge_arbitrage_kind { HEDGE_ARBITRAGE_BUTTERFLY = 1, HEDGE_ARBITRAGE_CALENDAR = 2 } hedge_arbitrage_kind;
typedef struct hedge_arbitrage_report {
    hedge_arbitrage_kind kind;
    size_t slice;
    double worst_k;
    double worst_value;
    size_t points;
} hedge_arbitrage_report;
hedge_status hedge_vol_surface_fit(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                   const hedge_smile_data *smiles, size_t n_smiles);
typedef enum hedge_surface_weighting {
    HEDGE_SURFACE_WEIGHT_VEGA = 0, HEDGE_SURFACE_WEIGHT_INVERSE_SPREAD = 1, HEDGE_SURFACE_WEIGHT_EQUAL = 2
} hedge_surface_weighting;
typedef struct hedge_surface_fit_options {
    size_t struct_size;
    const char *venue;
    uint32_t flags;
    hedge_surface_weighting weighting;
    double atm_band;
} hedge_surface_fit_options;
void hedge_surface_fit_options_init(hedge_surface_fit_options *options);
typedef enum hedge_quote_verdict {
    HEDGE_QUOTE_USED = 0, HEDGE_QUOTE_MISSING = 1, HEDGE_QUOTE_STALE = 2, HEDGE_QUOTE_ONE_SIDED = 3,
    HEDGE_QUOTE_IN_THE_MONEY = 4, HEDGE_QUOTE_OUT_OF_BOUNDS = 5, HEDGE_QUOTE_EXPIRED = 6, HEDGE_QUOTE_THIN_EXPIRY = 7
} hedge_quote_verdict;
typedef struct hedge_surface_fit_expiry {
    int64_t expiry_ms;
    double forward;
    int fitted;
    size_t used, missing, stale, one_sided, in_the_money, out_of_bounds, thin;
    double rmse_vol;
    double max_error_vol;
} hedge_surface_fit_expiry;
typedef struct hedge_surface_fit_report {
    size_t struct_size;
    size_t expiry_struct_size;
    hedge_surface_fit_expiry *expiries;
    size_t expiry_capacity;
    size_t n_expiries, n_fitted, n_used, n_skipped;
    hedge_quote_verdict *verdicts;
} hedge_surface_fit_report;
hedge_status hedge_vol_surface_fit_quotes(hedge_vol_surface **out, hedge_context *ctx, const hedge_snapshot *snapshot,
                                          const hedge_instrument *const *options, size_t n_options,
                                          const hedge_surface_fit_options *opts, hedge_surface_fit_report *report);
hedge_status hedge_vol_surface_create(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                      const hedge_svi_slice *slices, size_t n_slices);
hedge_vol_surface *hedge_vol_surface_ref(const hedge_vol_surface *surface);
void hedge_vol_surface_destroy(hedge_vol_surface *surface);
size_t hedge_vol_surface_slice_count(const hedge_vol_surface *surface);
hedge_status hedge_vol_surface_slice(hedge_svi_slice *slice, const hedge_vol_surface *surface, size_t index);
hedge_status hedge_vol_surface_total_variance(double *w, const hedge_vol_surface *surface, double k, double T);
hedge_status hedge_vol_surface_vol(double *vol, const hedge_vol_surface *surface, double strike, double forward,
                                   int64_t expiry_ms);
hedge_status hedge_vol_surface_check(hedge_arbitrage_report *reports, size_t capacity, size_t *count,
                                     const hedge_vol_surface *surface, double k_min, double k_max,
                                     size_t grid_points);

/* market.h */
typedef struct hedge_market hedge_market;
hedge_status hedge_market_create(hedge_market **out, hedge_context *ctx, const hedge_snapshot *snapshot,
                                 const hedge_instrument *const *instruments, size_t n_instruments,
                                 const hedge_vol_surface *const *surfaces, const char *const *surface_underlyings,
                                 size_t n_surfaces);
hedge_status hedge_market_read_json(hedge_market **out, hedge_context *ctx, const char *text, size_t length,
                                    const char *name);
hedge_status hedge_market_load_json(hedge_market **out, hedge_context *ctx, const char *path);
hedge_status hedge_market_write_json(char *buffer, size_t capacity, size_t *length, const hedge_market *market);
hedge_market *hedge_market_ref(const hedge_market *market);
void hedge_market_destroy(hedge_market *market);
const hedge_snapshot *hedge_market_snapshot(const hedge_market *market);
size_t hedge_market_instrument_count(const hedge_market *market);
const hedge_instrument *hedge_market_instrument(const hedge_market *market, size_t index);
hedge_status hedge_market_find_instrument(const hedge_instrument **instrument, const hedge_market *market,
                                          const char *symbol);
hedge_status hedge_market_surface(const hedge_vol_surface **surface, const hedge_market *market,
                                  const char *underlying);

/* valuation.h */
typedef struct hedge_valuation {
    size_t struct_size;
    double value, value_usd, delta_coin, delta_usd, gamma_coin, vega_usd, theta_usd, vol, forward, spot,
           time_to_expiry;
} hedge_valuation;
hedge_status hedge_instrument_value(hedge_valuation *out, const hedge_instrument *instrument,
                                    const hedge_snapshot *snapshot, const hedge_vol_surface *surface);

/* portfolio.h */
typedef struct hedge_portfolio hedge_portfolio;
typedef struct hedge_position {
    size_t struct_size;
    const hedge_instrument *instrument;
    double quantity;
    double entry_price;
} hedge_position;
void hedge_position_clear(hedge_position *position);
hedge_status hedge_portfolio_create(hedge_portfolio **out, hedge_context *ctx);
void hedge_portfolio_destroy(hedge_portfolio *portfolio);
hedge_status hedge_portfolio_add(hedge_portfolio *portfolio, const hedge_position *position);
hedge_status hedge_portfolio_update(hedge_portfolio *portfolio, const char *symbol, double quantity,
                                    double entry_price);
hedge_status hedge_portfolio_remove(hedge_portfolio *portfolio, const char *symbol);
size_t hedge_portfolio_count(const hedge_portfolio *portfolio);
hedge_status hedge_portfolio_position(hedge_position *position, const hedge_portfolio *portfolio, size_t index);
hedge_status hedge_portfolio_find(hedge_position *position, const hedge_portfolio *portfolio, const char *symbol);
hedge_status hedge_portfolio_read_json(hedge_portfolio **out, hedge_context *ctx, const hedge_market *market,
                                       const char *text, size_t length, const char *name);
hedge_status hedge_portfolio_load_json(hedge_portfolio **out, hedge_context *ctx, const hedge_market *market,
                                       const char *path);
hedge_status hedge_portfolio_write_json(char *buffer, size_t capacity, size_t *length, const hedge_market *market,
                                        const hedge_portfolio *portfolio);

/* risk.h */
typedef struct hedge_risk hedge_risk;
typedef enum hedge_breakdown {
    HEDGE_BREAKDOWN_UNDERLYING = 0, HEDGE_BREAKDOWN_EXPIRY = 1, HEDGE_BREAKDOWN_VENUE = 2,
    HEDGE_BREAKDOWN_POSITION = 3, HEDGE_BREAKDOWN_TENOR = 4
} hedge_breakdown;
typedef struct hedge_risk_options {
    size_t struct_size;
    const char *beta_reference;
    const char *const *beta_underlyings;
    const double *betas;
    size_t n_betas;
    int per_position;
    const double *tenor_days;
    size_t n_tenors;
} hedge_risk_options;
typedef struct hedge_risk_row {
    size_t struct_size;
    const char *underlying;
    const char *venue;
    const char *symbol;
    int64_t expiry_ms;
    size_t positions;
    double quantity, spot, value_usd, delta_coin, delta_usd, gamma_coin, gamma_usd, vega_usd, theta_usd,
           beta_delta_usd, beta_delta_ref, tenor_days;
} hedge_risk_row;
hedge_status hedge_risk_compute(hedge_risk **out, hedge_context *ctx, const hedge_portfolio *portfolio,
                                const hedge_market *market, const hedge_risk_options *options);
void hedge_risk_destroy(hedge_risk *risk);
size_t hedge_risk_row_count(const hedge_risk *risk, hedge_breakdown by);
hedge_status hedge_risk_row_get(hedge_risk_row *row, const hedge_risk *risk, hedge_breakdown by, size_t index);
hedge_status hedge_risk_total(hedge_risk_row *row, const hedge_risk *risk);
typedef struct hedge_pnl_explain {
    size_t struct_size;
    double actual, delta, gamma, vega, theta, funding, residual;
} hedge_pnl_explain;
hedge_status hedge_pnl_explain_compute(hedge_pnl_explain *explain, const hedge_portfolio *portfolio,
                                       const hedge_market *before, const hedge_market *after,
                                       const char *underlying);
hedge_status hedge_aggregate_columns(size_t n, const uint32_t *bucket, const double *const *columns,
                                     size_t n_columns, double *sums, size_t n_buckets);

/* scenario.h */
typedef struct hedge_shift {
    const char *underlying;
    double spot, vol_rel, vol_abs;
} hedge_shift;
typedef struct hedge_scenario {
    const hedge_shift *shifts;
    size_t n_shifts;
    double days;
} hedge_scenario;
typedef struct hedge_scenario_options {
    size_t struct_size;
    unsigned threads;
} hedge_scenario_options;
typedef struct hedge_scenario_pnl hedge_scenario_pnl;
hedge_status hedge_scenarios_run(hedge_scenario_pnl **out, hedge_context *ctx, const hedge_portfolio *portfolio,
                                 const hedge_market *market, const hedge_scenario *scenarios, size_t n_scenarios,
                                 const hedge_scenario_options *options);
void hedge_scenario_pnl_destroy(hedge_scenario_pnl *pnl);
size_t hedge_scenario_pnl_positions(const hedge_scenario_pnl *pnl);
size_t hedge_scenario_pnl_scenarios(const hedge_scenario_pnl *pnl);
const double *hedge_scenario_pnl_matrix(const hedge_scenario_pnl *pnl);
const char *hedge_scenario_pnl_symbol(const hedge_scenario_pnl *pnl, size_t index);
hedge_status hedge_scenario_pnl_totals(double *totals, size_t n, const hedge_scenario_pnl *pnl);
hedge_status hedge_scenario_grid(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity, size_t *count,
                                 double spot_range, size_t spot_steps, const double *vol_moves, size_t n_vol_moves,
                                 double days);
hedge_status hedge_scenario_historical(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity,
                                       size_t *count, const char *const *underlyings, size_t n_underlyings,
                                       const double *prices, const double *vols, size_t n_obs, size_t horizon,
                                       double days);
hedge_status hedge_scenario_sample(hedge_scenario *scenarios, hedge_shift *shifts, size_t n,
                                   const char *const *underlyings, size_t n_underlyings, const double *vols,
                                   const double *correlation, double days, uint64_t seed, uint64_t k_begin,
                                   double *workspace, size_t workspace_len);
hedge_status hedge_scenario_var(double *var, double *es, const double *pnl, const double *probabilities, size_t n,
                                double level, double *workspace, size_t workspace_len);

/* margin.h */
typedef struct hedge_margin_options {
    size_t struct_size;
    double spot_range;
    size_t spot_steps;
    double vol_up, vol_down, delta_addon;
    unsigned threads;
} hedge_margin_options;
typedef struct hedge_margin_result {
    size_t struct_size;
    double margin, worst_loss, addon, worst_spot, worst_vol;
    size_t scenarios;
} hedge_margin_result;
hedge_status hedge_portfolio_margin(hedge_margin_result *result, hedge_context *ctx, const hedge_portfolio *portfolio,
                                    const hedge_market *market, const hedge_margin_options *options);
hedge_status hedge_liquidation_price(double *price, hedge_settlement settlement, double multiplier, double quantity,
                                     double entry, double collateral, double mmr);
typedef struct hedge_cross_position {
    hedge_settlement settlement;
    double multiplier, quantity, entry, mmr;
} hedge_cross_position;
hedge_status hedge_cross_liquidation_price(double *price, const hedge_cross_position *positions, size_t n,
                                           double collateral, double mark);

/* volatility.h */
typedef enum hedge_vol_estimator {
    HEDGE_VOL_CLOSE_TO_CLOSE = 0, HEDGE_VOL_PARKINSON = 1, HEDGE_VOL_GARMAN_KLASS = 2,
    HEDGE_VOL_ROGERS_SATCHELL = 3, HEDGE_VOL_YANG_ZHANG = 4
} hedge_vol_estimator;
hedge_status hedge_realized_vol(double *vol, hedge_vol_estimator est, const double *open, const double *high,
                                const double *low, const double *close, size_t n, double periods_per_year);
hedge_status hedge_ewma_vol(double *vol, double *series, const double *returns, size_t n, double lambda,
                            double initial_variance, double periods_per_year);
typedef struct hedge_garch {
    size_t struct_size;
    double omega, alpha, beta, mean, log_likelihood, next_variance, long_run_variance;
    size_t iterations, observations;
    int converged;
} hedge_garch;
typedef struct hedge_garch_options {
    size_t struct_size;
    double tolerance;
    size_t max_iter;
    int demean;
} hedge_garch_options;
void hedge_garch_options_init(hedge_garch_options *options);
hedge_status hedge_garch_fit(hedge_garch *model, const double *returns, size_t n, const hedge_garch_options *options);
hedge_status hedge_garch_forecast_variance(double *variance, const hedge_garch *model, size_t steps);
hedge_status hedge_garch_forecast_vol(double *vol, const hedge_garch *model, size_t horizon, double periods_per_year);
hedge_status hedge_garch_simulate(double *returns, double *variances, size_t n, const hedge_garch *model,
                                  double initial_variance, uint64_t seed, uint64_t stream);

/* optimize.h */
typedef struct hedge_qp hedge_qp;
typedef struct hedge_solver hedge_solver;
typedef enum hedge_qp_vector {
    HEDGE_QP_DIAGONAL = 0, HEDGE_QP_LINEAR = 1, HEDGE_QP_L1_WEIGHT = 2, HEDGE_QP_L1_TARGET = 3,
    HEDGE_QP_ROW_LO = 4, HEDGE_QP_ROW_HI = 5, HEDGE_QP_LB = 6, HEDGE_QP_UB = 7
} hedge_qp_vector;
typedef enum hedge_solve_status {
    HEDGE_SOLVE_OPTIMAL = 0, HEDGE_SOLVE_PRIMAL_INFEASIBLE = 1, HEDGE_SOLVE_DUAL_INFEASIBLE = 2,
    HEDGE_SOLVE_ITERATION_LIMIT = 3, HEDGE_SOLVE_TIME_LIMIT = 4
} hedge_solve_status;
typedef struct hedge_solver_options {
    size_t struct_size;
    double eps_abs, eps_rel;
    size_t max_iter;
    double time_limit_s;
    int polish;
    size_t max_nodes;
    double mip_gap;
} hedge_solver_options;
typedef struct hedge_solution {
    size_t struct_size;
    double *x, *y, *z;
    hedge_solve_status status;
    double objective, primal_residual, dual_residual;
    size_t iterations;
    double solve_time_s;
    size_t nodes;
} hedge_solution;
hedge_status hedge_qp_create(hedge_qp **out, hedge_context *ctx, size_t n, size_t k, size_t m);
void hedge_qp_destroy(hedge_qp *qp);
hedge_status hedge_qp_set(hedge_qp *qp, hedge_qp_vector which, const double *values);
hedge_status hedge_qp_set_factor(hedge_qp *qp, const double *F, size_t ld);
hedge_status hedge_qp_set_rows(hedge_qp *qp, const double *A, size_t ld);
hedge_status hedge_qp_set_integer(hedge_qp *qp, const unsigned char *is_integer);
hedge_status hedge_qp_size(const hedge_qp *qp, size_t *n, size_t *k, size_t *m);
const double *hedge_qp_vector_data(const hedge_qp *qp, hedge_qp_vector which);
const double *hedge_qp_matrix_data(const hedge_qp *qp, int factor);
const unsigned char *hedge_qp_integer_data(const hedge_qp *qp);
hedge_status hedge_solver_create(hedge_solver **out, hedge_context *ctx, const char *backend, const hedge_qp *qp,
                                 const hedge_solver_options *options);
void hedge_solver_destroy(hedge_solver *solver);
hedge_status hedge_solver_solve(hedge_solver *solver, hedge_solution *solution);
hedge_status hedge_solver_update(hedge_solver *solver, hedge_qp_vector which, const double *values);
hedge_status hedge_solver_warm_start(hedge_solver *solver, const double *x, const double *y);
const char *hedge_solver_backend(const hedge_solver *solver);
hedge_status hedge_backends(const hedge_context *ctx, const char **names, size_t capacity, size_t *count,
                            uint64_t *capabilities);
typedef enum hedge_backend_capability {
    HEDGE_BACKEND_CAP_QP = 1, HEDGE_BACKEND_CAP_L1 = 2, HEDGE_BACKEND_CAP_MIP = 4, HEDGE_BACKEND_CAP_WARM_START = 8,
    HEDGE_BACKEND_CAP_DUALS = 16, HEDGE_BACKEND_CAP_CERTIFICATES = 32
} hedge_backend_capability;

/* sys/backend.h */
typedef struct hedge_backend {
    uint32_t abi_version;
    size_t struct_size;
    const char *name;
    uint64_t capabilities;
    void *user;
    hedge_status (*setup)(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                          const hedge_solver_options *options);
    hedge_status (*solve)(void *state, hedge_solution *solution);
    hedge_status (*update)(void *state, hedge_qp_vector which, const double *values);
    hedge_status (*warm_start)(void *state, const double *x, const double *y);
    void (*destroy)(void *state);
} hedge_backend;
hedge_status hedge_context_register_backend(hedge_context *ctx, const hedge_backend *backend);
void *hedge_context_alloc(hedge_context *ctx, size_t size, size_t align);
void hedge_context_free(hedge_context *ctx, void *ptr, size_t size, size_t align);

/* hedging.h */
typedef struct hedge_problem hedge_problem;
typedef struct hedge_result hedge_result;
typedef struct hedge_candidate {
    size_t struct_size;
    const char *symbol;
    const char *venue;
    double taker_fee, maker_fee, fee_cap, fee_usd, fixed_cost, impact;
    int impact_from_book;
    double lot_size, min_size, min_trade, max_trade, min_position, max_position;
    int buy_only;
} hedge_candidate;
typedef enum hedge_greek {
    HEDGE_GREEK_DELTA_COIN = 0, HEDGE_GREEK_DELTA_USD = 1, HEDGE_GREEK_GAMMA_USD = 2, HEDGE_GREEK_VEGA_USD = 3,
    HEDGE_GREEK_THETA_USD = 4
} hedge_greek;
typedef struct hedge_greek_target {
    size_t struct_size;
    hedge_greek greek;
    const char *underlying;
    double min_days, max_days, lo, hi, target, weight;
} hedge_greek_target;
typedef struct hedge_objective {
    size_t struct_size;
    double risk_aversion;
    double horizon_days;
    const hedge_scenario *scenarios;
    size_t n_scenarios;
    size_t spot_points;
    size_t vol_points;
    double vol_of_vol;
    const hedge_position *benchmark;
    size_t n_benchmark;
    int passive;
    double var_confidence;
} hedge_objective;
typedef struct hedge_limits {
    size_t struct_size;
    double premium_budget;
    double collateral;
    const hedge_margin_options *margin;
    double depth_fraction;
    const char *const *venues;
    size_t n_venues;
    const char *const *cap_venues;
    const double *venue_caps;
    size_t n_venue_caps;
} hedge_limits;
hedge_status hedge_problem_create(hedge_problem **out, hedge_context *ctx);
void hedge_problem_destroy(hedge_problem *problem);
hedge_status hedge_problem_add_candidate(hedge_problem *problem, const hedge_candidate *candidate);
hedge_status hedge_problem_add_target(hedge_problem *problem, const hedge_greek_target *target);
hedge_status hedge_problem_set_objective(hedge_problem *problem, const hedge_objective *objective);
hedge_status hedge_problem_set_limits(hedge_problem *problem, const hedge_limits *limits);
hedge_status hedge_problem_read_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                     const char *text, size_t length, const char *name);
hedge_status hedge_problem_load_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                     const char *path);
typedef struct hedge_solve_options {
    size_t struct_size;
    const char *backend;
    const hedge_solver_options *solver;
    unsigned threads;
} hedge_solve_options;
hedge_status hedge_solve(hedge_result **out, hedge_context *ctx, const hedge_problem *problem,
                         const hedge_portfolio *book, const hedge_market *market, const hedge_solve_options *options);
void hedge_result_destroy(hedge_result *result);
typedef struct hedge_hedge_summary {
    size_t struct_size;
    hedge_solve_status status;
    double objective, cost_usd, fees_usd, spread_usd, impact_usd, funding_usd, fixed_usd, premium_usd;
    double std_before, std_after, var_before, var_after, cvar_before, cvar_after, margin_before, margin_after;
    size_t trades, scenarios, iterations;
    double solve_time_s;
    size_t nodes;
} hedge_hedge_summary;
hedge_status hedge_result_summary(hedge_hedge_summary *summary, const hedge_result *result);
typedef struct hedge_trade {
    size_t struct_size;
    const char *symbol;
    const char *venue;
    size_t candidate;
    double quantity, mid, notional_usd, fee_usd, spread_usd, impact_usd, funding_usd, fixed_usd;
} hedge_trade;
size_t hedge_result_trade_count(const hedge_result *result);
hedge_status hedge_result_trade(hedge_trade *trade, const hedge_result *result, size_t index);
size_t hedge_result_underlying_count(const hedge_result *result);
hedge_status hedge_result_greeks(hedge_risk_row *before, hedge_risk_row *after, const hedge_result *result,
                                 size_t index);
typedef enum hedge_limit_kind {
    HEDGE_LIMIT_GREEK = 0, HEDGE_LIMIT_BUDGET = 1, HEDGE_LIMIT_MARGIN = 2, HEDGE_LIMIT_VENUE_CAP = 3,
    HEDGE_LIMIT_POSITION = 4, HEDGE_LIMIT_TRADE = 5
} hedge_limit_kind;
typedef struct hedge_limit_report {
    size_t struct_size;
    hedge_limit_kind kind;
    size_t index;
    int upper;
    double bound;
    double shadow_price;
    const char *name;
} hedge_limit_report;
size_t hedge_result_limit_count(const hedge_result *result);
hedge_status hedge_result_limit(hedge_limit_report *report, const hedge_result *result, size_t index);
hedge_status hedge_result_write_json(char *buffer, size_t capacity, size_t *length, const hedge_result *result);

/* rebalance.h */
typedef enum hedge_rebalance_rule {
    HEDGE_REBALANCE_CALENDAR = 0, HEDGE_REBALANCE_DELTA_BAND = 1, HEDGE_REBALANCE_WHALLEY_WILMOTT = 2,
    HEDGE_REBALANCE_LELAND = 3, HEDGE_REBALANCE_COST_RISK = 4
} hedge_rebalance_rule;
typedef struct hedge_rebalance_policy {
    size_t struct_size;
    hedge_rebalance_rule rule;
    double interval_days;
    double band;
    double risk_aversion;
    double cost_rate;
    double fixed_cost;
    double horizon_days;
    int to_edge;
} hedge_rebalance_policy;
typedef struct hedge_rebalance_state {
    size_t struct_size;
    double delta;
    double gamma;
    double spot;
    double vol;
    double rate;
    double time_left;
    double days_since_last;
} hedge_rebalance_state;
typedef struct hedge_rebalance_decision {
    size_t struct_size;
    int trade;
    double target_delta;
    double band;
    double hedge_vol;
    double benefit_usd;
    double cost_usd;
} hedge_rebalance_decision;
hedge_status hedge_rebalance_decide(hedge_rebalance_decision *decision, const hedge_rebalance_policy *policy,
                                    const hedge_rebalance_state *state);
typedef struct hedge_rebalancer hedge_rebalancer;
hedge_status hedge_rebalancer_create(hedge_rebalancer **out, hedge_context *ctx, const hedge_problem *problem,
                                     const char *underlying, const hedge_rebalance_policy *policy);
void hedge_rebalancer_destroy(hedge_rebalancer *rebalancer);
hedge_status hedge_rebalancer_check(hedge_rebalance_decision *decision, hedge_result **orders,
                                    hedge_rebalancer *rebalancer, const hedge_portfolio *book,
                                    const hedge_market *market);

/* simulate.h */
typedef enum hedge_sim_model {
    HEDGE_SIM_GBM = 0, HEDGE_SIM_MERTON = 1, HEDGE_SIM_HESTON = 2, HEDGE_SIM_GARCH = 3, HEDGE_SIM_REPLAY = 4
} hedge_sim_model;
typedef struct hedge_sim_paths {
    size_t struct_size;
    hedge_sim_model model;
    double spot, drift, vol, jump_intensity, jump_mean, jump_std, kappa, theta, xi, rho, v0;
    double garch_omega, garch_alpha, garch_beta, garch_var0;
    const double *prices;
    size_t n_prices;
    int windows;
} hedge_sim_paths;
typedef struct hedge_sim_option {
    size_t struct_size;
    hedge_option_type type;
    double quantity, strike, expiry, rate, hedge_vol;
} hedge_sim_option;
typedef enum hedge_sim_instrument {
    HEDGE_SIM_SPOT = 0, HEDGE_SIM_PERPETUAL = 1, HEDGE_SIM_OPTION = 2
} hedge_sim_instrument;
typedef struct hedge_sim_hedge {
    size_t struct_size;
    hedge_sim_instrument instrument;
    double funding_rate;
    hedge_option_type option_type;
    double option_strike, option_expiry, cost_rate, fixed_cost;
    size_t latency_steps;
} hedge_sim_hedge;
typedef int (*hedge_sim_progress_fn)(void *payload, size_t done, size_t total);
typedef struct hedge_sim_options {
    size_t struct_size;
    size_t paths;
    size_t steps;
    uint64_t seed;
    unsigned threads;
    hedge_sim_progress_fn progress;
    void *payload;
} hedge_sim_options;
typedef struct hedge_sim_stats {
    size_t struct_size;
    size_t paths;
    double option_price, mean, std, var95, cvar95, var99, cvar99, worst, best, mean_cost, mean_funding,
           mean_trades, std_over_price;
} hedge_sim_stats;
hedge_status hedge_sim_run(hedge_sim_stats *stats, double *pnl, size_t n_pnl, hedge_context *ctx,
                           const hedge_sim_paths *paths, const hedge_sim_option *option, const hedge_sim_hedge *hedge,
                           const hedge_rebalance_policy *policy, const hedge_sim_options *options);
hedge_status hedge_sim_generate(double *prices, size_t capacity, const hedge_sim_paths *paths, double horizon,
                                size_t steps, uint64_t seed, size_t first_path, size_t n_paths);
typedef struct hedge_sim_config hedge_sim_config;
typedef struct hedge_sim_setup {
    size_t struct_size;
    const hedge_sim_paths *paths;
    const hedge_sim_option *option;
    const hedge_sim_hedge *hedge;
    const hedge_sim_options *options;
    size_t n_policies;
    const char *replay_csv;
    const char *replay_column;
} hedge_sim_setup;
hedge_status hedge_sim_config_read_json(hedge_sim_config **out, hedge_context *ctx, const char *text, size_t length,
                                        const char *name);
hedge_status hedge_sim_config_load_json(hedge_sim_config **out, hedge_context *ctx, const char *path);
void hedge_sim_config_destroy(hedge_sim_config *config);
hedge_status hedge_sim_config_setup(hedge_sim_setup *setup, const hedge_sim_config *config);
hedge_status hedge_sim_config_policy(hedge_rebalance_policy *policy, const char **name, const hedge_sim_config *config,
                                     size_t index);
"""

# Options structs are created with their struct_size set, as the C initialisers do.
SIZED_STRUCTS = (
    "hedge_context_options", "hedge_greeks", "hedge_future_risk", "hedge_greeks_arrays",
    "hedge_instrument_spec", "hedge_snapshot_options", "hedge_quote", "hedge_surface_fit_options",
    "hedge_surface_fit_report", "hedge_valuation", "hedge_position", "hedge_risk_options", "hedge_risk_row",
    "hedge_pnl_explain", "hedge_scenario_options", "hedge_margin_options", "hedge_margin_result",
    "hedge_solver_options", "hedge_solution", "hedge_candidate", "hedge_greek_target", "hedge_objective",
    "hedge_limits", "hedge_solve_options", "hedge_hedge_summary", "hedge_trade", "hedge_limit_report",
    "hedge_rebalance_policy", "hedge_rebalance_state", "hedge_rebalance_decision",
    "hedge_garch", "hedge_garch_options",
    "hedge_sim_paths", "hedge_sim_option", "hedge_sim_hedge", "hedge_sim_options", "hedge_sim_stats",
    "hedge_sim_setup",
)

ffi = cffi.FFI()
ffi.cdef(CDEF)

SONAME = "libhedge.so.1"
# bindings/python/libhedge/_ffi.py -> the top of the source tree
REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
# Only a checkout looks for a build of its own: an installed copy (python3-libhedge puts this file
# in /usr/lib/python3/dist-packages/libhedge) loads the system library by its SONAME.
IN_TREE = pathlib.Path(__file__).resolve().parent == REPO_ROOT / "bindings" / "python" / "libhedge"


def library_path():
    """The shared library to load: $HEDGE_LIBRARY, else (in a source checkout) its release build,
    else None: the installed libhedge.so.1, found by the dynamic loader."""
    env = os.environ.get("HEDGE_LIBRARY")
    if env:
        return env
    in_tree = REPO_ROOT / "build" / "release" / "lib" / SONAME
    if IN_TREE and in_tree.exists():
        return str(in_tree)
    return None


def _open():
    path = library_path()
    if path:
        return ffi.dlopen(path)
    # The versioned SONAME first: find_library may return the unversioned libhedge.so, which only
    # the -dev package ships and which may belong to another ABI; it is the fallback for odd prefixes.
    try:
        return ffi.dlopen(SONAME)
    except OSError:
        found = ctypes.util.find_library("hedge")
        if not found:
            raise
        return ffi.dlopen(found)


lib = _open()


def new(ctype):
    """A zeroed C struct whose struct_size is set, the equivalent of its HEDGE_*_INIT macro."""
    p = ffi.new(ctype + " *")
    p.struct_size = ffi.sizeof(ctype)
    return p
