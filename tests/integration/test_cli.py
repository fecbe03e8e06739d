"""The incubsim command line, end to end: the real binary in a subprocess,
working in pytest's tmp_path. Exit statuses (sim/core/errors.hpp): 0 ok,
1 verify mismatch, 2 invalid input, 3 file error, 4 internal error."""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import time
import tomllib
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import (RERUN_VOLATILE_ATTRIBUTES, assert_same_datasets, flatten_toml,
                              read_datasets, read_group, read_root_attributes, stray_outputs,
                              strip_header_comment, write_text)

EXIT_OK, EXIT_MISMATCH, EXIT_INVALID, EXIT_IO, EXIT_INTERRUPTED = 0, 1, 2, 3, 5

SUBCOMMANDS = {
    "run": ["--set", "--output", "--seed", "--threads", "--quarters", "--quiet", "scenario",
            "--checkpoint-every", "--checkpoint"],
    "resume": ["--output", "--threads", "--checkpoint-every", "checkpoint"],
    "check": ["--set", "scenario"],
    "info": ["file"],
    "verify": ["--threads", "--quiet", "file"],
    "params": ["--help"],
}

# A scenario small enough for many runs (about 0.05 s each).
TINY = """base = "baseline"

[simulation]
quarters = 6
burn_in = 2

[firms]
initial_count = 200
founders_per_quarter = 5.0

[researchers]
count = 400
"""


def _metric_total(summary: str, label: str) -> float:
    """The last column ("total") of a row of the run summary table."""
    for line in summary.splitlines():
        if line.startswith(label) and line[len(label):len(label) + 2] == "  ":
            return float(line.split()[-1])
    raise AssertionError(f"no row {label!r} in the run summary:\n{summary}")


# --- version and help -------------------------------------------------------

def test_version_names_semver_and_git_sha(incubsim, source_dir):
    r = incubsim("--version")
    m = re.fullmatch(r"incubsim (\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?) "
                     r"\(git ([0-9a-f]{40}|unknown)(-dirty)?\)\n", r.stdout)
    assert m, f"unexpected --version output: {r.stdout!r}"
    project = re.search(r"project\(incubsim\s+VERSION\s+(\S+)",
                        (source_dir / "CMakeLists.txt").read_text())
    assert project and m.group(1) == project.group(1), (
        "--version disagrees with project(VERSION) in CMakeLists.txt")


def test_app_help_lists_subcommands_and_exit_statuses(incubsim):
    r = incubsim("--help")
    for name in SUBCOMMANDS:
        assert re.search(rf"^\s+{name}\s", r.stdout, re.M), f"--help does not list {name}"
    assert "--version" in r.stdout
    for status in ("0 success", "1 verify", "2 invalid input", "3 file error", "4 internal"):
        assert status in r.stdout


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_subcommand_help(incubsim, command):
    r = incubsim(command, "--help")
    assert re.search(rf"^Usage: \S*incubsim {command}\b", r.stdout, re.M), r.stdout
    for option in SUBCOMMANDS[command]:
        assert option in r.stdout, f"`{command} --help` does not mention {option}"


def test_no_subcommand_is_a_usage_error(incubsim):
    r = incubsim(expect=EXIT_INVALID)
    assert "subcommand" in r.stderr.lower()


def test_unknown_option_is_a_usage_error(incubsim, tmp_path):
    r = incubsim("run", "--no-such-option", cwd=tmp_path, expect=EXIT_INVALID)
    assert "--no-such-option" in r.stderr
    assert stray_outputs(tmp_path) == []


# --- run ----------------------------------------------------------------------

