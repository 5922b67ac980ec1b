"""Parameters of building self-governance (A3); collected into the one schema by params.py.

Defaults and their reasons are discussed in docs/odd/buildings.md.
"""

from model.schema import Param, param

_G = "buildings"

SPECS: list[Param] = [
    param("building_willing_share", float, 0.15, "share of a building's households willing "
          "(rung >= 2) needed to form a committee when an organised Party member backs it",
          article="A3", group=_G, low=0, high=1, unit="share"),
    param("building_willing_share_unled", float, 0.3, "willing share needed without Party "
          "backbone (then a self-governing, rung-3 resident must also live there)",
          article="A3", group=_G, low=0, high=1, unit="share"),
    param("building_formation_rate", float, 0.25, "chance per step that an eligible building "
          "holds its founding election", article="A3", group=_G, low=0, high=1,
          unit="1/step"),
    param("building_committee_size", int, 5, "seats on a building committee", article="A3",
          group=_G, low=1, high=100, unit="members"),
    param("building_committee_min", int, 3, "members below which a committee dissolves (and "
          "willing households needed to found one)", article="A3", group=_G, low=1,
          high=100, unit="members"),
    param("building_member_capacity", float, 0.3, "issues one committee member settles per "
          "step", article="A3", group=_G, low=0, high=10, unit="issues/member/step"),
    param("building_competence", float, 0.5, "share of complexity a building committee "
          "settles (building matters and neighbour disputes only)", article="A3", group=_G,
          low=0, high=1),
    param("covenant_weight", float, 0.2, "competence added by a covenant signed by every "
          "household of the building", article="A3", group=_G, low=0, high=1),
    param("building_support", float, 0.6, "rung-3 utility for households whose building has "
          "a committee (half of it for rung 2)", article="A3, B3", group=_G, low=0, high=10),
    param("building_trust_rate", float, 0.005, "trust in neighbours gained per step by a "
          "household taking part (rung >= 2) in a building with a committee: "
          "rate * (1 - trust)", article="A3, C4", group=_G, low=0, high=1, unit="1/step"),
    param("cost_building", float, 0.2, "social (volunteer) cost of one issue settled by a "
          "building committee", group="costs", low=0, high=100, unit="cost units"),
]
