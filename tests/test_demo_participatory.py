"""A household steered by a player (`Population.steer`) follows the player's choice and takes
places and roles by exactly the rules of every other household (docs/ODD.md 7.5.2); a player
on the committee or in a grid worker's place splits the time the model gives them, by the
same capacities and yields (`ResidentsCommittee.steer`, `GridHandler.steer`; 7.8, 7.9)."""

from __future__ import annotations

import numpy as np
import pytest

from governance import GovernanceModel
from model.issues import GRID

TINY = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}


@pytest.fixture
def model() -> GovernanceModel:
    m = GovernanceModel.from_scenario("collaborative", rng=4, **TINY)
    m.run(2)
    return m


def _roomy(m: GovernanceModel, k: int = 2) -> np.ndarray:
    """k households with hours for every rung (a player's choice is then not time-bound)."""
    pop = m.population
    who = np.arange(k) * 7 + 3
    pop.hours[who] = 200.0
    pop.fatigue[who] = 0.0
    return who


def test_no_player_means_no_change() -> None:
    a = GovernanceModel.from_scenario("collaborative", rng=9, **TINY)
    b = GovernanceModel.from_scenario("collaborative", rng=9, **TINY)
    b.population.steer[:] = -1  # explicitly nobody steered
    a.run(4)
    b.run(4)
    assert np.array_equal(a.population.level, b.population.level)
    assert a.current == b.current


def test_a_steered_household_follows_choices_it_can_have(model) -> None:
    """Rungs 0 and 1 need only hours; the household stands where its player puts it."""
    h = int(_roomy(model, 1)[0])
    for choice in (1, 0, 1, 1, 0):
        model.population.steer[h] = choice
        model.step()
        model.population.hours[h], model.population.fatigue[h] = 200.0, 0.0
        assert model.population.level[h] == choice


def test_a_rung_beyond_its_free_hours_is_out_of_reach(model) -> None:
    pop = model.population
    h = int(_roomy(model, 1)[0])
    pop.hours[h] = 0.5 * pop.hours_needed()[1]  # not even voice fits
    pop.steer[h] = 3
    model.step()
    assert pop.level[h] == 0


def _one_pool(m: GovernanceModel, kind: str, members: np.ndarray, capacity: int) -> None:
    """This week's only offer: one pool of `capacity` slots serving `members`."""
    pop = m.population
    pool_of = np.full(pop.n, -1, dtype=np.intp)
    pool_of[members] = 0
    pop.offers.clear()
    add = pop.offers.add_places if kind == "places" else pop.offers.add_roles
    add("committee" if kind == "places" else "council", pool_of, np.array([capacity]))


@pytest.mark.parametrize(("capacity", "newcomer_rung"), [(1, 1), (2, 2)])
def test_a_steered_household_queues_for_a_place_behind_incumbents(model, capacity,
                                                                  newcomer_rung) -> None:
    """Two players want rung 2 from one pool: last week's member keeps the seat; the
    newcomer gets a place only if one is left, and otherwise stands on rung 1."""
    pop = model.population
    member, newcomer = _roomy(model, 2)
    pop.level[member], pop.level[newcomer] = 2, 1
    pop.steer[[member, newcomer]] = 2
    _one_pool(model, "places", np.array([member, newcomer]), capacity)
    pop.decide(np.random.default_rng(0))
    assert pop.level[member] == 2
    assert pop.level[newcomer] == newcomer_rung
    assert pop.offers.place_of[member] == 0


def test_rung_three_needs_a_role_and_falls_back_to_a_place(model) -> None:
    pop = model.population
    h = int(_roomy(model, 1)[0])
    pop.steer[h] = 3
    _one_pool(model, "roles", np.array([h]), 0)  # no role and no place on offer
    pop.decide(np.random.default_rng(1))
    assert pop.level[h] == 1
    _one_pool(model, "roles", np.array([h]), 1)
    pop.decide(np.random.default_rng(1))
    assert pop.level[h] == 3 and pop.offers.role_of[h] == 0


# --- players in the institutions' places: the committee's and a grid worker's time split ----

def test_the_rules_own_split_given_as_a_players_changes_nothing() -> None:
    """A player who chooses what the rule would do leaves the run bit-identical."""
    a = GovernanceModel.from_scenario("collaborative", rng=9, **TINY)
    b = GovernanceModel.from_scenario("collaborative", rng=9, **TINY)
    b.committee.steer = (1.0, b.params["rc_outreach_share"])
    b.service_handlers[GRID].steer = np.ones(b.community.n_grids)
    a.run(4)
    b.run(4)
    assert np.array_equal(a.population.level, b.population.level)
    assert a.current == b.current


def _paired(scenario: str = "collaborative", **kw) -> tuple[GovernanceModel, GovernanceModel]:
    a = GovernanceModel.from_scenario(scenario, rng=5, **TINY, **kw)
    b = GovernanceModel.from_scenario(scenario, rng=5, **TINY, **kw)
    a.run(3)
    b.run(3)
    return a, b


def test_a_committee_player_splits_the_free_time_the_model_gives_it() -> None:
    """The week's free time is the model's; the player's split only divides it: more time
    for visits is less for activities, by the same yields per slot (docs/ODD.md 7.8)."""
    rule, player = _paired()
    p = rule.params
    assert rule.mechanisms["resident_channels"]
    player.committee.steer = (1.0, 0.8)
    rule.step()
    player.step()
    r, q = rule.committee, player.committee
    assert q.free_slots == r.free_slots > 0  # issues came first, as for everyone
    assert q.council_seats == r.council_seats  # the councils still take what they need
    rest = r.places / p["rc_places_per_slot"] / (1 - p["rc_outreach_share"])
    assert q.visits == pytest.approx(rest * 0.8 * p["rc_visits_per_slot"])
    assert q.places == pytest.approx(rest * 0.2 * p["rc_places_per_slot"])
    assert q.visits > r.visits and q.places < r.places


def test_a_committee_player_who_gives_councils_nothing_runs_none() -> None:
    rule, player = _paired()
    player.committee.steer = (0.0, rule.params["rc_outreach_share"])
    rule.step()
    player.step()
    assert rule.committee.council_seats > 0 and player.committee.council_seats == 0
    assert player.committee.places > rule.committee.places  # the councils' time is free


def test_a_grid_worker_player_keeps_time_for_patrol() -> None:
    """A busy worker told to give issues at most a quarter of its time takes fewer issues and
    patrols more: the capacity and the patrol rule are the model's (docs/ODD.md 7.9)."""
    rule, player = _paired("grid_management", staff_capacity=6.0)
    handler = player.service_handlers[GRID]
    handler.steer = np.full(player.community.n_grids, 0.25)
    settled = {"rule": 0, "player": 0}
    found = {"rule": 0, "player": 0}
    for _ in range(6):
        for name, m in (("rule", rule), ("player", player)):
            m.step()
            settled[name] += m.current["resolved_by_grid"]
            found[name] += m.current["issues_detected"]
        cap = handler.management.worker_capacity()
        assert (handler.used <= np.ceil(0.25 * cap)).all()
        assert (handler.free_share >= 1 - np.ceil(0.25 * cap) / cap - 1e-12).all()
    assert settled["player"] < settled["rule"] and found["player"] > found["rule"]
