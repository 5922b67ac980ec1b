"""docs/EXPERIMENTS.md: its field tables are generated from the spec checkers and kept so."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_experiments_field_tables_are_generated():
    from experiments.spec_doc import render

    text = (ROOT / "docs" / "EXPERIMENTS.md").read_text()
    assert render(text) == text, (
        "docs/EXPERIMENTS.md is out of date: run `python -m experiments.spec_doc`")


def test_every_search_field_is_documented():
    from experiments.search.spec import OBJECTIVES, SEARCH, TOP

    text = (ROOT / "docs" / "EXPERIMENTS.md").read_text()
    for table in (TOP, SEARCH, OBJECTIVES):
        for key in table:
            assert f"`{key}`" in text, key
