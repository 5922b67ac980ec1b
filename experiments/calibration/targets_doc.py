"""The target table and sources list of docs/CALIBRATION.md, generated from the shipped
targets file so the document never disagrees with what the calibration fits.

Run `python -m experiments.calibration.targets_doc` after editing the targets file;
tests/test_calibration_targets_model3.py fails while the block is out of date.
"""

from __future__ import annotations

from pathlib import Path

from experiments.calibration import config
from experiments.calibration.targets import Target, TargetSet, load, source_line
from experiments.studies import docblocks

DOC, BLOCK = "docs/CALIBRATION.md", "TARGETS"
SHIPPED = Path(__file__).resolve().parents[1] / "configs" / "calibrate_baseline.toml"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _statistic(t: Target) -> str:
    if not t.expressible:
        return "not expressible: " + t.why_not
    stat = " + ".join(f"`{m}`" for m in t.measures)
    if t.reduce == "ratio":
        stat = f"sum {stat} / sum ({' + '.join(f'`{m}`' for m in t.denominator)})"
    else:
        stat = f"{t.reduce} of {stat}"
    if t.window:
        stat += f", weeks {t.window[0]}-{t.window[1]}"
    if t.overrides:
        stat += " with " + ", ".join(f"`{k} = {v}`" for k, v in t.overrides)
    return stat


def _role(t: Target) -> str:
    role = "held out" if t.held_out else "fitted"
    return role + (f" (time path `{t.path}`)" if t.path else "")


def markdown(ts: TargetSet) -> str:
    """Counts, one row per figure, then where each was read."""
    lines = [f"Generated from `{Path(ts.path).name}` ({ts.setting}): {len(ts.targets)} "
             f"figures, {len(ts.fitted())} fitted, {len(ts.held_out())} expressible and held "
             f"out, {len(ts.inexpressible())} not expressible (held out, with the reason).", "",
             "| target | observed | sigma | grade | statistic of the model | role |",
             "|---|---|---|---|---|---|"]
    for t in ts.targets:
        sigma = f"{t.sigma:.3g}" if t.expressible else ""
        lines.append(f"| `{t.name}` | {t.value:g} ({_cell(t.description)}) | {sigma} | "
                     f"{t.grade} | {_cell(_statistic(t))} | {_role(t)} |")
    lines += ["", "Sources:", ""]
    lines += [f"- `{t.name}`: {_cell(source_line(t))}" for t in ts.targets]
    return "\n".join(lines)


def shipped() -> TargetSet:
    return load(config.load(SHIPPED).targets_path)


if __name__ == "__main__":
    docblocks.write(DOC, BLOCK, markdown(shipped()))
    print(f"updated {DOC}")
