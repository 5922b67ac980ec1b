"""Who the residents are, how they speak up, meet their neighbours and vote (Model 3).

Part of the core's schema (model/params.py). Household sizes, age bands, life situations and
Party membership by age come from the census and from the CGSS 2015 urban sample; the
weights of speaking up, neighbouring and voting are rationale-set and free in calibration,
each with the survey figure that is to pin it.
"""

from __future__ import annotations

from model.schema import calibrated, param, section

_CGSS_SIZE = ("CGSS 2015 urban sample (n = 6,470; unweighted; a mirror of the Tianchi "
              "'happiness' files, grade C): 13.8 / 33.5 / 29.2 / 13.0 / 10.6% of respondents "
              "live with 1 / 2 / 3 / 4 / 5+ persons, mean 2.79 (census 2020, all family "
              "households: 2.62)")
_CGSS_WORK = ("CGSS 2015 urban sample (grade C, unweighted): working 71.2% at 18-34, 69.0% at "
              "35-59, 13.3% at 60+; at 60+ 68.2% once had non-farm work and no longer work; "
              "14.5% of 18-34 never worked (mostly students); the split of the rest between "
              "retired and caring for family is a documented estimate")
_CGSS_PARTY = ("CGSS 2015 urban sample (grade C): 9.9 / 11.5 / 21.2% Party members at 18-34 / "
               "35-59 / 60+, against 14.1% overall")


def _size(k: int, v: float) -> float:
    return param(v, f"share of households of {k}{' or more' if k == 5 else ''} "
                 f"person{'s' if k > 1 else ''} (children included); a dwelling keeps its size "
                 "when households change", low=0, high=1, source=_CGSS_SIZE)


def _situation(what: str, band: str, v: float) -> float:
    return param(v, f"share of residents aged {band} who are {what} (the rest work)", low=0,
                 high=1, source=_CGSS_WORK)


@section("people")
class PeopleParams:
    """Households, their residents (aged 18+), age bands, life situations, Party members."""

    household_size_1: float = _size(1, 0.138)
    household_size_2: float = _size(2, 0.335)
    household_size_3: float = _size(3, 0.292)
    household_size_4: float = _size(4, 0.130)
    household_size_5: float = _size(5, 0.106)
    child_share: float = param(
        0.20, "share of persons who are children under 18 (counted in households, not "
        "modelled); the rest are residents who can take part and vote", low=0, high=0.9,
        source="2020 census: 0-14 = 17.95% (NBS bulletin no. 7, via China News 2021-05-11, "
               "grade B) plus the 15-17-year-olds, about three single-year cohorts of about 1% "
               "each (a documented estimate)")
    share_age_18_34: float = param(
        0.30, "share of residents (18+) aged 18-34", low=0, high=1,
        source="documented estimate from the 2020 census age structure (15-59 = 63.35% of the "
               "population; the cohorts born 1986-2002 about a third of adults); to be checked "
               "against the census yearbook's urban table")
    share_age_60_plus: float = param(
        0.20, "share of residents (18+) aged 60 and over", low=0, high=1,
        source="2020 census: 60+ = 18.70% of the population (23% of adults); urban areas are "
               "younger (65+: 11.11% urban against 13.50% overall, IJERPH 2022 19(23):15631, "
               "grade C), so about 20% of urban adults")
    household_same_band: float = param(
        0.6, "chance that a household's further resident is in the first resident's age band "
        "(couples, siblings) rather than drawn afresh (grown children, parents)", low=0, high=1,
        source="rationale: most multi-adult urban households are couples; a documented choice")
    situation_caring_18_34: float = _situation("caring for family", "18-34", 0.145)
    situation_student_18_34: float = _situation("students", "18-34", 0.145)
    situation_retired_35_59: float = _situation(
        "retired (early retirement: women workers at 50)", "35-59", 0.10)
    situation_caring_35_59: float = _situation("caring for family", "35-59", 0.21)
    situation_retired_60_plus: float = _situation("retired", "60+", 0.80)
    situation_caring_60_plus: float = _situation("caring for family", "60+", 0.07)
    party_member_share: float = param(
        0.10, "share of residents (18+) who are Party members (members exist in every "
        "scenario; only their organisation is switched by party_leadership)",
        article="A2a, A3", low=0, high=0.6, main=True,
        source="2022 Intra-Party Statistical Bulletin: 98.04M members, about 8.5% of adults; "
               "urban adults more (CGSS 2015 urban sample: 14.1%, unweighted, older than the "
               "census); a documented choice between the two")
    party_age_18_34: float = param(
        0.70, "Party membership of residents aged 18-34 relative to all residents (the age "
        "profile; party_member_share sets the level)", low=0, high=10, source=_CGSS_PARTY)
    party_age_35_59: float = param(
        0.82, "Party membership of residents aged 35-59 relative to all residents", low=0,
        high=10, source=_CGSS_PARTY)
    party_age_60_plus: float = param(
        1.50, "Party membership of residents aged 60+ relative to all residents", low=0,
        high=10, source=_CGSS_PARTY)


@section("speaking")
class SpeakingParams:
    """Speaking up on community affairs (rung 1): suggestions made (B3)."""

    suggestion_rate: float = param(
        0.200443, "suggestions on community affairs a resident who speaks up (rung >= 1) makes per "
        "week", article="B3", low=0, high=10, unit="suggestions/week",
        source=calibrated(
            "rationale: a matter raised every two or three months; no survey gives it"))


