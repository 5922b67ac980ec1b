"""The pathways through which the mechanisms act, each with the settings that close it.

A mechanism never adds utility, trust or satisfaction; it changes conditions, and each
changed condition is a pathway: cheaper voicing, staff time for activities, places at
activities, roles, detection, coordination of handlers... To ask how much of an effect
goes through one pathway, run the programme with that pathway closed (its parameters set
to the neutral values it names) and compare, paired, with the programme whole. Each actor
declares the pathways of its conditions; the composition root adds groups of them and a
preset `collaborative_without_<pathway>` for each (experiments/configs/pathways.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pathway:
    name: str
    mechanism: str  # the mechanism (or actor) whose condition it is
    meaning: str
    closed: dict[str, Any] = field(default_factory=dict)  # settings that close it


def group(name: str, meaning: str, members: list[Pathway]) -> Pathway:
    """Several pathways closed together (single sources of places substitute for one
    another, so a group can carry more than the sum of its members)."""
    closed: dict[str, Any] = {}
    for member in members:
        closed.update(member.closed)
    return Pathway(name, "group", meaning, closed)
