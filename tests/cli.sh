#!/bin/sh
# Usage: cli.sh HEDGE-PROGRAM SOURCE-DIR [glpk]
# The hedge program as a user runs it: commands, exit codes, CSV in and out. A third argument "glpk"
# says that the program was built with the glpk plugin.
set -eu
hedge=$1 src=$2 glpk=${3:-}
fail() { echo "FAIL: $*"; exit 1; }

"$hedge" version | grep -q '^libhedge [0-9]' || fail "hedge version prints no version"
# HEDGE_SIMD can only lower the SIMD level: portable must hide both SIMD capabilities
HEDGE_SIMD=portable "$hedge" version | grep -q simd && fail "HEDGE_SIMD=portable still reports SIMD"
if "$hedge" version | grep -q simd-avx512; then
  HEDGE_SIMD=avx2 "$hedge" version | grep -q simd-avx512 && fail "HEDGE_SIMD=avx2 still reports AVX-512"
  HEDGE_SIMD=avx2 "$hedge" version | grep -q simd-avx2 || fail "HEDGE_SIMD=avx2 lost AVX2"
fi
set +e
"$hedge" no-such-command 2>/dev/null; [ $? -eq 2 ] || fail "unknown command does not exit 2"
"$hedge" 2>/dev/null; [ $? -eq 2 ] || fail "no command does not exit 2"
set -e

# --- hedge price / hedge iv -------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# get FILE COLUMN ROW: a cell of a CSV output by column name (data rows from 1; no quoted commas)
get() { awk -F, -v name="$2" -v row="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                                         NR - 1 == row && c { print $c }' "$1"; }
# near A B TOL WHAT: |A - B| <= TOL, both numbers
near() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { num = "^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$"
    if (a !~ num || b !~ num) exit 1; d = a - b; if (d < 0) d = -d; exit !(d <= t) }' ||
    fail "$4: got '$1', want '$2' (tolerance $3)"
}
# run OUT ERR WANT-EXIT ARGS...: runs hedge ARGS, whose exit code must be WANT-EXIT
run() {
  out=$1 err=$2 want=$3; shift 3
  rc=0; "$hedge" "$@" >"$out" 2>"$err" || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$err"; fail "hedge $*: exit $rc, want $want"; }
}

# Textbook values (Haug, The Complete Guide to Option Pricing Formulas, 2nd ed.): BSM call 2.1334,
# Black-76 call 1.7011. The put rows are checked by parity against the calls with awk's own exp().
printf '%s\n' type,S,K,T,r,q,sigma call,60,65,0.25,0.08,0,0.30 put,60,65,0.25,0.08,0,0.30 \
  call,100,95,0.5,0.05,0.03,0.25 put,100,95,0.5,0.05,0.03,0.25 >"$tmp/bsm.csv"
run "$tmp/bsm.out" "$tmp/err" 0 price "$tmp/bsm.csv"
[ -s "$tmp/err" ] && fail "hedge price wrote to stderr on good input: $(cat "$tmp/err")"
head -n 1 "$tmp/bsm.out" | grep -qx 'type,S,K,T,r,q,sigma,price,delta,gamma,vega,theta,rho,carry_rho,vanna,volga,charm,veta,speed,zomma,color,dual_delta,dual_gamma,status' ||
  fail "hedge price header: $(head -n 1 "$tmp/bsm.out")"
[ "$(wc -l <"$tmp/bsm.out")" -eq 5 ] || fail "hedge price: not one output row per input row"
near "$(get "$tmp/bsm.out" price 1)" 2.1334 5e-5 "BSM call (Haug)"
for pair in "1 2 60 65 0.25 0.08 0" "3 4 100 95 0.5 0.05 0.03"; do
  set -- $pair
  c=$(get "$tmp/bsm.out" price "$1") p=$(get "$tmp/bsm.out" price "$2")
  fwd=$(awk -v S="$3" -v K="$4" -v T="$5" -v r="$6" -v q="$7" 'BEGIN { printf "%.17g", S * exp(-q * T) - K * exp(-r * T) }')
  near "$(awk -v c="$c" -v p="$p" 'BEGIN { printf "%.17g", c - p }')" "$fwd" 1e-12 "put-call parity, rows $1 and $2"
  dc=$(get "$tmp/bsm.out" delta "$1") dp=$(get "$tmp/bsm.out" delta "$2")
  near "$(awk -v a="$dc" -v b="$dp" 'BEGIN { printf "%.17g", a - b }')" \
       "$(awk -v q="$7" -v T="$5" 'BEGIN { printf "%.17g", exp(-q * T) }')" 1e-14 "delta parity, rows $1 and $2"
  near "$(get "$tmp/bsm.out" gamma "$1")" "$(get "$tmp/bsm.out" gamma "$2")" 1e-15 "call and put gamma, rows $1 and $2"
  [ "$(get "$tmp/bsm.out" status "$1")" = HEDGE_OK ] || fail "status of a good row is not HEDGE_OK"
