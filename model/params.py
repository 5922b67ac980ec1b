"""The parameter schema: the one place every parameter is declared.

The CLI (`--set`, `run.py params`), validation, the ODD parameter table, the experiment
specs and the demo's controls all read `PARAMS`; nothing else may keep its own list. Actors
of the article declare their parameters in `model/params_<actor>.py` (a list `SPECS`),
collected here into the same schema.
"""

from __future__ import annotations

import difflib
from typing import Any

from model import params_buildings, params_enterprises, params_orgs, params_party
from model.schema import Param, ParamError, mechanism, param

_p = param
_mechanism = mechanism

__all__ = ["GROUPS", "MECHANISMS", "PARAMS", "Param", "ParamError", "defaults",
           "parse_assignments", "validate"]

MECHANISMS: dict[str, str] = {
    "responsibility_list": "A1a",
    "info_platform": "A1b",
    "grid_management": "A2c",
    "rc_deadministration": "A2b",
    "party_leadership": "A2a, B1",
    "building_autonomy": "A3",
    "org_incubation": "B2(i)",
    "org_incentives": "B2(ii)",
    "org_procurement": "B2(ii), C1",
    "org_coordination": "B2(iii)",
    "enterprise_consultation": "B4(i)",
    "enterprise_participation": "B4(ii), C3",
    "resident_channels": "B3",
}

_MECH_MEANING = {
    "responsibility_list": "responsibility lists fix duties between district, street and "
    "community: fewer issues misrouted or bounced between levels",
    "info_platform": "one-stop information platform linking district, street, community, grid "
    "and household: voicing is cheaper, detection higher, routing and escalation faster",
    "grid_management": "the community is cut into management grids, each with a grid worker "
    "who patrols, finds unvoiced issues and handles them locally",
    "rc_deadministration": "the residents' committee sheds administrative work pushed down by "
    "government and turns the freed time to organising residents",
    "party_leadership": "the community Party committee with grid branches and building groups: "
    "work meetings raise coordination between handlers, party members recruit neighbours",
    "building_autonomy": "buildings may elect a self-governance committee and write a covenant; "
    "it settles building matters and neighbour disputes",
    "org_incubation": "free space and professional incubators: more social organisations are "
    "founded and they start stronger",
    "org_incentives": "periodic assessment and rating of social organisations, rewards for the "
    "best, ratings published to residents",
    "org_procurement": "government buys services from social organisations by open tender "
    "(rowing to steering)",
    "org_coordination": "organisations' leaders coordinate: less overlap, shared resources",
    "enterprise_consultation": "community-enterprise consultation platform that mediates "
    "disputes between enterprises, employees and residents",
    "enterprise_participation": "participation platform matching enterprise donations to social "
    "organisations' public-interest projects",
    "resident_channels": "voicing channels (hotline, app, chat groups, mailbox), activities and "
    "resident consultation that lower the cost of each participation rung",
}

