"""The network section of a run report: a picture of the ecosystem's core
and the degree distribution by agent kind, from /network/ties.

A whole Ouhai-size network (thousands of researchers and firms) is an
unreadable hairball, so the picture keeps every incubator and fund, the
ties among them, and the firms most tied to them (at most `MAX_FIRMS`),
laid out by a seeded force-directed layout; the degree distribution uses
every tie."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import load as _load
from .report_html import figure, note

__all__ = ["network_figures", "spring_layout"]

MAX_FIRMS = 300
KIND_COLOURS = {"incubator": "#c0504d", "fund": "#2b5d8a", "firm": "#9bbb59",
                "researcher": "#8064a2", "institution": "#f79646"}
HUBS = ("incubator", "fund")


def spring_layout(n: int, edges: np.ndarray, *, seed: int = 0, iterations: int = 150,
                  gravity: float = 2.0) -> np.ndarray:
    """Fruchterman-Reingold positions (n x 2, in the unit square) for a
    graph of n nodes and edges (m x 2 node indices). Every pair repels
    (k^2 / d), tied nodes attract (d^2 / k), a weak pull toward the centre
    (gravity x k x distance) keeps small components from drifting to the
    edge, and the step shrinks linearly, so the result depends only on the
    graph and the seed. O(n^2) per iteration: meant for the few hundred
    nodes of a picture."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n < 2:
        return pos
    k = np.sqrt(1.0 / n)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    for step in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-4)
        push = (delta / dist[..., None] * (k * k / dist)[..., None]).sum(axis=1)
        if len(edges):
            d = pos[edges[:, 0]] - pos[edges[:, 1]]
            length = np.maximum(np.linalg.norm(d, axis=1), 1e-4)
            pull = d / length[:, None] * (length * length / k)[:, None]
            np.add.at(push, edges[:, 0], -pull)
            np.add.at(push, edges[:, 1], pull)
        push -= gravity * k * (pos - pos.mean(axis=0))
        temperature = 0.1 * (1.0 - step / iterations)
        size = np.maximum(np.linalg.norm(push, axis=1), 1e-9)
        pos += push / size[:, None] * np.minimum(size, temperature)[:, None]
    span = np.ptp(pos, axis=0)
    return (pos - pos.min(axis=0)) / np.where(span > 0, span, 1.0)


def _ties(f) -> pd.DataFrame:
    g = f["network/ties"]
    return pd.DataFrame({c: _load._column(g[c]) for c in
                         ("type", "source_kind", "source", "target_kind", "target")})


def _core(ties: pd.DataFrame) -> tuple[list[tuple[str, int]], np.ndarray, list[str]]:
    """Nodes (kind, id), edges (index pairs) and edge types of the picture:
    hubs, the ties among them, and the firms with most ties to hubs."""
    src = list(zip(ties["source_kind"], ties["source"].astype(int)))
    dst = list(zip(ties["target_kind"], ties["target"].astype(int)))
    hub_src = ties["source_kind"].isin(HUBS).to_numpy()
    hub_dst = ties["target_kind"].isin(HUBS).to_numpy()
    firm_links: dict[tuple[str, int], int] = {}
    for a, b, hs, hd in zip(src, dst, hub_src, hub_dst):
        if hs and b[0] == "firm":
            firm_links[b] = firm_links.get(b, 0) + 1
        if hd and a[0] == "firm":
            firm_links[a] = firm_links.get(a, 0) + 1
    # Most-tied firms first, ties broken by id, so the picture is reproducible.
    firms = sorted(firm_links, key=lambda n: (-firm_links[n], n[1]))[:MAX_FIRMS]
    hubs = sorted({n for n, h in zip(src, hub_src) if h} | {n for n, h in zip(dst, hub_dst) if h})
    kept = set(hubs) | set(firms)
    pairs = [(a, b, str(t)) for a, b, t in zip(src, dst, ties["type"])
             if a in kept and b in kept]
    # Only nodes with a tie in the picture: a lone dot says nothing.
    nodes = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs},
                   key=lambda n: (n[0] not in HUBS, n[0], n[1]))
    index = {n: i for i, n in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b, _ in pairs], dtype=np.int64)
    return nodes, edges.reshape(-1, 2), [t for _, _, t in pairs]


def _degree_ccdf(ax, ties: pd.DataFrame) -> None:
    ends = pd.concat([ties[["source_kind", "source"]].set_axis(["kind", "id"], axis=1),
                      ties[["target_kind", "target"]].set_axis(["kind", "id"], axis=1)])
    degree = ends.groupby(["kind", "id"]).size()
    for kind in sorted(degree.index.get_level_values("kind").unique()):
        d = np.sort(degree.loc[kind].to_numpy())
        share = 1.0 - np.arange(len(d)) / len(d)
        ax.step(d, share, where="post", label=f"{kind} ({len(d):,})",
                color=KIND_COLOURS.get(kind, "#777"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ties (degree)")
    ax.set_ylabel("share with at least this many")
    ax.grid(alpha=.3, which="both")
    ax.legend(fontsize=7)


def network_figures(f, plt) -> list[str]:
    """The picture and the degree distribution, or a note when the run has
    no tie table (written without agent tables)."""
    if "network/ties" not in f:
        return [note("This run has no /network/ties (written with record_agents = false), "
                     "so the network cannot be drawn.")]
    ties = _ties(f)
    if ties.empty:
        return [note("The network has no ties at the end of the run.")]
    nodes, edges, types = _core(ties)
    out = []
    if len(nodes) >= 2:
        pos = spring_layout(len(nodes), edges, seed=0)
        from matplotlib.collections import LineCollection
        fig, ax = plt.subplots(figsize=(8, 6.4))
        ax.add_collection(LineCollection(pos[edges], colors="#bbbbbb", linewidths=.4,
                                         alpha=.7, zorder=1))
        degree = np.bincount(edges.ravel(), minlength=len(nodes)) if len(edges) else \
            np.zeros(len(nodes))
        kinds = np.array([k for k, _ in nodes])
        for kind in dict.fromkeys(kinds):
            m = kinds == kind
            ax.scatter(pos[m, 0], pos[m, 1], s=8 + 6 * np.sqrt(degree[m]), zorder=2,
                       color=KIND_COLOURS.get(kind, "#777"), edgecolors="white",
                       linewidths=.3, label=f"{kind} ({int(m.sum()):,})")
        ax.set_axis_off()
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1), markerscale=1.2)
        counts = pd.Series(types).value_counts()
        shown = ", ".join(f"{t} {c:,}" for t, c in counts.items())
        out.append(figure(fig, "The ecosystem's core at the end of the run: incubators and "
                               f"funds, and the {MAX_FIRMS} (at most) firms with most ties to "
                               "them, each drawn if it has a tie among them; node size grows "
                               f"with ties in the picture. Ties drawn: {shown}. "
                               "Force-directed layout (Fruchterman-Reingold, seed 0)."))
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    _degree_ccdf(ax, ties)
    out.append(figure(fig, "Degree distribution by agent kind over every tie at the end of "
                           "the run (complementary CDF, log-log; agents without ties are "
                           "not counted)."))
    return out