done

# Black-76 from standard input, columns in another order and an extra column carried through.
printf '%s\n' sigma,r,T,K,F,type,note 0.28,0.10,0.75,19,19,call,atm 0.28,0.10,0.75,19,19,put,atm >"$tmp/b76.csv"
rc=0; "$hedge" price --model black76 <"$tmp/b76.csv" >"$tmp/b76.out" || rc=$?
[ "$rc" -eq 0 ] || fail "hedge price --model black76 from stdin: exit $rc"
near "$(get "$tmp/b76.out" price 1)" 1.7011 5e-5 "Black-76 call (Haug)"
near "$(get "$tmp/b76.out" price 2)" "$(get "$tmp/b76.out" price 1)" 1e-14 "Black-76 put = call at the money"
[ "$(get "$tmp/b76.out" note 2)" = atm ] || fail "extra column not carried through"

# Inverse options against Black-76 with r_coin = r: the value in coins is the Black-76 value over F,
# and the premium-adjusted delta is the Black-76 delta less that value.
printf '%s\n' type,F,K,T,r,r_coin,sigma call,97000,100000,0.1,0.02,0.02,0.55 put,97000,90000,0.1,0.02,0.02,0.6 >"$tmp/inv.csv"
run "$tmp/inv.out" "$tmp/err" 0 price --model inverse "$tmp/inv.csv"
run "$tmp/inv76.out" "$tmp/err" 0 price --model=black76 "$tmp/inv.csv"
for i in 1 2; do
  b=$(get "$tmp/inv76.out" price $i) d=$(get "$tmp/inv76.out" delta $i) vc=$(get "$tmp/inv.out" price $i)
  near "$vc" "$(awk -v b="$b" 'BEGIN { printf "%.17g", b / 97000 }')" 1e-15 "inverse price in coins, row $i"
  near "$(get "$tmp/inv.out" delta_premium_adjusted $i)" \
       "$(awk -v d="$d" -v v="$vc" 'BEGIN { printf "%.17g", d - v }')" 1e-14 "premium-adjusted delta, row $i"
done

# Bad rows in the middle: each reported at its line, its status in the row, the other rows still priced.
printf '%s\n' type,S,K,T,r,q,sigma call,60,65,0.25,0.08,0,0.30 \
  '# a comment, so that line numbers differ from row numbers' call,60,65,0.25,0.08,0,-0.30 \
  put,60,sixty-five,0.25,0.08,0,0.30 put,60,65,0.25 put,60,65,0.25,0.08,0,0.30 >"$tmp/bad.csv"
run "$tmp/bad.out" "$tmp/err" 1 price "$tmp/bad.csv"
grep -q "^hedge: $tmp/bad.csv:4: .*volatility" "$tmp/err" || fail "no library message for line 4: $(cat "$tmp/err")"
grep -q "^hedge: $tmp/bad.csv:5: .*'K'" "$tmp/err" || fail "no message for the unparsable K on line 5"
grep -q "^hedge: $tmp/bad.csv:6: " "$tmp/err" || fail "no message for the short line 6"
[ "$(wc -l <"$tmp/err")" -eq 3 ] || fail "expected 3 messages: $(cat "$tmp/err")"
[ "$(get "$tmp/bad.out" status 2)" = HEDGE_ERR_DOMAIN ] || fail "negative sigma: status $(get "$tmp/bad.out" status 2)"
[ "$(get "$tmp/bad.out" status 3)" = HEDGE_ERR_PARSE ] || fail "bad number: status $(get "$tmp/bad.out" status 3)"
[ "$(get "$tmp/bad.out" status 4)" = HEDGE_ERR_PARSE ] || fail "short row: status $(get "$tmp/bad.out" status 4)"
[ -z "$(get "$tmp/bad.out" price 2)$(get "$tmp/bad.out" dual_gamma 2)" ] || fail "a bad row has Greeks"
near "$(get "$tmp/bad.out" price 1)" "$(get "$tmp/bsm.out" price 1)" 0 "the row before a bad one"
near "$(get "$tmp/bad.out" price 5)" "$(get "$tmp/bsm.out" price 2)" 0 "the row after a bad one"
awk -F, 'NF != 24 { exit 1 }' "$tmp/bad.out" || fail "output rows do not all have the header's width"

