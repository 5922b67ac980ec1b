"""The residents' parameters: attitudes and the decision rule, time, fatigue and turnover.

Part of the core's schema (model/params.py); every resident in every scenario reads them.
Who the residents are (households, age bands, life situations), how they meet their
neighbours and how they vote are in model/params_people.py.
"""

from __future__ import annotations

from model.schema import CALIBRATED, calibrated, param, section


@section("residents")
class ResidentParams:
    """What residents are like when they move in, and how they weigh taking part (B3, C4)."""

    # --- residents: attitudes and the decision rule --------------------------------------
    decision_rule: str = param(
        "logit", "participation rule: 'logit' (the model's rule: ladder climbing with social "
        "influence, trust, efficacy, time and cost) or 'threshold' (Granovetter 1978, kept as "
        "the docking rule)", article="B3", choices=("logit", "threshold"),
        source="rationale: logit is the model's rule (McFadden 1974; Brock and Durlauf 2001); "
               "threshold is the Granovetter 1978 docking rule")
    influence_scope: str = param(
        "moore", "whose participation a resident sees: the residents of the 8 dwellings "
        "around theirs, their building, or the whole community",
        choices=("moore", "building", "global"),
        source="rationale: residents see their neighbours next door; building and global "
               "scopes are for comparison and docking (Brock and Durlauf 2001: global "
               "interactions)")
    initial_participation: float = param(
        0.3, "share of residents speaking up (rung 1) before the burn-in; the burn-in then "
        "settles the ladder", low=0, high=1, main=True,
        source="rationale: any start settles during the burn-in")
    initial_trust_government: float = param(
        0.613025, "mean trust in government of a resident moving in", article="C4", low=0, high=1,
        main=True, source=calibrated("rationale: neutral prior; free in calibration"))
    initial_trust_neighbors: float = param(
        0.4, "mean trust in neighbours of a resident moving in", article="C4", low=0, high=1,
        source="rationale: newcomers know few neighbours")
    initial_efficacy: float = param(
        0.5, "mean sense of efficacy of a resident moving in", low=0, high=1,
        source="rationale: neutral prior")
    initial_satisfaction: float = param(
        0.723316, "mean satisfaction of a resident moving in", low=0, high=1,
        source=calibrated("rationale: mildly satisfied newcomers"))
    initial_civic: float = param(
        0.2, "mean civic consciousness of a resident moving in", article="C4", low=0, high=1,
        source="rationale: low before any participation (C4: learnt by taking part)")
    trust_sd: float = param(
        0.1, "spread (sd) of newcomers' trust, efficacy, satisfaction and civic consciousness",
        low=0, high=0.5, source="rationale")
    threshold_mean: float = param(
        0.3, "mean activation threshold (threshold rule)", low=0, high=1,
        source="docking: Granovetter 1978")
    threshold_sd: float = param(
        0.15, "sd of activation thresholds (clipped to [0, 1])", low=0, high=1,
        source="docking: Granovetter 1978")
    adjustment_rate: float = param(
        0.1, "per-week chance a resident reconsiders their rung (a pure speed: stationary "
        "shares do not depend on it)", low=0, high=1, unit="1/week",
        source="rationale: habits change over months, not days")
    social_weight: float = param(
        2.42, "logit weight of the share of the influence scope already on the rung", low=0,
        high=10, main=True, source=CALIBRATED)
    trust_weight: float = param(
        1.5, "logit weight of trust in government", low=0, high=10,
        source="rationale; free in calibration")
    neighbor_trust_weight: float = param(
        1.0, "logit weight of trust in neighbours (rungs 2-3)", low=0, high=10,
        source="rationale; free in calibration")
    efficacy_weight: float = param(
        2.42817, "logit weight of efficacy (were my voiced issues resolved?)", low=0, high=10,
        source=calibrated(
            "Verba, Schlozman and Brady 1995 (efficacy drives participation); size free"))
    civic_weight: float = param(
        1.0, "logit weight of civic consciousness (learnt by taking part)", article="C4", low=0,
        high=10, source="rationale; free in calibration")
    party_duty: float = param(
        1.0, "logit weight of being a Party member on rungs 2-3 (a trait: sense of duty, in "
        "every scenario)", article="A3, B1", low=0, high=10,
        source="SUNS 2017: Party members report voting in residents'-committee elections at "
               "65% against 48% overall")
    fatigue_weight: float = param(
        1.0, "logit weight of fatigue (worn down by effort)", low=0, high=10,
        source="rationale; free in calibration")
    affairs_weight: float = param(
        2.0, "logit weight, on speaking up (rung 1), of the share of households in one's "
        "building with an open issue about community affairs or a building matter "
        "(something shared to speak up about)", article="B3", low=0, high=10,
        source="Hirschman 1970 (voice answers a felt problem), here a shared one, not one's "
               "own service request; size: rationale, free in calibration")
    cost_speak: float = param(
        4.57659, "utility cost of rung 1 (speaking up on community affairs) beyond its time",
        article="B3", low=0, high=10,
        source=calibrated(
            "rationale: not yet calibrated for Model 3 (the calibration issue fits it)"))
    cost_guided: float = param(
        1.62, "utility cost of rung 2 (guided participation) beyond its time", article="B3",
        low=0, high=10, source=CALIBRATED)
    cost_self: float = param(
        3.79, "utility cost of rung 3 (self-governance) beyond its time", article="B3", low=0,
        high=10, source=CALIBRATED)
    cost_sd: float = param(
        1.0, "sd of a resident's persistent extra cost of taking part (health, habits), "
        "drawn when they move in", low=0, high=5,
        source="rationale: heterogeneity (McFadden 1974)")
    invitation_saving: float = param(
        0.5, "share of guided participation's cost (cost_guided) that a fresh personal "
        "invitation saves: knowing what is on, when and where, and that someone expects one",
        article="A2b, C1", low=0, high=1,
        source="rationale: being asked is among the strongest predictors of taking part "
               "(Verba, Schlozman and Brady 1995, ch. 5; Rosenstone and Hansen 1993); half "
               "the cost, so an invitation matters but does not decide")
    invitation_fade: float = param(
        0.1, "share of an invitation's effect forgotten per week", low=0, high=1, unit="1/week",
        source="rationale: an invitation to this season's activities is half forgotten in "
               "about seven weeks")
    civic_learning: float = param(
        0.003, "civic consciousness gained per week at rung r: (1 - (1 - civic_learning)^r) * "
        "(1 - civic)", article="C4", low=0, high=1, unit="1/week",
        source="rationale: a few years of taking part to learn", slow=True)
    civic_fade: float = param(
        0.003, "share of civic consciousness lost per week unless practice renews it "
        "(participants settle near gain / (gain + fade), non-participants forget)",
        article="C4", low=0, high=1, unit="1/week",
        source="rationale: skills unused for years fade", slow=True)
    neighbour_trust_rate: float = param(
        0.01, "trust in neighbours gained per week by taking part (rung >= 2), times the "
        "share of the building taking part: rate * share * (1 - t)", article="A3, C4", low=0,
        high=1, unit="1/week",
        source="Putnam 1993; Ostrom 1998 (trust from repeated cooperation); size free",
        slow=True)
    trust_gain: float = param(
        0.03, "trust gained per answered issue: gain * (1 - trust)", article="C4", low=0,
        high=1, source="Slovic 1993 (gain < loss)", slow=True)
    trust_loss: float = param(
        0.141147, "trust lost per known failure: loss * trust (lost fast)", article="C4", low=0,
        high=1, source=calibrated("Slovic 1993 (gain < loss)"), slow=True)
    word_of_mouth: float = param(
        0.003, "per-week pull of trust in government toward the grid's record of answered "
        "known issues, times (1 + rung); downward pulls are faster by trust_loss / trust_gain",
        article="C4", low=0, high=0.2, source="Bandura 1997 (vicarious experience); size free",
        slow=True)
    record_memory: float = param(
        0.1, "weight of one week's closed issues in a grid's running record of answered issues",
        low=0, high=1, source="rationale: a record of the last few months")
    efficacy_rate: float = param(
        0.1, "efficacy moved per reported problem or suggestion answered or not (symmetric: "
        "both are equally informative)", low=0, high=1, source="rationale", slow=True)
    satisfaction_rate: float = param(
        0.15, "weight of one issue's outcome in satisfaction", low=0, high=1,
        source="rationale", slow=True)
    waiting_dissatisfaction: float = param(
        0.0224281, "weekly satisfaction loss of a household's residents for each of its issues "
        "nobody knows of, relative to satisfaction_rate", low=0, high=1,
        source=calibrated("rationale: waiting hurts less than a failure"))
    trust_rule: str = param(
        "known_failures", "what moves trust in government down: 'known_failures' (only "
        "failures of problems government was asked about or found) or 'felt_problems' (also "
        "a household's own problem nobody knows of, once it has waited felt_after weeks)",
        article="C4", choices=("known_failures", "felt_problems"),
        source="a documented choice: negativity bias in performance information (Olsen 2015; "
               "James and Moseley 2014) supports losses on known failures; unresolved local "
               "disorder lowers trust in those held responsible whether reported or not "
               "(Bradford and Myhill 2015); docs/ODD.md section 9 gives the grid claims under "
               "both")
    felt_after: int = param(
        8, "weeks after which a problem nobody knows of wears down trust in government "
        "(trust_rule = 'felt_problems')", low=1, high=1000, unit="weeks",
        source="rationale: two months of waiting")
    felt_weight: float = param(
        0.1, "weekly trust loss from each such problem, relative to trust_loss", low=0, high=1,
        source="rationale: waiting hurts less than a failure one was told of")


