"""Figures of an experiment: time series, paired differences, sweeps, heatmaps, effects,
PRIM trajectories, Pareto fronts and sensitivity indices.

CIs are 95% t intervals (logit-scale for shares, so they stay inside [0, 1]). The look
(styles, labels, the text check) is in plot_style.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.analyse.plot_style import (
    COLOURS,
    MARKERS,
    grid,
    label,
    line_style,
    param_label,
    save,
)
from experiments.analyse.stats import ci_bounds, is_share

PER_PANEL = 3  # scenarios drawn against the reference in one panel
TS_STYLES = ("--", "-.", ":")


def timeseries(ts: pd.DataFrame, measures: list[str], scenarios: list[str], path: Path,
               reference: str | None = None, warmup: int = 0, title: str = "") -> Path:
    """Mean trajectory per scenario with its 95% CI band over replicates, as small
    multiples: one row per measure, one column per group of at most PER_PANEL scenarios,
    each drawn (colour and line style) against the reference (thick grey), so no panel
    stacks more than four lines and bands. Each column's legend sits above it, outside
    the data; rows share their y axis, so panels of one measure compare at a glance."""
    ref = reference if reference in scenarios else scenarios[0]
    others = [s for s in scenarios if s != ref]
    groups = [others[i:i + PER_PANEL] for i in range(0, len(others), PER_PANEL)] or [[]]
    rows, cols = len(measures), len(groups)
    legend_h = 0.25 * (max(len(g) for g in groups) + 1) + 0.1  # inches: a line per entry
    fig = plt.figure(figsize=(3.9 * cols + 0.8, 2.3 * rows + legend_h + 0.9))
    spec = fig.add_gridspec(rows + 1, cols, height_ratios=[legend_h / 2.3] + [1] * rows)
    axes = [[fig.add_subplot(spec[r + 1, c]) for c in range(cols)] for r in range(rows)]
    for r in range(rows):
        for c in range(cols):
            axes[r][c].sharex(axes[0][0])
            axes[r][c].sharey(axes[r][0])
    means = {m: ts.groupby(["scenario", "step"])[m].agg(["mean", "std", "count"])
             for m in measures}
    for r, m in enumerate(measures):
        for c, group in enumerate(groups):
            ax = axes[r][c]
            _trajectory(ax, means[m], ref, m, color="0.6", linestyle="-", linewidth=2.6,
                        label=f"{ref} (reference)")
            for i, sc in enumerate(group):
                _trajectory(ax, means[m], sc, m, color=COLOURS[i % len(COLOURS)],
                            linestyle=TS_STYLES[i % len(TS_STYLES)], linewidth=1.4, label=sc)
            if warmup:
                ax.axvspan(0, warmup, color="0.93", zorder=0, linewidth=0)
            ax.set_ylabel(label(m) if c == 0 else "", fontsize=8)
            ax.tick_params(labelsize=7, labelbottom=r == rows - 1, labelleft=c == 0)
            if r == rows - 1:
                ax.set_xlabel("week")
    for c in range(cols):  # each column's legend in its own cell above it: never on data
        key = fig.add_subplot(spec[0, c])
        key.axis("off")
        key.legend(*axes[0][c].get_legend_handles_labels(), loc="lower left", fontsize=7,
                   frameon=False, borderaxespad=0)
    note = " (shaded: warm-up, outside the outcome window)" if warmup else ""
    fig.suptitle(title or f"Time series by scenario: mean and 95% CI band over replicates"
                 f"{note}", fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def _trajectory(ax: plt.Axes, stats: pd.DataFrame, scenario: str, measure: str,
                **look: object) -> None:
    if scenario not in stats.index.get_level_values(0):
        return
    t = stats.loc[scenario]
    lo, hi = ci_bounds(t["mean"], t["std"], t["count"], bounded=is_share(measure))
    steps = t.index.to_numpy()
    ax.plot(steps, t["mean"].to_numpy(), **look)
    ax.fill_between(steps, lo, hi, color=look["color"], alpha=0.18, linewidth=0)


def outcomes(comparison: pd.DataFrame, measures: list[str], scenarios: list[str],
             reference: str, path: Path, title: str = "") -> Path:
    """Each scenario's paired difference from the reference, with its 95% CI.

    Paired because replicate r of every scenario shares its seed: the CI of the difference
    is what the test uses, where two unpaired CIs can overlap although the paired
    difference is clearly non-zero. Filled markers: Holm-adjusted p < 0.05.
    """
    others = [s for s in scenarios if s != reference]
    fig, axes = grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        c = comparison[comparison["measure"] == m].set_index("scenario")
        ax.axhline(0, color="0.3", linestyle="--", linewidth=1)
        for i, sc in enumerate(others):
            if sc not in c.index:
                continue
            row = c.loc[sc]
            err = [[row["diff"] - row["diff_ci_low"]], [row["diff_ci_high"] - row["diff"]]]
            sig = bool(row.get("p_holm", 1.0) < 0.05)
            ax.errorbar([i], [row["diff"]], yerr=err, fmt=MARKERS[(i + 1) % len(MARKERS)],
                        color="black", capsize=3, markerfacecolor="black" if sig else "white")
        ax.set_xticks(range(len(others)), others, rotation=30, ha="right", fontsize=7)
        ax.set_xlim(-0.6, max(len(others), 1) - 0.4)
        ax.set_ylabel(f"difference in\n{label(m)}", fontsize=8)
    fig.suptitle(title or f"Paired difference from '{reference}' with 95% CI "
                 "(filled: Holm p < 0.05)", fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def sweep(summary: pd.DataFrame, factor: str, measures: list[str], scenarios: list[str],
          path: Path) -> Path:
    """One swept parameter: outcome against its value, 95% CI band, one line per scenario."""
    fig, axes = grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        for i, sc in enumerate(scenarios):
            s = summary[(summary["measure"] == m) & (summary["scenario"] == sc)].sort_values(
                factor)
            x = s[factor].astype(float).to_numpy()
            look = line_style(i)
            ax.plot(x, s["mean"], label=sc, **look)
            ax.fill_between(x, s["ci_low"], s["ci_high"], color=look["color"], alpha=0.12,
                            linewidth=0)
        ax.set_xlabel(param_label(factor))
        ax.set_ylabel(label(m))
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(f"Outcome against {factor}")
    fig.tight_layout()
    return save(fig, path)


def heatmap(table: pd.DataFrame, fx: str, fy: str, path: Path, vmin: float, vmax: float,
            title: str, colour_label: str, diverging: bool = False) -> Path:
    """Two swept parameters: one value per cell, written in, on a colour scale given by
    the caller so every heatmap of one measure shares it."""
    fig, ax = plt.subplots(figsize=(1.0 * table.shape[1] + 3.2, 0.7 * table.shape[0] + 2.4))
    cmap = "PuOr" if diverging else "Greys"
    im = ax.imshow(table.to_numpy(dtype=float), cmap=cmap, origin="lower", aspect="auto",
                   vmin=vmin, vmax=vmax)
    for (yi, xi), v in np.ndenumerate(table.to_numpy(dtype=float)):
        frac = (v - vmin) / (vmax - vmin) if vmax > vmin else 0.5
        dark = abs(frac - 0.5) > 0.3 if diverging else frac > 0.5
        ax.text(xi, yi, f"{v:.3g}", ha="center", va="center", fontsize=7,
                color="white" if dark else "black")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel(param_label(fx))
    ax.set_ylabel(param_label(fy))
    fig.colorbar(im, ax=ax, label=colour_label)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save(fig, path)


def effects(frame: pd.DataFrame, factors: list[str], measure: str, scenarios: list[str],
            path: Path, title: str) -> Path:
    """Main effects: mean outcome (95% CI) against each factor's level, per scenario."""
    fig, axes = grid(len(factors))
    for ax, f in zip(axes, factors, strict=False):
        for i, sc in enumerate(scenarios):
            g = frame[frame["scenario"] == sc].groupby(f"_{f}")[measure]
            mean, sd, n = g.mean(), g.std(ddof=1), g.count()
            lo, hi = ci_bounds(mean, sd, n, bounded=is_share(measure))
            x = _positions(mean.index)
            look = line_style(i)
            ax.plot(x, mean.to_numpy(), label=sc, **look)
            ax.fill_between(x, lo, hi, color=look["color"], alpha=0.12, linewidth=0)
        _level_ticks(ax, frame[f"_{f}"])
        ax.set_xlabel(param_label(f))
        ax.set_ylabel(label(measure), fontsize=8)
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def interaction(frame: pd.DataFrame, fx: str, fz: str, measure: str, path: Path,
                title: str) -> Path:
    """Interaction plot: outcome against fx, one line per level of fz (parallel = none)."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for i, (z, g) in enumerate(frame.groupby(f"_{fz}", sort=True)):
        m = g.groupby(f"_{fx}")[measure].mean()
        ax.plot(_positions(m.index), m.to_numpy(), label=f"{z:g}" if isinstance(z, float)
                else str(z), **line_style(i))
    _level_ticks(ax, frame[f"_{fx}"])
    ax.set_xlabel(param_label(fx))
    ax.set_ylabel(label(measure))
    ax.legend(fontsize=7, title=param_label(fz), title_fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save(fig, path)


def _positions(index: pd.Index) -> np.ndarray:
    try:
        return np.asarray(index, dtype=float)
    except (TypeError, ValueError):
        return np.arange(len(index), dtype=float)


def _level_ticks(ax: plt.Axes, values: pd.Series) -> None:
    levels = sorted(values.dropna().unique(), key=lambda v: (isinstance(v, str), v))
    try:
        np.asarray(levels, dtype=float)
    except (TypeError, ValueError):
        ax.set_xticks(range(len(levels)), [str(v) for v in levels])


def prim_trajectory(trajectories: list[pd.DataFrame], path: Path, title: str) -> Path:
    """PRIM peeling trajectory: density against coverage, each box its own line."""
    fig, ax = plt.subplots(figsize=(6, 4.4))
    for i, t in enumerate(trajectories):
        look = line_style(i)
        kept = bool(t["kept"].iloc[0]) if "kept" in t else True
        ax.plot(t["coverage"], t["density"], markersize=3,
                label=f"box {int(t['box'].iloc[0])}" + ("" if kept else
                                                         " (not kept: chance-like)"), **look)
        chosen = t[t["chosen"]] if "chosen" in t else t.iloc[[-1]]
        for row in chosen.itertuples():
            ax.plot([row.coverage], [row.density], marker="o", markersize=11,
                    markerfacecolor="none", markeredgecolor="black", linestyle="none",
                    label="chosen box" if i == 0 else None)
            ax.annotate(f"{int(row.res_dim)} dims restricted", (row.coverage, row.density),
                        fontsize=7, xytext=(6, -12), textcoords="offset points")
    ax.set_xlabel("coverage (share of points of interest inside the box)")
    ax.set_ylabel("density (share of box points of interest)")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save(fig, path)


def pareto(front: pd.DataFrame, x: str, ys: list[str], path: Path, title: str,
           targets: dict[str, float],
           base: dict[str, dict[str, float]] | None = None) -> Path:
    """Pareto front: each objective against cost, search and fresh-seed values.

    Points, not lines: with three or more objectives a 2-D projection of the front is not
    monotone. A dashed line marks a constraint's bound; a triangle with 95% CIs both ways
    the base scenario as it is (`base`: mean and CI per measure, on the fresh seeds).
    """
    fig, axes = grid(len(ys))
    for ax, y in zip(axes, ys, strict=False):
        f = front.sort_values(x)
        ax.plot(f[x], f[y], "o", color="black", label="search (mean over replicates)")
        if y in targets:
            ax.axhline(targets[y], color="0.3", linestyle="--", linewidth=1,
                       label=f"constraint {targets[y]:g}")
        if f"{y}_fresh" in f:
            err = [f[y + "_fresh"] - f[y + "_fresh_ci_low"], f[y + "_fresh_ci_high"] - f[
                y + "_fresh"]]
            ax.errorbar(f[x + "_fresh"], f[y + "_fresh"], yerr=err, fmt="s", color="0.4",
                        markerfacecolor="white", capsize=3, linestyle="none",
                        label="fresh seeds, 95% CI")
        if base is not None:
            bx, by = base[x], base[y]
            ax.errorbar([bx["mean"]], [by["mean"]], fmt="^", color="black", capsize=3,
                        markerfacecolor="0.7", markersize=8,
                        xerr=[[bx["mean"] - bx["ci_low"]], [bx["ci_high"] - bx["mean"]]],
                        yerr=[[by["mean"] - by["ci_low"]], [by["ci_high"] - by["mean"]]],
                        label="base scenario as it is (fresh seeds)")
        ax.set_xlabel(label(x))
        ax.set_ylabel(label(y))
    axes[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def sensitivity(table: pd.DataFrame, design: str, measure: str, path: Path,
                scenario: str = "") -> Path:
    """Sobol S1 and ST, or Morris mu* and sigma, as hatched bars with 95% CIs."""
    idx = ("S1", "ST") if design == "sobol" else ("mu_star", "sigma")
    labels = {"S1": "first-order S1", "ST": "total ST", "mu_star": "mu* (mean |effect|)",
              "sigma": "sigma (interaction / non-linearity)"}
    t = table[table["measure"] == measure] if "measure" in table else table
    if scenario and "scenario" in t:
        t = t[t["scenario"] == scenario]
    names = list(dict.fromkeys(t["parameter"]))
    fig, ax = plt.subplots(figsize=(max(5, 0.9 * len(names) + 2), 3.8))
    width = 0.38
    for j, ix in enumerate(idx):
        s = t[t["index"] == ix].set_index("parameter").reindex(names)
        x = np.arange(len(names)) + (j - 0.5) * width
        err = np.vstack([s["value"] - s["ci_low"], s["ci_high"] - s["value"]])
        err = np.where(np.isfinite(err), err, 0)
        ax.bar(x, s["value"], width, yerr=err, capsize=3, color=("0.35", "white")[j],
               edgecolor="black", hatch=("", "//")[j], label=labels[ix])
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("Sobol index (share of variance)" if design == "sobol"
                  else f"elementary effect on {label(measure)}")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(fontsize=8)
    ax.set_title(f"{'Sobol' if design == 'sobol' else 'Morris'} sensitivity of {measure}"
                 + (f" ({scenario})" if scenario else "") + ", 95% CI")
    fig.tight_layout()
    return save(fig, path)


