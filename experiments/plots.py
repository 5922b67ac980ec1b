"""Figures of an experiment, readable in greyscale: scenarios differ by line style and
marker, bars by hatch; every axis names its measure and unit; CIs are 95% t intervals
(logit-scale for shares, so they stay inside [0, 1]). Every saved figure is checked for
text cut off at its edges or overlapping other labels (`text_problems`)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.stats import ci_bounds, is_share
from governance import MEASURES, PARAMS

STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)),
          (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
GREYS = ("0.0", "0.35", "0.55", "0.2", "0.45", "0.65", "0.1", "0.5")
PROBLEMS: dict[str, list[str]] = {}  # figure path -> text problems left after saving


def line_style(i: int) -> dict[str, object]:
    """Line i's look: style and marker both differ between any two of the first 8 lines."""
    return {"linestyle": STYLES[i % len(STYLES)], "marker": MARKERS[i % len(MARKERS)],
            "color": GREYS[i % len(GREYS)]}


def _label(measure: str) -> str:
    m = MEASURES.get(measure)
    unit = f" ({m.unit})" if m is not None and m.unit else ""
    return f"{measure.replace('_', ' ')}{unit}"


def _param_label(name: str) -> str:
    p = PARAMS.get(name)
    unit = p.unit if p is not None and p.unit else "share" if p is not None and p.high == 1 \
        else ""
    return name.replace("_", " ") + (f" ({unit})" if unit else "")