def test_run_default_writes_baseline_h5_and_prints_summary(incubsim, tmp_path):
    r = incubsim("run", "--quarters", "8", "--threads", "2", cwd=tmp_path)
    out = tmp_path / "baseline.h5"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.h5"]
    assert "<built-in baseline>" in r.stdout and "8 quarters" in r.stdout
    assert "2 thread(s)" in r.stdout
    assert re.search(r"wrote baseline\.h5 \(\d+ events\)", r.stdout)
    # Not a terminal: no progress bar, no carriage returns.
    assert "\r" not in r.stderr and "\r" not in r.stdout
    assert r.stderr == ""
    for label in ("firms alive", "births", "deaths", "deals", "invested (M yuan)",
                  "transfers (lic. + spin-off)", "transfers failed", "inventions"):
        assert re.search(rf"^{re.escape(label)}\s", r.stdout, re.M), f"no row {label!r}"
    ts = read_group(out, "timeseries")
    # Columns: the first and last recorded quarters (numbered after burn-in),
    # three between, then the totals.
    header = next(line for line in r.stdout.splitlines() if line.rstrip().endswith("total"))
    assert header.split()[0] == f"q{ts['quarter'][0]}"
    assert header.split()[-2] == f"q{ts['quarter'][-1]}"
    assert _metric_total(r.stdout, "births") == ts["births"].sum()
    assert _metric_total(r.stdout, "deaths") == ts["deaths"].sum()
    deals = sum(ts[k].sum() for k in ("deals_seed", "deals_series_a", "deals_series_b",
                                       "deals_growth"))
    assert _metric_total(r.stdout, "deals") == deals
    assert _metric_total(r.stdout, "invested (M yuan)") == pytest.approx(
        ts["amount_invested"].sum(), abs=0.051)
    assert _metric_total(r.stdout, "transfers (lic. + spin-off)") == (
        ts["transfers_licence"].sum() + ts["transfers_spinoff"].sum())
    firms_alive_row = next(line for line in r.stdout.splitlines()
                           if line.startswith("firms alive"))
    assert float(firms_alive_row.split()[-2]) == ts["firms_alive"][-1]
    events = int(re.search(r"\((\d+) events\)", r.stdout).group(1))
    with h5py.File(out, "r") as f:
        assert f["events/kind"].shape == (events,)


def test_run_quiet_prints_nothing(incubsim, tmp_path):
    r = incubsim("run", "--quarters", "4", "--quiet", cwd=tmp_path)
    assert r.stdout == "" and r.stderr == ""
    assert (tmp_path / "baseline.h5").is_file()


