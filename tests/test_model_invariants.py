"""Invariants over the parameter space (hypothesis) and reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance import MEASURES, MECHANISMS, PARAMS, GovernanceModel
from model import settled
from tests.conftest import SMALL, TINY, run_model

SHARES = ["share_inactive", "share_speaking", "share_guided", "share_self_governing"]
UNIT_MEANS = ["trust_government", "trust_neighbors", "satisfaction", "efficacy",
              "civic_consciousness", "participation_rate", "resolution_rate",
              "share_resolved_below_government", "coordination"]
COUNTS = [name for name, m in MEASURES.items() if m.unit in ("issues/step", "issues",
                                                             "disputes/step", "count")]


def _value(p, draw):
    if p.type is bool:
        return draw(st.booleans())
    if p.choices:
        return draw(st.sampled_from(p.choices))
    if p.type is int:
        return draw(st.integers(int(p.low), int(min(p.high, p.low + 40))))
    return draw(st.floats(p.low, p.high, allow_nan=False))


NUMERIC = [p for p in PARAMS.values() if p.group not in ("space",)
           and not p.name.endswith("_start")]


@st.composite
def param_sets(draw):
    chosen = draw(st.lists(st.sampled_from(NUMERIC), max_size=10, unique_by=lambda p: p.name))
    values = {p.name: _value(p, draw) for p in chosen}
    for p in PARAMS.values():  # the two ends of a range keep their order
        if p.at_most is not None and (p.name in values or p.at_most in values):
            high = values.get(p.at_most, PARAMS[p.at_most].default)
            values[p.name] = min(values.get(p.name, p.default), high)
    # The burn-in runs the same rules with every mechanism off; drawn short (0-104 weeks)
    # unless chosen above, so the examples' time goes to parameter sets, not to waiting.
    values.setdefault("burn_in", draw(st.integers(0, 104)))
    for mech in MECHANISMS:
        if draw(st.booleans()):
            values[mech] = True
            values[f"{mech}_start"] = draw(st.integers(0, 8))
    return values


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=param_sets(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_anywhere(params, seed):
    model = GovernanceModel(rng=seed, **{**TINY, **params})
    model.run(10)
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(MEASURES)
    steady = df.drop(columns=[c for c in df.columns if c.startswith("turnout_")])
    assert not steady.isna().any().any()  # turnout is NaN until the first election
    assert np.isfinite(steady.to_numpy()).all()
    np.testing.assert_allclose(df[SHARES].sum(axis=1), 1.0, atol=1e-12)
    for col in UNIT_MEANS:
        assert df[col].between(0, 1).all(), col
    for col in COUNTS:
        assert (df[col] >= 0).all(), col
    assert (df["gov_admin_cost"] >= 0).all()
    assert (df["mean_resolution_time"] >= 0).all()
    pop = model.population
    assert pop.level.min() >= 0 and pop.level.max() <= 3
    for arr in (pop.trust_gov, pop.trust_nbr, pop.efficacy, pop.satisfaction, pop.civic):
        assert arr.min() >= 0 and arr.max() <= 1
    social = {r: pop.scope_share_at_least(r) for r in (1, 2, 3)}
    table = pop.rung_utilities(social, pop.free_hours())[1:4]  # float32 utilities
    assert not np.isnan(table).any() and not (table == np.inf).any()  # -inf: out of reach


def test_extreme_utilities_give_valid_probabilities():
    """Utilities far beyond float32's exp range, and rungs out of reach, never give nan
    probabilities (a nan would silently freeze every household)."""
    import warnings

    extreme = {"social_weight": 10.0, "trust_weight": 10.0, "efficacy_weight": 10.0,
               "cost_speak": 0.0, "cost_guided": 0.0, "cost_self": 0.0, "time_weight": 20.0,
               "hours_working": 0.01, "hours_caring": 0.0, "hours_spread": 3.0}
    for scenario in ("administrative", "collaborative"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = GovernanceModel.from_scenario(scenario, rng=3, **{**TINY, **extreme})
            model.run(5)
        pop = model.population
        social = {r: pop.scope_share_at_least(r) for r in (1, 2, 3)}
        up, down = pop.choice_probabilities(
            pop.rung_utilities(social, pop.free_hours()).reshape(-1))
        assert np.isfinite(up).all() and np.isfinite(down).all()
        assert (up >= 0).all() and (down >= 0).all() and (up + down <= 1 + 1e-6).all()


@pytest.mark.parametrize("tiny", [1e-300, 1e-310])
def test_tiny_hours_per_contact_never_gives_negative_contacts(tiny):
    """A contact that takes next to no time makes the room for contacts infinite; the cast
    to integers once turned that into the most negative int64, and so negative contacts.
    At 1e-310 (a subnormal float, found by the invariants' hypothesis test) the division
    itself overflows: that must not warn either."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = GovernanceModel.from_scenario("administrative", rng=5,
                                              **{**TINY, "hours_per_contact": tiny})
        model.run(3)
    contacts = model.population.contacts_now
    assert contacts.min() >= 0 and contacts.max() > 0


def test_same_seed_is_bit_identical(monkeypatch):
    """Two models built apart: the second runs its own burn-in (no cache, no memo)."""
    params = {"grid_management": True, "resident_channels": True}
    a = run_model(40, seed=7, **params)
    monkeypatch.setenv(settled.ENV, "off")
    m = GovernanceModel(rng=7, **SMALL, **params)
    m.run(40)
    pd.testing.assert_frame_equal(a, m.datacollector.get_model_vars_dataframe(),
                                  check_exact=True)


def test_seed_sequence_seed_is_reproducible():
    ss = np.random.SeedSequence(123).spawn(2)[1]
    a = GovernanceModel(rng=ss, **TINY)
    b = GovernanceModel(rng=np.random.SeedSequence(123).spawn(2)[1], **TINY)
    a.run(15)
    b.run(15)
    pd.testing.assert_frame_equal(a.datacollector.get_model_vars_dataframe(),
                                  b.datacollector.get_model_vars_dataframe(), check_exact=True)


def test_different_seeds_differ():
    a = run_model(20, seed=1)
    b = run_model(20, seed=2)
    assert not a.equals(b)


def test_same_seed_builds_same_community_in_every_scenario():
    """Common random numbers: the start does not depend on which mechanisms are on."""
    a = GovernanceModel(rng=3, **TINY)
    b = GovernanceModel(rng=3, **TINY, **dict.fromkeys(MECHANISMS, True))
    for name in ("level", "trust_gov", "trust_nbr", "threshold", "party", "employer"):
        np.testing.assert_array_equal(getattr(a.population, name), getattr(b.population, name))


def test_household_agents_are_views_on_the_arrays():
    from model.resident import Household

    model = GovernanceModel(rng=1, **TINY)
    pop, c = model.population, model.community
    households = model.agents_by_type[Household]
    assert len(households) == pop.households == c.n
    h = households.select(lambda a: a.index == 17).to_list()[0]
    members = pop.residents_of(np.array([17]))
    assert list(h.residents) == list(members) and (pop.home[members] == 17).all()
    assert h.participation == pop.level[members].max()
    assert h.adults == len(members) >= 1
    assert h.cell.coordinate == (int(c.x[17]), int(c.y[17]))
    assert h.grid_id == c.grid_of[17]
    # every resident lives in exactly one household, stored with its housemates
    assert (np.diff(pop.home) >= 0).all() and pop.adults.sum() == pop.n
