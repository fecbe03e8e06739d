"""docs/output-format.md embeds `incubsim schema`; this keeps it current.

Set INCUBSIM_UPDATE_GOLDEN=1 to rewrite the block after a deliberate
change to the output schema (then review the diff and commit it).
"""
import difflib
import os
import pathlib
import subprocess

BEGIN = "<!-- schema:begin -->\n"
END = "<!-- schema:end -->"


def _env(name):
    value = os.environ.get(name)
    assert value, f"{name} is not set; run the Python tests through ctest"
    return value


def test_schema_section_matches_incubsim_schema():
    binary = _env("INCUBSIM_BIN")
    doc = pathlib.Path(_env("INCUBSIM_SOURCE_DIR")) / "docs" / "output-format.md"
    text = doc.read_text()
    assert BEGIN in text and END in text, f"{doc} lacks the schema markers"
    head, rest = text.split(BEGIN, 1)
    current, tail = rest.split(END, 1)
    expected = subprocess.run([binary, "schema"], check=True, capture_output=True, text=True).stdout
    if current == expected:
        return
    if os.environ.get("INCUBSIM_UPDATE_GOLDEN") == "1":
        doc.write_text(head + BEGIN + expected + END + tail)
        print(f"updated the schema section of {doc}")
        return
    diff = "".join(difflib.unified_diff(current.splitlines(True), expected.splitlines(True),
                                        "docs/output-format.md", "incubsim schema"))
    raise AssertionError("docs/output-format.md is out of date (rerun with "
                         "INCUBSIM_UPDATE_GOLDEN=1):\n" + diff)
