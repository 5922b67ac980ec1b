"""docs/ODD.md and docs/ARCHITECTURE.md stay true to the code.

The ODD's tables are generated from the registries the model reads (parameters, measures,
pathways); its claim map must point at code that exists; no document may describe the
utility bonuses Model 2 removed (issue 10).
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from experiments.studies.identified import fit_notes, with_fit
from governance import MEASURES, PARAMS, PATHWAYS
from model.schema import CALIBRATION

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
# The article's claims (../shared/source/article.en.md); each needs a home in the claim map.
CLAIMS = ("A1", "A1a", "A1b", "A2", "A2a", "A2b", "A2c", "A3", "B1", "B2", "B3", "B4",
          "C1", "C2", "C3", "C4")
# Written-in effects removed by Model 2: no document may describe them as if they existed.
REMOVED = ("CHANNEL_SUPPORT", "PLATFORM_SUPPORT", "ORGANIZING_EFFECT", "party_recruitment",
           "building_support", "org_activity_pull", "org_rating_pull",
           "enterprise_volunteer_support", "support_cap", "admin_crowding_weight",
           "building_trust_rate", "party_member_duty", "support[", "model/actors",
           "params_party", "params_orgs", "params_*.py")


def _update_odd():
    spec = importlib.util.spec_from_file_location("update_odd", ROOT / "scripts/update_odd.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _odd() -> str:
    return ODD.read_text(encoding="utf-8")


def _block(text: str, key: str) -> str:
    match = re.search(rf"<!-- {key}:BEGIN -->(.*?)<!-- {key}:END -->", text, flags=re.S)
    assert match, f"docs/ODD.md has no {key} block"
    return match.group(1)


def _section(text: str, heading: str) -> str:
    """The body of the level-2 section whose heading starts with `heading`."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"docs/ODD.md has no section '## {heading}'"
    return match.group(1)


def test_odd_tables_match_the_schema():
    text = _odd()
    assert _update_odd().render(text) == text, (
        "docs/ODD.md is out of date: run `python scripts/update_odd.py`")


def test_every_parameter_measure_and_pathway_has_a_row():
    text = _odd()
    params, measures, pathways = (_block(text, k) for k in ("PARAMS", "MEASURES", "PATHWAYS"))
    for name in PARAMS:
        assert f"| `{name}` |" in params, name
    for name in MEASURES:
        assert f"| `{name}` |" in measures, name
    for name in PATHWAYS:
        assert f"| `{name}` |" in pathways, name


def test_every_behavioural_parameter_row_shows_its_source():
    # and, for a calibrated parameter, what the fit says of it (tests/test_identified.py)
    unsourced = _update_odd().UNSOURCED_GROUPS
    notes = fit_notes(CALIBRATION)
    rows = [r for r in _block(_odd(), "PARAMS").splitlines() if r.startswith("| `")]
    assert len(rows) == len(PARAMS)
    for row in rows:
        name = row.split("`")[1]
        source = row.rstrip().rstrip("|").rsplit(" | ", 1)[-1].strip()
        if PARAMS[name].group not in unsourced:
            expected = with_fit(PARAMS[name].source, notes.get(name)).replace("|", "\\|")
            assert PARAMS[name].source and source == expected, name


def test_every_mechanism_is_described_with_its_pathways():
    text = _odd()
    pathways = _block(text, "PATHWAYS")
    for mech in {p.mechanism for p in PATHWAYS.values()}:
        assert mech in pathways, mech
    for mech in PARAMS:
        if PARAMS[mech].group == "mechanisms":
            assert f"`{mech}`" in _section(text, "7. Submodels"), mech


def _claim_rows() -> list[tuple[str, str]]:
    """(claim cell, lives-in cell) of every row of the claim map."""
    rows = []
    for line in _section(_odd(), "8. Claim map").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.match(r"[ABC]\d", cells[0]):
            rows.append((cells[0], cells[3]))
    return rows


def test_claim_map_covers_every_claim():
    claims = {re.match(r"[ABC]\d[a-c]?", c).group(0) for c, _ in _claim_rows()}
    missing = [c for c in CLAIMS if c not in claims]
    assert not missing, f"claims without a home in the claim map: {missing}"


def _defined(path: Path, dotted: str) -> bool:
    """Whether `dotted` (a name, or Class.method) is defined at module level of `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scope: list[ast.stmt] = tree.body
    for part in dotted.split("."):
        found = None
        for node in scope:
            names = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            if part in names:
                found = node
                break
        if found is None:
            return False
        scope = getattr(found, "body", [])
    return True


@pytest.mark.parametrize("claim, home", _claim_rows())
def test_claim_map_points_at_code_that_exists(claim: str, home: str):
    match = re.match(r"`([\w/.]+\.py)::([\w.]+)`", home)
    assert match, f"{claim}: 'lives in' must start with `path.py::Name`, got {home!r}"
    path, name = ROOT / match.group(1), match.group(2)
    assert path.is_file(), f"{claim}: {path} does not exist"
    assert _defined(path, name), f"{claim}: {name} is not defined in {match.group(1)}"


def test_sections_the_code_cites_exist():
    text = _odd()
    for heading in ("## 5. Initialization", "### 7.5 Participation"):
        assert heading in text, heading


@pytest.mark.parametrize("doc", ["docs/ODD.md", "docs/ARCHITECTURE.md"])
def test_no_document_describes_removed_bonuses(doc: str):
    text = (ROOT / doc).read_text(encoding="utf-8")
    stale = [name for name in REMOVED if name in text]
    assert not stale, f"{doc} still describes what Model 2 removed: {stale}"


def test_no_stale_actor_documents():
    """The actors' descriptions live in docs/ODD.md section 7; no separate copies remain."""
    assert not list((ROOT / "docs" / "odd").glob("*.md"))


def test_every_spec_field_is_documented():
    from experiments.specify.fields import DESIGN, PRECISION, TOP

    text = (ROOT / "docs" / "EXPERIMENTS.md").read_text()
    for table in (TOP, DESIGN, PRECISION):
        for key in table:
            assert f"`{key}`" in text, key
