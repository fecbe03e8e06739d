"""Figures of sensitivity indices, shared by the `sensitivity --plot`
command, the sweep report and the experiments: one panel per metric,
Sobol S1 and ST as horizontal bars with their intervals, or Morris μ*
against σ with the parameters labelled."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["indices_figure", "short_name"]

S1_COLOUR, ST_COLOUR = "#2b5d8a", "#c8782a"


def short_name(key: str) -> str:
    """A scenario key's last part, readable: policy.x.premium_rate -> premium rate."""
    return key.split(".")[-1].replace("_", " ")


def _sobol_panel(ax, d: pd.DataFrame, params: list[str]) -> None:
    d = d.set_index("parameter").reindex(params)
    y = np.arange(len(params))[::-1]
    for off, col, colour, label in ((.18, "S1", S1_COLOUR, "first order S1"),
                                    (-.18, "ST", ST_COLOUR, "total ST")):
        v = d[col].to_numpy(float)
        err = np.vstack([np.clip(v - d[f"{col}_low"].to_numpy(float), 0, None),
                         np.clip(d[f"{col}_high"].to_numpy(float) - v, 0, None)])
        ax.barh(y + off, np.nan_to_num(v), .34, xerr=np.nan_to_num(err), color=colour,
                label=label, error_kw={"lw": .8, "capsize": 2})
    ax.set_yticks(y, [short_name(p) for p in params], fontsize=8)
    ax.axvline(0, color="#999", lw=.8)
    ax.grid(axis="x", alpha=.3)


def _morris_panel(ax, d: pd.DataFrame) -> None:
    ax.scatter(d["mu_star"], d["sigma"], color=S1_COLOUR, s=14)
    for name, x, y in zip(d["parameter"], d["mu_star"], d["sigma"]):
        if np.isfinite(x) and np.isfinite(y):
            ax.annotate(short_name(name), (x, y), fontsize=7, xytext=(3, 2),
                        textcoords="offset points")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.margins(.25)
    ax.set_xlabel("μ* (mean |elementary effect|)", fontsize=8)
    ax.set_ylabel("σ", fontsize=8)
    ax.grid(alpha=.3)


def indices_figure(plt, table: pd.DataFrame, metrics: Sequence[str] | None = None, *,
                   titles: Mapping[str, str] | None = None, cols: int = 2):
    """A figure of `sweep_sensitivity`'s table (columns metric, parameter and
    S1... or mu_star/sigma): one panel per metric, in `metrics` order
    (default: the table's), titled by `titles` or the metric's name."""
    metrics = list(dict.fromkeys(table["metric"])) if metrics is None else list(metrics)
    n = max(1, len(metrics))
    cols = min(cols, n)
    rows = (n + cols - 1) // cols
    morris = "mu_star" in table.columns
    params = list(dict.fromkeys(table["parameter"]))
    height = 2.8 if morris else .5 * len(params) + .9
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, height * rows + .5), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        d = table[table["metric"] == metric]
        if morris:
            _morris_panel(ax, d)
        else:
            _sobol_panel(ax, d, params)
        ax.set_title((titles or {}).get(metric, metric.replace("_", " ")), fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    if not morris:
        for ax in axes[-1]:
            ax.set_xlabel("Sobol index (share of variance)", fontsize=8)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 1 - .35 / fig.get_figheight()))
    else:
        fig.tight_layout()
    return fig
