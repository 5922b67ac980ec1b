"""Where each effect comes from: the pathway decomposition of a programme's effect.

Reads an experiment folder whose arms are the programme (the reference, e.g.
`collaborative`), the baseline (`administrative`) and `<programme>_without_<pathway>`
presets (experiments/configs/pathways.toml), all paired by replicate (same seed). For each
measure and pathway, per replicate:

    whole effect   T = programme - baseline
    carried        C = programme - programme without the pathway

and reports the mean of C with a paired t 95% CI, and C's share of T (ratio of means, with a
bootstrap 95% CI over replicates). Pathways overlap and interact, so shares need not add
to 1; what they do not explain is interaction or pathways not listed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from governance import PATHWAYS
from model.errors import InputError

PREFIX = "_without_"


def decompose(runs: pd.DataFrame, programme: str, baseline: str, measures: list[str],
              seed: int = 0, boot: int = 2000) -> pd.DataFrame:
    """One row per (measure, pathway): carried effect, its CI, share of the whole effect."""
    need = {"scenario", "replicate"}
    if not need <= set(runs.columns):
        raise InputError(f"the runs table lacks the columns {sorted(need - set(runs.columns))}")
    wide = {m: runs.pivot_table(index="replicate", columns="scenario", values=m)
            for m in measures}
    rng = np.random.default_rng(seed)
    rows = []
    for m in measures:
        w = wide[m]
        if programme not in w or baseline not in w:
            raise InputError(f"the experiment has no arm {programme!r} or {baseline!r}; "
                             "run experiments/configs/pathways.toml")
        total = (w[programme] - w[baseline]).to_numpy()
        arms = [c for c in w.columns if c.startswith(programme + PREFIX)]
        for arm in [baseline, *arms]:
            name = "(whole programme)" if arm == baseline else arm[len(programme + PREFIX):]
            carried = (w[programme] - w[arm]).to_numpy()
            ok = ~np.isnan(carried) & ~np.isnan(total)
            c, t = carried[ok], total[ok]
            n = len(c)
            half = (stats.t.ppf(0.975, n - 1) * c.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
            share = c.mean() / t.mean() if n and t.mean() != 0 else np.nan
            idx = rng.integers(0, n, (boot, n)) if n > 1 else np.zeros((0, 0), int)
            with np.errstate(divide="ignore", invalid="ignore"):
                b = (c[idx].mean(axis=1) / t[idx].mean(axis=1) if n > 1
                     else np.array([np.nan]))
            pw = PATHWAYS.get(name)
            rows.append({
                "measure": m, "pathway": name,
                "mechanism": pw.mechanism if pw else "all",
                "carried": c.mean(), "ci_low": c.mean() - half, "ci_high": c.mean() + half,
                "share_of_effect": share,
                "share_ci_low": _pct(b, 2.5), "share_ci_high": _pct(b, 97.5),
                "replicates": n,
            })
    return pd.DataFrame(rows)


def _pct(x: np.ndarray, q: float) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, q)) if len(x) else float("nan")


def write(folder: str | Path, programme: str = "collaborative",
          baseline: str = "administrative") -> Path:
    """pathways.csv and pathways.md in an experiment folder (after `run.py report`)."""
    folder = Path(folder)
    path = folder / "runs.parquet"
    if not path.exists():
        raise InputError(f"{path} does not exist: run the experiment (and its report) first, "
                         "e.g. `run.py experiment experiments/configs/pathways.toml`.")
    runs = pd.read_parquet(path)
    if "status" in runs:
        runs = runs[runs["status"] == "ok"]
    skip = {"scenario", "replicate", "status", "point", "seed", "run_id", "steps"}
    measures = [c for c in runs.columns if c not in skip and pd.api.types.is_numeric_dtype(
        runs[c])]
    table = decompose(runs, programme, baseline, measures)
    table.to_csv(folder / "pathways.csv", index=False)
    lines = [f"# Where the effect of `{programme}` comes from", "",
             f"Paired by replicate ({int(table['replicates'].max())} replicates). *Carried*: "
             f"`{programme}` minus `{programme}` with the pathway closed (95% t CI). *Share*: "
             "carried / whole effect (bootstrap 95% CI). Pathways interact, so shares need "
             "not add to 1.", ""]
    for m, part in table.groupby("measure", sort=False):
        lines += [f"## {m}", "", "| pathway | mechanism | carried | 95% CI | share | share CI |",
                  "|---|---|---|---|---|---|"]
        for r in part.itertuples():
            lines.append(f"| {r.pathway} | {r.mechanism} | {r.carried:+.4f} | "
                         f"[{r.ci_low:+.4f}, {r.ci_high:+.4f}] | {r.share_of_effect:.2f} | "
                         f"[{r.share_ci_low:.2f}, {r.share_ci_high:.2f}] |")
        lines.append("")
    out = folder / "pathways.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