# Quoting, comments, blank lines and CRLF.
printf '# exported by a spreadsheet\r\nid,type,S,K,T,r,q,sigma\r\n\r\n"ACME, ""Jun"" 65 C",call,"60",65,0.25,0.08,0,0.30\r\n# done\r\n' >"$tmp/quoted.csv"
run "$tmp/quoted.out" "$tmp/err" 0 price "$tmp/quoted.csv"
[ "$(wc -l <"$tmp/quoted.out")" -eq 2 ] || fail "comments or blank lines became rows: $(cat "$tmp/quoted.out")"
grep -q '^"ACME, ""Jun"" 65 C",call,60,65,0.25,0.08,0,0.30,2.133' "$tmp/quoted.out" || fail "quoted fields: $(cat "$tmp/quoted.out")"
grep -q "$(printf '\r')" "$tmp/quoted.out" && fail "a carriage return went through to the output"

# hedge iv inverts hedge price: the output of one is the input of the other.
run "$tmp/iv.out" "$tmp/err" 0 iv "$tmp/bsm.out"
run "$tmp/b76iv.out" "$tmp/err" 0 iv --model black76 "$tmp/b76.out"
run "$tmp/inviv.out" "$tmp/err" 0 iv --model inverse "$tmp/inv.out"
for f in iv b76iv inviv; do
  n=$(($(wc -l <"$tmp/$f.out") - 1))
  [ "$n" -ge 2 ] || fail "hedge iv wrote $n rows"
  for i in $(seq "$n"); do
    near "$(get "$tmp/$f.out" iv "$i")" "$(get "$tmp/$f.out" sigma "$i")" 1e-12 "implied vol, $f row $i"
  done
  [ "$(head -n 1 "$tmp/$f.out" | tr ',' '\n' | grep -c '^status$')" -eq 1 ] || fail "hedge iv duplicated the status column"
done
# No volatility gives a price below intrinsic value (65 e^{-0.02} - 60 = 3.71 for this put).
printf '%s\n' type,S,K,T,r,q,price call,60,65,0.25,0.08,0,2.1 put,60,65,0.25,0.08,0,3.0 >"$tmp/below.csv"
run "$tmp/below.out" "$tmp/err" 1 iv "$tmp/below.csv"
[ "$(get "$tmp/below.out" status 2)" = HEDGE_ERR_PRICE_BOUNDS ] || fail "price below intrinsic: status $(get "$tmp/below.out" status 2)"
[ -z "$(get "$tmp/below.out" iv 2)" ] || fail "price below intrinsic has an iv"
grep -q "^hedge: $tmp/below.csv:3: " "$tmp/err" || fail "price below intrinsic not reported at line 3"
near "$(get "$tmp/below.out" iv 1)" 0.3 2e-2 "iv of the Haug call priced at 2.1"

# Usage errors exit 2; --help exits 0.
for cmd in price iv; do
  run "$tmp/help" "$tmp/err" 0 "$cmd" --help
  grep -q "^usage: hedge $cmd" "$tmp/help" || fail "hedge $cmd --help"
  run /dev/null "$tmp/err" 2 "$cmd" --model heston
  run /dev/null "$tmp/err" 2 "$cmd" --frobnicate
  run /dev/null "$tmp/err" 2 "$cmd" "$tmp/no-such-file.csv"
