"""Shared helpers and pytest fixtures for the Python test suites.

Each suite's conftest.py puts this folder on sys.path and star-imports this
module, which registers the fixtures below. CTest sets the environment:

    INCUBSIM_BIN         path of the incubsim binary under test
    INCUBSIM_SOURCE_DIR  root of the source tree (for scenarios/baseline.toml)

A missing variable is a failure with a message saying how to run the tests,
never a silent skip.
"""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path
from typing import Sequence

import h5py
import numpy as np
import pytest

ENV_BIN = "INCUBSIM_BIN"
ENV_SOURCE = "INCUBSIM_SOURCE_DIR"

HOW_TO_RUN = (
    "run the suites through CTest (cd build/<dir> && ctest -R pytest --output-on-failure) "
    "or set it by hand, e.g. INCUBSIM_BIN=build/<dir>/sim/incubsim "
    "INCUBSIM_SOURCE_DIR=$PWD /usr/bin/python3 -m pytest -q tests/integration"
)

# Root attributes that legitimately differ between reruns of the same
# scenario and seed (docs/output-format.md, "Root attributes").
RERUN_VOLATILE_ATTRIBUTES = frozenset(
    {"start_time", "end_time", "hostname", "command_line", "threads"})

# A generous per-command limit: a hung binary fails the test instead of
# hanging CTest.
DEFAULT_TIMEOUT_S = 120


def _require_env(name: str, what: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"environment variable {name} is not set: it must name {what}; {HOW_TO_RUN}",
                    pytrace=False)
    return value


def binary_path() -> Path:
    path = Path(_require_env(ENV_BIN, "the incubsim binary under test")).resolve()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"{ENV_BIN}={path} is not an executable file; build it first "
                    "(cmake --build <build dir>)", pytrace=False)
    return path


def source_dir_path() -> Path:
    path = Path(_require_env(ENV_SOURCE, "the incubsim source tree")).resolve()
    if not (path / "scenarios" / "baseline.toml").is_file():
        pytest.fail(f"{ENV_SOURCE}={path} has no scenarios/baseline.toml; "
                    "it must name the root of the source tree", pytrace=False)
    return path


@dataclasses.dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (f"command: incubsim {' '.join(self.args)}\nexit status: {self.returncode}\n"
                f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}")


class Incubsim:
    """Runs the binary as a subprocess, stdin closed, outputs captured."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, *args: str | os.PathLike, cwd: os.PathLike | None = None,
                 env: dict[str, str] | None = None, expect: int | None = 0,
                 timeout: float = DEFAULT_TIMEOUT_S) -> Result:
        argv = [str(a) for a in args]
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        p = subprocess.run([str(self.path), *argv], cwd=cwd, env=full_env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout)
        result = Result(argv, p.returncode, p.stdout, p.stderr)
        if expect is not None:
            assert result.returncode == expect, (
                f"expected exit status {expect}\n{result.describe()}")
        return result

    def run_to(self, output: Path, *args: str | os.PathLike, cwd: os.PathLike | None = None,
               threads: int = 1) -> Path:
        """`incubsim run -q --threads N -o output args...`; returns the output path."""
        self("run", "-q", "--threads", str(threads), "-o", output, *args,
             cwd=cwd if cwd is not None else output.parent)
        assert output.is_file(), f"incubsim run exited 0 but wrote no {output}"
        return output


def read_datasets(path: os.PathLike) -> dict[str, np.ndarray]:
    """Every dataset of an HDF5 file, by path ("timeseries/births"), as numpy."""
    out: dict[str, np.ndarray] = {}

    def visit(name: str, obj) -> None:
        if isinstance(obj, h5py.Dataset):
            out[name] = obj[()]

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def read_root_attributes(path: os.PathLike) -> dict:
    with h5py.File(path, "r") as f:
        return {k: f.attrs[k] for k in f.attrs}


def read_group(path: os.PathLike, group: str) -> dict[str, np.ndarray]:
    with h5py.File(path, "r") as f:
        return {k: f[group][k][()] for k in f[group]}


def assert_same_datasets(a: os.PathLike, b: os.PathLike) -> None:
    """Same dataset paths, dtypes, shapes and bit-identical values."""
    da, db = read_datasets(a), read_datasets(b)
    assert sorted(da) == sorted(db), "the files hold different datasets"
    differing = []
    for name in sorted(da):
        x, y = da[name], db[name]
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            differing.append(name)
    assert not differing, f"datasets differ between {a} and {b}: {differing}"


def strip_header_comment(toml_text: str) -> str:
    """Drops the leading block of `#` comment lines and blank lines."""
    lines = toml_text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def stray_outputs(directory: Path) -> list[Path]:
    """Result files and temporary files a run may have left in a folder tree."""
    return sorted(p for p in directory.rglob("*")
                  if p.suffix == ".h5" or re.search(r"\.tmp-\d+$", p.name))


def flatten_toml(table: dict, prefix: str = "") -> dict:
    """{"firms": {"fixed_cost": 1}} -> {"firms.fixed_cost": 1}."""
    out = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten_toml(v, key + "."))
        else:
            out[key] = v
    return out


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="session")
def incubsim() -> Incubsim:
    return Incubsim(binary_path())


@pytest.fixture(scope="session")
def source_dir() -> Path:
    return source_dir_path()


@pytest.fixture(scope="session")
def baseline_toml(source_dir: Path) -> str:
    return (source_dir / "scenarios" / "baseline.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def short_run(incubsim: Incubsim, tmp_path_factory) -> Path:
    """The built-in baseline for 8 quarters on one thread (read-only: copy to tamper)."""
    out = tmp_path_factory.mktemp("short_run") / "short.h5"
    return incubsim.run_to(out, "--quarters", "8")


__all__: Sequence[str] = [
    "ENV_BIN", "ENV_SOURCE", "RERUN_VOLATILE_ATTRIBUTES", "Incubsim", "Result",
    "assert_same_datasets", "baseline_toml", "binary_path", "flatten_toml", "incubsim",
    "read_datasets", "read_group", "read_root_attributes", "short_run", "source_dir",
    "source_dir_path", "stray_outputs", "strip_header_comment", "write_text",
]

