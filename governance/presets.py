"""The named scenarios: the article's baseline, its actors' mechanisms, the whole programme,
its staged rollout, communities that differ, and the programme with one pathway closed.

Presets combine actors (party_led switches on building autonomy too; the programme all of
them), so they live with the composition; each is checked against the schema when the
house is assembled. Each says what it is, what to notice and what to try (after NetLogo's
Info tab); the CLI's `scenarios` command and the demo show these texts.
"""

from __future__ import annotations

from collections.abc import Iterator

from model.house import House
from model.scenarios import Scenario

# Mechanisms a named single-mechanism preset already switches on alone (no only_ copy: two
# names for one setting would count one comparison twice).
ONE_MECHANISM_PRESETS = {"grid_management": "grid_management",
                         "building_autonomy": "building_self_governance"}

# The article's order (structure -> mechanisms -> capacities): the structure (A1-A3) from
# the start, the interaction mechanisms (B) after half a year, the market-like instruments
# (incentives, procurement, enterprise participation) after a year. Capacities (C) are not
# switched: they grow, or not, out of what came before.
STAGES = {
    1: ("responsibility_list", "info_platform", "grid_management", "rc_deadministration",
        "party_leadership", "building_autonomy"),
    27: ("resident_channels", "org_incubation", "org_coordination", "enterprise_consultation"),
    53: ("org_incentives", "org_procurement", "enterprise_participation"),
}
PHASES = {m: start for start, mechs in STAGES.items() for m in mechs}


def presets(house: House) -> Iterator[Scenario]:
    """Every named scenario of the house, in the order the CLI and the demo list them."""
    yield from _actors()
    whole = dict.fromkeys(house.mechanisms, True)
    if sorted(PHASES) != sorted(house.mechanisms):
        raise ValueError("the staged rollout must phase in every mechanism once")
    yield from _programme(whole)
    for mech, article in house.mechanisms.items():
        if mech in ONE_MECHANISM_PRESETS:
            continue
        yield Scenario(
            f"only_{mech}",
            f"The baseline with one mechanism switched on: {mech} ({article}).",
            {mech: True},
            notice=house.params[mech].meaning + ".",
            try_="Compare with administrative, then with collaborative (everything on).",
            kind="single",
        )
    for pathway in house.pathways.values():
        yield Scenario(
            f"collaborative_without_{pathway.name}",
            f"The whole programme with one pathway closed: {pathway.meaning} "
            f"({pathway.mechanism}).",
            {**whole, **pathway.closed},
            notice="The paired difference from collaborative is what this pathway carries.",
            try_="Run experiments/configs/pathways.toml for all pathways at once.",
            kind="pathway",
        )


