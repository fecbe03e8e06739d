"""`incubsim-analysis validate RUN.h5 [RUN.h5 ...] [-o OUT.csv]`: stylized facts of
one or more runs (pooled) beside published reference values (docs/validation.md)."""
from __future__ import annotations

import argparse
import math

from . import validate as _validate


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``validate`` on an argparse subparsers object."""
    p = subparsers.add_parser(
        "validate",
        help="stylized facts of run files beside published reference values",
        description="Pool one or more run files and compare stylized facts (firm survival, "
                    "firm-size tail, venture deal outcomes, incubation, technology transfer) "
                    "with published reference values; see docs/validation.md.")
    p.add_argument("runs", nargs="+", metavar="RUN.h5", help="run file(s) (incubsim-run)")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="also write the table as CSV")
    p.set_defaults(func=run)
    return p


def _fmt(x: float) -> str:
    if not isinstance(x, float) or not math.isfinite(x):
        return "-"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def run(args: argparse.Namespace) -> int:
    """Print the validation table (and write it as CSV with -o); returns 0."""
    df = _validate.validate(args.runs)
    if args.output:
        df.to_csv(args.output, index=False)
    width = max(len(f) for f in df["fact"])
    print(f"{'fact':<{width}}  {'model':>8}  {'reference':>9}  {'range':>13}  verdict")
    for r in df.itertuples(index=False):
        rng = ("-" if not math.isfinite(r.reference_low)
               else f"{_fmt(r.reference_low)}-{_fmt(r.reference_high)}")
        print(f"{r.fact:<{width}}  {_fmt(r.model):>8}  {_fmt(r.reference):>9}  {rng:>13}  "
              f"{r.verdict}")
    print("\nSources:")
    for s in dict.fromkeys(df["source"]):
        if s not in (_validate.NO_REFERENCE, "(fit detail)"):
            print(f"  - {s}")
    return 0
