"""The Solara page: Mesa's step / play / pause / reset, schema-made controls, picture, charts.

Run with `python run.py demo`. The page reuses Mesa's `ModelController` (the standard
buttons and the play loop) and `update_counter` (the redraw signal); the model it drives is
a `Classroom`, which holds one run or two runs on the same community.
"""

from __future__ import annotations

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from demo.charts import ChartBoard
from demo.classroom import Classroom
from demo.config import DemoConfig, check_seed, default_scenario
from demo.controls import MechanismSwitches, ParameterSliders, ScenarioControls
from demo.drawing import CommunityBoard
from demo.texts import classroom_texts
from model.errors import InputError

TITLE = "Community governance — teaching demo"


@solara.component
def BoardView(model: Classroom, board_class: type, css_class: str) -> None:
    """A figure board; rebuilt only when the run set changes, else updated in place."""
    update_counter.get()
    board = solara.use_memo(lambda: board_class(model.runs), [model])
    fig = board.update()
    with solara.Div(classes=[css_class]):
        solara.FigureMatplotlib(fig, format="png", dependencies=[model, update_counter.value])


def CommunityView(model: Classroom):
    """The community picture(s)."""
    return BoardView(model, CommunityBoard, "demo-community")


def ChartsView(model: Classroom):
    """The live charts."""
    return BoardView(model, ChartBoard, "demo-charts")


@solara.component
def WeekCounter(model: Classroom) -> None:
    update_counter.get()
    solara.Text(f"Week {model.step_count}", classes=["demo-week"],
                style={"font-size": "1.4em", "font-weight": "bold"})


@solara.component
def Page() -> None:
    config = solara.use_reactive(solara.use_memo(
        lambda: DemoConfig.for_scenario(default_scenario()), []))
    model = solara.use_reactive(solara.use_memo(lambda: Classroom(config.value), []))
    model_parameters = solara.use_reactive({"config": config.value})
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    error = solara.use_reactive("")

    def apply(new: DemoConfig) -> None:
        """Rebuild the run(s) with new settings; bad input leaves the current run alone."""
        try:
            check_seed(new.seed)
            built = Classroom(new)
        except InputError as exc:
            error.set(str(exc))
            return
        error.set("")
        config.set(new)
        model_parameters.set({"config": new})
        model.set(built)
        force_update()

    with solara.AppBar():
        solara.AppBarTitle(TITLE)

    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            WeekCounter(model.value)
            ModelController(model, model_parameters=model_parameters,
                            play_interval=play_interval, render_interval=render_interval,
                            use_threads=use_threads)
            solara.SliderInt("pause between steps (ms)", value=play_interval, min=10,
                             max=1000, step=10)
            solara.Text("Changing a setting restarts the run at week 0 on the same "
                        "community (same seed).", style={"font-size": "0.85em"})
        if error.value:
            solara.Error(error.value)
        with solara.Card("Scenario"):
            ScenarioControls(config.value, apply)
        with solara.Card("Mechanisms (article section)"):
            MechanismSwitches(config.value, apply)
        with solara.Card("Main parameters"):
            ParameterSliders(config.value, apply)

    notes = classroom_texts(config.value)
    with solara.Column(style={"padding": "8px"}):
        if len(model.value.runs) == 1:
            with solara.Columns([1, 1]):
                with solara.Column():
                    CommunityView(model.value)
                    with solara.Div(classes=["demo-notes"]):
                        solara.Markdown(notes[0], style={"font-size": "0.9em"})
                ChartsView(model.value)
        else:
            CommunityView(model.value)
            with solara.Columns([1] * len(notes), classes=["demo-notes"]):
                for text in notes:
                    solara.Markdown(text, style={"font-size": "0.9em"})
            ChartsView(model.value)