done
run /dev/null "$tmp/err" 2 price --model black76 "$tmp/bsm.csv"
grep -q "no column 'F'" "$tmp/err" || fail "missing column not named: $(cat "$tmp/err")"
: >"$tmp/empty.csv"
run /dev/null "$tmp/err" 2 price "$tmp/empty.csv"
# hedge value: every instrument of the sample market off its snapshot and surfaces. Option rows are
# repriced independently with `hedge price --model black76` on the forward, rate, expiry and vol the
# valuation reports: value_usd is the Black-76 price, and an inverse option's coin value is that over
# the spot.
run "$tmp/value.out" "$tmp/err" 0 value "$src/examples/market.json"
rows=$(($(wc -l <"$tmp/value.out") - 1))
[ "$rows" -ge 800 ] || fail "hedge value wrote $rows rows"
[ "$(grep -c ',HEDGE_OK$' "$tmp/value.out")" -eq "$rows" ] || fail "hedge value: not every row OK"
awk -F, 'NR == 1 || ($2 == "option" && NR % 97 == 0)' "$tmp/value.out" >"$tmp/value.sample"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "type,F,K,T,r,sigma"; next }
         { print $c["type"] "," $c["forward"] "," $c["strike"] "," $c["T"] "," $c["rate"] "," $c["vol"] }' \
  "$tmp/value.sample" >"$tmp/value.b76"
run "$tmp/value.b76.out" "$tmp/err" 0 price --model black76 "$tmp/value.b76"
n=$(($(wc -l <"$tmp/value.sample") - 1))
[ "$n" -ge 5 ] || fail "too few option rows sampled ($n)"
for i in $(seq "$n"); do
  p=$(get "$tmp/value.b76.out" price "$i") m=$(get "$tmp/value.sample" multiplier "$i")
  usd=$(get "$tmp/value.sample" value_usd "$i")
  near "$usd" "$(awk -v p="$p" -v m="$m" 'BEGIN { printf "%.17g", p * m }')" "$(awk -v u="$usd" 'BEGIN { printf "%.17g", 1e-12 * (u < 0 ? -u : u) + 1e-12 }')" "value_usd of sampled option $i"
  if [ "$(get "$tmp/value.sample" settlement "$i")" = inverse ]; then
    coin=$(awk -v u="$usd" -v s="$(get "$tmp/value.sample" spot "$i")" 'BEGIN { printf "%.17g", u / s }')
    near "$(get "$tmp/value.sample" value "$i")" "$coin" 1e-15 "coin value of sampled option $i"
  fi
done
run "$tmp/help" "$tmp/err" 0 value --help
run /dev/null "$tmp/err" 2 value "$tmp/no-such-file.json"
# --- hedge surface ----------------------------------------------------------------------------------
# The sample market's quotes are priced from SVI smiles with an ATM vol of 52% (BTC) at the first
# expiry: every expiry must fit, and the fitted ATM vol must come back within a point.
if "$hedge" version | grep -q json; then
  run "$tmp/surface.out" "$tmp/err" 0 surface --underlying BTC "$src/examples/market.json"
  grep -q '^BTC: 420 options, .* 5 of 5 expiries fitted$' "$tmp/surface.out" || fail "hedge surface: $(cat "$tmp/surface.out")"
  atm=$(awk '$1 == "2026-11-27" { sub("%", "", $13); print $13 }' "$tmp/surface.out")
  near "$atm" 52 1 "hedge surface: ATM vol of the first BTC expiry"
  run /dev/null "$tmp/err" 2 surface --no-such-flag "$src/examples/market.json"
  run /dev/null "$tmp/err" 2 surface "$tmp/no-such-file.json"
fi
# --- hedge risk --------------------------------------------------------------------------------------
# The sample book's risk as JSON: the total is the sum of the position rows, and the perpetual's row is
# its quantity (450,000 contracts, from the file) times the per-contract figures of hedge value.
run "$tmp/risk.json" "$tmp/err" 0 risk --json "$src/examples/market.json"
/usr/bin/python3 - "$tmp/risk.json" "$tmp/value.out" <<'PY' || fail "hedge risk --json: totals or perpetual row wrong"
import csv, json, sys
r = json.load(open(sys.argv[1]))
pos = r["positions"]
assert len(pos) == 8, len(pos)
for k in ("delta_usd", "vega_usd", "theta_usd", "value_usd", "gamma_usd"):
    s = sum(p[k] for p in pos)
    scale = sum(abs(p[k]) for p in pos) or 1.0
    assert abs(r["total"][k] - s) <= 1e-12 * scale, (k, r["total"][k], s)
