"""Analysis of every design: Holm, share CIs, paired figures, styles, heatmap scales,
Sobol warnings, clipped text, single-scenario and LHS reports, the outcome window."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from experiments import main_job, plots, runner
from experiments.spec import load, loads
from experiments.stats import ci_bounds, comparison_table, mean_ci, sobol_warnings

ROOT = Path(__file__).resolve().parent.parent
TINY = "[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n"


def spec_text(scenarios=("administrative", "grid_management"), replicates=2, steps=4,
              extra="") -> str:
    return (f'name = "a"\nscenarios = {list(scenarios)!r}\nreplicates = {replicates}\n'
            f'steps = {steps}\nmeasures = ["participation_rate", "gov_admin_cost"]\n'
            f'{extra}{TINY}').replace("'", '"')


def run(tmp_path: Path, text: str) -> dict:
    return runner.run_experiment(loads(text, "a.toml"), tmp_path, executor="serial",
                                 progress=io.StringIO())


@pytest.fixture
def captured(monkeypatch):
    """Figures as they are saved (before closing), by file name."""
    figs: dict[str, plt.Figure] = {}
    real = plots._save

    def keep(fig, path):
        figs[Path(path).name] = fig  # a closed figure can still be inspected
        return real(fig, path)

    monkeypatch.setattr(plots, "_save", keep)
    yield figs
    plt.close("all")


# --- statistics ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.floats(0, 1), min_size=2, max_size=8))
def test_share_cis_stay_within_0_1(values):
    ci = mean_ci(values, bounded=True)
    assert 0 <= ci["ci_low"] <= ci["mean"] + 1e-12
    assert ci["mean"] - 1e-12 <= ci["ci_high"] <= 1


def test_plain_t_ci_of_two_shares_would_leave_0_1():
    """The defect: with n = 2 the t interval of [0.05, 0.95] runs far outside [0, 1]."""
    plain = mean_ci([0.05, 0.95])
    assert plain["ci_low"] < -1 and plain["ci_high"] > 2
    lo, hi = ci_bounds(0.5, np.std([0.05, 0.95], ddof=1), 2, bounded=True)
    assert 0 < lo < 0.5 < hi < 1


def test_holm_adjusted_p_values_sit_next_to_the_cis():
    rng = np.random.default_rng(1)
    rows = []
    for r in range(6):
        base = rng.normal()
        for sc, shift in (("ref", 0), ("a", 1.0), ("b", 0.0)):
            rows.append({"scenario": sc, "replicate": r, "point": 0, "status": "ok",
                         "x": base + shift + rng.normal(0, 0.1),
                         "y": base + rng.normal(0, 0.1)})
    comp = comparison_table(pd.DataFrame(rows), ["x", "y"], "ref")
    assert {"p_value", "p_holm"} <= set(comp.columns)
    assert (comp["p_holm"] >= comp["p_value"]).all() and (comp["p_holm"] <= 1).all()
    ordered = comp.sort_values("p_value")
    k = len(comp)
    assert ordered["p_holm"].iloc[0] == pytest.approx(min(1, k * ordered["p_value"].iloc[0]))
    assert comp.set_index(["scenario", "measure"]).loc[("a", "x"), "p_holm"] < 0.05


def test_sobol_warns_on_small_n_and_impossible_indices():
    table = pd.DataFrame([{"scenario": "s", "measure": "m", "parameter": "p", "index": "S1",
                           "value": 1.44, "ci_low": 1.2, "ci_high": 1.7},
                          {"scenario": "s", "measure": "m", "parameter": "q", "index": "ST",
                           "value": -0.3, "ci_low": -0.5, "ci_high": -0.1}])
    w = sobol_warnings(table, 16)
    assert any("N = 16" in x for x in w)
    assert any("S1 of p" in x for x in w) and any("ST of q" in x for x in w)
    fine = table.assign(value=0.5, ci_low=0.4, ci_high=0.6)
    assert sobol_warnings(fine, 1024) == []


# --- figures ---------------------------------------------------------------------------------


def test_eight_lines_differ_in_style_and_marker():
    looks = [plots.line_style(i) for i in range(8)]
    assert len({str(x["linestyle"]) for x in looks}) == 8
    assert len({x["marker"] for x in looks}) == 8


def test_text_problems_finds_clipped_and_overlapping_text():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("fine")
    fig.tight_layout()
    assert plots.text_problems(fig) == []
    fig.text(0.9, 0.5, "a long label running off the right edge")
    assert any(p.startswith("clipped") for p in plots.text_problems(fig))
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("an axes title")
    fig.suptitle("a figure title", y=0.95)  # drawn on top of the axes title
    assert any(p.startswith("overlap") for p in plots.text_problems(fig))
    plt.close(fig)


def test_scenario_report_figures(tmp_path, captured):
    scen = ["administrative", "grid_management", "party_led"]
    run(tmp_path, spec_text(scen, replicates=3))
    fig = captured["outcomes.png"]
    comp = pd.read_csv(tmp_path / "comparison.csv")
    # the outcome figure plots the paired differences, not each scenario's own mean
    ax = fig.axes[0]
    ys = sorted(float(ln.get_ydata()[0]) for ln in ax.lines
                if len(ln.get_ydata()) == 1 and ln.get_marker() != "_")  # not the caps
    want = sorted(comp[comp["measure"] == "participation_rate"]["diff"])
    assert ys == pytest.approx(want)
    ts = captured["timeseries.png"]
    lines = [ln for ln in ts.axes[0].lines if ln.get_label() in scen]
    assert len({(str(ln.get_linestyle()), ln.get_marker()) for ln in lines}) == 3
    # the CI band of a share stays within [0, 1] (it once ran from -0.5 to 1.9)
    for coll in ts.axes[0].collections:
        for path in coll.get_paths():
            y = path.vertices[:, 1]
            assert (y[np.isfinite(y)] >= 0).all() and (y[np.isfinite(y)] <= 1).all()
    for name in captured:
        assert plots.PROBLEMS[str(tmp_path / "figures" / name)] == [], name
    text = (tmp_path / "report.md").read_text()
    assert "p_holm" in text and "Holm-adjusted" in text
    summary = pd.read_csv(tmp_path / "summary.csv")
    share = summary[summary["measure"] == "participation_rate"]
    assert (share["ci_low"] >= 0).all() and (share["ci_high"] <= 1).all()


def test_heatmaps_share_one_colour_scale_per_measure(tmp_path, captured):
    extra = ('[design]\ntype = "factorial"\n[design.factors]\nissue_rate = [0.01, 0.03]\n'
             'rc_admin_burden = [0.2, 0.8]\n')
    run(tmp_path, spec_text(extra=extra))
    for m in ("participation_rate", "gov_admin_cost"):
        clims = {captured[f"heatmap_{m}_{sc}.png"].axes[0].images[0].get_clim()
                 for sc in ("administrative", "grid_management")}
        assert len(clims) == 1, clims
        diff = captured[f"heatmap_diff_{m}_grid_management.png"].axes[0].images[0].get_clim()
        assert diff[0] == -diff[1]
    for name in captured:  # long titles and colour bars: nothing clipped or stacked
        assert plots.PROBLEMS[str(tmp_path / "figures" / name)] == [], name
    assert (tmp_path / "figures" / "effects_participation_rate.png").exists()
    assert (tmp_path / "figures" / "interaction_participation_rate.png").exists()
    meta = pd.read_csv(tmp_path / "metamodel.csv")
    assert {"issue_rate", "rc_admin_burden", "issue_rate x rc_admin_burden"} <= set(meta["term"])
    assert ((meta["ci_low"] <= meta["coef"]) & (meta["coef"] <= meta["ci_high"])).all()
    assert meta["r2"].between(0, 1).all()
    assert "Metamodel" in (tmp_path / "report.md").read_text()


def test_single_scenario_writes_no_empty_comparison(tmp_path):
    run(tmp_path, spec_text(["administrative"], replicates=2))
    assert not (tmp_path / "comparison.csv").exists()
    assert "One scenario only" in (tmp_path / "report.md").read_text()


def test_lhs_report_has_figures_and_a_comparison(tmp_path):
    extra = ('[design]\ntype = "lhs"\nsamples = 6\n[design.ranges]\n'
             'issue_rate = [0.005, 0.03]\nrc_admin_burden = [0.1, 0.9]\n')
    run(tmp_path, spec_text(replicates=1, steps=3, extra=extra))
    text = (tmp_path / "report.md").read_text()
    assert "## Each scenario against the reference" in text
    assert "Averaged over the sampled design" in text
    assert "effects_participation_rate.png" in text and "Metamodel" in text
    comp = pd.read_csv(tmp_path / "comparison.csv")
    assert (comp["n_pairs"] == 6).all()


@pytest.mark.slow
def test_sobol_report_warns_at_small_n(tmp_path):
    extra = ('[design]\ntype = "sobol"\nsamples = 4\n[design.ranges]\n'
             'issue_rate = [0.005, 0.03]\nrc_admin_burden = [0.1, 0.9]\n')
    run(tmp_path, spec_text(["grid_management"], replicates=1, steps=3, extra=extra))
    assert "**Warning:** N = 4 base samples" in (tmp_path / "report.md").read_text()


# --- outcome window --------------------------------------------------------------------------


def test_main_job_and_shipped_configs_share_the_outcome_window():
    spec = main_job.main_spec()
    assert spec.outcome == "mean" and spec.steps - spec.warmup == main_job.WINDOW == 52
    for cfg in sorted((ROOT / "experiments" / "configs").glob("*.toml")):
        if cfg.name.startswith("calibrate_"):  # a calibration config, not an experiment
            continue
        s = load(cfg)
        if s.design.type in ("scenarios", "factorial") or s.outcome == "mean":
            assert s.outcome == "mean", cfg.name
            assert s.steps - s.warmup == main_job.WINDOW, cfg.name


def test_metamodel_recovers_known_coefficients_in_coded_units():
    """y = 1 + 0.3 * coded(a) + 0.2 * [s] + 0.1 * coded(a) * [s] + noise: every true
    coefficient lies within twice its 95% CI half-width (about 4 standard errors, so six
    terms fail together by chance far below once in a thousand), effectless terms too."""
    from experiments.analysis import metamodel

    rng = np.random.default_rng(7)
    rows = []
    for a in (10, 20, 30):
        for s in (False, True):
            for b in (0.0, 1.0):
                for _ in range(8):
                    ca = (a - 20) / 10
                    y = 1 + 0.3 * ca + 0.2 * s + 0.1 * ca * s + rng.normal(0, 0.02)
                    rows.append({"scenario": "x", "status": "ok", "a": a, "s": s, "b": b,
                                 "y": y})
    t = metamodel(pd.DataFrame(rows), {"a": [10, 20, 30], "s": [False, True], "b": [0.0, 1.0]},
                  ["y"], ["x"]).set_index("term")
    for term, true in (("const", 1.0), ("a", 0.3), ("s=True", 0.2), ("a x s=True", 0.1),
                       ("b", 0.0), ("a x b", 0.0)):
        half = (t.loc[term, "ci_high"] - t.loc[term, "ci_low"]) / 2
        assert abs(t.loc[term, "coef"] - true) <= 2 * half, term
    assert t["r2"].iloc[0] > 0.95
