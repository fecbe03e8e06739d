"""`incubsim-analysis sensitivity SWEEP.h5 [--metric M ...] [-o OUT.csv] [--plot OUT.png]`:
Sobol indices (saltelli design) or Morris elementary effects (morris design)
of a merged sweep file, printed as a table."""
from __future__ import annotations

import argparse

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
    from .plotting import pyplot
    from .sensitivity_plot import indices_figure

    plt = pyplot()
    fig = indices_figure(plt, table, cols=3)
    fig.savefig(path, dpi=100)
    plt.close(fig)
