"""'Explain a household / an institution': the panels show the model's own numbers.

The decision explanation is rendered from a dict in CONTRACT.md's shape (the model method
arrives with Model 2); until the model offers it the panel says so and still shows the
household's state and issues, read from the population's arrays and the issue book.
"""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from demo import explain
from model import GovernanceModel
from model.services import KINDS, STAGES

SMALL = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}

DECISION = {  # CONTRACT.md: m.explain_household(i)
    "rung": 1, "state": {"trust_gov": 0.41, "efficacy": 0.52},
    "terms": [("social pull", [0.8, 0.3, 0.05]), ("cost", [-0.2, -0.9, -1.7]),
              ("trust", [0.12, 0.1, 0.08])],
    "utility": [0.72, -0.5, -1.57], "p_climb": 0.137, "p_fall": 0.021, "p_stay": 0.842,
    "constraints": {"hours left": 3.5},
    "issues": [{"kind": "neighbour_dispute", "stage": "building", "age": 2, "known": True,
                "voiced": False, "status": "open"}],
}


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def model() -> GovernanceModel:
    m = GovernanceModel.from_scenario("collaborative", rng=5, **SMALL)
    m.run(12)
    return m


def test_decision_rendering_shows_every_term_utility_and_probability() -> None:
    html = explain.render_decision(DECISION, "en")
    shown = text(html)
    for term, values in DECISION["terms"]:
        assert term in shown
        for v in values:
            assert f"{v:.3g}" in shown
    for u in DECISION["utility"]:
        assert f"{u:.3g}" in shown
    assert "0.137" in shown and "0.021" in shown and "0.842" in shown and "hours left" in shown
    assert "<script" not in explain.render_decision(
        {**DECISION, "terms": [("<script>x</script>", [1, 2, 3])]}, "en")  # escaped


def test_panel_state_matches_the_population_arrays(model) -> None:
    i = int(np.argmax(model.population.open_issues))
    html = explain.household_panel(model, i, "en")
    state = explain.household_state(model, i)
    pop = model.population
    assert state["trust_gov"] == pytest.approx(float(pop.trust_gov[i]))
    assert state["efficacy"] == pytest.approx(float(pop.efficacy[i]))
    assert state["level"] == int(pop.level[i])
    shown = text(html)
    assert f"{float(pop.trust_gov[i]):.3g}" in shown
    assert f"{float(pop.civic[i]):.3g}" in shown
    if not hasattr(model, "explain_household"):
        assert "not available" in shown


def test_issues_and_their_fate_come_from_the_issue_book(model) -> None:
    book = model.issues
    i = int(book.household[0])
    issues = explain.household_issues(model, i)
    rows = np.flatnonzero(book.household == i)
    assert len(issues) == len(rows)
    for issue, r in zip(issues, rows, strict=True):
        assert issue["kind"] == KINDS[book.kind[r]] and issue["stage"] == STAGES[book.stage[r]]
        assert issue["age"] == model.step_count - book.created[r]
        assert issue["status"] in ("open", "being_handled", "settled", "given_up")


def test_panel_uses_the_models_explanation_when_present(model, monkeypatch) -> None:
    monkeypatch.setattr(type(model), "explain_household", lambda self, i: DECISION,
                        raising=False)
    shown = text(explain.household_panel(model, 0, "zh"))
    assert "0.137" in shown and "邻里纠纷" in shown and "不可" not in shown


def test_institutions_show_capacity_and_load(model) -> None:
    worker = model.grid_workers[0]
    shown = text(explain.institution_panel(model, "GridWorker", worker, "en"))
    assert f"{worker.capacity():.3g}" in shown
    settled, waiting = explain.stage_load(model, "grid", np.flatnonzero(
        model.community.grid_of == worker.grid_id))
    assert f"settled {settled}, waiting {waiting}" in shown
    gov = text(explain.institution_panel(model, "Government", model.government, "zh"))
    assert "政府" in gov


def test_explanation_matches_the_models_rule_when_the_model_explains() -> None:
    """With Model 2's explain_household: the panel shows the model's numbers, and they hold
    together (utility = sum of terms per rung, the three chances sum to one)."""
    if not hasattr(GovernanceModel, "explain_household"):
        pytest.skip("the model does not explain decisions yet (Model 2 adds explain_household)")
    m = GovernanceModel.from_scenario("collaborative", rng=9, **SMALL)
    m.run(5)
    for i in (0, 57, 399):
        d = m.explain_household(i)
        assert d["rung"] == int(m.population.level[i])
        sums = np.sum([values for _, values in d["terms"]], axis=0)
        assert np.allclose(sums, d["utility"], atol=1e-5)
        assert d["p_climb"] + d["p_fall"] + d["p_stay"] == pytest.approx(1.0, abs=1e-6)
        shown = text(explain.household_panel(m, i, "en"))
        assert f"{d['p_climb']:.3g}" in shown and f"{d['utility'][0]:.3g}" in shown


def test_this_weeks_closed_issues_are_kept_for_the_panels() -> None:
    """The book drops closed rows at the end of a step; the watcher's copy matches the
    model's own counts, so 'settled here this week' and each issue's fate are right."""
    from demo.classroom import Classroom
    from demo.config import DemoConfig

    cfg = DemoConfig.for_scenario("collaborative", seed=4)
    room = Classroom(DemoConfig(**{**cfg.__dict__, "size": 20}))
    model, closed = room.runs[0][1], room.closed[0]
    for _ in range(8):
        room.step()
        gone = closed.this_week()
        for s, stage in enumerate(STAGES):
            assert explain.stage_load(model, stage, None, closed)[0] == \
                model.current[f"resolved_by_{stage}"] == int((gone["handler"] == s).sum())
        failed = model.current["issues_abandoned"] + model.current["issues_lost"]
        assert int((gone["handler"] < 0).sum()) == failed
    settled = [h for h, d in zip(gone["household"], gone["handler"], strict=True) if d >= 0]
    fates = explain.household_issues(model, int(settled[0]), closed)
    assert "settled" in {f["status"] for f in fates}
