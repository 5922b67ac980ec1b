"""The settled start (model/settled.py): a burn-in restored from the cache is the same burn-in.

A restored state that differed from a fresh one in any bit would make results depend on
which run happened to go first (or on an experiment's worker count), so these tests compare
restored and fresh models array by array and step by step.
"""

from __future__ import annotations

import numpy as np
import pytest

from governance import GovernanceModel
from model import settled
from tests.conftest import TINY

SHORT = {**TINY, "burn_in": 40}


def _arrays(m: GovernanceModel) -> dict[str, np.ndarray]:
    """The residents' state; `_table` is a scratch buffer (np.empty, rewritten before use)."""
    pop = m.population
    return {k: v.copy() for k, v in vars(pop).items()
            if isinstance(v, np.ndarray) and k != "_table"}


def _fresh(monkeypatch: pytest.MonkeyPatch, **kw) -> GovernanceModel:
    with monkeypatch.context() as mp:
        mp.setenv(settled.ENV, "off")
        return GovernanceModel.from_scenario(**kw)


def test_a_restored_burn_in_runs_bit_identically(monkeypatch):
    monkeypatch.delenv(settled.ENV, raising=False)
    settled.clear_memory()
    first = GovernanceModel.from_scenario("collaborative", rng=11, **SHORT)  # fills the cache
    k = settled.key(first.params, 11, set(first.house.mechanisms))
    assert k is not None and settled.get(k) is not None
    restored = GovernanceModel.from_scenario("collaborative", rng=11, **SHORT)
    fresh = _fresh(monkeypatch, name="collaborative", rng=11, **SHORT)
    a, b = _arrays(restored), _arrays(fresh)
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=True), name
    for m in (first, restored, fresh):
        m.run(30)
    frames = [m.datacollector.get_model_vars_dataframe() for m in (first, restored, fresh)]
    assert frames[1].equals(frames[2])
    assert frames[0].equals(frames[2])


def test_scenarios_share_a_burn_in_but_other_parameters_do_not(monkeypatch):
    monkeypatch.delenv(settled.ENV, raising=False)
    a = GovernanceModel.from_scenario("administrative", rng=3, **SHORT)
    switches = set(a.house.mechanisms)
    b = GovernanceModel.from_scenario("collaborative", rng=3, **SHORT)
    assert settled.key(a.params, 3, switches) == settled.key(b.params, 3, switches)
    staged = dict(b.params, info_platform_start=30)
    assert settled.key(staged, 3, switches) == settled.key(b.params, 3, switches)
    other = dict(b.params, cost_speak=b.params["cost_speak"] + 0.5)
    assert settled.key(other, 3, switches) != settled.key(b.params, 3, switches)
    assert settled.key(b.params, 4, switches) != settled.key(b.params, 3, switches)


def test_the_cache_can_be_turned_off_and_unnamed_seeds_are_never_cached(monkeypatch):
    m = GovernanceModel(rng=5, **SHORT)
    switches = set(m.house.mechanisms)
    monkeypatch.setenv(settled.ENV, "off")
    assert settled.key(m.params, 5, switches) is None
    monkeypatch.delenv(settled.ENV)
    assert settled.key(m.params, np.random.default_rng(5), switches) is None
    assert settled.key(m.params, None, switches) is None


def test_other_model_code_never_restores(monkeypatch):
    m = GovernanceModel(rng=6, **SHORT)
    switches = set(m.house.mechanisms)
    before = settled.key(m.params, 6, switches)
    monkeypatch.setattr(settled, "_code_hash", "0" * 16)
    assert settled.key(m.params, 6, switches) != before


def test_states_shared_on_disk_between_processes(monkeypatch, tmp_path):
    monkeypatch.setenv(settled.ENV, str(tmp_path))
    settled.clear_memory()
    a = GovernanceModel(rng=8, **SHORT)
    files = list(tmp_path.glob("*.pickle"))
    assert len(files) == 1
    settled.clear_memory()  # as another process would: only the disk holds the state
    b = GovernanceModel(rng=8, **SHORT)
    a.run(10)
    b.run(10)
    assert a.datacollector.get_model_vars_dataframe().equals(
        b.datacollector.get_model_vars_dataframe())
    files[0].write_bytes(b"not a pickle")  # a damaged file costs a burn-in, never a run
    settled.clear_memory()
    c = GovernanceModel(rng=8, **SHORT)
    c.run(10)
    assert c.datacollector.get_model_vars_dataframe().equals(
        a.datacollector.get_model_vars_dataframe())


def test_states_over_the_memory_cap_are_saved_only_for_a_disk_folder(monkeypatch, tmp_path):
    """A 1000 x 1000 state takes over a minute to pickle and more than the in-process cap."""
    over = settled.MEMORY_BYTES // settled.BYTES_PER_HOUSEHOLD + 1
    monkeypatch.delenv(settled.ENV, raising=False)
    assert settled.worth_saving(100 * 100)
    assert not settled.worth_saving(over)
    monkeypatch.setattr(settled, "BYTES_PER_HOUSEHOLD", settled.MEMORY_BYTES)  # all "big"
    settled.clear_memory()
    m = GovernanceModel(rng=9, **SHORT)
    assert settled.get(settled.key(m.params, 9, set(m.house.mechanisms))) is None
    monkeypatch.setenv(settled.ENV, str(tmp_path))
    assert settled.worth_saving(over)
