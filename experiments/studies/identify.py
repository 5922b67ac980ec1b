"""Which free parameters can the fitted targets speak to at all? Sobol indices over the prior.

Issue 19, item 2: "Morris, then Sobol on the survivors decides which parameters are free".
The `screen` study (Morris) screens every schema parameter by half its default either way;
this study takes the calibration's free parameters over their whole prior box and splits
each fitted target's variance among them, then sets that beside the `recovery` study's
verdict (does the fit pin the parameter?) to say, per parameter, what the next refit should
do with it.

Design and decision rules, fixed before it ran:
- Points: Saltelli's scheme (SALib's `sobol` sample, scrambled, seeded) with N = BASE base
  points over the shipped config's uniform prior box: N (d + 2) points for d free
  parameters; first-order and total indices with 95% bootstrap intervals (RESAMPLES).
- Model: the shipped calibration's surrogate mean (one Gaussian process per fitted
  statistic, trained on its committed design runs). The run-to-run noise is not decomposed:
  the question is what the parameters do. A statistic whose surrogate predicts held-back
  runs over the prior with R^2 below R2_MIN is reported as "cannot answer", not decomposed.
- A parameter *moves* a target when the standard deviation its total effect gives the
  statistic, sqrt(S_T Var Y), is at least HALF the target's combined error sqrt(sigma^2 +
  e^2) (sigma the stated error, e the surrogate's error on held-back runs, as in the
  likelihood): less than that and no value in the prior can be told apart by that target.
- Verdict per free parameter: **pinned** (the recovery study's interval under half the prior
  at one truth at least): keep it free; **confounded** (moves a target, not pinned): the
  targets inform it only weakly or only together with others (the parameter of largest
  absolute weighted correlation with it in the shipped posterior is named, a ridge when
  |r| >= 0.3); it needs a figure that moves it more than the others, or a value with a
  source; **silent** (moves no target): the targets cannot speak to it; the next refit
  fixes it with its source, or carries it as a prior.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from experiments.calibration import outputs
from experiments.studies import record
from experiments.studies import recovery as recovery_study
from experiments.studies.runs import Run

NAME = "identify"
QUESTION = ("Over the whole prior, which of the calibration's free parameters move a fitted "
            "target by more than its error, and what should the next refit do with each?")
BASE, RESAMPLES, SEED = 1024, 200, 20261206
HALF, R2_MIN, CHUNK = 0.5, 0.8, 4096
READS: list[str] = []


def specs() -> list[dict[str, Any]]:
    """No new model runs: the surrogate's design runs are the evidence."""
    return []


def _problem(cfg) -> dict[str, Any]:
    return {"num_vars": len(cfg.priors), "names": [p.name for p in cfg.priors],
            "bounds": [[p.low, p.high] for p in cfg.priors]}


