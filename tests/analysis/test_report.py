"""incubsim_analysis.report and the `report` command, on real files made by the
binary: a short run (with agent tables), a small comparison and small
merged sweeps. The HTML must
be self-contained (no http(s) URLs, every image a data: PNG) and render in a
real headless Chromium: every image decoded and shown, no SEVERE console
entries. A screenshot goes to $INCUBSIM_TEST_ARTIFACTS (or the test's tmp
dir)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from incubsim_analysis import FormatError
from incubsim_analysis.report import report

ANALYSIS_DIR = Path(__file__).resolve().parents[2] / "analysis"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def run_file(incubsim, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report_run") / "run.h5"
    incubsim("run", "-q", "--quarters", "6", "--set", "firms.initial_count=300",
             "--set", "researchers.count=600", "-o", out)
    return out


@pytest.fixture(scope="module")
def compare_file(incubsim, source_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report_compare") / "cmp.h5"
    ouhai = source_dir / "scenarios" / "ouhai"
    incubsim("compare", "-q", "-n", "2", "--quarters", "4", "--threads", "2",
             "--bootstrap", "100", "--set", "firms.initial_count=200",
             "--set", "researchers.count=400", "--set", "simulation.burn_in=0",
             ouhai / "baseline.toml", ouhai / "insurance_pilot.toml", "-o", out)
    return out


@pytest.fixture(scope="module")
def policy_file(incubsim, source_dir, tmp_path_factory) -> Path:
    """A run where the insurance pilot is active from the first quarter."""
    out = tmp_path_factory.mktemp("report_policy") / "policy.h5"
    incubsim("run", "-q", "--quarters", "6", "--set", "firms.initial_count=300",
             "--set", "researchers.count=600", "--set", "simulation.burn_in=0",
             "--set", "policy.tech_transfer_insurance.start_quarter=0", "-o", out,
             source_dir / "scenarios" / "ouhai" / "insurance_pilot.toml")
    return out


SWEEP_TOML = """\
design = "{design}"
{extra}replicates = {replicates}
seed = 5

[fixed]
"simulation.quarters" = 4
"simulation.burn_in" = 0
"firms.initial_count" = 200
"researchers.count" = 400

