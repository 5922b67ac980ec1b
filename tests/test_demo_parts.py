"""The demo's server-side parts: map image, snapshots, controls from the schema, the session
(one consistent frame per week, replay, reset) and the JSON handlers, without a browser."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from demo import server
from demo.classroom import Classroom
from demo.config import (
    DemoConfig,
    check_seed,
    controlled,
    from_state,
    size_choices,
    slider_params,
    switch_params,
    to_state,
)
from demo.frames import frame
from demo.mapimage import PALETTE, cell_pixels, map_png
from demo.session import Session, SessionStore
from demo.snapshot import take
from governance import MECHANISMS, PARAMS, SCENARIOS
from model.errors import InputError

SMALL = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}


def small_config(scenario: str = "collaborative", **kw) -> DemoConfig:
    cfg = DemoConfig.for_scenario(scenario, seed=3, **kw)
    return DemoConfig(**{**cfg.__dict__, "size": 20})


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 12).map(lambda k: 5 * k), st.data())
def test_map_pixels_are_the_rungs(size, data) -> None:
    """Every household's pixel block (away from borders) has its rung's colour, y up."""
    levels = data.draw(st.lists(st.integers(0, 3), min_size=size * size,
                                max_size=size * size)).copy()
    levels = np.array(levels, dtype=np.int8).reshape(size, size)
    img = decode(map_png(levels, grid_block=size, building_block=size))
    k = cell_pixels(size, size)
    assert img.shape == (size * k, size * k, 3)
    for x, y in [(0, 0), (size - 1, 0), (0, size - 1), (size // 2, size // 3)]:
        row = (size - 1 - y) * k + k // 2
        assert tuple(img[row, x * k + k // 2]) == tuple(PALETTE[levels[x, y]])


def test_committee_outline_leaves_the_rung_colours_visible() -> None:
    levels = np.full((20, 20), 3, dtype=np.int8)
    plain = decode(map_png(levels, 10, 5))
    ringed = decode(map_png(levels, 10, 5, committees=list(range(16))))
    dark = (plain == PALETTE[3]).all(axis=2).mean()
    still = (ringed == PALETTE[3]).all(axis=2).mean()
    assert still > 0.5 * dark  # a thin ring, not a filled square


def test_snapshot_copies_state_and_finds_actors() -> None:
    room = Classroom(small_config())
    model = room.runs[0][1]
    for _ in range(6):
        room.step()
    snap = take(model)
    assert np.array_equal(snap.levels, model.household_levels())
    snap.levels[0, 0] = 9
    assert model.household_levels()[0, 0] != 9  # a copy, not a view
    assert len(snap.actors["GridWorker"]) == len(model.grid_workers)
    assert {"Government", "ResidentsCommittee"} <= set(snap.central)
    settled = sum(s["settled"] for s in snap.flow["stages"])
    assert settled == model.current["issues_resolved"]
    assert snap.flow["stages"][0]["stage"] == "self"


def test_controls_come_from_the_schema() -> None:
    names = [p.name for p in controlled()]
    assert set(MECHANISMS) <= set(names)
    assert [p.name for p in slider_params()] == [
        p.name for p in PARAMS.values() if p.main and p.type in (int, float)]
    assert all(p.type is bool for p in switch_params())


def test_state_round_trip_and_bad_fields_are_named() -> None:
    cfg = from_state({"scenario": "grid_management", "seed": 7, "size": 40,
                      "settings": {"rc_admin_burden": 0.3, "info_platform": True}})
    assert cfg.left_params()["width"] == 40
    assert from_state(to_state(cfg)) == cfg
    for bad, field in [({"seed": -1}, "seed"), ({"size": 33}, "size"),
                       ({"scenario": "nope"}, "scenario"),
                       ({"settings": {"rc_admin_burden": 7}}, "rc_admin_burden"),
                       ({"settings": {"not_a_param": 1}}, "not_a_param")]:
        with pytest.raises(InputError, match=field):
            from_state(bad)


def test_sizes_tile_the_grids() -> None:
    for name in SCENARIOS:
        block = SCENARIOS[name].overrides.get("grid_block", PARAMS["grid_block"].default)
        sizes = size_choices(name)
        assert sizes and all(s % block == 0 and 20 <= s <= 200 for s in sizes)


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seed_is_an_input_error_naming_the_field(bad) -> None:
    with pytest.raises(InputError, match="seed"):
        check_seed(bad)


def test_restore_preset_drops_every_edit() -> None:
    cfg = small_config("administrative").with_setting("rc_admin_burden", 0.1)
    cfg = cfg.with_setting("grid_management", True)
    assert cfg.edits()
    assert cfg.restored().edits() == {} and cfg.restored().size == 20


def test_session_frames_replay_and_reset_are_exact() -> None:
    s = Session(small_config(compare=True, scenario_b="administrative"))
    s.step(5)
    live = frame(s, ["ladder", "participation_rate"])
    assert live["week"] == live["latest"] == 5 and len(live["runs"]) == 2
    earlier = frame(s, ["participation_rate"], week=2)
    assert earlier["week"] == 2 and earlier["runs"][0]["week"] == 2
    assert earlier["runs"][0]["readouts"]["participation_rate"] == \
        s.records[0].rows[2]["participation_rate"]
    again = Session(small_config(compare=True, scenario_b="administrative"))
    again.step(2)
    assert frame(again, [])["runs"][0]["map"] == earlier["runs"][0]["map"]  # same pixels
    s.reset(s.config)
    assert s.week == 0 and len(s.records[0].rows) == 1


def test_play_budget_steps_several_weeks_and_draws_once() -> None:
    s = Session(small_config())
    done = s.step(1, budget=0.05)
    assert done >= 1 and s.week == done == len(s.records[0].rows) - 1


def test_store_forgets_silent_sessions() -> None:
    store = SessionStore(idle=0.0)
    sid, _ = store.open(small_config())
    assert store.get(sid) is not None
    store.sweep()
    assert store.get(sid) is None and len(store) == 0


def test_handlers_answer_and_refuse_bad_input_without_changing_the_run() -> None:
    data = server.open_session({"state": {"scenario": "collaborative", "size": 20, "seed": 3}})
    sid = data["sid"]
    try:
        out = server.step({"sid": sid, "steps": 3, "charts": ["participation_rate"]})
        assert out["latest"] == 3
        with pytest.raises(InputError, match="seed"):
            server.configure({"sid": sid, "state": {"scenario": "collaborative", "seed": "x"}})
        assert server.store.get(sid).week == 3  # the bad seed changed nothing
        with pytest.raises(InputError, match="charts"):
            server.step({"sid": sid, "charts": ["no_such_measure"]})
        html = server.household({"sid": sid, "x": 3, "y": 4, "lang": "zh"})["html"]
        assert "住户" in html
        inst = server.institution({"sid": sid, "kind": "GridWorker", "id": 0, "lang": "en"})
        assert "Grid worker" in inst["html"]
        meta = server.meta({"lang": "en"})
        assert {s["name"] for s in meta["switches"]} >= set(MECHANISMS)
        csv_text = server.csv_file({"sid": sid}).body.decode()
        lines = csv_text.strip().splitlines()
        assert len(lines) == 2 + 4  # headers (words, code names) + weeks 0..3
        assert lines[1].startswith("run,scenario,seed,week,share_inactive")
        zh = server.csv_file({"sid": sid, "lang": "zh"}).body.decode().splitlines()
        assert zh[0].startswith("\ufeff运行,情景,种子,周,") and zh[1] == lines[1]
    finally:
        server.store.close(sid)
    with pytest.raises(server.Gone):
        server.step({"sid": sid})


def test_a_students_own_copy_is_at_most_the_classroom_size() -> None:
    """In classroom mode a student's copy is at most STUDENT_MAX_SIZE a side (memory): a
    larger shared link opens at that size, a change to a larger one is refused by name; the
    teacher's copies are not limited."""
    from types import SimpleNamespace

    from demo.config import STUDENT_MAX_SIZE

    student = SimpleNamespace(id="s", role="student")
    sizes = server.meta({"lang": "en", "_client": student})["scenarios"][0]["sizes"]
    assert max(sizes) == STUDENT_MAX_SIZE
    assert max(server.meta({"lang": "en"})["scenarios"][0]["sizes"]) > STUDENT_MAX_SIZE
    big = {"scenario": "administrative", "size": 120}
    opened = server.open_session({"state": big, "_client": student})
    sid = opened["sid"]
    try:
        assert opened["state"]["size"] == STUDENT_MAX_SIZE
        assert opened["runs"][0]["width"] == STUDENT_MAX_SIZE
        with pytest.raises(InputError, match="field 'size' got 120"):
            server.configure({"sid": sid, "state": big, "_client": student})
        assert server.store.get(sid).config.size == STUDENT_MAX_SIZE  # unchanged
    finally:
        server.store.close(sid)


