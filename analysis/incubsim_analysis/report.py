"""A self-contained HTML report of a run, comparison or merged sweep file.

`report` writes one HTML file that can be emailed (figures embedded, style
inline, no external URL). The sections for each kind of file live in
report_run, report_compare and report_sweep; the page's building blocks in
report_html. matplotlib is imported (Agg backend) only when a report is made.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import load as _load
from .errors import AnalysisError
from .report_compare import compare_sections
from .report_html import attr, write_page
from .report_run import run_sections
from .report_sweep import sweep_sections

__all__ = ["report"]

_KINDS = {_load.RUN: ("run", run_sections),
          _load.COMPARE: ("comparison", compare_sections),
          _load.SWEEP: ("sweep", sweep_sections)}


def report(path: str | os.PathLike, out_html: str | os.PathLike) -> Path:
    """Write a self-contained HTML report of a run, comparison or sweep file.

    Parameters
    ----------
    path : path-like
        An ``incubsim-run``, ``incubsim-compare`` or ``incubsim-sweep`` file.
    out_html : path-like
        The HTML file to write; written under a temporary name beside it and
        renamed when complete.

    Returns
    -------
    pathlib.Path
        ``out_html``.

    Raises
    ------
    FormatError
        Not HDF5, another format or a newer major version.
    AnalysisError
        A damaged or incomplete file.
    """
    with _load.open_checked(path, tuple(_KINDS)) as f:
        kind, sections = _KINDS[_load.text(f.attrs["format"])]
        try:
            body = sections(path, f)
        except (KeyError, OSError, RuntimeError) as e:
            raise AnalysisError(f"{os.fspath(path)}: cannot read it ({e}); the file is "
                                "damaged or incomplete") from None
        version = attr(f, "incubsim_version")
    title = f"incubsim {kind} report: {os.path.basename(os.fspath(path))}"
    return write_page(out_html, title, body, version)
