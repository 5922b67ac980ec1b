"""Effects that matter: each claim is judged against a smallest effect of interest (SESOI).

A difference can be significant and still too small for anyone to notice: with 300 seeds a
0.004 change in participation is "p < 0.001" and still below what any survey could see. So
every comparison is read against a SESOI fixed before the study runs (the table below,
committed before the results), with two one-sided tests at 5% (Lakens, Scheel and Isager
2018): the paired 90% confidence interval of the signed difference decides.

- matters:      the interval lies above +SESOI (the claim holds with an effect that matters);
- unsettled:    above 0 but reaching below +SESOI (direction shown, size not);
- negligible:   inside (-SESOI, +SESOI) (equivalence: no effect that matters, even when
                significant);
- opposite:     below -SESOI (the other way, with an effect that matters);
- opposite, unsettled: below 0 but reaching above -SESOI;
- inconclusive: the interval holds 0 and reaches beyond a SESOI (more runs are needed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

LEVEL = 0.90  # two one-sided tests at 5% each

# Smallest effects of interest, fixed before any study ran (change them only with a reason,
# in a commit of their own, before re-running the studies).
SHARE_SESOI = 0.01
SHARE_RATIONALE = (
    "0.01 (one percentage point): the 95% sampling half-width of a share near 0.5 in the "
    "largest cited survey of urban residents' participation, CASS/NISD 2012 (n = 8,070): "
    "1.96 x sqrt(0.25 / 8070) = 0.011. A smaller difference no survey of residents could "
    "see.")
ATTITUDE_SESOI = 0.01
ATTITUDE_RATIONALE = (
    "0.01 on the 0-1 scale: the 95% sampling half-width of a mean attitude score from a "
    "survey of 1,000 residents with a standard deviation of 0.16 on that scale (a 5-point "
    "item with sd 0.65 points): 1.96 x 0.16 / sqrt(1000) = 0.010.")
RELATIVE_SESOI = 0.05
RELATIVE_RATIONALE = (
    "5% of the reference scenario's mean: a documented choice (no source): budget and "
    "workload lines are planned in whole percent, and changes below 5% are within the "
    "year-to-year variation of a street office's budget.")


def sesoi(unit: str, reference_mean: float) -> tuple[float, str]:
    """The SESOI of a measure with this unit, and why (see the module's table)."""
    if unit == "share":
        return SHARE_SESOI, SHARE_RATIONALE
    if unit == "0-1":
        return ATTITUDE_SESOI, ATTITUDE_RATIONALE
    return RELATIVE_SESOI * abs(reference_mean), RELATIVE_RATIONALE


VERDICTS = {
    "matters": "holds, with an effect that matters",
    "unsettled": "direction holds; size not shown to matter",
    "negligible": "no effect that matters",
    "opposite": "**opposite**, with an effect that matters",
    "opposite_unsettled": "opposite direction; size not shown to matter",
    "inconclusive": "inconclusive (more runs needed)",
}


@dataclass(frozen=True)
class Effect:
    """A paired difference read against its SESOI, in the claim's direction (sign)."""

    n: int
    mean: float
    low: float
    high: float
    sesoi: float
    sign: int
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify(low: float, high: float, delta: float) -> str:
    """Verdict of a signed interval [low, high] against SESOI delta (module docstring)."""
    if low > delta:
        return "matters"
    if high < -delta:
        return "opposite"
    if low > -delta and high < delta:
        return "negligible"
    if low > 0:
        return "unsettled"
    if high < 0:
        return "opposite_unsettled"
    return "inconclusive"


def paired_effect(diffs: Any, delta: float, sign: int = 1) -> Effect:
    """Mean paired difference with its 90% t interval, judged in the direction `sign`.

    The interval is reported on the measure's own scale (not signed); the verdict reads it
    in the claim's direction, so "matters" always means "as the claim says".
    """
    d = np.asarray(diffs, dtype=float)
    n = len(d)
    mean = float(d.mean()) if n else float("nan")
    if n > 1 and d.std(ddof=1) > 0:
        half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
    else:
        half = 0.0 if n > 1 else float("nan")
    low, high = mean - half, mean + half
    s_low, s_high = sorted((sign * low, sign * high))
    verdict = classify(s_low, s_high, delta) if np.isfinite(half) else "inconclusive"
    return Effect(n=n, mean=mean, low=low, high=high, sesoi=float(delta), sign=sign,
                  verdict=verdict)


def fmt(x: float, delta: float) -> str:
    """A number with digits enough to be read against its SESOI."""
    digits = max(2, int(np.ceil(-np.log10(delta))) + 1) if delta > 0 else 3
    return f"{x:+.{digits}f}"
