"""The showcase: two shipped configs that each answer a real question, run by one command,
with their answers written into docs/EXPERIMENTS.md from the stored results.

    .venv/bin/python -m experiments.showcase             # run both, store, write the doc
    .venv/bin/python -m experiments.showcase --doc-only  # write the doc from what is stored

Runs go to results/showcase/ (resumed when the command is repeated; started over when the
model's code has changed since, so after a model change the same command refreshes it).
What the doc quotes is extracted into docs/showcase/results.json, with the model's code
version and the git commit that made it, and the PRIM and Pareto figures are copied beside
it; the doc's section is rendered from that file alone, and a test checks that it is.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analyse.discovery import QP_MAX
from experiments.experiment import run_experiment
from experiments.running.fingerprint import compatible, model_fingerprint, model_signature
from experiments.running.provenance import code_version, git_commit
from experiments.running.store import Store
from experiments.search.optimize import run_search
from experiments.search.spec import load_search
from experiments.specify.check import load
from model.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DISCOVERY = ROOT / "experiments" / "configs" / "discovery_participation.toml"
SEARCH = ROOT / "experiments" / "configs" / "search" / "cheapest_participation.toml"
OUT = Path("results") / "showcase"
STORE = ROOT / "docs" / "showcase"
DOC = ROOT / "docs" / "EXPERIMENTS.md"
BLOCK = "SHOWCASE"


def _fresh(folder: Path) -> bool:
    """Start over where the folder's runs were made by other model code."""
    old = Store(folder).manifest() if folder.is_dir() else None
    return old is not None and old.get("code_version") != code_version()


def run(out: Path = OUT, workers: int | None = None, fresh: bool = False) -> dict[str, Any]:
    """Run (or continue) both showcase experiments; return what the doc quotes. `fresh`
    starts both over (needed after a config's question changed what decides a run)."""
    spec, search = load(DISCOVERY), load_search(SEARCH)
    disc_dir, search_dir = out / spec.name, out / search.name
    run_experiment(spec, disc_dir, workers=workers, fresh=fresh or _fresh(disc_dir),
                   command="python -m experiments.showcase")
    run_search(search, search_dir, workers=workers, fresh=fresh or _fresh(search_dir),
               command="python -m experiments.showcase")
    return {"made": datetime.now(UTC).isoformat(timespec="seconds"),
            "code_version": code_version(), "git_commit": git_commit(),
            "model_fingerprint": model_fingerprint(), "signature": model_signature(),
            "discovery": extract_discovery(disc_dir), "search": extract_search(search_dir)}


def extract_discovery(folder: Path) -> dict[str, Any]:
    """Per scenario: the threshold, how many points passed, and PRIM's boxes."""
    man = Store(folder).manifest()
    spec = man["spec"]
    out = {"name": spec["name"], "question": spec.get("question", ""),
           "measure": spec["analysis"]["discovery"]["measure"],
           "quantile": spec["analysis"]["discovery"].get("quantile"),
           "factors": list(spec["design"]["ranges"]), "points": spec["design"]["samples"],
           "runs": len(man["runs"]), "status": man["status"], "scenarios": {}}
    for sc, d in man["discovery"].items():
        figure = folder / "figures" / f"prim_{sc}.png"
        out["scenarios"][sc] = {**d, "figure": figure.name if figure.exists() else None}
    return out


def extract_search(folder: Path) -> dict[str, Any]:
    """The constraints' binding, the verdict on fresh seeds, the front that meets them."""
    man = Store(folder).manifest()
    front = pd.read_csv(folder / "front.csv")
    spec = man["spec"]
    meeting = front[front["meets_constraints_fresh"]] if not front.empty else front
    return {"name": spec["name"], "question": spec.get("question", ""),
            "mechanisms": spec["mechanisms"], "candidates": man["candidates"],
            "runs": man["runs"], "front": man["front"], "front_meeting": len(meeting),
            "fresh_replicates": spec["fresh_replicates"], "constraints": man["constraints"],
            "verdict": man["verdict"]}


def copy_figures(out: Path, summary: dict[str, Any]) -> None:
    STORE.mkdir(parents=True, exist_ok=True)
    disc = summary["discovery"]
    for sc in disc["scenarios"].values():
        if sc["figure"]:
            shutil.copyfile(out / disc["name"] / "figures" / sc["figure"], STORE / sc["figure"])
    pareto = out / summary["search"]["name"] / "figures" / "pareto.png"
    if pareto.exists():
        shutil.copyfile(pareto, STORE / "pareto.png")


