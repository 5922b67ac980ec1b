"""The core's parameters: space, run, the service loop and its costs (residents' own are in
model/params_households.py, who they are and how they meet and vote in params_people.py).

Each actor declares its own section in its home (agents/); the composition root
(governance/) assembles every section into the one schema that the CLI, validation, the
ODD's tables, the experiment specs and the demo's controls read, and into the typed
parameters (`model.p`) that the rules read.
"""

from __future__ import annotations

from model.params_households import ResidentParams, TimeParams
from model.params_people import NeighbouringParams, PeopleParams, SpeakingParams, VotingParams
from model.schema import CALIBRATION, calibrated, param, section

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
        520, "weeks simulated before week 0 under the baseline institutions (every mechanism "
        "off), so that week 0 is a settled community, not a start-up", low=0, high=5000,
        unit="weeks",
        source="the settle study (experiments/studies/settle.py): after a plain ten-year "
               "burn-in every share or mean in [0, 1] of the baseline moves by less than 0.04 "
               "over the next eight years (issue 18's bound); its end state is reused by every "
               "run with the same seed and burn-in parameters (model/settled.py)")
    spinup_speedup: float = param(
        1.0, "factor by which the burn-in's first weeks (all but the last spinup_settle) speed "
        "up the slow rates (schema flag slow: attitudes' learning and fading, trust's gains "
        "and losses, turnover) and the clock of years lived here; 1 = no speed-up (the "
        "default: a plain burn-in)", low=1, high=20,
        source="an option, not the default: an accelerated spin-up (Thornton and Rosenbloom "
               "2005) keeps linear balances but not lumpy ones (a problem that waits for "
               "months saturates satisfaction): the settle study found satisfaction 0.1 off at "
               "week 0 with it (docs/ODD.md 5)")
    spinup_settle: int = param(
        26, "last weeks of the burn-in run at the normal rates when the spin-up is on", low=0,
        high=5000, unit="weeks",
        source="rationale: the ladder and the service loop settle within half a year")


@section("services")
class ServiceParams:
    """The service loop: problems arise, are reported or found, handled or escalated (B1, B3)."""

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
    report_base: float = param(
        0.924397, "base chance a household reports a problem of its own (to the committee, the "
        "hotline or the platform)", low=0, high=1,
        source=calibrated("rationale: most problems that matter are reported; free in calibration "
               "(target: requests per resident, Beijing 12345)"))
    report_cost: float = param(
        0.35, "chance-cost of reporting: the reporting probability falls by this much times "
        "the channels' cost factor (platform and resident channels lower it)",
        article="A1b, B3", low=0, high=1, source="rationale")
    report_efficacy: float = param(
        0.2, "reporting probability added per unit of the household's residents' mean "
        "efficacy", low=0, high=1, source="rationale: those answered before ask again")
    base_detection: float = param(
        0.03, "chance per week an unreported issue becomes known without patrol", low=0, high=1,
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
        32, "weeks after which an unresolved issue is abandoned", low=1, high=1000,
        unit="weeks", source=calibrated("rationale"))
    self_competence: float = param(
        0.35, "share of complexity a household with a self-governing resident settles "
        "itself", article="B3", low=0, high=1, source="rationale")


@section("costs")
class CostParams:
    """What the administrative line costs the public purse beyond each handler's own cost."""

    cost_escalation: float = param(
        0.5, "public cost of each escalation or bounce", low=0, high=100, unit="cost units",
        source="rationale")


@section("")
class CoreParams(VotingParams, NeighbouringParams, SpeakingParams, CostParams, ServiceParams,
                 TimeParams, ResidentParams, PeopleParams, RunParams, SpaceParams):
    """Every parameter the core reads; each actor's section extends it."""


# The core's sections in schema order.
CORE_SECTIONS = (SpaceParams, RunParams, PeopleParams, ResidentParams, TimeParams, ServiceParams,
                 CostParams, SpeakingParams, NeighbouringParams, VotingParams)
