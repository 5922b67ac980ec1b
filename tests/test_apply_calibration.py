"""scripts/apply_calibration.py rewrites a field's default and source in place: the result
parses, keeps the rationale's text, and stays within the house's line length even when the
rationale is a concatenation over several lines (two such lines were once left at 104-107)."""

from __future__ import annotations

import ast
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = '''class P:
    vote_party: float = param(
        0.8, "logit weight of Party membership on voting (a trait)", low=0, high=20,
        source="SUNS 2017 (a survey of Shanghai, ch. 5, grade A): 65.09% of members voted "
               "against 48.36% of non-members; size free in calibration")
    short: float = param(1.0, "a short one", source="rationale")
'''


def _apply(source: str, values: dict[str, float]) -> str:
    edits, found = runpy.run_path(str(ROOT / "scripts" / "apply_calibration.py"))["_edits"](
        source, values)
    assert found == set(values)
    for start, end, new in sorted(edits, reverse=True):
        source = source[:start] + new + source[end:]
    return source


def _source_of(text: str, name: str) -> str:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.AnnAssign) and node.target.id == name:
            (kw,) = [k for k in node.value.keywords if k.arg == "source"]
            call = kw.value
            assert isinstance(call, ast.Call) and call.func.id == "calibrated"
            return ast.literal_eval(call.args[0])
    raise AssertionError(name)


def test_a_concatenated_rationale_is_wrapped_and_kept():
    out = _apply(SOURCE, {"vote_party": 0.801993, "short": 2.5})
    assert max(len(line) for line in out.splitlines()) <= 100, out
    assert _source_of(out, "vote_party") == _source_of(_apply(out, {"vote_party": 0.7}),
                                                       "vote_party")  # applied twice: kept
    assert _source_of(out, "vote_party").startswith("SUNS 2017") \
        and _source_of(out, "vote_party").endswith("size free in calibration")
    assert _source_of(out, "short") == "rationale"
    assert "0.801993" in out and "param(2.5," in out
