"""The studies tier: stored results are current, the docs show them, their guards hold.

The statistical studies run in `make studies`, not here; this file keeps them honest: a
change to the model's behaviour (its fingerprint) or to a study's code makes the stored
result stale and fails here with the command that refreshes it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from experiments.running import fingerprint as fingerprint_mod
from experiments.running.fingerprint import compatible, model_fingerprint, model_signature
from experiments.studies import docblocks, record
from experiments.studies.effects import classify, paired_effect
from experiments.studies.registry import STUDIES


def _refresh(name: str) -> str:
    return f"refresh it with `make studies ONLY={name}` (then commit the result and docs)"


@pytest.mark.parametrize("name", list(STUDIES))
def test_stored_study_is_current(name):
    reasons = record.stale_reasons(name, model_fingerprint(), record.study_hash(STUDIES[name]),
                                   model_signature())
    assert not reasons, f"study {name!r} is stale: {'; '.join(reasons)}; {_refresh(name)}"


@pytest.mark.parametrize("name", list(STUDIES))
def test_docs_show_exactly_the_stored_study(name):
    rec = record.load(name)
    assert rec is not None, _refresh(name)
    for (doc, key), body in STUDIES[name].render(rec["result"]).items():
        assert docblocks.read(doc, key) == body, (
            f"{doc}'s {key} block differs from what the stored {name!r} study says; "
            f"{_refresh(name)}")


@pytest.mark.parametrize("name", list(STUDIES))
def test_guards_on_the_rules_hold_in_the_stored_study(name):
    rec = record.load(name)
    assert rec is not None, _refresh(name)
    assert STUDIES[name].check(rec["result"]) == []


def test_a_study_made_with_another_model_is_stale(tmp_path, monkeypatch):
    monkeypatch.setattr(record, "RESULTS", tmp_path)
    mod = STUDIES["crowding"]
    record.save("crowding", {}, fingerprint="0" * 16, code=record.study_hash(mod), runs=1,
                seconds=1.0, workers=1)
    reasons = record.stale_reasons("crowding", model_fingerprint(), record.study_hash(mod))
    assert reasons and "another model" in reasons[0]
    assert record.stale_reasons("nothing", "x", "y")[0].startswith("no stored result")


def test_a_model_that_only_gained_a_measure_keeps_its_studies(tmp_path, monkeypatch):
    """A new measure observes the same behaviour: the stored study stays valid. A changed,
    or removed, measure does not; nor does a study stored without a signature."""
    monkeypatch.setattr(record, "RESULTS", tmp_path)
    mod, now = STUDIES["settle"], model_signature()
    older = {**now, "measures": {k: v for k, v in now["measures"].items()
                                 if k != "participation_rate"}}
    code = record.study_hash(mod)
    record.save("settle", {}, fingerprint="0" * 16, code=code, runs=1, seconds=1.0,
                workers=1, signature=older)
    assert record.stale_reasons("settle", model_fingerprint(), code, now) == []
    changed = {**now, "measures": {**now["measures"], "satisfaction": "0" * 12}}
    assert "satisfaction" in compatible(changed, now)[0]
    assert "removed" in compatible(now, older)[0]
    assert compatible({**now, "presets": "x"}, now) == ["the presets changed"]
    record.save("settle", {}, fingerprint="0" * 16, code=code, runs=1, seconds=1.0, workers=1)
    assert "no signature" in record.stale_reasons("settle", model_fingerprint(), code, now)[0]


def test_the_fingerprint_follows_behaviour_not_text(monkeypatch):
    """Same model, same fingerprint; another default, another fingerprint."""
    first = model_fingerprint()
    model_fingerprint.cache_clear()
    assert model_fingerprint() == first
    params = dict(fingerprint_mod.PARAMS)  # the registries are frozen: change a copy
    params["issue_rate"] = replace(params["issue_rate"], default=params["issue_rate"].default * 1.5)
    monkeypatch.setattr(fingerprint_mod, "PARAMS", params)
    model_fingerprint.cache_clear()
    try:
        assert model_fingerprint() != first
    finally:
        monkeypatch.undo()
        model_fingerprint.cache_clear()


@pytest.mark.parametrize(("low", "high", "verdict"), [
    (0.02, 0.05, "matters"), (0.005, 0.03, "unsettled"), (-0.005, 0.008, "negligible"),
    (0.002, 0.008, "negligible"), (-0.05, -0.02, "opposite"),
    (-0.03, -0.004, "opposite_unsettled"), (-0.02, 0.03, "inconclusive")])
def test_every_verdict_against_the_smallest_effect(low, high, verdict):
    assert classify(low, high, 0.01) == verdict


def test_a_significant_effect_below_the_smallest_is_no_effect_that_matters():
    rng = np.random.default_rng(1)
    d = rng.normal(0.004, 0.01, 400)  # p < 0.001 against 0, but well inside +-0.01
    e = paired_effect(d, 0.01)
    assert e.low > 0 and e.verdict == "negligible"
    assert paired_effect(-d, 0.01, sign=-1).verdict == "negligible"
    assert paired_effect(d + 0.03, 0.01).verdict == "matters"
    assert paired_effect(-(d + 0.03), 0.01, sign=-1).verdict == "matters"
