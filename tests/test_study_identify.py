"""The identify study's pieces that do not need the surrogate (issue 19, item 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.studies import identify


def test_weighted_correlation_is_pearson_for_equal_weights_and_follows_the_weights():
    rng = np.random.default_rng(3)
    a = rng.normal(size=400)
    df = pd.DataFrame({"a": a, "b": 0.6 * a + rng.normal(size=400), "weight": 1.0})
    got = identify._weighted_corr(df, ["a", "b"])
    np.testing.assert_allclose(got, np.corrcoef(df["a"], df["b"]), atol=1e-12)
    # all weight on rows where b = a: perfectly correlated there
    df.loc[:199, "b"] = df.loc[:199, "a"]
    df["weight"] = [1.0] * 200 + [0.0] * 200
    np.testing.assert_allclose(identify._weighted_corr(df, ["a", "b"])[0, 1], 1.0)


def test_guard_catches_a_first_order_index_above_the_total():
    row = {"indices": {"x": {"S1": 0.6, "S1_conf": 0.01, "ST": 0.3, "ST_conf": 0.01}}}
    assert identify.check({"recovery_current": True, "targets": {"t": row}})
    row["indices"]["x"]["ST"] = 0.62
    assert not identify.check({"recovery_current": True, "targets": {"t": row}})
    assert identify.check({"recovery_current": False, "targets": {}})


def test_stored_result_is_of_the_shipped_calibration():
    """The study reads the shipped surrogate and posterior: a new calibration makes it stale
    (the model's fingerprint alone would not say so)."""
    import json
    from pathlib import Path

    from experiments.studies import record

    shipped = Path(__file__).resolve().parents[1] / "experiments" / "calibrations" / "baseline"
    cid = json.loads((shipped / "calibration.json").read_text())["calibration_id"]
    stored = record.load("identify")
    assert stored is not None, "run `make studies ONLY=identify`"
    assert stored["result"]["calibration_id"] == cid, (
        "the identify study was made with another calibration: run `make studies "
        "ONLY=identify`")
