"""report.md: the experiment's tables and figures in words, numbers and pictures.

Each section says only what its inputs support: where an analysis could not answer (too
few distinct design points for a metamodel, a threshold nearly every point passes, too
few posterior particles to judge a sign), the report says that instead of a number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.analyse import report_sections as sections
from experiments.analyse.markdown import markdown_table
from experiments.analyse.plot_style import PROBLEMS
from experiments.specify.outcome import window_text
from experiments.specify.spec import Spec

FILES = ("comparison.csv", "sensitivity.csv", "metamodel.csv", "discovery.csv",
         "prim_trajectories.csv", "steady_state.csv", "horizons.csv")


def write_report(root: Path, spec: Spec, manifest: dict[str, Any], a: dict[str, Any],
                 n_ok: int, total: int, warmup: int, replicates: int) -> None:
    """Write report.md from the analysis `a` (tables, figures, warnings) and the manifest."""
    lines = _head(root, spec, manifest, n_ok, total, warmup, replicates)
    if manifest.get("posterior"):
        lines += [*sections.posterior(manifest), ""]
    if manifest.get("params"):
        lines += [*sections.params_file(manifest), ""]
    if manifest.get("community"):
        lines += [*sections.community(manifest), ""]
    lines += sections.history(manifest)
    lines += sections.precision(manifest.get("precision"))
    lines += _comparison(spec, a["comparison"])
    lines += sections.horizons(manifest, a["horizons"])
    lines += _summary(spec, a["summary"])
    lines += sections.steady(a)
    lines += sections.metamodel(spec, a)
    lines += sections.sensitivity(spec, manifest, a)
    if spec.analysis.discovery is not None:
        lines += sections.discovery(spec, a)
    lines += _figures(root, a["figures"], a.get("drawn", True))
    (root / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _head(root: Path, spec: Spec, manifest: dict[str, Any], n_ok: int, total: int,
          warmup: int, replicates: int) -> list[str]:
    d = spec.design
    factors = list(d.factors) + list(d.ranges)
    lines = [f"# Experiment `{spec.name}`", ""]
    if spec.question:
        lines += [f"**Question:** {spec.question}", ""]
    if spec.description:
        lines += [spec.description, ""]
    missing = manifest.get("missing") or 0
    lines += [
        f"- status: **{manifest['status']}**, {n_ok} of {total} runs finished"
        + (f", failed: {', '.join(manifest['failed'])}" if manifest["failed"] else "")
        + (f"; {missing} not yet on disk" if missing else ""),
        f"- scenarios: {', '.join(spec.scenarios)}; reference: `{spec.reference}`",
        f"- design: {d.type}" + (f" over {', '.join(factors)}" if factors else ""),
        f"- replicates: {replicates}, steps: {spec.steps} weeks",
        f"- **outcome window**: each run's outcome is {window_text(spec, warmup)}",
        f"- root seed {spec.seed}; replicate r shares its seed across scenarios and design "
        "points (common random numbers), so comparisons are paired",
        f"- model code {manifest.get('code_version')}, all code "
        f"{(manifest.get('code_hashes') or {}).get('all')}, git {manifest.get('git_commit')}"
        + (" **with uncommitted changes** (their patch: `source.diff`)"
           if manifest.get("git_modified") else ""),
        "",
        "Files: `manifest.json` (spec text, versions, code hashes, seeds, every run's full "
        "parameters), `spec.toml` (the spec as given), `runs.parquet` (one row per run), "
        "`timeseries.parquet` (run x step), `summary.csv`"
        + "".join(f", `{n}`" for n in FILES if (root / n).exists()) + ", `figures/`.", ""]
    return lines


def _comparison(spec: Spec, comparison: Any) -> list[str]:
    d = spec.design
    if comparison.empty:
        return (["One scenario only, so there is no comparison with a reference.", ""]
                if len(spec.scenarios) == 1 else [])
    sampled = d.type not in ("scenarios", "factorial")
    n_sig = int((comparison["p_holm"] < 0.05).sum())
    return ["## Each scenario against the reference", "",
            ("Averaged over the sampled design: each design point's replicate-mean "
             "difference is one observation. " if sampled else "Paired by replicate. ")
            + "`diff` = scenario - reference with its 95% t CI; `p_holm` = the paired "
            f"t-test's p-value, Holm-adjusted over all {len(comparison)} comparisons in "
            f"this table ({n_sig} below 0.05); `cohens_dz` = mean(diff) / sd(diff); "
            "`vd_a` = Vargha-Delaney A (0.5 = no effect, 0.71 / 0.29 = large). The CIs "
            "are unadjusted; read them with `p_holm`.", "",
            markdown_table(comparison, ["scenario", *(["point"] if d.factors else []),
                                        *d.factors, "measure", "mean", "reference_mean",
                                        "diff", "diff_ci_low", "diff_ci_high", "p_holm",
                                        "cohens_dz", "vd_a", "n_pairs"]), ""]


def _summary(spec: Spec, summary: Any) -> list[str]:
    if summary.empty:
        return []
    d = spec.design
    return ["## Summary (mean, sd, 95% CI, n)", "",
            "CIs of shares (measures in [0, 1]) are built on the logit scale, so they "
            "stay within [0, 1].", "",
            markdown_table(summary, ["scenario", *d.factors, "measure", "mean", "sd",
                                     "ci_low", "ci_high", "n"])
            if d.type in ("scenarios", "factorial") else "Per design point in `summary.csv`.",
            ""]


def _figures(root: Path, figures: list[Path], drawn: bool = True) -> list[str]:
    if not drawn:
        return ["## Figures", "", "Not drawn (`--no-figures`); `run.py report FOLDER` draws "
                "them from the stored runs.", ""]
    if not figures:
        return []
    lines = ["## Figures", ""]
    for f in figures:
        rel = f.relative_to(root)
        lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
    shown = set(figures)
    for key, probs in PROBLEMS.items():
        if probs and Path(key) in shown:
            lines += [f"> figure `{Path(key).name}`: {'; '.join(probs)}", ""]
    return lines
