"""docs/ODD.md must stay in step with the code.

1. The parameter table between the marker lines `<!-- params:begin -->` and
   `<!-- params:end -->` must equal the output of `incubsim params` exactly.
   On a mismatch the test prints a unified diff; with INCUBSIM_UPDATE_GOLDEN=1
   it rewrites the block in place instead of failing.
2. Every phase of the quarterly schedule (kQuarterSchedule in
   sim/core/schedule.hpp) has a submodel heading naming it in backticks, and
   every metric of the X(...) list in sim/engine/metrics.hpp is mentioned (in
   backticks) in the Observation section; the Observation metric table names
   no metric that no longer exists.
3. Every parameter key the prose mentions in backticks exists
   (`funds.<type>.name` is checked for every fund type).

CTest sets INCUBSIM_BIN (the binary) and INCUBSIM_SOURCE_DIR (the source tree).
By hand:
    INCUBSIM_BIN=build/<dir>/sim/incubsim INCUBSIM_SOURCE_DIR=$PWD \\
        /usr/bin/python3 -m pytest -q tests/integration/test_docs.py
"""
from __future__ import annotations

import difflib
import os
import re
import subprocess
from pathlib import Path

import pytest

BEGIN_MARKER = "<!-- params:begin -->"
END_MARKER = "<!-- params:end -->"
UPDATE_ENV = "INCUBSIM_UPDATE_GOLDEN"
PARAM_SECTIONS = ("simulation", "market", "researchers", "inventions", "transfer", "firms",
                  "incubators", "funds", "network")
HOW_TO_RUN = ("run it through CTest (ctest -R pytest_integration) or set it by hand: "
              "INCUBSIM_BIN=build/<dir>/sim/incubsim INCUBSIM_SOURCE_DIR=$PWD "
              "/usr/bin/python3 -m pytest -q tests/integration/test_docs.py")


def _env_path(name: str, what: str) -> Path:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"environment variable {name} is not set: it must name {what}; {HOW_TO_RUN}",
                    pytrace=False)
    return Path(value).resolve()


def _odd_binary() -> Path:
    path = _env_path("INCUBSIM_BIN", "the incubsim binary")
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"INCUBSIM_BIN={path} is not an executable file; build the incubsim target "
                    "first", pytrace=False)
    return path


def _odd_source_dir() -> Path:
    path = _env_path("INCUBSIM_SOURCE_DIR", "the root of the incubsim source tree")
    if not (path / "sim" / "core" / "schedule.hpp").is_file():
        pytest.fail(f"INCUBSIM_SOURCE_DIR={path} has no sim/core/schedule.hpp; it must name the "
                    "root of the source tree", pytrace=False)
    return path


def _odd_file() -> Path:
    path = _odd_source_dir() / "docs" / "ODD.md"
    if not path.is_file():
        pytest.fail(f"{path} does not exist", pytrace=False)
    return path


def _params_output() -> str:
    binary = _odd_binary()
    try:
        done = subprocess.run([str(binary), "params"], capture_output=True, text=True,
                              encoding="utf-8", timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"'{binary} params' did not finish within 60 s", pytrace=False)
    if done.returncode != 0:
        pytest.fail(f"'{binary} params' exited with status {done.returncode}:\n{done.stderr}",
                    pytrace=False)
    if not done.stdout.strip():
        pytest.fail(f"'{binary} params' printed nothing", pytrace=False)
    return done.stdout


def _split_params_block(text: str) -> tuple[str, str, str]:
    """(text up to and including the begin marker line, the block, the rest
    from the end marker line on). Each marker must stand on a line of its own,
    exactly once, begin before end."""
    begins = list(re.finditer(r"^" + re.escape(BEGIN_MARKER) + r"[ \t]*\n", text, re.M))
    ends = list(re.finditer(r"^" + re.escape(END_MARKER) + r"[ \t]*$", text, re.M))
    if len(begins) != 1 or len(ends) != 1:
        pytest.fail(f"docs/ODD.md must contain exactly one line '{BEGIN_MARKER}' and one line "
                    f"'{END_MARKER}' (found {len(begins)} and {len(ends)})", pytrace=False)
    start, stop = begins[0].end(), ends[0].start()
    if stop < start:
        pytest.fail(f"'{END_MARKER}' comes before '{BEGIN_MARKER}' in docs/ODD.md", pytrace=False)
    return text[:start], text[start:stop], text[stop:]


def _sections(text: str) -> list[tuple[int, str, int, int]]:
    """Markdown headings outside fenced code: (level, title, start, end of
    the section's body, which runs to the next heading of the same or a
    higher level)."""
    heads: list[tuple[int, str, int]] = []
    fenced = False
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            m = re.match(r"(#{1,6})[ \t]+(.*?)[ \t#]*$", line.rstrip("\n"))
            if m:
                heads.append((len(m.group(1)), m.group(2), offset))
        offset += len(line)
    out = []
    for k, (level, title, start) in enumerate(heads):
        end = len(text)
        for level2, _, start2 in heads[k + 1:]:
            if level2 <= level:
                end = start2
                break
        out.append((level, title, start, end))
    return out


def _section(text: str, pattern: str, level: int | None = None) -> tuple[int, str, int, int]:
    found = [s for s in _sections(text)
             if re.search(pattern, s[1], re.I) and (level is None or s[0] == level)]
    if len(found) != 1:
        pytest.fail(f"docs/ODD.md must have exactly one heading matching /{pattern}/"
                    f"{'' if level is None else f' at level {level}'} (found {len(found)})",
                    pytrace=False)
    return found[0]


