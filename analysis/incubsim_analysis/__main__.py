"""Command line: python3 -m incubsim_analysis <command> ...

Each command is a module with `add_parser(subparsers)` that registers it and
sets `func` (returning the exit status); errors of the analysis (bad files, bad requests) are printed as
one line, never a traceback."""
from __future__ import annotations

import argparse
import sys

from . import load_cli, report_cli, sensitivity_cli, validate_cli
from .errors import AnalysisError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="incubsim-analysis",
        description="Analyse incubsim results: load files into tables, "
                    "sensitivity indices from sweeps.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (load_cli, report_cli, sensitivity_cli, validate_cli):
        command.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AnalysisError as e:
        print(f"incubsim-analysis: error: {e}", file=sys.stderr)
        return e.exit_status
    except OSError as e:
        print(f"incubsim-analysis: error: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
