"""The ODD's schema-driven tables: parameters, measures and pathways.

They come from the registries the model itself reads (`PARAMS`, `MEASURES`, `PATHWAYS`), as
the composition root (governance/) assembles them from every actor's declaration, so no
actor's section can be missed. scripts/update_odd.py writes them into docs/ODD.md (and
tests/test_docs.py fails when the file drifts from them); `run.py params --markdown` prints
the parameter table, so both show the same thing.
"""

from __future__ import annotations

from experiments.studies.identified import fit_notes, with_fit
from governance import GROUPS, MEASURES, PARAMS, PATHWAYS
from model.schema import CALIBRATION, Param

# Groups whose entries are switches or structure, not behavioural numbers: no source needed.
UNSOURCED_GROUPS = ("mechanisms", "phasing", "space")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _range(p: Param) -> str:
    if p.type is bool:
        return "true / false"
    if p.choices is not None:
        return ", ".join(p.choices)
    return f"{p.low:g} to {p.high:g}"


def params_markdown() -> str:
    """One table per parameter group, in schema order, with each default's source and, for
    a calibrated one, what the fit says of it."""
    notes = fit_notes(CALIBRATION)
    parts = []
    for group in GROUPS:
        specs = [p for p in PARAMS.values() if p.group == group]
        if not specs:
            continue
        rows = ["| name | default | range | unit | meaning | article | source |",
                "|---|---|---|---|---|---|---|"]
        for p in specs:
            source = with_fit(p.source or ("(switch or structure)" if group in UNSOURCED_GROUPS
                                           else ""), notes.get(p.name))
            rows.append(f"| `{p.name}` | {_cell(p.default)} | {_cell(_range(p))} | "
                        f"{_cell(p.unit)} | {_cell(p.meaning)} | {_cell(p.article)} | "
                        f"{_cell(source)} |")
        parts.append(f"#### Group `{group}`\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def measures_markdown() -> str:
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{m.name}` | {_cell(m.unit)} | {_cell(m.meaning)} |"
              for m in MEASURES.values()]
    return "\n".join(lines)


def pathways_markdown() -> str:
    lines = ["| pathway | mechanism or actor | what changes | closed by |", "|---|---|---|---|"]
    for pw in PATHWAYS.values():
        closed = ", ".join(f"`{k}={v}`" for k, v in pw.closed.items())
        lines.append(f"| `{pw.name}` | {_cell(pw.mechanism)} | {_cell(pw.meaning)} | "
                     f"{closed} |")
    return "\n".join(lines)
