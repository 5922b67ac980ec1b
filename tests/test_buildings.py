"""Building micro self-governance (A3): formation, election, covenant, handling, fading."""

from __future__ import annotations

import functools
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.buildings import BuildingCommittee, building_centre
from governance import SCENARIOS, GovernanceModel
from model import issues
from model.measures import assert_valid
from tests.conftest import MODEL2_VALUES, finite_apart_from_turnout

# Committees form from residents on the upper rungs: at the calibrated point few are there
# within 80 weeks at 40 x 40, so the rules are tested in Model 2's livelier community.
SMALL = dict(width=40, height=40, grid_block=20, building_block=5, **MODEL2_VALUES)
SEEDS = range(5)
BOTH = dict(party_leadership=True, building_autonomy=True)
# One worker runs this file, so the 80-week runs several claims compare (the Party with and
# without building autonomy, autonomy alone, the baseline) are made once (`finished`).
pytestmark = pytest.mark.xdist_group("buildings")


def run(steps: int, seed: int, scenario: str = "administrative", **over) -> GovernanceModel:
    m = GovernanceModel.from_scenario(scenario, rng=seed, **{**SMALL, **over})
    m.run(steps)
    return m


def tail(fs: list[pd.DataFrame], col: str, n: int = 30) -> float:
    return float(np.mean([f[col].iloc[-n:].mean() for f in fs]))


@functools.cache
def _finished(steps: int, seed: int, over: tuple) -> tuple[pd.DataFrame, float, float]:
    """One finished run's frame and neighbour trust inside and outside buildings with a
    committee (NaN where there are none): each distinct run is made once in this process
    (several tests compare the same arms). Nothing of the model is kept, so no test sees
    another's."""
    m = run(steps, seed, **dict(over))
    here = m.buildings.has_committee()[m.population.building_of]
    trust = m.population.trust_nbr
    inside = float(trust[here].mean()) if here.any() else float("nan")
    outside = float(trust[~here].mean()) if (~here).any() else float("nan")
    return m.datacollector.get_model_vars_dataframe(), inside, outside


def finished(steps: int, seed: int, **over) -> tuple[pd.DataFrame, float, float]:
    frame, inside, outside = _finished(steps, seed, tuple(sorted(over.items())))
    return frame.copy(), inside, outside


def frames(steps: int, **over) -> list[pd.DataFrame]:
    return [finished(steps, s, **over)[0] for s in SEEDS]


def check_committees(m: GovernanceModel) -> None:
    """Every committee sits in its building, its members live there and take part."""
    c, pop, p = m.community, m.population, m.params
    agents = list(m.agents_by_type.get(BuildingCommittee, []))
    assert len(agents) == len(m.buildings.committees) == m.current["building_committees"]
    for com in agents:
        assert m.buildings.committees[com.building_id] is com
        assert com.cell.coordinate == building_centre(c, com.building_id)
        assert com in com.cell.agents
        assert (pop.building_of[com.members] == com.building_id).all()
        assert (pop.level[com.members] >= 2).all()
        assert len(np.unique(com.members)) == len(com.members)
        assert m.buildings.minimum() <= len(com.members) <= p["building_committee_size"]
        assert 0.0 <= com.covenant <= 1.0


def test_no_committees_when_off():
    for s in (0, 1):
        df = run(40, s, party_leadership=True).datacollector.get_model_vars_dataframe()
        assert (df["building_committees"] == 0).all() and (df["resolved_by_building"] == 0).all()


def test_committees_are_consistent_while_running():
    m = GovernanceModel.from_scenario("party_led", rng=4, **SMALL)
    for _ in range(12):
        m.run(5)
        check_committees(m)
    assert m.buildings.formed > 0


def test_party_backbone_seeds_committees():
    """A3/B1(iii): with organised Party members far more buildings elect a committee (48 of
    64 against 21 alone, mean of the last 30 of 80 weeks, 5 seeds; more than three times
    as many while the committee's staff were per grid, 2026-12-06)."""
    led, unled = frames(80, **BOTH), frames(80, building_autonomy=True)
    assert tail(led, "building_committees") > 2 * max(tail(unled, "building_committees"), 1.0)


