"""'Explain a household / an institution': the panels show the model's own numbers.

The decision explanation is the model's `explain_household(i)` (model/explain.py), checked
here against the vectorised rule itself (Population.rung_utilities, choice_probabilities);
state and issues are read from the population's arrays and the issue book.
"""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from demo import explain
from demo.closures import is_settled
from governance import GovernanceModel
from model.issues import KINDS, STAGES

SMALL = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}

DECISION = {  # the shape of m.explain_household(i) (model/explain.py)
    "rung": 1, "state": {"trust_gov": 0.41, "efficacy": 0.52},
    "terms": [("social pull", [0.8, 0.3, 0.05]), ("cost", [-0.2, -0.9, -1.7]),
              ("trust", [0.12, 0.1, 0.08]), ("efficacy", [0.3, 0.3, 0.3])],
    "utility": [1.02, -0.2, -1.27], "p_climb": 0.137, "p_fall": 0.021, "p_stay": 0.842,
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
    assert "0.137" in shown and "效能感" in shown and "不提供" not in shown


def test_institutions_show_capacity_and_load(model) -> None:
    worker = model.grid_workers[0]
    shown = text(explain.institution_panel(model, "GridWorker", worker, "en"))
    assert f"{worker.capacity():.3g}" in shown
    settled, waiting = explain.stage_load(model, "grid", np.flatnonzero(
        model.community.grid_of == worker.grid_id))
    assert f"settled {settled}, waiting {waiting}" in shown
    gov = text(explain.institution_panel(model, "Government", model.government, "zh"))
    assert "政府" in gov


def rule(m: GovernanceModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The vectorised rule's utility table and P(climb), P(fall), as Population.decide
    computes them (tests/test_pathways_model.py::test_explanation_matches_the_rule)."""
    pop = m.population
    social = {r: pop.scope_share_at_least(r) for r in (1, 2, 3)}
    table = pop.rung_utilities(social, pop.free_hours()).copy()
    up, down = pop.choice_probabilities(table.reshape(-1))
    return table, up, down


@pytest.fixture(scope="module")
def busy() -> GovernanceModel:
    """Half the free hours for working households: some rungs are out of reach."""
    m = GovernanceModel.from_scenario("busy_households", rng=9, **SMALL)
    m.run(5)
    return m


def test_panel_shows_the_rules_own_numbers(busy) -> None:
    """The panel's utilities and chances are the rule's (Population.rung_utilities and
    choice_probabilities), terms add up to each utility, and the shown numbers are those."""
    m, pop = busy, busy.population
    table, up, down = rule(m)
    for i in range(0, pop.n, 23):
        d = m.explain_household(i)
        assert d["rung"] == int(pop.level[i])
        for r in (1, 2, 3):
            want, got = float(table[r, i]), d["utility"][r - 1]
            assert got == want if np.isinf(want) else got == pytest.approx(want, abs=1e-4)
            terms = sum(values[r - 1] for _, values in d["terms"])
            assert terms == got if np.isinf(got) else terms == pytest.approx(got, abs=1e-9)
        assert d["p_climb"] == pytest.approx(float(up[i]), abs=1e-5)
        assert d["p_fall"] == pytest.approx(float(down[i]), abs=1e-5)
        assert d["p_climb"] + d["p_fall"] + d["p_stay"] == pytest.approx(1.0, abs=1e-9)
        shown = text(explain.household_panel(m, i, "en"))
        assert f"{d['p_climb']:.3g}" in shown and f"{d['p_stay']:.3g}" in shown
        for u in d["utility"]:
            assert (f"{u + 0.0:.3g}" if np.isfinite(u) else "out of reach") in shown


@pytest.mark.parametrize(("lang", "words"), [("en", "out of reach (not enough free hours)"),
                                             ("zh", "无法达到（空闲时间不足）")])
def test_a_rung_out_of_reach_in_hours_is_said_in_words(busy, lang, words) -> None:
    """-inf utility (the rung needs more hours than the household has free) is shown as
    words, in the utility row and in the hours term; never as a number or 'inf'."""
    table, _, _ = rule(busy)
    short = np.flatnonzero(np.isneginf(table[1:4]).any(axis=0))
    assert len(short), "the busy community has households short of hours"
    i = int(short[0])
    html = explain.household_panel(busy, i, lang)
    d = busy.explain_household(i)
    cut = int(np.isneginf(d["utility"]).sum())
    hours_term = next(v for name, v in d["terms"] if np.isneginf(v).any())
    assert text(html).count(words) == cut + int(np.isneginf(hours_term).sum())
    assert "inf" not in text(html).replace("info", "")


def test_a_household_on_a_rung_it_cannot_afford_must_fall(busy) -> None:
    m = GovernanceModel.from_scenario("collaborative", rng=3, **SMALL)
    m.run(4)
    pop = m.population
    i = int(np.flatnonzero(pop.level >= 1)[0])
    pop.fatigue[i] = 0.999  # almost no free hours left: its own rung is out of reach
    table, up, down = rule(m)
    assert np.isneginf(table[pop.level[i], i])
    d = m.explain_household(i)
    assert (d["p_climb"], d["p_fall"]) == (float(up[i]), float(down[i])) == (0.0, 1.0)


def test_constraints_name_the_place_and_role_held(model) -> None:
    """The place or role a household holds is named in words in both languages."""
    offers = model.population.offers
    held = np.flatnonzero(offers.role_of >= 0)
    assert len(held)
    i = int(held[0])
    role = offers.roles[int(offers.role_of[i])].name
    for lang in ("en", "zh"):
        shown = text(explain.household_panel(model, i, lang))
        assert explain.i18n.name(lang, "offer", role) in shown
    assert role not in shown  # the zh panel: words, not the code name


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
        for stage in STAGES:
            assert explain.stage_load(model, stage, None, closed)[0] == \
                model.current[f"resolved_by_{stage}"]
        failed = model.current["issues_abandoned"] + model.current["issues_lost"]
        assert int((~is_settled(gone)).sum()) == failed
        assert int(is_settled(gone).sum()) == model.current["issues_resolved"]
    settled = [h for h, d in zip(gone["household"], gone["handler"], strict=True) if d >= 0]
    fates = explain.household_issues(model, int(settled[0]), closed)
    assert "settled" in {f["status"] for f in fates}