_SPECS: list[Param] = [
    # --- space -------------------------------------------------------------------------
    _p("width", int, 100, "households along x (one household per cell)", group="space",
       low=4, high=4000, unit="households"),
    _p("height", int, 100, "households along y", group="space", low=4, high=4000,
       unit="households"),
    _p("grid_block", int, 20, "side of a management grid (網格) in cells; must divide width "
       "and height", article="A2c", group="space", low=2, high=1000, unit="cells"),
    _p("building_block", int, 5, "side of a building (樓棟) in cells; must divide grid_block",
       article="A3", group="space", low=1, high=500, unit="cells"),
    # --- residents ---------------------------------------------------------------------
    _p("decision_rule", str, "logit", "participation rule: 'logit' (ladder climbing with social "
       "influence, trust, efficacy, cost) or 'threshold' (Granovetter 1978)", article="B3",
       group="residents", choices=("logit", "threshold")),
    _p("influence_scope", str, "moore", "whose participation a household sees: its 8 neighbours, "
       "its building, or the whole community", group="residents",
       choices=("moore", "building", "global")),
    _p("initial_participation", float, 0.3, "share of households active (rung >= 1) at start",
       group="residents", low=0, high=1, main=True),
    _p("initial_trust_government", float, 0.5, "mean trust in government at start",
       article="C4", group="residents", low=0, high=1, main=True),
    _p("initial_trust_neighbors", float, 0.4, "mean trust in neighbours at start", article="C4",
       group="residents", low=0, high=1),
    _p("trust_sd", float, 0.1, "spread (sd) of initial trust, efficacy and satisfaction",
       group="residents", low=0, high=0.5),
    _p("threshold_mean", float, 0.3, "mean activation threshold (threshold rule)",
       group="residents", low=0, high=1),
    _p("threshold_sd", float, 0.15, "sd of activation thresholds (clipped to [0, 1])",
       group="residents", low=0, high=1),
    _p("adjustment_rate", float, 0.1, "per-step chance scale of reconsidering one's rung",
       group="residents", low=0, high=1, unit="1/step"),
    _p("social_weight", float, 2.5, "logit weight of the share of the influence scope already "
       "on the next rung", group="residents", low=0, high=10, main=True),
    _p("trust_weight", float, 1.5, "logit weight of trust in government", group="residents",
       low=0, high=10),
    _p("neighbor_trust_weight", float, 1.0, "logit weight of trust in neighbours (rungs 2-3)",
       group="residents", low=0, high=10),
    _p("efficacy_weight", float, 2.0, "logit weight of efficacy (were my voiced issues "
       "resolved?)", group="residents", low=0, high=10),
    _p("civic_weight", float, 1.0, "logit weight of civic consciousness (learnt by taking part)",
       article="C4", group="residents", low=0, high=10),
    _p("civic_learning", float, 0.003, "civic consciousness gained per step at rung r: "
       "(1 - (1 - civic_learning)^r) * (1 - civic); lost at rung 0: civic_learning * civic",
       article="C4", group="residents", low=0, high=1),
    _p("cost_voice", float, 4.6, "utility cost of rung 1 (voice)", article="B3",
       group="residents", low=0, high=10),
    _p("cost_guided", float, 3.0, "utility cost of rung 2 (guided participation)", article="B3",
       group="residents", low=0, high=10),
    _p("cost_self", float, 5.5, "utility cost of rung 3 (self-governance)", article="B3",
       group="residents", low=0, high=10),
    _p("cost_sd", float, 1.0, "sd of a household's persistent extra cost of taking part "
       "(time, health, work), drawn once", group="residents", low=0, high=5),
    _p("support_cap", float, 1.5, "most utility all active mechanisms together can add to a "
       "rung (diminishing returns: cap * (1 - exp(-support / cap)))", group="residents",
       low=0, high=20),
    _p("admin_crowding_weight", float, 1.0, "crowding-out: utility lost on rungs 2-3 per unit "
       "of the committee's administrative burden", article="A2b", group="residents", low=0,
       high=10),
    _p("trust_gain", float, 0.03, "trust gained per answered issue: gain * (1 - trust)",
       article="C4", group="residents", low=0, high=1),
    _p("trust_loss", float, 0.12, "trust lost per ignored issue: loss * trust (lost fast)",
       article="C4", group="residents", low=0, high=1),
    _p("word_of_mouth", float, 0.003, "per-step pull of trust in government toward the "
       "grid's record of answered issues, times (1 + rung); downward pulls are faster by "
       "trust_loss / trust_gain", article="C4", group="residents", low=0, high=0.2),
    _p("satisfaction_rate", float, 0.15, "weight of one issue's outcome in satisfaction",
       group="residents", low=0, high=1),
    # --- service loop -------------------------------------------------------------------
    _p("issue_rate", float, 0.015, "issues (needs, problems) a household raises per step",
       group="services", low=0, high=2, unit="issues/household/step", main=True),
    _p("voice_cost", float, 0.35, "chance-cost of voicing an issue; the voicing probability of "
       "an active household falls by this much (channels and platform lower it)",
       article="B3", group="services", low=0, high=1),
    _p("staff_capacity", float, 12.0, "issues the committee's staff can handle per management "
       "grid per step before administrative burden", article="A2", group="services", low=0,
       high=1000, unit="issues/grid/step"),
    _p("rc_admin_burden", float, 0.5, "share of committee and grid-worker capacity eaten by "
       "administrative tasks from above", article="A2b", group="services", low=0, high=1,
       main=True),
    _p("deadministration_relief", float, 0.7, "share of the administrative burden removed by "
       "rc_deadministration", article="A2b", group="services", low=0, high=1),
    _p("gov_capacity", float, 0.002, "issues the street office / government can handle per "
       "household per step", article="A1", group="services", low=0, high=1,
       unit="issues/household/step"),
    _p("grid_integration", float, 0.3, "share of administrative load a grid worker saves by "
       "integrating administrative items and fragmented affairs in the grid", article="A2c",
       group="services", low=0, high=1),
    _p("patrol_rate", float, 0.4, "chance per step that a grid worker with free time finds an "
       "unvoiced issue in the grid", article="A2c", group="services", low=0, high=1),
    _p("base_detection", float, 0.03, "chance per step an unvoiced issue becomes known without "
       "patrol", group="services", low=0, high=1),
    _p("misroute_prob", float, 0.3, "chance an issue is routed to the wrong level on entry or "
       "escalation (bounced back with delay and cost)", article="A1a", group="services", low=0,
       high=1),
    _p("loss_prob", float, 0.1, "chance an escalated issue is lost between handlers",
       article="B1", group="services", low=0, high=1),
    _p("escalate_after", int, 3, "steps an issue waits at a handler before it is escalated",
       group="services", low=1, high=100, unit="steps"),
    _p("issue_patience", int, 16, "steps after which an unresolved issue is abandoned",
       group="services", low=1, high=1000, unit="steps"),
    _p("self_competence", float, 0.35, "share of complexity a self-governing household settles "
       "itself", article="B3", group="services", low=0, high=1),
    _p("cost_grid", float, 1.0, "public cost of one issue handled by a grid worker",
       group="costs", low=0, high=100, unit="cost units"),
    _p("cost_rc", float, 1.5, "public cost of one issue handled by the residents' committee",
       group="costs", low=0, high=100, unit="cost units"),
    _p("cost_gov", float, 5.0, "public cost of one issue handled by the street office / "
       "government", group="costs", low=0, high=100, unit="cost units"),
    _p("cost_escalation", float, 0.5, "public cost of each escalation or bounce",
       group="costs", low=0, high=100, unit="cost units"),
]