@pytest.mark.parametrize("bad, field", [
    ({"scenario": ["collaborative"]}, "scenario"),
    ({"scenario_b": {"a": 1}}, "scenario_b"),
    ({"settings": [1, 2]}, "settings"),
    ({"settings": {"enterprise_count": float("inf")}}, "enterprise_count"),
    ({"settings": {"rc_admin_burden": 10**400}}, "rc_admin_burden"),
    ({"seed": 2**64 + 5}, "seed"),
])
def test_crafted_state_fields_are_named_not_a_500(bad, field) -> None:
    # found by a review: Infinity, huge numbers, lists where names go gave OverflowError or
    # "unhashable type" (a 500), and seeds above 2**63 - 1 ran live but were refused by
    # "Run 10 seeds" and the lessons later
    with pytest.raises(InputError, match=field):
        from_state(bad)


def test_crafted_request_bodies_are_refused_as_input() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.requests import Request

    from demo.api import MAX_BODY, Refused, _json_body, capped_body, int_field
    from demo.frames import check_charts

    with pytest.raises(InputError, match="week"):
        int_field({"week": float("inf")}, "week", 0, 0, 10)
    with pytest.raises(InputError, match="not JSON"):
        _json_body(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(InputError, match="charts"):
        check_charts([1])

    def request(chunks: list[bytes], length: int | None) -> Request:
        messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
                    for i, c in enumerate(chunks)]

        async def receive() -> dict:
            return messages.pop(0)

        headers = [] if length is None else [(b"content-length", str(length).encode())]
        return Request({"type": "http", "method": "POST", "headers": headers}, receive)

    def read(req: Request) -> bytes:
        # a loop of its own in a thread of its own: in the suite this worker may hold
        # Playwright's sync loop on its main thread, where asyncio.run is refused
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, capped_body(req)).result()

    half = b"x" * (MAX_BODY // 2 + 1)
    for chunks, length in (([half, half, half], None), ([], MAX_BODY + 1)):
        with pytest.raises(Refused):  # stops at the cap, before reading the rest
            read(request(chunks, length))
    assert read(request([b'{"a": 1}'], 8)) == b'{"a": 1}'


def test_seed_runs_can_be_cancelled_and_stop():
    """A lecturer who started the wrong comparison stops it at once (was: wait minutes or
    close the tab): the job is dropped from the page, its thread ends, and a second cancel
    is harmless."""
    from demo.downloads import seeds_cancel, seeds_start, seeds_status

    data = server.open_session({"state": {"scenario": "collaborative", "size": 20, "seed": 3}})
    sid = data["sid"]
    try:
        started = seeds_start({"sid": sid, "n": 2, "weeks": 8})
        assert started["state"] in ("running", "done")
        job = server.store.get(sid).seeds
        out = seeds_cancel({"sid": sid})
        assert out["state"] == "none" and seeds_status({"sid": sid}) == {"state": "none"}
        assert job.cancelled.is_set()
        job.thread.join(60)
        assert not job.thread.is_alive()
        assert seeds_cancel({"sid": sid}) == {"state": "none", "cancelled": False}
    finally:
        server.store.close(sid)
