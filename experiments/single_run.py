"""One run of the model, its files and its overview picture (`python run.py run`)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from governance import MEASURES, GovernanceModel

LADDER = (("share_inactive", "inactive", ""), ("share_speaking", "speaking up", "//"),
          ("share_guided", "guided participation", ".."), ("share_self_governing",
                                                           "self-governance", "xx"))


def simulate(params: dict[str, Any], seed: int, steps: int, progress=None) -> GovernanceModel:
    """Build and run one model; `progress` (optional) is called once per step."""
    model = GovernanceModel(rng=seed, **params)
    for _ in range(steps):
        model.step()
        if progress is not None:
            progress()
    return model


def overview_figure(df: pd.DataFrame, title: str) -> plt.Figure:
    """Ladder shares, trust, service and cost over time: readable in greyscale."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
    steps = df.index.to_numpy()
    ax = axes[0, 0]
    ax.stackplot(steps, *[df[c] for c, _, _ in LADDER], labels=[lab for _, lab, _ in LADDER],
                 colors=["#f0f0f0", "#bdbdbd", "#737373", "#252525"], hatch=[h for *_, h in LADDER],
                 edgecolor="black", linewidth=0.3)
    ax.set_ylabel("share of households")
    ax.set_ylim(0, 1)
    ax.set_title("Participation ladder (B3)")
    ax.legend(loc="upper left", fontsize=8)
    ax = axes[0, 1]
    for col, style, lab in (("trust_government", "-", "trust in government"),
                            ("trust_neighbors", "--", "trust in neighbours"),
                            ("satisfaction", ":", "satisfaction"),
                            ("efficacy", "-.", "efficacy")):
        ax.plot(steps, df[col], style, color="black", label=lab)
    ax.set_ylabel("mean over households (0-1)")
    ax.set_ylim(0, 1)
    ax.set_title("Trust, satisfaction, efficacy (C4)")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    ax.plot(steps, df["resolution_rate"], "-", color="black", label="resolution rate")
    ax.plot(steps, df["share_resolved_below_government"], "--", color="black",
            label="share resolved below government")
    ax.plot(steps, df["participation_rate"], ":", color="black", label="participation rate")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1)
    ax.set_title("Service: the last kilometre")
    ax.legend(fontsize=8)
    ax.set_xlabel("step (week)")
    ax = axes[1, 1]
    ax.plot(steps, df["gov_admin_cost"], "-", color="black", label="public cost per step")
    ax.set_ylabel("public cost (cost units / step)")
    ax2 = ax.twinx()
    ax2.plot(steps, df["cost_per_resolved_issue"], "--", color="grey",
             label="cost per resolved issue")
    ax2.set_ylabel("cost units / resolved issue")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8)
    ax.set_title("Cost (C1)")
    ax.set_xlabel("step (week)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def write_run(model: GovernanceModel, out: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Write timeseries.csv, final.json and overview.png; all or nothing.

    Files are written into a temporary folder beside `out` and then moved in, so a crash
    or an error never leaves a half-written result that looks whole.
    """
    df = model.datacollector.get_model_vars_dataframe()
    df.index.name = "step"
    final = {"meta": meta, "params": model.params,
             "final": {k: float(df[k].iloc[-1]) for k in MEASURES},
             "units": {k: MEASURES[k].unit for k in MEASURES}}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        df.to_csv(tmp / "timeseries.csv")
        (tmp / "final.json").write_text(json.dumps(final, indent=2))
        fig = overview_figure(df, meta.get("title", ""))
        fig.savefig(tmp / "overview.png", dpi=110)
        plt.close(fig)
        out.mkdir(parents=True, exist_ok=True)
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
