"""Specs: the shipped configs validate; bad specs fail early with file, line and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from experiments.specify import designs
from experiments.specify.check import load, loads
from experiments.specify.spec import SpecError
from governance import SCENARIOS
from model.errors import InputError

# Calibration configs (calibrate_*.toml) are read by `run.py calibrate`, not as experiments.
CONFIGS = sorted(p for p in (Path(__file__).parent.parent / "experiments" / "configs")
                 .glob("*.toml") if not p.name.startswith("calibrate_"))

GOOD = """\
name = "t"
scenarios = ["administrative", "grid_management"]
reference = "administrative"
replicates = 2
steps = 10
measures = ["participation_rate"]
"""


def test_configs_are_shipped():
    kinds = set()
    for path in CONFIGS:
        kinds.add(load(path).design.type)
    assert {"scenarios", "factorial", "morris"} <= kinds


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_shipped_config_validates(path):
    spec = load(path)
    assert spec.reference in spec.scenarios
    assert designs.tasks(spec)  # the design expands to runs


def test_growth_config_covers_every_growth_scenario():
    growth = {n for n, s in SCENARIOS.items() if s.kind == "growth"}
    spec = load(next(p for p in CONFIGS if p.stem == "participation_growth"))
    assert growth <= set(spec.scenarios)


def test_good_spec_and_defaults():
    spec = loads(GOOD, "good.toml")
    assert spec.scenarios == ("administrative", "grid_management")
    assert spec.output_dir() == Path("results/t")
    assert spec.fingerprint() == loads(GOOD + 'description = "x"\n').fingerprint()
    assert spec.fingerprint() != loads(GOOD.replace("steps = 10", "steps = 11")).fingerprint()


def _err(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        loads(text, "bad.toml")
    return info.value


def test_syntax_error_names_file_and_line():
    e = _err(GOOD + "seed = = 3\n")
    assert e.line == 7 and "bad.toml, line 7" in str(e) and "TOML" in str(e)


def test_unknown_field_names_line_and_lists_allowed():
    e = _err(GOOD + "replicate = 3\n")
    assert e.field == "replicate" and e.line == 7
    assert "replicates" in str(e) and "not a known field" in str(e)


def test_unknown_design_field():
    e = _err(GOOD + "[design]\ntype = \"factorial\"\nfactor = 1\n")
    assert e.field == "design.factor" and e.line == 9


def test_unknown_scenario_suggests():
    e = _err(GOOD.replace('"grid_management"]', '"grid_managment"]'))
    assert e.field == "scenarios" and "grid_management" in str(e) and e.line == 2


def test_unknown_measure():
    e = _err(GOOD.replace('["participation_rate"]', '["participation"]'))
    assert e.field == "measures" and "participation_rate" in str(e) and e.line == 6


def test_reference_must_be_compared():
    e = _err(GOOD.replace('reference = "administrative"', 'reference = "party_led"')
             if "party_led" in SCENARIOS else GOOD.replace(
                 '["administrative", "grid_management"]', '["grid_management"]'))
    assert e.field == "reference"


@pytest.mark.parametrize("line,field", [
    ("replicates = 0", "replicates"),
    ("steps = -1", "steps"),
    ("warmup = 10", "warmup"),
    ("outcome = \"median\"", "outcome"),
    ("seed = 1.5", "seed"),
])
def test_bad_values(line, field):
    key = line.split()[0]
    text = "\n".join(ln for ln in GOOD.splitlines() if not ln.startswith(key + " ")) + "\n"
    e = _err(text + line + "\n")
    assert e.field == field and e.line is not None


def test_bad_override_value_names_allowed_range():
    e = _err(GOOD + "[overrides]\nrc_admin_burden = 1.5\n")
    assert e.field == "overrides.rc_admin_burden" and e.line == 8 and "from 0 to 1" in str(e)


def test_unknown_override_parameter():
    e = _err(GOOD + "[overrides]\nrc_admin_burdn = 0.5\n")
    assert "rc_admin_burden" in str(e)


def test_overrides_must_fit_together():
    e = _err(GOOD + "[overrides]\nwidth = 30\n")
    assert e.field == "overrides" and "grid_block" in str(e)


def test_bad_ranges():
    e = _err(GOOD + "[design]\ntype = \"lhs\"\n[design.ranges]\nissue_rate = [0.5, 0.1]\n")
    assert e.field == "design.ranges.issue_rate" and e.line == 10 and "below" in str(e)
    e = _err(GOOD + "[design]\ntype = \"lhs\"\n[design.ranges]\nissue_rate = [0, 9]\n")
    assert "from 0 to 2" in str(e)
    e = _err(GOOD + "[design]\ntype = \"sobol\"\nsamples = 10\n[design.ranges]\n"
             "issue_rate = [0, 1]\n")
    assert e.field == "design.samples" and "power of 2" in str(e)
    e = _err(GOOD + "[design]\ntype = \"lhs\"\n[design.ranges]\ngrid_management = [0, 1]\n")
    assert "numeric" in str(e)


def test_bad_factorial_and_phases():
    e = _err(GOOD + "[design]\ntype = \"factorial\"\n[design.factors]\ngrid_management = [1]\n")
    assert "true or false" in str(e)
    e = _err(GOOD + "[phases]\ngrid_managment = 5\n")
    assert e.field == "phases.grid_managment" and "grid_management" in str(e)
    e = _err(GOOD + "[phases]\ngrid_management = 10\n")  # steps = 10
    assert e.field == "phases.grid_management"


def test_sweeping_a_fixed_parameter_is_refused():
    e = _err(GOOD + "[overrides]\nissue_rate = 0.02\n[design]\ntype = \"factorial\"\n"
             "[design.factors]\nissue_rate = [0.01, 0.02]\n")
    assert e.field == "design"


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load(tmp_path / "nope.toml")


def test_phases_become_overrides():
    spec = loads(GOOD + "[phases]\ngrid_management = 5\n")
    assert spec.run_overrides() == {"grid_management": True, "grid_management_start": 5}


def test_factorial_and_sampled_designs_expand():
    spec = loads(GOOD + "[design]\ntype = \"factorial\"\n[design.factors]\n"
                 "issue_rate = [0.01, 0.02]\nescalate_after = [2, 3, 4]\n")
    pts = designs.points(spec)
    assert len(pts) == 6 and pts[0] == {"issue_rate": 0.01, "escalate_after": 2}
    assert len(designs.tasks(spec)) == 6 * 2 * 2
    lhs = loads(GOOD + "[design]\ntype = \"lhs\"\nsamples = 7\n[design.ranges]\n"
                "issue_rate = [0.01, 0.03]\nescalate_after = [1, 9]\n")
    pts = designs.points(lhs)
    assert len(pts) == 7 and all(isinstance(p["escalate_after"], int) for p in pts)
    assert all(0.01 <= p["issue_rate"] <= 0.03 for p in pts)
    assert pts == designs.points(lhs)  # drawn from the root seed: reproducible
    sob = loads(GOOD + "[design]\ntype = \"sobol\"\nsamples = 8\n[design.ranges]\n"
                "issue_rate = [0.01, 0.03]\n")
    assert len(designs.points(sob)) == 8 * (1 + 2)
    mor = loads(GOOD + "[design]\ntype = \"morris\"\nsamples = 3\n[design.ranges]\n"
                "issue_rate = [0.01, 0.03]\nsocial_weight = [1, 3]\n")
    assert len(designs.points(mor)) == 3 * 3


@settings(max_examples=25, deadline=None)
@given(hs.integers(0, 2**40), hs.integers(0, 50))
def test_replicate_seed_is_a_spawned_child(root, r):
    child = np.random.SeedSequence(root).spawn(2)[1].spawn(r + 1)[r]
    expected = int(child.generate_state(1, np.uint64)[0] & np.uint64(2**63 - 1))
    assert designs.replicate_seed(root, r) == expected


def test_common_random_numbers_across_scenarios():
    spec = loads(GOOD)
    by_rep: dict[int, set[int]] = {}
    for t in designs.tasks(spec):
        by_rep.setdefault(t.replicate, set()).add(t.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    assert len({next(iter(s)) for s in by_rep.values()}) == spec.replicates


@settings(max_examples=20, deadline=None)
@given(hs.integers(1, 6), hs.lists(hs.sampled_from([0.005, 0.01, 0.02, 0.04]), min_size=1,
                                   max_size=4, unique=True))
def test_tasks_cover_every_cell_once(replicates, rates):
    text = GOOD.replace("replicates = 2", f"replicates = {replicates}") + (
        "[design]\ntype = \"factorial\"\n[design.factors]\n"
        f"issue_rate = [{', '.join(map(str, rates))}]\n")
    spec = loads(text)
    ts = designs.tasks(spec)
    assert len(ts) == len({t.id for t in ts}) == replicates * len(rates) * 2
    assert {(t.scenario, t.point, t.replicate) for t in ts} == {
        (s, p, r) for s in spec.scenarios for p in range(len(rates)) for r in range(replicates)}
    # more replicates later never changes the seeds of earlier ones
    more = designs.tasks(spec, range(replicates + 2))
    seeds = {t.id: t.seed for t in more}
    assert all(seeds[t.id] == t.seed for t in ts)
