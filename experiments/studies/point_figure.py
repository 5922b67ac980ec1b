"""The point study's picture: the baseline and the collaborative programme, year by year,
at today's defaults and at the calibrated point (with the longer burn-ins), drawn from the
stored result only. Line styles and markers, not colours, tell the lines apart, so the
figure reads in greyscale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.studies.yearly_figure import Series
from experiments.studies.yearly_figure import draw as draw_panels

# (arm, scenario, label, line style, marker)
LINES = [("Model 2's values", "administrative", "Model 2's values: administrative", "-", "o"),
         ("Model 2's values", "collaborative", "Model 2's values: collaborative", "--", "o"),
         ("point (the defaults)", "administrative", "point: administrative", "-", "s"),
         ("point (the defaults)", "collaborative", "point: collaborative", "--", "s"),
         ("point, fifteen-year burn-in", "administrative",
          "point: administrative, 15-year burn-in", ":", "^"),
         ("point, twenty-year burn-in", "administrative",
          "point: administrative, 20-year burn-in", "-.", "D")]
PANELS = {"participation_rate": "speaking up or more this week\n(share of residents)",
          "organised_participation": "guided participation or more\n(share of residents)",
          "trust_government": "trust in government\n(mean, 0-1 scale)",
          "org_mean_capacity": "social organisations' quality\n(mean, 0-1 scale)"}


def draw(result: dict[str, Any], path: Path) -> Path:
    """Four panels of yearly means (95% bands over replicates), one line per arm."""
    arms = result["arms"]
    series = [Series(name, ls, marker,
                     lambda m, arm=arm, sc=scenario: arms[arm]["years"][sc][m],
                     "0.45" if arm.startswith("Model 2") else "0.05")
              for arm, scenario, name, ls, marker in LINES]
    w, h = result["size"]["width"], result["size"]["height"]
    return draw_panels(series, PANELS, f"Model 2's values and the calibrated point: {w} x {h} "
                       f"households, {result['replicates']} replicates paired by seed; bands "
                       "are 95% CIs", path, figsize=(10, 7.5), legend_size=8)