perp = next(p for p in pos if p["symbol"] == "BTC-PERPETUAL")
row = next(v for v in csv.DictReader(open(sys.argv[2])) if v["symbol"] == "BTC-PERPETUAL")
assert perp["quantity"] == 450000
for k in ("delta_coin", "delta_usd", "value_usd", "theta_usd"):
    want = 450000 * float(row[k])
    assert abs(perp[k] - want) <= 1e-12 * abs(want), (k, perp[k], want)
PY
run "$tmp/risk.txt" "$tmp/err" 0 risk "$src/examples/market.json"
grep -q "whole book" "$tmp/risk.txt" || fail "hedge risk table has no whole-book row"
run /dev/null "$tmp/err" 2 risk
run /dev/null "$tmp/err" 2 risk "$tmp/no-such-file.json"
# --- hedge solve -------------------------------------------------------------------------------------
# The sample's hedge: optimal; every band of its hedge section holds after the trades; the Greeks after
# are the Greeks before plus each trade times the per-contract Greeks of hedge value (an independent
# path through valuation.h); costs add up; the budget, depth share and okx cap hold.
run "$tmp/solve.json" "$tmp/err" 0 solve --json "$src/examples/market.json"
/usr/bin/python3 - "$tmp/solve.json" "$tmp/value.out" "$src/examples/market.json" <<'PY' || fail "hedge solve --json: answer breaks its limits"
import csv, json, sys
r = json.load(open(sys.argv[1]))
per = {v["symbol"]: v for v in csv.DictReader(open(sys.argv[2]))}
doc = json.load(open(sys.argv[3]))
h = doc["hedge"]
assert r["status"] == "optimal", r["status"]
assert r["trades"], "no trades"
greeks = {g["underlying"]: g for g in r["greeks"]}
for u in ("BTC", "ETH"):
    want = greeks[u]["before"]["delta_coin"] + sum(t["quantity"] * float(per[t["symbol"]]["delta_coin"])
                                                   for t in r["trades"] if per[t["symbol"]]["underlying"] == u)
    got = greeks[u]["after"]["delta_coin"]
    assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (u, got, want)
for t in h["targets"]:
    if "min" in t and t["greek"] == "delta_coin":
        d = greeks[t["underlying"]]["after"]["delta_coin"]
        assert t["min"] - 1e-6 <= d <= t["max"] + 1e-6, (t, d)
s = r["summary"]
parts = sum(s[k] for k in ("fees_usd", "spread_usd", "impact_usd", "funding_usd", "fixed_usd"))
assert abs(s["cost_usd"] - parts) <= 1e-9 * abs(parts), (s["cost_usd"], parts)
assert abs(sum(t["fee_usd"] for t in r["trades"]) - s["fees_usd"]) <= 1e-9 * s["fees_usd"]
assert s["premium_usd"] <= h["limits"]["premium_budget"] * (1 + 1e-7), s["premium_usd"]
okx = sum(t["notional_usd"] for t in r["trades"] if t["venue"] == "okx")
assert okx <= h["limits"]["venue_caps"]["okx"] * (1 + 1e-7), okx
assert s["std_after"] < s["std_before"] and s["margin_after"] <= h["limits"]["collateral"] * (1 + 1e-7)
for t in r["trades"]:
    q = next(x for x in doc["market"]["quotes"] if x["symbol"] == t["symbol"] and x["venue"] == t["venue"])
    side = q.get("asks" if t["quantity"] > 0 else "bids")
    depth = sum(n for _, n in side) if side else q["ask_size" if t["quantity"] > 0 else "bid_size"]
    assert abs(t["quantity"]) <= h["limits"]["depth_fraction"] * depth * (1 + 1e-9), (t, depth)
