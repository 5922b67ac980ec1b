"""The social organisations of one baseline run, year by year (a diagnostic, not a study).

    python scripts/org_sector_years.py [--params FILE] [--years 24] [--side 60] [--seed 1]

Starts at week 0 with no burn-in and prints, each year: organisations and the sector's
places, births and exits in the year, mean age (weeks), mean quality overall, of those under
five years old and of those over ten, and mean funds. It shows why the sector is slow to
settle (docs/CALIBRATION.md, "The joint point"). `--params` takes a calibrated.toml.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance import GovernanceModel


def _mean(a: np.ndarray) -> float:
    return float(a.mean()) if a.size else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="experiments/calibrations/baseline/calibrated.toml")
    ap.add_argument("--years", type=int, default=24)
    ap.add_argument("--side", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.params, "rb") as fh:
        params = tomllib.load(fh).get("params", {})
    m = GovernanceModel.from_scenario("administrative", rng=args.seed, width=args.side,
                                      height=args.side, burn_in=0, **params)
    sector = m.org_sector
    print("year  orgs/places  births  exits  age_w  quality  q<5y   q>10y  funds")
    for year in range(1, args.years + 1):
        births = exits = 0.0
        for _ in range(52):
            m.step()
            births += m.tally["org_births"]
            exits += m.tally["org_exits"]
        n = len(sector)
        t = sector.table
        q, age = t["quality"][:n], t["age"][:n]
        print(f"{year:4d}  {n:4d}/{sector.carrying:<5.0f}  {births:6.0f}  {exits:5.0f}  "
              f"{_mean(age):5.0f}  {_mean(q):7.3f}  {_mean(q[age < 260]):5.3f}  "
              f"{_mean(q[age >= 520]):6.3f}  {_mean(t['funds'][:n]):5.1f}")


if __name__ == "__main__":
    main()