@section("time")
class TimeParams:
    """Residents' free time, what each rung takes of it, fatigue and moving (ODD 7.5)."""

    # --- residents: time, fatigue, turnover ----------------------------------------------
    hours_working: float = param(
        2.0, "mean weekly hours a working resident can give to community life", low=0, high=40,
        unit="hours/week", source="rationale: after work and commuting; free in calibration")
    hours_retired: float = param(
        6.0, "mean weekly hours a retired resident can give", low=0, high=40,
        unit="hours/week", source="rationale")
    hours_caring: float = param(
        1.0, "mean weekly hours a resident caring for family can give", low=0, high=40,
        unit="hours/week", source="rationale")
    hours_student: float = param(
        3.0, "mean weekly hours a student can give", low=0, high=40, unit="hours/week",
        source="rationale: term-time evenings and weekends, less than the retired")
    hours_spread: float = param(
        0.8, "sd of log free hours around the situation's mean (lognormal, mean kept)", low=0,
        high=3, source="rationale: time-use data have long right tails")
    hours_speak: float = param(
        0.5, "weekly hours speaking up on community affairs takes (messages, a consultation "
        "meeting, following up), before the channels' savings", article="B3", low=0, high=40,
        unit="hours/week", source="rationale")
    hours_guided: float = param(
        1.7, "weekly hours attending activities takes", article="B3", low=0, high=40,
        unit="hours/week",
        source="CSS 2021 (CASS Social Blue Book 2022): active volunteers gave 21.87 hours in "
               "3 months, about 1.7 hours a week")
    hours_self: float = param(
        4.0, "weekly hours a self-governance role takes (meetings, organising)", article="B3",
        low=0, high=40, unit="hours/week", source="rationale: about twice an attendee's time")
    time_weight: float = param(
        1.0, "logit cost of a rung per share of the resident's free hours it takes", low=0,
        high=20, source="rationale; free in calibration")
    fatigue_rate: float = param(
        0.0348165, "fatigue gained per week at full use of one's free hours", low=0, high=1,
        unit="1/week", source=calibrated("rationale"))
    fatigue_recovery: float = param(
        0.05, "share of fatigue recovered per week", low=0, high=1, unit="1/week",
        source="rationale: weeks to recover")
    fatigue_unanswered: float = param(
        0.05, "fatigue added to a household's residents by each problem it reported that "
        "failed", low=0, high=1,
        source="rationale: drop-out after unanswered effort")
    move_out_rate: float = param(
        0.08, "share of households moving out per year (replaced by newcomers: new residents "
        "in the same dwelling)", low=0, high=1, unit="1/year", slow=True,
        source="2020 Census: 25.6% of city households rent; migrants stay 5.3 years on "
               "average (2009 monitoring); US comparator 8.4%/year (2021)")
    self_group_size: float = param(
        10.0, "guided participants a self-organised group needs per organiser: each building "
        "has floor(participants / size) organiser roles", article="B3", low=1, high=1000,
        unit="households/role", source="rationale: a resident-run interest group of about ten")
