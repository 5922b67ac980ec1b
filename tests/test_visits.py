"""The committee's home visits: free staff time goes door to door and invites households.

This is the pathway by which an administrative burden crowds out participation even where
places at activities are in surplus (docs/ODD.md 7.8, claim A2b): paperwork takes the time
the visits would have had. Nothing here is a bonus of a switch: the visits follow the
committee's free time, whatever the reason it is free.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from governance import GovernanceModel
from tests.conftest import SMALL, TINY


def test_visits_are_the_outreach_share_of_free_time():
    """Without councils (no resident channels): replies take their share of the free slots
    first, then visits = the rest x outreach share x per slot, and the remainder is places."""
    m = GovernanceModel.from_scenario("administrative", rng=1, **SMALL)
    p = m.params
    for _ in range(5):
        m.run(1)
        rc = m.committee
        rest = rc.free_slots * (1 - p["rc_reply_share"])
        expected = rest * p["rc_outreach_share"] * p["rc_visits_per_slot"]
        assert rc.visits == pytest.approx(min(expected, m.population.households))
        assert rc.places == pytest.approx(
            rest * (1 - p["rc_outreach_share"]) * p["rc_places_per_slot"])


def test_a_heavier_burden_leaves_fewer_visits():
    light = GovernanceModel.from_scenario("administrative", rng=2, rc_admin_burden=0.3, **SMALL)
    heavy = GovernanceModel.from_scenario("administrative", rng=2, rc_admin_burden=0.9, **SMALL)
    v_light, v_heavy = [], []
    for _ in range(10):
        light.run(1)
        heavy.run(1)
        v_light.append(light.committee.visits)
        v_heavy.append(heavy.committee.visits)
    assert np.mean(v_heavy) < 0.5 * np.mean(v_light)


def test_the_visited_are_invited_afresh_and_invitations_fade():
    m = GovernanceModel(rng=3, **TINY)
    pop, fade = m.population, m.params["invitation_fade"]
    pop.invited[:] = 0.5
    pop.invite(np.array([0, 1, 2]))
    assert (pop.invited[:3] == 1.0).all()
    assert pop.invited[3:] == pytest.approx(0.5 * (1 - fade))


def test_the_share_visited_matches_the_visits():
    """Households are picked at random and all their residents invited: the share of
    households visited this week is visits / households (binomial, 3 sd margin)."""
    m = GovernanceModel.from_scenario("administrative", rng=4, **SMALL)
    m.run(1)
    pop = m.population
    share = m.committee.visits / pop.households
    visited = pop.per_household((pop.invited == 1.0).astype(float)) > 0
    got = float(visited.mean())
    sd = np.sqrt(share * (1 - share) / pop.households)
    assert abs(got - share) <= 3 * sd + 1e-12


def test_newcomers_arrive_uninvited():
    m = GovernanceModel(rng=5, **{**TINY, "move_out_rate": 1.0})
    m.population.invited[:] = 1.0
    gone = m.population.turnover(m.rng)
    assert len(gone) > 0
    assert (m.population.invited[m.population.residents_of(gone)] == 0.0).all()


def test_closing_the_visits_leaves_other_draws_alone():
    """Visits draw from their own stream: with invitations weighing nothing (no saving on
    guided participation's cost, no pull to the polls) they change nothing."""
    quiet = {"invitation_saving": 0.0, "vote_invited": 0.0}
    a = GovernanceModel(rng=6, **quiet, **TINY)
    b = GovernanceModel(rng=6, **quiet, rc_visits_per_slot=0.0, **TINY)
    a.run(20)
    b.run(20)
    assert np.array_equal(a.population.level, b.population.level)
    assert np.array_equal(a.population.trust_gov, b.population.trust_gov)


def test_invitations_raise_organised_participation_where_places_allow():
    """The rule, where it can show: with ample places (rc_places_per_slot 40) and a fifth of
    the committee's time at 20 visits a slot, most households hold a fresh invitation,
    against the same time spent and no visits (rc_visits_per_slot = 0: places alike in
    both arms). More households on rungs >= 2, paired over 8 seeds, one-sided t-test at 5%.

    Said plainly, this design came third. At the defaults the committee's places are
    nearly all taken, so an invitation changes who takes a place more than how many do:
    over 24 paired seeds of the baseline the visits moved organised participation by
    -0.001 (sd 0.008), and with 45% of households invited but the default places, by
    +0.005 (p = 0.20, 8 seeds). So at the defaults this pathway carries little
    (docs/ODD.md 7.8); the burden crowds out mainly through places and issues.

    A two-year burn-in, not the shipped ten: the rule acts week by week and needs no settled
    start to show (the same 8 seeds gave p = 0.003 here and p = 0.012 after ten years), and
    it is a third of the cost."""
    many = {"rc_outreach_share": 0.2, "rc_places_per_slot": 40.0, "burn_in": 104}
    diffs = []
    for seed in range(8):
        out = []
        for visits in (20.0, 0.0):
            m = GovernanceModel.from_scenario("administrative", rng=seed, **SMALL, **many,
                                              rc_visits_per_slot=visits)
            m.run(52)
            df = m.datacollector.get_model_vars_dataframe().iloc[-26:]
            out.append(float((df["share_guided"] + df["share_self_governing"]).mean()))
        diffs.append(out[0] - out[1])
    assert stats.ttest_1samp(diffs, 0.0, alternative="greater").pvalue < 0.05, diffs
