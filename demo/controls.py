"""The sidebar's settings, generated from the parameter schema.

Every change rebuilds the run(s) at week 0 with the new settings (the same seed gives the
same community), so what the switches show is always what is running.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import solara

from demo.config import (
    DemoConfig,
    choice_params,
    slider_params,
    slider_step,
    switch_params,
)
from model.scenarios import SCENARIOS


@solara.component
def ScenarioControls(config: DemoConfig, apply: Callable[[DemoConfig], None]) -> None:
    """Scenario, seed and the side-by-side toggle."""
    solara.Select("scenario", values=list(SCENARIOS), value=config.scenario,
                  on_value=lambda name: apply(config.with_scenario(name)))
    solara.InputInt("seed (same seed = same community)", value=config.seed,
                    on_value=lambda seed: apply(replace(config, seed=seed)))
    solara.Switch(label="side by side with a second scenario", value=config.compare,
                  on_value=lambda on: apply(replace(config, compare=on)))
    if config.compare:
        others = list(SCENARIOS)
        solara.Select("second scenario (right)", values=others, value=config.right_scenario(),
                      on_value=lambda name: apply(replace(config, scenario_b=name)))


@solara.component
def MechanismSwitches(config: DemoConfig, apply: Callable[[DemoConfig], None]) -> None:
    """One switch per mechanism; hovering shows what it does in the article's terms."""
    for p in switch_params():
        label = f"{p.name} ({p.article})" if p.article else p.name
        with solara.Tooltip(p.meaning):
            solara.Switch(label=label, value=bool(config.settings.get(p.name, p.default)),
                          on_value=lambda on, name=p.name: apply(config.with_setting(name, on)),
                          classes=[f"switch-{p.name}"])


@solara.component
def ParameterSliders(config: DemoConfig, apply: Callable[[DemoConfig], None]) -> None:
    """Sliders for the schema's main numeric parameters, drop-downs for main choices."""
    for p in slider_params():
        value = config.settings.get(p.name, p.default)
        kind = solara.SliderInt if p.type is int else solara.SliderFloat
        with solara.Tooltip(p.meaning):
            kind(p.name, value=value, min=p.low, max=p.high, step=slider_step(p),
                 on_value=lambda v, name=p.name: apply(config.with_setting(name, v)))
    for p in choice_params():
        solara.Select(p.name, values=list(p.choices), value=config.settings.get(p.name),
                      on_value=lambda v, name=p.name: apply(config.with_setting(name, v)))
