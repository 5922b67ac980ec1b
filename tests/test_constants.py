"""Every behavioural number of the model lives in the parameter schema (issue 10, item 3).

The test reads every module of the model's rules (model/, agents/ and the composition in
governance/, the schema files excepted), lists its numeric literals, and fails on one that
is neither 0 or 1 nor in the allow-list below, where each entry says why the number is
structure, not behaviour. Scenario presets are parameter values (checked by the schema),
so literals inside a `Scenario(...)` or a preset dict are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

from governance import PARAMS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILES = {"params.py", "schema.py"}
# Modules whose module-level dicts are scenario presets (parameter values, validated).
PRESET_MODULES = {"governance/presets.py"}

RUNGS = "rung numbers of the participation ladder (0 inactive ... 3 self-governance)"
ALLOWED: dict[tuple[str, float], str] = {
    ("model/population.py", 52): "weeks in a year (one step is a week)",
    ("model/population.py", 2): RUNGS,
    ("model/population.py", 3): "three age bands / rung 3",
    ("model/population.py", 4): "four life situations",
    ("model/decision.py", 2): RUNGS,
    ("model/decision.py", 3): RUNGS,
    ("model/decision.py", 4): "LEVELS: four rungs",
    ("model/decision.py", 60.0): "numeric bound on utilities: exp(-60) is 0 in float32",
    ("model/experience.py", 2): RUNGS,
    ("model/experience.py", 4096): "a bound on a look-up cache's entries (memory), not behaviour",
    ("model/people.py", 3): "three age bands (18-34, 35-59, 60+)",
    ("model/people.py", 4): "four life situations",
    ("model/people.py", 5): "the household-size distribution's last class: 5 or more",
    ("model/recall.py", 52): "weeks in a year (the survey's twelve-month window)",
    ("model/recall.py", 2): "a 'never' sentinel half the int32 range (no overflow)",
    ("model/recall.py", 255): "uint8 cap of one week's count in the ring buffer",
    ("model/neighbouring.py", 52.0): "weeks in a year (tenure in years)",
    ("model/voting.py", 52): "weeks in a year (tenure in years)",
    ("model/measures_people.py", 26): "measure definition: a six-month (26-week) window, as "
                                      "surveys ask",
    ("model/measures_people.py", 52): "measure definition: a year's (52-week) window",
    ("model/measures_people.py", 2): "age band / situation index (60+; caring)",
    ("model/measures_people.py", 3): "situation index (student)",
    ("model/measures_people.py", 0.625): "measure definition: the top two steps of a "
                                         "five-point scale mapped onto [0, 1] begin at 3.5",
    ("model/measures_people.py", 0.5): "measure definition: the top two answers of a "
                                       "four-point scale mapped onto [0, 1] begin at 0.5",
    ("model/measures_people.py", 0.375): "measure definition: the bottom two steps of a "
                                         "five-point scale end below 0.375",
    ("model/services.py", 10): "never sentinel 10**9 (felt_after under known_failures)",
    ("model/services.py", 9): "never sentinel 10**9 (felt_after under known_failures)",
    ("model/settled.py", 400): "memory cap of kept states (MB), not behaviour",
    ("model/settled.py", 2): "bytes units (2**20, 2**30), not behaviour",
    ("model/settled.py", 20): "bytes units (2**20), not behaviour",
    ("model/settled.py", 4): "disk cap of kept states (GB), not behaviour",
    ("model/settled.py", 30): "bytes units (2**30), not behaviour",
    ("model/settled.py", 16): "hex digits of a code hash",
    ("model/settled.py", 32): "hex digits of a state's key",
    ("model/settled.py", 6): "characters of a relative path prefix ('_start' has six)",
    ("model/settled.py", 1300): "bytes of a saved state per household (measured), not behaviour",
    ("agents/government.py", 1000.0): "unit: platform_replies is per 1,000 residents",
    ("model/population.py", 0.5): "lognormal mean correction -sd^2/2 (keeps the mean)",
    ("model/population.py", 10): "never-contacted sentinel -10**9",
    ("model/population.py", 9): "never-contacted sentinel -10**9",
    ("model/explain.py", 3): RUNGS,
    ("model/handlers.py", 3): RUNGS,
    ("model/issues.py", 4): "four household issue kinds",
    ("model/issues.py", 5): "five issue kinds with enterprise disputes",
    ("model/house.py", 3): "a did-you-mean offers at most three names",
    ("model/house.py", 0.6): "a did-you-mean's similarity cutoff (difflib)",
    ("model/scenarios.py", 3): "a did-you-mean offers at most three names",
    ("model/scenarios.py", 0.5): "a did-you-mean's similarity cutoff (difflib)",
    ("model/measures.py", 2): RUNGS,
    ("model/measures.py", 52): "weeks in a year (a weekly count as a yearly rate)",
    ("model/measures.py", 3): RUNGS,
    ("model/capacities.py", 2): RUNGS,
    ("model/capacities.py", 13): "measure definition: reach window of a quarter (13 weeks)",
    ("model/community.py", 2): "half a grid's side: its centre cell",
    ("model/community.py", 100): "the unit of staff_capacity (per 100 households), a unit "
                                 "of measure, not a behavioural number",
    ("model/simulation.py", 4): "words of seed state mixed into a named stream",
    ("model/simulation.py", 2): RUNGS,
    ("model/simulation.py", 3): RUNGS,
    ("agents/buildings/agent.py", 2): "half a building's side: its centre cell",
    ("agents/buildings/agent.py", 1e-09): "numeric guard against a zero vote weight",
    ("agents/buildings/self_governance.py", 2): RUNGS,
    ("agents/buildings/self_governance.py", 3): RUNGS,
    ("agents/party/agent.py", 2): RUNGS,
    ("agents/enterprises/sector.py", 2): "kind matches need: 1 + (1 if matched) doubles",
    ("agents/organizations/reach.py", 2): "geometry: a square of side 2r + 1",
    ("agents/organizations/reach.py", 4): "geometry columns (kind, x, y, radius)",
    ("agents/organizations/reach.py", 32): "bits of an organisation id in a packed key",
    ("agents/organizations/reach.py", 64): "performance: paints before a full rebuild",
    ("agents/organizations/sector.py", 1000.0): "unit: parameters are per 1000 households",
    ("agents/organizations/sector.py", 0.01): "numeric floor: quality stays positive",
    ("agents/organizations/__init__.py", 1000.0): "unit: parameters are per 1000 households",
    ("agents/organizations/instruments.py", 1000.0): "unit: parameters are per 1000 households",
    ("agents/organizations/instruments.py", 1e-09): "numeric guard in ceil()",
    ("agents/organizations/instruments.py", 1e-06): "numeric guard: no division by zero",
}


def _rule_files() -> list[Path]:
    files = [*(ROOT / "model").glob("*.py"), *(ROOT / "agents").rglob("*.py"),
             *(ROOT / "governance").glob("*.py")]
    return sorted(f for f in files if f.name not in SCHEMA_FILES)


def _skipped(tree: ast.AST, rel: str) -> set[int]:
    """Nodes that declare parameters or scenario presets (values the schema checks)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        name = ""
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", "") or getattr(node.func, "attr", "")
        preset_module = rel in PRESET_MODULES and isinstance(node, ast.Assign | ast.List)
        preset_dict = isinstance(node, ast.Dict) and node.keys and all(
            isinstance(k, ast.Constant) and k.value in PARAMS for k in node.keys)
        if name in ("param", "_p", "_size", "_situation", "Scenario") or preset_module \
                or preset_dict:
            skip.update(id(sub) for sub in ast.walk(node))
    return skip


def literals() -> list[tuple[str, int, float]]:
    found = []
    for path in _rule_files():
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _skipped(tree, rel)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and type(node.value) in (int, float)
                    and id(node) not in skip and node.value not in (0, 1)):
                found.append((rel, node.lineno, node.value))
    return found


def test_no_unregistered_numbers_in_the_rules():
    bad = [f"{rel}:{line}: {value!r}" for rel, line, value in literals()
           if (rel, value) not in ALLOWED]
    assert not bad, ("behavioural numbers outside the parameter schema (add them to the "
                     "schema, or to ALLOWED with the reason they are structure):\n"
                     + "\n".join(bad))


def test_allow_list_is_not_stale():
    seen = {(rel, value) for rel, _, value in literals()}
    stale = sorted(k for k in ALLOWED if k not in seen)
    assert not stale, f"allow-list entries no longer needed: {stale}"


def test_every_parameter_has_a_source_or_rationale():
    missing = [name for name, p in PARAMS.items()
               if not p.source and p.group not in ("mechanisms", "phasing", "space")]
    assert not missing, f"parameters without a source or rationale: {missing}"
