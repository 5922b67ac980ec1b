"""What a run's outcome is: the last week, or the mean of the weeks after the warm-up.

One definition, used when a run is recorded and when tables are recomputed from stored
time series, and one sentence for it, used by every report and the commands that print.
"""

from __future__ import annotations

import numpy as np

from experiments.specify.spec import Spec


def outcome_values(ts: dict[str, list[float]], outcome: str,
                   warmup: int) -> dict[str, float]:
    """A run's outcome per measure: the last step, or the mean of the steps after warm-up.

    Row 0 of a time series is the initial state, so 'mean' with warm-up w over s steps
    averages steps w+1..s (the last s - w weeks).
    """
    if outcome == "mean":
        return {m: float(np.mean(v[warmup + 1:])) for m, v in ts.items()}
    return {m: float(v[-1]) for m, v in ts.items()}


def window_text(spec: Spec, warmup: int) -> str:
    """The outcome window in words, as every report and the main job state it."""
    if spec.outcome == "final":
        return f"the value in the last week (week {spec.steps})"
    how = " (warm-up chosen by MSER-5)" if spec.warmup == "auto" else ""
    return (f"the mean of weeks {warmup + 1}-{spec.steps} (the last {spec.steps - warmup} "
            f"weeks; {warmup} warm-up weeks left out{how})")
