"""The long-run study's picture: year-by-year means with their 95% bands, from the stored
result only (so `run.py studies --docs` redraws it without a run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.studies.yearly_figure import Series
from experiments.studies.yearly_figure import draw as draw_panels

# Scenarios drawn (the table beside the figure has all of them): the baseline and the
# article's mechanism groups. Markers and line styles, not colours, tell them apart, so the
# figure reads in greyscale.
DRAWN = ["administrative", "grid_management", "building_self_governance",
         "social_collaboration", "party_led", "collaborative"]
STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1)), "v"),
          ((0, (1, 1)), "x")]
PANELS = [("participation_rate", "speaking up or more this week\n(share of residents)"),
          ("speak_52w", "spoke up at least once in 52 weeks\n(share of residents)"),
          ("share_self_governing", "top rung (self-governance)\n(share of residents)"),
          ("trust_government", "trust in government\n(mean, 0-1 scale)")]


def draw(result: dict[str, Any], path: Path) -> Path:
    """Four panels of yearly means (95% CI bands over replicates), one line per scenario."""
    rows = {r["scenario"]: r for r in result["rows"]}
    series = [Series(name, ls, marker, lambda m, name=name: rows[name]["years"][m])
              for name, (ls, marker) in zip(DRAWN, STYLES, strict=True)]
    w, h = result["size"]["width"], result["size"]["height"]
    return draw_panels(series, dict(PANELS), f"Eight years without caps: {w} x {h} households, "
                       f"{result['replicates']} replicates paired by seed; bands are 95% CIs",
                       path)
