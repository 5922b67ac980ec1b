"""Party-building leadership (A2a, B1): members, coordination, recruitment, phasing."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from agents.party import PartyBranch, PartyCommittee
from governance import SCENARIOS, GovernanceModel
from model.measures import assert_valid
from tests.conftest import MODEL2_VALUES, finite_apart_from_turnout

SMALL = dict(width=40, height=40, grid_block=20, building_block=5)
SEEDS = range(5)


def run(steps: int, seed: int, scenario: str = "administrative", **over) -> GovernanceModel:
    m = GovernanceModel.from_scenario(scenario, rng=seed, **{**SMALL, **over})
    m.run(steps)
    return m


def frames(steps: int, **over) -> list[pd.DataFrame]:
    return [run(steps, s, **over).datacollector.get_model_vars_dataframe() for s in SEEDS]


def test_members_are_the_same_in_every_scenario():
    """CRN: who is a Party member depends on the seed only, not on the mechanisms. (The
    other seed is 2, whose burn-in at these parameters other tests here use too.)"""
    a = GovernanceModel.from_scenario("administrative", rng=7, **SMALL)
    b = GovernanceModel.from_scenario("party_led", rng=7, **SMALL)
    c = GovernanceModel.from_scenario("administrative", rng=2, **SMALL)
    assert np.array_equal(a.population.party, b.population.party)
    assert not np.array_equal(a.population.party, c.population.party)
    share = a.population.party.mean()
    assert abs(share - a.params["party_member_share"]) < 0.03


def test_structure_branches_and_groups_only_when_leading():
    off = GovernanceModel.from_scenario("administrative", rng=1, **SMALL)
    on = GovernanceModel.from_scenario("administrative", rng=1, party_leadership=True, **SMALL)
    assert PartyBranch not in off.agents_by_type
    assert len(on.agents_by_type[PartyCommittee]) == 1
    branches = list(on.agents_by_type[PartyBranch])
    assert 0 < len(branches) <= on.community.n_grids
    for b in branches:
        assert b.members >= on.params["party_branch_min"]
        assert b.cell.coordinate == on.community.centre_of_grid(b.grid_id)
    assert on.party.group_size.sum() == on.population.party.sum()
    assert 0.0 < on.party.coverage <= 1.0


def test_no_branch_without_enough_members():
    m = GovernanceModel.from_scenario("administrative", rng=3, party_leadership=True,
                                      party_branch_min=1000, **SMALL)
    m.run(12)
    df = m.datacollector.get_model_vars_dataframe()
    assert not m.party.branches
    assert (df["coordination"] == 0).all() and (df["party_coverage"] == 0).all()


def test_coordination_rises_at_meetings_and_decays_between():
    m = run(40, 2, party_leadership=True)
    c = m.datacollector.get_model_vars_dataframe()["coordination"].to_numpy()
    interval = m.params["party_meeting_interval"]
    assert np.all((c >= 0) & (c <= 1))
    diffs = np.diff(c[1:])  # rows 1..: one per step
    rises = np.flatnonzero(diffs > 0) + 2  # the step whose row rose
    # It rises exactly in the step after each meeting (meetings at multiples of interval).
    assert set(rises.tolist()) <= {k * interval + 1 for k in range(1, 40 // interval + 1)}
    assert len(rises) >= 40 // interval - 2
    assert (diffs[diffs <= 0] < 0).all()  # otherwise it decays every step
    assert m.party.meetings == 40 // interval + 1


def test_leadership_raises_coordination_and_fewer_issues_are_lost():
    """B1(ii): meetings coordinate handlers: fewer issues lost and misrouted.

    The mean time to resolution of those resolved is not asserted: at Model 2's values it
    fell, at the calibrated defaults it rises a little (9.70 against 9.34 weeks, five seeds
    at 40 x 40), as issues that were lost are now resolved, late, by government; the share
    of all closed issues resolved within a month rises (tests/test_party_resolution_time.py)."""
    off, on = frames(80), frames(80, party_leadership=True)

    assert mean(off, "coordination") == 0
    assert mean(on, "coordination") > 0.3
    lost_share = [np.mean([f["issues_lost"].iloc[-40:].sum() / f["issues_escalated"].iloc[-40:]
                           .sum() for f in fs]) for fs in (off, on)]
    assert lost_share[1] < lost_share[0]
    misroute = [np.mean([f["issues_misrouted"].iloc[-40:].sum() / f["issues_resolved"].iloc[-40:]
                         .sum() for f in fs]) for fs in (off, on)]
    assert misroute[1] < misroute[0]


def mean(fs: list[pd.DataFrame], col: str) -> float:
    return float(np.mean([f[col].iloc[-40:].mean() for f in fs]))


def test_branches_raise_participation_through_places_and_roles():
    """B1(iii): branch activities (places) and group duties (roles) raise guided
    participation and self-governance, paired over seeds, one-sided t-test at 5%.

    Total participation (rung >= 1) rises by about 0.01 at this size, within the noise of
    five seeds: most who attend branch activities already voiced (docs/ODD.md, section 9).
    Places add participation only where places are short: the committee is given a heavy
    burden (0.9), as at the calibrated staff it otherwise offers more places than are taken
    (docs/ODD.md section 9: crowding-out needs scarcity).
    """
    diffs = {"share_guided": [], "share_self_governing": []}
    for s in SEEDS:  # Model 2's livelier community: self-governance needs residents up there
        off = run(80, s, rc_admin_burden=0.9,
                  **MODEL2_VALUES).datacollector.get_model_vars_dataframe()
        on = run(80, s, rc_admin_burden=0.9, party_leadership=True,
                 **MODEL2_VALUES).datacollector.get_model_vars_dataframe()
        for col, d in diffs.items():
            d.append(on[col].iloc[-30:].mean() - off[col].iloc[-30:].mean())
    for col, d in diffs.items():
        assert stats.ttest_1samp(d, 0.0, alternative="greater").pvalue < 0.05, (col, d)


def test_phase_in_at_step_s():
    s = 9
    for seed in (0, 1):
        m = run(20, seed, party_leadership=True, party_leadership_start=s)
        df = m.datacollector.get_model_vars_dataframe()
        assert (df["coordination"].iloc[:s] == 0).all()
        assert (df["party_coverage"].iloc[:s] == 0).all()
        assert (df["coordination"].iloc[s:] > 0).all()


def test_deterministic_replay():
    a = run(30, 11, "party_led").datacollector.get_model_vars_dataframe()
    b = run(30, 11, "party_led").datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(a, b)


def test_scenarios_registered_and_run():
    for name in ("party_led", "few_party_members"):
        assert name in SCENARIOS and SCENARIOS[name].description
        m = run(5, 0, name)
        assert_valid(m.current)


def test_thin_backbone_weakens_leadership():
    """Where few residents are members (few_party_members: 2%, against 10% by default),
    coverage, coordination and building committees stay well below a community with the
    default share. (Model 2 asked for below 0.6 times with 2% against 12% of households;
    Model 3 counts residents, a household of two or three with one member covers its
    building as before, and the margin is 0.75.)"""
    # Model 2's livelier community: at the calibrated point few buildings form a committee
    # within 60 weeks at 40 x 40 with either share, and a ratio of near-zeros says nothing.
    thin = [run(60, s, "few_party_members", **MODEL2_VALUES).current for s in SEEDS]
    full = [run(60, s, "party_led", **MODEL2_VALUES).current for s in SEEDS]
    for col in ("party_coverage", "coordination", "building_committees"):
        assert np.mean([t[col] for t in thin]) < 0.75 * np.mean([f[col] for f in full])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(share=st.floats(0, 0.6), gain=st.floats(0, 1), decay=st.floats(0, 1),
       interval=st.integers(1, 12), places=st.floats(0, 20), roles=st.floats(0, 5),
       branch_min=st.integers(1, 40), seed=st.integers(0, 2**16), burn_in=st.integers(0, 104))
def test_invariants_over_random_parameters(share, gain, decay, interval, places, roles,
                                           branch_min, seed, burn_in):
    """The Party's measures stay valid anywhere (the burn-in drawn short, as in
    test_buildings.py)."""
    m = GovernanceModel.from_scenario(
        "party_led", rng=seed, width=20, height=20, grid_block=10, building_block=5,
        party_member_share=share, party_meeting_gain=gain, coordination_decay=decay,
        party_meeting_interval=interval, party_places_per_member=places, party_group_roles=roles,
        party_branch_min=branch_min, burn_in=burn_in)
    m.run(15)
    df = m.datacollector.get_model_vars_dataframe()
    assert finite_apart_from_turnout(df)
    assert ((df["coordination"] >= 0) & (df["coordination"] <= 1)).all()
    assert ((df["party_coverage"] >= 0) & (df["party_coverage"] <= 1)).all()
    counts = [c for c in df.columns if c.startswith(("issues_", "resolved_by_", "disputes_"))]
    assert (df[counts] >= 0).all().all()
    assert (df["building_committees"] >= 0).all()
    assert m.party.group_size.sum() == m.population.party.sum()
