"""Enterprises (B4, C3): disputes, the consultation platform, the participation platform."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance import SCENARIOS, GovernanceModel
from model.measures import assert_valid
from tests.conftest import MODEL2_VALUES, SMALL, TINY

BASE = {**SMALL, "rc_admin_burden": 0.7}
SEEDS = range(4)
# One worker runs this file, so the runs several claims compare (the baseline, consultation,
# consultation with participation) are made once (`finished` below).
pytestmark = pytest.mark.xdist_group("enterprises")
KINDS = (0, 1, 2, 3)  # household issue kinds, as organisations' `kind`


class StubOrg:
    """Stands in for a SocialOrganization: the interface the platform relies on."""

    def __init__(self, model, x: int, y: int, kind: int, quality: float) -> None:
        self.cell = model.community.grid[(x, y)]
        self.kind, self.quality, self.funds = kind, quality, 0.0

    def receive(self, amount: float, source: str) -> None:
        assert amount > 0 and source
        self.funds += amount

    def fund_project(self, places: float, until: int) -> None:
        self.project = (places, until)

    def participants(self) -> np.ndarray:
        return np.zeros(0, dtype=np.intp)  # a stub holds no activities


def stub_orgs(model, count: int = 6, quality: float = 0.7, seed: int = 99) -> list[StubOrg]:
    r = np.random.default_rng(seed)
    w, h = model.community.width, model.community.height
    return [StubOrg(model, int(r.integers(w)), int(r.integers(h)), KINDS[i % len(KINDS)],
                    quality) for i in range(count)]


def build(seed: int, orgs: int | None = None, **params) -> GovernanceModel:
    """A small model; `orgs` replaces whatever organisations exist by stubs (None: keep)."""
    m = GovernanceModel(rng=seed, **{**BASE, **params})
    if orgs is not None:
        stubs = stub_orgs(m, orgs)
        m.enterprise_sector.organizations = lambda: stubs
        m.stub_orgs = stubs
    return m


@functools.cache
def _finished(seed: int, steps: int, orgs: int | None, params: tuple) -> tuple:
    """One finished run's frame and the share of firms' employees on rungs >= 2: each
    distinct run is made once in this process (the baseline and the mechanisms' runs are
    compared by several tests). Nothing of the model is kept, so no test sees another's."""
    m = build(seed, orgs=orgs, **dict(params))
    m.run(steps)
    staff = m.population.employer >= 0
    return (m.datacollector.get_model_vars_dataframe(),
            float((m.population.level[staff] >= 2).mean()))


def finished(seed: int, steps: int = 80, orgs: int | None = None, **params) -> tuple:
    frame, guided = _finished(seed, steps, orgs, tuple(sorted(params.items())))
    return frame.copy(), guided


def tail_means(columns: list[str], steps: int = 80, tail: int = 30, orgs: int | None = None,
               **params) -> pd.Series:
    """Means of measures over the last `tail` steps, averaged over SEEDS."""
    vals = [finished(s, steps, orgs, **params)[0][columns].iloc[-tail:].mean() for s in SEEDS]
    return pd.concat(vals, axis=1).mean(axis=1)


def tail_mean(column: str, **kw) -> float:
    return float(tail_means([column], **kw)[column])


# --- the community: built the same whichever mechanisms are on -----------------------------
def test_same_seed_builds_the_same_firms_in_every_scenario():
    a = GovernanceModel(rng=3, **BASE)
    b = GovernanceModel(rng=3, **BASE, enterprise_consultation=True,
                        enterprise_participation=True, grid_management=True)
    assert len(a.enterprises) == BASE.get("enterprise_count", 6)
    for fa, fb in zip(a.enterprises, b.enterprises, strict=True):
        assert (fa.x, fa.y, fa.propensity, fa.need) == (fb.x, fb.y, fb.propensity, fb.need)
        assert np.array_equal(fa.employees, fb.employees)
    assert np.array_equal(a.population.employer, b.population.employer)
    # Employees belong to exactly one firm, and the firm's list says so.
    for f in a.enterprises:
        assert len(f.employees) > 0
        assert (a.population.employer[f.employees] == f.index).all()
    assert (a.population.employer >= 0).sum() == sum(len(f.employees) for f in a.enterprises)


def test_employees_live_mostly_near_their_firm():
    m = GovernanceModel(rng=1, **BASE)
    c = m.community
    near, far = [], []
    for f in m.enterprises:
        d = c.distance(c.x, c.y, f.x, f.y)
        near.append(d[m.population.home[f.employees]].mean())  # employees' homes
        far.append(d.mean())
    assert np.mean(near) < 0.6 * np.mean(far)


