"""The `report` command: a self-contained HTML report of a run, comparison or sweep."""
from __future__ import annotations

import argparse

from . import report as _report


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``report`` on an argparse subparsers object."""
    p = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of a run, comparison or merged sweep file",
        description="Write one self-contained HTML file (figures embedded, no external "
                    "links) summarising an incubsim run file, comparison file (incubsim compare) "
                    "or merged sweep file (incubsim sweep merge).")
    p.add_argument("file", metavar="FILE", help="a run, comparison or merged sweep file (HDF5)")
    p.add_argument("-o", "--output", metavar="REPORT.html", default="report.html",
                   help="HTML file to write (default: report.html)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Write the report of ``args.file`` to ``args.output``; returns 0."""
    _report.report(args.file, args.output)
    return 0
