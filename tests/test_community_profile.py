"""Community profiles (docs/COMMUNITIES.md): loading, the mapping's rules, bad input as one
paragraph with exit 2, the precedence of --params / --community / scenario / --set, and
short runs with the shipped examples."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from experiments.specify import community as cm
from experiments.specify import community_shape
from experiments.specify.check import loads
from governance import defaults, scenario_params, validate
from model.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
# Profiles only: a community's local figures sit beside it as <name>_figures.toml.
EXAMPLES = sorted(p for p in (ROOT / "examples" / "communities").glob("*.toml")
                  if not p.stem.endswith("_figures"))
FAST = ["--set", "burn_in=4", "--steps", "2"]
# 400 households in 4 grids of 100, buildings of 25: 20 x 20, grid 10, building 5
SMALL = ('[community]\nname = "small"\nsource = "illustrative"\nhouseholds = 400\n'
         'grids = 4\nhouseholds_per_building = 25\n')


def write(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- loading and mapping --------------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_load_and_map_to_valid_parameters(path):
    profile = cm.load_profile(path)
    assert profile.text["source"] and profile.text["notes"]
    params = validate(profile.params())
    s = profile.shape
    assert (params["width"], params["height"]) == (s.width, s.height)
    assert abs(s.households / profile.figures["households"] - 1) < 0.05
    assert "->" in profile.summary()


def test_the_rules():
    p = cm.check_profile({"name": "x", "source": "test", "households": 2950, "buildings": 62,
                          "grids": 6, "organisations": 6, "enterprises": 3, "staff": 13,
                          "renters": cm.REF_RENTER_SHARE, "party_members": 300,
                          "residents": 6000, "children": 0.1,
                          "household_size": [0.2, 0.3, 0.3, 0.1, 0.1]})
    s, got, d = p.shape, p.params(), defaults()
    assert s.width % s.grid_block == 0 and s.height % s.grid_block == 0
    assert s.grid_block % s.building_block == 0
    assert max(s.width, s.height) <= community_shape.MAX_ASPECT * min(s.width, s.height)
    assert got["org_initial_density"] == pytest.approx(1000 * 6 / 2950)
    assert got["enterprise_count"] == round(3 * s.households / 2950)
    assert got["party_member_share"] == pytest.approx(300 / (6000 * 0.9))
    assert got["move_out_rate"] == pytest.approx(d["move_out_rate"])  # the census's renters
    # staff per household against the reference's; the grid size does not enter (staff
    # are per 100 households served)
    assert got["staff_capacity"] == pytest.approx(
        d["staff_capacity"] * (1000 * 13 / 2950) / cm.REF_STAFF_PER_1000)
    assert sum(got[f"household_size_{k}"] for k in range(1, 6)) == pytest.approx(1)


def test_the_default_community_maps_to_the_defaults():
    """10,000 households in 25 grids of 25-household buildings, nothing else: the defaults'
    shape and the defaults' staff capacity (staff per household as the defaults')."""
    p = cm.check_profile({"name": "d", "source": "test", "households": 10_000})
    d = defaults()
    got = p.params()
    assert {k: got[k] for k in ("width", "height", "grid_block", "building_block")} == \
        {k: d[k] for k in ("width", "height", "grid_block", "building_block")}
    assert got["staff_capacity"] == pytest.approx(d["staff_capacity"])


def test_more_renters_more_moves_and_base_is_scaled():
    def rate(renters: float, base: dict | None = None) -> float:
        p = cm.check_profile({"name": "r", "source": "t", "households": 400,
                              "renters": renters})
        return p.params(base)["move_out_rate"]

    assert rate(0.0) < rate(0.2557) < rate(1.0)
    assert rate(1.0) / rate(0.0) == pytest.approx(cm.RENTER_MOVE_RATIO)
    assert rate(0.5, {"move_out_rate": 0.16}) == pytest.approx(2 * rate(0.5))


def brute_force_loss(households: float, grids: float, per_building: float,
                     most: float) -> float:
    """The least loss of every schema-valid shape of at most `most` households, tried one
    by one (widths, heights, grid and building sides within the schema, at most 2:1)."""
    best = math.inf
    for g in range(2, 1001):
        sides = [b for b in range(1, min(g, 500) + 1) if g % b == 0]
        for k1 in range(-(-4 // g), 4000 // g + 1):
            for k2 in range(k1, min(2 * k1, 4000 // g) + 1):
                if k1 * k2 * g * g > most:
                    break
                for b in sides:
                    shape = community_shape.Shape(k1 * g, k2 * g, g, b)
                    best = min(best, community_shape.shape_loss(shape, households, grids,
                                                                per_building))
    return best


def small_profiles() -> list[tuple[int, int, float]]:
    """The reviewer's three (the old search missed a better shape in each), then 40 drawn
    with a seeded generator: 16 to 3,000 households, up to one grid per 20 households,
    buildings of 1 to 400 households."""
    rng = random.Random(20240601)
    out = [(1404, 2, 265.7), (4150, 4, 378.9), (569, 1, 390.0)]
    for _ in range(40):
        h = round(math.exp(rng.uniform(math.log(16), math.log(3000))))
        out.append((h, rng.randint(1, max(1, h // 20)),
                    round(math.exp(rng.uniform(0, math.log(min(h, 400)))), 1)))
    return out


def test_the_shape_search_finds_the_least_loss_of_every_shape():
    """docs/COMMUNITIES.md: of every shape the schema accepts, the least loss is kept. A
    shape with more than households x e^(loss/4) households loses on households alone, so
    trying every shape up to that size is a complete check."""
    for h, g, per in small_profiles():
        shape = community_shape.fit_shape(h, g, per)
        found = community_shape.shape_loss(shape, h, g, per)
        assert brute_force_loss(h, g, per, h * math.exp(found / 4) * (1 + 1e-9)) == \
            pytest.approx(found, abs=1e-12), (h, g, per, shape)


# --- property: any valid profile maps to parameters the schema accepts ----------------------
shares = st.floats(0, 1, allow_nan=False)
sizes = st.lists(st.floats(0.01, 1), min_size=5, max_size=5).map(
    lambda v: [x / sum(v) for x in v])


@st.composite
def tables(draw):
    """Profiles within what communities are: grids of 50 to 3,000 households, buildings of
    1 to 300, up to 10 staff per 1,000 households, 25 organisations per 1,000."""
    h = draw(st.integers(16, 200_000))
    t: dict = {"name": "p", "source": "hypothesis", "households": h}
    optional = {
        "grids": st.integers(max(1, -(-h // 3000)), max(1, h // 50)),
        "buildings": st.integers(max(1, h // 300), h),
        "renters": shares, "children": st.floats(0, 0.9),
        "adults_18_34": st.floats(0, 0.5), "adults_60_plus": st.floats(0, 0.5),
        "household_size": sizes, "staff": st.integers(0, max(1, h // 100)),
        "organisations": st.integers(0, max(0, h // 40)),
        "party_member_share": st.floats(0, 0.6), "enterprises": st.integers(0, 50),
    }
    for key, strat in optional.items():
        if draw(st.booleans()):
            t[key] = draw(strat)
    return t


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_valid_profile_maps_to_parameters_the_schema_accepts(table):
    profile = cm.check_profile(table)
    params = validate(profile.params())
    assert params["width"] * params["height"] == profile.shape.households
    assert 0.5 <= profile.shape.households / table["households"] <= 2


values = st.one_of(st.integers(-10, 10**9), st.floats(allow_nan=True), st.booleans(),
                   st.text(max_size=5), st.lists(st.floats(-1, 2), max_size=6))


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from([*cm.FIELDS, *cm.TEXT, "flats"]), values))
def test_any_table_is_a_profile_or_one_input_error(table):
    try:
        profile = cm.check_profile({"name": "p", "source": "s", **table})
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    validate(profile.params())


# --- bad input: one paragraph, exit 2, no traceback -----------------------------------------
BAD = [
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nflats = 3\n',
     ["'flats'", "not a profile field", "households"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = "400"\n',
     ["'households'", "'400'", "whole number"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400.5\n',
     ["'households'", "400.5", "whole number"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nrenters = 1.3\n',
     ["'renters'", "1.3", "from 0 to 1"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nrenters = true\n',
     ["'renters'", "True", "a number"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nstaff = -1\n',
     ["'staff'", "-1"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\n'
     'household_size = [0.5, 0.3, 0.3, 0.1, 0.1]\n', ["'household_size'", "add up to 1.3"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nhousehold_size = [1, 0]\n',
     ["'household_size'", "list of 5"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nadults_18_34 = 0.6\n'
     'adults_60_plus = 0.6\n', ["'adults_18_34'", "'adults_60_plus'", "at most 1"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nbuildings = 10\n'
     'households_per_building = 40\n', ["'buildings'", "'households_per_building'", "twice"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\norganisations = 100\n',
     ["org_initial_density", "250", "organisations"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nparty_members = 900\n',
     ["party_member_share", "party_members"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\n'
     'households_per_building = 2500\n', ["'households_per_building'", "2500", "at most"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\ngrids = 1\nstaff = 100\n',
     ["staff_capacity", "staff, households"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\nresidents = 100\n',
     ["'residents'", "100"]),
    ('[community]\nname = "x"\nsource = "s"\n', ["'households'", "missing"]),
    ('[community]\nname = "x"\nhouseholds = 400\n', ["'source'", "non-empty"]),
    ('[community]\nname = "x"\nsource = "s"\nhouseholds = 400\n[params]\nwidth = 4\n',
     ["'params'", "top level"]),
    ('households = 400\n', ["'households'", "top level"]),
    ('[community\nname = "x"\n', ["cannot be read as TOML"]),
]


@pytest.mark.parametrize("text,needles", BAD, ids=range(len(BAD)))
def test_bad_profile_is_one_paragraph_and_exit_2(tmp_path, capsys, text, needles):
    path = write(tmp_path, text)
    out = tmp_path / "never"
    code, _, err = run_cli(capsys, "run", "--community", str(path), "--out", str(out))
    assert code == 2, err
    assert "Traceback" not in err
    assert err.strip().count("\n") == 0 and err.startswith("error: "), err
    for n in needles:
        assert n in err, (n, err)
    assert not out.exists()


def test_missing_profile_is_one_paragraph_on_every_command(tmp_path, capsys):
    missing = str(tmp_path / "nowhere.toml")
    spec = write(tmp_path, 'name = "t"\nscenarios = ["administrative"]\n', "spec.toml")
    for args in (["run", "--community", missing],
                 ["compare", "--scenarios", "administrative", "--community", missing],
                 ["experiment", str(spec), "--community", missing]):
        code, _, err = run_cli(capsys, *args, "--out", str(tmp_path / "never"))
        assert code == 2 and "Traceback" not in err, err
        assert "nowhere.toml" in err and "does not exist" in err, err
    assert not (tmp_path / "never").exists()


# --- precedence: defaults < --params < --community < scenario < --set -----------------------
def test_precedence_on_run(tmp_path, capsys):
    profile = write(tmp_path, SMALL + "party_member_share = 0.15\nstaff = 2\n"
                    "enterprises = 7\n")
    params = write(tmp_path, "[params]\nparty_member_share = 0.3\nstaff_capacity = 20.0\n"
                   "cost_speak = 4.0\n", "p.toml")
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "run", "--community", str(profile), "--params",
                           str(params), "--scenario", "many_enterprises", "--set",
                           "child_share=0.3", "--set", "party_member_share=0.2",
                           *FAST, "--out", str(out))
    assert code == 0, err
    got = json.loads((out / "final.json").read_text())["params"]
    assert got["cost_speak"] == 4.0  # the params file where the profile says nothing
    assert got["width"] == 20 and got["grid_block"] == 10  # the profile
    # staff scaled from the params file's staff_capacity: 2 staff per 400 households = 5 per
    # 1,000 against the reference 4.5 (the grids of 100 households do not enter)
    assert got["staff_capacity"] == pytest.approx(20.0 * 5 / 4.5)
    assert got["enterprise_count"] == 24  # the scenario's own setting wins over the profile
    assert got["party_member_share"] == 0.2 and got["child_share"] == 0.3  # --set wins
    assert "enterprise_count: scenario 'many_enterprises' sets 24" in err
    assert "party_member_share: --set gives 0.2" in err
    assert "households 400 -> 20 x 20 = 400" in err  # the summary when the run starts


def test_run_uses_the_value_its_summary_reports_as_an_experiment_does(tmp_path, capsys):
    """--params < profile < scenario for a parameter the profile sets: the summary says the
    scenario's 0.25 is used, so final.json must hold 0.25 (not the file's 0.1), and the
    run's parameters are the experiment's for the same inputs."""
    from experiments.specify.designs import tasks

    profile = ROOT / "examples" / "communities" / "old_neighbourhood.toml"
    params = write(tmp_path, "[params]\nmove_out_rate = 0.1\ncost_speak = 4.0\n", "p.toml")
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "run", "--community", str(profile), "--params",
                           str(params), "--scenario", "high_turnover", *FAST, "--out", str(out))
    assert code == 0, err
    assert "move_out_rate: scenario 'high_turnover' sets 0.25" in err
    got = json.loads((out / "final.json").read_text())["params"]
    assert got["move_out_rate"] == 0.25 and got["cost_speak"] == 4.0
    spec = loads(f'name = "t"\nscenarios = ["high_turnover"]\nparams = "{params}"\n'
                 f'community = "{profile}"\n[overrides]\nburn_in = 4\n')
    task = tasks(spec, replicates=[0])[0]
    assert got == scenario_params("high_turnover", **task.overrides)


def test_precedence_in_a_spec_and_a_posterior_draw_is_scaled(tmp_path):
    from experiments.specify.designs import tasks

    profile = write(tmp_path, SMALL + "renters = 0.6\n")
    params = write(tmp_path, "[params]\nmove_out_rate = 0.1\nparty_member_share = 0.3\n",
                   "p.toml")
    spec = loads(f'name = "t"\nscenarios = ["administrative", "high_turnover"]\n'
                 f'params = "{params}"\ncommunity = "{profile}"\n'
                 '[overrides]\nparty_member_share = 0.2\nburn_in = 4\n')
    by = {t.scenario: t.overrides for t in tasks(spec, replicates=[0])}
    scale = cm._turnover(0.6) / cm._turnover(cm.REF_RENTER_SHARE)
    assert by["administrative"]["move_out_rate"] == pytest.approx(0.1 * scale)
    # the scenario's own setting wins: the task leaves it to the scenario (0.25)
    assert "move_out_rate" not in by["high_turnover"]
    assert scenario_params("high_turnover", **by["high_turnover"])["move_out_rate"] == 0.25
    assert by["administrative"]["party_member_share"] == 0.2  # overrides win
    assert by["administrative"]["width"] == 20
    # a posterior's draw is the base the profile scales
    assert spec.start_values({"move_out_rate": 0.2})["move_out_rate"] == \
        pytest.approx(0.2 * scale)
    assert "community" in spec.runs_key_parts()
    without = loads('name = "t"\nscenarios = ["administrative"]\n')
    assert "community" not in without.to_dict() and "community" not in without.runs_key_parts()


def test_a_design_point_that_breaks_the_profiles_shape_is_refused_up_front(tmp_path, capsys):
    """The old neighbourhood is 54 x 54 with grids of 18: a swept grid_block of 10 fits the
    default 100 x 100 but not the profile's community, so the check must refuse it (exit 2,
    one paragraph) rather than let every run fail."""
    profile = ROOT / "examples" / "communities" / "old_neighbourhood.toml"
    spec = write(tmp_path, f'name = "t"\nscenarios = ["administrative"]\nreplicates = 1\n'
                 f'steps = 2\ncommunity = "{profile}"\n[overrides]\nburn_in = 4\n'
                 '[design]\ntype = "factorial"\n[design.factors]\ngrid_block = [18, 10]\n',
                 "spec.toml")
    out = tmp_path / "never"
    code, _, err = run_cli(capsys, "experiment", str(spec), "--executor", "serial",
                           "--no-figures", "--out", str(out))
    assert code == 2 and "Traceback" not in err, err
    assert "error: " in err and err.strip().splitlines()[-1].startswith("error: "), err
    assert "design point 1 (grid_block = 10)" in err and "multiple of grid_block" in err
    assert not out.exists()


def test_a_spec_with_a_bad_profile_names_the_field(tmp_path):
    profile = write(tmp_path, SMALL + "renters = 2\n")
    with pytest.raises(InputError, match=r"field 'community' is unusable.*'renters'"):
        loads(f'name = "t"\ncommunity = "{profile}"\n')


# --- short runs with the examples ------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_short_run_with_an_example(tmp_path, capsys, path):
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "run", "--community", str(path), *FAST,
                                "--out", str(out))
    assert code == 0, err
    final = json.loads((out / "final.json").read_text())
    profile = cm.load_profile(path)
    assert final["params"]["width"] == profile.shape.width
    assert final["meta"]["community"]["name"] == profile.name
    assert "community" in stdout and profile.name in err


def test_compares_summary_says_which_scenario_replaces_a_profile_value(tmp_path, capsys):
    """docs/COMMUNITIES.md: a scenario's own setting wins over the profile, and the summary
    names what it kept; in a comparison, only in the scenarios that set it."""
    profile = write(tmp_path, SMALL + "renters = 0.6\nenterprises = 3\n")
    code, _, err = run_cli(capsys, "compare", "--scenarios", "administrative,high_turnover",
                           "--replicates", "1", "--steps", "2", "--executor", "serial",
                           "--set", "burn_in=4", "--community", str(profile),
                           "--no-figures", "--out", str(tmp_path / "cmp"))
    assert code == 0, err
    rate = 0.08 * cm._turnover(0.6) / cm._turnover(cm.REF_RENTER_SHARE)
    assert (f"move_out_rate: scenario 'high_turnover' sets 0.25 (the profile's {rate:.4g} is "
            "not used there)") in err, err
    assert "enterprise_count:" not in err  # no scenario here sets it


def test_compare_with_a_profile(tmp_path, capsys):
    profile = write(tmp_path, SMALL + "staff = 3\n")
    out = tmp_path / "cmp"
    code, _, err = run_cli(capsys, "compare", "--scenarios", "administrative",
                           "--replicates", "1", "--steps", "2", "--executor", "serial",
                           "--set", "burn_in=4", "--community", str(profile),
                           "--no-figures", "--out", str(out))
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["community"]["figures"]["staff"] == 3
    assert "staff_capacity" in err and "is not used" not in err  # nothing replaces a value
    assert "The community (profile)" in (out / "report.md").read_text()
    assert (out / "community.toml").read_text() == profile.read_text()  # report, rerun
    from experiments.running.manifest import spec_of
    profile.unlink()  # the folder's copy is enough
    assert spec_of(out, manifest).profile.figures["staff"] == 3