# --- disputes and the consultation platform (B4 i) ------------------------------------------
def test_enterprise_disputes_arise_without_any_platform_and_climb_the_chain():
    m = build(0)
    m.run(40)
    frame = m.datacollector.get_model_vars_dataframe()
    assert frame["enterprise_disputes"].sum() > 0
    assert (frame["disputes_raised"] >= frame["enterprise_disputes"]).all()
    assert frame["resolved_by_enterprise"].sum() == 0


def test_consultation_mediates_enterprise_disputes():
    """B4(i): the platform settles disputes with firms, so a larger share of all disputes
    closed is settled below government (C1b). (The count of disputes mediated is not
    compared: with reporting open to every household in Model 3 it moves with how many
    disputes are reported, and 4 seeds cannot tell it from noise.)"""
    off = tail_mean("capacity_negotiation")
    on = tail_mean("capacity_negotiation", enterprise_consultation=True)
    assert on > off
    assert tail_mean("resolved_by_enterprise", enterprise_consultation=True) > 0.5
    assert tail_mean("resolved_by_enterprise") == 0


def test_consultation_without_firms_does_nothing():
    m = build(0, enterprise_count=0, enterprise_consultation=True,
              enterprise_participation=True)
    m.run(20)
    frame = m.datacollector.get_model_vars_dataframe()
    assert frame[["enterprise_disputes", "resolved_by_enterprise",
                  "enterprise_donations"]].to_numpy().sum() == 0


# --- participation platform and social responsibility (B4 ii, C3) ----------------------------
def test_participation_brings_donations_to_organisations():
    assert tail_mean("enterprise_donations", orgs=6) == 0
    on = tail_mean("enterprise_donations", orgs=6, enterprise_participation=True)
    assert on > 0


def test_projects_raise_firms_reputation():
    off = tail_mean("enterprise_reputation")
    on = tail_mean("enterprise_reputation", enterprise_participation=True,
                   enterprise_consultation=True)
    assert on > off


def test_giving_firms_draw_their_employees_into_activities():
    def employees_guided(**params) -> float:
        return float(np.mean([finished(s, **params)[1] for s in SEEDS]))

    assert employees_guided(enterprise_participation=True, enterprise_consultation=True) \
        > employees_guided()


def test_without_organisations_giving_fades_and_pledges_wait_in_the_fund():
    """Where the article's mutual benefit does NOT hold: with no organisation to run
    projects, pledges bring nothing back, so firms learn to stop giving (C3 fails)."""
    finals, starts = [], []
    for s in SEEDS:
        m = build(s, orgs=0, enterprise_participation=True, enterprise_consultation=True)
        starts.append(np.mean([f.propensity for f in m.enterprises]))
        m.run(100)
        finals.append(m.current["enterprise_csr"])
        ledger = m.enterprise_sector.ledger()
        assert ledger["received"] == 0
        assert ledger["fund"] == ledger["donated"] > 0
        assert m.current["enterprise_fund"] == ledger["fund"]
    assert np.mean(finals) < 0.6 * np.mean(starts)


def test_waiting_pledges_reach_the_first_organisation_that_appears():
    m = build(2, orgs=0, enterprise_participation=True, csr_initial=1.0)
    m.run(9)
    waiting = m.enterprise_sector.fund
    assert waiting > 0
    stubs = stub_orgs(m, 3)
    m.enterprise_sector.organizations = lambda: stubs
    m.run(4)
    ledger = m.enterprise_sector.ledger()
    assert ledger["fund"] == 0
    assert ledger["received"] == ledger["donated"]
    assert np.isclose(sum(o.funds for o in stubs) * m.params["yuan_per_cost_unit"],
                      ledger["received"])


