"""The point study's picture: the baseline and the collaborative programme, year by year,
at Model 2's values and at the calibrated point (the defaults; with the longer burn-ins),
drawn from the stored result only. Line styles, markers and greys, not colours, tell the
lines apart, so the figure reads in greyscale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.studies.yearly_figure import Series
from experiments.studies.yearly_figure import draw as draw_panels

# Line style and marker of each (arm, scenario), in the order of the study's arms: Model 2's
# values (grey), the point (black) in both scenarios, then the point's longer burn-ins.
LOOKS = [("-", "o"), ("--", "o"), ("-", "s"), ("--", "s"), (":", "^"), ("-.", "D")]
PANELS = {"participation_rate": "speaking up or more this week\n(share of residents)",
          "organised_participation": "guided participation or more\n(share of residents)",
          "trust_government": "trust in government\n(mean, 0-1 scale)",
          "org_mean_capacity": "social organisations' quality\n(mean, 0-1 scale)"}


def draw(result: dict[str, Any], path: Path) -> Path:
    """Four panels of yearly means (95% bands over replicates), one line per arm."""
    arms = result["arms"]
    lines = [(arm, sc) for arm, a in arms.items() for sc in a["years"]]
    first = lines[0][0]
    series = [Series(f"{arm}: {sc}", ls, marker,
                     lambda m, arm=arm, sc=sc: arms[arm]["years"][sc][m],
                     "0.45" if arm == first else "0.05")
              for (arm, sc), (ls, marker) in zip(lines, LOOKS, strict=True)]
    w, h = result["size"]["width"], result["size"]["height"]
    return draw_panels(series, PANELS, f"Model 2's values and the calibrated point: {w} x {h} "
                       f"households, {result['replicates']} replicates paired by seed; bands "
                       "are 95% CIs", path, figsize=(10, 7.5), legend_size=8)
