"""The `table` command: load any incubsim result and write it as CSV."""
from __future__ import annotations

import argparse
import sys

from . import load as _load


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``table`` on an argparse subparsers object."""
    whats = "; ".join(f"{fmt}: {', '.join(w)}" for fmt, w in _load.WHATS.items())
    p = subparsers.add_parser(
        "table",
        help="write a run, comparison or merged sweep file as a CSV table",
        description="Load an incubsim result (run, comparison or merged sweep file) "
                    "and write one of its tables as CSV, long format (one value a row, "
                    "a column per varied sweep parameter).",
        epilog=f"Tables by format (the first is the default): {whats}.")
    p.add_argument("file", metavar="FILE", help="the result file (HDF5)")
    p.add_argument("--what", metavar="TABLE",
                   help="which table, e.g. summary or series for a sweep, effects for a "
                        "comparison, timeseries, wide or policy/<name> for a run")
    p.add_argument("--metric", action="append", dest="metrics", metavar="NAME",
                   help="only this metric (repeatable; run and sweep files)")
    p.add_argument("--include-missing", action="store_true",
                   help="sweeps: keep runs that are not done (values NaN)")
    p.add_argument("-o", "--output", metavar="OUT.csv",
                   help="CSV file to write (default: standard output)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Load ``args.file`` and write the table as CSV; returns 0."""
    df = _load.load(args.file, args.what, include_missing=args.include_missing,
                    metrics=args.metrics)
    if df.index.name is not None:
        df = df.reset_index()
    if args.output:
        df.to_csv(args.output, index=False)
    else:
        df.to_csv(sys.stdout, index=False)
        sys.stdout.flush()
    return 0
