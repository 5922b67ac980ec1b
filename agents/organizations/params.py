"""Parameters of the social organisations (A2b, B2, C2).

Time is one week per step; money is in the model's cost units (one issue handled by the
residents' committee costs `cost_rc` = 1.5). Where no measured value exists the default is
a plausible order of magnitude, documented in docs/ODD.md (organisations section).
"""

from __future__ import annotations

from model.params import CoreParams
from model.schema import CALIBRATED, param, section


@section("organizations")
class OrgParams(CoreParams):
    """The organisations' ecology, money and the four mechanisms' instruments (B2, C2)."""

    # --- population of organisations (always present) ------------------------------------
    org_initial_density: float = param(
        1.5, "social organisations per 1000 households at start (drawn from the 'orgs' stream "
        "in every scenario)", article="A2b", low=0, high=50, unit="orgs/1000 households",
        source="rationale: 15 organisations in a community of 10,000 households, the order of "
               "the policy target of at least 10 community social organisations per urban "
               "community (MCA 民发〔2017〕191号); free in calibration")
    org_carrying_capacity: float = param(
        6.0, "density at which founding stops (density dependence, Hannan and Freeman 1989)",
        article="C2", low=0.1, high=100, unit="orgs/1000 households",
        source="Hannan and Freeman 1989 (density dependence); level: rationale, four times "
               "the starting density; free in calibration")
    org_radius: int = param(
        6, "reach of an organisation's services and activities (Chebyshev distance)",
        article="B2", low=0, high=500, unit="cells",
        source="rationale: a walk of a few buildings (a building is 5 cells)")
    org_outreach: float = param(
        0.15, "chance per step that an organisation of quality 1 brings to light an unreported "
        "issue of its kind within reach (contact through its services and activities)",
        article="B2", low=0, high=1, unit="1/step",
        source="rationale: contact through services finds a hidden need every few weeks; free "
               "in calibration")
    org_capacity: float = param(
        2.0, "issues per step an organisation of quality 1 can take", article="B2", low=0,
        high=100, unit="issues/step",
        source="rationale: a small team settles a couple of cases a week")
    org_places: float = param(
        17.6, "places at activities a quality-1 organisation holds per week for households "
        "within reach", article="B2, B3", low=0, high=1000, unit="places", source=CALIBRATED)
    org_roles: float = param(
        3.0, "volunteer roles (self-governance) a quality-1 organisation offers",
        article="B2, B3", low=0, high=100, unit="roles", source="rationale")
    org_initial_quality_low: float = param(
        0.2, "lowest quality of the organisations present at start (uniform)", low=0, high=1,
        source="rationale", at_most="org_initial_quality_high")
    org_initial_quality_high: float = param(
        0.6, "highest quality of the organisations present at start (uniform)", low=0, high=1,
        source="rationale")
    org_initial_max_age: int = param(
        260, "oldest age of the organisations present at start (uniform from 0)", low=0,
        high=5200, unit="weeks", source="rationale: up to five years old")
    org_quality_sd: float = param(
        0.05, "spread of a newborn organisation's quality around the starting level", low=0,
        high=1, source="rationale")
    # --- ecology ------------------------------------------------------------------------
    org_founding_rate: float = param(
        0.002, "expected foundings per step per unmet issue (known, open, passed the "
        "organisation stage)", article="C2", low=0, high=1, unit="1/issue/step",
        source="Hannan and Freeman 1977, 1989 (founding driven by unmet demand, density "
               "dependent); size: rationale, free in calibration")
    org_start_quality: float = param(
        0.3, "quality (competence, 0-1) of a new organisation", article="C2", low=0, high=1,
        source="rationale: newcomers start near the low end of the initial quality range "
               "(0.2-0.6)")
    org_start_funds: float = param(
        15.0, "founders' money a new organisation starts with", article="C2", low=0, high=1000,
        unit="cost units",
        source="rationale: founders' money lasts months, not years, against running costs")
    org_learning: float = param(
        0.02, "learning by doing: quality gained per issue resolved, times (1 - quality)",
        article="C2", low=0, high=1,
        source="Argote, Beckman and Epple 1990 (learning by doing); size: rationale")
    org_skill_decay: float = param(
        0.005, "share of quality lost per step (staff turnover, skills unused)", article="C2",
        low=0, high=1, unit="1/step",
        source="Argote, Beckman and Epple 1990; Darr, Argote and Epple 1995 (knowledge "
               "depreciation); 0.005/week is about 23% a year")
    org_fixed_cost: float = param(
        1.0, "running cost per step (staff, rent, activities)", low=0, high=100,
        unit="cost units/step",
        source="rationale: with grant 0.8 and fee 1 less unit cost 0.4, an organisation "
               "breaks even at about 0.33 resolved issues a week")
    org_unit_cost: float = param(
        0.4, "an organisation's own cost per issue handled", low=0, high=100,
        unit="cost units/issue",
        source="rationale: break-even at about 0.33 resolved issues a week (see "
               "org_fixed_cost)")
    org_fee: float = param(
        1.0, "service fee residents pay per issue an organisation resolves (socialised, "
        "market-like terms)", article="A2b", low=0, high=100, unit="cost units/issue",
        source="rationale: below the committee's public cost per issue (cost_rc 1.5); "
               "break-even as org_fixed_cost")
    org_grant: float = param(
        0.8, "routine government grant per organisation per step", article="C2", low=0,
        high=100, unit="cost units/step", main=True,
        source="rationale: covers most running cost, so weak organisations survive a while "
               "(no published funding shares: free in calibration)")
    org_reserve: float = param(
        20.0, "funds kept in reserve; a share of anything above is invested in training", low=0,
        high=1000, unit="cost units",
        source="rationale: about twenty weeks of running cost kept before investing")
    org_invest_share: float = param(
        0.1, "share of funds above the reserve invested in training per step", low=0, high=1,
        unit="1/step", source="rationale: surplus turns into training over about ten weeks")
    org_training_effect: float = param(
        0.02, "quality gained per cost unit invested in training, times (1 - quality)", low=0,
        high=1, unit="1/cost unit", source="rationale; free in calibration")
    org_deficit_steps: int = param(
        8, "steps in a row with negative funds after which an organisation exits", article="C2",
        low=1, high=1000, unit="steps",
        source="rationale: two months in the red before closing")
    org_newness_hazard: float = param(
        0.01, "extra exit chance per step of a newborn organisation, fading with age "
        "(liability of newness, Stinchcombe 1965)", article="C2", low=0, high=1, unit="1/step",
        source="Stinchcombe 1965; Freeman, Carroll and Hannan 1983 (liability of newness); "
               "size: rationale")
    org_newness_age: float = param(
        26.0, "age over which the liability of newness fades by a factor e", article="C2",
        low=1, high=1000, unit="steps",
        source="Stinchcombe 1965 (liability of newness); rationale: fades over the first half "
               "year")
    # --- incubation (B2 i) --------------------------------------------------------------
    org_incubation_founding: float = param(
        1.0, "extra founding rate under incubation (relative: 1 doubles it)", article="B2(i)",
        low=0, high=20,
        source="Hackett and Dilts 2004 (incubation); size: rationale, doubles foundings; free "
               "in calibration")
    org_incubator_quality: float = param(
        0.15, "extra starting quality of an organisation founded in a professional incubator",
        article="B2(i)", low=0, high=1,
        source="Hackett and Dilts 2004 (incubation); size: rationale")
    org_incubation_rent: float = param(
        0.5, "share of running cost saved by free office and meeting space while incubated",
        article="B2(i)", low=0, high=1,
        source="rationale: free office and meeting space is about half of running cost")
    org_incubation_period: int = param(
        52, "steps an organisation stays in the incubator", article="B2(i)", low=1, high=1000,
        unit="steps",
        source="rationale: one-year incubation, the usual term of city incubation programmes")
    # --- incentives (B2 ii) -------------------------------------------------------------
    org_assessment_interval: int = param(
        13, "steps between assessments and ratings (13 = quarterly)", article="B2(ii)", low=1,
        high=1000, unit="steps", source="rationale: quarterly assessment and rating")
    org_reward: float = param(
        5.0, "public reward to each top-rated organisation per assessment", article="B2(ii)",
        low=0, high=1000, unit="cost units",
        source="rationale: about five weeks of running cost")
    org_reward_share: float = param(
        0.25, "share of organisations rewarded at each assessment (the best rated)",
        article="B2(ii)", low=0, high=1, source="rationale: the top quarter is rewarded")
    org_assessment_quality_weight: float = param(
        0.5, "weight of quality in the assessment score (the rest: work done relative to the "
        "busiest)", article="B2(ii)", low=0, high=1, source="rationale")
    # --- procurement (B2 ii, C1) --------------------------------------------------------
    org_tender_interval: int = param(
        52, "steps between open tenders (52 = yearly); the first is held when procurement "
        "starts", article="B2(ii)", low=1, high=1000, unit="steps",
        source="rationale: yearly service contracts, usual in government purchase of services "
               "(Teets 2014)")
    org_contracts_per_1000: float = param(
        2.0, "service contracts government buys per 1000 households at each tender",
        article="C1", low=0, high=100, unit="contracts/1000 households",
        source="rationale; the share of organisations' funding from purchase of services is "
               "not published (docs/CALIBRATION.md): free in calibration")
    org_contract_boost: float = param(
        1.0, "extra capacity of a contracted organisation (staff paid by a public retainer; 1 "
        "doubles it)", article="C1", low=0, high=20,
        source="rationale: a contract pays for about as many staff again")
    org_contract_reach: int = param(
        3, "extra reach of a contracted organisation", article="C1", low=0, high=500,
        unit="cells", source="rationale: half the reach again")
    org_price_cap: float = param(
        3.0, "highest price per issue government accepts in a bid", article="B2(ii)", low=0,
        high=100, unit="cost units/issue",
        source="rationale: twice the committee's public cost per issue (cost_rc 1.5)")
    org_tender_quality_weight: float = param(
        0.5, "weight of quality in a bid's score", article="B2(ii)", low=0, high=1,
        source="rationale: quality weighs most in a best-value tender; the three weights sum "
               "to 1")
    org_tender_price_weight: float = param(
        0.3, "weight of (lowest price / price) in a bid's score", article="B2(ii)", low=0,
        high=1, source="rationale: see org_tender_quality_weight")
    org_tender_rating_weight: float = param(
        0.2, "weight of the published rating in a bid's score (used only when ratings exist)",
        article="B2(ii)", low=0, high=1, source="rationale: see org_tender_quality_weight")
    # --- coordination (B2 iii) ----------------------------------------------------------
    org_overlap_waste: float = param(
        0.5, "share of capacity, outreach, places and roles lost where uncoordinated "
        "organisations of one kind overlap (duplicated effort)", article="B2(iii)", low=0,
        high=1,
        source="rationale: half the effort duplicated where services overlap; free in "
               "calibration")
    org_coordinated_founding: bool = param(
        True, "under coordination, new organisations are steered to where no organisation of "
        "their kind serves yet", article="B2(iii)",
        source="article B2(iii): leaders jointly coordinate activity resources")
    org_shared_saving: float = param(
        0.3, "share of running cost saved by shared resources under coordination",
        article="B2(iii)", low=0, high=1,
        source="rationale: shared space and staff save about a third of running cost")