# --- invariants, replay, phasing ------------------------------------------------------------
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(0, 12), staff=st.floats(0, 80), giving=st.floats(0, 500),
    interval=st.integers(1, 6), orgs=st.integers(0, 4), appear=st.integers(0, 12),
    rate=st.floats(0, 0.05), csr=st.floats(0, 1), consult=st.booleans(),
    seed=st.integers(0, 2**16), burn_in=st.integers(0, 104),
)
def test_money_conserved_and_measures_sane(count, staff, giving, interval, orgs, appear, rate,
                                           csr, consult, seed, burn_in):
    """Money is conserved and measures stay sane anywhere (the burn-in drawn short, as in
    test_buildings.py: the same rules with the mechanisms off, and each example's
    parameters act in it, so a ten-year one cost nine tenths of this test's time)."""
    m = GovernanceModel(rng=seed, **TINY, burn_in=burn_in, enterprise_count=count,
                        enterprise_staff=staff,
                        enterprise_giving=giving, project_interval=interval,
                        enterprise_dispute_rate=rate, csr_initial=csr,
                        enterprise_participation=True, enterprise_consultation=consult)
    stubs = stub_orgs(m, orgs)
    sector = m.enterprise_sector
    sector.organizations = lambda: stubs if m.step_count >= appear else []
    donated = 0.0
    for _ in range(16):
        m.step()
        assert_valid(m.current)
        donated += m.current["enterprise_donations"]
        for key in ("enterprise_donations", "enterprise_disputes", "resolved_by_enterprise",
                    "enterprise_fund", "disputes_mediated"):
            assert m.current[key] >= 0
        assert 0 <= m.current["enterprise_csr"] <= 1
        assert 0 <= m.current["enterprise_reputation"] <= 1
    ledger = sector.ledger()
    assert np.isclose(ledger["donated"], donated)
    assert np.isclose(ledger["donated"], ledger["received"] + ledger["fund"])
    assert np.isclose(sum(o.funds for o in stubs) * m.params["yuan_per_cost_unit"],
                      ledger["received"])
    pop = m.population
    assert ((pop.satisfaction >= 0) & (pop.satisfaction <= 1)).all()
    assert ((sector.opinion >= 0) & (sector.opinion <= 1)).all()


def test_same_seed_replays_identically():
    def frame() -> pd.DataFrame:
        m = build(7, orgs=5, enterprise_consultation=True, enterprise_participation=True)
        m.run(30)
        return m.datacollector.get_model_vars_dataframe()

    pd.testing.assert_frame_equal(frame(), frame())


def test_consultation_phased_in_works_from_its_start_step():
    start = 25
    m = build(0, enterprise_consultation=True, enterprise_consultation_start=start)
    on_at = []
    for _ in range(60):  # the state the next step will run with
        on_at.append((m.step_count + 1, m.mechanisms["enterprise_consultation"]))
        m.step()
    assert all(on == (step >= start) for step, on in on_at)
    frame = m.datacollector.get_model_vars_dataframe()  # row i = after step i
    assert frame["resolved_by_enterprise"].iloc[1:start].sum() == 0
    assert frame["resolved_by_enterprise"].iloc[start:].sum() > 0


def test_participation_phased_in_holds_its_first_round_at_the_start_step():
    start = 13
    # Model 2's livelier community: at the calibrated point a round can find no project to
    # fund (week 33 at this seed), and this test is about when rounds are held.
    m = build(1, orgs=4, enterprise_participation=True, enterprise_participation_start=start,
              csr_initial=1.0, **MODEL2_VALUES)
    m.run(40)
    donations = m.datacollector.get_model_vars_dataframe()["enterprise_donations"]
    assert donations.iloc[:start].sum() == 0
    assert donations.iloc[start] > 0  # every firm gives at propensity 1
    rounds = donations.index[donations > 0]
    assert list(rounds) == list(range(start, 41, m.params["project_interval"]))


def test_enterprise_scenarios_are_registered_and_run():
    assert SCENARIOS["enterprise_assisted"].kind == "mechanism"
    assert SCENARIOS["many_enterprises"].kind == "growth"
    for name in ("enterprise_assisted", "many_enterprises"):
        m = GovernanceModel.from_scenario(name, rng=0, **SMALL)
        m.run(5)
        assert_valid(m.current)
    many = GovernanceModel.from_scenario("many_enterprises", rng=0, **SMALL)
    few = GovernanceModel.from_scenario("enterprise_assisted", rng=0, **SMALL)
    assert len(many.enterprises) > len(few.enterprises)
    assert (many.population.employer >= 0).sum() > (few.population.employer >= 0).sum()


def test_donations_reach_the_real_organisations_books():
    """With the organisations actor installed, every yuan paid shows in its ledger."""
    m = GovernanceModel(rng=4, **BASE, enterprise_participation=True, csr_initial=1.0)
    if not hasattr(m, "org_sector"):
        pytest.skip("organisations actor not installed in this tree")
    m.run(30)
    ledger = m.enterprise_sector.ledger()
    assert ledger["donated"] > 0
    assert np.isclose(ledger["donated"], ledger["received"] + ledger["fund"])
    booked = m.org_sector.ledger.received.get("enterprise", 0.0)
    assert np.isclose(booked * m.params["yuan_per_cost_unit"], ledger["received"])