PY
run "$tmp/solve.txt" "$tmp/err" 0 solve "$src/examples/market.json"
grep -q "^outcome: optimal" "$tmp/solve.txt" || fail "hedge solve table has no outcome"
grep -q "binding limits" "$tmp/solve.txt" || fail "hedge solve table lists no binding limits"
# With a thousandth of the depth the bands cannot be met: exit 1, the conflicting limits named.
/usr/bin/python3 - "$src/examples/market.json" "$tmp/tight.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["hedge"]["limits"]["depth_fraction"] = 0.001
json.dump(d, open(sys.argv[2], "w"))
PY
run "$tmp/tight.txt" "$tmp/err" 1 solve "$tmp/tight.json"
grep -q "conflicting limits" "$tmp/tight.txt" || fail "hedge solve lists no conflicting limits"
grep -q "delta_coin" "$tmp/tight.txt" || fail "hedge solve does not name the delta band among the conflicts"
run /dev/null "$tmp/err" 2 solve
run /dev/null "$tmp/err" 2 solve "$tmp/no-such-file.json"
run /dev/null "$tmp/err" 2 solve --backend no-such-backend "$src/examples/market.json"
grep -q "no-such-backend" "$tmp/err" || fail "hedge solve does not name the missing backend"
# --backend glpk: the plugin, registered by the program when it was built with it. The sample's hedge
# has risk aversion, a soft target and impact, which glpk refuses; without them it is an LP, on
# which glpk must find admm's optimum (it stopped at a vertex 85% dearer once: GLPK's scaling).
/usr/bin/python3 - "$src/examples/market.json" "$tmp/linear.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = d["hedge"]
h["objective"]["risk_aversion"] = 0
h["targets"] = [t for t in h["targets"] if not t.get("weight")]
for c in h["candidates"]:
    c["impact"] = 0
    c["impact_from_book"] = False
json.dump(d, open(sys.argv[2], "w"))
PY
"$hedge" solve --help | grep -q "glpk solves linear and" || fail "hedge solve --help does not explain glpk"
if [ "$glpk" = glpk ]; then
  run /dev/null "$tmp/err" 2 solve --backend glpk "$src/examples/market.json"
  grep -q "does not handle quadratic terms" "$tmp/err" || fail "hedge solve --backend glpk does not refuse a QP"
  run "$tmp/linear-admm.json" "$tmp/err" 0 solve --json "$tmp/linear.json"
  run "$tmp/linear-glpk.json" "$tmp/err" 0 solve --json --backend glpk "$tmp/linear.json"
  /usr/bin/python3 - "$tmp/linear-admm.json" "$tmp/linear-glpk.json" <<'PY' || fail "hedge solve --backend glpk: not admm's optimum"
import json, sys
a, g = (json.load(open(f)) for f in sys.argv[1:3])
assert a["status"] == g["status"] == "optimal", (a["status"], g["status"])
ca, cg = a["summary"]["cost_usd"], g["summary"]["cost_usd"]
assert abs(ca - cg) <= 1e-6 * abs(ca), (ca, cg)
PY
  run "$tmp/linear.txt" "$tmp/err" 0 solve --backend glpk "$tmp/linear.json"
  grep -q "^outcome: optimal" "$tmp/linear.txt" || fail "hedge solve --backend glpk table has no outcome"
else
  run /dev/null "$tmp/err" 2 solve --backend glpk "$tmp/linear.json"
  grep -q "no backend named glpk" "$tmp/err" || fail "hedge solve without the plugin does not say glpk is missing"
fi
# --- hedge simulate ----------------------------------------------------------------------------------
# The BTC example with fewer paths: JSON that parses, finite numbers, std/price falling from weekly to
# daily to hourly rebalancing (Hull's measure), the --csv paths matching the JSON's statistics, and the
# same output on 1 and 2 threads.
if "$hedge" version | grep -q json; then
  run "$tmp/sim.json" "$tmp/err" 0 simulate --json --paths 400 --threads 1 --csv "$tmp/sim.csv" "$src/examples/simulate.json"
  [ -s "$tmp/err" ] && fail "hedge simulate wrote to stderr (not a terminal): $(cat "$tmp/err")"
  /usr/bin/python3 - "$tmp/sim.json" "$tmp/sim.csv" <<'PY' || fail "hedge simulate --json: wrong output"
