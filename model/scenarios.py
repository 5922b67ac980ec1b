"""Scenario presets: named overrides of the parameter schema, with teaching notes.

Each preset says what it is, what to notice and what to try (after NetLogo's Info tab); the
CLI's `scenarios` command and the demo both show these texts. The presets themselves are
the composition root's (governance/presets.py): most combine several actors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from model.errors import InputError


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str  # one line: what it is
    overrides: dict[str, Any] = field(default_factory=dict)
    notice: str = ""  # what to watch for
    try_: str = ""  # what to change next
    # "mechanism" (the article's actors and programme), "growth" (communities that differ,
    # same programme), "single" (the baseline plus one mechanism) or "pathway" (the
    # programme with one pathway closed).
    kind: str = "mechanism"


class ScenarioError(InputError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = list(known)
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
        super().__init__(f"scenario {name!r} does not exist; it must be one of "
                         f"{', '.join(known)}.{hint}")
        self.field, self.value = "scenario", name
