"""The showcase: its configs ask a question, its doc section says what its stored results
hold (nothing typed by hand), and the extraction works on real folders."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from experiments import showcase
from experiments.experiment import run_experiment
from experiments.search.optimize import run_search
from experiments.search.spec import load_search, search_from_dict
from experiments.specify.check import load, loads
from tests.experiment_helpers import TINY_PARAMS, spec_text


def test_the_showcase_configs_ask_answerable_questions():
    disc = load(showcase.DISCOVERY)
    assert disc.question and disc.analysis.discovery.quantile == 0.5  # a split, always
    # only conditions that act every week: no starting share the burn-in settles
    assert not [f for f in disc.design.ranges if f.startswith("initial_")]
    search = load_search(showcase.SEARCH)
    assert search.question and search.constraints["participation_rate"][0] == "at_least"


def test_the_doc_says_what_the_stored_results_hold():
    if not (showcase.STORE / "results.json").exists():
        pytest.skip("the showcase has not been run yet (python -m experiments.showcase)")
    text = showcase.DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- SHOWCASE:BEGIN -->\n(.*?)\n<!-- SHOWCASE:END -->", text, re.S)
    assert block, "docs/EXPERIMENTS.md has no SHOWCASE block"
    assert block.group(1) == showcase.doc_section(showcase.stored()), \
        "docs/EXPERIMENTS.md is out of date: run `python -m experiments.showcase --doc-only`"


def test_extraction_and_rendering_on_tiny_runs(tmp_path):
    lhs = ('[design]\ntype = "lhs"\nsamples = 16\n[design.ranges]\n'
           'issue_rate = [0.005, 0.04]\nrc_admin_burden = [0.1, 0.9]\n'
           '[analysis]\ndiscovery = { measure = "participation_rate", quantile = 0.5 }\n')
    text = 'question = "Where?"\n' + spec_text(1, 6, lhs, name="disc")
    run_experiment(loads(text, "d.toml"), tmp_path / "disc", executor="serial",
                   progress=io.StringIO(), figures=False)
    search = search_from_dict({
        "name": "srch", "question": "Cheapest?", "replicates": 2, "fresh_replicates": 3,
        "steps": 4, "warmup": 1, "overrides": TINY_PARAMS,
        "search": {"population": 4, "generations": 2,
                   "mechanisms": ["grid_management", "party_leadership"]},
        "objectives": {"maximise": ["participation_rate"], "minimise": ["gov_admin_cost"]},
        "constraints": {"participation_rate": {"at_least": 0.0}}})
    run_search(search, tmp_path / "srch", executor="serial", progress=io.StringIO())
    summary = {"made": "2026-01-01T00:00:00", "code_version": "abc", "git_commit": "0" * 40,
               "discovery": showcase.extract_discovery(tmp_path / "disc"),
               "search": showcase.extract_search(tmp_path / "srch")}
    d = summary["discovery"]["scenarios"]["administrative"]
    runs = pd.read_parquet(tmp_path / "disc" / "runs.parquet")
    values = runs[runs["scenario"] == "administrative"]["participation_rate"]
    assert d["n"] == 16 and d["n_interest"] == int((values >= d["threshold"]).sum()) >= 8
    out = showcase.render(summary)
    assert "**Question.** Where?" in out and "**Question.** Cheapest?" in out
    assert f">= {d['threshold']:.3g} (the median) in {d['n_interest']} of 16 points" in out
    # every candidate meets participation >= 0: the constraint is said not to bind
    assert "participation_rate >= 0 does not bind" in out
    assert ("**Winner**" in out) != ("**No single winner" in out)


def test_results_of_other_model_code_or_other_configs_are_marked_out_of_date():
    """The doc never lets numbers made by an earlier model, or for an earlier question,
    pass for the current model's answer."""
    from experiments.running.fingerprint import model_signature
    from experiments.running.provenance import code_version

    disc, search = load(showcase.DISCOVERY), load_search(showcase.SEARCH)
    current = {"code_version": code_version(),
               "discovery": {"question": disc.question, "factors": list(disc.design.ranges)},
               "search": {"question": search.question}}
    assert showcase.stale_reasons(current) == []
    old = {**current, "code_version": "0" * 12}
    assert "other model code (000000000000; the model is now" in \
        showcase.stale_reasons(old)[0]
    # other source, same behaviour (the signature of today's model, or one it extends)
    same = model_signature()
    fewer = {**same, "measures": dict(list(same["measures"].items())[:-1])}
    assert showcase.stale_reasons({**old, "signature": fewer}) == []
    moved = {**same, "measures": {**same["measures"], "satisfaction": "0" * 12}}
    assert "satisfaction" in showcase.stale_reasons({**old, "signature": moved})[0]
    renamed = {**current, "discovery": {**current["discovery"],
                                        "factors": ["share_retired", "issue_rate"]}}
    assert "discovery_participation.toml` has changed" in showcase.stale_reasons(renamed)[0]
    asked = {**current, "search": {"question": "Another?"}}
    assert "cheapest_participation.toml` has changed" in showcase.stale_reasons(asked)[0]


def test_a_refused_resume_is_one_paragraph_and_exit_2(monkeypatch, capsys):
    """A config whose question changed what decides a run cannot resume its old runs: the
    command says so in one paragraph (and how to start over), never with a traceback."""
    from model.errors import InputError

    def refuse(*_a, **_k):
        raise InputError("cannot resume in x: the spec has changed; run again with --fresh")

    monkeypatch.setattr(showcase, "run", refuse)
    assert showcase.main(["--out", "unused"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot resume") and "Traceback" not in err