def _run_on_pty(incubsim, args, cwd) -> tuple[int, bytes]:
    """Runs with stderr on a pseudo-terminal; returns (status, what stderr got)."""
    master, slave = os.openpty()
    try:
        p = subprocess.Popen([str(incubsim.path), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=slave)
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return p.wait(timeout=120), b"".join(chunks)


def test_progress_bar_only_on_a_terminal(incubsim, tmp_path):
    # The counterpart of the no-"\r" checks above: on a terminal the bar is drawn...
    status, tty = _run_on_pty(incubsim, ["run", "--quarters", "4", "-o", "a.h5"], tmp_path)
    assert status == 0
    assert b"\r" in tty and re.search(rb" (\d+)/\1 quarters", tty), tty
    # ...and --quiet silences it even there.
    status, tty = _run_on_pty(incubsim, ["run", "--quarters", "4", "-q", "-o", "b.h5"], tmp_path)
    assert status == 0
    assert tty == b""


def test_run_scenario_file_default_output_is_stem_in_cwd(incubsim, tmp_path):
    scenario = write_text(tmp_path / "scen" / "tiny.toml", TINY)
    work = tmp_path / "work"
    work.mkdir()
    r = incubsim("run", scenario, "--threads", "1", cwd=work)
    assert (work / "tiny.h5").is_file()
    assert not (scenario.parent / "tiny.h5").exists()
    assert str(scenario) in r.stdout and "6 quarters" in r.stdout


def test_run_replaces_an_existing_output(incubsim, tmp_path):
    out = tmp_path / "r.h5"
    incubsim.run_to(out, "--quarters", "2", "--seed", "1")
    incubsim.run_to(out, "--quarters", "3", "--seed", "2")
    attrs = read_root_attributes(out)
    assert (attrs["seed"], attrs["quarters"]) == (2, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


def test_run_flags_override_set(incubsim, tmp_path):
    # `--seed 7` means seed 7 whatever --set says (cmd_run.cpp).
    out = incubsim.run_to(tmp_path / "r.h5", "--set", "simulation.seed=3", "--set",
                          "simulation.quarters=5", "--seed", "7", "--quarters", "2")
    attrs = read_root_attributes(out)
    assert (attrs["seed"], attrs["quarters"]) == (7, 2)
    recorded = tomllib.loads(attrs["scenario"])["simulation"]
    assert (recorded["seed"], recorded["quarters"]) == (7, 2)


# --- check ----------------------------------------------------------------------

def test_check_default_prints_the_baseline_file(incubsim, baseline_toml):
    r = incubsim("check")
    assert r.stdout.startswith("# Resolved from <built-in baseline> by incubsim check.")
    assert strip_header_comment(r.stdout) == strip_header_comment(baseline_toml), (
        "`incubsim check` differs from scenarios/baseline.toml (is the binary stale?)")
    tomllib.loads(r.stdout)
    assert "valid" in r.stderr


def test_check_merges_base_and_overrides(incubsim, tmp_path):
    scenario = write_text(tmp_path / "over.toml", (
        'base = "baseline"\n\n[simulation]\nquarters = 12\n\n'
        '[firms]\nfixed_cost = 0.07\n\n[funds.vc]\ninitial_count = 9\n'))
    r = incubsim("check", scenario, "--set", "market.wage=0.06", cwd=tmp_path)
    resolved = flatten_toml(tomllib.loads(r.stdout))
    base = flatten_toml(tomllib.loads(incubsim("check").stdout))
    changed = {"simulation.quarters": 12, "firms.fixed_cost": 0.07,
               "funds.vc.initial_count": 9, "market.wage": 0.06}
    assert sorted(resolved) == sorted(base), "check must print every key"
    for key, value in changed.items():
        assert resolved[key] == value, key
    assert {k: v for k, v in resolved.items() if k not in changed} == {
        k: v for k, v in base.items() if k not in changed}
    assert "base" not in tomllib.loads(r.stdout)
    assert r.stdout.startswith(f"# Resolved from {scenario} by incubsim check.")


def test_check_output_round_trips(incubsim, tmp_path):
    first = incubsim("check", "--set", "firms.fixed_cost=0.09", "--set",
                     'market.sectors=["a", "b"]', "--set", "market.sector_weights=[1, 2]",
                     "--set", "market.sector_growth=[0.01, 0.02]").stdout
    resolved = write_text(tmp_path / "resolved.toml", first)
    second = incubsim("check", resolved).stdout
    assert strip_header_comment(second) == strip_header_comment(first)


def test_params_lists_every_key_with_its_default(incubsim):
    r = incubsim("params")
    rows = [line for line in r.stdout.splitlines() if line.startswith("| `")]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        table[cells[0].strip("`")] = tomllib.loads("v = " + cells[1].strip("`"))["v"]
    builtin = flatten_toml(tomllib.loads(incubsim("check").stdout))
    assert sorted(table) == sorted(builtin), "params and check list different keys"
    differing = {k: (table[k], builtin[k]) for k in table if table[k] != builtin[k]}
    assert not differing, (
        "defaults in `incubsim params` differ from the built-in baseline (`incubsim check`) "
        "as {key: (params, check)}; scenarios/baseline.toml must be regenerated from the "
        f"defaults and the binary rebuilt: {differing}")


# --- bad input --------------------------------------------------------------------

# (id, scenario text or None, extra arguments, exit status, message fragments).
# A scenario text is written to bad.toml and passed to `run`.
BAD_INPUT = [
    ("malformed_toml", "[simulation]\nquarters = 4\nseed = \n", [], EXIT_INVALID,
     ["bad.toml:3:", "TOML"]),
    ("unknown_key", 'base = "baseline"\n[simulation]\nquarters = 4\n[firms]\nfixed_cots = 0.1\n',
     [], EXIT_INVALID, ["bad.toml:5:", "firms.fixed_cots", "did you mean 'firms.fixed_cost'"]),
    ("unknown_section", 'base = "baseline"\n[simulation]\nquarters = 4\n[firmz]\nfixed_cost = 1\n',
     [], EXIT_INVALID, ["bad.toml:4:", "firmz", "unknown section", "did you mean 'firms'"]),
    ("wrong_type", 'base = "baseline"\n[simulation]\nquarters = "four"\n', [], EXIT_INVALID,
     ["bad.toml:3:", "simulation.quarters", "expected an integer", '"four"', "[1, 2000]"]),
    ("float_for_integer", 'base = "baseline"\n[simulation]\nquarters = 4.5\n', [], EXIT_INVALID,
     ["bad.toml:3:", "simulation.quarters", "expected an integer", "4.5"]),
    ("out_of_range", 'base = "baseline"\n[simulation]\nquarters = 4\n[market]\ngross_margin = 1.5\n',
     [], EXIT_INVALID, ["bad.toml:5:", "market.gross_margin", "out of range", "[0, 1]"]),
    ("list_wrong_length",
     'base = "baseline"\n[simulation]\nquarters = 4\n[firms]\nround_burn_multiplier = [1.5, 3.0]\n',
     [], EXIT_INVALID, ["bad.toml:5:", "firms.round_burn_multiplier", "2 items", "4 numbers"]),
    ("list_inconsistent_with_sectors",
     'base = "baseline"\n[simulation]\nquarters = 4\n[market]\nsector_weights = [0.5, 0.5]\n',
     [], EXIT_INVALID, ["bad.toml:5:", "market.sector_weights", "5 sectors"]),
    ("section_as_key", 'base = "baseline"\nfirms = 3\n', [], EXIT_INVALID,
     ["bad.toml:2:", "firms", "section"]),
    ("missing_base_file", 'base = "no_such_base.toml"\n', [], EXIT_IO,
     ["no_such_base.toml", "bad.toml:1"]),
    ("missing_scenario", None, ["no_such_scenario.toml"], EXIT_IO,
     ["no_such_scenario.toml", "cannot read scenario file"]),
    ("set_unknown_key", None, ["--set", "firms.fixed_cots=1"], EXIT_INVALID,
     ["--set", "firms.fixed_cots", "did you mean 'firms.fixed_cost'"]),
    ("set_without_equals", None, ["--set", "firms.fixed_cost"], EXIT_INVALID,
     ["--set", "firms.fixed_cost", "no '='"]),
    ("set_out_of_range", None, ["--set", "market.gross_margin=2"], EXIT_INVALID,
     ["--set", "market.gross_margin", "[0, 1]"]),
    ("set_wrong_type", None, ["--set", "simulation.record_events=maybe"], EXIT_INVALID,
     ["--set", "simulation.record_events", "true or false"]),
    ("threads_zero", None, ["--threads", "0"], EXIT_INVALID, ["--threads", "1 to 4096"]),
    ("quarters_zero", None, ["--quarters", "0"], EXIT_INVALID, ["--quarters", "1 to 2000"]),
    ("negative_seed", None, ["--seed", "-1"], EXIT_INVALID, ["--seed"]),
]


@pytest.mark.parametrize("text,args,status,fragments",
                         [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT])
def test_run_rejects_bad_input(incubsim, tmp_path, text, args, status, fragments):
    argv = ["run", "--quarters", "2"] if "--quarters" not in args else ["run"]
    if text is not None:
        write_text(tmp_path / "bad.toml", text)
        argv.append("bad.toml")
    r = incubsim(*argv, *args, cwd=tmp_path, expect=status)
    assert r.stdout == ""
    for fragment in fragments:
        assert fragment in r.stderr, f"{fragment!r} missing from the message\n{r.describe()}"
    assert stray_outputs(tmp_path) == [], "a failed run left files behind"


def test_check_reports_the_same_errors_as_run(incubsim, tmp_path):
    write_text(tmp_path / "bad.toml", 'base = "baseline"\n[market]\ngross_margin = 1.5\n')
    r = incubsim("check", "bad.toml", cwd=tmp_path, expect=EXIT_INVALID)
    assert r.stdout == ""
    assert "bad.toml:3:" in r.stderr and "market.gross_margin" in r.stderr


def test_base_cycle_is_reported(incubsim, tmp_path):
    write_text(tmp_path / "a.toml", 'base = "b.toml"\n')
    write_text(tmp_path / "b.toml", 'base = "a.toml"\n')
    r = incubsim("run", "a.toml", cwd=tmp_path, expect=EXIT_INVALID)
    assert "cycle" in r.stderr and "a.toml" in r.stderr and "b.toml" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_output_in_missing_directory(incubsim, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.h5"
    r = incubsim("run", "--quarters", "2", "-o", target, cwd=tmp_path, expect=EXIT_IO)
    assert str(target) in r.stderr
    assert r.stdout == ""
    assert stray_outputs(tmp_path) == [] and not (tmp_path / "no").exists()


def test_output_that_is_a_directory(incubsim, tmp_path):
    (tmp_path / "out.h5").mkdir()
    r = incubsim("run", "--quarters", "2", "-o", "out.h5", cwd=tmp_path, expect=EXIT_IO)
    assert "out.h5" in r.stderr and "directory" in r.stderr
    assert (tmp_path / "out.h5").is_dir() and list((tmp_path / "out.h5").iterdir()) == []
    assert [p for p in tmp_path.iterdir() if p.name != "out.h5"] == []


@pytest.fixture
def not_incubsim_files(tmp_path):
    """A text file named .h5, an HDF5 file without a format attribute, one of
    another format, and an incubsim-like file from a newer major version."""
    text = write_text(tmp_path / "text.h5", "this is not HDF5\n")
    plain = tmp_path / "plain.h5"
    with h5py.File(plain, "w") as f:
        f["x"] = np.arange(3)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something-else"
        f["x"] = np.arange(3)
    return {"text": text, "plain": plain, "other": other}


@pytest.mark.parametrize("command", ["info", "verify"])
def test_info_and_verify_reject_files_that_are_not_runs(incubsim, tmp_path, not_incubsim_files,
                                                        command):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    r = incubsim(command, "missing.h5", cwd=tmp_path, env=env, expect=EXIT_IO)
    assert "missing.h5" in r.stderr
    r = incubsim(command, not_incubsim_files["text"], env=env, expect=EXIT_INVALID)
    assert "text.h5" in r.stderr and "not an HDF5 file" in r.stderr
    r = incubsim(command, not_incubsim_files["plain"], env=env, expect=EXIT_INVALID)
    assert "plain.h5" in r.stderr and "not an incubsim result file" in r.stderr
    r = incubsim(command, not_incubsim_files["other"], env=env, expect=EXIT_INVALID)
    assert "other.h5" in r.stderr and "something-else" in r.stderr
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("command", ["info", "verify"])
def test_newer_major_format_is_refused(incubsim, tmp_path, short_run, command):
    newer = tmp_path / "newer.h5"
    shutil.copyfile(short_run, newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["format_version"] = "2.0"
    r = incubsim(command, newer, expect=EXIT_INVALID, env={"TMPDIR": str(tmp_path)})
    assert "newer.h5" in r.stderr and "2.0" in r.stderr and "upgrade" in r.stderr


def test_newer_minor_format_is_read(incubsim, tmp_path, short_run):
    newer = tmp_path / "minor.h5"
    shutil.copyfile(short_run, newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["format_version"] = "1.99"
        f.create_group("something_new")
    r = incubsim("info", newer)
    assert "format 1.99" in r.stdout


# --- verify -----------------------------------------------------------------------

def test_verify_fresh_run_is_identical(incubsim, tmp_path, short_run):
    r = incubsim("verify", short_run, env={"TMPDIR": str(tmp_path)})
    assert "IDENTICAL" in r.stdout and "DIFFERENT" not in r.stdout
    n = int(re.search(r"all (\d+) datasets", r.stdout).group(1))
    assert n == len(read_datasets(short_run))
    assert list(tmp_path.iterdir()) == [], "verify left its re-run behind in TMPDIR"


def test_verify_with_other_thread_count_is_identical(incubsim, tmp_path, short_run):
    assert read_root_attributes(short_run)["threads"] == 1
    r = incubsim("verify", "--threads", "2", short_run, env={"TMPDIR": str(tmp_path)})
    assert "IDENTICAL" in r.stdout and "2 thread(s)" in r.stdout


def _tampered(src: Path, dst: Path, edit) -> Path:
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        edit(f)
    return dst


def _bump_births(f):
    d = f["timeseries/births"]
    d[3] = d[3] + 1


def _delete_dataset(f):
    del f["agents/funds/dpi"]


def _change_unit(f):
    f["timeseries/revenue"].attrs["unit"] = "EUR"


def _change_event_amount(f):
    d = f["events/amount"]
    d[len(d) // 2] = np.nextafter(d[len(d) // 2], np.inf)


@pytest.mark.parametrize("edit,path", [
    (_bump_births, "/timeseries/births"),
    (_delete_dataset, "/agents/funds/dpi"),
    (_change_unit, "/timeseries/revenue"),
    (_change_event_amount, "/events/amount"),
], ids=["value", "deleted_dataset", "dataset_attribute", "one_ulp"])
def test_verify_detects_tampering(incubsim, tmp_path, short_run, edit, path):
    bad = _tampered(short_run, tmp_path / "bad.h5", edit)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = incubsim("verify", bad, env={"TMPDIR": str(scratch)}, expect=EXIT_MISMATCH)
    assert "DIFFERENT" in r.stdout and "IDENTICAL" not in r.stdout
    assert path in r.stdout
    listed = [line for line in r.stdout.splitlines() if line.startswith("  /")]
    assert len(listed) == 1, f"expected exactly one difference:\n{r.stdout}"
    assert list(scratch.iterdir()) == []


def test_verify_ignores_volatile_attributes(incubsim, tmp_path, short_run):
    def edit(f):
        f.attrs["hostname"] = "elsewhere"
        f.attrs["start_time"] = "2000-01-01T00:00:00Z"
        f.attrs["command_line"] = "something else"
    ok = _tampered(short_run, tmp_path / "ok.h5", edit)
    assert "IDENTICAL" in incubsim("verify", ok, env={"TMPDIR": str(tmp_path)}).stdout


# --- determinism ----------------------------------------------------------------

# Above the parallel grain (sim/core/parallel.hpp: 512 agents per task, 4096
# per reduction block), so that 2 and 4 threads really split the work.
MEDIUM = ["--quarters", "6", "--set", "firms.initial_count=5000",
          "--set", "researchers.count=9000"]


def test_same_seed_is_bit_identical_for_any_thread_count(incubsim, tmp_path):
    outs = {t: incubsim.run_to(tmp_path / f"t{t}.h5", *MEDIUM, "--seed", "11", threads=t)
            for t in (1, 2, 4)}
    for t in (2, 4):
        assert_same_datasets(outs[1], outs[t])
        a, b = read_root_attributes(outs[1]), read_root_attributes(outs[t])
        assert b["threads"] == t
        assert sorted(a) == sorted(b)
        for key in sorted(set(a) - RERUN_VOLATILE_ATTRIBUTES):
            assert a[key] == b[key], f"root attribute {key} differs with {t} threads"


def test_different_seed_gives_different_results(incubsim, tmp_path):
    scenario = write_text(tmp_path / "tiny.toml", TINY)
    a = read_datasets(incubsim.run_to(tmp_path / "a.h5", scenario, "--seed", "11"))
    b = read_datasets(incubsim.run_to(tmp_path / "b.h5", scenario, "--seed", "12"))
    assert sorted(a) == sorted(b)
    differing = [k for k in a if a[k].shape != b[k].shape or a[k].tobytes() != b[k].tobytes()]
    assert "agents/firms/quality" in differing and "timeseries/revenue" in differing
    assert len(differing) > len(a) // 2, f"only {differing} differ"


# --- interrupted runs ------------------------------------------------------------

LONG_RUN = ["run", "-q", "--threads", "1", "--quarters", "2000",
            "--set", "firms.initial_count=20000", "-o", "long.h5"]


@pytest.fixture
def long_run(incubsim, tmp_path):
    """A run of many seconds, started in tmp_path; yields (process, temporary
    file) once the temporary file exists. Killed at teardown if still running."""
    p = subprocess.Popen([str(incubsim.path), *LONG_RUN], cwd=tmp_path,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE,
                         # Python may inherit SIGINT ignored (e.g. from a background
                         # job); give the child the default action.
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        temp = tmp_path / f"long.h5.tmp-{p.pid}"
        deadline = time.monotonic() + 30
        while not temp.exists():
            if p.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no {temp.name} appeared while running (status {p.poll()})")
            time.sleep(0.02)
        time.sleep(0.3)  # let it write a few quarters into the temporary file
        assert p.poll() is None, "the long run finished too soon to be interrupted"
        yield p, temp
    finally:
        if p.poll() is None:
            p.kill()
        p.communicate(timeout=30)


def test_killed_run_leaves_no_final_file(long_run, tmp_path):
    p, temp = long_run
    p.kill()
    p.communicate(timeout=30)
    assert p.returncode == -signal.SIGKILL
    assert not (tmp_path / "long.h5").exists(), "a killed run left a file at the final path"
    # SIGKILL cannot be handled: the temporary file stays, as documented in
    # docs/output-format.md ("a stray *.tmp-<pid> is what a killed process left").
    leftovers = [path.name for path in tmp_path.iterdir()]
    assert leftovers in ([], [temp.name]), leftovers


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_removes_its_temporary_file(long_run, tmp_path, sig):
    p, temp = long_run
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    assert p.returncode == EXIT_INTERRUPTED, err
    assert "stopped by a signal" in (err if isinstance(err, str) else err.decode())
    assert not (tmp_path / "long.h5").exists()
    # The temporary file is gone; the checkpoint to resume from is all that is left.
    assert [x.name for x in tmp_path.iterdir()] == ["long.h5.ckpt.h5"]


def _run_with_file_size_limit(incubsim, cwd: Path, limit_bytes: int) -> subprocess.CompletedProcess:
    """`incubsim run` whose writes fail with EFBIG past `limit_bytes` (like a full disk).

    Without the final tables, so that no exited firms are kept in a spill
    file, which would reach the limit first (test_checkpoint.py tests that).
    """
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing

    return subprocess.run([str(incubsim.path), "run", "-q", "--threads", "1", "--quarters", "8",
                           "--set", "simulation.record_agents=false", "-o", "out.h5"],
                          cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, preexec_fn=limit)


def test_failed_write_reports_the_file_and_leaves_nothing(incubsim, tmp_path):
    p = _run_with_file_size_limit(incubsim, tmp_path, 50_000)
    assert p.returncode != 0
    assert "out.h5.tmp-" in p.stderr and "File too large" in p.stderr, p.stderr
    assert p.stdout == ""
    assert list(tmp_path.iterdir()) == [], "a failed run left files behind"


def test_failed_write_exits_with_file_error_status(incubsim, tmp_path):
    p = _run_with_file_size_limit(incubsim, tmp_path, 50_000)
    assert p.returncode == EXIT_IO, f"exit status {p.returncode}\n{p.stderr}"


# --- info -------------------------------------------------------------------------

def test_info_prints_provenance_and_key_metrics(incubsim, tmp_path):
    scenario = write_text(tmp_path / "tiny.toml", TINY)
    out = incubsim.run_to(tmp_path / "tiny.h5", scenario, "--seed", "4242", threads=2)
    r = incubsim("info", out)
    attrs = read_root_attributes(out)
    ts = read_group(out, "timeseries")
    text = r.stdout

    def field(name: str) -> str:
        m = re.search(rf"^  {name}\s+(.*)$", text, re.M)
        assert m, f"info prints no {name!r} line:\n{text}"
        return m.group(1)

    assert text.startswith(f"{out}: incubsim-run format {attrs['format_version']},")
    assert field("seed") == "4242"
    assert field("threads") == "2"
    assert field("scenario").startswith(f"{scenario} (")
    assert field("quarters") == "6 recorded after 2 burn-in"
    assert field("started") == attrs["start_time"] and field("finished") == attrs["end_time"]
    assert attrs["git_sha"] in field("written by")
    for group in ("/timeseries", "/events", "/agents/firms", "/agents/funds", "/network/ties"):
        assert re.search(rf"^  {re.escape(group)}\s+\d+ datasets", text, re.M), group
    assert re.search(rf"^  /timeseries\s+{len(ts)} datasets", text, re.M)

    def metric(label: str) -> list[float]:
        m = re.search(rf"^  {re.escape(label)}\s+(.*)$", text, re.M)
        assert m, f"info prints no {label!r} metric:\n{text}"
        return [float(v) for v in m.group(1).split(" / ")]

    assert metric("firms alive at the end") == [ts["firms_alive"][-1]]
    assert metric("births / deaths") == [ts["births"].sum(), ts["deaths"].sum()]
    assert metric("rounds closed") == [ts["rounds_closed"].sum()]
    assert metric("invested (M yuan)")[0] == pytest.approx(ts["amount_invested"].sum(), abs=0.051)
    assert metric("licences / spin-offs") == [ts["transfers_licence"].sum(),
                                              ts["transfers_spinoff"].sum()]


# --- option parsing quirks --------------------------------------------------------

def test_set_before_scenario_positional(incubsim, tmp_path):
    write_text(tmp_path / "tiny.toml", TINY)
    r = incubsim("check", "--set", "simulation.seed=5", "tiny.toml", cwd=tmp_path)
    assert tomllib.loads(r.stdout)["simulation"]["quarters"] == 6
