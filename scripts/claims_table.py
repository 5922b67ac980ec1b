"""Write docs/ODD.md section 9 ("where the article's claims hold") from experiment results.

Reads the comparison tables of the shipped experiments (run them first):
  results/each_mechanism_vs_baseline  (experiments/configs/each_mechanism_vs_baseline.toml)
  results/main                        (python run.py)
  results/long_run                    (experiments/configs/long_run.toml)
and replaces the text between the CLAIMS markers. A claim "holds" when the paired 95% CI
of its difference from the baseline excludes zero in the article's direction and its
Holm-adjusted p is below 0.05; "no" when both say the other way; "not shown" otherwise.
Numbers are never typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
BEGIN, END = "<!-- CLAIMS:BEGIN -->", "<!-- CLAIMS:END -->"

# (claim, experiment folder, scenario, measure, direction the article claims: +1 up, -1 down)
CLAIMS = [
    ("A1a", "each_mechanism_vs_baseline", "only_responsibility_list", "resolution_rate", +1),
    ("A1b", "each_mechanism_vs_baseline", "only_info_platform", "participation_rate", +1),
    ("A1b", "each_mechanism_vs_baseline", "only_info_platform", "resolution_rate", +1),
    ("A2b", "each_mechanism_vs_baseline", "only_rc_deadministration", "participation_rate", +1),
    ("A2b", "each_mechanism_vs_baseline", "only_rc_deadministration", "share_guided", +1),
    ("A2c", "each_mechanism_vs_baseline", "only_grid_management", "resolution_rate", +1),
    ("A2c", "each_mechanism_vs_baseline", "only_grid_management",
     "share_resolved_below_government", +1),
    ("A2a, B1", "each_mechanism_vs_baseline", "only_party_leadership", "participation_rate", +1),
    ("A2a, B1", "each_mechanism_vs_baseline", "only_party_leadership", "share_guided", +1),
    ("A3", "main", "party_led", "share_self_governing", +1),
    ("A3", "each_mechanism_vs_baseline", "only_building_autonomy", "share_self_governing", +1),
    ("B2", "main", "social_collaboration", "participation_rate", +1),
    ("B2", "main", "social_collaboration", "share_resolved_below_government", +1),
    ("B3", "each_mechanism_vs_baseline", "only_resident_channels", "participation_rate", +1),
    ("B3", "each_mechanism_vs_baseline", "only_resident_channels", "share_self_governing", +1),
    ("B4", "main", "enterprise_assisted", "share_resolved_below_government", +1),
    ("C1", "main", "collaborative", "share_resolved_below_government", +1),
    ("C1", "main", "collaborative", "gov_admin_cost", -1),
    ("C4", "main", "collaborative", "trust_government", +1),
    ("C4", "long_run", "collaborative", "trust_neighbors", +1),
    ("C4", "long_run", "collaborative", "civic_consciousness", +1),
    ("B (combined)", "main", "collaborative", "participation_rate", +1),
]


def verdict(low: float, high: float, sign: int, p_holm: float) -> str:
    """Holds: the CI excludes zero in the article's direction and Holm's p < 0.05."""
    if sign * low > 0 and sign * high > 0:
        return "holds" if p_holm < 0.05 else "direction only (Holm p >= 0.05)"
    if sign * low < 0 and sign * high < 0:
        return "**no** (opposite)" if p_holm < 0.05 else "opposite direction (Holm p >= 0.05)"
    return "not shown"


def table() -> str:
    rows = ["| claim | comparison | measure | article says | paired difference (95% CI) | "
            "Holm p | holds? |", "|---|---|---|---|---|---|---|"]
    cache: dict[str, pd.DataFrame] = {}
    for claim, folder, scenario, measure, sign in CLAIMS:
        path = ROOT / "results" / folder / "comparison.csv"
        if folder not in cache:
            if not path.exists():
                sys.exit(f"{path} is missing: run the experiment first")
            cache[folder] = pd.read_csv(path)
        df = cache[folder]
        hit = df[(df.scenario == scenario) & (df.measure == measure)]
        if hit.empty:
            rows.append(f"| {claim} | `{scenario}` ({folder}) | `{measure}` | "
                        f"{'up' if sign > 0 else 'down'} | not measured | | |")
            continue
        r = hit.iloc[0]
        p = r.get("p_holm", r.get("p_value"))
        rows.append(f"| {claim} | `{scenario}` vs `{r.reference}` ({folder}, {int(r.n_pairs)} "
                    f"pairs) | `{measure}` | {'up' if sign > 0 else 'down'} | "
                    f"{r['diff']:+.4f} [{r.diff_ci_low:+.4f}, {r.diff_ci_high:+.4f}] | "
                    f"{p:.2g} | {verdict(r.diff_ci_low, r.diff_ci_high, sign, p)} |")
    return "\n".join(rows)


def long_run() -> str:
    path = ROOT / "results" / "long_run" / "summary.csv"
    if not path.exists():
        return "(run experiments/configs/long_run.toml for the plausibility bounds)"
    s = pd.read_csv(path)
    keep = ["participation_rate", "share_self_governing", "trust_government",
            "civic_consciousness"]
    s = s[s.measure.isin(keep)] if "measure" in s else s
    cols = [c for c in ("scenario", "measure", "mean", "ci_low", "ci_high") if c in s]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in s[cols].itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else f"`{v}`"
                                       for v in r) + " |")
    return "\n".join(lines)


def main() -> None:
    text = ODD.read_text(encoding="utf-8")
    if BEGIN not in text:
        sys.exit(f"{ODD} has no {BEGIN} marker")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    body = (f"{BEGIN}\nGenerated by `python scripts/claims_table.py` from the shipped "
            "experiments (defaults = the shipped calibration's posterior medians; the main "
            "job also draws each replicate's parameters from the posterior).\n\n"
            f"{table()}\n\nEight years at 60 x 60 (`long_run`, mean of year 8, 95% CI over "
            f"replicates):\n\n{long_run()}\n{END}")
    ODD.write_text(head + body + tail, encoding="utf-8")
    print(f"updated {ODD}")


if __name__ == "__main__":
    main()
