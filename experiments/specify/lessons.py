"""The questions the classroom demo's lessons put to the model, and the spec each answer runs.

A lesson compares two presets (a stated baseline and the baseline with one thing changed)
and answers in a few measures. The answer runs as the main job reads its effects: paired
runs, each replicate with its own calibrated parameter set (30 distinct ones) where the
shipped posterior fits the model, at the main job's community size and over its eight years,
whatever the page shows. The pairs live here, below the demo, because the lessons study
(experiments/studies/lessons.py) stores the answers for the page's default seed: the same
spec, from this one function, is what the demo would otherwise run live.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.specify import main_job
from governance import MEASURES, SCENARIOS

ANSWER_SEED = 42  # the demo page's default seed (demo/config.py; a test keeps them equal)
ANSWER_SEEDS = 10  # the page's default "run N seeds" (demo/seeds.py; likewise)
BAND = (2.5, 97.5)  # percentiles of the runs drawn as a band on the page's charts


@dataclass(frozen=True)
class Question:
    number: int
    left: str  # the stated baseline
    right: str  # the baseline with one thing changed
    answer: tuple[str, ...]  # measures the answer speaks about

    def available(self) -> bool:
        return self.left in SCENARIOS and self.right in SCENARIOS

    def measures(self) -> list[str]:
        """The answer's measures this model has."""
        return [m for m in self.answer if m in MEASURES]


QUESTIONS = (
    Question(1, "administrative", "grid_management",
             ("share_resolved_below_government", "gov_admin_cost", "mean_resolution_time")),
    Question(2, "administrative", "only_party_leadership",
             ("participation_rate", "share_guided", "share_self_governing", "activity_26w")),
    Question(3, "collaborative", "collaborative_without_all_places",
             ("capacity_mobilization", "capacity_integration", "trust_neighbors",
              "civic_consciousness")),
    Question(4, "collaborative", "staged_rollout",
             ("participation_rate", "trust_government", "share_resolved_below_government")),
    Question(5, "administrative", "grid_management",
             ("participation_rate", "activity_26w", "speak_52w", "trust_government")),
    # The same switch under the other documented staffing choice (grid_staffing): whether
    # lesson 5's signs rest on who staffs the grids is the paired runs' to say.
    Question(6, "grid_management", "grid_management_added",
             ("participation_rate", "activity_26w", "speak_52w", "trust_government")),
    Question(7, "administrative", "collaborative",
             ("gov_admin_cost", "cost_per_resolved_issue", "resolution_rate")),
)


def answer_setup(seed: int, seeds: int) -> tuple[str | None, int, int, int]:
    """What an answer runs with: the main job's posterior (None when it cannot be used with
    this model), replicates for 30 distinct particles (at least `seeds`), its community
    size and its 416 weeks, so the answer reads years 1, 3 and 8 as the main job does.
    About two minutes on one core (experiments/specify/main_job.py)."""
    posterior = main_job.usable_posterior()
    n = max(seeds, main_job.replicates_needed(seed, posterior))
    return posterior, n, main_job.SIZE, main_job.STEPS


def answer_spec(q: Question, seed: int, seeds: int, size: int | None = None,
                weeks: int | None = None) -> dict[str, Any]:
    """The answer's experiment spec (a dict for specify.check.from_dict); `size` and `weeks`
    replace the main job's (tests)."""
    posterior, n, side, steps = answer_setup(seed, seeds)
    steps = weeks or steps
    side = size or side
    raw: dict[str, Any] = {
        "name": f"lesson_{q.number}_answer",
        "description": f"The classroom demo's lesson {q.number}: {q.right} against {q.left}.",
        "base": q.left, "scenarios": [q.left, q.right], "reference": q.left,
        "replicates": n, "steps": steps, "warmup": steps // 2, "outcome": "mean",
        "seed": seed, "measures": q.measures(), "overrides": {"width": side, "height": side}}
    if posterior:
        raw["posterior"] = posterior
    return raw


def comparable(raw: dict[str, Any]) -> dict[str, Any]:
    """A spec without where its posterior file lies (checkouts differ); what the posterior
    holds is compared by `posterior_sha`."""
    return {k: v for k, v in raw.items() if k != "posterior"}


def posterior_sha(path: str | None) -> str | None:
    """A short hash of a posterior file's bytes (None without one)."""
    if not path:
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
