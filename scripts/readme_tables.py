"""Fill the README's result tables from the shipped experiments' outputs (never by hand).

Run after `python run.py`, the long_run and pathways experiments (and `run.py pathways
results/pathways`); replaces the text between <!-- NAME:BEGIN --> and <!-- NAME:END -->.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RES = ROOT / "results"


def main_table() -> str:
    c = pd.read_csv(RES / "main" / "comparison.csv")
    keep = ["participation_rate", "trust_government", "resolution_rate", "gov_admin_cost",
            "cost_per_resolved_issue"]
    lines = ["| scenario vs administrative | " + " | ".join(f"`{m}`" for m in keep) + " |",
             "|---|" + "---|" * len(keep)]
    for sc, part in c.groupby("scenario", sort=False):
        cells = []
        for m in keep:
            r = part[part.measure == m]
            if r.empty:
                cells.append("")
                continue
            r = r.iloc[0]
            star = "" if r.p_holm < 0.05 else " (n.s.)"
            cells.append(f"{r['diff']:+.3g} [{r.diff_ci_low:+.3g}, {r.diff_ci_high:+.3g}]{star}")
        lines.append(f"| `{sc}` | " + " | ".join(cells) + " |")
    return ("Paired differences from `administrative`, 95% CI over 6 replicates whose "
            "parameters are posterior draws; (n.s.): Holm-adjusted p >= 0.05.\n\n"
            + "\n".join(lines))


def long_table() -> str:
    ts = pd.read_parquet(RES / "long_run" / "timeseries.parquet")
    cols = ["participation_rate", "share_self_governing", "trust_government",
            "civic_consciousness"]
    y7 = ts[(ts.step > 312) & (ts.step <= 364)].groupby("scenario")[cols].mean()
    y8 = ts[ts.step > 364].groupby("scenario")[cols].mean()
    lines = ["| scenario | participation, year 8 (year 7) | top rung, year 8 | trust in "
             "government | civic consciousness |", "|---|---|---|---|---|"]
    for sc in y8.index:
        a, b = y8.loc[sc], y7.loc[sc]
        lines.append(f"| `{sc}` | {a.participation_rate:.3f} ({b.participation_rate:.3f}) | "
                     f"{a.share_self_governing:.3f} | {a.trust_government:.3f} | "
                     f"{a.civic_consciousness:.3f} |")
    top = y8.share_self_governing.max()
    part = y8.participation_rate.max()
    return (f"Means over 3 replicates. Highest top-rung share {top:.3f} (bound: 0.25); highest "
            f"participation {part:.3f} (bound: below 0.9, "
            f"{'met' if part < 0.9 else '**not met**'}).\n\n" + "\n".join(lines))


def pathway_table() -> str:
    t = pd.read_csv(RES / "pathways" / "pathways.csv")
    t = t[t.measure == "participation_rate"]
    lines = ["| pathway | mechanism | carried (95% CI) | share of the effect |",
             "|---|---|---|---|"]
    for r in t.sort_values("carried", ascending=False).itertuples():
        lines.append(f"| {r.pathway} | {r.mechanism} | {r.carried:+.3f} [{r.ci_low:+.3f}, "
                     f"{r.ci_high:+.3f}] | {r.share_of_effect:.2f} |")
    return ("Participation rate, 40 x 40, 6 paired replicates, mean of year 3 "
            "(all measures: `results/pathways/pathways.md`).\n\n" + "\n".join(lines))


def calib_table() -> str:
    rep = (ROOT / "experiments" / "calibrations" / "baseline" / "report.md").read_text(
        encoding="utf-8")
    block = rep.split("## Targets: observed against posterior predictive", 1)[1]
    rows = [line for line in block.splitlines() if line.startswith("|")]
    return "\n".join(rows)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    for name, fn in (("MAIN", main_table), ("LONG", long_table), ("PATHWAYS", pathway_table),
                     ("CALIB", calib_table)):
        body = fn()
        pat = re.compile(rf"<!-- {name}:BEGIN -->.*?<!-- {name}:END -->", re.S)
        new = f"<!-- {name}:BEGIN -->\n{body}\n<!-- {name}:END -->"
        if not pat.search(text):
            raise SystemExit(f"README has no {name} markers")
        text = pat.sub(lambda _, new=new: new, text)
    README.write_text(text, encoding="utf-8")
    print("README tables updated")


if __name__ == "__main__":
    main()
