"""The core's parameters: space, run, the service loop and its costs (households' own are
in model/params_households.py).

Each actor declares its own section in its home (agents/); the composition root
(governance/) assembles every section into the one schema that the CLI, validation, the
ODD's tables, the experiment specs and the demo's controls read, and into the typed
parameters (`model.p`) that the rules read.
"""

from __future__ import annotations

from model.params_households import ResidentParams, TimeParams
from model.schema import CALIBRATION, param, section

# The calibration the defaults of the fitted parameters come from (posterior medians,
# experiments/calibrations/baseline/): every result records it.
DEFAULTS_CALIBRATION = CALIBRATION


@section("space")
class SpaceParams:
    """The community's size and its nested units (one household per cell)."""

    # --- space -------------------------------------------------------------------------
    width: int = param(
        100, "households along x (one household per cell)", low=4, high=4000, unit="households")
    height: int = param(
        100, "households along y", low=4, high=4000, unit="households")
    grid_block: int = param(
        20, "side of a management grid (網格) in cells; must divide width and height",
        article="A2c", low=2, high=1000, unit="cells")
    building_block: int = param(
        5, "side of a building (樓棟) in cells; must divide grid_block", article="A3", low=1,
        high=500, unit="cells")


@section("run")
class RunParams:
    """The burn-in before week 0 and its accelerated spin-up (docs/ODD.md 5)."""

    # --- run ---------------------------------------------------------------------------
    burn_in: int = param(
        104, "weeks simulated before week 0 under the baseline institutions (every mechanism "
        "off), so that week 0 is a settled community, not a start-up", low=0, high=2000,
        unit="weeks",
        source="rationale: the service loop (resolution, open issues) and the fast shares "
               "settle within about two years; slow attitudes settle too thanks to the "
               "spin-up (spinup_speedup), where a plain longer burn-in would cost start-up "
               "time (docs/ODD.md 5)")
    spinup_speedup: float = param(
        4.0, "factor by which the burn-in's first weeks (all but the last spinup_settle) "
        "speed up the slow rates (those marked slow: attitudes' learning and fading, trust's "
        "gains and losses; not turnover), so that slow attitudes reach the baseline's steady "
        "state by week 0 (1 = no speed-up)", low=1, high=20,
        source="rationale: accelerated spin-up of slow pools, as in land-surface models "
               "(Thornton and Rosenbloom 2005); speeding up every slow rate alike keeps the "
               "balance they settle at; 4 x 78 weeks covers the ~6 years the slow state needs "
               "(docs/ODD.md 5)")
    spinup_settle: int = param(
        26, "last weeks of the burn-in run at the normal rates, so that week 0 follows the "
        "model's own dynamics", low=0, high=2000, unit="weeks",
        source="rationale: the ladder and the service loop settle within half a year; a "
               "burn-in no longer than this runs wholly at the normal rates")


@section("services")
class ServiceParams:
    """The service loop: issues arise, are voiced or found, handled or escalated (B1, B3)."""

    # --- service loop -------------------------------------------------------------------
    issue_rate: float = param(
        0.015, "issues (needs, problems) a household raises per week", low=0, high=2,
        unit="issues/household/week", main=True,
        source="Beijing 12345, 2019: 2.52M requests for ~21.5M people, ~0.12 per person a "
               "year; ~0.3 per household; a community sees more than reaches the hotline")
    kind_share_public: float = param(
        0.35, "share of household issues about public services (housing, social security, "
        "health)", low=0, high=1, source="rationale")
    kind_share_affairs: float = param(
        0.25, "share about community affairs", low=0, high=1, source="rationale")
    kind_share_building: float = param(
        0.25, "share about building matters", low=0, high=1, source="rationale")
    kind_share_dispute: float = param(
        0.15, "share that are neighbour disputes", low=0, high=1, source="rationale")
    voice_cost: float = param(
        0.35, "chance-cost of voicing an issue; the voicing probability of an active "
        "household falls by this much (channels and platform lower it)", article="B3", low=0,
        high=1, source="rationale")
    voice_prob_1: float = param(
        0.75, "base chance a rung-1 household voices an issue", low=0, high=1,
        source="rationale")
    voice_prob_2: float = param(
        0.9, "base chance a rung-2 household voices an issue", low=0, high=1,
        source="rationale")
    voice_prob_3: float = param(
        0.95, "base chance a rung-3 household voices an issue", low=0, high=1,
        source="rationale")
    voice_efficacy: float = param(
        0.2, "voicing probability added per unit of efficacy", low=0, high=1,
        source="rationale")
    base_detection: float = param(
        0.03, "chance per week an unvoiced issue becomes known without patrol", low=0, high=1,
        source="rationale")
    misroute_prob: float = param(
        0.3, "chance an issue is routed to the wrong level on entry or escalation (bounced "
        "back with delay and cost)", article="A1a", low=0, high=1, source="rationale")
    loss_prob: float = param(
        0.1, "chance an escalated issue is lost between handlers", article="B1", low=0, high=1,
        source="rationale")
    coordination_competence: float = param(
        0.1, "competence every handler gains at full coordination", article="B1", low=0, high=1,
        source="rationale")
    coordination_relief: float = param(
        0.5, "share of misrouting and of escalation cost removed at full coordination (loss "
        "between handlers: all of it)", article="B1", low=0, high=1, source="rationale")
    escalate_after: int = param(
        3, "weeks an issue waits at a handler before it is escalated", low=1, high=100,
        unit="weeks", source="rationale")
    issue_patience: int = param(
        16, "weeks after which an unresolved issue is abandoned", low=1, high=1000,
        unit="weeks", source="rationale")
    self_competence: float = param(
        0.35, "share of complexity a self-governing household settles itself", article="B3",
        low=0, high=1, source="rationale")


@section("costs")
class CostParams:
    """What the administrative line costs the public purse beyond each handler's own cost."""

    cost_escalation: float = param(
        0.5, "public cost of each escalation or bounce", low=0, high=100, unit="cost units",
        source="rationale")


@section("")
class CoreParams(CostParams, ServiceParams, TimeParams, ResidentParams, RunParams, SpaceParams):
    """Every parameter the core reads; each actor's section extends it."""


# The core's sections in schema order.
CORE_SECTIONS = (SpaceParams, RunParams, ResidentParams, TimeParams, ServiceParams, CostParams)