def _grid(n: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def timeseries(ts: pd.DataFrame, measures: list[str], scenarios: list[str], path: Path,
               warmup: int = 0, title: str = "") -> Path:
    """Mean trajectory per scenario with its 95% CI band over replicates."""
    fig, axes = _grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        for i, sc in enumerate(scenarios):
            g = ts[ts["scenario"] == sc].groupby("step")[m]
            mean, sd, n = g.mean(), g.std(ddof=1), g.count()
            lo, hi = ci_bounds(mean, sd, n, bounded=is_share(m))
            steps = mean.index.to_numpy()
            look = line_style(i)
            ax.plot(steps, mean, markevery=(i % 4, max(1, len(steps) // 8)), markersize=4,
                    label=sc, **look)
            ax.fill_between(steps, lo, hi, color=look["color"], alpha=0.12, linewidth=0)
        if warmup:
            ax.axvline(warmup, color="0.5", linewidth=0.8, linestyle=":")
        ax.set_xlabel("step (week)")
        ax.set_ylabel(_label(m))
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(title or "Time series by scenario, mean with 95% CI band")
    fig.tight_layout()
    return _save(fig, path)


def outcomes(comparison: pd.DataFrame, measures: list[str], scenarios: list[str],
             reference: str, path: Path, title: str = "") -> Path:
    """Each scenario's paired difference from the reference, with its 95% CI.

    Paired because replicate r of every scenario shares its seed: the CI of the difference
    is what the test uses, where two unpaired CIs can overlap although the paired
    difference is clearly non-zero. Filled markers: Holm-adjusted p < 0.05.
    """
    others = [s for s in scenarios if s != reference]
    fig, axes = _grid(len(measures))
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
        ax.set_ylabel(f"difference in\n{_label(m)}", fontsize=8)
    fig.suptitle(title or f"Paired difference from '{reference}' with 95% CI "
                 "(filled: Holm p < 0.05)", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def sweep(summary: pd.DataFrame, factor: str, measures: list[str], scenarios: list[str],
          path: Path) -> Path:
    """One swept parameter: outcome against its value, 95% CI band, one line per scenario."""
    fig, axes = _grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        for i, sc in enumerate(scenarios):
            s = summary[(summary["measure"] == m) & (summary["scenario"] == sc)].sort_values(
                factor)
            x = s[factor].astype(float).to_numpy()
            look = line_style(i)
            ax.plot(x, s["mean"], label=sc, **look)
            ax.fill_between(x, s["ci_low"], s["ci_high"], color=look["color"], alpha=0.12,
                            linewidth=0)
        ax.set_xlabel(_param_label(factor))
        ax.set_ylabel(_label(m))
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(f"Outcome against {factor}")
    fig.tight_layout()
    return _save(fig, path)


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
    ax.set_xlabel(_param_label(fx))
    ax.set_ylabel(_param_label(fy))
    fig.colorbar(im, ax=ax, label=colour_label)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return _save(fig, path)


def effects(frame: pd.DataFrame, factors: list[str], measure: str, scenarios: list[str],
            path: Path, title: str) -> Path:
    """Main effects: mean outcome (95% CI) against each factor's level, per scenario."""
    fig, axes = _grid(len(factors))
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
        ax.set_xlabel(_param_label(f))
        ax.set_ylabel(_label(measure), fontsize=8)
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def interaction(frame: pd.DataFrame, fx: str, fz: str, measure: str, path: Path,
                title: str) -> Path:
    """Interaction plot: outcome against fx, one line per level of fz (parallel = none)."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for i, (z, g) in enumerate(frame.groupby(f"_{fz}", sort=True)):
        m = g.groupby(f"_{fx}")[measure].mean()
        ax.plot(_positions(m.index), m.to_numpy(), label=f"{z:g}" if isinstance(z, float)
                else str(z), **line_style(i))
    _level_ticks(ax, frame[f"_{fx}"])
    ax.set_xlabel(_param_label(fx))
    ax.set_ylabel(_label(measure))
    ax.legend(fontsize=7, title=_param_label(fz), title_fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return _save(fig, path)


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
        ax.plot(t["coverage"], t["density"], markersize=4,
                label=f"box {int(t['box'].iloc[0])}", **look)
        last = t.iloc[-1]
        ax.annotate(f"{int(last['res_dim'])} dims", (last["coverage"], last["density"]),
                    fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("coverage (share of points of interest inside the box)")
    ax.set_ylabel("density (share of box points of interest)")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return _save(fig, path)


def pareto(front: pd.DataFrame, x: str, ys: list[str], path: Path, title: str,
           targets: dict[str, float]) -> Path:
    """Pareto front: each objective against cost, search and fresh-seed values.

    Points, not lines: with three or more objectives a 2-D projection of the front is not
    monotone. A dashed line marks a constraint's bound.
    """
    fig, axes = _grid(len(ys))
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
        ax.set_xlabel(_label(x))
        ax.set_ylabel(_label(y))
    axes[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


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
                  else f"elementary effect on {_label(measure)}")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(fontsize=8)
    ax.set_title(f"{'Sobol' if design == 'sobol' else 'Morris'} sensitivity of {measure}"
                 + (f" ({scenario})" if scenario else "") + ", 95% CI")
    fig.tight_layout()
    return _save(fig, path)


def text_problems(fig: plt.Figure) -> list[str]:
    """Text cut off at the figure's edges, or titles and axis labels overlapping."""
    from matplotlib.text import Text

    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    out = []
    all_ticks, drawn = set(), set()  # tick labels exist beyond the view; only drawn ones count
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(tick.label1), id(tick.label2)}
            if ax.get_visible():
                for tick in axis._update_ticks():
                    drawn |= {id(tick.label1), id(tick.label2)}
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        if id(t) in all_ticks and id(t) not in drawn:
            continue
        bb = t.get_window_extent(r)
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > w + 1 or bb.y1 > h + 1:
            out.append(f"clipped: {t.get_text()[:60]!r}")
    labels = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        if ax.get_visible():
            labels += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label,
                       ax.yaxis.label]
    boxes = [(t, t.get_window_extent(r)) for t in labels
             if t is not None and t.get_visible() and t.get_text().strip()]
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            if ba.overlaps(bb):
                out.append(f"overlap: {a.get_text()[:40]!r} and {b.get_text()[:40]!r}")
    return out


def _save(fig: plt.Figure, path: Path) -> Path:
    """Save, after making room for any text the layout cut off or stacked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    problems = text_problems(fig)
    if problems:
        try:
            fig.set_layout_engine("constrained")
        except RuntimeError:  # a colorbar pins the engine: fall back to a tight bbox
            pass
        problems = text_problems(fig)
    fig.savefig(path, dpi=110, bbox_inches="tight" if problems else None)
    if problems:
        problems = [p for p in problems if not p.startswith("clipped")]
    PROBLEMS[str(path)] = problems
    plt.close(fig)
    return path
