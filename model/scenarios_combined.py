"""Scenarios that combine every actor: the whole programme, its staged rollout, and the
participation-growth comparisons (communities that differ, under the same programme).

Registered after the actor modules so their parameters exist (the pathway variants close
actors' parameters).
"""

from __future__ import annotations

from model.params import MECHANISMS, PARAMS
from model.pathways import PATHWAYS
from model.scenarios import Scenario, register

ADMIN = {"rc_admin_burden": 0.7}
WHOLE_PROGRAMME = {**ADMIN, **dict.fromkeys(MECHANISMS, True)}

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
assert sorted(m for ms in STAGES.values() for m in ms) == sorted(MECHANISMS)

STAGED = {**ADMIN}
for _start, _mechs in STAGES.items():
    for _m in _mechs:
        STAGED[_m] = True
        STAGED[f"{_m}_start"] = _start


def _register_all() -> None:
    register(Scenario(
        "collaborative",
        "The article's whole programme at once: every structure and mechanism switched on.",
        WHOLE_PROGRAMME,
        notice="Issues are settled lower down and faster, participation climbs the ladder, "
               "trust and the four capacities grow; watch the public cost.",
        try_="Compare with staged_rollout, or switch one mechanism off to see what it "
             "carries.",
    ))
    register(Scenario(
        "staged_rollout",
        "The article's order: structure first (step 1), interaction mechanisms at step 27, "
        "incentives and procurement at step 53.",
        STAGED,
        notice="Each phase shows as a bend in the curves; capacities lag behind the "
               "mechanisms that feed them.",
        try_="Move a phase earlier with --set org_procurement_start=1.",
    ))
    growth = [
        ("typical_community", "A typical community under the whole programme (the growth "
         "reference).", {}),
        ("low_trust_start", "The whole programme where households arrive with little trust "
         "in government and in neighbours.",
         {"initial_trust_government": 0.25, "initial_trust_neighbors": 0.2}),
        ("busy_households", "The whole programme where working households have half the "
         "free hours and fewer are retired.",
         {"hours_working": 1.0, "share_retired": 0.1}),
        ("high_turnover", "The whole programme in a community of movers (a quarter of "
         "households move each year, as in renter-heavy districts).",
         {"move_out_rate": 0.25}),
        ("heavy_paperwork", "The whole programme but the committee keeps its administrative "
         "load (no de-administration, high burden).",
         {"rc_deadministration": False, "rc_admin_burden": 0.9}),
    ]
    for name, text, extra in growth:
        register(Scenario(name, text, {**WHOLE_PROGRAMME, **extra}, kind="growth",
                          notice="Compare how fast participation and trust grow with "
                                 "typical_community.",
                          try_="Plot participation_rate for the growth scenarios together "
                               "(experiments/configs)."))
    for mech, article in MECHANISMS.items():
        register(Scenario(
            f"only_{mech}",
            f"The baseline with one mechanism switched on: {mech} ({article}).",
            {**ADMIN, mech: True},
            notice=PARAMS[mech].meaning + ".",
            try_="Compare with administrative, then with collaborative (everything on).",
            kind="single",
        ))
    for pathway in PATHWAYS.values():
        register(Scenario(
            f"collaborative_without_{pathway.name}",
            f"The whole programme with one pathway closed: {pathway.meaning} "
            f"({pathway.mechanism}).",
            {**WHOLE_PROGRAMME, **pathway.closed},
            notice="The paired difference from collaborative is what this pathway carries.",
            try_="Run experiments/configs/pathways.toml for all pathways at once.",
            kind="pathway",
        ))


_register_all()
