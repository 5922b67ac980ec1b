"""The demo's pure-Python parts: picture, charts, controls from the schema, paired runs."""

from __future__ import annotations

import numpy as np
import pytest

from demo.charts import ChartBoard
from demo.classroom import Classroom
from demo.config import DemoConfig, check_seed, controlled, slider_params, switch_params
from demo.drawing import CommunityBoard, figure_png, located_agents
from demo.texts import classroom_texts
from model.errors import InputError
from model.governance import GovernanceModel
from model.params import MECHANISMS, PARAMS
from model.scenarios import SCENARIOS

SMALL = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}


def small(**kw) -> GovernanceModel:
    return GovernanceModel(rng=3, **{**SMALL, **kw})


def test_picture_is_a_png_of_the_households() -> None:
    m = small(grid_management=True)
    m.run(3)
    board = CommunityBoard([("test", m)])
    png = figure_png(board.fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    shown = np.asarray(board.panels[0].image.get_array())
    assert np.array_equal(shown, m.household_levels().T)  # rows are y, columns are x
    workers = board.panels[0].layers["GridWorker"].get_offsets()
    assert len(workers) == len(m.grid_workers) == 4
    assert {tuple(map(int, xy)) for xy in workers} == {
        tuple(w.cell.coordinate) for w in m.grid_workers}


def test_picture_follows_the_model_after_a_step() -> None:
    m = small(initial_participation=0.5)
    board = CommunityBoard([("test", m)])
    before = np.array(board.panels[0].image.get_array())
    for _ in range(10):
        m.step()
    board.update()
    after = np.asarray(board.panels[0].image.get_array())
    assert np.array_equal(after, m.household_levels().T)
    assert not np.array_equal(before, after)
    assert "week 10" in board.panels[0].ax.get_title()


def test_absent_actor_types_are_simply_not_drawn() -> None:
    m = small()  # grid management off: no grid workers
    assert "GridWorker" not in located_agents(m)
    assert figure_png(CommunityBoard([("a", m)]).fig)[:4] == b"\x89PNG"


def test_charts_grow_with_the_run() -> None:
    m = small()
    board = ChartBoard([("a", m)])
    m.run(4)
    board.update()
    lengths = {len(line.get_xdata()) for line, *_ in board.lines}
    assert lengths == {5}  # initial state + 4 steps
    assert figure_png(board.fig)[:4] == b"\x89PNG"


def test_controls_come_from_the_schema() -> None:
    names = [p.name for p in controlled()]
    assert set(MECHANISMS) <= set(names)
    assert [p.name for p in slider_params()] == [
        p.name for p in PARAMS.values() if p.main and p.type in (int, float)]
    assert all(p.type is bool for p in switch_params())


def test_picking_a_scenario_sets_every_switch_to_it() -> None:
    for name, sc in SCENARIOS.items():
        cfg = DemoConfig.for_scenario(name)
        for mech in MECHANISMS:
            assert cfg.settings[mech] == sc.overrides.get(mech, PARAMS[mech].default)
        assert cfg.edits() == {}


def test_side_by_side_runs_share_the_community_and_step_together() -> None:
    first, second = list(SCENARIOS)[:2]
    cfg = DemoConfig(scenario=first, seed=5, settings={}, compare=True, scenario_b=second)
    cfg = cfg.with_scenario(first)
    cfg = DemoConfig(**{**cfg.__dict__, "settings": {**cfg.settings, **SMALL}})
    room = Classroom(cfg)
    (_, left), (_, right) = room.runs
    assert np.array_equal(left.population.party, right.population.party)
    assert np.array_equal(left.household_levels(), right.household_levels())
    room.step()
    room.step()
    assert left.step_count == right.step_count == room.step_count == 2
    texts = classroom_texts(cfg)
    assert len(texts) == 2 and first in texts[0] and second in texts[1]


def test_slider_edits_carry_to_the_right_run_but_switches_do_not() -> None:
    first = next(iter(SCENARIOS))
    cfg = DemoConfig.for_scenario(first, compare=True)
    mech = next(iter(MECHANISMS))
    slider = slider_params()[0]
    value = slider.high if cfg.settings[slider.name] != slider.high else slider.low
    cfg = cfg.with_setting(mech, not cfg.settings[mech]).with_setting(slider.name, value)
    assert cfg.left_params()[mech] == cfg.settings[mech]
    right = cfg.right_params()
    assert right[slider.name] == value
    assert right[mech] == SCENARIOS[cfg.right_scenario()].overrides.get(mech, False)


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seed_is_an_input_error_naming_the_field(bad) -> None:
    with pytest.raises(InputError, match="seed"):
        check_seed(bad)
