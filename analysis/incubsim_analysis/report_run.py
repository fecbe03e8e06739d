"""Report sections of a run file: provenance, firms by stage, births, deaths
and exits, funding by round, Kaplan-Meier survival, the transfer pipeline,
each active policy ledger, and the network (picture, degree distribution,
measures)."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

from . import load as _load
from .plotting import pyplot
from .report_html import attr, esc, figure, fmt, note, table_html
from .report_network import network_figures
from .validate import kaplan_meier, run_data

__all__ = ["run_sections"]


def _cols(wide: pd.DataFrame, names) -> list[str]:
    return [n for n in names if n in wide.columns]


def run_sections(path, f: h5py.File) -> list[str]:
    plt = pyplot()
    wide = _load.load_run_wide(path)
    q = wide.index.to_numpy()
    out: list[str] = []

    # Provenance
    prov = [("File", os.path.basename(os.fspath(path))),
            ("incubsim version", attr(f, "incubsim_version")),
            ("git SHA", attr(f, "git_sha")),
            ("Seed", attr(f, "seed")),
            ("Scenario", attr(f, "scenario_name")),
            ("Quarters recorded", attr(f, "quarters")),
            ("Burn-in quarters", attr(f, "burn_in")),
            ("Started / ended", f"{attr(f, 'start_time')} / {attr(f, 'end_time')}"),
            ("Format", f"{attr(f, 'format')} {attr(f, 'format_version')}")]
    out.append("<h2>Provenance</h2>" + table_html(pd.DataFrame(prov, columns=["", "value"])))
    scenario = attr(f, "scenario")
    if scenario:
        out.append("<details><summary>Full resolved scenario (TOML)</summary>"
                   f"<pre>{esc(scenario)}</pre></details>")

    # Firms by stage
    out.append("<h2>Firm population</h2>")
    stages = _cols(wide, ["firms_nascent", "firms_seed", "firms_early_venture",
                          "firms_late_venture", "firms_growth"])
    if stages:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        ax.stackplot(q, *[wide[c].to_numpy(dtype=float) for c in stages],
                     labels=[c.removeprefix("firms_").replace("_", " ") for c in stages])
        ax.set_xlabel("quarter")
        ax.set_ylabel("firms alive")
        ax.legend(loc="upper left", fontsize=8, ncol=len(stages))
        ax.margins(x=0)
        out.append(figure(fig, "Firms alive at the end of each quarter, stacked by "
                                "development stage (nascent to growth)."))

    flows = _cols(wide, ["births", "deaths", "exits_acquisition", "exits_listing"])
    if flows:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        width = 0.8 / len(flows)
        for i, c in enumerate(flows):
            ax.bar(q + (i - (len(flows) - 1) / 2) * width, wide[c].to_numpy(dtype=float),
                   width, label=c.replace("_", " "))
        ax.set_xlabel("quarter")
        ax.set_ylabel("firms per quarter")
        ax.legend(fontsize=8)
        out.append(figure(fig, "Firm births, deaths and exits (acquisitions and "
                                "listings) in each quarter."))

    # Funding
    rounds = _cols(wide, ["amount_seed", "amount_series_a", "amount_series_b", "amount_growth"])
    if rounds:
        out.append("<h2>Funding</h2>")
        fig, ax = plt.subplots(figsize=(8, 3.2))
        bottom = np.zeros(len(q))
        for c in rounds:
            v = wide[c].to_numpy(dtype=float)
            ax.bar(q, v, 0.7, bottom=bottom, label=c.removeprefix("amount_").replace("_", " "))
            bottom += v
        unit = wide.attrs["units"].get(rounds[0], "")
        ax.set_xlabel("quarter")
        ax.set_ylabel(f"invested ({unit})" if unit else "invested")
        ax.legend(fontsize=8)
        out.append(figure(fig, f"Amount invested by funds in each quarter, stacked by "
                                f"financing round{f' ({unit})' if unit else ''}."))
        out.extend(_funding_by_fund_type(f, plt, unit))

    # Survival
    out.append("<h2>Firm survival</h2>")
    if "agents/firms" in f:
        out.append(_survival(path, plt))
    else:
        out.append(note("This run was written without agent tables (/agents), so the "
                         "survival curve of firms by age cannot be drawn. Rerun with agent "
                         "tables on to get it."))

    # Transfer pipeline
    pipe = _cols(wide, ["inventions", "transfers_licence", "transfers_spinoff",
                        "transfers_succeeded", "transfers_failed", "liability_covered"])
    if pipe:
        out.append("<h2>Technology transfer pipeline</h2>")
        totals = {c: float(wide[c].sum()) for c in pipe}
        labels = {"inventions": "inventions", "transfers_licence": "licences",
                  "transfers_spinoff": "spin-offs", "transfers_succeeded": "succeeded",
                  "transfers_failed": "failed", "liability_covered": "claims (M yuan)"}
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2),
                                     gridspec_kw={"width_ratios": [3, 2]})
        counts = [c for c in pipe if c != "liability_covered"]
        colors = ["#4c72b0", "#55a868", "#55a868", "#2ca02c", "#c44e52"]
        a1.bar([labels[c] for c in counts], [totals[c] for c in counts],
               color=colors[:len(counts)])
        for i, c in enumerate(counts):
            a1.annotate(fmt(totals[c]), (i, totals[c]), ha="center", va="bottom", fontsize=8)
        a1.set_ylabel("total over the run")
        a1.tick_params(axis="x", labelsize=8)
        for c in ("transfers_licence", "transfers_spinoff", "transfers_succeeded",
                  "transfers_failed"):
            if c in wide.columns:
                a2.plot(q, wide[c].to_numpy(dtype=float), marker="o", ms=3, label=labels[c])
        a2.set_xlabel("quarter")
        a2.set_ylabel("per quarter")
        a2.legend(fontsize=7)
        fig.tight_layout()
        out.append(figure(fig, "Inventions disclosed, transferred as licences or "
                                "spin-offs, and transfers judged succeeded or failed: totals "
                                "over the recorded quarters (left) and per quarter (right)."))
        out.append(table_html(pd.DataFrame(
            [(labels[c], totals[c], wide.attrs["units"].get(c, "")) for c in pipe],
            columns=["stage", "total", "unit"])))
        if "liability_covered" in totals:
            unit = wide.attrs["units"].get("liability_covered", "")
            text = (f"Insurance claims paid (liability covered by policy): "
                    f"{fmt(totals['liability_covered'])} {unit}")
            if "liability_incurred" in wide.columns:
                text += f", of {fmt(float(wide['liability_incurred'].sum()))} {unit} incurred"
            out.append(f"<p>{esc(text)}.</p>")

    # Policy ledgers
    out.append("<h2>Policy ledgers</h2>")
    out.extend(_ledgers(path, f, plt))

    # Network
    out.append("<h2>Network (end of run)</h2>")
    out.extend(network_figures(f, plt))
    if "network/measures" in f:
        g = f["network/measures"]
        rows = [(k, float(np.asarray(g[k][()]).ravel()[0]) if g[k].size else float("nan"),
                 _load.text(g[k].attrs.get("description", ""))) for k in g]
        out.append(table_html(pd.DataFrame(rows, columns=["measure", "value", "description"])))
    else:
        out.append(note("This run has no /network/measures."))
    return out


ROUNDS = ("seed", "series a", "series b", "growth")  # `deal` event detail 0..3


def _funding_by_fund_type(f: h5py.File, plt, unit: str) -> list[str]:
    """Deals by the type of fund that made them: `deal` events (actor =
    fund row, amount, detail = round) joined with /agents/funds/type."""
    need = [f"events/{c}" for c in ("kind", "quarter", "actor", "amount", "detail")]
    if not all(n in f for n in need) or "agents/funds/type" not in f:
        return [note("Funding by fund type needs the events (/events) and the fund table "
                     "(/agents/funds); this run was written without them.")]
    kind = np.asarray(_load._column(f["events/kind"]))
    deal = kind == "deal"
    if not deal.any():
        return [note("No deals were recorded, so there is no funding by fund type.")]
    fund_type = np.asarray(_load._column(f["agents/funds/type"]))
    actor = f["events/actor"][:][deal].astype(np.int64)
    deals = pd.DataFrame({
        "quarter": f["events/quarter"][:][deal].astype(np.int64),
        "fund type": fund_type[actor],
        "round": [ROUNDS[d] if 0 <= d < len(ROUNDS) else str(d)
                  for d in f["events/detail"][:][deal].astype(int)],
        "amount": f["events/amount"][:][deal].astype(float)})
    by_quarter = deals.pivot_table(index="quarter", columns="fund type", values="amount",
                                   aggfunc="sum", fill_value=0.0)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    bottom = np.zeros(len(by_quarter))
    for t in by_quarter.columns:
        v = by_quarter[t].to_numpy(dtype=float)
        ax.bar(by_quarter.index, v, 0.7, bottom=bottom, label=str(t))
        bottom += v
    ax.set_xlabel("quarter")
    ax.set_ylabel(f"invested ({unit})" if unit else "invested")
    ax.legend(fontsize=8)
    totals = deals.pivot_table(index="fund type", columns="round", values="amount",
                               aggfunc="sum", fill_value=0.0)
    totals = totals[[r for r in ROUNDS if r in totals.columns]]
    totals["all rounds"] = totals.sum(axis=1)
    totals["deals"] = deals.groupby("fund type").size()
    return [figure(fig, "Amount invested in each quarter, stacked by the type of fund "
                        "(angel, VC, government guidance, corporate), from the deal events."),
            f"<p>Invested over the recorded quarters by fund type and round"
            f"{f' ({esc(unit)})' if unit else ''}:</p>",
            table_html(totals, index=True)]


def _survival(path, plt) -> str:
    data = run_data(path).survival
    if data is None:
        return note("The agent table /agents/firms lacks founded / exit_quarter / status "
                    "columns; no survival curve.")
    duration, died = data
    km = kaplan_meier(duration, died)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.step(np.r_[0.0, km["time"]], np.r_[1.0, km["survival"]], where="post", color="#2b5d8a")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("firm age (quarters)")
    ax.set_ylabel("share surviving")
    ax.grid(alpha=.3)
    med = km.loc[km["survival"] <= 0.5, "time"]
    median = f"median survival {med.iloc[0]:.0f} quarters" if len(med) else \
        "median survival not reached"
    return figure(fig, f"Kaplan–Meier survival of firms born during the run, by age "
                       f"({len(duration):,} firms, {int(died.sum()):,} deaths, {median}), as "
                       "in the validation (docs/validation.md): firms alive at the end are "
                       "censored there, firms acquired or listed at their exit.")


def _ledgers(path, f: h5py.File, plt) -> list[str]:
    if "policy" not in f or not len(f["policy"]):
        return [note("This run has no policy ledgers.")]
    out, idle, inactive = [], [], []
    for name in f["policy"]:
        if not isinstance(f["policy"][name], h5py.Group):
            continue
        led = _load.load_ledger(path, name)
        num = led.select_dtypes("number")

        def nonzero(c: str) -> bool:
            v = num[c].to_numpy(dtype=float)
            return bool(np.any(np.isfinite(v) & (v != 0)))

        # Columns with a finite non-zero value (NaN, e.g. a mean over nobody, is
        # no activity).
        varying = [c for c in num.columns if nonzero(c)]
        if not varying:
            idle.append(name)
            continue
        spends = [c for c in num.columns if c.startswith("spend")]
        if "active" in num.columns and not nonzero("active") and \
                not any(nonzero(c) for c in spends):
            inactive.append(name)
            continue
        title = name.replace("_", " ")
        out.append(f"<h3>{esc(title)}</h3>")
        spend = [c for c in ("spend", "spend_total") if c in varying]
        shown = spend or varying[:4]
        fig, ax = plt.subplots(figsize=(6, 2.4))
        for c in shown:
            ax.plot(led.index, num[c].to_numpy(dtype=float), marker="o", ms=3,
                    label=f"{c} ({led.attrs['units'].get(c, '')})".replace(" ()", ""))
        ax.set_xlabel("quarter")
        ax.legend(fontsize=7)
        ax.grid(alpha=.3)
        out.append(figure(fig, f"Ledger {name}: " + ", ".join(shown) + " per quarter."))
        g = f["policy"][name]

        def total(c: str) -> float:
            # Only flows add up over quarters; stocks, cumulative columns and
            # means do not.
            temporal = _load.text(g[c].attrs.get("temporal", "")) if c in g else ""
            if temporal == "flow" and not c.endswith("_mean"):
                return float(np.nansum(num[c].to_numpy(dtype=float)))
            return float("nan")

        summary = pd.DataFrame([(c, float(num[c].iloc[-1]), total(c),
                                 led.attrs["units"].get(c, "")) for c in varying],
                               columns=["column", "last quarter", "total (flows)", "unit"])
        out.append(table_html(summary))
    if idle:
        out.append(note("All-zero ledgers, skipped: " + ", ".join(idle) + "."))
    if inactive:
        out.append(note("Ledgers of instruments never active in this run (no spend), "
                         "skipped: " + ", ".join(inactive) + "."))
    return out