def _weighted_corr(post, names: list[str]) -> np.ndarray:
    w = post["weight"].to_numpy(float)
    w = w / w.sum()
    x = post[names].to_numpy(float)
    centred = x - w @ x
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    from SALib.analyze import sobol as analyse
    from SALib.sample import sobol as sample

    cfg = recovery_study._cfg()
    ts = recovery_study._targets()
    em = recovery_study._shipped_surrogate(cfg, ts)  # refused if the design is missing
    shipped = json.loads((recovery_study.SHIPPED / "calibration.json").read_text("utf-8"))
    fit_check = shipped["surrogate"]["check_prior_final"]  # its checks, as the fit stored them
    problem = _problem(cfg)
    names = problem["names"]
    x = sample.sample(problem, BASE, calc_second_order=False, seed=SEED)
    means = np.vstack([em.predict(x[i:i + CHUNK])[0] for i in range(0, len(x), CHUNK)])
    fitted = {t.name: t for t in ts.fitted()}
    targets: dict[str, Any] = {}
    for j, tname in enumerate(em.names):
        t = fitted[tname]
        combined = float(np.hypot(t.sigma, em.error[j]))
        y = means[:, j]
        r2 = float(fit_check[tname]["r2"])
        row: dict[str, Any] = {"statistic": "+".join(t.measures), "sigma": float(t.sigma),
                               "combined_error": combined, "r2_prior": r2,
                               "sd_over_prior": float(np.std(y)), "answers": r2 >= R2_MIN}
        if row["answers"]:
            res = analyse.analyze(problem, y, calc_second_order=False,
                                  num_resamples=RESAMPLES, seed=SEED + j)
            var = float(np.var(y))
            row["indices"] = {n: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                                  "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i]),
                                  "total_sd": float(np.sqrt(max(res["ST"][i], 0.0) * var))}
                              for i, n in enumerate(names)}
            row["moved_by"] = [n for n in names
                               if row["indices"][n]["total_sd"] >= HALF * combined]
        targets[tname] = row
    rec = record.load(recovery_study.NAME)
    pinned = set(rec["result"]["pinned"]) if rec else set()
    post, _ = outputs.read_posterior(recovery_study.SHIPPED / "posterior.parquet")
    corr = _weighted_corr(post, names)
    params: dict[str, Any] = {}
    for i, n in enumerate(names):
        moves = [t for t, r in targets.items() if n in r.get("moved_by", [])]
        others = [(abs(corr[i, k]), names[k], float(corr[i, k])) for k in range(len(names))
                  if k != i]
        partner = max(others)
        verdict = ("pinned" if n in pinned else "confounded" if moves else "silent")
        params[n] = {"moves": moves, "verdict": verdict, "partner": partner[1],
                     "partner_corr": partner[2]}
    return {"question": QUESTION, "base": BASE, "points": len(x),
            "parameters": len(names), "calibration_id": shipped["calibration_id"],
            "recovery_current": rec is not None, "targets": targets, "per_parameter": params,
            "cannot_answer": sorted(t for t, r in targets.items() if not r["answers"])}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    per = r["per_parameter"]
    groups = {v: sorted(n for n, p in per.items() if p["verdict"] == v)
              for v in ("pinned", "confounded", "silent")}
    ticks = lambda ns: ", ".join(f"`{n}`" for n in ns) or "none"  # noqa: E731
    lines = [f"Generated from the stored `identify` study (`make studies ONLY=identify`): "
             f"Sobol indices (first order and total, SALib, {r['base']} base points, "
             f"{r['points']:,} in all) of each fitted target's statistic over the prior box "
             f"of the {r['parameters']} free parameters, on the surrogate of "
             f"`{r['calibration_id']}`. A parameter moves a target when the SD of its total "
             f"effect, sqrt(S_T Var Y), is at least half the target's combined error (stated "
             f"sigma and surrogate error). Verdicts with the `recovery` study:", "",
             f"- **pinned** ({len(groups['pinned'])}), keep free: {ticks(groups['pinned'])}.",
             f"- **confounded** ({len(groups['confounded'])}), move a target but are not "
             f"pinned: the targets inform them weakly or only together with others (in "
             f"brackets the parameter most correlated with each in the shipped posterior; "
             f"a ridge when |r| >= 0.3); each needs a figure that moves it more than the "
             f"others, or a value with a source: "
             + (", ".join(f"`{n}` (with `{per[n]['partner']}`, r = "
                          f"{per[n]['partner_corr']:+.2f})" for n in groups["confounded"])
                or "none") + ".",
             f"- **silent** ({len(groups['silent'])}), move no target by half its error over "
             f"their whole prior: the next refit fixes them with a source or carries them as "
             f"priors: {ticks(groups['silent'])}."]
    if r["cannot_answer"]:
        lines += ["", "Cannot answer for " + ticks(r["cannot_answer"]) + f": the surrogate "
                  f"predicts held-back runs over the prior with R^2 under {R2_MIN}."]
    lines += ["", "| target | SD over prior | combined error | surrogate R^2 | moved by "
              "(total-effect SD / combined error) |", "|---|---|---|---|---|"]
    for t, row in r["targets"].items():
        if not row["answers"]:
            moved = "cannot answer"
        else:
            order = sorted(row["indices"].items(), key=lambda kv: -kv[1]["total_sd"])
            moved = ", ".join(f"`{n}` {v['total_sd'] / row['combined_error']:.1f}"
                              for n, v in order if n in row["moved_by"]) or "none"
        lines.append(f"| `{t}` | {row['sd_over_prior']:.3f} | {row['combined_error']:.3f} | "
                     f"{row['r2_prior']:.2f} | {moved} |")
    lines += ["", "![identify](identify.png)"]
    return {("docs/CALIBRATION.md", "IDENTIFY"): "\n".join(lines)}


def figures(result: dict[str, Any], docs: Path) -> None:
    from experiments.analyse import plot_style

    plt = plot_style.plt
    answered = {t: r for t, r in result["targets"].items() if r["answers"]}
    names = list(result["per_parameter"])
    grid = np.array([[answered[t]["indices"][n]["total_sd"] / answered[t]["combined_error"]
                      for t in answered] for n in names])
    fig, ax = plt.subplots(figsize=(1.0 + 0.62 * len(answered), 0.36 * len(names) + 2.2))
    im = ax.imshow(np.minimum(grid, 2.0), cmap="Greys", vmin=0, vmax=2.0, aspect="auto")
    for i in range(len(names)):
        for j in range(len(answered)):
            v = grid[i, j]
            ax.text(j, i, f"{v:.1f}" if v >= 0.05 else "", ha="center", va="center",
                    fontsize=6, color="white" if v > 1.2 else "black",
                    fontweight="bold" if v >= HALF else "normal")
    verdict = {n: result["per_parameter"][n]["verdict"] for n in names}
    ax.set_yticks(range(len(names)), [f"{n} ({verdict[n]})" for n in names], fontsize=7)
    ax.set_xticks(range(len(answered)), list(answered), rotation=60, ha="right", fontsize=7)
    ax.set_title("Total-effect SD over the prior / target's combined error\n(bold: at least "
                 f"{HALF}, the parameter moves that target)", fontsize=9)
    fig.colorbar(im, ax=ax, shrink=0.6, label="ratio (capped at 2)")
    fig.tight_layout()
    plot_style.save(fig, docs / "identify.png")


def check(result: dict[str, Any]) -> list[str]:
    """Guards on the method: Sobol indices are shares (first order at most total, within
    their intervals), and the recovery study the verdicts rest on was stored."""
    out = []
    if not result["recovery_current"]:
        out.append("the recovery study has no stored result; verdicts need it")
    for t, row in result["targets"].items():
        for n, v in row.get("indices", {}).items():
            if v["S1"] - v["S1_conf"] > v["ST"] + v["ST_conf"] + 0.02:
                out.append(f"{t}: {n}'s first-order index exceeds its total index")
    return out