@section("neighbouring")
class NeighbouringParams:
    """Everyday contact between neighbours: its rate, its cost, what it builds (A3, C4)."""

    nb_log_rate: float = param(
        -1.0, "log of the weekly rate of contacts with neighbours of a resident out at work, "
        "of average sociability, with no trust in neighbours and just moved in",
        article="A3, C4", low=-10, high=5,
        source="rationale; free in calibration (targets: CGSS 2015 neighbour sociability)")
    nb_sd: float = param(
        1.0, "sd of a resident's persistent sociability (added to the log rate), drawn when "
        "they move in", low=0, high=5,
        source="rationale: 17% of urban adults never socialise with neighbours while 14% do "
               "almost daily (CGSS 2015, grade C): wide differences between people")
    nb_at_home: float = param(
        1.0, "log-rate added for residents at home in the daytime (retired, caring for family)",
        low=0, high=5,
        source="CGSS 2015 urban (grade C): at least weekly 42.0% at 60+ against 21.7% at "
               "18-34; size free in calibration")
    nb_trust: float = param(
        1.0, "log-rate added per unit of trust in neighbours", low=0, high=5,
        source="rationale; free in calibration")
    nb_tenure: float = param(
        1.0, "log-rate added for having lived here long (times 1 - exp(-years / "
        "nb_tenure_years))", low=0, high=5,
        source="rationale: one knows more people after some years; free in calibration")
    nb_tenure_years: float = param(
        3.0, "years over which newcomers come to know their neighbours", low=0.1, high=50,
        unit="years", source="rationale")
    hours_per_contact: float = param(
        0.684062, "hours one contact with neighbours takes (a chat, a visit, a small favour): "
        "contacts are bounded by the free hours a resident's rung leaves", low=0, high=10,
        unit="hours", source=calibrated("rationale"))
    nb_trust_rate: float = param(
        0.0214251, "trust in neighbours gained in a week with contact: rate * (1 - t)",
        article="A3, C4", low=0, high=1, unit="1/week",
        source=calibrated("rationale: trust grows with repeated contact (Putnam 2000); free in "
               "calibration"), slow=True)
    nb_trust_fade: float = param(
        0.002, "share of trust in neighbours lost per week (renewed by contact)", low=0, high=1,
        unit="1/week", source="rationale: acquaintance fades over years without contact",
        slow=True)
    nb_pull: float = param(
        0.5, "share of the ladder's social pull that needs acquaintance: a resident who knows "
        "no neighbours feels 1 - nb_pull of it (0: everyone is fully aware, the Model 2 rule)",
        low=0, high=1,
        source="rationale: one copies neighbours whose doings one knows (Granovetter 1973); "
               "free in calibration")
    nb_familiar_contacts: float = param(
        26.0, "contacts in the last 52 weeks at which a resident knows 63% of what neighbours "
        "do (1 - 1/e)", low=1, high=1000, unit="contacts", source="rationale: fortnightly")


@section("voting")
class VotingParams:
    """Who votes in residents'-committee elections (the rule; the calendar is the
    elections actor's, agents/elections.py)."""

    hours_vote: float = param(
        1.0, "hours voting in person takes (to the polling station and back)", low=0, high=24,
        unit="hours", source="rationale")
    vote_base: float = param(
        -1.0, "logit of voting for a resident aged 35-59 with no civic consciousness, trust, "
        "membership, tenure or invitation", low=-20, high=20,
        source="rationale; free in calibration (target: SUNS 2017, 47.89% voted)")
    vote_civic: float = param(
        2.0, "logit weight of civic consciousness on voting", article="C4", low=0, high=20,
        source="Verba, Schlozman and Brady 1995 (civic skills and engagement predict voting); "
               "size free")
    vote_trust: float = param(
        1.0, "logit weight of trust in government on voting", low=0, high=20,
        source="rationale; size free")
    vote_party: float = param(
        0.801993, "logit weight of Party membership on voting (a trait)", low=0, high=20,
        source=calibrated("SUNS 2017 (嬗变中的上海 ch. 5, grade A): 65.09% of Party "
                          "members voted against 48.36% of non-members; size free in "
                          "calibration"))
    vote_invited: float = param(
        1.0, "logit weight of a fresh personal invitation (canvassing) on voting", low=0,
        high=20, source="Gerber and Green 2000 (door-to-door canvassing raises turnout); size "
                        "free")
    vote_tenure: float = param(
        0.0403677, "logit weight of years lived here (times 1 - exp(-years / vote_tenure_years))",
        low=0, high=20,
        source=calibrated("a Zhabei (Shanghai) study found turnout higher in old work-unit "
                          "communities than in new commodity-housing estates (grade C); "
                          "size free"))
    vote_tenure_years: float = param(
        2.0, "years over which a newcomer comes to vote as old-timers do", low=0.1, high=50,
        unit="years", source="rationale: one committee term in, residents know the candidates")
    vote_age_18_34: float = param(
        -1.5, "logit added for residents aged 18-34 (beyond time, civic consciousness and "
        "tenure)", low=-20, high=20,
        source="SUNS 2017 (grade A): 13.77% of 18-29-year-olds voted, 55.68% at 50-59; size "
               "free in calibration")
    vote_age_60_plus: float = param(
        1.2106, "logit added for residents aged 60+", low=-20, high=20,
        source=calibrated("SUNS 2017 (grade A): 77.74% voted at 70-79; size free in calibration"))
    vote_time: float = param(
        0.5, "logit cost per unit of the share of free hours voting takes", low=0, high=20,
        source="rationale; free in calibration")
    vote_civic_gain: float = param(
        0.01, "civic consciousness a voter gains: gain * (1 - c)", article="C4", low=0, high=1,
        source="rationale: one act of participation among many (C4: consciousness is formed "
               "by real participation)", slow=True)
