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
from model.measures import MEASURES
from model.scenarios import SCENARIOS
from model.services import KINDS, STAGES

DEMO = Path(__file__).resolve().parent.parent / "demo"


def used_keys() -> set[str]:
    html = (DEMO / "static" / "index.html").read_text(encoding="utf-8")
    js = (DEMO / "static" / "app.js").read_text(encoding="utf-8")
    py = "".join(p.read_text(encoding="utf-8") for p in DEMO.glob("*.py"))
    keys = set(re.findall(r'data-i18n(?:-title)?="([\w.]+)"', html))
    keys |= set(re.findall(r'\bt\("([\w.]+)"', js))
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
                "status.": ("open", "being_handled", "settled", "given_up")}
    assert not [p + str(m) for p, ms in families.items() for m in ms if p + str(m) not in cat]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_shown_name_is_translated(lang) -> None:
    gaps = {
        "param": i18n.missing(lang, "param", [p.name for p in controlled()]),
        "meaning": i18n.missing(lang, "meaning", [p.name for p in controlled()]),
        "measure": i18n.missing(lang, "measure", list(MEASURES)),
        "unit": i18n.missing(lang, "unit", sorted({m.unit for m in MEASURES.values()})),
        "scenario": i18n.missing(lang, "scenario", list(SCENARIOS)),
        "desc": i18n.missing(lang, "desc", list(SCENARIOS)),
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
