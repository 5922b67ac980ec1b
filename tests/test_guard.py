"""The guard against written-in effects (model/audit.py), and proof that it can fail.

Issue 18 found that a regex over agents/ missed three writes that fired only when a
mechanism was on (an alias, `np.add.at`, a write placed in model/services.py), raising
trust and civic consciousness while the suite passed. The guard now watches writes at run
time, phase by phase; the three mutants are kept here, placed in the source of a scratch
copy of the package, and each must be caught.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from governance import MECHANISMS, GovernanceModel
from model.audit import WRITES, Audit
from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[1]
EVERYTHING = {**dict.fromkeys(MECHANISMS, True), "election_offset": 3, "election_term": 8}


def _audited(scenario: str, steps: int = 12, **over) -> Audit:
    m = GovernanceModel.from_scenario(scenario, rng=5, **{**TINY, **over})
    audit = Audit(m)
    m.run(steps)
    return audit


@pytest.mark.parametrize("scenario, over", [
    ("administrative", {}), ("collaborative", {"election_offset": 3, "election_term": 8}),
    ("administrative", {**EVERYTHING, "trust_rule": "felt_problems",
                        "grid_staffing": "added", "move_out_rate": 0.5})])
def test_no_phase_writes_what_it_may_not(scenario, over):
    audit = _audited(scenario, **over)
    assert audit.violations == []
    # the guard watched the phases it claims to (a guard that sees nothing cannot fail)
    assert {"population.decide", "services.arise", "committee.offer",
            "population.apply_outcomes", "model.step"} <= audit.phases


def test_only_the_population_rules_may_write_minds():
    minds = {"level", "trust_gov", "trust_nbr", "efficacy", "satisfaction", "civic",
             "fatigue"}
    for phase, arrays in WRITES.items():
        if arrays & minds:
            assert phase.startswith("population."), (phase, arrays & minds)


MUTANTS = {
    # an alias in an actor's hook, only when a mechanism is on
    "alias in an actor": ("agents/party/leadership.py", "    def offer(self, now: int) -> None:\n",
                          """
        if self.model.mechanisms["party_leadership"]:
            t = self.model.population.trust_gov
            t += 0.01
"""),
    # np.add.at in an actor's hook
    "np.add.at in an actor": ("agents/committee.py", "    def offer(self, now: int) -> None:\n",
                              """
        import numpy as _np
        if self.model.mechanisms["resident_channels"]:
            _np.add.at(self.model.population.civic, _np.arange(10), 0.05)
"""),
    # a write placed in the core's service loop, only when grid management is on
    "write in model/services.py": ("model/services.py",
                                   "    def detect(self, now: int, rng: np.random.Generator) "
                                   "-> None:\n", """
        if self.model.mechanisms["grid_management"]:
            self.model.population.efficacy[:] += 0.05
"""),
}


def _mutate(tmp: Path, path: str, anchor: str, code: str) -> None:
    target = tmp / path
    text = target.read_text(encoding="utf-8")
    head, sep, tail = text.partition(anchor)
    assert sep, f"anchor not found in {path}"
    # insert after the def line and its docstring, if any
    body_start = tail.find('"""', tail.find('"""') + 3) + 3 if tail.lstrip().startswith(
        '"""') else 0
    if body_start:
        line_end = tail.index("\n", body_start) + 1
        tail = tail[:line_end] + textwrap.indent(textwrap.dedent(code), " " * 8) + \
            tail[line_end:]
    else:
        tail = textwrap.indent(textwrap.dedent(code), " " * 8) + tail
    target.write_text(head + sep + tail, encoding="utf-8")


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_the_guard_catches_each_mutant(mutant, tmp_path):
    """Each mutant writes as soon as its mechanism is on, whatever the state, so the scratch
    model starts with no burn-in (the mutated code has its own hash: a burn-in there is never
    shared, and cost half of each example)."""
    for part in ("model", "agents", "governance"):
        shutil.copytree(ROOT / part, tmp_path / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    _mutate(tmp_path, *MUTANTS[mutant])
    driver = textwrap.dedent(f"""
        import sys
        from governance import GovernanceModel
        from model.audit import Audit
        over = {EVERYTHING!r}
        m = GovernanceModel(rng=5, burn_in=0, **{TINY!r}, **over)
        audit = Audit(m)
        m.run(6)
        print(sorted(set((p, a) for p, a, _ in audit.violations)))
        sys.exit(1 if audit.violations else 0)
    """)
    out = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1, (mutant, out.stdout, out.stderr[-2000:])
    written = {"alias in an actor": ("party.offer", "trust_gov"),
               "np.add.at in an actor": ("committee.offer", "civic"),
               "write in model/services.py": ("services.detect", "efficacy")}[mutant]
    assert repr(written) in out.stdout, out.stdout
