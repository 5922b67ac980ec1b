"""Which parameters move what the model can be compared with? A Morris screen of every
behavioural parameter of the schema on every share, mean and rate a target could use.

Issue 19, item 2: parameters that move no statistic are not "calibrated"; they are fixed
with their sources or carried as priors. This study is the evidence for that choice.

Design, fixed before it ran:
- Scenario `administrative` (the baseline the calibration fits), 30 x 30, the shipped
  ten-year burn-in, then one year; each statistic is the mean of weeks 1-52.
- Screened: every int or float parameter except space, run length, phasing and the
  mechanism switches, and except the ends of a range (`at_most` pairs, which may not
  cross). Each moves over its default +/- 50%, clipped to the schema's range (a default of
  0: the lowest fifth of the schema's range). This asks which parameters, uncertain by half
  their value, move a statistic; it is not a global statement over the whole schema.
- Morris (SALib), 4 levels, R trajectories, one seed for every point (common random numbers).
- Noise arm: the defaults with NOISE_SEEDS seeds give each statistic's run-to-run SD;
  an elementary effect made of noise alone averages sd * sqrt(2) * sqrt(2/pi) / delta.
- A parameter moves a statistic when mu* is at least the smallest effect that matters
  (0.01 for a share or a 0-1 mean, 5% of the default run's value for a rate) and at least
  twice the noise floor. Elementary effects are per whole screened range.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from experiments.specify.check import from_dict
from experiments.specify.designs import sample_matrix
from experiments.studies.runs import Run
from governance import MEASURES as CATALOGUE
from governance import PARAMS

NAME = "screen"
QUESTION = ("Which parameters, each moved by half its default either way, move a statistic "
            "the calibration could use by an amount that matters?")
SIZE = {"width": 30, "height": 30, "grid_block": 10, "building_block": 5}
SCENARIO, STEPS, SEED = "administrative", 52, 20261205
TRAJECTORIES, LEVELS, NOISE_SEEDS = 4, 4, 10
SKIPPED_GROUPS = ("space", "run", "phasing", "mechanisms")
RATES = ["reports_per_resident_year", "moves_per_year", "mean_resolution_time",
         "orgs_active", "cost_per_resolved_issue", "gov_admin_cost"]
READS = [m.name for m in CATALOGUE.values() if m.unit in ("share", "0-1")] + RATES
SESOI_SHARE, SESOI_RATE_REL, NOISE_FACTOR = 0.01, 0.05, 2.0


def _paired_ends() -> set[str]:
    ends = {p.at_most for p in PARAMS.values() if p.at_most}
    return ends | {p.name for p in PARAMS.values() if p.at_most}


def screened() -> dict[str, list[float]]:
    """Each screened parameter's range: default +/- 50% within the schema's bounds."""
    ends, out = _paired_ends(), {}
    for p in PARAMS.values():
        if p.type not in (int, float) or p.group in SKIPPED_GROUPS or p.name in ends:
            continue
        lo, hi = float(p.low), float(p.high)
        d = float(p.default)
        a, b = (lo, lo + 0.2 * (hi - lo)) if d == 0 else (max(lo, 0.5 * d), min(hi, 1.5 * d))
        if p.type is int:
            a, b = math.ceil(a), math.floor(b)
        if b > a:
            out[p.name] = [a, b]
    return out


def _base(name: str) -> dict[str, Any]:
    return {"name": name, "scenarios": [SCENARIO], "reference": SCENARIO, "steps": STEPS,
            "outcome": "mean", "warmup": 0, "seed": SEED, "measures": READS[:1],
            "overrides": dict(SIZE)}


def specs() -> list[dict[str, Any]]:
    morris = {**_base("screen-morris"), "replicates": 1,
              "design": {"type": "morris", "samples": TRAJECTORIES, "levels": LEVELS,
                         "ranges": screened()}}
    noise = {**_base("screen-noise"), "replicates": NOISE_SEEDS}
    return [morris, noise]


def _stat(r: Run, m: str) -> float:
    return float(np.mean(r.series[m][1:STEPS + 1]))


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    from SALib.analyze import morris as morris_analyze

    raw = specs()[0]
    spec = from_dict(raw, source="study 'screen'")
    names = list(raw["design"]["ranges"])
    problem = {"num_vars": len(names), "names": names,
               "bounds": [raw["design"]["ranges"][n] for n in names]}
    x = sample_matrix(spec)
    ordered = _in_design_order(runs["screen-morris"], names, x)
    noise = runs["screen-noise"]
    delta = LEVELS / (2 * (LEVELS - 1))
    stats: dict[str, Any] = {}
    for m in READS:
        y = np.array([_stat(r, m) for r in ordered])
        ys = np.array([_stat(r, m) for r in noise])
        sd, default = float(ys.std(ddof=1)), float(ys.mean())
        if not np.all(np.isfinite(y)) or not np.all(np.isfinite(ys)):
            stats[m] = {"skipped": "not finite in every run"}
            continue
        sesoi = SESOI_SHARE if m not in RATES else SESOI_RATE_REL * abs(default)
        floor = sd * math.sqrt(2) * math.sqrt(2 / math.pi) / delta
        res = morris_analyze.analyze(problem, x, y, num_levels=LEVELS, seed=SEED,
                                     print_to_console=False)
        mu_star = [float(v) for v in res["mu_star"]]
        bar = max(sesoi, NOISE_FACTOR * floor)
        stats[m] = {"default": default, "noise_sd": sd, "noise_floor": floor,
                    "sesoi": sesoi, "bar": bar, "mu_star": mu_star,
                    "mu_star_conf": [float(v) for v in res["mu_star_conf"]],
                    "sigma": [float(v) for v in res["sigma"]],
                    "moved_by": [n for n, v in zip(names, mu_star, strict=True) if v >= bar]}
    per_param = {}
    for i, n in enumerate(names):
        moved = [m for m, s in stats.items() if "bar" in s and s["mu_star"][i] >= s["bar"]]
        strength = max((s["mu_star"][i] / s["bar"] for s in stats.values() if "bar" in s),
                       default=0.0)
        top = max((m for m in stats if "bar" in stats[m]),
                  key=lambda m: stats[m]["mu_star"][i] / stats[m]["bar"])
        per_param[n] = {"range": raw["design"]["ranges"][n], "group": PARAMS[n].group,
                        "moves": moved, "strength": float(strength), "strongest_on": top}
    return {"question": QUESTION, "scenario": SCENARIO, "size": SIZE,
            "trajectories": TRAJECTORIES, "levels": LEVELS, "noise_seeds": NOISE_SEEDS,
            "runs": len(ordered) + len(noise), "parameters": per_param, "statistics": stats,
            "influential": sorted((n for n, v in per_param.items() if v["moves"]),
                                  key=lambda n: -per_param[n]["strength"])}


def _in_design_order(runs: list[Run], names: list[str], x: np.ndarray) -> list[Run]:
    """Match each run to its design row by the values it was run with."""
    by_values: dict[tuple[float, ...], list[Run]] = {}
    for r in runs:
        by_values.setdefault(tuple(round(float(r.design[n]), 9) for n in names), []).append(r)
    out: list[Run | None] = []
    for row in x:  # rows with equal values (rounded ints) ran the same model: any run fits
        same = by_values.get(tuple(round(v, 9) for v in _checked_row(names, row)), [])
        out.append(same[0] if same else None)
    if any(r is None for r in out):
        raise RuntimeError("screen: a design point has no run")
    return [r for r in out if r is not None]


def _checked_row(names: list[str], row: np.ndarray) -> list[float]:
    return [round(float(v)) if PARAMS[n].type is int else float(v)
            for n, v in zip(names, row, strict=True)]


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    params = r["parameters"]
    infl = r["influential"]
    moved_none = sorted(n for n, v in params.items() if not v["moves"])
    lines = [f"Generated from the stored `screen` study (`make studies ONLY=screen`): Morris "
             f"screening of {len(params)} parameters under `{r['scenario']}`, "
             f"{r['size']['width']} x {r['size']['height']}, {r['trajectories']} trajectories "
             f"of {r['levels']} levels ({r['runs']} runs with the noise arm), each parameter "
             f"over its default +/- 50%. A parameter moves a statistic when mu* (its effect "
             f"over the whole screened range) is at least the smallest effect that matters "
             f"(0.01 for shares and 0-1 means, 5% for rates) and twice the noise floor.", "",
             f"**{len(infl)} of {len(params)} parameters move at least one statistic**; "
             f"strength = the largest mu* over a statistic's bar (1 = just matters).", "",
             "| parameter | group | screened range | strength | statistics moved | "
             "strongest on |", "|---|---|---|---|---|---|"]
    for n in infl:
        v = params[n]
        lo, hi = v["range"]
        lines.append(f"| `{n}` | {v['group']} | {lo:g}-{hi:g} | {v['strength']:.1f} | "
                     f"{len(v['moves'])} | `{v['strongest_on']}` |")
    lines += ["", f"Moving no statistic by an amount that matters ({len(moved_none)}): "
              + ", ".join(f"`{n}`" for n in moved_none) + "."]
    return {("docs/CALIBRATION.md", "SCREEN"): "\n".join(lines + _render_targets(r))}


def _render_targets(r: dict[str, Any]) -> list[str]:
    """The fitted targets' statistics and the parameters that move them: the candidates for
    the calibration's free parameters (issue 19, item 2)."""
    from experiments.calibration.targets import load

    stats, names = r["statistics"], list(r["parameters"])
    rows, movers = [], {}
    targets = Path(__file__).resolve().parents[1] / "targets" / "china_urban_model3.toml"
    for t in load(targets).fitted():
        m = "resolution_rate" if t.reduce == "ratio" else t.measures[0]
        s = stats.get(m)
        if s is None or "bar" not in s:
            rows.append(f"| `{t.name}` | `{m}` | not screened | |")
            continue
        ranked = sorted(s["moved_by"], key=lambda n: -s["mu_star"][names.index(n)])
        for n in ranked:
            movers.setdefault(n, []).append(t.name)
        shown = ", ".join(f"`{n}` {s['mu_star'][names.index(n)]:.3f}" for n in ranked[:6])
        rows.append(f"| `{t.name}` | `{m}` (bar {s['bar']:.3f}, noise SD {s['noise_sd']:.3f}) "
                    f"| {len(ranked)} | {shown} |")
    wide = sorted(movers, key=lambda n: (-len(movers[n]), n))
    return ["", "The fitted targets (`china_urban_model3.toml`) and the parameters that move "
            "their statistic, strongest first (mu*, in the statistic's units, over the whole "
            "screened range):", "",
            "| fitted target | statistic | parameters moving it | strongest |",
            "|---|---|---|---|", *rows, "",
            f"{len(movers)} parameters move at least one fitted target; those moving at least "
            f"three: " + ", ".join(f"`{n}` ({len(movers[n])})" for n in wide
                                   if len(movers[n]) >= 3) + "."]


def figures(result: dict[str, Any], docs: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    params = result["parameters"]
    top = sorted(params, key=lambda n: -params[n]["strength"])[:30][::-1]
    fig, ax = plt.subplots(figsize=(8, 9))
    ax.barh(top, [params[n]["strength"] for n in top], color="0.35")
    ax.axvline(1.0, color="0.0", linestyle="--", linewidth=1,
               label="bar: smallest effect that matters, or twice the noise")
    ax.set_xscale("log")
    ax.set_xlabel("largest mu* over the statistic's bar (log scale; 1 = just matters)")
    ax.set_title(f"Morris screen under '{result['scenario']}': the 30 strongest of "
                 f"{len(params)} parameters")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(docs / "screen.png", dpi=110)
    plt.close(fig)


def check(result: dict[str, Any]) -> list[str]:
    """The screen must be able to answer: a noise floor for every statistic it reads."""
    return [f"{m}: no noise floor" for m, s in result["statistics"].items()
            if "skipped" not in s and not np.isfinite(s["noise_floor"])]
