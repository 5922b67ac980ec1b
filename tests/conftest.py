"""Shared helpers: small communities keep the suite fast on two cores.

Runs are shared, not rebuilt: `run_model` memoises each distinct run in its test process,
and every burn-in (model/settled.py) is kept on disk in one folder under the session's
pytest base temp, which all xdist workers (and the CLI's worker processes they start)
read, so a seed's burn-in at given parameters is run once per session, not once per test.
Restoring is bit-identical to running it (tests/test_settled.py).
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd
import pytest

from experiments.studies.point import MODEL2_VALUES  # noqa: F401 (tests import it here)
from governance import GovernanceModel
from model import settled

SMALL = {"width": 40, "height": 40, "grid_block": 20, "building_block": 5}
# MODEL2_VALUES: Model 2's values of the eighteen parameters Model 3's calibration fitted,
# the defaults until the calibrated point replaced them (issue 19, item 5); kept with the
# study that compares the two (experiments/studies/point.py). A livelier community than the
# point (participation about twice as high: docs/CALIBRATION.md, "The joint point").
# Tests of a rule that needs residents on the upper rungs within 80 weeks at 40 x 40
# (building committees form from them, Party branches fill places with them), and tests of
# machinery whose fixtures were sized on this behaviour (the tiny calibration's generations,
# a median split without ties), run here and say so; everything else runs at the defaults.
TINY = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}


@functools.cache
def _frame(steps: int, seed: int, params: tuple) -> pd.DataFrame:
    model = GovernanceModel(rng=seed, **{**SMALL, **dict(params)})
    model.run(steps)
    return model.datacollector.get_model_vars_dataframe()


def run_model(steps: int = 60, seed: int = 0, **params) -> pd.DataFrame:
    """A small model's per-step frame; each distinct run is made once per test process
    (tests that compare a mechanism with the same baseline share its runs)."""
    return _frame(steps, seed, tuple(sorted(params.items()))).copy()


def mean_over_seeds(column: str, seeds=range(5), tail: int = 20, steps: int = 80,
                    **params) -> float:
    """Mean of a measure over the last `tail` steps, averaged over seeds."""
    vals = [run_model(steps, s, **params)[column].iloc[-tail:].mean() for s in seeds]
    return float(np.mean(vals))


@pytest.fixture(scope="session", autouse=True)
def shared_burn_ins(tmp_path_factory: pytest.TempPathFactory):
    """One burn-in folder for the whole session: under xdist each worker's base temp is
    `<root>/popen-gwN`, so the folder sits in the root they share. A folder (or "off")
    the caller set is kept."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    os.environ.setdefault(settled.ENV, str(root / "burn-in"))
    yield


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test whose xdist group was lost. A group keeps its tests on one worker
    (the browser tests share one demo server and browser; a module's costly fixtures are made
    once); pytest 9.2 with pytest-xdist 3.8 drops the group from the node id (pytest-xdist
    #1386) and spreads the tests silently, which cost the suite a second server and browser
    and every module fixture twice."""
    if (item.config.getoption("loadgroup", False)  # set on the workers of --dist loadgroup
            and item.get_closest_marker("xdist_group") and "@" not in item.nodeid):
        pytest.fail(f"--dist loadgroup lost this test's xdist_group: this pytest "
                    f"({pytest.__version__}) and pytest-xdist do not work together (see the "
                    "pytest pin in pyproject.toml)", pytrace=False)


@pytest.fixture
def small():
    return dict(SMALL)


def finite_apart_from_turnout(df: pd.DataFrame) -> bool:
    """Every measure finite, except an election's turnout where it has no one to count
    (before the first election, or a group with no members): NaN there is the honest value."""
    rest = df.drop(columns=[c for c in df.columns if c.startswith("turnout_")])
    return bool(np.isfinite(rest.to_numpy()).all())
