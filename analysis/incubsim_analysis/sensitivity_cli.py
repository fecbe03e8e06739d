"""`incubsim-analysis sensitivity SWEEP.h5 [--metric M ...] [-o OUT.csv] [--plot OUT.png]`:
Sobol indices (saltelli design) or Morris elementary effects (morris design)
of a merged sweep file, printed as a table."""
from __future__ import annotations

import argparse
import math

from .errors import AnalysisError


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sensitivity",
        help="Sobol indices or Morris effects of a merged saltelli/morris sweep",
        description="Sensitivity of each metric of a merged sweep file (incubsim sweep merge) "
                    "to the swept parameters: first-order and total Sobol indices with "
                    "bootstrap confidence intervals for a saltelli design, Morris mu, mu* and "
                    "sigma for a morris design. Replicates of a point are averaged.")
    p.add_argument("sweep", metavar="SWEEP.h5", help="merged sweep file (format incubsim-sweep)")
    p.add_argument("--metric", "-m", dest="metrics", action="append", metavar="M",
                   help="metric of /summary to analyse (repeatable; default: all)")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="also write the table as CSV")
    p.add_argument("--plot", metavar="OUT.png",
                   help="bar chart of S1/ST with confidence intervals (saltelli) or "
                        "mu* against sigma (morris)")
    p.add_argument("--n-boot", type=int, default=1000, metavar="N",
                   help="bootstrap resamples for the Sobol intervals (default 1000; 0: none)")
    p.add_argument("--confidence", type=float, default=0.95, metavar="C",
                   help="confidence level of the intervals (default 0.95)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.set_defaults(func=func)
    return p


def func(args) -> int:
    from .sensitivity import sweep_sensitivity

    if args.n_boot < 0:
        raise AnalysisError(f"--n-boot must be 0 or more, got {args.n_boot}")
    if not 0 < args.confidence < 1:
        raise AnalysisError(f"--confidence must lie between 0 and 1, got {args.confidence}")
    table = sweep_sensitivity(args.sweep, args.metrics, n_boot=args.n_boot,
                              confidence=args.confidence, seed=args.seed)
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.output:
        table.to_csv(args.output, index=False)
    if args.plot:
        plot(table, args.plot)
    return 0


def plot(table, path) -> None:
    """One panel per metric: S1 and ST bars with their intervals (saltelli),
    or mu* against sigma with parameter labels (morris)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = list(dict.fromkeys(table["metric"]))
    n = max(1, len(metrics))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    morris = table.attrs.get("design") == "morris" or "mu_star" in table.columns
    fig, axes = plt.subplots(rows, cols, figsize=(4.5 * cols, 3.6 * rows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        t = table[table["metric"] == metric]
        names = [str(p) for p in t["parameter"]]
        if morris:
            ax.scatter(t["mu_star"], t["sigma"])
            for name, x, y in zip(names, t["mu_star"], t["sigma"]):
                if np.isfinite(x) and np.isfinite(y):
                    ax.annotate(name, (x, y), fontsize=7, xytext=(3, 3),
                                textcoords="offset points")
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
            ax.margins(0.25)
            ax.set_xlabel("mu*")
            ax.set_ylabel("sigma")
        else:
            pos = np.arange(len(names))
            width = 0.38
            for offset, index in ((-width / 2, "S1"), (width / 2, "ST")):
                value = t[index].to_numpy(dtype=float)
                low = np.clip(value - t[f"{index}_low"].to_numpy(dtype=float), 0, None)
                high = np.clip(t[f"{index}_high"].to_numpy(dtype=float) - value, 0, None)
                err = np.nan_to_num(np.vstack([low, high]))
                ax.bar(pos + offset, np.nan_to_num(value), width, yerr=err, capsize=3,
                       label=index)
            ax.set_xticks(pos)
            ax.set_xticklabels(names, rotation=30, ha="right", fontsize=7)
            ax.axhline(0, color="black", linewidth=0.5)
            ax.set_ylabel("index")
            ax.legend(fontsize=7)
        ax.set_title(metric, fontsize=9)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
