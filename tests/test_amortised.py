"""Amortised community posteriors (issue 19, item 9): the command end to end with the
committed network (under a minute, files a compare can use), every refusal as one
paragraph with exit 2, the figures matched by what they measure, training draws that keep
a statistic, and the stored check tied to the committed network."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from experiments.calibration import amortised as am
from experiments.calibration import targets as targets_mod

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "examples" / "communities" / "old_neighbourhood.toml"
FIGURES = ROOT / "examples" / "communities" / "old_neighbourhood_figures.toml"
TRAINED = (am.FOLDER / am.NETWORK).is_file()
pytestmark = pytest.mark.xdist_group("amortised")  # one worker loads JAX once


def _bad(capsys, *argv: str) -> str:
    assert main(["calibrate", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().count("\n") == 0, err
    return err


def _figure(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "figures.toml"
    f.write_text('[meta]\nsteps_per_year = 52\n\n[[target]]\nname = "x"\n' + body +
                 '[target.source]\nauthor = "a"\nyear = 2024\n')
    return f


def test_community_and_figures_go_together_and_not_with_a_config(capsys, tmp_path):
    assert "go together" in _bad(capsys, "--community", str(PROFILE))
    assert "go together" in _bad(capsys, "--figures", str(FIGURES))
    assert "not both" in _bad(capsys, "experiments/configs/calibrate_baseline.toml",
                              "--community", str(PROFILE), "--figures", str(FIGURES))
    assert "needs a calibration config" in _bad(capsys)
    assert "not a file" in _bad(capsys, "--community", str(PROFILE), "--figures",
                                str(tmp_path / "none.toml"))


def test_a_missing_network_says_how_to_train_and_how_long(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(am, "FOLDER", tmp_path)
    err = _bad(capsys, "--community", str(PROFILE), "--figures", str(FIGURES))
    assert "no trained network" in err and "amortised train" in err and "minutes" in err


def _meta() -> dict:
    sigs = [json.dumps([["turnout_personal"], "mean", []]),
            json.dumps([["neighbour_contact_never"], "mean", []])]
    return {"signatures": sigs, "statistics": ["turnout", "never"], "sigma": [0.01, 0.15],
            "profile": [["share_age_60_plus", 0.08, 0.45]]}


def test_figures_are_matched_by_what_they_measure_and_checked(tmp_path):
    ts = targets_mod.load(_figure(tmp_path, 'measure = "neighbour_contact_never"\n'
                                            'value = 0.2\nmapping_sd = 0.05\n'))
    x, s, m, matched = am.figures_vector(_meta(), ts)
    assert m.tolist() == [[False, True]] and x[0, 1] == pytest.approx(0.2)
    assert s[0, 1] == pytest.approx(0.05) and matched == ["x -> never"]
    for body, words in (('measure = "satisfied_share"\nvalue = 0.5\nmapping_sd = 0.05\n',
                         "knows no statistic"),
                        ('measure = "turnout_personal"\nvalue = 0.5\nmapping_sd = 0.3\n',
                         "outside the errors"),
                        ('measure = "turnout_personal"\nvalue = 0.5\nmapping_sd = 0.05\n'
                         'held_out = true\n', "no fitted figure")):
        with pytest.raises(am.InputError, match=words):
            am.figures_vector(_meta(), targets_mod.load(_figure(tmp_path, body)))
    with pytest.raises(am.InputError, match="outside the range the network was trained"):
        am.profile_vector(_meta(), {"share_age_60_plus": 0.6})
    assert am.profile_vector(_meta(), {"share_age_60_plus": 0.08}).tolist() == [[0.0]]


def test_training_figures_keep_at_least_one_statistic_with_errors_in_range():
    rng = np.random.default_rng(0)
    n, k = 500, 7
    batch = {"theta": rng.normal(size=(n, 3)).astype("float32"),
             "profile": rng.random((n, 2)).astype("float32"),
             "mean": rng.random((n, k)).astype("float32"),
             "sd": np.full((n, k), 0.01, "float32")}
    out = am.Augment(1)(batch)
    cond = out["conditions"]
    assert cond.shape == (n, 3 * k + 2)
    mask = cond[:, 2 * k:3 * k]
    sigma = cond[:, k:2 * k]
    assert (mask.sum(axis=1) >= 1).all() and 0.4 < mask.mean() < 0.8
    assert (sigma[mask == 1] >= am.SIGMA_LOW).all() and (sigma <= am.SIGMA_HIGH).all()
    assert (cond[:, :k][mask == 0] == 0).all()  # a missing figure reads as zero
    np.testing.assert_array_equal(am.Augment(1)(batch)["conditions"], cond)  # seeded


@pytest.mark.skipif(not TRAINED, reason="no trained network committed")
def test_a_community_posterior_in_under_a_minute_that_runs_can_use(tmp_path, capsys):
    out = tmp_path / "post"
    start = time.monotonic()
    assert main(["calibrate", "--community", str(PROFILE), "--figures", str(FIGURES),
                 "--out", str(out), "--draws", "2000"]) == 0
    assert time.monotonic() - start < 60
    printed = capsys.readouterr()
    assert "4 figure(s) matched" in printed.err and "90% CI" in printed.out
    res = json.loads((out / "community_posterior.json").read_text())
    assert len(res["parameters"]) == len(am.load_network().free)
    for row in res["parameters"]:
        lo, hi = row["ci"]
        assert lo <= row["median"] <= hi
    # the files are what runs take: a short run of the community with them
    assert main(["run", "--scenario", "administrative", "--community", str(PROFILE),
                 "--params", str(out / "calibrated.toml"), "--steps", "2", "--out",
                 str(tmp_path / "run")]) == 0
    final = json.loads((tmp_path / "run" / "final.json").read_text())
    staff = next(r for r in res["parameters"] if r["name"] == "staff_capacity")["median"]
    assert final["params"]["staff_capacity"] == pytest.approx(staff, rel=1e-6)
    # a profile that gives only what is required: the rest is the default community
    minimal = tmp_path / "minimal.toml"
    minimal.write_text('[community]\nname = "m"\nsource = "illustrative"\n'
                       'households = 900\n')
    assert main(["calibrate", "--community", str(minimal), "--figures", str(FIGURES),
                 "--out", str(tmp_path / "m"), "--draws", "500"]) == 0


def test_the_stored_check_is_of_the_committed_network():
    from experiments.studies import amortised as study
    from experiments.studies import record

    stored = record.load(study.NAME)
    if not TRAINED:
        assert stored is None
        return
    assert stored is not None, "run `make studies ONLY=amortised`"
    assert stored["result"]["network"] == study.network_digest(), (
        "the stored amortised check is of another network: `make studies ONLY=amortised`")


def test_loading_the_network_library_leaves_logging_as_it_was():
    # bayesflow's import sets the root logger to INFO, after which Mesa prints every step;
    # a fresh interpreter, since the import runs once per process
    code = ("import logging; from experiments.calibration import amortised as am; am._keras(); "
            "r = logging.getLogger(); print(r.level, len(r.handlers), "
            "logging.getLogger('mesa').getEffectiveLevel())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["30", "0", "30"]
    assert "INFO" not in out.stderr
