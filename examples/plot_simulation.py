#!/usr/bin/python3
"""Plots a hedging experiment: the P&L histogram of each policy and each policy's mean cost against its
hedging error (std of P&L), from `hedge simulate --json --csv`.

usage: examples/plot_simulation.py [--hedge PROGRAM] [--out PREFIX] [CONFIG.json] [-- hedge simulate flags]

CONFIG.json defaults to examples/simulate.json; PROGRAM to `hedge` on the PATH, else build/tools/hedge.
Writes PREFIX-pnl.png and PREFIX-cost-vs-error.png (PREFIX: simulation). Needs Debian's python3-matplotlib;
draws without a display (Agg).
"""
import argparse
import csv
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

HERE = pathlib.Path(__file__).resolve().parent


def find_hedge(given):
    if given:
        return given
    on_path = shutil.which("hedge")
    if on_path:
        return on_path
    built = HERE.parent / "build" / "tools" / "hedge"
    if built.exists():
        return str(built)
    sys.exit("plot_simulation: no `hedge` program: pass --hedge build/tools/hedge")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", nargs="?", default=str(HERE / "simulate.json"))
    ap.add_argument("--hedge", help="the hedge program")
    ap.add_argument("--out", default="simulation", help="prefix of the PNG files")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []  # flags for hedge simulate
    args = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    with tempfile.TemporaryDirectory() as tmp:
        paths_csv = pathlib.Path(tmp) / "paths.csv"
        out = subprocess.run([find_hedge(args.hedge), "simulate", "--json", "--csv", str(paths_csv), *extra,
                              args.config], check=True, capture_output=True, text=True).stdout
        result = json.loads(out)
        with open(paths_csv, newline="") as f:
            rows = list(csv.DictReader(f))
    policies = result["policies"]
    names = [p["name"] for p in policies]
    pnl = {n: [float(r[n]) for r in rows] for n in names}

    # P&L histograms on one scale, so that the policies compare at a glance
    lo = min(min(v) for v in pnl.values())
    hi = max(max(v) for v in pnl.values())
    cols = 2
    nrows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(11, 2.8 * nrows), sharex=True, squeeze=False)
    for ax, p in zip(axes.flat, policies):
        ax.hist(pnl[p["name"]], bins=60, range=(lo, hi), color="tab:blue", alpha=0.8)
        ax.axvline(p["mean"], color="black", lw=1, label=f"mean {p['mean']:,.0f}")
        ax.axvline(-p["var95"], color="tab:orange", lw=1, ls="--", label=f"VaR 95% {p['var95']:,.0f}")
        ax.axvline(-p["cvar99"], color="tab:red", lw=1, ls=":", label=f"CVaR 99% {p['cvar99']:,.0f}")
        ax.set_title(f"{p['name']}: std {p['std']:,.0f}, {p['mean_trades']:.0f} trades", fontsize=10)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(policies):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("hedged P&L, USD (discounted)")
    fig.suptitle(f"{result['model']} paths: {result['paths']} x {result['steps']} steps, "
                 f"premium {result['premium']:,.0f} USD, hedged with {result['instrument']}")
    fig.tight_layout()
    fig.savefig(f"{args.out}-pnl.png", dpi=110)

    # the trade-off: what each policy pays against how much risk it leaves
    fig, ax = plt.subplots(figsize=(7, 5))
    for i, p in enumerate(policies):
        ax.scatter(p["std"], p["mean_cost"], s=40)
        # alternate the labels above and below, so that policies at the same point stay readable
        ax.annotate(p["name"], (p["std"], p["mean_cost"]), textcoords="offset points",
                    xytext=(5, 5 if i % 2 == 0 else -12), fontsize=8)
    ax.set_xlabel("hedging error: std of P&L, USD")
    ax.set_ylabel("mean cost of trading, USD")
    ax.set_title("cost against hedging error, one point per policy")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(f"{args.out}-cost-vs-error.png", dpi=110)
    print(f"wrote {args.out}-pnl.png and {args.out}-cost-vs-error.png")


main()
