"""The parameter schema: the one place every parameter is declared.

The CLI (`--set`, `run.py params`), validation, the ODD parameter table, the experiment
specs and the demo's controls all read `PARAMS`; nothing else may keep its own list. Each actor
declares its section in its own home (`agents/<actor>/params.py`, a list `SPECS`) and adds it
here with `add_section` when the model's composition imports it, so the core never imports
an actor.
"""

from __future__ import annotations

import difflib
from typing import Any

from model.schema import Param, ParamError, mechanism, param

_p = param
_mechanism = mechanism

__all__ = [
    "GROUPS",
    "MECHANISMS",
    "PARAMS",
    "Param",
    "ParamError",
    "add_section",
    "defaults",
    "parse_assignments",
    "validate",
]

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
    "rc_deadministration": "the residents' committee sheds part of the administrative work "
    "pushed down by government; whatever staff time is free goes to organising activities",
    "party_leadership": "the community Party committee with grid branches and building groups: "
    "work meetings raise coordination between handlers; branches hold activities (places) and "
    "organised members take group duties (roles)",
    "building_autonomy": "buildings may elect a self-governance committee and write a covenant; "
    "it settles building matters and neighbour disputes",
    "org_incubation": "free space and professional incubators: more social organisations are "
    "founded and they start stronger",
    "org_incentives": "periodic assessment and rating of social organisations, rewards for the "
    "best, ratings used in tenders",
    "org_procurement": "government buys services from social organisations by open tender "
    "(rowing to steering)",
    "org_coordination": "organisations' leaders coordinate: less overlap, shared resources",
    "enterprise_consultation": "community-enterprise consultation platform that mediates "
    "disputes between enterprises, employees and residents",
    "enterprise_participation": "participation platform matching enterprise donations to social "
    "organisations' public-interest projects",
    "resident_channels": "voicing channels (hotline, app, chat groups, mailbox) that cut the "
    "time voicing takes, and residents' consultation councils whose seats are roles",
}

