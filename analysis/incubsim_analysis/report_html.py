"""HTML building blocks of the reports: escaping, number formatting, tables,
embedded figures and notes, and the page itself (written atomically).

Figures are PNG images embedded as base64, the style sheet is inline, and
nothing refers to an external URL, so a page can be emailed. matplotlib is
imported (Agg backend) only when a figure is drawn.
"""
from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from . import load as _load

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:960px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #2b5d8a;padding-bottom:.2em}
h2{font-size:1.25em;color:#2b5d8a;margin-top:1.8em}
h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef3f8}
figure{margin:1em 0 1.5em}
figure img{max-width:100%;height:auto;border:1px solid #e3e3e3}
figcaption{font-size:.88em;color:#555;margin-top:.3em}
p.note{color:#7a5b00;background:#fff8e1;padding:.4em .7em;border-left:3px solid #e0b000}
details pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:.8em;max-height:30em}
footer{margin-top:3em;font-size:.8em;color:#777}
"""


def esc(x) -> str:
    return html.escape(str(x), quote=True)


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        if v == int(v) and abs(v) < 1e12:
            return f"{int(v):,}"
        return f"{v:,.3g}" if abs(v) < 1e-2 else f"{v:,.3f}".rstrip("0").rstrip(".")
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return str(v)


def table_html(df: pd.DataFrame, index: bool = False) -> str:
    if index:
        df = df.reset_index()
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    rows = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, (int, float, np.integer, np.floating))
            cells.append(f'<td class="num">{esc(fmt(v))}</td>' if num
                         else f"<td>{esc(fmt(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def figure(fig, caption: str) -> str:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def attr(f: h5py.File, name: str, default="") -> str:
    return _load.text(f.attrs[name]) if name in f.attrs else default




def write_page(out_html: str | os.PathLike, title: str, body: list[str], version: str) -> Path:
    """Write the page under a temporary name beside `out_html`, then rename
    it, so a reader never sees half a report."""
    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
           f"<h1>{esc(title)}</h1>" + "\n".join(body)
           + f"<footer>Made by incubsim-analysis from a file written by incubsim "
             f"{esc(version)}.</footer></body></html>\n")
    out = Path(out_html)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(doc, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
