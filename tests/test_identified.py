"""The parameter tables say what the fit says of each calibrated parameter (issue 19, item 2:
parameters that move no target are not "calibrated")."""

from __future__ import annotations

from experiments.odd_tables import params_markdown
from experiments.studies import identified, record
from governance import PARAMS
from model.schema import CALIBRATION


def _stored() -> dict:
    stored = record.load(identified.STUDY)
    assert stored is not None, "the identify study has no stored result"
    return stored["result"]


def test_every_free_parameter_gets_the_sentence_of_its_verdict():
    per = _stored()["per_parameter"]
    notes = identified.fit_notes(CALIBRATION)
    assert set(notes) == set(per) and set(per) <= set(PARAMS)
    for name, entry in per.items():
        first = notes[name].split(":")[0]
        assert first == {"pinned": "pinned", "silent": "not identified",
                         "confounded": "weakly identified"}[entry["verdict"]], name
    silent = [n for n, e in per.items() if e["verdict"] == "silent"]
    assert silent, "the shipped fit has silent parameters; the tables must name them"
    for name in silent:
        assert "not an estimate" in notes[name]


def test_a_ridge_is_named_only_where_the_posterior_correlation_is_strong():
    per = _stored()["per_parameter"]
    notes = identified.fit_notes(CALIBRATION)
    for name, entry in per.items():
        if entry["verdict"] != "confounded":
            continue
        ridge = abs(entry["partner_corr"]) >= identified.RIDGE
        assert ("on a ridge with" in notes[name]) == ridge, name
        assert f"`{entry['partner']}`" in notes[name]


def test_a_verdict_about_another_calibration_is_not_printed():
    assert identified.fit_notes("some-other-calibration") == {}
    assert identified.with_fit("a source", None) == "a source"


def test_the_params_listing_and_the_odd_table_show_the_verdicts(capsys):
    from cli.main import main

    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert main(["params", "--markdown"]) == 0
    table = capsys.readouterr().out
    assert table.strip() == params_markdown().strip()
    for name, note in identified.fit_notes(CALIBRATION).items():
        assert f"Fit: {note}." in table, name
        assert "fit: " + note.split(":")[0] in out, name