# Source of the defaults fitted by the shipped calibration (see DEFAULTS_CALIBRATION).
CALIBRATED = ("calibrated: posterior median of calibrate_baseline-8885f18d651c-g7 "
              "(experiments/calibrations/baseline/report.md)")

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
    # --- run ---------------------------------------------------------------------------
    _p("burn_in", int, 104, "weeks simulated before week 0 under the baseline institutions "
       "(every mechanism off), so that week 0 is a settled community, not a start-up",
       group="run", low=0, high=2000, unit="weeks",
       source="rationale: the service loop (resolution, open issues) and the fast shares "
       "settle within about two years; slow attitudes settle too thanks to the spin-up "
       "(spinup_speedup), where a plain longer burn-in would cost start-up time "
       "(docs/ODD.md 5)"),
    _p("spinup_speedup", float, 4.0, "factor by which the burn-in's first weeks (all but the "
       "last spinup_settle) speed up the slow rates (those marked slow: attitudes' learning "
       "and fading, trust's gains and losses; not turnover), so that slow attitudes reach the "
       "baseline's steady state by week 0 (1 = no speed-up)", group="run", low=1, high=20,
       source="rationale: accelerated spin-up of slow pools, as in land-surface models "
              "(Thornton and Rosenbloom 2005); speeding up every slow rate alike keeps the "
              "balance they settle at; 4 x 78 weeks covers the ~6 years the slow state "
              "needs (docs/ODD.md 5)"),
    _p("spinup_settle", int, 26, "last weeks of the burn-in run at the normal rates, so that "
       "week 0 follows the model's own dynamics", group="run", low=0, high=2000,
       unit="weeks",
       source="rationale: the ladder and the service loop settle within half a year; a "
              "burn-in no longer than this runs wholly at the normal rates"),
    # --- residents: attitudes and the decision rule --------------------------------------
    _p("decision_rule", str, "logit", "participation rule: 'logit' (the model's rule: ladder "
       "climbing with social influence, trust, efficacy, time and cost) or 'threshold' "
       "(Granovetter 1978, kept as the docking rule)", article="B3",
       group="residents", choices=("logit", "threshold"),
       source="rationale: logit is the model's rule (McFadden 1974; Brock and Durlauf 2001);"
              " threshold is the Granovetter 1978 docking rule"),
    _p("influence_scope", str, "moore", "whose participation a household sees: its 8 neighbours, "
       "its building, or the whole community", group="residents",
       choices=("moore", "building", "global"),
       source="rationale: households see their neighbours next door; building and global "
              "scopes are for comparison and docking (Brock and Durlauf 2001: global "
              "interactions)"),
    _p("initial_participation", float, 0.3, "share of households voicing (rung 1) before the "
       "burn-in; the burn-in then settles the ladder", group="residents", low=0, high=1,
       main=True, source="rationale: any start settles during the burn-in"),
    _p("initial_trust_government", float, 0.5, "mean trust in government of a household "
       "moving in", article="C4", group="residents", low=0, high=1, main=True,
       source="rationale: neutral prior; free in calibration"),
    _p("initial_trust_neighbors", float, 0.4, "mean trust in neighbours of a household moving "
       "in", article="C4", group="residents", low=0, high=1,
       source="rationale: newcomers know few neighbours"),
    _p("initial_efficacy", float, 0.5, "mean sense of efficacy of a household moving in",
       group="residents", low=0, high=1, source="rationale: neutral prior"),
    _p("initial_satisfaction", float, 0.6, "mean satisfaction of a household moving in",
       group="residents", low=0, high=1, source="rationale: mildly satisfied newcomers"),
    _p("initial_civic", float, 0.2, "mean civic consciousness of a household moving in",
       article="C4", group="residents", low=0, high=1,
       source="rationale: low before any participation (C4: learnt by taking part)"),
    _p("trust_sd", float, 0.1, "spread (sd) of newcomers' trust, efficacy, satisfaction and "
       "civic consciousness", group="residents", low=0, high=0.5, source="rationale"),
    _p("threshold_mean", float, 0.3, "mean activation threshold (threshold rule)",
       group="residents", low=0, high=1, source="docking: Granovetter 1978"),
    _p("threshold_sd", float, 0.15, "sd of activation thresholds (clipped to [0, 1])",
       group="residents", low=0, high=1, source="docking: Granovetter 1978"),
    _p("adjustment_rate", float, 0.1, "per-week chance a household reconsiders its rung (a "
       "pure speed: stationary shares do not depend on it)", group="residents", low=0,
       high=1, unit="1/week", source="rationale: habits change over months, not days"),
    _p("social_weight", float, 2.42, "logit weight of the share of the influence scope already "
       "on the rung", group="residents", low=0, high=10, main=True,
       source=CALIBRATED),
    _p("trust_weight", float, 1.5, "logit weight of trust in government", group="residents",
       low=0, high=10, source="rationale; free in calibration"),
    _p("neighbor_trust_weight", float, 1.0, "logit weight of trust in neighbours (rungs 2-3)",
       group="residents", low=0, high=10, source="rationale; free in calibration"),
    _p("efficacy_weight", float, 2.0, "logit weight of efficacy (were my voiced issues "
       "resolved?)", group="residents", low=0, high=10,
       source="Verba, Schlozman and Brady 1995 (efficacy drives participation); size free"),
    _p("civic_weight", float, 1.0, "logit weight of civic consciousness (learnt by taking part)",
       article="C4", group="residents", low=0, high=10, source="rationale; free in calibration"),
    _p("party_duty", float, 1.0, "logit weight of being a Party member on rungs 2-3 (a trait: "
       "sense of duty, in every scenario)", article="A3, B1", group="residents", low=0,
       high=10, source="SUNS 2017: Party members report voting in residents'-committee "
                       "elections at 65% against 48% overall"),
    _p("fatigue_weight", float, 1.0, "logit weight of fatigue (worn down by effort)",
       group="residents", low=0, high=10, source="rationale; free in calibration"),
    _p("concern_weight", float, 6.11, "logit weight of a live concern on voice (rung 1): voicing "
       "is worth one's time when one has something to raise", article="B3",
       group="residents", low=0, high=10,
       source=CALIBRATED + "; the term: Hirschman 1970 (voice answers a felt problem); "
              "Verba, Schlozman and Brady 1995 (most contacting of officials is about a "
              "particular problem of one's own)"),
    _p("concern_fade", float, 0.04, "share of a concern that fades per week once the "
       "household's issues are closed", group="residents", low=0, high=1, unit="1/week",
       source="rationale: a settled grievance is half forgotten in about four months"),
    _p("cost_voice", float, 5.19, "utility cost of rung 1 (voice) beyond its time",
       article="B3", group="residents", low=0, high=10,
       source=CALIBRATED),
    _p("cost_guided", float, 1.62, "utility cost of rung 2 (guided participation) beyond its "
       "time", article="B3", group="residents", low=0, high=10,
       source=CALIBRATED),
    _p("cost_self", float, 3.79, "utility cost of rung 3 (self-governance) beyond its time",
       article="B3", group="residents", low=0, high=10,
       source=CALIBRATED),
    _p("cost_sd", float, 1.0, "sd of a household's persistent extra cost of taking part "
       "(health, habits), drawn when it moves in", group="residents", low=0, high=5,
       source="rationale: heterogeneity (McFadden 1974)"),
    _p("invitation_saving", float, 0.5, "share of guided participation's cost (cost_guided) "
       "that a fresh personal invitation saves: knowing what is on, when and where, and "
       "that someone expects one", article="A2b, C1", group="residents", low=0, high=1,
       source="rationale: being asked is among the strongest predictors of taking part "
              "(Verba, Schlozman and Brady 1995, ch. 5; Rosenstone and Hansen 1993); half "
              "the cost, so an invitation matters but does not decide"),
    _p("invitation_fade", float, 0.1, "share of an invitation's effect forgotten per week",
       group="residents", low=0, high=1, unit="1/week",
       source="rationale: an invitation to this season's activities is half forgotten in "
              "about seven weeks"),
    _p("civic_learning", float, 0.003, "civic consciousness gained per week at rung r: "
       "(1 - (1 - civic_learning)^r) * (1 - civic)", article="C4", group="residents", low=0,
       high=1, unit="1/week", source="rationale: a few years of taking part to learn", slow=True),
    _p("civic_fade", float, 0.003, "share of civic consciousness lost per week unless "
       "practice renews it (participants settle near gain / (gain + fade), non-participants "
       "forget)", article="C4", group="residents", low=0,
       high=1, unit="1/week", source="rationale: skills unused for years fade", slow=True),
    _p("neighbour_trust_rate", float, 0.01, "trust in neighbours gained per week by taking part "
       "(rung >= 2), times the share of the building taking part: rate * share * (1 - t)",
       article="A3, C4", group="residents", low=0, high=1, unit="1/week",
       source="Putnam 1993; Ostrom 1998 (trust from repeated cooperation); size free",
       slow=True),
    _p("trust_gain", float, 0.03, "trust gained per answered issue: gain * (1 - trust)",
       article="C4", group="residents", low=0, high=1, source="Slovic 1993 (gain < loss)",
       slow=True),
    _p("trust_loss", float, 0.12, "trust lost per known failure: loss * trust (lost fast)",
       article="C4", group="residents", low=0, high=1, source="Slovic 1993 (gain < loss)",
       slow=True),
    _p("word_of_mouth", float, 0.003, "per-week pull of trust in government toward the "
       "grid's record of answered known issues, times (1 + rung); downward pulls are faster "
       "by trust_loss / trust_gain", article="C4", group="residents", low=0, high=0.2,
       source="Bandura 1997 (vicarious experience); size free", slow=True),
    _p("record_memory", float, 0.1, "weight of one week's closed issues in a grid's running "
       "record of answered issues", group="residents", low=0, high=1,
       source="rationale: a record of the last few months"),
    _p("efficacy_rate", float, 0.1, "efficacy moved per voiced issue answered or not "
       "(symmetric: both are equally informative)", group="residents", low=0, high=1,
       source="rationale", slow=True),
    _p("satisfaction_rate", float, 0.15, "weight of one issue's outcome in satisfaction",
       group="residents", low=0, high=1, source="rationale", slow=True),
    _p("waiting_dissatisfaction", float, 0.2, "weekly satisfaction loss of a household with "
       "an issue nobody knows of, relative to satisfaction_rate", group="residents", low=0,
       high=1, source="rationale: waiting hurts less than a failure"),
    # --- residents: time, fatigue, turnover ----------------------------------------------
    _p("share_retired", float, 0.25, "share of households that are retired (more free time)",
       group="time", low=0, high=1,
       source="2020 Census: 18.7% of people aged 60+; households with a retiree are more"),
    _p("share_caring", float, 0.15, "share of households caring for a child or a sick "
       "relative (little free time)", group="time", low=0, high=1, source="rationale"),
    _p("hours_working", float, 2.0, "mean weekly hours a working household can give to "
       "community life", group="time", low=0, high=40, unit="hours/week",
       source="rationale: after work and commuting; free in calibration"),
    _p("hours_retired", float, 6.0, "mean weekly hours a retired household can give",
       group="time", low=0, high=40, unit="hours/week", source="rationale"),
    _p("hours_caring", float, 1.0, "mean weekly hours a caring household can give",
       group="time", low=0, high=40, unit="hours/week", source="rationale"),
    _p("hours_spread", float, 0.8, "sd of log free hours around the situation's mean "
       "(lognormal, mean kept)", group="time", low=0, high=3,
       source="rationale: time-use data have long right tails"),
    _p("hours_voice", float, 0.5, "weekly hours voicing takes (calls, messages, following up)",
       article="B3", group="time", low=0, high=40, unit="hours/week", source="rationale"),
    _p("hours_guided", float, 1.7, "weekly hours attending activities takes", article="B3",
       group="time", low=0, high=40, unit="hours/week",
       source="CSS 2021 (CASS Social Blue Book 2022): active volunteers gave 21.87 hours in "
              "3 months, about 1.7 hours a week"),
    _p("hours_self", float, 4.0, "weekly hours a self-governance role takes (meetings, "
       "organising)", article="B3", group="time", low=0, high=40, unit="hours/week",
       source="rationale: about twice an attendee's time"),
    _p("time_weight", float, 1.0, "logit cost of a rung per share of the household's free "
       "hours it takes", group="time", low=0, high=20, source="rationale; free in calibration"),
    _p("fatigue_rate", float, 0.02, "fatigue gained per week at full use of one's free hours",
       group="time", low=0, high=1, unit="1/week", source="rationale"),
    _p("fatigue_recovery", float, 0.05, "share of fatigue recovered per week",
       group="time", low=0, high=1, unit="1/week", source="rationale: weeks to recover"),
    _p("fatigue_unanswered", float, 0.05, "fatigue added by each voiced issue that fails",
       group="time", low=0, high=1, source="rationale: drop-out after unanswered effort"),
    _p("move_out_rate", float, 0.08, "share of households moving out per year (replaced by "
       "newcomers)", group="time", low=0, high=1, unit="1/year",
       source="2020 Census: 25.6% of city households rent; migrants stay 5.3 years on "
              "average (2009 monitoring); US comparator 8.4%/year (2021)"),
    _p("self_group_size", float, 10.0, "guided participants a self-organised group needs per "
       "organiser: each building has floor(participants / size) organiser roles", article="B3",
       group="time", low=1, high=1000, unit="households/role",
       source="rationale: a resident-run interest group of about ten"),
    # --- service loop -------------------------------------------------------------------
    _p("issue_rate", float, 0.015, "issues (needs, problems) a household raises per week",
       group="services", low=0, high=2, unit="issues/household/week", main=True,
       source="Beijing 12345, 2019: 2.52M requests for ~21.5M people, ~0.12 per person a "
              "year; ~0.3 per household; a community sees more than reaches the hotline"),
    _p("kind_share_public", float, 0.35, "share of household issues about public services "
       "(housing, social security, health)", group="services", low=0, high=1,
       source="rationale"),
    _p("kind_share_affairs", float, 0.25, "share about community affairs", group="services",
       low=0, high=1, source="rationale"),
    _p("kind_share_building", float, 0.25, "share about building matters", group="services",
       low=0, high=1, source="rationale"),
    _p("kind_share_dispute", float, 0.15, "share that are neighbour disputes",
       group="services", low=0, high=1, source="rationale"),
    _p("voice_cost", float, 0.35, "chance-cost of voicing an issue; the voicing probability of "
       "an active household falls by this much (channels and platform lower it)",
       article="B3", group="services", low=0, high=1, source="rationale"),
    _p("voice_prob_1", float, 0.75, "base chance a rung-1 household voices an issue",
       group="services", low=0, high=1, source="rationale"),
    _p("voice_prob_2", float, 0.9, "base chance a rung-2 household voices an issue",
       group="services", low=0, high=1, source="rationale"),
    _p("voice_prob_3", float, 0.95, "base chance a rung-3 household voices an issue",
       group="services", low=0, high=1, source="rationale"),
    _p("voice_efficacy", float, 0.2, "voicing probability added per unit of efficacy",
       group="services", low=0, high=1, source="rationale"),
    _p("base_detection", float, 0.03, "chance per week an unvoiced issue becomes known without "
       "patrol", group="services", low=0, high=1, source="rationale"),
    _p("misroute_prob", float, 0.3, "chance an issue is routed to the wrong level on entry or "
       "escalation (bounced back with delay and cost)", article="A1a", group="services", low=0,
       high=1, source="rationale"),
    _p("loss_prob", float, 0.1, "chance an escalated issue is lost between handlers",
       article="B1", group="services", low=0, high=1, source="rationale"),
    _p("coordination_competence", float, 0.1, "competence every handler gains at full "
       "coordination", article="B1", group="services", low=0, high=1, source="rationale"),
    _p("coordination_relief", float, 0.5, "share of misrouting and of escalation cost removed "
       "at full coordination (loss between handlers: all of it)", article="B1",
       group="services", low=0, high=1, source="rationale"),
    _p("escalate_after", int, 3, "weeks an issue waits at a handler before it is escalated",
       group="services", low=1, high=100, unit="weeks", source="rationale"),
    _p("issue_patience", int, 16, "weeks after which an unresolved issue is abandoned",
       group="services", low=1, high=1000, unit="weeks", source="rationale"),
    _p("self_competence", float, 0.35, "share of complexity a self-governing household settles "
       "itself", article="B3", group="services", low=0, high=1, source="rationale"),
    _p("rc_admin_burden", float, 0.5, "share of committee and grid-worker capacity eaten by "
          "administrative tasks pushed down from above", article="A2b", group="services", low=0,
          high=1, main=True, source="rationale; surveys of community workers report most "
          "time on administrative tasks"),
    _p("deadministration_relief", float, 0.7, "share of the administrative burden removed "
          "by rc_deadministration", article="A2b", group="services", low=0, high=1,
          source="rationale"),
    _p("cost_escalation", float, 0.5, "public cost of each escalation or bounce",
       group="costs", low=0, high=100, unit="cost units", source="rationale"),
]

for _mech, _art in MECHANISMS.items():
    _SPECS.extend(_mechanism(_mech, _MECH_MEANING[_mech], _art))

PARAMS: dict[str, Param] = {p.name: p for p in _SPECS}

# The calibration the defaults of the fitted parameters come from (posterior medians,
# experiments/calibrations/baseline/): every result records it.
DEFAULTS_CALIBRATION = "calibrate_baseline-8885f18d651c-g7"
GROUPS: list[str] = list(dict.fromkeys(p.group for p in _SPECS))


def add_section(specs: list[Param]) -> None:
    """Add an actor's parameters to the one schema (called once, when its home is imported)."""
    for spec in specs:
        if spec.name in PARAMS:
            raise ValueError(f"parameter {spec.name!r} declared twice")
        PARAMS[spec.name] = spec
        if spec.group not in GROUPS:
            GROUPS.append(spec.group)


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
    for spec in PARAMS.values():
        if spec.at_most is not None and values[spec.name] > values[spec.at_most]:
            raise ParamError(spec.name, values[spec.name],
                             f"at most {spec.at_most} ({values[spec.at_most]:g})",
                             extra="The two are the ends of one range.")
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
