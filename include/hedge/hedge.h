/**
 * @file hedge.h
 * @brief Umbrella header: includes every public libhedge header.
 *
 * @mainpage libhedge
 *
 * libhedge prices derivatives, aggregates a book's Greeks and computes the hedge trades that keep a
 * derivatives book inside its risk limits at the lowest cost. It is a C11 library with a stable ABI:
 * opaque handles, versioned options structs, status codes pinned forever.
 *
 * Start with @ref context, then the module you need. The contracts that hold everywhere are written
 * in docs/threading.md, docs/error-handling.md and docs/api-stability.md.
 *
 * @par Units, everywhere unless a function says otherwise
 * Times in years (ACT/365), rates and yields continuously compounded per year, volatilities as
 * decimals per square-root year (0.2 = 20%), vega per 1.00 of volatility, theta per year.
 */
#ifndef HEDGE_HEDGE_H
#define HEDGE_HEDGE_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/hedging.h>
#include <hedge/implied_vol.h>
#include <hedge/instrument.h>
#include <hedge/margin.h>
#include <hedge/market.h>
#include <hedge/optimize.h>
#include <hedge/portfolio.h>
#include <hedge/pricing.h>
#include <hedge/rebalance.h>
#include <hedge/risk.h>
#include <hedge/scenario.h>
#include <hedge/simulate.h>
#include <hedge/snapshot.h>
#include <hedge/status.h>
#include <hedge/types.h>
#include <hedge/valuation.h>
#include <hedge/version.h>
#include <hedge/volatility.h>
#include <hedge/volsurface.h>

#endif /* HEDGE_HEDGE_H */