for _mech, _art in MECHANISMS.items():
    _SPECS.extend(_mechanism(_mech, _MECH_MEANING[_mech], _art))

for _section in (params_party, params_buildings, params_orgs, params_enterprises):
    _SPECS.extend(_section.SPECS)

PARAMS: dict[str, Param] = {p.name: p for p in _SPECS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in _SPECS))


def defaults() -> dict[str, Any]:
    """Every parameter at its default."""
    return {name: p.default for name, p in PARAMS.items()}


def unknown_name_error(name: str) -> ParamError:
    """Error for a parameter name that does not exist, with a did-you-mean."""
    close = difflib.get_close_matches(name, PARAMS, n=3, cutoff=0.6)
    hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
    err = ParamError(name, name, "a known parameter name")
    err.args = (f"unknown parameter {name!r}: it is not in the model's parameter schema."
                f"{hint} Run `python run.py params` for the list.",)
    return err


def validate(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete and check a parameter set; raise ParamError on the first bad field.

    Cross-field rules live here too, so every entry point (CLI, spec files, demo) gets the
    same checks.
    """
    values = defaults()
    for name, value in (overrides or {}).items():
        if name not in PARAMS:
            raise unknown_name_error(name)
        values[name] = PARAMS[name].check(value)
    for side in ("width", "height"):
        if values[side] % values["grid_block"]:
            raise ParamError(side, values[side], f"a multiple of grid_block "
                             f"({values['grid_block']})",
                             extra="The community is cut into whole management grids.")
    if values["grid_block"] % values["building_block"]:
        raise ParamError("building_block", values["building_block"],
                         f"a divisor of grid_block ({values['grid_block']})",
                         extra="Each management grid is cut into whole buildings.")
    return values


def parse_assignments(items: list[str] | None) -> dict[str, Any]:
    """Parse `name=value` strings from the command line into checked values."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ParamError("--set", item, "of the form name=value (e.g. grid_management=true)")
        name, text = item.split("=", 1)
        name = name.strip()
        if name not in PARAMS:
            raise unknown_name_error(name)
        out[name] = PARAMS[name].parse(text)
    return out
