"""Size of the adjustment rate's effect with the environment moving (docs/ODD.md 7.5).

`collaborative`, 40 x 40, four paired seeds, mean of the last 104 of 156 weeks after the
burn-in, at adjustment_rate 0.1 and 1.0 with every other parameter at its default.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

COLS = ("share_inactive", "share_speaking", "share_guided", "share_self_governing")


def shares(args: tuple[float, int]) -> list[float]:
    from governance import GovernanceModel

    rate, seed = args
    m = GovernanceModel.from_scenario("collaborative", rng=seed, adjustment_rate=rate,
                                      width=40, height=40, grid_block=20, building_block=5)
    m.run(156)
    df = m.datacollector.get_model_vars_dataframe().iloc[-104:]
    return [float(df[c].mean()) for c in COLS]


if __name__ == "__main__":
    jobs = [(r, s) for r in (0.1, 1.0) for s in range(4)]
    with ProcessPoolExecutor(2) as ex:
        out = np.array(list(ex.map(shares, jobs))).reshape(2, 4, len(COLS)).mean(axis=1)
    for name, a, b in zip(COLS, out[0], out[1], strict=True):
        print(f"{name:<22} rate 0.1: {a:.3f}   rate 1.0: {b:.3f}   difference {b - a:+.3f}")
