#!/bin/sh
# The main job on the shipped sample, end to end: price, value, fit, aggregate risk, then hedge the book.
set -eu
build=${1:-build/release}
hedge=$build/tools/hedge
src=$(cd "$(dirname "$0")/.." && pwd)
"$hedge" version

# Price the sample BTC chain and show the main columns; the full CSV carries every Greek. Captured
# first rather than piped, so that a failing `hedge price` fails the job.
echo
echo "BTC options on the futures forward, Black-76 (hedge price --model black76 examples/btc-options.csv)"
priced=$("$hedge" price --model black76 "$src/examples/btc-options.csv")
printf '%s\n' "$priced" | awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
            printf "%-17s %9s %10s %8s %12s %10s %11s\n", "instrument", "F", "price USD", "delta", "gamma",
                   "vega/1.00", "theta/year"; next }
  { printf "%-17s %9.0f %10.2f %8.4f %12.4e %10.2f %11.2f\n", $col["id"], $col["F"], $col["price"],
           $col["delta"], $col["gamma"], $col["vega"], $col["theta"]; n++ }
  END { printf "%d options priced, every Greek in the CSV output\n", n }'

# Value every instrument of the sample market (BTC and ETH, two venues) off its snapshot and SVI
# surfaces; show the futures and perpetuals, and a count of the options.
echo
echo "Sample market valued off its snapshot and surfaces (hedge value examples/market.json)"
valued=$("$hedge" value "$src/examples/market.json")
printf '%s\n' "$valued" | awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
            printf "%-15s %-9s %-8s %12s %12s %14s %12s\n", "instrument", "kind", "settle", "forward",
                   "value USD", "coin delta", "theta USD/y"; next }
  $col["kind"] == "option" { opts[$col["underlying"]]++; next }
  { printf "%-15s %-9s %-8s %12.2f %12.4f %14.6g %12.4f\n", $col["symbol"], $col["kind"], $col["settlement"],
           $col["forward"], $col["value_usd"], $col["delta_coin"], $col["theta_usd"] }
  END { for (u in opts) printf "%s: %d options valued with every Greek in the CSV output\n", u, opts[u] }'
# Fit the sample market's BTC volatility surface straight from its option quotes (both venues, coin
# premiums), and show how well each expiry's smile fits them.
if "$hedge" version | grep -q json; then
  echo
  echo "BTC volatility surface fitted to the quotes of examples/market.json (hedge surface --underlying BTC)"
  "$hedge" surface --underlying BTC "$src/examples/market.json"
fi

# The sample book's risk: every position valued off the market and its Greeks aggregated.
echo
echo "Risk of the sample book (hedge risk examples/market.json)"
"$hedge" risk "$src/examples/market.json"

# The main job: the hedge of the sample book. The cheapest trades across both venues that bring
# BTC and ETH delta and short-dated BTC vega inside their bands, priced against the variance they
# remove, within depth, the premium budget, the margin collateral and okx's notional cap.
echo
echo "Hedge of the sample book (hedge solve examples/market.json)"
"$hedge" solve "$src/examples/market.json"
