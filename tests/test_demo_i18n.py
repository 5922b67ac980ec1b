"""One catalogue per language, the same keys in each, and every word the page uses in both.

Fails when a key is missing in either language: a text used by the page (static HTML,
script or Python), a parameter the demo shows, a recorded measure, a scenario, an actor, a
stage of the service loop or an issue kind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from demo import i18n
from demo.config import controlled
from demo.lessons import LESSONS
from demo.snapshot import CENTRAL, LOCATED
from governance import MEASURES, PARAMS, PATHWAYS, SCENARIOS, GovernanceModel
from model.issues import KINDS, STAGES

DEMO = Path(__file__).resolve().parent.parent / "demo"


def used_keys() -> set[str]:
    html = "".join(p.read_text(encoding="utf-8") for p in (DEMO / "static").glob("*.html"))
    js = "".join(p.read_text(encoding="utf-8") for p in (DEMO / "static").glob("*.js"))
    py = "".join(p.read_text(encoding="utf-8") for p in DEMO.glob("*.py"))
    keys = set(re.findall(r'data-(?:i18n(?:-title)?|w)="([\w.]+)"', html))
    keys |= set(re.findall(r'\bt\("([\w.]+)"', js))
    keys |= {f"refuse.{k}" for k in re.findall(r'Refused\(\d+, "(\w+)"', py)}
    keys |= set(re.findall(r'i18n\.t\(lang, "([\w.]+)"', py))
    keys |= set(re.findall(r"i18n\.t\(lang, '([\w.]+)'", py))
    keys |= {f"ui.{k}" for k in re.findall(r'i18n\.t\(lang, "ui\." \+ k\)', py)}
    return keys


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogues_have_the_same_keys(lang) -> None:
    assert set(i18n.catalogue(lang)) == set(i18n.catalogue(i18n.DEFAULT))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_the_page_uses_exists(lang) -> None:
    used = used_keys()
    assert len(used) > 50  # the scan finds the page's texts
    cat = i18n.catalogue(lang)
    missing = sorted(k for k in used if k[-1] not in "._" and k not in cat)
    assert not missing, f"{lang}: {missing}"
    # Keys built at run time from a prefix: every member of the family is there.
    families = {"rung.": range(4), "ui.verdict_": ("higher", "lower", "unclear"),
                "ui.word_": ("higher", "lower"), "ui.": ("p_climb", "p_fall", "p_stay"),
                "status.": ("open", "being_handled", "settled", "given_up"),
                "band.": range(3), "situation.": range(4), "ui.summary_": ("climb", "fall", "stay"),
                "ui.settling": ("", "_runs", "_eta")}
    assert not [p + str(m) for p, ms in families.items() for m in ms if p + str(m) not in cat]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_shown_name_is_translated(lang) -> None:
    cat = i18n.catalogue(lang)
    named = [n for n, s in SCENARIOS.items() if i18n.pathway_parts(n) is None]
    gaps = {
        "param": i18n.missing(lang, "param", [p.name for p in controlled()]),
        "meaning": i18n.missing(lang, "meaning", [p.name for p in controlled()]),
        "measure": i18n.missing(lang, "measure", list(MEASURES)),
        "unit": i18n.missing(lang, "unit", sorted({m.unit for m in MEASURES.values()})),
        # Pathway presets are named by one pattern from their pathway's name (below).
        "scenario": i18n.missing(lang, "scenario", named),
        "desc": i18n.missing(lang, "desc", named),
        # Names of things the model no longer has (left over after a rename) go too.
        "stale": [k for k in cat if (k.startswith(("scenario.", "desc."))
                                     and k.partition(".")[2] not in named)
                  or (k.startswith(("param.", "meaning.")) and k.partition(".")[2] not in PARAMS)
                  or (k.startswith("measure.") and k.partition(".")[2] not in MEASURES)],
        "pathway": i18n.missing(lang, "pathway", list(PATHWAYS)),
        "scenario_group": i18n.missing(lang, "scenario_group",
                                       sorted({s.kind for s in SCENARIOS.values()})),
        "actor": i18n.missing(lang, "actor", [*LOCATED, *CENTRAL, "BuildingCommittee"]),
        "stage": i18n.missing(lang, "stage", list(STAGES)),
        "kind": i18n.missing(lang, "kind", list(KINDS)),
        "lesson": [f"{ls.number}.{part}" for ls in LESSONS
                   for part in ("title", "preset", "watch", "questions")
                   if f"lesson.{ls.number}.{part}" not in i18n.catalogue(lang)],
    }
    assert not any(gaps.values()), {k: v for k, v in gaps.items() if v}


def test_placeholders_match_between_languages() -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    for key, text in en.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", zh[key])), key


def test_chinese_is_chinese() -> None:
    zh = i18n.catalogue("zh")
    latin_only = [k for k, v in zh.items() if k.startswith(("ui.", "lesson.", "actor."))
                  and not re.search(r"[\u4e00-\u9fff]", v) and len(v) > 3]
    assert not latin_only, latin_only


def test_every_pathway_preset_gets_a_generated_name_and_description() -> None:
    """Only presets of kind 'pathway' are named by the pattern, every one of them is, and
    each name is distinct and made of words (no code name left in it)."""
    pathway_kind = [n for n, s in SCENARIOS.items() if s.kind == "pathway"]
    assert pathway_kind and all(i18n.pathway_parts(n) for n in pathway_kind)
    for lang in i18n.LANGUAGES:
        labels = [i18n.scenario_label(lang, n) for n in SCENARIOS]
        assert len(set(labels)) == len(labels), lang
        for n in pathway_kind:
            programme, pathway = i18n.pathway_parts(n)
            label, desc = i18n.scenario_label(lang, n), i18n.scenario_description(lang, n)
            assert i18n.name(lang, "pathway", pathway) in label
            assert i18n.scenario_label(lang, programme) in desc
            assert pathway not in label and n not in desc
    assert "网格员巡查" in i18n.scenario_label("zh", "collaborative_without_grid_patrol")


@pytest.fixture(scope="module")
def explained() -> tuple[GovernanceModel, list[dict]]:
    m = GovernanceModel.from_scenario("collaborative", rng=1, width=20, height=20,
                                      grid_block=10, building_block=5)
    m.run(3)
    return m, [m.explain_resident(r) for r in range(0, m.population.n, 7)]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_household_and_institution_panels_words_are_translated(lang, explained) -> None:
    """What the 'why' panels show: the model's decision terms and constraints, the places
    and roles on offer, each resident's and household's state and every institution's
    attributes; and no name left over from a model that had other terms or arrays."""
    from demo import explain, institutions
    from demo.config import choice_params

    m, decisions = explained
    offers = m.population.offers
    actors = [a for cls, group in m.agents_by_type.items() if cls.__name__ != "Household"
              for a in list(group)[:3]]
    terms = sorted({t for d in decisions for t, _ in d["terms"]})
    constraints = sorted({k for d in decisions for k in d["constraints"]})
    states = [*explain.resident_state(m, 0), *explain.household_state(m, 0)]
    cat = i18n.catalogue(lang)
    gaps = {
        "term": i18n.missing(lang, "term", terms),
        "constraint": i18n.missing(lang, "constraint", constraints),
        "offer": i18n.missing(lang, "offer", [s.name for s in (*offers.places, *offers.roles)]),
        "state": i18n.missing(lang, "state", states),
        "attr": i18n.missing(lang, "attr", sorted({k for a in actors
                                                   for k in institutions.public_state(a)})),
        "words": [f"{kind}.{v}" for kind, values in (("situation", range(4)), ("band", range(3)),
                                                     ("move", (-1, 0, 1)), ("rung", range(4)),
                                                     ("choice", range(-1, 4)))
                  for v in values if f"{kind}.{v}" not in cat],
        "choices": [f"choice.{p.name}.{c}" for p in choice_params() for c in p.choices
                    if f"choice.{p.name}.{c}" not in cat],
        "stale": [k for k in cat if (k.startswith("term.") and k[5:] not in terms)
                  or (k.startswith("constraint.") and k[11:] not in constraints)
                  or (k.startswith("state.") and k[6:] not in states)],
    }
    assert not any(gaps.values()), {k: v for k, v in gaps.items() if v}
