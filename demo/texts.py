"""Words for students: what the chosen scenario is, what is switched on, what to watch for.

Built from the scenario's own fields (`description`, `notice`, `try_`) and the schema's
meaning of each mechanism, so the texts follow the model as presets are added.
"""

from __future__ import annotations

from typing import Any

from demo.config import DemoConfig
from model.params import MECHANISMS, PARAMS
from model.scenarios import SCENARIOS


def mechanisms_on(params: dict[str, Any]) -> list[str]:
    """Markdown bullets for each mechanism on in a parameter set, with its phase-in week."""
    lines = []
    for name in MECHANISMS:
        if not params.get(name):
            continue
        start = params.get(f"{name}_start", 0) or 0
        when = f" — from week {start}" if start > 1 else ""
        lines.append(f"- **{name}** ({MECHANISMS[name]}){when}: {PARAMS[name].meaning}")
    return lines


def scenario_text(name: str, params: dict[str, Any], edits: dict[str, Any] | None = None) -> str:
    """A short Markdown note for one run."""
    sc = SCENARIOS[name]
    parts = [f"### {name}", sc.description]
    if sc.notice:
        parts.append(f"**Watch for:** {sc.notice}")
    if sc.try_:
        parts.append(f"**Then try:** {sc.try_}")
    on = mechanisms_on(params)
    parts.append("**Switched on:**\n\n" + ("\n".join(on) if on else "- nothing: every mechanism "
                                                                  "is off"))
    if edits:
        changed = ", ".join(f"{k} = {_fmt(v)}" for k, v in edits.items())
        parts.append(f"**Your changes to the preset:** {changed}")
    return "\n\n".join(parts)


def classroom_texts(config: DemoConfig) -> list[str]:
    """One note per run: the left (edited) scenario and, side by side, the other preset."""
    texts = [scenario_text(config.scenario, config.left_params(), config.edits())]
    if config.compare:
        right = config.right_params()
        slider_edits = {k: v for k, v in config.edits().items() if PARAMS[k].type is not bool}
        texts.append(scenario_text(config.right_scenario(), right, slider_edits))
    return texts


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).lower() if isinstance(value, bool) else str(value)
