"""Parameters of enterprises (B4, C3).

Defaults and their reasons are discussed in docs/ODD.md (enterprises section).
"""

from __future__ import annotations

from model.params import CoreParams
from model.schema import param, section


@section("enterprises")
class EnterpriseParams(CoreParams):
    """The firms, their disputes, the two platforms and firms' learnt giving (B4, C3)."""

    # --- the firms themselves (exist in every scenario) -----------------------------------
    enterprise_count: int = param(
        6, "enterprises located in the community (they, their employees and their disputes "
        "exist whether or not any platform is on)", article="A2, B4", low=0, high=500,
        unit="enterprises", main=True,
        source="rationale: several small and medium firms in an urban community of about "
               "10,000 households; set per community")
    enterprise_staff: float = param(
        30.0, "mean number of the community's residents each enterprise employs (Poisson; "
        "employees live mostly nearby)", article="B4", low=0, high=2000, unit="households",
        source="rationale: small and medium firms that hire partly from the neighbourhood; "
               "set per community")
    enterprise_commute: float = param(
        8.0, "distance scale of where employees live: a household at distance d is drawn with "
        "weight exp(-d / commute)", low=0.5, high=10_000, unit="cells",
        source="rationale: most local staff live within a few buildings' walk (a grid is 20 "
               "cells)")
    enterprise_reach: int = param(
        6, "Chebyshev distance within which residents feel an enterprise's noise, parking and "
        "pollution (they count as touched by the nearest such firm); also the distance scale "
        "of the platform's project matching", article="B4(i)", low=1, high=1000, unit="cells",
        source="rationale: noise, parking and pollution are felt a few buildings around (a "
               "building is 5 cells)")
    enterprise_dispute_rate: float = param(
        0.004, "disputes with its enterprise a nearby household or an employee raises per "
        "step (noise, parking, pollution, labour)", article="B4(i)", low=0, high=1,
        unit="disputes/household/step",
        source="rationale: about one dispute per five touched households a year (0.004 x 52 = "
               "0.21); free in calibration")
    # --- consultation platform (B4 i) ------------------------------------------------------
    consultation_capacity: float = param(
        1.5, "enterprise disputes the community-enterprise consultation platform mediates per "
        "step, per enterprise it covers", article="B4(i)", low=0, high=100,
        unit="disputes/enterprise/step",
        source="rationale: one or two mediations per firm a week, above the default dispute "
               "load")
    consultation_competence: float = param(
        0.8, "share of dispute complexity mediation settles (the rest escalates to grid "
        "worker, committee, government)", article="B4(i)", low=0, high=1,
        source="Moore 2014 (The Mediation Process): mediation settles most but not all "
               "disputes; size: rationale")
    consultation_delay: int = param(
        1, "weeks until a mediation meeting is held", article="B4(i)", low=0, high=52,
        unit="weeks", source="rationale: the week after")
    cost_consultation: float = param(
        0.5, "social cost of one dispute mediated on the platform (shared by community and "
        "firm, not public)", group="costs", low=0, high=100, unit="cost units",
        source="rationale: shared volunteer and firm time, below the committee's cost_rc (1.5)")
    # --- participation platform and social responsibility (B4 ii, C3) ----------------------
    project_interval: int = param(
        4, "steps between the participation platform's project rounds (4 = monthly)",
        article="B4(ii)", low=1, high=52, unit="steps",
        source="rationale: monthly project rounds")
    enterprise_giving: float = param(
        20.0, "yuan an enterprise pledges in a round in which it gives, per local employee",
        article="B4(ii), C3", low=0, high=100_000, unit="yuan/employee/round",
        source="rationale: a few hundred yuan a month from a small firm (20 yuan x 30 staff = "
               "600); free in calibration")
    project_cost: float = param(
        1000.0, "yuan a project needs to run at full scale; smaller pledges buy "
        "proportionally smaller projects", article="B4(ii)", low=1, high=10_000_000,
        unit="yuan",
        source="rationale: a month of a community activity (venue, materials, a coordinator's "
               "hours)")
    yuan_per_cost_unit: float = param(
        100.0, "yuan in one of the model's cost units (about two hours of a community "
        "worker's time); organisations keep books in cost units", group="costs", low=0.01,
        high=1_000_000, unit="yuan/cost unit",
        source="rationale: about two hours of a community worker's time")
    csr_initial: float = param(
        0.3, "mean initial propensity of an enterprise to give in a round (social "
        "responsibility; sd csr_sd, clipped to [0, 1])", article="C3", low=0, high=1, main=True,
        source="rationale: most firms give now and then, few every month; free in calibration")
    csr_learning: float = param(
        0.2, "Bush-Mosteller learning rate of the giving propensity", article="C3", low=0,
        high=1,
        source="Macy and Flache 2002 use Bush-Mosteller learning rates of 0.05-0.5 (Bush and "
               "Mosteller 1955)")
    csr_aspiration: float = param(
        0.02, "initial aspiration: return per round of giving (reputation gain plus "
        "employees' satisfaction gain) below which the firm feels giving did not pay",
        article="C3", low=0.0001, high=1,
        source="Macy and Flache 2002 (aspiration level); value: rationale, a well-matched "
               "full-scale project satisfies the firm")
    project_reputation_gain: float = param(
        0.3, "opinion gain, for households touched by the firm who take part in the funded "
        "organisation's activities, from a full-scale project of quality 1: g * (1 - opinion)",
        article="C3", low=0, high=1,
        source="rationale: one project closes a fraction of the gap in a participant's "
               "opinion; free in calibration")
    project_satisfaction_gain: float = param(
        0.2, "satisfaction gain of the firm's employees who take part in the funded "
        "organisation's activities, from a full-scale project of quality 1 that meets the "
        "firm's need: g * (1 - s)", article="B4(ii), C3", low=0, high=1,
        source="rationale: below the reputation gain, staff have other sources of "
               "satisfaction; free in calibration")
    enterprise_volunteer_hours: float = param(
        2.0, "paid volunteer hours a week a firm releases to each employee, times its "
        "propensity to give, while the participation platform runs (time, not willingness)",
        article="B4(ii), B3", low=0, high=40, unit="hours/week",
        source="rationale: an afternoon a month or so")
    project_places: float = param(
        20.0, "places at an organisation's activities a full-scale project pays for while it "
        "runs (project_interval weeks)", article="B4(ii)", low=0, high=1000, unit="places",
        source="rationale")
    csr_sd: float = param(
        0.1, "spread (sd) of firms' initial propensity to give", article="C3", low=0, high=1,
        source="rationale")
    csr_habituation: float = param(
        0.1, "rate at which a firm's aspiration moves toward what giving brought back (Macy "
        "and Flache 2002)", article="C3", low=0, high=1, source="Macy and Flache 2002")
    csr_aspiration_floor: float = param(
        0.0001, "lowest aspiration a firm can adapt down to", article="C3", low=1e-06, high=1,
        source="rationale: keeps the stimulus defined")
    initial_opinion: float = param(
        0.5, "households' opinion of a firm before anything happens", article="B4", low=0,
        high=1, source="rationale: neutral")