[[parameter]]
key = "firms.founders_per_quarter"
min = 5.0
max = 40.0
{steps}
[[parameter]]
key = "firms.fixed_cost"
min = 0.02
max = 0.08
{steps}
# The insurance is off in the baseline: this parameter moves nothing.
[[parameter]]
key = "policy.tech_transfer_insurance.coverage"
min = 0.2
max = 1.0
{steps}
[outputs]
metrics = ["births", "firms_alive", "liability_covered"]
"""


def _sweep(incubsim, top: Path, design: str, extra: str = "", replicates: int = 1,
           steps: str = "", drop_run: bool = False) -> Path:
    top.mkdir(parents=True, exist_ok=True)
    spec = top / "S.toml"
    spec.write_text(SWEEP_TOML.format(design=design, extra=extra, replicates=replicates,
                                      steps=steps), encoding="utf-8")
    incubsim("sweep", "plan", spec, "-o", top / "D")
    incubsim("sweep", "run", top / "D", "-q", "--threads", "2")
    merge = ["sweep", "merge", top / "D", "-o", top / "M.h5"]
    if drop_run:
        next((top / "D").rglob("run-00000001.h5")).unlink()
        merge.append("--allow-missing")
    incubsim(*merge)
    return top / "M.h5"


@pytest.fixture(scope="module")
def sweep_file(incubsim, tmp_path_factory) -> Path:
    """A Saltelli sweep: 8 base rows x (3 + 2) points."""
    return _sweep(incubsim, tmp_path_factory.mktemp("report_sweep"), "saltelli", "points = 8\n")


@pytest.fixture(scope="module")
def reports(run_file, compare_file, policy_file, sweep_file,
            tmp_path_factory) -> dict[str, Path]:
    top = tmp_path_factory.mktemp("reports")
    return {"run": report(run_file, top / "run.html"),
            "compare": report(compare_file, top / "compare.html"),
            "policy": report(policy_file, top / "policy.html"),
            "sweep": report(sweep_file, top / "sweep.html")}


def _artifacts(tmp_path: Path) -> Path:
    d = os.environ.get("INCUBSIM_TEST_ARTIFACTS")
    path = Path(d) if d else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _self_contained(text: str) -> None:
    assert not re.search(r"https?://", text), "the report refers to an external URL"
    imgs = re.findall(r"<img\b[^>]*>", text)
    assert imgs
    for tag in imgs:
        src = re.search(r'src="([^"]*)"', tag).group(1)
        assert src.startswith("data:image/png;base64,"), tag[:80]
    assert "<style>" in text and "<link" not in text and "<script" not in text


# --- content ----------------------------------------------------------------------

def test_run_report_content(reports, run_file):
    text = reports["run"].read_text(encoding="utf-8")
    _self_contained(text)
    for heading in ("Provenance", "Firm population", "Funding", "Firm survival",
                    "Technology transfer pipeline", "Policy ledgers", "Network (end of run)"):
        assert heading in text
    assert "Kaplan–Meier" in text
    assert "<details>" in text and "[simulation]" in text
    assert "git SHA" in text and "20240601" in text
    # The baseline has no active instruments: every ledger is noted as all zero.
    assert "All-zero ledgers" in text and "government" in text
    assert "never active" in text and "tech_transfer_insurance" in text
    assert text.count("<figcaption>") == len(re.findall(r"<img\b", text)) >= 5
    assert "mean_degree" in text
    assert "Force-directed layout" in text and "Degree distribution by agent kind" in text
    assert "stacked by the type of fund" in text and "by fund type and round" in text
    assert not list(reports["run"].parent.glob(".*tmp-*"))


def test_active_ledgers_drawn(reports):
    text = reports["policy"].read_text(encoding="utf-8")
    _self_contained(text)
    assert "<h3>tech transfer insurance</h3>" in text
    assert "<h3>government</h3>" in text
    assert "Ledger tech_transfer_insurance:" in text and "total (flows)" in text
    assert "All-zero ledgers" in text and "index_loans" in text


def test_compare_report_content(reports):
    text = reports["compare"].read_text(encoding="utf-8")
    _self_contained(text)
    assert "Effects of the policy" in text and "95 % low" in text
    assert "cost per unit" in text and "firms_alive_end" in text
    assert "insurance_pilot" in text


def test_sweep_report_content(reports):
    text = reports["sweep"].read_text(encoding="utf-8")
    _self_contained(text)
    assert "incubsim sweep report" in text
    for heading in ("Provenance", "Varied parameters", "Runs", "Outcomes across the design",
                    "Outcomes over time", "Sensitivity"):
        assert f"<h2>{heading}</h2>" in text
    assert "saltelli" in text and "40 / 40 / 0 / 0" in text
    for key in ("firms.founders_per_quarter", "firms.fixed_cost",
                "policy.tech_transfer_insurance.coverage"):
        assert key in text
    # The sweep file and the base scenario are embedded.
    assert text.count("<details>") == 2 and "[[parameter]]" in text
    # liability_covered never moves (the insurance is off): said, not drawn as indices.
    assert re.search(r"Not moved by any varied parameter[^<]*liability_covered", text)
    assert re.search(r"No indices[^<]*liability_covered", text)
    assert "S1_low" in text and "ST_high" in text
    # Scatter grid, series bands, Sobol bars.
    assert len(re.findall(r"<img\b", text)) == 3


def test_sweep_report_with_missing_runs(incubsim, tmp_path):
    merged = _sweep(incubsim, tmp_path / "grid", "grid", steps="steps = 2\n", drop_run=True)
    text = report(merged, tmp_path / "grid.html").read_text(encoding="utf-8")
    _self_contained(text)
    assert "1 missing" in text and "runs are not done" in text
    assert "<h2>Sensitivity</h2>" not in text  # a grid has no indices
    morris = _sweep(incubsim, tmp_path / "morris", "morris", "points = 3\nlevels = 4\n")
    text = report(morris, tmp_path / "morris.html").read_text(encoding="utf-8")
    assert "<h2>Sensitivity</h2>" in text and "μ*" in text and "mu_star" in text


def test_run_without_agents(incubsim, tmp_path):
    src = tmp_path / "plain.h5"
    incubsim("run", "-q", "--quarters", "3", "--set", "firms.initial_count=200",
             "--set", "researchers.count=400", "-o", src)
    # Remove /agents from a copy rather than depending on a flag's name.
    import h5py
    with h5py.File(src, "a") as f:
        if "agents" in f:
            del f["agents"]
    text = report(src, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "without agent tables" in text
    assert "Funding by fund type needs the events" in text
    _self_contained(text)


def test_spring_layout_is_seeded_and_pulls_ties_together():
    from incubsim_analysis.report_network import spring_layout
    # Two 5-cliques joined by one tie, and an isolated pair.
    edges = [(a, b) for c in (0, 5) for a in range(c, c + 5) for b in range(a + 1, c + 5)]
    edges += [(4, 5), (10, 11)]
    edges = np.array(edges)
    pos = spring_layout(12, edges, seed=3)
    np.testing.assert_array_equal(pos, spring_layout(12, edges, seed=3))
    assert not np.array_equal(pos, spring_layout(12, edges, seed=4))
    assert pos.shape == (12, 2) and pos.min() == 0 and pos.max() == 1
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    within = np.mean([d[a, b] for a, b in edges[:-2]])
    across = np.mean([d[a, b] for a in range(5) for b in range(5, 10)])
    assert within < 0.6 * across


def test_foreign_file_is_format_error(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not hdf5\n", encoding="utf-8")
    with pytest.raises(FormatError):
        report(bad, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


# --- command line -------------------------------------------------------------------

def _cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ANALYSIS_DIR),
                                                      env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "incubsim_analysis", *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_cli(run_file, tmp_path):
    r = _cli("report", run_file, "-o", tmp_path / "r.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    _self_contained((tmp_path / "r.html").read_text(encoding="utf-8"))
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n", encoding="utf-8")
    r = _cli("report", bad, "-o", tmp_path / "b.html", cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an HDF5 file" in lines[0]
    assert not (tmp_path / "b.html").exists()


# --- real browser -------------------------------------------------------------------

def _driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed")
    chromium = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    driver = shutil.which("chromedriver") or (CHROMEDRIVER if os.path.exists(CHROMEDRIVER)
                                               else None)
    if not chromium:
        pytest.skip("chromium is not installed")
    if not driver:
        pytest.skip("chromedriver is not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts)


@pytest.mark.parametrize("kind", ["run", "compare", "policy", "sweep"])
def test_renders_in_chromium(reports, kind, tmp_path):
    from selenium.webdriver.common.by import By
    drv = _driver()
    try:
        drv.get(reports[kind].resolve().as_uri())
        imgs = drv.find_elements(By.TAG_NAME, "img")
        assert imgs
        for img in imgs:
            drv.execute_script("arguments[0].scrollIntoView();", img)
            assert drv.execute_script("return arguments[0].complete && "
                                      "arguments[0].naturalWidth", img) > 0
            assert img.is_displayed()
            assert img.size["width"] > 0 and img.size["height"] > 0
        drv.execute_script("window.scrollTo(0, 0);")
        severe = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]
        assert not severe, severe
        shot = _artifacts(tmp_path) / f"report-{kind}.png"
        assert drv.save_screenshot(str(shot))
        assert shot.stat().st_size > 0
    finally:
        drv.quit()
