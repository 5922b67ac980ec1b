"""Hash model outputs so a speed change can be checked bit-identical against a base commit.

    python benchmarks/identity_check.py --out before.json
    python benchmarks/identity_check.py --compare before.json

Cases: scenarios administrative, collaborative, grid_management and staged_rollout at
60 x 60 for 60 weeks with seeds 1 and 2, and collaborative at 100 x 100 for 30 weeks.
Each hash covers the DataCollector's model-vars frame (column names and float64 bytes) and
the final population arrays level, trust_gov, civic and fatigue (their bytes and dtypes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import numpy as np

CASES = [(name, 60, 60, seed) for name in ("administrative", "collaborative",
                                           "grid_management", "staged_rollout")
         for seed in (1, 2)] + [("collaborative", 100, 30, 1)]


def case_hash(name: str, size: int, weeks: int, seed: int) -> dict[str, str]:
    from governance import GovernanceModel, scenario_params

    model = GovernanceModel(rng=seed, **scenario_params(name, width=size, height=size))
    model.run(weeks)
    frame = model.datacollector.get_model_vars_dataframe()
    h = hashlib.sha256()
    h.update(repr(list(frame.columns)).encode())
    h.update(repr(frame.shape).encode())
    h.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
    out = {"frame": h.hexdigest()}
    pop = model.population
    for key in ("level", "trust_gov", "civic", "fatigue"):
        a = np.ascontiguousarray(getattr(pop, key))
        out[key] = hashlib.sha256(str(a.dtype).encode() + a.tobytes()).hexdigest()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="write the hashes to this JSON file")
    ap.add_argument("--compare", help="compare with hashes from this JSON file")
    args = ap.parse_args(argv)
    result = {}
    for name, size, weeks, seed in CASES:
        key = f"{name}/{size}x{size}/{weeks}w/seed{seed}"
        result[key] = case_hash(name, size, weeks, seed)
        print(key, result[key]["frame"][:16], flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
    if args.compare:
        with open(args.compare) as f:
            ref = json.load(f)
        bad = [k for k in result if result[k] != ref.get(k)]
        if bad or set(ref) != set(result):
            print("DIFFERENT:", bad or sorted(set(ref) ^ set(result)))
            return 1
        print(f"IDENTICAL: all {len(result)} cases match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
