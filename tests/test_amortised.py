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
import pandas as pd
import pytest

from cli.main import main
from experiments.calibration import amortised as am
from experiments.calibration import amortised_inputs as ai
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
    x, s, m, matched = ai.figures_vector(_meta(), ts)
    assert m.tolist() == [[False, True]] and x[0, 1] == pytest.approx(0.2)
    assert s[0, 1] == pytest.approx(0.05) and matched == ["x -> never"]
    for body, words in (('measure = "satisfied_share"\nvalue = 0.5\nmapping_sd = 0.05\n',
                         "knows no statistic"),
                        ('measure = "turnout_personal"\nvalue = 0.5\nmapping_sd = 0.3\n',
                         "outside the errors"),
                        ('measure = "turnout_personal"\nvalue = 0.5\nmapping_sd = 0.05\n'
                         'held_out = true\n', "no fitted figure")):
        with pytest.raises(am.InputError, match=words):
            ai.figures_vector(_meta(), targets_mod.load(_figure(tmp_path, body)))
    # shares only, and within reach of the design's runs (else the network extrapolates)
    ranges = {"turnout": (0.3, 0.9)}
    for body, words in (('measure = "turnout_personal"\nvalue = 47.9\nunit = "percent"\n'
                         'mapping_sd = 0.05\n', "as a share"),
                        ('measure = "turnout_personal"\nvalue = 1.6\nmapping_sd = 0.05\n',
                         "as a share"),
                        ('measure = "turnout_personal"\nvalue = 0.1\nmapping_sd = 0.05\n',
                         "extrapolate")):
        with pytest.raises(am.InputError, match=words):
            ai.figures_vector(_meta(), targets_mod.load(_figure(tmp_path, body)), ranges)
    near = targets_mod.load(_figure(tmp_path, 'measure = "turnout_personal"\nvalue = 0.2\n'
                                              'mapping_sd = 0.05\n'))
    assert ai.figures_vector(_meta(), near, ranges)[2].tolist() == [[True, False]]
    with pytest.raises(am.InputError, match="outside the range the network was trained"):
        ai.profile_vector(_meta(), {"share_age_60_plus": 0.6})
    assert ai.profile_vector(_meta(), {"share_age_60_plus": 0.08}).tolist() == [[0.0]]


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
    staff = next(r for r in res["parameters"] if r["name"] == "staff_capacity")
    assert final["params"]["staff_capacity"] == pytest.approx(staff["median"], rel=1e-6)
    assert 'point = "posterior median"' in (out / "calibrated.toml").read_text()
    # staff_capacity is per 100 households at any grid size, so the printed value is the
    # inferred one, and the posterior file, times the profile's factor, gives exactly those
    # draws: nothing clipped at a prior bound that was not scaled with it
    scale = res["scaled_by_profile"]["staff_capacity"]
    assert set(scale) == {"profile_multiplies_by"}
    post = pd.read_parquet(out / "posterior.parquet")["staff_capacity"].to_numpy()
    used = post * scale["profile_multiplies_by"]
    assert np.quantile(used, [0.05, 0.95]) == pytest.approx(staff["ci"], rel=1e-6)
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


@pytest.mark.skipif(not TRAINED, reason="no trained network committed")
def test_loading_the_network_leaves_global_random_state_alone():
    # the legacy global generators are what a researcher's own script may use: the
    # network's library (keras.utils.set_random_seed) must not reset them when loading
    import random

    before = (np.random.get_state()[1].copy(), random.getstate())  # noqa: NPY002
    am.load_network()
    after = (np.random.get_state()[1], random.getstate())  # noqa: NPY002
    assert np.array_equal(before[0], after[0]) and before[1] == after[1]


def test_the_check_states_its_own_false_alarm_rate():
    from experiments.calibration import amortised_check as ac

    one = ac.false_alarm_rate(400, 1, reps=200)
    many = ac.false_alarm_rate(400, 18, reps=200)
    assert one < 0.05 < many < 0.3  # uncorrected bands: more parameters, more false alarms
    rng = np.random.default_rng(0)
    narrow = rng.integers(90, 110, size=(400, 1))  # truths always mid-posterior: too wide
    assert not ac.verdict(narrow, ["p"])["passed"]


def test_training_without_a_design_is_one_paragraph_and_exit_2(capsys, monkeypatch):
    def no_design(*_args, **_kwargs):
        raise am.InputError("no community design in the folder; run the design first.")

    monkeypatch.setattr(am, "train", no_design)
    assert am.main(["train"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no community design") and "Traceback" not in err


def test_the_corrected_sbc_rule_passes_uniform_ranks_and_fails_a_narrow_network():
    """The second check's rule (amortised_fresh.py): Bonferroni-corrected exact binomial
    tests of coverage. Uniform ranks pass; ranks of a network whose intervals are too narrow
    (truths piled in the tails) fail."""
    from experiments.calibration import amortised_check as ac

    rng = np.random.default_rng(0)
    names = ["a", "b"]
    uniform = rng.integers(0, ac.DRAWS + 1, size=(400, 2))
    assert ac.verdict(uniform, names, corrected=True)["passed"]
    tails = np.where(rng.random((400, 2)) < 0.5, rng.integers(0, 30, (400, 2)),
                     rng.integers(170, ac.DRAWS + 1, (400, 2)))
    out = ac.verdict(tails, names, corrected=True)
    assert not out["passed"] and not out["parameters"]["a"]["coverage"]["0.5"]["ok"]


def test_the_fresh_test_set_is_stored_for_the_network_s_design():
    """The second check's 384 runs are committed and valid for the design the network was
    trained on (same key), at points the design never ran."""
    from experiments.calibration import amortised_fresh as fresh

    df = fresh.stored()
    assert len(df) == fresh.FRESH_TESTS and set(df["wave"]) == {fresh.FRESH_WAVE}
    design = pd.read_parquet(am.FOLDER / "design.parquet")
    assert fresh.FRESH_WAVE not in set(design["wave"])
    assert not set(df["seed"]) & set(design["seed"])