def _ci(stats: dict[str, float]) -> str:
    return f"{stats['mean']:.3g} [{stats['ci_low']:.3g}, {stats['ci_high']:.3g}]"


def _on(settings: dict[str, Any]) -> str:
    on = [k for k, v in settings.items() if v is True]
    return ", ".join(f"`{k}`" for k in on) if on else "none"


def _conditions(box: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The box's limits that chance would rarely draw (quasi-p below QP_MAX)."""
    return {k: (lo, hi) for k, (lo, hi, qp) in box["limits"].items() if qp < QP_MAX}


def render_discovery(d: dict[str, Any]) -> list[str]:
    lines = [f"### Scenario discovery: `{d['name']}`", "", f"**Question.** {d['question']}",
             "", f"**How.** {d['points']} Latin-hypercube points over "
             + ", ".join(f"`{f}`" for f in d["factors"]) + f", one run each per scenario "
             f"({d['runs']} runs); a point is of interest when its {d['measure']} is at or "
             f"above the scenario's median; PRIM as described above. A box's conditions are "
             f"its limits with a quasi-p below {QP_MAX:g}; its other limits only trim edges.",
             "", "**Answer.**", ""]
    named = {}
    for sc, r in d["scenarios"].items():
        head = (f"- `{sc}`: {d['measure']} >= {r['threshold']:.3g} (the median) in "
                f"{r['n_interest']} of {r['n']} points.")
        if r.get("warning"):
            head += f" Warning: {r['warning']}."
        named[sc] = set()
        if not r["boxes"]:
            lines.append(head + " PRIM found no box it could tell from chance: no condition "
                         "in these ranges decides it on its own.")
            continue
        for b in r["boxes"]:
            cond = _conditions(b)
            named[sc] |= set(cond)
            stable = ", ".join(f"`{k}` {b['stability'][k][0]:.0f}%/{b['stability'][k][1]:.0f}%"
                               for k in cond)
            head += (f" Box {b['box']}: " + " and ".join(
                f"`{k}` in [{lo:.3g}, {hi:.3g}]" for k, (lo, hi) in cond.items())
                + f" (coverage {b['coverage']:.2f}, density {b['density']:.2f}, mass "
                f"{b['mass']:.2f}; restricted in {stable} of half-samples, by coverage/by "
                "density).")
        lines.append(head)
    if len(named) == 2:
        (a, ra), (b, rb) = named.items()
        both = sorted(ra & rb)
        lines += ["", "The same conditions? "
                  + (f"Both scenarios' boxes rest on {', '.join(f'`{x}`' for x in both)}"
                     if both else "The two scenarios' boxes share no condition")
                  + (f"; only `{a}`'s on {', '.join(f'`{x}`' for x in sorted(ra - rb))}"
                     if ra - rb else "")
                  + (f"; only `{b}`'s on {', '.join(f'`{x}`' for x in sorted(rb - ra))}"
                     if rb - ra else "") + "."]
    figs = [r["figure"] for r in d["scenarios"].values() if r["figure"]]
    lines += [""] + [f"![PRIM peeling trajectory](showcase/{f})" for f in figs]
    return lines


def render_search(s: dict[str, Any]) -> list[str]:
    v = s["verdict"]
    lines = [f"### Policy search: `{s['name']}`", "", f"**Question.** {s['question']}", "",
             f"**How.** NSGA-II over the {len(s['mechanisms'])} mechanism switches: "
             f"{s['candidates']} candidates, {s['runs']} runs in all; the front and the "
             f"baseline re-run on {s['fresh_replicates']} fresh seeds.", "", "**Answer.**", ""]
    for c in s["constraints"]:
        rule = f"{c['measure']} {'>=' if c['kind'] == 'at_least' else '<='} {c['bound']:g}"
        lines.append(f"- The constraint {rule} {'binds' if c['binds'] else 'does not bind'}: "
                     f"{c['meeting']} of {c['candidates']} candidates meet it in the search; "
                     f"the baseline reaches {c['base_fresh_mean']:.3g} on fresh seeds.")
    m = v["measure"]
    best = v["best"]
    if best is None:
        lines.append("- No front point meets the constraints on fresh seeds.")
    else:
        p = best["fresh"]
        what = (f"mechanisms on: {_on(best['settings'])}; {m} {_ci(p[m])}, "
                + "; ".join(f"{k} {_ci(p[k])}" for k in p if k != m))
        beaten = sum(r["beaten"] for r in v["rivals"])
        if v["winner"]:
            lines.append(f"- **Winner** (cheapest that meets it, beating all {len(v['rivals'])}"
                         f" other front points that do, beyond noise): {what}.")
        else:
            lines.append(f"- **No single winner: the front is flat within noise.** The "
                         f"cheapest of the {v['eligible']} front points that meet it ({what}) "
                         f"beats only {beaten} of the other {len(v['rivals'])} beyond noise "
                         "(paired on fresh seeds, Holm-adjusted); read them as equally good.")
        base = v.get("against_base")
        if base:
            lines.append("- Against the baseline on the same fresh seeds, that mix differs "
                         "by " + "; ".join(f"{k} {d['diff']:+.3g} [{d['diff_ci_low']:+.3g}, "
                                           f"{d['diff_ci_high']:+.3g}]"
                                           for k, d in base.items()) + " (paired, 95% CI).")
    return [*lines, "", "![Pareto front](showcase/pareto.png)"]


def stale_reasons(summary: dict[str, Any]) -> list[str]:
    """Why the stored results may not answer the shipped questions for the current model:
    other model code, or configs changed since (empty: they do)."""
    out = []
    if summary["code_version"] != code_version():
        # Other source may still be the same behaviour (a refactor, or only a new measure):
        # the model's signature says so, as it does for the studies.
        why = compatible(summary.get("signature"), model_signature())
        if why:
            out.append(f"they were made with other model code ({summary['code_version']}; "
                       f"the model is now {code_version()}: {'; '.join(why)})")
    disc, search = load(DISCOVERY), load_search(SEARCH)
    d = summary["discovery"]
    if d["question"] != disc.question or d["factors"] != list(disc.design.ranges):
        out.append(f"`{DISCOVERY.name}` has changed since (its question or its factors)")
    if summary["search"]["question"] != search.question:
        out.append(f"`{SEARCH.name}` has changed since (its question)")
    return out


def render(summary: dict[str, Any], stale: list[str] | None = None) -> str:
    """The doc's section; `stale` (from stale_reasons) opens it with a warning instead of
    letting old numbers pass for the current model's."""
    lines = [f"Generated by `python -m experiments.showcase` from `docs/showcase/results.json` "
             f"(model code {summary['code_version']}, git "
             f"{(summary.get('git_commit') or '?')[:10]}, {summary['made'][:10]}); after a "
             "model change the same command runs both again.", ""]
    if stale:
        why = "; ".join(stale)
        lines += ["> **Out of date: do not quote these numbers.** " + why[:1].upper() + why[1:]
                  + ". Run `python -m experiments.showcase` for answers that hold.", ""]
    return "\n".join([*lines, *render_discovery(summary["discovery"]), "",
                      *render_search(summary["search"])])


def doc_section(summary: dict[str, Any]) -> str:
    return render(summary, stale_reasons(summary))


def write_doc(summary: dict[str, Any], doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    body = doc_section(summary)
    new = re.sub(rf"<!-- {BLOCK}:BEGIN -->.*?<!-- {BLOCK}:END -->",
                 lambda _m: f"<!-- {BLOCK}:BEGIN -->\n{body}\n<!-- {BLOCK}:END -->",
                 text, flags=re.S)
    doc.write_text(new, encoding="utf-8")


def stored() -> dict[str, Any]:
    return json.loads((STORE / "results.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m experiments.showcase",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--doc-only", action="store_true",
                   help="only rewrite the doc from docs/showcase/results.json")
    p.add_argument("--workers", type=int, default=None, help="worker processes")
    p.add_argument("--out", type=Path, default=OUT, help="where the runs go")
    p.add_argument("--fresh", action="store_true",
                   help="delete the stored runs and start both experiments over")
    args = p.parse_args(argv)
    if not args.doc_only:
        try:
            summary = run(args.out, args.workers, args.fresh)
        except InputError as exc:  # one paragraph, no traceback; stored runs are kept
            print(f"error: {exc}", file=sys.stderr)
            return 2
        copy_figures(args.out, summary)
        STORE.mkdir(parents=True, exist_ok=True)
        (STORE / "results.json").write_text(json.dumps(summary, indent=1, default=str) + "\n",
                                            encoding="utf-8")
    write_doc(stored())
    print(f"wrote {DOC} from {STORE / 'results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
