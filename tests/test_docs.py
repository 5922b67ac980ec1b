"""docs/ODD.md stays true to the code's schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from model.measures import MEASURES
from model.params import PARAMS

ROOT = Path(__file__).resolve().parents[1]


def _update_odd():
    spec = importlib.util.spec_from_file_location("update_odd", ROOT / "scripts/update_odd.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_odd_tables_match_the_schema():
    text = (ROOT / "docs" / "ODD.md").read_text()
    assert _update_odd().render(text) == text, (
        "docs/ODD.md is out of date: run `python scripts/update_odd.py`")


def test_every_parameter_and_measure_is_documented():
    text = (ROOT / "docs" / "ODD.md").read_text()
    for name in PARAMS:
        assert f"`{name}`" in text, name
    for name in MEASURES:
        assert f"`{name}`" in text, name


def test_every_spec_field_is_documented():
    from experiments.spec import _DESIGN, _PRECISION, _TOP

    text = (ROOT / "docs" / "EXPERIMENTS.md").read_text()
    for table in (_TOP, _DESIGN, _PRECISION):
        for key in table:
            assert f"`{key}`" in text, key
