"""A household steered by a player (`Population.steer`) follows the player's choice and takes
places and roles by exactly the rules of every other household (docs/ODD.md 7.5.2)."""

from __future__ import annotations

import numpy as np
import pytest

from governance import GovernanceModel

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
