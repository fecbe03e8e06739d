"""What every reproducible experiment under analysis/experiments/ shares.

An experiment is a script `analysis/experiments/<name>/run.py` that
regenerates its tables (CSV) and figures (PNG) from nothing: it runs the
simulator, then the analysis. This module gives those scripts one command
line (`-o`, `--work`, `--incubsim`, `--jobs`), finds or builds the
simulator, runs it, and writes outputs so that the same seed gives the same
bytes: CSV with a fixed float format and line ending, PNG without the
matplotlib version in its metadata, and the results directory replaced only
when every file of it is written.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pandas as pd

from .errors import AnalysisError
from .plotting import pyplot

__all__ = ["repo_root", "argument_parser", "parse_args", "find_incubsim", "run_incubsim", "main", "Results",
           "write_table", "save_figure", "pyplot"]

#: Digits kept in CSV tables: enough to tell two runs apart, few enough to read.
FLOAT_FORMAT = "%.10g"


def repo_root() -> Path:
    """The source tree's root (this package lives in <root>/analysis/)."""
    return Path(__file__).resolve().parents[2]


def argument_parser(script: str, description: str) -> argparse.ArgumentParser:
    """The command line every experiment accepts.

    `script` is the experiment's ``__file__``: results and work files go
    beside it by default. Call `parse_args` on the result, which makes the
    paths absolute (the simulator runs from the source root).
    """
    here = Path(script).resolve().parent
    p = argparse.ArgumentParser(
        prog=f"analysis/experiments/{here.name}/run.py", description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-o", "--out", type=Path, default=here / "results", metavar="DIR",
                   help="directory of tables (CSV), figures (PNG) and the HTML report; "
                        "replaced as a whole when complete (default: results/ beside run.py)")
    p.add_argument("--work", type=Path, default=here / "work", metavar="DIR",
                   help="directory for the simulator's HDF5 files (default: work/ beside "
                        "run.py)")
    p.add_argument("--incubsim", type=Path, default=None, metavar="PATH",
                   help="the simulator (default: $INCUBSIM, else build/release/sim/incubsim, "
                        "built with `cmake --workflow --preset build` if missing)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="runs at once (results do not depend on it; default: all cores)")
    return p


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None):
    """Parse, check --jobs, and make the paths absolute."""
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    args.out = args.out.resolve()
    args.work = args.work.resolve()
    if args.incubsim is not None:
        args.incubsim = args.incubsim.resolve()
    return args


def main(run, argv: Sequence[str] | None = None) -> int:
    """Call `run(argv)`; the exit status. Errors are a message on stderr,
    never a traceback: analysis errors exit 2, file errors 3, Ctrl-C 130
    (the previous results stay as they were); a closed pipe ends quietly."""
    name = Path(sys.argv[0]).name
    try:
        run(argv)
    except AnalysisError as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return e.exit_status
    except BrokenPipeError:
        sys.stderr.close()
    except OSError as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"{name}: interrupted; the previous results are unchanged", file=sys.stderr)
        return 130
    return 0


def find_incubsim(explicit: Path | None = None) -> Path:
    """The simulator: `explicit`, else $INCUBSIM, else the release build
    (built first if it is missing)."""
    if explicit is None and os.environ.get("INCUBSIM"):
        explicit = Path(os.environ["INCUBSIM"])
    if explicit is not None:
        if not (explicit.is_file() and os.access(explicit, os.X_OK)):
            raise AnalysisError(f"{explicit} is not an executable incubsim; build it with "
                                "`cmake --workflow --preset build` or pass --incubsim PATH")
        return explicit
    binary = repo_root() / "build" / "release" / "sim" / "incubsim"
    if not binary.is_file():
        print("building incubsim (cmake --workflow --preset build) ...", file=sys.stderr)
        done = subprocess.run(["cmake", "--workflow", "--preset", "build"], cwd=repo_root())
        if done.returncode != 0 or not binary.is_file():
            raise AnalysisError("could not build incubsim; see the build output above "
                                "(install the dependencies with .ci/install-deps)")
    return binary


def run_incubsim(binary: Path, args: Sequence[str | os.PathLike], *,
                 cwd: Path | None = None) -> str:
    """Run the simulator (from the source root unless `cwd` is given, so
    scenarios given by their path in the repository are recorded that way,
    not by this machine's paths); its standard output, or an AnalysisError
    carrying the command and the end of its error output."""
    cmd = [os.fspath(binary), *map(os.fspath, args)]
    done = subprocess.run(cmd, cwd=cwd or repo_root(), capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        raise AnalysisError(f"`{' '.join(cmd)}` failed with exit status {done.returncode}:\n"
                            f"{tail}")
    return done.stdout


class Results:
    """The results directory, written under a temporary name and swapped in
    whole when the `with` block ends without an error (an interrupted
    experiment leaves the previous results as they were)."""

    def __init__(self, out: Path):
        self.final = Path(out)
        self.dir = self.final.with_name(f".{self.final.name}.tmp-{os.getpid()}")

    def __enter__(self) -> "Results":
        shutil.rmtree(self.dir, ignore_errors=True)
        (self.dir / "tables").mkdir(parents=True)
        (self.dir / "figures").mkdir()
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.dir, self.final)
        shutil.rmtree(old, ignore_errors=True)

    def table(self, df: pd.DataFrame, name: str) -> Path:
        return write_table(df, self.dir / "tables" / f"{name}.csv")

    def figure(self, fig, name: str) -> Path:
        return save_figure(fig, self.dir / "figures" / f"{name}.png")

    def path(self, name: str) -> Path:
        return self.dir / name


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """A CSV that is byte-identical for identical data on any machine."""
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return path


def save_figure(fig, path: Path) -> Path:
    """Save a PNG without the matplotlib version in it, and close the figure."""
    import matplotlib.pyplot as plt
    fig.savefig(path, format="png", dpi=110, bbox_inches="tight",
                metadata={"Software": None})
    plt.close(fig)
    return path