def test_committees_settle_local_issues_and_hold_self_governance():
    """A3: committees settle building matters and disputes, and their seats are roles:
    paired seeds, more households self-govern with committees than with the Party alone.

    Disputes mediated, neighbour trust and waiting times are reported in docs/ODD.md, not
    asserted here: at 40 x 40 their differences are within noise."""
    party_only, both = frames(80, party_leadership=True), frames(80, **BOTH)
    assert tail(both, "resolved_by_building") > 0
    assert tail(party_only, "resolved_by_building") == 0
    assert tail(both, "share_self_governing") > tail(party_only, "share_self_governing")


def test_trust_grows_inside_committee_buildings():
    inside, outside = [], []
    for s in SEEDS:
        _, here, elsewhere = finished(80, s, **BOTH)
        inside.append(here)
        outside.append(elsewhere)
    assert np.mean(inside) > np.mean(outside)


def test_handler_takes_only_its_buildings_local_kinds():
    m = run(30, 2, "party_led")
    gov, handler = m.buildings, m.service_handlers[issues.BUILDING]
    assert gov.committees
    book = m.issues
    n = 400
    rng = np.random.default_rng(0)
    book.add(household=rng.integers(0, m.population.households, n), kind=rng.integers(0, 5, n),
             complexity=rng.random(n))
    idx = np.arange(len(book) - n, len(book))
    group = handler.groups(idx)
    building = m.community.building_of[book.household[idx]]
    local = np.isin(book.kind[idx], (issues.BUILDING_MATTER, issues.NEIGHBOUR_DISPUTE))
    taken = local & gov.has_committee()[building]
    assert np.array_equal(group >= 0, taken)
    assert np.array_equal(group[taken], building[taken])
    cap = handler.capacity()
    assert (cap[~gov.has_committee()] == 0).all() and (cap[gov.has_committee()] > 0).all()


def test_committee_fades_when_members_drop_out():
    m = run(40, 3, "party_led")
    gov = m.buildings
    b, com = next(iter(gov.committees.items()))
    homes = m.population.building_of == b
    m.population.level[homes] = 1
    cell = com.cell
    gov.fade()
    assert b not in gov.committees
    assert com not in cell.agents
    assert com not in m.agents_by_type.get(BuildingCommittee, [])
    assert gov.dissolved >= 1


def test_formation_without_party_needs_a_self_governing_resident():
    m = GovernanceModel.from_scenario("administrative", rng=0, building_autonomy=True, **SMALL)
    gov, pop = m.buildings, m.population
    pop.level[:] = 0
    homes = np.flatnonzero(pop.building_of == 0)  # the residents of building 0
    share = m.params["building_willing_share_unled"]
    k = int(np.ceil(share * len(homes))) + 1
    pop.level[homes[:k]] = 2
    assert not gov.eligible()[0]
    pop.level[homes[0]] = 3
    eligible = gov.eligible()
    assert eligible[0] and eligible.sum() == 1


def test_election_prefers_civic_residents():
    m = GovernanceModel.from_scenario("administrative", rng=0, building_autonomy=True,
                                      building_formation_rate=1.0, building_committee_size=3,
                                      **SMALL)
    gov, pop = m.buildings, m.population
    hits, trials = 0, 200
    homes = np.flatnonzero(pop.building_of == 0)  # the residents of building 0
    k = len(homes) // 2  # half the building's residents willing: enough to form
    for _ in range(trials):
        pop.level[:] = 0
        pop.level[homes[:k]] = 2
        pop.level[homes[0]] = 3
        pop.civic[homes[:k]] = 0.05
        pop.civic[homes[1]] = 0.95
        pop.hours[homes[:k]] = 10.0  # every candidate has the hours a seat takes
        pop.fatigue[homes[:k]] = 0.0
        gov.form(0)
        hits += homes[1] in gov.committees[0].members
        gov.committees.pop(0).remove()
    assert hits / trials > 3 / k + 0.2  # well above a uniform draw of 3 from k


