"""report.md of a policy search: what was searched, what the front is on fresh seeds, which
constraints bound, and a winner only where one beats the rest beyond noise."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analyse.markdown import markdown_table
from experiments.search.front import ALPHA
from experiments.search.spec import SearchSpec


def write_report(root: Path, spec: SearchSpec, manifest: dict[str, Any], front: pd.DataFrame,
                 cands: pd.DataFrame, figs: list[Path], verdict: dict[str, Any],
                 binds: list[dict[str, Any]]) -> None:
    varied = [*spec.mechanisms, *spec.levers]
    lines = [f"# Policy search `{spec.name}`", ""]
    if spec.question:
        lines += [f"**Question:** {spec.question}", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += _setup(spec, manifest, cands, varied)
    if front.empty:
        lines += ["No candidate finished; see runs/ for errors.", ""]
    else:
        lines += _constraints(binds)
        lines += _verdict(spec, verdict, varied)
        if not front["feasible_in_search"].all():
            lines += ["No candidate met the constraints in the search; the front shown is "
                      "of all candidates.", ""]
        cols = ["candidate", *varied]
        for m in spec.measures:
            cols += [m, f"{m}_fresh", f"{m}_fresh_ci_low", f"{m}_fresh_ci_high"]
        lines += ["## Front", "", markdown_table(front, [*cols, "meets_constraints_fresh"]),
                  ""]
    for f in figs:
        rel = f.relative_to(root)
        lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
    (root / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _setup(spec: SearchSpec, manifest: dict[str, Any], cands: pd.DataFrame,
           varied: list[str]) -> list[str]:
    obj = ", ".join([f"raise {m}" for m in spec.maximise] + [f"lower {m}" for m in
                                                             spec.minimise])
    return [
        f"- base scenario `{spec.base}`; searched: {', '.join(varied)}",
        f"- objectives: {obj}" + (f"; constraints: {constraint_text(spec)}"
                                  if spec.constraints else ""),
        f"- NSGA-II (pymoo), population {spec.population}, {spec.generations} generations: "
        f"{len(cands)} candidates evaluated, {manifest['runs']} runs",
        f"- each candidate: {spec.replicates} runs on the same seeds as every other candidate "
        "(common random numbers); outcome = the mean of weeks "
        f"{spec.warmup + 1}-{spec.steps} (the last {spec.steps - spec.warmup} weeks)",
        f"- the front and the base scenario as it is re-evaluated on {spec.fresh_replicates} "
        "fresh seeds (never used in the search, shared by every point so differences are "
        "paired), 95% t CIs (logit-scale for shares)",
        f"- root seed {spec.seed}; model code {manifest['code_version']}, git "
        f"{manifest['git_commit']}" + (" with uncommitted changes (their patch: "
                                       "`source.diff`)" if manifest["git_modified"] else ""),
        "",
        "Files: `front.csv` (each front point's settings, search means, fresh-seed means and "
        "CIs), `candidates.csv` (every candidate evaluated, by generation), `manifest.json`, "
        "`runs/`, `figures/`.", ""]


def constraint_text(spec: SearchSpec) -> str:
    return ", ".join(f"{m} {'>=' if k == 'at_least' else '<='} {b:g}"
                     for m, (k, b) in spec.constraints.items())


def _constraints(binds: list[dict[str, Any]]) -> list[str]:
    lines = []
    for b in binds:
        rule = f"{b['measure']} {'>=' if b['kind'] == 'at_least' else '<='} {b['bound']:g}"
        base = (f"; the base scenario as it is: {b['base_fresh_mean']:.4g} on fresh seeds"
                if math.isfinite(b["base_fresh_mean"]) else "")
        if b["meeting"] == b["candidates"]:
            lines += [f"> **The constraint {rule} binds for no candidate:** all "
                      f"{b['candidates']} candidates evaluated meet it{base}. The search was "
                      "in effect unconstrained on it; a bound that answers a question lies "
                      "between what the candidates reach.", ""]
        elif b["meeting"] == 0:
            lines += [f"> **No candidate meets {rule}** (of {b['candidates']} evaluated"
                      f"{base}); the front shown is of all candidates.", ""]
        else:
            lines += [f"- constraint {rule}: met by {b['meeting']} of {b['candidates']} "
                      f"candidates evaluated{base}.", ""]
    return lines


def _verdict(spec: SearchSpec, v: dict[str, Any], varied: list[str]) -> list[str]:
    m, lower = v["measure"], v["lower_is_better"]
    word = "lowest" if lower else "highest"
    rule = constraint_text(spec) or "no constraint"
    best = v["best"]
    if best is None:
        return [f"**No front point meets {rule} on fresh seeds.**", ""]
    st = best["stats"]
    shown = (f"{_settings(best['settings'], varied)}: {m} {st[m]['mean']:.4g} "
             f"[{st[m]['ci_low']:.4g}, {st[m]['ci_high']:.4g}]"
             + "".join(f"; {c} {st[c]['mean']:.4g} [{st[c]['ci_low']:.4g}, "
                       f"{st[c]['ci_high']:.4g}]" for c in spec.constraints if c != m))
    rivals = v["rivals"]
    if v["winner"] is not None:
        head = (f"**Winner: the mix with the {word} {m} that meets {rule} on fresh seeds,** "
                f"beating every other such front point ({len(rivals)}) in paired comparisons "
                f"(Holm-adjusted p < {ALPHA:g}): {shown}.")
    else:
        tied = [r for r in rivals if not r["beaten"]]
        head = (f"**No single winner: the front is flat within noise.** The point with the "
                f"{word} {m} among the {v['eligible']} that meet {rule} on fresh seeds "
                f"({shown}) does not beat {len(tied)} of the other {len(rivals)} beyond noise "
                f"(paired differences on fresh seeds, Holm-adjusted p >= {ALPHA:g} or the "
                "wrong sign): read these mixes as equally good on this evidence.")
    lines = [head, ""]
    if rivals:
        table = pd.DataFrame([{"candidate": r["candidate"],
                               "settings": _settings(r["settings"], varied),
                               f"{m} best - this": r["diff"], "ci_low": r["diff_ci_low"],
                               "ci_high": r["diff_ci_high"], "p_holm": r["p_holm"],
                               "beaten": r["beaten"]} for r in rivals])
        lines += [f"Paired differences on fresh seeds, best point minus each other point "
                  f"that meets {rule}:", "",
                  markdown_table(table, list(table.columns)), ""]
    base = v.get("against_base")
    if base:
        parts = [f"{k} {d['diff']:+.4g} [{d['diff_ci_low']:+.4g}, {d['diff_ci_high']:+.4g}]"
                 for k, d in base.items()]
        lines += [f"Against the base scenario `{spec.base}` as it is (nothing searched "
                  f"changed), on the same fresh seeds, the best point differs by: "
                  f"{'; '.join(parts)} (paired, 95% CI).", ""]
    return lines


def _settings(settings: dict[str, Any], varied: list[str]) -> str:
    return ", ".join(f"{k} = {_v(settings.get(k))}" for k in varied)


def _v(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "on" if v else "off"
    if isinstance(v, float) and not math.isnan(v):
        return f"{v:.4g}"
    return str(v)
