"""How fast could a step be if everything but its random draws cost nothing?

Issue 20, item 7 asks for ratios to Mesa's Schelling (>= 18x at 100 x 100, >= 40x at
300 x 300) and 1000 x 1000 start-up + 100 steps under 30 s, results bit-identical where the
rules did not change. Model 3's rules draw per resident each week (neighbouring's Poisson
contacts, speaking up, who reconsiders the ladder), and a bit-identical implementation must
make the same draws from the same stream in the same order. Their time is therefore a floor
under any implementation that keeps the rules: this script measures it.

It swaps the model's generator for a proxy that times every draw (the institutions' own
streams are left out: a few draws per institution a week), steps the benchmark's scenario
(`collaborative`, as bench.py) and the burn-in's institutions (`administrative`: every
mechanism off), and sets the draws' time beside Mesa's Schelling measured in the same run.
The floor ratio is what bench.py would report if the step took only its draws' time. For
1000 x 1000 (whose 520-week burn-in alone takes minutes to build) the draws are scaled
from the largest measured size by the number of draws, which grows with the residents.

    .venv/bin/python benchmarks/draw_floor.py --sizes 100,300 --steps 20
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from children import child_schelling
from targets import TARGET_RATIO_100, TARGET_RATIO_300, TARGET_SECONDS_1000, TARGET_STEPS_1000
from workload import blocks_for, scenario_params

WARM = 3
TARGETS = {100: TARGET_RATIO_100, 300: TARGET_RATIO_300}


class TimedDraws:
    """Forwards to a numpy Generator and adds up each method's time and values drawn."""

    def __init__(self, generator: Any) -> None:
        self._generator = generator
        self.seconds: Counter[str] = Counter()
        self.values: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        import numpy as np

        method = getattr(self._generator, name)
        if not callable(method):
            return method

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            out = method(*args, **kwargs)
            self.seconds[name] += time.perf_counter() - t
            self.values[name] += int(np.size(out)) if out is not None else 0
            return out

        return timed


def measure(size: int, scenario: str, steps: int, seed: int) -> dict[str, Any]:
    from governance import GovernanceModel

    if scenario == "collaborative":
        _, params = scenario_params(size)
        model = GovernanceModel(rng=seed, **params)
    else:
        grid, building = blocks_for(size)
        model = GovernanceModel.from_scenario(scenario, rng=seed, width=size, height=size,
                                              grid_block=grid, building_block=building)
    for _ in range(WARM):
        model.step()
    proxy = TimedDraws(model.rng)
    model.rng = proxy
    t = time.perf_counter()
    for _ in range(steps):
        model.step()
    step = (time.perf_counter() - t) / steps
    draws = sum(proxy.seconds.values()) / steps
    return {"size": size, "households": size * size, "scenario": scenario,
            "step_s": step, "draws_s": draws,
            "values_per_step": sum(proxy.values.values()) / steps,
            "by_method_ms": {k: 1e3 * v / steps for k, v in proxy.seconds.most_common()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,300")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--schelling-steps", type=int, default=20)
    ap.add_argument("--burn-in", type=int, default=520, help="weeks of burn-in at 1000 x 1000")
    ap.add_argument("--out", default=str(Path(__file__).parent / "out" / "draw_floor.json"))
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    def schelling() -> float:
        return child_schelling(100, 0.8, args.schelling_steps, args.seed)["agent_steps_per_s"]

    refs = [schelling()]
    rows = [measure(s, sc, args.steps, args.seed)
            for s in sizes for sc in ("collaborative", "administrative")]
    refs.append(schelling())
    ref = sum(refs) / 2
    print(f"Schelling 100 x 100: {refs[0]:,.0f} and {refs[1]:,.0f} agent-steps/s (mean {ref:,.0f})")
    print("| size | scenario | step ms | draws ms | values drawn | floor x Schelling | "
          "target |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        r["floor_ratio"] = r["households"] / r["draws_s"] / ref
        r["step_ratio"] = r["households"] / r["step_s"] / ref
        target = TARGETS.get(r["size"]) if r["scenario"] == "collaborative" else None
        print(f"| {r['size']} x {r['size']} | {r['scenario']} | {1e3 * r['step_s']:.1f} | "
              f"{1e3 * r['draws_s']:.2f} | {r['values_per_step']:,.0f} | "
              f"{r['floor_ratio']:.1f}x (step: {r['step_ratio']:.1f}x) | "
              f"{f'>= {target:g}x' if target else ''} |")
    big = max(sizes)
    per = {r["scenario"]: r["draws_s"] / r["values_per_step"] for r in rows if r["size"] == big}
    values = {r["scenario"]: r["values_per_step"] * (1000 / big) ** 2 for r in rows
              if r["size"] == big}
    floor_1000 = (values["administrative"] * per["administrative"] * args.burn_in
                  + values["collaborative"] * per["collaborative"] * TARGET_STEPS_1000)
    print(f"1000 x 1000, scaled from {big} x {big}: draws alone take "
          f"{floor_1000:.1f} s for the {args.burn_in}-week burn-in + {TARGET_STEPS_1000} steps "
          f"(target: start-up + {TARGET_STEPS_1000} steps < {TARGET_SECONDS_1000:g} s)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"schelling_agent_steps_per_s": refs, "rows": rows,
                               "floor_1000_s": floor_1000, "burn_in": args.burn_in},
                              indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
