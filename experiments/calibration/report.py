"""report.md and figures of a calibration: what was fitted, how well, and what stayed unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.calibration import surrogate_report
from experiments.calibration.config import CalibrationConfig
from experiments.calibration.summary import CI, IDENTIFIABILITY_RATIO, MIN_ESS_IDENTIFIED
from experiments.calibration.targets import TargetSet, source_line

PCT = f"{round((CI[1] - CI[0]) * 100)}%"


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _identified(flag: bool | None) -> str:
    return {True: "yes", False: "**no: not identified**",
            None: f"not assessed (ESS < {MIN_ESS_IDENTIFIED})"}[flag]


def _status(m: dict[str, Any]) -> str:
    """The stop reason; 'final' or, plainly, that the posterior is not final."""
    reason = str(m["stop_reason"])
    return reason if reason.startswith(("final", "stopped early")) else (
        f"stopped early: the posterior is not final ({reason})")


def marginals_figure(cfg: CalibrationConfig, particles: np.ndarray, w: np.ndarray,
                     table: list[dict[str, Any]], truth: dict[str, float] | None = None):
    k = len(cfg.priors)
    cols = min(3, k)
    rows = -(-k // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for j, (p, row) in enumerate(zip(cfg.priors, table, strict=True)):
        ax = axes[j // cols][j % cols]
        ax.hist(particles[:, j], bins=20, range=(p.low, p.high), weights=w, density=True,
                color="#bdbdbd", edgecolor="black", hatch="//", label="posterior")
        ax.hlines(1 / (p.high - p.low), p.low, p.high, colors="black", linestyles="--",
                  label="prior (uniform)")
        ax.axvspan(*row["ci"], color="#737373", alpha=0.25, label=f"{PCT} credible interval")
        ax.axvline(row["median"], color="black", linestyle="-", label="posterior median")
        if truth and p.name in truth:
            ax.axvline(truth[p.name], color="black", linestyle=":", linewidth=2, label="truth")
        flag = {True: "", False: " (not identified)", None: ""}[row["identified"]]
        ax.set_title(p.name + flag, fontsize=9)
        ax.set_xlabel(f"{p.name} (parameter value)", fontsize=8)
        ax.set_ylabel("density", fontsize=8)
        if j == 0:
            ax.legend(fontsize=7)
    for j in range(k, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Prior and posterior of each free parameter")
    fig.tight_layout()
    return fig


def pairs_figure(cfg: CalibrationConfig, particles: np.ndarray, w: np.ndarray):
    k = len(cfg.priors)
    fig, axes = plt.subplots(k, k, figsize=(2.3 * k + 1, 2.3 * k + 1), squeeze=False)
    for i, pi in enumerate(cfg.priors):
        for j, pj in enumerate(cfg.priors):
            ax = axes[i][j]
            if i == j:
                ax.hist(particles[:, j], bins=15, range=(pj.low, pj.high), weights=w,
                        color="#bdbdbd", edgecolor="black")
            elif i > j:
                # a weighted 2-D histogram: readable for 100 weighted particles and for
                # thousands of equal-weight chain draws alike (a scatter turns solid black)
                ax.hist2d(particles[:, j], particles[:, i], bins=20, weights=w, cmap="Greys",
                          range=[[pj.low, pj.high], [pi.low, pi.high]])
            else:
                ax.axis("off")
                continue
            if i == k - 1:
                ax.set_xlabel(pj.name, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.name, fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("Posterior, pairwise (darker = more posterior mass, over the prior box; "
                 "diagonal: marginals)")
    fig.tight_layout()
    return fig


def predictive_figure(targets: TargetSet, pred: pd.DataFrame, rows: list[dict[str, Any]]):
    shown = [(t, r) for t, r in zip(targets.targets, rows, strict=True) if "median" in r]
    fig, axes = plt.subplots(max(1, len(shown)), 1, figsize=(8, 1.4 * max(1, len(shown)) + 1),
                             squeeze=False)
    for ax, (t, _row) in zip(axes[:, 0], shown, strict=False):
        v = pred[t.name].to_numpy(float)
        v = v[np.isfinite(v)]
        ax.boxplot([v], orientation="horizontal", widths=0.5, whis=(5, 95), showfliers=False,
                   medianprops={"color": "black", "linewidth": 2})
        ax.scatter(v, np.full(len(v), 1.0) + np.linspace(-0.15, 0.15, len(v)), s=8,
                   marker=".", color="#525252")
        marker = "s" if t.held_out else "D"
        ax.errorbar([t.value], [1.45], xerr=[[2 * t.sigma], [2 * t.sigma]], fmt=marker,
                    color="black", mfc="white" if t.held_out else "black", capsize=4)
        ax.set_yticks([])
        ax.set_ylim(0.5, 1.8)
        ax.set_title(t.name + (" (held out)" if t.held_out else ""), fontsize=9, loc="left")
        ax.set_xlabel(f"{t.unit}", fontsize=8)
    if not shown:
        axes[0, 0].text(0.5, 0.5, "no posterior predictive draws", ha="center")
        axes[0, 0].axis("off")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=".", linestyle="", color="#525252",
                      label="posterior predictive runs (box: median, quartiles, 5-95%)"),
               Line2D([], [], marker="D", color="black", label="observed, fitted (±2 sigma)"),
               Line2D([], [], marker="s", color="black", mfc="white",
                      label="observed, held out (±2 sigma)")]
    fig.suptitle("Observed against posterior predictive")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=7)
    return fig


def write(cfg: CalibrationConfig, targets: TargetSet, out: Path, manifest: dict[str, Any],
          particles: np.ndarray, w: np.ndarray, pred: pd.DataFrame,
          truth: dict[str, float] | None = None) -> None:
    figs = out / "figures"
    figs.mkdir(exist_ok=True)
    for name, fig in (("marginals", marginals_figure(cfg, particles, w, manifest["parameters"],
                                                     truth)),
                      ("pairs", pairs_figure(cfg, particles, w)),
                      ("predictive", predictive_figure(targets, pred, manifest["targets"]))):
        fig.savefig(figs / f"{name}.png", dpi=110)
        plt.close(fig)
    (out / "report.md").write_text(markdown(cfg, targets, manifest, out), encoding="utf-8")


def _posterior_kind(m: dict[str, Any]) -> str:
    if "mcmc" in m:
        return (f"{m['n_particles']} thinned draws of the kept chain (effective sample size "
                f"{m['mcmc']['ess']:.0f} by the autocorrelation time)")
    return (f"weighted particles of the last generation (effective sample size "
            f"{m['ess']:.0f} of {m['n_particles']})")


def _generation_lines(cfg: CalibrationConfig, gens: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    lines += ["## Generations", "",
              "Temperature 1 is the posterior the targets' errors imply; above 1 the kernel is "
              "widened. ESS is the effective sample size of the generation's weighted "
              f"particles (1 / sum of squared weights); the calibration is final once the "
              f"temperature is 1 and the ESS is at least {cfg.stopping.min_ess}.", "",
              "| generation | temperature | particles | ESS | largest weight | acceptance | "
              "simulations | simulations so far |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {g['t']} | {_fmt(g['temperature'])} | {g['particles']} | {g['ess']:.0f} | "
              f"{g['max_weight']:.3f} | {g['acceptance_rate']:.3f} | {g['samples']} | "
              f"{g['total_simulations']} |" for g in gens]
    return lines


def markdown(cfg: CalibrationConfig, targets: TargetSet, m: dict[str, Any], out: Path) -> str:
    gens = m["generations"]
    lines = [f"# Calibration `{cfg.name}`", "",
             cfg.description or "", "",
             f"- calibration id: `{m['calibration_id']}`",
             f"- scenario: `{cfg.scenario}`; {cfg.width} x {cfg.height} households; "
             f"{cfg.steps} steps, warm-up {cfg.warmup}, outcome window the last {cfg.window} "
             "steps",
             f"- targets: `{cfg.targets_path}` ({targets.setting})",
             surrogate_report.method_bullet(m) if "mcmc" in m else
             f"- ABC-SMC (pyabc) with a stochastic acceptor: each fitted target's sigma is the "
             f"acceptance kernel's SD, and the temperature is lowered to 1; population "
             f"{cfg.population_size} (up to {cfg.stopping.max_population_size}); "
             f"{len(gens)} generations, {gens[-1]['total_simulations']} simulations, "
             f"{m['elapsed_seconds']:.0f} s",
             f"- **{_status(m)}**",
             f"- root seed {m['root_seed']}; model code {m['code_version']}; git "
             f"{(m.get('git_commit') or '?')[:10]}", ""]
    for w in m.get("warnings", []):
        lines += [f"> **Warning:** {w}.", ""]
    if "mcmc" in m:
        lines += surrogate_report.sampling_lines(m, cfg.stopping.min_ess)
    else:
        lines += _generation_lines(cfg, gens)
    lines += ["", *surrogate_report.lines(m), "## Parameters", "",
              f"Prior: uniform on [low, high]. Posterior: {_posterior_kind(m)}, median and "
              f"{PCT} credible interval. A parameter is flagged "
              f"**not identified** when its posterior {PCT} interval is at least "
              f"{IDENTIFIABILITY_RATIO:.0%} as wide as its prior's: the targets say little "
              "about it, and results should be shown across its range. Identification is "
              f"judged only from {MIN_ESS_IDENTIFIED} effective particles on (*not "
              "assessed* below).", "",
              f"| parameter | prior | prior {PCT} | posterior median | posterior {PCT} | "
              "width / prior width | identified? |", "|---|---|---|---|---|---|---|"]
    for r in m["parameters"]:
        lines.append(f"| `{r['name']}` | U({_fmt(r['prior_low'])}, {_fmt(r['prior_high'])}) | "
                     f"{_fmt(r['prior_ci'][0])} – {_fmt(r['prior_ci'][1])} | "
                     f"{_fmt(r['median'])} | {_fmt(r['ci'][0])} – {_fmt(r['ci'][1])} | "
                     f"{r['width_ratio']:.2f} | {_identified(r['identified'])} |")
    lines += ["", "![marginals](figures/marginals.png)", "", "![pairs](figures/pairs.png)", "",
              "## Targets: observed against posterior predictive", "",
              f"Posterior predictive: {cfg.predictive_draws} fresh runs at parameter sets drawn "
              "from the posterior (weighted), new seeds. *Consistent* means the observed value "
              "lies within 2 combined SDs (target sigma and predictive spread) of the "
              "predictive median. Held-out targets were not fitted.", "",
              f"| target | fitted or held out | observed ± sigma | predictive median | "
              f"predictive {PCT} | consistent? |", "|---|---|---|---|---|---|"]
    for r in m["targets"]:
        role = "held out" if r["held_out"] else "fitted"
        if r["skipped"]:
            why = ("not expressible (see the target's why_not)" if r.get("why_not")
                   else "skipped: the model has no such measure yet")
            lines.append(f"| `{r['name']}` | {role} | {_fmt(r['observed'])} ± "
                         f"{_fmt(r['sigma'])} | {why} | | |")
            continue
        if "median" not in r:
            lines.append(f"| `{r['name']}` | {role} | {_fmt(r['observed'])} ± "
                         f"{_fmt(r['sigma'])} | no predictive draws | | |")
            continue
        lines.append(f"| `{r['name']}` | {role} | {_fmt(r['observed'])} ± {_fmt(r['sigma'])} | "
                     f"{_fmt(r['median'])} | {_fmt(r['ci'][0])} – {_fmt(r['ci'][1])} | "
                     f"{'yes' if r['consistent'] else '**no**'} |")
    lines += ["", "![predictive](figures/predictive.png)", "", "## Targets and sources", ""]
    for t in targets.targets:
        if not t.expressible:
            lines += [f"- **{t.name}** (not expressible): {t.description}. Observed "
                      f"{_fmt(t.value)}. Why not: {t.why_not}", f"  Source: {source_line(t)}"]
            continue
        stat = " + ".join(t.measures)
        if t.reduce == "ratio":
            stat = f"sum({stat}) / sum({' + '.join(t.denominator)})"
        lines += [f"- **{t.name}**{' (held out)' if t.held_out else ''}: {t.description}. "
                  f"Observed {_fmt(t.value)}; sigma {_fmt(t.sigma)} (sampling "
                  f"{_fmt(t.se)}, mapping {_fmt(t.mapping_sd)}). Model statistic: {t.reduce} "
                  f"of {stat} over the outcome window. {t.mapping}",
                  f"  Source: {source_line(t)}"]
    point = ("posterior median of each marginal" if cfg.point == "median"
             else "MAP draw (highest posterior density)")
    lines += ["", "## Using the result", "",
              f"`calibrated.toml` holds the {point}: `python run.py run --scenario "
              f"{cfg.scenario} --params {out / 'calibrated.toml'}`. "
              "`posterior.parquet` holds the weighted particles (one column per parameter, "
              "`weight`; metadata `calibration_id`) for runs that carry parameter uncertainty.",
              "", "Marginal medians need not be a jointly likely point when parameters trade "
              "off (see the pairs figure); the MAP option (`point = \"map\"`) picks the "
              "particle of highest posterior density instead.", ""]
    return "\n".join(lines)