def _actors() -> Iterator[Scenario]:
    """The baseline, and the article's actors with their own mechanisms."""
    yield Scenario(
        "administrative",
        "Baseline (every parameter at its default): government rows, the committee drowns in "
        "paperwork, every mechanism off.",
        {},
        notice="Issues climb to the street office, waits are long, trust and participation "
               "erode.",
        try_="Switch on grid_management or rc_deadministration and compare.",
    )
    yield Scenario(
        "grid_management",
        "Grid management (A2c): one grid worker per management grid patrols and handles "
        "issues locally (staffed as grid_staffing says: by default seconded from the "
        "committee's staff).",
        {"grid_management": True},
        notice="More unreported problems are found; more are settled at grid level, fewer "
               "reach government.",
        try_="Raise rc_admin_burden: grid workers lose patrol time first.",
    )
    yield Scenario(
        "grid_management_added",
        "Grid management (A2c) with grid workers hired in addition to the committee's staff "
        "(as wealthy districts did), not seconded from it.",
        {"grid_management": True, "grid_staffing": "added"},
        notice="Compare with grid_management: the committee keeps its time for activities "
               "and visits, so whether grids lower participation rests on who staffs them.",
        try_="Lower grid_worker_capacity toward a part-time worker's.",
    )
    yield Scenario(
        "building_self_governance",
        "Building micro self-governance (A3) without Party leadership: committees must grow "
        "from willing residents alone.",
        {"building_autonomy": True},
        notice="Committees form only where many residents already take part and someone "
               "self-governs; compare building_committees with party_led.",
        try_="Lower building_willing_share_unled, or switch party_leadership on.",
    )
    yield Scenario(
        "enterprise_assisted",
        "Enterprise assistance (B4): a consultation platform mediates disputes with firms and "
        "a participation platform matches firms' pledges to organisations' projects.",
        {"enterprise_consultation": True, "enterprise_participation": True},
        notice="resolved_by_enterprise and disputes_mediated rise; enterprise_donations come "
               "in monthly rounds; watch enterprise_csr rise or fall with what giving brings "
               "back.",
        try_="Switch enterprise_consultation off: projects no longer meet firms' needs and "
             "giving may fade; or lower csr_aspiration.",
    )
    yield Scenario(
        "many_enterprises",
        "Growth: a community with many firms (24) and both enterprise platforms on.",
        {"enterprise_count": 24, "enterprise_consultation": True,
         "enterprise_participation": True},
        notice="More disputes arise, but more employees are drawn into activities and more "
               "money reaches projects; compare participation_rate with enterprise_assisted.",
        try_="Switch the platforms off to see many firms as a source of disputes only.",
        kind="growth",
    )
    yield Scenario(
        "social_collaboration",
        "Social-organisation collaboration (B2): incubation, ratings and rewards, open "
        "tenders and coordination between organisations, all on.",
        {"org_incubation": True, "org_incentives": True, "org_procurement": True,
         "org_coordination": True},
        notice="More organisations are founded and survive; contracted ones take issues that "
               "would climb to the committee and government; guided participation grows "
               "around well-rated organisations while weak ones exit.",
        try_="Switch one mechanism off at a time, or lower org_grant to see which "
             "organisations survive without public money.",
    )
    yield Scenario(
        "party_led",
        "Party-building leadership (A2a, B1, A3): branches and groups hold monthly work "
        "meetings, members recruit neighbours and back building committees.",
        {"party_leadership": True, "building_autonomy": True},
        notice="Coordination rises in monthly steps and fewer issues are lost; branch "
               "activities offer places around active members; building committees appear "
               "where members lead.",
        try_="Lower party_member_share (few_party_members), or switch building_autonomy off.",
    )
    yield Scenario(
        "few_party_members",
        "Party-led community with few Party members (2% of residents): the backbone is "
        "thin.",
        {"party_leadership": True, "building_autonomy": True,
         "party_member_share": 0.02},
        notice="Coverage and coordination stay low, few building committees form.",
        try_="Raise party_member_share step by step and watch coverage and "
             "building_committees.",
        kind="growth",
    )


def _programme(whole: dict) -> Iterator[Scenario]:
    """The whole programme, at once and staged, and communities that differ under it."""
    yield Scenario(
        "collaborative",
        "The article's whole programme at once: every structure and mechanism switched on.",
        whole,
        notice="Issues are settled lower down and faster, participation climbs the ladder, "
               "trust and the four capacities grow; watch the public cost.",
        try_="Compare with staged_rollout, or switch one mechanism off to see what it "
             "carries.",
    )
    staged: dict = {}
    for mech, start in PHASES.items():
        staged[mech] = True
        staged[f"{mech}_start"] = start
    yield Scenario(
        "staged_rollout",
        "The article's order: structure first (step 1), interaction mechanisms at step 27, "
        "incentives and procurement at step 53.",
        staged,
        notice="Each phase shows as a bend in the curves; capacities lag behind the "
               "mechanisms that feed them.",
        try_="Move a phase earlier with --set org_procurement_start=1.",
    )
    growth = [
        ("low_trust_start", "The whole programme where residents arrive with little trust "
         "in government and in neighbours.",
         {"initial_trust_government": 0.25, "initial_trust_neighbors": 0.2}),
        ("busy_households", "The whole programme where working residents have half the "
         "free hours and fewer retire early or at 60.",
         {"hours_working": 1.0, "situation_retired_35_59": 0.0,
          "situation_retired_60_plus": 0.5}),
        ("high_turnover", "The whole programme in a community of movers (a quarter of "
         "households move each year, as in renter-heavy districts).",
         {"move_out_rate": 0.25}),
        ("heavy_paperwork", "The whole programme but the committee keeps its administrative "
         "load (no de-administration, high burden).",
         {"rc_deadministration": False, "rc_admin_burden": 0.9}),
    ]
    for name, text, extra in growth:
        yield Scenario(name, text, {**whole, **extra}, kind="growth",
                       notice="Compare how fast participation and trust grow with "
                              "collaborative (the same programme in the baseline "
                              "community).",
                       try_="Plot participation_rate for the growth scenarios together "
                            "(experiments/configs).")
