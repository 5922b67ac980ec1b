"""A community profile: one real (or illustrative) community's own figures, checked and
mapped to model parameters (`run.py run --community FILE`, `compare --community`, an
experiment spec's `community`).

Why: the model's defaults describe a generic urban community of 10,000 households. A
researcher who studies one community knows its households, buildings, renters, age
structure, committee staff, grids, organisations, Party members and firms. The profile
says those figures once, in the community's own terms (counts and shares as published),
and this module turns them into the schema's parameters by written rules, so every run,
comparison and (later) calibration of that community starts from the same, documented
numbers. A profile sets conditions (size, nesting, people, staff, places), never outcomes.

Rules (the table with reasons, limits and sources: docs/COMMUNITIES.md):

- households, grids, buildings -> width, height, grid_block, building_block: the nearest
  shape the schema accepts (community_shape.py says how "nearest" is weighed). Grids not
  given: the default's 400 households per grid; buildings not given: 25.
- household_size (5 shares, 5 = five or more) -> household_size_1..5, made to sum to 1.
- children -> child_share; adults_18_34 -> share_age_18_34; adults_60_plus ->
  share_age_60_plus (the model's shares of the same things).
- party_member_share -> party_member_share; party_members (a count) -> its share of the
  adults: residents (or households x the mean household size) x (1 - children).
- organisations -> org_initial_density = 1000 x organisations / households.
- enterprises -> enterprise_count, scaled by the model's households over the profile's.
- staff -> staff_capacity = base x (staff per household / 4.5 per 1,000 households): the
  schema's staff_capacity (per 100 households) stands for the reference staffing of 18
  community workers per 10,000 residents, about 4.5 per 1,000 households. The grid size
  does not enter: staff are per household served. Not given: the reference staffing.
- renters -> move_out_rate = base x (1 + (R - 1) renters) / (1 + (R - 1) 0.2557), with
  R = 30 / 7 renters' over owners' yearly move rate (US Census Bureau, CPS ASEC 2006,
  "Geographical Mobility: 2006": 30% of people in rented, 7% in owned homes had moved in
  the year; a comparator: no Chinese figure was found) and 25.57% the city households
  renting in the 2020 census, the share the default (0.08) stands for. The model has no
  tenure type: renters change only how often households move.

"base" is the value the run would have without the profile (the schema's default, or a
--params file's, e.g. a calibration's): the profile scales it, so a calibrated value is
carried over, not lost. Precedence: defaults < --params < profile < a scenario's own
settings < --set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.specify.community_shape import Shape, fit_shape
from experiments.specify.params_file import read_toml_file
from governance import PARAMS, defaults
from model.errors import InputError

# --- reference figures (each with its source; docs/COMMUNITIES.md) -----------------------
REF_HOUSEHOLDS_PER_GRID = 400  # the default grid: 20 x 20 cells, one household per cell
REF_HOUSEHOLDS_PER_BUILDING = 25  # the default building: 5 x 5 cells
# the staffing staff_capacity (per 100 households) stands for: 18 community workers per
# 10,000 residents (grid_worker_capacity's source), at 2.5 residents per household
REF_STAFF_PER_1000 = 4.5
# renters' over owners' yearly move rate: US Census Bureau, CPS ASEC 2006 (30% vs 7%)
RENTER_MOVE_RATIO = 30 / 7
# share of city households renting, 2020 census long form (the default move_out_rate's)
REF_RENTER_SHARE = 0.2557
SHARE_TOLERANCE = 0.01  # published shares are rounded: they may miss 1 by this much
SIZES = 5  # household sizes 1 .. 5 (5 = five or more), as the schema's household_size_*

TEXT = {
    "name": "the community's name (required)",
    "description": "what kind of community it is, in a sentence",
    "source": "where the figures come from: publications with year and page, or "
              "'illustrative' (required)",
    "notes": "anything a reader should know about the figures",
}
# field: (kind, low, high, meaning); kind: "count" (whole number), "share", "number", "sizes"
FIELDS: dict[str, tuple[str, float, float, str]] = {
    "households": ("count", 16, 16_000_000, "households (dwellings occupied)"),
    "buildings": ("count", 1, 16_000_000, "residential buildings"),
    "households_per_building": ("number", 1, 250_000, "households per building (instead "
                                "of buildings)"),
    "grids": ("count", 1, 4_000_000, "management grids (one grid worker each under grid "
              "management)"),
    "residents": ("count", 1, 100_000_000, "persons living here, children included (used "
                  "only to turn party_members into a share)"),
    "renters": ("share", 0, 1, "share of households renting their home"),
    "children": ("share", 0, 0.9, "share of persons under 18"),
    "adults_18_34": ("share", 0, 1, "share of adults (18+) aged 18-34"),
    "adults_60_plus": ("share", 0, 1, "share of adults (18+) aged 60 and over"),
    "household_size": ("sizes", 0, 1, "shares of households of 1, 2, 3, 4, 5+ persons"),
    "staff": ("count", 0, 1_000_000, "residents'-committee staff (community workers)"),
    "organisations": ("count", 0, 1_000_000, "community social organisations"),
    "party_member_share": ("share", 0, 0.6, "share of adults who are Party members"),
    "party_members": ("count", 0, 100_000_000, "Party members living here (instead of "
                      "party_member_share)"),
    "enterprises": ("count", 0, 1_000_000, "enterprises located in the community"),
}
EITHER = (("buildings", "households_per_building"), ("party_member_share", "party_members"))


@dataclass(frozen=True)
class Profile:
    """A checked profile: its text fields, its figures, and where it was read from."""

    path: str
    text: dict[str, str]
    figures: dict[str, Any]
    shape: Shape = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", fit_shape(*self.targets(), self.path))

    @property
    def name(self) -> str:
        return self.text["name"]

    def targets(self) -> tuple[float, float, float]:
        """Households, grids and households per building the shape should come near."""
        f = self.figures
        h = f["households"]
        grids = f.get("grids", max(1.0, h / REF_HOUSEHOLDS_PER_GRID))
        if "buildings" in f:
            per = h / f["buildings"]
        else:
            per = f.get("households_per_building", REF_HOUSEHOLDS_PER_BUILDING)
        return h, grids, per

    def params(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The parameters the profile sets. `base` is what the run would have without it
        (a --params file's values, a posterior's draw); scaled parameters start from it,
        else the defaults. The base is checked value by value, not as a whole community:
        its shape is replaced by the profile's (a drawn grid_block of 18 need not divide
        the default width of 100, only the profile's)."""
        full = {**defaults(), **{k: PARAMS[k].check(v) for k, v in (base or {}).items()}}
        f, s = self.figures, self.shape
        ratio = s.households / f["households"]
        out: dict[str, Any] = {"width": s.width, "height": s.height,
                               "grid_block": s.grid_block, "building_block": s.building_block}
        if "household_size" in f:
            total = sum(f["household_size"])
            out.update({f"household_size_{k + 1}": v / total
                        for k, v in enumerate(f["household_size"])})
        for key, name in (("children", "child_share"), ("adults_18_34", "share_age_18_34"),
                          ("adults_60_plus", "share_age_60_plus"),
                          ("party_member_share", "party_member_share")):
            if key in f:
                out[name] = float(f[key])
        if "party_members" in f:
            out["party_member_share"] = f["party_members"] / self.adults(full)
        if "organisations" in f:
            out["org_initial_density"] = 1000.0 * f["organisations"] / f["households"]
        if "enterprises" in f:
            out["enterprise_count"] = round(f["enterprises"] * ratio)
        staff_per_1000 = 1000.0 * f["staff"] / f["households"] if "staff" in f \
            else REF_STAFF_PER_1000
        out["staff_capacity"] = full["staff_capacity"] * staff_per_1000 / REF_STAFF_PER_1000
        if "renters" in f:
            out["move_out_rate"] = full["move_out_rate"] * _turnover(f["renters"]) \
                / _turnover(REF_RENTER_SHARE)
        for name, value in out.items():
            self._check(name, value)
        return out

    def layer(self, base: dict[str, Any] | None, fixed: dict[str, Any], who: str,
              assigned: dict[str, Any] | None = None, assigned_by: str = "--set"
              ) -> tuple[dict[str, Any], dict[str, str]]:
        """The profile's parameters for a run: those `fixed` (a scenario's own settings)
        or `assigned` (--set, a spec's overrides) keep their value; the second dict says
        which, for the summary."""
        values, assigned = self.params(base), assigned or {}
        kept = {k: f"{who} sets {fixed[k]!r} (the profile's {_num(v)} is not used)"
                for k, v in values.items() if k in fixed and k not in assigned}
        kept.update({k: f"{assigned_by} gives {assigned[k]!r} (the profile's {_num(v)} is not used)"
                     for k, v in values.items() if k in assigned})
        return {k: v for k, v in values.items() if k not in fixed and k not in assigned}, kept

    def record(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a run's or an experiment's record keeps of the profile."""
        return {"path": self.path, **self.text, "figures": dict(self.figures),
                "params": self.params(base)}

    def adults(self, full: dict[str, Any]) -> float:
        """Adults (18+): residents (or households x mean size) x (1 - child share)."""
        f = self.figures
        sizes = f.get("household_size") or [full[f"household_size_{k}"]
                                            for k in range(1, SIZES + 1)]
        mean = sum((k + 1) * v for k, v in enumerate(sizes)) / sum(sizes)
        persons = f.get("residents", f["households"] * mean)
        return persons * (1.0 - f.get("children", full["child_share"]))

    def _check(self, name: str, value: Any) -> None:
        try:
            PARAMS[name].check(value)
        except InputError:
            spec = PARAMS[name]
            raise InputError(
                f"community profile {self.path!r}: its figures give parameter '{name}' = "
                f"{value:.4g}, but the model allows {spec.allowed()} ({spec.meaning}). "
                f"Check the fields behind it ({', '.join(_behind(name))}); "
                "docs/COMMUNITIES.md gives each rule.") from None

    def summary(self, base: dict[str, Any] | None = None,
                kept: dict[str, str] | None = None) -> str:
        """A few lines: each figure and what the model makes of it."""
        f, s, p = self.figures, self.shape, self.params(base)
        h, grids, per = self.targets()
        grid_note = "" if "grids" in f else " (not given: 400 households each)"
        bldg_note = "" if set(f) & {"buildings", "households_per_building"} else " (not given)"
        lines = [f"community {self.name!r} ({self.path}):",
                 f"  households {f['households']:,} -> {s.width} x {s.height} = "
                 f"{s.households:,} ({_pct(s.households, h)})",
                 f"  grids {_num(grids)}{grid_note} -> {s.width // s.grid_block} x "
                 f"{s.height // s.grid_block} = {s.grids} ({_pct(s.grids, grids)}) of "
                 f"{s.grid_block} x {s.grid_block} households",
                 f"  households per building {per:.1f}{bldg_note} -> {s.building_block} x "
                 f"{s.building_block} = {s.per_building} ({_pct(s.per_building, per)}), "
                 f"{s.households // s.per_building} buildings"]
        staff = (f"staff {f['staff']}" if "staff" in f
                 else f"staff not given ({REF_STAFF_PER_1000:g} per 1,000 households)")
        lines.append(f"  {staff} -> staff_capacity {p['staff_capacity']:.4g} per 100 "
                     "households")
        for key, name in (("renters", "move_out_rate"), ("children", "child_share"),
                          ("adults_18_34", "share_age_18_34"),
                          ("adults_60_plus", "share_age_60_plus"),
                          ("party_member_share", "party_member_share"),
                          ("party_members", "party_member_share"),
                          ("organisations", "org_initial_density"),
                          ("enterprises", "enterprise_count")):
            if key in f:
                lines.append(f"  {key} {_num(f[key])} -> {name} {_num(p[name])}")
        if "household_size" in f:
            lines.append("  household_size -> household_size_1..5 " + " / ".join(
                f"{p[f'household_size_{k}']:.3f}" for k in range(1, SIZES + 1)))
        missing = [k for k in FIELDS if k not in f and not any(
            k in pair and set(pair) & set(f) for pair in EITHER)
            and k not in ("grids", "staff", "residents")]
        if missing:
            lines.append("  not given (schema defaults): " + ", ".join(missing))
        for name, why in (kept or {}).items():
            lines.append(f"  {name}: {why}")
        return "\n".join(lines)


def _turnover(renters: float) -> float:
    return 1.0 + (RENTER_MOVE_RATIO - 1.0) * renters


def _behind(name: str) -> list[str]:
    table = {"org_initial_density": ["organisations", "households"],
             "enterprise_count": ["enterprises"],
             "party_member_share": ["party_member_share", "party_members", "residents",
                                    "children", "household_size"],
             "staff_capacity": ["staff", "households"],
             "move_out_rate": ["renters"]}
    return table.get(name, ["households", "grids", "buildings"])


def _pct(got: float, want: float) -> str:
    return f"{100.0 * (got / want - 1.0):+.1f}%"


def _num(v: float) -> str:
    return f"{v:,}" if isinstance(v, int) else f"{v:.4g}"


def load_profile(path: str | Path, option: str = "--community") -> Profile:
    """Read and check a profile TOML; every failure is one paragraph (InputError)."""
    where = f"community profile {str(path)!r}"
    raw = read_toml_file(Path(path), option, "a profile TOML with a [community] table "
                         "(examples/communities/, docs/COMMUNITIES.md)", "a [community] table "
                         "of name = value lines (docs/COMMUNITIES.md)")
    extra = [k for k in raw if k != "community"]
    table = raw.get("community")
    if extra or not isinstance(table, dict):
        what = f"has {extra[0]!r} at its top level" if extra else "has no [community] table"
        raise InputError(f"{where} {what}; a profile holds one [community] table and "
                         "nothing else (docs/COMMUNITIES.md).")
    return check_profile(table, str(path))


def check_profile(table: dict[str, Any], path: str = "<profile>") -> Profile:
    """A [community] table, checked field by field, then together, then mapped."""
    where = f"community profile {path!r}"
    allowed = {**TEXT, **{k: v[3] for k, v in FIELDS.items()}}
    for key in table:
        if key not in allowed:
            raise InputError(f"{where}: field {key!r} is not a profile field; allowed: "
                             + "; ".join(f"{k} ({v})" for k, v in allowed.items()) + ".")
    text: dict[str, str] = {}
    for key in TEXT:
        value = table.get(key, "")
        if not isinstance(value, str) or (key in ("name", "source") and not value.strip()):
            raise InputError(f"{where}: field {key!r} got {value!r}, but it must be "
                             f"{'a non-empty' if key in ('name', 'source') else 'a'} string: "
                             f"{TEXT[key]}.")
        text[key] = value.strip()
    figures = {k: _figure(where, k, v) for k, v in table.items() if k in FIELDS}
    if "households" not in figures:
        raise InputError(f"{where}: field 'households' is missing; it is required (a whole "
                         "number of households from 16 up).")
    for a, b in EITHER:
        if a in figures and b in figures:
            raise InputError(f"{where}: fields {a!r} ({figures[a]!r}) and {b!r} "
                             f"({figures[b]!r}) say the same thing twice; give one.")
    _cross_checks(where, figures)
    profile = Profile(path, text, figures)
    profile.params()  # every mapped value within the schema, or one paragraph now
    return profile


def _figure(where: str, key: str, value: Any) -> Any:
    kind, low, high, meaning = FIELDS[key]
    if kind == "sizes":
        ok = (isinstance(value, list) and len(value) == SIZES
              and all(_is_number(v) and 0 <= v <= 1 for v in value))
        if not ok:
            raise InputError(f"{where}: field 'household_size' got {value!r}, but it must be "
                             f"a list of {SIZES} shares from 0 to 1 ({meaning}).")
        total = sum(value)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise InputError(f"{where}: field 'household_size' got {value!r}, whose shares "
                             f"add up to {total:.4g}, but they must add up to 1 (within "
                             f"{SHARE_TOLERANCE:g}, for rounding).")
        return [float(v) for v in value]
    whole = kind == "count"
    if not _is_number(value) or (whole and not isinstance(value, int)) or \
            not low <= value <= high:
        what = "a whole number" if whole else "a number"
        raise InputError(f"{where}: field {key!r} got {value!r}, but it must be {what} from "
                         f"{low:g} to {high:g} ({meaning}).")
    return int(value) if whole else float(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _cross_checks(where: str, f: dict[str, Any]) -> None:
    """Figures that must hold together."""
    h = f["households"]
    young, old = f.get("adults_18_34"), f.get("adults_60_plus")
    if young is not None and old is not None and young + old > 1 + SHARE_TOLERANCE:
        raise InputError(f"{where}: fields 'adults_18_34' ({young:g}) and 'adults_60_plus' "
                         f"({old:g}) add up to {young + old:.4g}, but as shares of the same "
                         "adults they must add up to at most 1 (35-59 is the rest).")
    for key, most in (("buildings", h), ("grids", h)):
        if key in f and f[key] > most:
            raise InputError(f"{where}: field {key!r} got {f[key]:,}, more than the "
                             f"{h:,} households; it must be at most 'households'.")
    per = f.get("households_per_building")
    if per is not None and per > h:
        raise InputError(f"{where}: field 'households_per_building' got {per:g}, more than "
                         f"the {h:,} households; a building cannot hold more households than "
                         "the community, so it must be at most 'households'.")
    if "residents" in f and f["residents"] < h:
        raise InputError(f"{where}: field 'residents' got {f['residents']:,}, fewer than the "
                         f"{h:,} households; every household has at least one person.")
