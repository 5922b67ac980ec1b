"""What the experiment tests share: a tiny community (20 x 20, a 4-week burn-in, so a run
costs milliseconds), spec text around it, and bit-for-bit comparison of two folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TINY_PARAMS = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5,
               "burn_in": 4}
TINY = "[overrides]\n" + "".join(f"{k} = {v}\n" for k, v in TINY_PARAMS.items())
TINY_SET = [a for k, v in TINY_PARAMS.items() for a in ("--set", f"{k}={v}")]


def spec_text(replicates: int = 2, steps: int = 4, extra: str = "",
              scenarios: tuple[str, ...] = ("administrative", "grid_management"),
              measures: tuple[str, ...] = ("participation_rate", "trust_government"),
              name: str = "t") -> str:
    """A spec over the tiny community; `extra` goes before its [overrides] table."""
    return (f'name = "{name}"\nscenarios = {list(scenarios)!r}\nreplicates = {replicates}\n'
            f'steps = {steps}\nmeasures = {list(measures)!r}\n{extra}{TINY}'
            ).replace("'", '"')


def frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """runs.parquet (without run times, sorted by id) and timeseries.parquet."""
    runs = pd.read_parquet(folder / "runs.parquet").drop(columns=["seconds"])
    ts = pd.read_parquet(folder / "timeseries.parquet")
    return runs.sort_values("id").reset_index(drop=True), ts


def assert_same(a: Path, b: Path) -> None:
    """Two experiment folders hold bit-identical runs and time series."""
    for x, y in zip(frames(a), frames(b), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


def assert_same_records(a: Path, b: Path) -> None:
    """Two folders hold the same runs, bit for bit (seed, parameters, every time series),
    read from the run records themselves: no report needs building."""
    from experiments.rerun import same_run
    from experiments.running.store import Store

    ra, rb = Store(a).records(), Store(b).records()
    assert set(ra) == set(rb) and ra
    assert all(same_run(ra[i], rb[i]) for i in ra)
