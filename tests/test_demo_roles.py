"""Students in the committee's and a grid worker's place (participatory mode, demo.roles and
demo.steering), through the class API without a browser: seats, refusals, bad input, and the
choices reaching the model's hooks and nothing else."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from demo import class_api, server
from demo.api import Refused
from demo.steering import COMMITTEE_SEATS, Steering, committee_shares
from model import InputError
from model.issues import GRID


def student(name: str) -> SimpleNamespace:
    return SimpleNamespace(id=name, role="student")


@pytest.fixture
def class_run():
    """A class run (40 x 40, collaborative: grid workers and resident channels on)."""
    sid = server.open_session({"state": {"scenario": "collaborative", "size": 40,
                                         "seed": 3}})["sid"]
    class_api.make_class_run({"sid": sid})
    yield sid
    server.store.close(sid)
    class_api.CLASS.sid = ""


def test_committee_members_propose_and_the_committee_follows_their_mean(class_run) -> None:
    a, b = student("a"), student("b")
    assert class_api.play_join({"_client": a, "role": "committee"})["role"] == "committee"
    class_api.play_join({"_client": b, "role": "committee", "name": "B"})
    class_api.play_choose({"_client": a, "split": [0, 100, 0]})
    out = class_api.play_choose({"_client": b, "split": [20, 20, 60]})
    assert out["members"] == 2
    assert out["split"] == pytest.approx([0.1, 0.6, 0.3])
    server.step({"sid": class_run, "steps": 1})
    model = server.store.get(class_run).room.runs[0][1]
    assert model.committee.steer == pytest.approx((0.1, 0.6 / 0.9))
    view = class_api.play_state({"_client": a})
    assert view["applied"] == pytest.approx([0.1, 0.6, 0.3])
    # One member goes back to the rule: the other's proposal alone counts.
    class_api.play_choose({"_client": a, "split": None})
    server.step({"sid": class_run, "steps": 1})
    assert model.committee.steer == pytest.approx((0.2, 0.25))
    class_api.play_choose({"_client": b, "split": None})
    server.step({"sid": class_run, "steps": 1})
    assert model.committee.steer is None  # nobody proposes: the model's rule


def test_a_grid_worker_player_sets_only_its_own_grid(class_run) -> None:
    s = student("g")
    view = class_api.play_join({"_client": s, "role": "grid"})
    assert view["active"] and view["capacity"] > 0
    class_api.play_choose({"_client": s, "share": 0.4})
    server.step({"sid": class_run, "steps": 1})
    model = server.store.get(class_run).room.runs[0][1]
    share = model.service_handlers[GRID].steer
    expected = np.ones(model.community.n_grids)
    expected[view["grid"]] = 0.4
    assert np.array_equal(share, expected)
    class_api.play_choose({"_client": s, "share": None})
    server.step({"sid": class_run, "steps": 1})
    assert model.service_handlers[GRID].steer is None


def test_seats_run_out_and_bad_choices_are_named(class_run) -> None:
    for k in range(COMMITTEE_SEATS):
        class_api.play_join({"_client": student(f"c{k}"), "role": "committee"})
    with pytest.raises(Refused) as full:
        class_api.play_join({"_client": student("late"), "role": "committee"})
    assert full.value.key == "committee_full"
    n_grids = server.store.get(class_run).room.runs[0][1].community.n_grids
    seats = {class_api.play_join({"_client": student(f"g{k}"), "role": "grid"})["grid"]
             for k in range(n_grids)}
    assert seats == set(range(n_grids))  # one student per grid
    with pytest.raises(Refused) as taken:
        class_api.play_join({"_client": student("late"), "role": "grid"})
    assert taken.value.key == "grids_taken"
    with pytest.raises(InputError, match="field 'role'"):
        class_api.play_join({"_client": student("x"), "role": "mayor"})
    for bad in ([1, 2], [0, 0, 0], [-1, 50, 50], "half", [True, 1, 1]):
        with pytest.raises(InputError, match="field 'split'"):
            class_api.play_choose({"_client": student("c0"), "split": bad})
    for bad in (1.5, -0.1, "x", True):
        with pytest.raises(InputError, match="field 'share'"):
            class_api.play_choose({"_client": student("g0"), "share": bad})


def test_no_grid_worker_to_play_without_grid_management() -> None:
    sid = server.open_session({"state": {"scenario": "administrative", "size": 40}})["sid"]
    try:
        class_api.make_class_run({"sid": sid})
        with pytest.raises(Refused) as off:
            class_api.play_join({"_client": student("g"), "role": "grid"})
        assert off.value.key == "no_grid_workers"
    finally:
        server.store.close(sid)
        class_api.CLASS.sid = ""


def test_a_player_who_changes_part_leaves_the_old_seat(class_run) -> None:
    s = student("s")
    resident = class_api.play_join({"_client": s})["resident"]
    assert resident in server.store.get(class_run).steering.residents
    class_api.play_join({"_client": s, "role": "committee"})
    steering = server.store.get(class_run).steering
    assert resident not in steering.residents and "s" in steering.committee


def test_shares_from_a_split() -> None:
    assert committee_shares((1, 0, 0), 0.3) == (1.0, 0.3)  # visits and activities 0: the rule's
    assert committee_shares((0, 1, 3), 0.3) == (0.0, 0.25)
    empty = Steering()
    assert empty.committee_split() is None