def _schedule_phases(source: Path) -> list[str]:
    schedule = (source / "sim" / "core" / "schedule.hpp").read_text(encoding="utf-8")
    m = re.search(r"kQuarterSchedule\s*=\s*\{(.*?)\};", schedule, re.S)
    if not m:
        pytest.fail("cannot find kQuarterSchedule in sim/core/schedule.hpp", pytrace=False)
    idents = re.findall(r"Phase::(\w+)", m.group(1))
    if not idents:
        pytest.fail("kQuarterSchedule in sim/core/schedule.hpp lists no phase", pytrace=False)
    # The name a phase has in the output (to_string), where it can be found.
    names: dict[str, str] = {}
    for path in sorted((source / "sim" / "core").glob("*.cpp")):
        for ident, name in re.findall(r'case\s+Phase::(\w+)\s*:\s*return\s*"([^"]+)"',
                                      path.read_text(encoding="utf-8")):
            names[ident] = name
    return [names.get(i, i) for i in idents]


def _metric_names(source: Path) -> list[str]:
    header = (source / "sim" / "engine" / "metrics.hpp").read_text(encoding="utf-8")
    m = re.search(r"#define\s+INCUBSIM_METRICS\(X\)(.*?)(?<!\\)\n", header, re.S)
    if not m:
        pytest.fail("cannot find the INCUBSIM_METRICS(X) list in sim/engine/metrics.hpp",
                    pytrace=False)
    names = re.findall(r"\bX\(\s*(\w+)\s*,", m.group(1))
    if not names:
        pytest.fail("the INCUBSIM_METRICS(X) list in sim/engine/metrics.hpp names no metric",
                    pytrace=False)
    return names


def test_params_table_matches_incubsim_params():
    odd = _odd_file()
    expected = _params_output()
    text = odd.read_text(encoding="utf-8")
    before, block, after = _split_params_block(text)
    if block == expected:
        return
    if os.environ.get(UPDATE_ENV) == "1":
        odd.write_text(before + expected + after, encoding="utf-8")
        return
    diff = "".join(difflib.unified_diff(block.splitlines(keepends=True),
                                        expected.splitlines(keepends=True),
                                        fromfile="docs/ODD.md (between the params markers)",
                                        tofile="incubsim params"))
    pytest.fail("the parameter table in docs/ODD.md differs from `incubsim params`:\n"
                f"{diff}\nIf the change in the parameters is intended, regenerate the table with "
                f"{UPDATE_ENV}=1 (same command) and review the diff of docs/ODD.md.",
                pytrace=False)


def test_phases_and_metrics_are_documented():
    source = _odd_source_dir()
    text = _odd_file().read_text(encoding="utf-8")
    problems: list[str] = []

    _, _, start, end = _section(text, r"^(?:[\d.]+\s+)?Submodels$", level=2)
    headings = [title for level, title, s, _ in _sections(text) if start < s < end and level > 2]
    for phase in _schedule_phases(source):
        if not any(f"`{phase}`" in title for title in headings):
            problems.append(f"phase '{phase}' has no submodel heading naming `{phase}` "
                            "under '## 7. Submodels'")

    metrics = _metric_names(source)
    _, _, start, end = _section(text, r"^(?:[\d.]+\s+)?Observation$")
    observation = text[start:end]
    for name in metrics:
        if f"`{name}`" not in observation:
            problems.append(f"metric '{name}' (sim/engine/metrics.hpp) is not mentioned as "
                            f"`{name}` in the Observation section")
    # The metric table (first table whose first header cell is "metric") must
    # not describe metrics that no longer exist.
    known = set(metrics)
    in_table = False
    for line in observation.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") \
            else None
        if cells is None:
            if in_table:
                break
            continue
        if not in_table:
            in_table = cells[0].lower() == "metric"
            continue
        for name in re.findall(r"`([^`]+)`", cells[0]):
            if name not in known:
                problems.append(f"the Observation metric table describes `{name}`, which is not in "
                                "sim/engine/metrics.hpp")
    assert not problems, "docs/ODD.md is out of step with the code:\n  " + "\n  ".join(problems)


def test_parameter_keys_in_prose_exist():
    output = _params_output()
    keys = set(re.findall(r"^\| `([^`]+)` \|", output, re.M))
    if not keys:
        pytest.fail("cannot read any key from `incubsim params`", pytrace=False)
    fund_types = sorted({m.group(1) for k in keys if (m := re.match(r"funds\.(\w+)\.\w+$", k))})
    text = _odd_file().read_text(encoding="utf-8")
    before, _, after = _split_params_block(text)
    pattern = re.compile(r"`((?:%s)\.[A-Za-z0-9_.<>]+)`" % "|".join(PARAM_SECTIONS))
    unknown: set[str] = set()
    for token in pattern.findall(before + after):
        if re.search(r"\.(hpp|cpp|md|h5|toml|py)$", token):
            continue
        if "<type>" in token:
            if re.search(r"<(?!type>)[^>]*>", token):
                continue  # a placeholder for the name as well: nothing to check
            candidates = [token.replace("<type>", t) for t in fund_types]
        else:
            candidates = [token]
        unknown.update(c for c in candidates if c not in keys)
    assert not unknown, ("docs/ODD.md names parameter keys that `incubsim params` does not list "
                         "(renamed or removed?): " + ", ".join(sorted(unknown)))
