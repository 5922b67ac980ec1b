"""Figures of an experiment, readable in greyscale: scenarios differ by line style and
marker, bars by hatch; every axis names its measure and unit; CIs are 95% t intervals."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.measures import MEASURES
from model.params import PARAMS

STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)),
          (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
GREYS = ("0.0", "0.35", "0.55", "0.2", "0.45", "0.65", "0.1", "0.5")


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
    from scipy import stats as st

    fig, axes = _grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        for i, sc in enumerate(scenarios):
            g = ts[ts["scenario"] == sc].groupby("step")[m]
            mean, sd, n = g.mean(), g.std(ddof=1), g.count()
            half = st.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
            steps = mean.index.to_numpy()
            ax.plot(steps, mean, linestyle=STYLES[i % len(STYLES)], color=GREYS[i % len(GREYS)],
                    marker=MARKERS[i % len(MARKERS)], markevery=max(1, len(steps) // 8),
                    markersize=4, label=sc)
            ax.fill_between(steps, mean - half, mean + half, color=GREYS[i % len(GREYS)],
                            alpha=0.15, linewidth=0)
        if warmup:
            ax.axvline(warmup, color="0.5", linewidth=0.8, linestyle=":")
        ax.set_xlabel("step (week)")
        ax.set_ylabel(_label(m))
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(title or "Time series by scenario, mean with 95% CI band")
    fig.tight_layout()
    return _save(fig, path)


def outcomes(summary: pd.DataFrame, measures: list[str], scenarios: list[str], reference: str,
             path: Path, title: str = "") -> Path:
    """Outcome per scenario as a point with its 95% CI; the reference as a line and band."""
    fig, axes = _grid(len(measures))
    for ax, m in zip(axes, measures, strict=False):
        s = summary[summary["measure"] == m].set_index("scenario")
        if reference in s.index:
            r = s.loc[reference]
            ax.axhline(r["mean"], color="0.3", linestyle="--", linewidth=1,
                       label=f"reference: {reference}")
            ax.axhspan(r["ci_low"], r["ci_high"], color="0.85", zorder=0)
        for i, sc in enumerate(scenarios):
            if sc not in s.index:
                continue
            row = s.loc[sc]
            err = [[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]]
            ax.errorbar([i], [row["mean"]], yerr=err, fmt=MARKERS[i % len(MARKERS)],
                        color="black", capsize=3,
                        markerfacecolor="white" if sc == reference else "black")
        ax.set_xticks(range(len(scenarios)), scenarios, rotation=30, ha="right", fontsize=7)
        ax.set_xlim(-0.6, len(scenarios) - 0.4)
        ax.set_ylabel(_label(m))
    axes[0].legend(fontsize=7)
    fig.suptitle(title or "Outcome per scenario: mean and 95% CI (grey band: reference CI)")
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
            ax.plot(x, s["mean"], linestyle=STYLES[i % len(STYLES)], marker=MARKERS[i % 10],
                    color=GREYS[i % len(GREYS)], label=sc)
            ax.fill_between(x, s["ci_low"], s["ci_high"], color=GREYS[i % len(GREYS)],
                            alpha=0.15, linewidth=0)
        ax.set_xlabel(_param_label(factor))
        ax.set_ylabel(_label(m))
    axes[0].legend(fontsize=7, title="scenario (band: 95% CI)", title_fontsize=7)
    fig.suptitle(f"Outcome against {factor}")
    fig.tight_layout()
    return _save(fig, path)


def heatmap(summary: pd.DataFrame, fx: str, fy: str, measure: str, scenario: str,
            path: Path) -> Path:
    """Two swept parameters: mean outcome per cell, grey scale with the value written in."""
    s = summary[(summary["measure"] == measure) & (summary["scenario"] == scenario)]
    table = s.pivot_table(index=fy, columns=fx, values="mean")
    fig, ax = plt.subplots(figsize=(1.0 * table.shape[1] + 2.5, 0.7 * table.shape[0] + 2))
    im = ax.imshow(table.to_numpy(), cmap="Greys", origin="lower", aspect="auto")
    vmax = np.nanmax(table.to_numpy()) if table.size else 0
    vmin = np.nanmin(table.to_numpy()) if table.size else 0
    for (yi, xi), v in np.ndenumerate(table.to_numpy()):
        dark = (v - vmin) > 0.5 * (vmax - vmin)
        ax.text(xi, yi, f"{v:.3g}", ha="center", va="center", fontsize=7,
                color="white" if dark else "black")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel(_param_label(fx))
    ax.set_ylabel(_param_label(fy))
    fig.colorbar(im, ax=ax, label=f"mean {_label(measure)}")
    ax.set_title(f"{measure} ({scenario}), mean over replicates")
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


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