import csv, json, math, statistics, sys
r = json.load(open(sys.argv[1]))
assert r["paths"] == 400 and r["steps"] == 720 and r["model"] == "gbm" and r["instrument"] == "perpetual", r
pol = {p["name"]: p for p in r["policies"]}
assert list(pol) == ["weekly", "daily", "hourly", "band 0.5 BTC", "whalley-wilmott", "leland daily"], list(pol)
for p in r["policies"]:
    for k, v in p.items():
        assert k in ("name", "rule") or (isinstance(v, (int, float)) and math.isfinite(v)), (p["name"], k, v)
    assert p["cvar95"] >= p["var95"] and p["cvar99"] >= p["var99"] >= p["var95"] and -p["worst"] >= p["cvar99"], p
    assert p["mean_cost"] > 0 and p["mean_funding"] < 0 and p["mean_trades"] >= 1, p
assert pol["weekly"]["std_over_price"] > pol["daily"]["std_over_price"] > pol["hourly"]["std_over_price"], pol
assert pol["hourly"]["mean_cost"] > pol["daily"]["mean_cost"] > pol["weekly"]["mean_cost"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 400 and rows[0]["path"] == "0"
for name, p in pol.items():
    x = [float(row[name]) for row in rows]
    assert abs(statistics.fmean(x) - p["mean"]) <= 1e-9 * abs(p["std"]), name
    assert abs(statistics.stdev(x) - p["std"]) <= 1e-9 * p["std"], name
    assert min(x) == p["worst"], name
PY
  run "$tmp/sim2.json" "$tmp/err" 0 simulate --json --paths 400 --threads 2 "$src/examples/simulate.json"
  cmp -s "$tmp/sim.json" "$tmp/sim2.json" || fail "hedge simulate: 1 and 2 threads differ"
  run "$tmp/sim3.json" "$tmp/err" 0 simulate --json --paths 400 --seed 2 "$src/examples/simulate.json"
  cmp -s "$tmp/sim.json" "$tmp/sim3.json" && fail "hedge simulate: another seed gives the same output"
  run "$tmp/sim.txt" "$tmp/err" 0 simulate --paths 200 "$src/examples/simulate.json"
  grep -q "^whalley-wilmott " "$tmp/sim.txt" || fail "hedge simulate table: $(cat "$tmp/sim.txt")"
  # a replay of a CSV series next to the config, in overlapping windows
  awk 'BEGIN { print "time,close"; p = 100; for (i = 0; i < 60; i++) { printf "%d,%.6f\n", i, p; p *= (i % 3 ? 1.01 : 0.98) } }' >"$tmp/series.csv"
  printf '%s\n' '{"simulate": {"paths": {"model": "replay", "csv": "series.csv", "column": "close", "windows": true},' \
    '"option": {"type": "put", "quantity": 1, "strike": 100, "expiry_days": 10, "hedge_vol": 0.3},' \
    '"run": {"steps": 10}, "policies": [{"rule": "calendar"}]}}' >"$tmp/replay.json"
  run "$tmp/replay.out" "$tmp/err" 0 simulate --json "$tmp/replay.json"
  /usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["paths"] == 50, r' "$tmp/replay.out" ||
    fail "replay windows: $(cat "$tmp/replay.out")"
  # errors: a location in the JSON file, a missing CSV, bad flags
  sed 's/"rule": "calendar", "interval_days": 7/"rule": "fortnightly"/' "$src/examples/simulate.json" >"$tmp/badsim.json"
  run /dev/null "$tmp/err" 2 simulate "$tmp/badsim.json"
  grep -q "^hedge: $tmp/badsim.json:[0-9]*:[0-9]*: /simulate/policies/0/rule: \"fortnightly\" is not one of" "$tmp/err" ||
    fail "hedge simulate: no location for a bad rule: $(cat "$tmp/err")"
  sed 's/series.csv/missing.csv/' "$tmp/replay.json" >"$tmp/replay2.json"
  run /dev/null "$tmp/err" 2 simulate "$tmp/replay2.json"
  grep -q "missing.csv" "$tmp/err" || fail "hedge simulate: missing CSV not named"
  run /dev/null "$tmp/err" 2 simulate --threads many "$src/examples/simulate.json"
  run /dev/null "$tmp/err" 2 simulate "$tmp/no-such-file.json"
  run "$tmp/help" "$tmp/err" 0 simulate --help
  grep -q "^usage: hedge simulate" "$tmp/help" || fail "hedge simulate --help"
fi
echo "cli: ok"
