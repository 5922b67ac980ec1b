"""validation.md and docs/VALIDATION.md's table, rendered from a stored validation.json.

The shipped result is experiments/calibrations/validation/validation.json. After running
`python run.py validate --out experiments/calibrations/validation`, run
`python -m experiments.calibration.validate_doc` to update docs/VALIDATION.md's block;
tests/test_validate.py fails while the block disagrees with the stored result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from experiments.running.store import write_text_atomic
from experiments.studies import docblocks

DOC, BLOCK = "docs/VALIDATION.md", "VALIDATION"
STORED = Path(__file__).resolve().parents[1] / "calibrations" / "validation" / "validation.json"


def _f(v: float | None) -> str:
    return "" if v is None else f"{v:.3g}"


def _names(rows: list[dict[str, Any]], verdict: str) -> str:
    return ", ".join(f"`{r['name']}`" for r in rows if r["verdict"] == verdict) or "none"


def summary(res: dict[str, Any]) -> str:
    """The plain paragraph at the top: what the model does not reproduce."""
    rows = res["targets"]
    c = res["counts"]
    cannot = c.get("cannot tell", 0)
    return (f"Of {len(rows)} figures, the model reproduces {c['reproduced']}. "
            + (f"For {cannot} the test cannot fail, so it says nothing (the predictive "
               f"interval covers almost every share): "
               f"{_names(rows, 'cannot tell')}. " if cannot else "")
            + f"It does **not "
            f"reproduce** {c['not reproduced']}: {_names(rows, 'not reproduced')}. It gets "
            f"only the direction of a time path, not its level, for "
            f"{c['direction only']}: {_names(rows, 'direction only')}. It cannot express "
            f"{c['not expressible']} at all: {_names(rows, 'not expressible')} (the reasons "
            "are below)."
            + (" Held out but the same statistic as a fitted figure, so not independent "
               "evidence: " + ", ".join(f"`{r['name']}` (as `{r['same_as']}`)"
                                        for r in rows if r.get("same_as")) + "."
               if any(r.get("same_as") for r in rows) else ""))


def _setup(res: dict[str, Any]) -> list[str]:
    p, post = res["point"], res["posterior"]
    if p["source"]:
        point = f"`{Path(p['source']).name}` (calibration `{p['calibration_id']}`)"
        if p.get("stale_note"):
            point += ". " + p["stale_note"].removeprefix("note: ")
    else:
        point = ("the model's defaults: no calibrated point for this model code yet "
                 f"(`--params` not given; the defaults record calibration "
                 f"`{p['defaults_calibration']}`)")
    if post["source"]:
        pred = (f"{post['draws']} draws from the posterior `{Path(post['source']).name}` "
                f"(calibration `{post['calibration_id']}`), each run with its own seed, "
                "plus draws of each figure's own error")
        if post.get("stale_note"):
            pred += ". " + post["stale_note"].removeprefix("note: ")
    else:
        pred = (f"no posterior given: {post['draws']} runs at the point, each with its own "
                "seed, so the interval holds the model's run-to-run noise only, not "
                "parameter uncertainty")
    w, h = res["size"]
    return [f"- point: {point}; its value is the mean of {p['runs']} runs",
            f"- predictive interval: {pred}",
            f"- runs: scenario `{res['scenario']}`, {w} x {h} households, {res['steps']} "
            f"steps, outcome window the last {res['window']} (config `{res['config_file']}`); "
            "held-out figures with their own conditions or window run under them",
            f"- targets: `{res['targets_file']}` ({res['setting']}); model code "
            f"`{res['code_version']}`, root seed {res['root_seed']}"]


def markdown(res: dict[str, Any]) -> str:
    lines = [summary(res), "", *_setup(res), "", "Verdicts:", ""]
    lines += [f"- **{k}**: {v}." for k, v in res["rules"].items()]
    lines += ["", "| figure | role | observed ± sigma | shipped point | predictive median | "
              "predictive 90% | verdict |", "|---|---|---|---|---|---|---|"]
    for r in res["targets"]:
        role = r["role"] + (f", path `{r['path']}`" if r["path"] else "")
        obs = f"{_f(r['observed'])} ± {_f(r['sigma'])}" if r["sigma"] else _f(r["observed"])
        iv = r.get("predictive")
        verdict = r["verdict"] if r["verdict"] == "reproduced" else f"**{r['verdict']}**"
        if r.get("why") and r["verdict"] != "not expressible":
            verdict += f" ({r['why']})"
        if r.get("same_as"):
            role += f", same statistic as fitted `{r['same_as']}`"
        lines.append(f"| `{r['name']}` | {role} | {obs} | {_f(r.get('point'))} | "
                     f"{_f(r.get('median'))} | "
                     f"{f'{_f(iv[0])} – {_f(iv[1])}' if iv else ''} | {verdict} |")
    gone = [r for r in res["targets"] if r["verdict"] == "not expressible"]
    if gone:
        lines += ["", "Not expressible, and why:", ""]
        lines += [f"- `{r['name']}` ({_f(r['observed'])}): {r['why']}" for r in gone]
    return "\n".join(lines)


def write(res: dict[str, Any], out: Path) -> None:
    """validation.json and validation.md in `out`."""
    write_text_atomic(out / "validation.json", json.dumps(res, indent=2, default=str) + "\n")
    write_text_atomic(out / "validation.md", "# Validation\n\n" + markdown(res) + "\n")


def stored() -> dict[str, Any]:
    return json.loads(STORED.read_text(encoding="utf-8"))


if __name__ == "__main__":
    docblocks.write(DOC, BLOCK, markdown(stored()))
    print(f"updated {DOC}")
