"""'Explain a household / an institution': the panels show the model's own numbers.

A household's panel lists its residents and explains one of them: the decision is the
model's `explain_resident(r)` (model/explain.py), checked here against the vectorised rule
itself (Population.rung_utilities, choice_probabilities); state and issues are read from the
population's per-resident and per-household arrays and the issue book.
"""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from demo import explain, institutions
from demo.closures import is_settled
from governance import GovernanceModel
from model.issues import KINDS, STAGES

SMALL = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}

DECISION = {  # the shape of m.explain_resident(r) (model/explain.py)
    "resident": 0, "household": 0, "rung": 1, "state": {"trust_gov": 0.41, "efficacy": 0.52},
    "terms": [("social pull", [0.8, 0.3, 0.05]), ("cost", [-0.2, -0.9, -1.7]),
              ("trust", [0.12, 0.1, 0.08]), ("efficacy", [0.3, 0.3, 0.3])],
    "utility": [1.02, -0.2, -1.27], "p_climb": 0.137, "p_fall": 0.021, "p_stay": 0.842,
    "constraints": {"hours left": 3.5},
    "issues": [{"kind": "neighbour_dispute", "stage": "building", "age": 2, "known": True,
                "reported": False, "status": "open"}],
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
    pop = model.population
    h = int(np.argmax(pop.open_issues))
    r = int(pop.residents_of(np.array([h]))[-1])
    html = explain.household_panel(model, h, "en", resident=r)
    mine = explain.resident_state(model, r)
    assert mine["trust_gov"] == pytest.approx(float(pop.trust_gov[r]))
    assert mine["efficacy"] == pytest.approx(float(pop.efficacy[r]))
    assert mine["level"] == int(pop.level[r]) and mine["band"] == int(pop.band[r])
    assert mine["contacts"] == int(pop.contacts.total[r])
    home = explain.household_state(model, h)
    assert home["open_issues"] == int(pop.open_issues[h]) > 0
    assert home["tenure"] == int(pop.tenure[h])
    assert home["persons"] - home["children"] == home["adults"] == int(pop.adults[h])
    shown = text(html)
    assert f"{float(pop.trust_gov[r]):.3g}" in shown
    assert f"{float(pop.civic[r]):.3g}" in shown


def test_the_panel_lists_the_residents_and_explains_the_one_chosen(model) -> None:
    """One row per resident (age band, situation, rung, Party member); the sentence first
    and the decision are those of the resident asked for (by default the model's choice,
    the most engaged), and every other resident has a button to switch to them."""
    pop = model.population
    h = int(np.flatnonzero(pop.adults >= 2)[0])
    members = pop.residents_of(np.array([h])).tolist()
    default = explain.household_panel(model, h, "en")
    lead = model.explain_household(h)["resident"]
    assert f'data-resident="{lead}"' not in default
    for k, r in enumerate(members, start=1):
        html = explain.household_panel(model, h, "en", resident=r)
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<h4>")[1])
        assert len(rows) == 1 + len(members)  # the head and one per resident
        chosen = re.search(r'<tr class="chosen">(.*?)</tr>', html).group(1)
        assert f"Resident {k}" in text(chosen)
        assert explain.i18n.name("en", "situation", str(int(pop.situation[r]))) in text(chosen)
        others = set(re.findall(r'data-resident="(\d+)"', html))
        assert others == {str(m) for m in members if m != r}
        d = model.explain_resident(r)
        first = text(html.split('class="summary">')[1].split("</p>")[0])
        likely = max(d["p_climb"], d["p_fall"], d["p_stay"])
        assert f"resident {k} (" in first and f"{likely:.2f}" in first
        assert f"{d['p_stay']:.3g}" in text(html)
    with pytest.raises(ValueError, match="does not live"):
        other = int(pop.residents_of(np.array([h + 1]))[0])
        explain.household_panel(model, h, "en", resident=other)


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


def test_panel_shows_the_models_explanation(model, monkeypatch) -> None:
    r = int(model.population.residents_of(np.array([0]))[0])
    monkeypatch.setattr(type(model), "explain_resident",
                        lambda self, i: {**DECISION, "resident": i}, raising=False)
    shown = text(explain.household_panel(model, 0, "zh", resident=r))
    assert "0.137" in shown and "效能感" in shown


def test_institutions_show_capacity_and_load(model) -> None:
    worker = model.grid_workers[0]
    shown = text(institutions.institution_panel(model, "GridWorker", worker, "en"))
    assert f"{worker.capacity():.3g}" in shown
    settled, waiting = institutions.stage_load(model, "grid", np.flatnonzero(
        model.community.grid_of == worker.grid_id))
    assert f"settled {settled}, waiting {waiting}" in shown
    gov = text(institutions.institution_panel(model, "Government", model.government, "zh"))
    assert "政府" in gov


def test_the_committee_shows_its_last_election(model) -> None:
    """The committee's panel gives the weeks to its next election and the last turnout, from
    the elections' own record (the burn-in ends with an election day)."""
    shown = text(institutions.institution_panel(model, "ResidentsCommittee", model.committee,
                                                "en"))
    last = model.population.last_election
    assert f"{model.elections.weeks_to_election()}" in shown
    assert f"{last['official']:.3g}" in shown and f"{last['personal']:.3g}" in shown
    zh = text(institutions.institution_panel(model, "ResidentsCommittee", model.committee,
                                             "zh"))
    assert "居委会换届选举" in zh


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
        d = m.explain_resident(i)
        assert d["rung"] == int(pop.level[i])
        for r in (1, 2, 3):
            want, got = float(table[r, i]), d["utility"][r - 1]
            assert got == want if np.isinf(want) else got == pytest.approx(want, abs=1e-4)
            terms = sum(values[r - 1] for _, values in d["terms"])
            assert terms == got if np.isinf(got) else terms == pytest.approx(got, abs=1e-9)
        assert d["p_climb"] == pytest.approx(float(up[i]), abs=1e-5)
        assert d["p_fall"] == pytest.approx(float(down[i]), abs=1e-5)
        assert d["p_climb"] + d["p_fall"] + d["p_stay"] == pytest.approx(1.0, abs=1e-9)
        shown = text(explain.household_panel(m, int(pop.home[i]), "en", resident=i))
        assert f"{d['p_climb']:.3g}" in shown and f"{d['p_stay']:.3g}" in shown
        for u in d["utility"]:
            assert (f"{u + 0.0:.3g}" if np.isfinite(u) else "out of reach") in shown


def test_the_decision_shown_is_explain_resident_to_every_digit(busy) -> None:
    """Row by row, the panel's decision table and chances carry explain_resident's own
    numbers to their last digit (data-exact), shown rounded to three significant digits."""
    m, pop = busy, busy.population
    for i in range(0, pop.n, 41):
        d = m.explain_resident(i)
        html = explain.household_panel(m, int(pop.home[i]), "zh", resident=i)
        decision = html.split('<table class="explain-table">')[-2]  # then the constraints
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", decision)[1:]  # after the head
        want = [values for _, values in d["terms"]] + [d["utility"]]
        assert len(rows) == len(want)
        for row, values in zip(rows, want, strict=True):
            cells = re.findall(r"<td>(.*?)</td>", row)[1:]
            for cell, v in zip(cells, values, strict=True):
                if np.isfinite(v):
                    exact = re.search(r'data-exact="([^"]+)"', cell).group(1)
                    assert float(exact) == v + 0.0 and f">{v + 0.0:.3g}<" in cell
                else:
                    assert "out-of-reach" in cell and "data-exact" not in cell
        chances = re.findall(r'data-exact="([^"]+)"', html.split("explain-probs")[1]
                             .split("</ul>")[0])
        assert [float(c) for c in chances] == [d["p_climb"], d["p_stay"], d["p_fall"]]


@pytest.mark.parametrize(("lang", "words"), [("en", "out of reach (not enough free hours)"),
                                             ("zh", "无法达到（空闲时间不足）")])
def test_a_rung_out_of_reach_in_hours_is_said_in_words(busy, lang, words) -> None:
    """-inf utility (the rung needs more hours than the resident has free) is shown as
    words, in the utility row and in the hours term; never as a number or 'inf'."""
    table, _, _ = rule(busy)
    short = np.flatnonzero(np.isneginf(table[1:4]).any(axis=0))
    assert len(short), "the busy community has residents short of hours"
    i = int(short[0])
    html = explain.household_panel(busy, int(busy.population.home[i]), lang, resident=i)
    d = busy.explain_resident(i)
    cut = int(np.isneginf(d["utility"]).sum())
    hours_term = next(v for name, v in d["terms"] if np.isneginf(v).any())
    decision = "".join(html.split("<h4>")[-2:])  # the decision and its constraints: last
    assert text(decision).count(words) == cut + int(np.isneginf(hours_term).sum())
    assert "inf" not in text(html).replace("info", "")


def test_a_resident_on_a_rung_they_cannot_afford_must_fall(busy) -> None:
    m = GovernanceModel.from_scenario("collaborative", rng=3, **SMALL)
    m.run(4)
    pop = m.population
    i = int(np.flatnonzero(pop.level >= 1)[0])
    pop.fatigue[i] = 0.999  # almost no free hours left: their own rung is out of reach
    table, up, down = rule(m)
    assert np.isneginf(table[pop.level[i], i])
    d = m.explain_resident(i)
    assert (d["p_climb"], d["p_fall"]) == (float(up[i]), float(down[i])) == (0.0, 1.0)


def test_constraints_name_the_place_and_role_held(model) -> None:
    """The place or role a resident holds is named in words in both languages."""
    offers = model.population.offers
    held = np.flatnonzero(offers.role_of >= 0)
    assert len(held)
    i = int(held[0])
    role = offers.roles[int(offers.role_of[i])].name
    h = int(model.population.home[i])
    for lang in ("en", "zh"):
        shown = text(explain.household_panel(model, h, lang, resident=i))
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
            assert institutions.stage_load(model, stage, None, closed)[0] == \
                model.current[f"resolved_by_{stage}"]
        failed = model.current["issues_abandoned"] + model.current["issues_lost"]
        assert int((~is_settled(gone)).sum()) == failed
        assert int(is_settled(gone).sum()) == model.current["issues_resolved"]
    settled = [h for h, d in zip(gone["household"], gone["handler"], strict=True) if d >= 0]
    fates = explain.household_issues(model, int(settled[0]), closed)
    assert "settled" in {f["status"] for f in fates}
