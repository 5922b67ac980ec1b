"""The experiment statistics against independent computations (scipy.stats) on known data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import stats as st

from experiments.analyse import stats

RNG = np.random.default_rng(7)
X = RNG.normal(1.0, 2.0, 12)
Y = X - RNG.normal(0.4, 0.5, 12)


def test_mean_ci_matches_scipy_t_interval():
    got = stats.mean_ci(X)
    lo, hi = st.t.interval(0.95, len(X) - 1, loc=X.mean(), scale=st.sem(X))
    assert got["mean"] == pytest.approx(X.mean())
    assert got["sd"] == pytest.approx(X.std(ddof=1))
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((lo, hi))
    assert got["n"] == len(X)


def test_known_small_sample_by_hand():
    # 1, 2, 3: mean 2, sd 1, half-width t(0.975, 2) / sqrt(3) = 4.302653 / 1.732051
    got = stats.mean_ci([1.0, 2.0, 3.0])
    assert got["half_width"] == pytest.approx(2.4841377, rel=1e-6)


def test_paired_difference_matches_ttest_rel():
    got = stats.paired_difference(X, Y)
    res = st.ttest_rel(X, Y)
    ci = res.confidence_interval(0.95)
    assert got["diff"] == pytest.approx(np.mean(X - Y))
    assert (got["diff_ci_low"], got["diff_ci_high"]) == pytest.approx((ci.low, ci.high))
    # d_z = t / sqrt(n) for the paired t statistic
    assert got["cohens_dz"] == pytest.approx(res.statistic / math.sqrt(len(X)))
    assert got["n_pairs"] == len(X)


def test_vargha_delaney_matches_mann_whitney_u():
    a = np.array([1, 2, 2, 3, 5, 8.0])
    b = np.array([0, 2, 3, 3, 4.0])
    u = st.mannwhitneyu(a, b, alternative="two-sided").statistic  # U of the first sample
    assert stats.vargha_delaney_a(a, b) == pytest.approx(u / (len(a) * len(b)))
    assert stats.vargha_delaney_a(b, b) == 0.5
    assert stats.vargha_delaney_a([2, 3], [0, 1]) == 1.0


@settings(max_examples=40, deadline=None)
@given(hs.lists(hs.floats(-1e3, 1e3), min_size=2, max_size=30),
       hs.lists(hs.floats(-1e3, 1e3), min_size=2, max_size=30))
def test_a12_is_antisymmetric_and_bounded(a, b):
    x, y = stats.vargha_delaney_a(a, b), stats.vargha_delaney_a(b, a)
    assert 0.0 <= x <= 1.0
    assert x + y == pytest.approx(1.0)


def test_comparison_table_pairs_by_replicate():
    # Reference rows given in reversed replicate order: pairing must follow the index.
    runs = pd.DataFrame({
        "scenario": ["ref"] * 4 + ["b"] * 4, "point": 0, "status": "ok",
        "replicate": [3, 2, 1, 0, 0, 1, 2, 3], "m": [4.0, 3, 2, 1, 1.5, 2.5, 3.5, 4.5]})
    comp = stats.comparison_table(runs, ["m"], "ref")
    row = comp.iloc[0]
    assert row["diff"] == pytest.approx(0.5)
    assert row["diff_ci_low"] == pytest.approx(0.5) and row["diff_ci_high"] == pytest.approx(0.5)
    assert row["scenario"] == "b" and row["n_pairs"] == 4


def test_precision_status_relative_and_absolute():
    runs = pd.DataFrame({"scenario": "a", "point": 0, "status": "ok", "replicate": range(3),
                         "m": [1.0, 2.0, 3.0]})
    met, rows = stats.precision_status(runs, ["m"], 2.5, False, ["scenario", "point"])
    assert met and rows[0]["half_width"] == pytest.approx(2.4841377, rel=1e-6)
    met, rows = stats.precision_status(runs, ["m"], 1.0, True, ["scenario", "point"])
    assert not met and rows[0]["relative_half_width"] == pytest.approx(2.4841377 / 2, rel=1e-6)


def test_sobol_indices_of_a_linear_function():
    """y = 4 x1 + x2 on [0, 1]^2: S1 = 16/17 and 1/17, and S1 == ST without interaction."""
    from SALib.sample import sobol as sample

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    x = sample.sample(problem, 1024, calc_second_order=False, seed=1)
    y = 4 * x[:, 0] + x[:, 1]
    t = stats.sensitivity_table("sobol", problem, x, y, seed=1).set_index(["parameter", "index"])
    assert t.loc[("a", "S1"), "value"] == pytest.approx(16 / 17, abs=0.05)
    assert t.loc[("b", "ST"), "value"] == pytest.approx(1 / 17, abs=0.05)
    assert (t["ci_low"] <= t["value"]).all() and (t["value"] <= t["ci_high"]).all()


def test_morris_ranks_the_influential_parameter_first():
    from SALib.sample import morris as sample

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    x = sample.sample(problem, 20, num_levels=4, seed=1)
    y = 5 * x[:, 0] + 0.5 * x[:, 1]
    t = stats.sensitivity_table("morris", problem, x, y, seed=1).set_index(["parameter",
                                                                            "index"])
    assert t.loc[("a", "mu_star"), "value"] == pytest.approx(5.0)
    assert t.loc[("b", "mu_star"), "value"] == pytest.approx(0.5)
    assert t.loc[("a", "sigma"), "value"] == pytest.approx(0.0, abs=1e-9)