def test_phase_in_at_step_s():
    s = 15
    for seed in (0, 1):
        df = run(40, seed, "party_led", building_autonomy_start=s) \
            .datacollector.get_model_vars_dataframe()
        assert (df["building_committees"].iloc[:s] == 0).all()
        assert (df["resolved_by_building"].iloc[:s] == 0).all()
        assert df["building_committees"].iloc[s:].max() > 0


def test_deterministic_replay():
    a = run(30, 5, "party_led").datacollector.get_model_vars_dataframe()
    b = run(30, 5, "party_led").datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(a, b)


def test_scenario_registered_and_runs():
    assert SCENARIOS["building_self_governance"].description
    assert_valid(run(5, 0, "building_self_governance").current)


def test_without_party_backbone_building_autonomy_barely_works():
    """Where A3 does NOT hold in the model: building autonomy switched on alone (no Party
    organisation) forms committees in fewer buildings (21 of 64 against 48 with the Party,
    the test above) and trust among neighbours barely moves (-0.001 against autonomy off).
    While the committee's staff were per grid (until 2026-12-06) almost no building formed
    one alone; with a quarter of the staff per household it is so again (a thin staff
    leaves few residents on the upper rungs)."""
    off, alone = frames(80), frames(80, building_autonomy=True)
    assert abs(tail(alone, "trust_neighbors") - tail(off, "trust_neighbors")) < 0.01
    thin = {"building_autonomy": True, "staff_capacity": SMALL["staff_capacity"] / 4}
    assert tail(frames(80, **thin), "building_committees") < 0.1 * SMALL["width"] ** 2 / 25


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(willing=st.floats(0, 1), unled=st.floats(0, 1), rate=st.floats(0, 1),
       size=st.integers(1, 10), low=st.integers(1, 10), cap=st.floats(0, 3),
       comp=st.floats(0, 1), cov=st.floats(0, 1), places=st.floats(0, 1),
       party=st.booleans(), seed=st.integers(0, 2**16), burn_in=st.integers(0, 104))
def test_invariants_over_random_parameters(willing, unled, rate, size, low, cap, comp, cov,
                                           places, party, seed, burn_in):
    """Committees stay valid anywhere (the burn-in drawn short: the same rules, mechanisms
    off, so the examples' time goes to parameter sets)."""
    m = GovernanceModel.from_scenario(
        "administrative", rng=seed, width=20, height=20, grid_block=10, building_block=5,
        building_autonomy=True, party_leadership=party, building_willing_share=willing,
        building_willing_share_unled=unled, building_formation_rate=rate,
        building_committee_size=size, building_committee_min=low,
        building_member_capacity=cap, building_competence=comp, covenant_weight=cov,
        building_meeting_places=places, burn_in=burn_in)
    for _ in range(4):
        m.run(5)
        check_committees(m)
    df = m.datacollector.get_model_vars_dataframe()
    assert finite_apart_from_turnout(df)
    counts = [c for c in df.columns if c.startswith(("issues_", "resolved_by_", "disputes_"))]
    assert (df[counts] >= 0).all().all()
    assert ((df["trust_neighbors"] >= 0) & (df["trust_neighbors"] <= 1)).all()
    assert (df["building_committees"] <= m.community.n_buildings).all()


@settings(max_examples=30, deadline=None)
@given(w=st.integers(1, 6), h=st.integers(1, 6), bb=st.sampled_from([1, 2, 5]),
       pick=st.lists(st.integers(0, 10**6), max_size=12))
def test_households_in_lists_each_building_in_order(w, h, bb, pick):
    from model.community import Community

    c = Community(w * bb, h * bb, bb, bb, random=random.Random(0))
    bs = np.array(sorted({p % c.n_buildings for p in pick}), dtype=np.int64)
    got = c.households_in(bs)
    want = [np.flatnonzero(c.building_of == b) for b in bs]
    assert np.array_equal(got, np.concatenate([np.zeros(0, np.int64), *want]))
