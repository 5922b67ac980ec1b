"""Policy search: NSGA-II with common random numbers, fresh-seed re-evaluation, resume."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from experiments.analyse.stats import mean_ci
from experiments.search import front as judge
from experiments.search import report as search_report
from experiments.search.optimize import FRESH_OFFSET, Evaluator, run_search
from experiments.search.spec import load_search, search_from_dict
from experiments.specify.spec import SpecError

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"name": "s", "replicates": 2, "fresh_replicates": 2, "steps": 4, "warmup": 1,
         "overrides": {"width": 20, "height": 20, "grid_block": 10, "building_block": 5,
                       "burn_in": 26},
         "search": {"population": 4, "generations": 2,
                    "mechanisms": ["grid_management", "party_leadership"],
                    "levers": {"staff_capacity": [4.0, 20.0]}},
         "objectives": {"maximise": ["participation_rate"], "minimise": ["gov_admin_cost"]},
         "constraints": {"participation_rate": {"at_least": 0.1}}}


def small(**kw) -> dict:
    return {**SMALL, **kw}


@pytest.mark.parametrize("change,needle", [
    ({"search": {"mechanisms": ["grid_managment"]}}, "not a mechanism"),
    ({"search": {"levers": {"grid_management": [0, 1]}}}, "not numeric"),
    ({"overrides": {"grid_management": True}, "search": {"mechanisms": ["grid_management"]}},
     "set or searched"),
    ({"objectives": {"maximise": ["participation_rate"]}}, "at least two objectives"),
    ({"constraints": {"participation_rate": {"above": 0.4}}}, "at_least"),
    ({"search": {}}, "varies nothing"),
])
def test_bad_search_specs(change, needle):
    with pytest.raises(SpecError, match=needle):
        search_from_dict(small(**change))


def test_bad_search_spec_exits_2(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_text('name = "s"\n[search]\nmechanisms = ["nope"]\n')
    assert main(["optimize", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "'nope', which is not a mechanism" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_candidates_share_seeds_and_fresh_seeds_are_new():
    from experiments.running.store import Store

    spec = search_from_dict(small())
    ev = Evaluator(spec, pool=None, store=Store("/nonexistent"), bar=None)
    a = ev.tasks({"grid_management": True, "party_leadership": False,
                  "staff_capacity": 5.0}, range(2))
    b = ev.tasks({"grid_management": False, "party_leadership": True,
                  "staff_capacity": 9.0}, range(2))
    assert [t.seed for t in a] == [t.seed for t in b]  # common random numbers
    fresh = ev.tasks({"grid_management": True}, range(FRESH_OFFSET, FRESH_OFFSET + 2))
    assert not {t.seed for t in fresh} & {t.seed for t in a}


def test_search_writes_front_figure_report_and_resumes(tmp_path):
    spec = search_from_dict(small())
    man = run_search(spec, tmp_path, executor="serial", progress=io.StringIO())
    assert man["status"] == "complete" and man["front"] >= 1
    front = pd.read_csv(tmp_path / "front.csv")
    for col in ("grid_management", "staff_capacity", "participation_rate_fresh",
                "gov_admin_cost_fresh_ci_low", "meets_constraints_fresh"):
        assert col in front.columns
    assert (tmp_path / "figures" / "pareto.png").exists()
    report = (tmp_path / "report.md").read_text()
    assert "common random numbers" in report and "fresh seeds" in report
    assert ("**Winner:" in report or "**No single winner" in report
            or "No front point meets" in report)
    assert "base scenario `administrative` as it is" in report or "No front point" in report
    cands = pd.read_csv(tmp_path / "candidates.csv")
    assert cands["generation"].max() == 1
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    again = run_search(spec, tmp_path, executor="serial", progress=io.StringIO())
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    assert before == after  # nothing ran again: the same seed proposes the same candidates
    assert again["front"] == man["front"]
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "front.csv"), front)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seeds"]["root"] == spec.seed and manifest["packages"]["pymoo"]


def test_shipped_search_config_is_small():
    spec = load_search(ROOT / "experiments" / "configs" / "search" / "cheapest_participation.toml")
    runs = spec.population * spec.generations * spec.replicates
    assert runs <= 400 and spec.overrides["width"] * spec.overrides["height"] <= 1600
    assert spec.constraints["participation_rate"][0] == "at_least"
    assert spec.steps - spec.warmup == 52


def _evaluation(key: str, cost: list[float], part: list[float]) -> dict:
    values = {"gov_admin_cost": cost, "participation_rate": part}
    return {"key": key, "settings": {"grid_management": key == "a"}, "failed": False,
            "values": values, "stats": {m: mean_ci(v) for m, v in values.items()}}


def test_a_winner_is_named_only_beyond_noise():
    """Fresh seeds are shared, so front points compare replicate by replicate: a point
    cheaper on every seed wins; one cheaper on average but not beyond the noise of the
    paired differences does not (the shipped search named such a winner once)."""
    spec = search_from_dict(small())
    part = [0.5] * 6
    clear = [_evaluation("a", [10, 11, 12, 13, 14, 15], part),
             _evaluation("b", [11, 12.1, 12.9, 14.2, 15.1, 15.9], part)]
    v = judge.verdict(spec, clear, None)
    assert v["winner"]["key"] == "a" and v["rivals"][0]["beaten"]
    noisy = [_evaluation("a", [10, 14, 11, 15, 12, 13], part),
             _evaluation("b", [12, 11, 13, 12, 14, 13.5], part)]
    v = judge.verdict(spec, noisy, None)
    assert v["best"]["key"] == "a" and v["winner"] is None
    text = "\n".join(search_report._verdict(spec, v, ["grid_management"]))
    assert "No single winner: the front is flat within noise" in text
    # points below the constraint (participation >= 0.1) are not eligible
    low = [_evaluation("a", [1] * 6, [0.05] * 6), _evaluation("b", [9] * 6, part)]
    assert judge.verdict(spec, low, None)["best"]["key"] == "b"


def test_a_constraint_every_candidate_meets_is_reported_as_not_binding():
    spec = search_from_dict(small())  # participation >= 0.1: every candidate reaches it
    log = [_evaluation(k, [10.0] * 2, [0.5] * 2) for k in ("a", "b", "c")]
    (row,) = judge.binding(spec, log, None)
    assert row["meeting"] == 3 and not row["binds"]
    text = "\n".join(search_report._constraints([row]))
    assert "binds for no candidate" in text and "in effect unconstrained" in text
    tight = search_from_dict(small(constraints={"participation_rate": {"at_least": 0.9}}))
    (row,) = judge.binding(tight, log, None)
    assert row["meeting"] == 0 and "No candidate meets" in "".join(
        search_report._constraints([row]))
