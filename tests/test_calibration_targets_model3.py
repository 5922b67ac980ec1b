"""Model 3's targets file, the target fields it uses, one calibration per folder, and the
warning when a calibration's result is used with other model code. Short runs at 20 x 20;
no fit is run."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from experiments.calibration import config, targets
from experiments.calibration.simulate import Simulator
from experiments.running.provenance import code_version
from experiments.running.store import LOCK, Store
from experiments.specify import stale
from experiments.specify.posterior import load_posterior
from model.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "experiments" / "configs" / "calibrate_baseline.toml"
MODEL3 = ROOT / "experiments" / "targets" / "china_urban_model3.toml"


def shipped() -> targets.TargetSet:
    return targets.load(config.load(SHIPPED).targets_path)


def test_shipped_config_uses_model3_targets_with_enough_fitted_and_held_out():
    ts = shipped()
    assert Path(ts.path).resolve() == MODEL3.resolve()
    assert len(ts.fitted()) >= 12
    assert len(ts.held_out()) >= 6  # expressible and held out
    held = [t for t in ts.targets if t.held_out]
    assert len(held) >= len(ts.targets) / 3
    paths = [t for t in ts.held_out() if t.path and t.window and t.overrides]
    assert paths, "a time path after a reform must be held out"
    assert {t.path for t in ts.fitted()} & {t.path for t in paths}  # its pre-reform point


def test_every_shipped_figure_has_source_grade_and_mapping_or_why_not():
    ts = shipped()
    assert ts.inexpressible() and not ts.skipped()
    for t in ts.targets:
        assert t.grade[:1] in ("A", "B"), t.name
        assert t.source.get("author") and t.source.get("year") and t.source.get("url"), t.name
        if t.expressible:
            assert t.mapping and t.sigma > 0 and t.measures, t.name
        else:
            assert t.why_not and t.held_out, t.name


def test_every_expressible_shipped_target_computes_from_a_short_run():
    ts = shipped()
    cfg = config.from_dict({"name": "short", "targets": str(MODEL3), "width": 20,
                            "height": 20, "steps": 30, "warmup": 0,
                            "overrides": {"grid_block": 10, "burn_in": 60},
                            "params": {"cost_speak": {}}})
    sim = Simulator.from_config(cfg, ts)
    stats = sim.run_all({"cost_speak": 3.0}, seed=5)
    assert set(stats) == {t.name for t in ts.usable()}
    bad = {k: v for k, v in stats.items() if not math.isfinite(v)}
    assert not bad, bad
    for t in ts.usable():
        if t.unit == "share":
            assert 0 <= stats[t.name] <= 1, t.name
    # the fitted statistics are what the ABC's own runs compute
    assert set(sim.run({"cost_speak": 3.0}, seed=5)) == {t.name for t in ts.plain()}


BASE = {"name": "x", "value": 0.5, "mapping_sd": 0.1, "measure": "speak_52w",
        "source": {"author": "a", "year": 2020}}


@pytest.mark.parametrize("extra, words", [
    ({"expressible": False}, ["why_not"]),
    ({"expressible": False, "why_not": "no such thing"}, ["held_out", "must be true"]),
    ({"why_not": "but it is expressible"}, ["why_not"]),
    ({"overrides": {"info_platform": True}}, ["held-out targets only"]),
    ({"held_out": True, "window": [10, 5]}, ["window", "first < end"]),
    ({"held_out": True, "overrides": {"info_platfrm": True}}, ["info_platfrm", "parameter"]),
    ({"held_out": True, "overrides": {"info_platform": 3}}, ["info_platform"]),
    ({"grade": "D"}, ["grade", "A, B, C"]),
])
def test_bad_target_fields_are_refused_naming_the_field(extra, words):
    with pytest.raises(InputError) as err:
        targets.from_dict({"target": [{**BASE, **extra}]})
    for w in words:
        assert w in str(err.value)


def test_inexpressible_target_needs_no_measure_or_sigma_and_is_never_computed():
    ts = targets.from_dict({"target": [
        BASE, {"name": "y", "value": 0.3, "expressible": False, "why_not": "not modelled",
               "held_out": True, "source": {"author": "a", "year": 2020}}]})
    assert [t.name for t in ts.inexpressible()] == ["y"]
    assert [t.name for t in ts.usable()] == ["x"]


def test_window_statistic_is_nan_when_the_run_is_short_and_skips_undefined_steps():
    ts = targets.from_dict({"target": [
        {**BASE, "held_out": True, "window": [2, 6]},
        {**BASE, "name": "t", "measure": "turnout_personal"}]})
    w, t = ts.targets
    assert w.statistic({"speak_52w": np.arange(10.0)}, 0, 52) == pytest.approx(3.5)
    assert math.isnan(w.statistic({"speak_52w": np.arange(4.0)}, 0, 52))
    turnout = np.array([np.nan, np.nan, 0.4, 0.6])  # before the first election: undefined
    assert t.statistic({"turnout_personal": turnout}, 0, 52) == pytest.approx(0.5)


def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.toml"
    p.write_text(f'name = "tiny"\ntargets = "{MODEL3}"\nwidth = 20\nheight = 20\n'
                 'steps = 10\nwarmup = 5\n[overrides]\ngrid_block = 10\nburn_in = 2\n'
                 '[params.cost_speak]\n[abc]\npopulation_size = 10\nmax_generations = 1\n')
    return p


def test_second_calibration_into_a_folder_in_use_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    with Store(out).lock("run.py calibrate other.toml"):  # a calibration is running there
        assert main(["calibrate", str(tiny(tmp_path)), "--out", str(out),
                     "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "in use by process" in err and "calibrate other.toml" in err and "--out" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    Store(out).check_not_busy()  # released when the holder finished


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    """The folder lock is the kernel's (flock): a holder that died holds nothing, on this
    machine or another, whatever its lock file still says."""
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text('{"pid": 999999999, "host": "another-machine"}')
    with Store(out).lock("run.py calibrate x.toml"):
        assert f'"pid": {os.getpid()}' in (out / LOCK).read_text()


def _calibrated(tmp_path: Path, code: str) -> Path:
    p = tmp_path / code / "calibrated.toml"
    p.parent.mkdir()
    p.write_text(f'calibration_id = "c-1"\ncode_version = "{code}"\n[params]\nissue_rate = 0.02\n')
    return p


def test_run_with_parameters_fitted_to_other_model_code_says_so(tmp_path, capsys):
    args = ["run", "--steps", "2", "--set", "width=20", "--set", "height=20",
            "--set", "grid_block=10", "--set", "burn_in=2"]
    assert main([*args, "--params", str(_calibrated(tmp_path, "0ther0c0de00")),
                 "--out", str(tmp_path / "r1")]) == 0
    err = capsys.readouterr().err
    assert "model code 0ther0c0de00" in err and "run.py calibrate" in err
    assert main([*args, "--params", str(_calibrated(tmp_path, code_version())),
                 "--out", str(tmp_path / "r2")]) == 0
    assert "model code" not in capsys.readouterr().err


def test_shipped_posterior_matches_the_shipped_model():
    """Issue 19, item 8: the shipped posterior was fitted to these rules (no note), is the
    calibration of the shipped targets, and has particles enough to draw 30 distinct ones."""
    post = ROOT / "experiments" / "calibrations" / "baseline" / "posterior.parquet"
    assert stale.note(post) is None, stale.note(post)
    p = load_posterior(post)
    assert len(p.values.drop_duplicates()) >= 30
    manifest = json.loads((post.parent / "calibration.json").read_text())
    ess = (manifest["mcmc"]["ess"] if manifest.get("mcmc")
           else manifest["generations"][-1]["ess"])
    assert manifest["final"] and ess >= 200
    assert manifest["targets_file"].endswith("china_urban_model3.toml")


def test_posterior_of_other_model_code_warns_once(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(pd.DataFrame({"issue_rate": [0.02], "weight": [1.0]}))
    path = tmp_path / "p.parquet"
    pq.write_table(table.replace_schema_metadata({b"code_version": b"0ther0c0de00"}), path)
    load_posterior(path)
    load_posterior(path)
    err = capsys.readouterr().err
    assert err.count("model code 0ther0c0de00") == 1 and "recalibrate" in err


def test_calibration_doc_target_block_is_generated_from_the_shipped_file():
    from experiments.calibration import targets_doc
    from experiments.studies import docblocks

    assert docblocks.read(targets_doc.DOC, targets_doc.BLOCK) == targets_doc.markdown(
        targets_doc.shipped()), ("docs/CALIBRATION.md's target table is out of date: run "
                                 "`python -m experiments.calibration.targets_doc`")


def test_posterior_records_its_rules_and_stays_current_while_they_hold(tmp_path):
    """A posterior is tied to the rules it was fitted to, not to the source text: a short run
    with its free parameters pinned to the file's first particle. The same file with other
    rules recorded, or with particles that are not the ones the run was pinned to, is
    stale; a fresh one is not."""
    import pyarrow.parquet as pq

    from experiments.calibration import outputs
    from experiments.calibration.config import Prior

    priors = (Prior("issue_rate", 0.005, 0.05), Prior("issue_patience", 4, 52))
    particles = np.array([[0.02, 10.0], [0.03, 20.0]])
    path = tmp_path / "posterior.parquet"
    outputs.write_posterior(path, priors, particles, np.ones(2), "c-1", "administrative")
    assert stale.note(path) is None
    table = pq.read_table(path)
    meta = dict(table.schema.metadata)
    pq.write_table(table.replace_schema_metadata({**meta, b"rules_fingerprint": b"0" * 16}),
                   tmp_path / "other.parquet")
    assert "fitted to model rules 0000000000000000" in stale.note(tmp_path / "other.parquet")
    swapped = table.take([1, 0]).replace_schema_metadata(meta)  # first particle not the pin
    pq.write_table(swapped, tmp_path / "swapped.parquet")
    assert stale.note(tmp_path / "swapped.parquet") is not None


def test_a_new_measure_keeps_a_posterior_current_and_a_changed_one_does_not(tmp_path,
                                                                           monkeypatch):
    """The rules fingerprint covers the measures recorded with the result: a measure added
    since (a new way of observing the same runs) keeps it current; a recorded measure whose
    values changed, or that is gone, does not; a result that records no measures is judged
    on every measure (as before the record, and with the same hash)."""
    import pyarrow.parquet as pq

    from experiments.calibration import outputs
    from experiments.calibration.config import Prior
    from experiments.running import fingerprint

    priors = (Prior("issue_rate", 0.005, 0.05), Prior("issue_patience", 4, 52))
    path = tmp_path / "posterior.parquet"
    outputs.write_posterior(path, priors, np.array([[0.02, 10.0], [0.03, 20.0]]), np.ones(2),
                            "c-1", "administrative")
    recorded = stale.recorded_measures(path)
    pins = {"issue_rate": 0.02, "issue_patience": 10}
    assert recorded == fingerprint.pinned_measures("administrative", pins)
    assert (fingerprint.pinned_fingerprint("administrative", pins, recorded)
            == fingerprint.pinned_fingerprint("administrative", pins))
    table = pq.read_table(path)
    meta = {k: v for k, v in table.schema.metadata.items() if k != b"rules_measures"}
    pq.write_table(table.replace_schema_metadata(meta), tmp_path / "unrecorded.parquet")
    real = fingerprint._pinned_frame

    def patched(change):
        def frame(scenario, pins):
            columns, values = real(scenario, pins)
            return change(list(columns), values.copy())
        fingerprint._pinned.cache_clear()
        monkeypatch.setattr(fingerprint, "_pinned_frame", frame)

    def added(columns, values):
        return [*columns, "a_new_measure"], np.column_stack([values, values[:, 0] * 2])

    patched(added)
    assert stale.note(path) is None
    assert stale.note(tmp_path / "unrecorded.parquet") is not None

    def changed(columns, values):
        values[:, columns.index(recorded[-1])] += 1.0
        return columns, values

    patched(changed)
    assert "fitted to model rules" in stale.note(path)

    def removed(columns, values):
        return columns[:-1], values[:, :-1]

    patched(removed)
    assert "fitted to model rules" in stale.note(path)
    fingerprint._pinned.cache_clear()


def test_the_shipped_calibration_records_the_measures_its_rules_cover():
    from experiments.running import fingerprint

    folder = ROOT / "experiments" / "calibrations" / "baseline"
    recorded = stale.recorded_measures(folder / "posterior.parquet")
    assert recorded and recorded == stale.recorded_measures(folder / "calibrated.toml")
    assert set(recorded) <= set(fingerprint.pinned_measures("administrative", {}))


def test_calibration_doc_shipped_block_is_generated_from_the_stored_calibration():
    from experiments.calibration import shipped_doc
    from experiments.studies import docblocks

    assert docblocks.read(shipped_doc.DOC, shipped_doc.BLOCK) == shipped_doc.markdown(
        shipped_doc.stored()), ("docs/CALIBRATION.md's shipped-calibration block is out of "
                                "date: run `python -m experiments.calibration.shipped_doc`")
