"""What a search found, judged on fresh seeds: the front, which constraints bound, and
whether one mix beats the others beyond noise.

The front's points are re-run on the same fresh seeds (common random numbers), so each
pair of points can be compared replicate by replicate. A winner is named only when the
best point on the first objective beats every other point that meets the constraints
there, each paired difference significant after Holm's correction; otherwise the front is
flat within noise and the report says so. The base scenario as it is (nothing searched
changed) runs on the same fresh seeds, so the front is also read against doing nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.analyse.stats import holm, paired_difference
from experiments.search.spec import SearchSpec

PENALTY = 1e9  # objective of a candidate whose runs failed: never on the front
ALPHA = 0.05


def objectives(spec: SearchSpec, ev: dict[str, Any]) -> tuple[list[float], list[float]]:
    """pymoo's F (minimised) and G (<= 0 is feasible) of one evaluated candidate."""
    if ev["failed"]:
        return ([PENALTY] * (len(spec.maximise) + len(spec.minimise)),
                [PENALTY] * len(spec.constraints))
    st = ev["stats"]
    f = [-st[m]["mean"] for m in spec.maximise] + [st[m]["mean"] for m in spec.minimise]
    g = [(b - st[m]["mean"]) if kind == "at_least" else (st[m]["mean"] - b)
         for m, (kind, b) in spec.constraints.items()]
    return f, g


def front(spec: SearchSpec, log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-dominated feasible candidates over everything evaluated (not just the last
    generation), so a good candidate lost to crowding is still reported."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    evs = list({e["key"]: e for e in log if not e["failed"]}.values())
    if not evs:
        return []
    fg = [objectives(spec, e) for e in evs]
    feasible = [i for i, (_, g) in enumerate(fg) if all(v <= 0 for v in g)]
    pool = feasible or list(range(len(evs)))  # none feasible: the least bad, marked so
    f = np.array([fg[i][0] for i in pool])
    first = NonDominatedSorting().do(f, only_non_dominated_front=True)
    return [{**evs[pool[i]], "feasible": bool(feasible)} for i in first]


def meets(spec: SearchSpec, stats: dict[str, dict[str, float]]) -> bool:
    return all(_meets(stats[m]["mean"], kind, b) for m, (kind, b) in spec.constraints.items())


def _meets(value: float, kind: str, bound: float) -> bool:
    return value >= bound if kind == "at_least" else value <= bound


def binding(spec: SearchSpec, log: list[dict[str, Any]],
            base: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per constraint: how many candidates evaluated in the search meet it. One that every
    candidate meets binds for none, and the search was in effect unconstrained."""
    evs = list({e["key"]: e for e in log if not e["failed"]}.values())
    rows = []
    for m, (kind, b) in spec.constraints.items():
        ok = sum(_meets(e["stats"][m]["mean"], kind, b) for e in evs)
        base_mean = base["stats"][m]["mean"] if base else float("nan")
        rows.append({"measure": m, "kind": kind, "bound": b, "candidates": len(evs),
                     "meeting": int(ok), "base_fresh_mean": base_mean,
                     "binds": 0 < ok < len(evs)})
    return rows


def front_table(spec: SearchSpec, points: list[dict[str, Any]],
                fresh: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for f, fr in zip(points, fresh, strict=True):
        row: dict[str, Any] = {"candidate": f["key"], **f["settings"],
                               "feasible_in_search": f["feasible"]}
        for m in spec.measures:
            row[m] = f["stats"][m]["mean"]
            row[f"{m}_fresh"] = fr["stats"][m]["mean"]
            row[f"{m}_fresh_ci_low"] = fr["stats"][m]["ci_low"]
            row[f"{m}_fresh_ci_high"] = fr["stats"][m]["ci_high"]
        row["meets_constraints_fresh"] = meets(spec, fr["stats"])
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df = df.sort_values(primary(spec)[0])
    return df.reset_index(drop=True)


def candidates_table(spec: SearchSpec, log: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{"generation": e["generation"], "candidate": e["key"],
                          **e["settings"], "failed": e["failed"],
                          **{m: e["stats"][m]["mean"] for m in spec.measures}} for e in log])


def primary(spec: SearchSpec) -> tuple[str, bool]:
    """The first objective and whether lower is better: the one a winner is named by."""
    return (spec.minimise[0], True) if spec.minimise else (spec.maximise[0], False)


def verdict(spec: SearchSpec, fresh: list[dict[str, Any]],
            base: dict[str, Any] | None) -> dict[str, Any]:
    """The best front point on the primary objective (fresh seeds), its paired differences
    from every other point meeting the constraints and from the base, and whether it wins.
    """
    measure, lower = primary(spec)
    eligible = [e for e in fresh if meets(spec, e["stats"])]
    out: dict[str, Any] = {"measure": measure, "lower_is_better": lower,
                           "eligible": len(eligible), "winner": None, "best": None,
                           "rivals": [], "against_base": None}
    if not eligible:
        return out
    sign = 1 if lower else -1
    best = min(eligible, key=lambda e: sign * e["stats"][measure]["mean"])
    out["best"] = best
    rivals = []
    for e in eligible:
        if e is best:
            continue
        d = paired_difference(best["values"][measure], e["values"][measure])
        rivals.append({"candidate": e["key"], "settings": e["settings"], **d})
    p = holm([r["p_value"] for r in rivals]) if rivals else np.array([])
    for r, ph in zip(rivals, p, strict=True):
        r["p_holm"] = float(ph)
        r["beaten"] = bool(ph < ALPHA and sign * r["diff"] < 0)
    out["rivals"] = rivals
    out["winner"] = best if all(r["beaten"] for r in rivals) else None
    if base is not None and not base["failed"]:
        out["against_base"] = {m: paired_difference(best["values"][m], base["values"][m])
                               for m in spec.measures}
        out["base"] = base
    return out


def summary(v: dict[str, Any]) -> dict[str, Any]:
    """The verdict as the manifest keeps it: plain numbers, no per-run values."""
    def point(e: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if e is None else {"candidate": e["key"], "settings": e["settings"],
                                       "fresh": e["stats"]}

    return {"measure": v["measure"], "lower_is_better": v["lower_is_better"],
            "eligible": v["eligible"], "best": point(v["best"]),
            "winner": None if v["winner"] is None else v["winner"]["key"],
            "rivals": [{k: r[k] for k in ("candidate", "settings", "diff", "diff_ci_low",
                                          "diff_ci_high", "p_holm", "beaten")}
                       for r in v["rivals"]],
            "base": point(v.get("base")), "against_base": v.get("against_base")}
