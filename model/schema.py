"""What a parameter is, and how a home declares its parameters: typed, frozen sections.

A section is a frozen dataclass whose fields are the parameters, each declared once with
everything a user, a validator or a form needs (`param`). The code reads them as typed
attributes (`p.rc_admin_burden`), so a reader or a tool follows a parameter from its
declaration to every use; the schema entries (`Param`) that validation, the CLI and the
ODD's tables read are derived from the same fields (`specs_of`).
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from dataclasses import dataclass
from typing import Any, dataclass_transform

import numpy as np

from model.errors import InputError


@dataclass(frozen=True)
class Param:
    """One model parameter: everything a user, a validator or a form needs to know."""

    name: str
    type: type
    default: Any
    meaning: str
    article: str = ""
    group: str = "general"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    unit: str = ""
    main: bool = False  # shown as a slider / switch in the teaching demo
    source: str = ""  # where the default comes from: a citation, or the rationale
    at_most: str | None = None  # another parameter this one may not exceed (a range's ends)
    # A rate of a slow process (attitudes, turnover) that the burn-in's spin-up speeds up.
    slow: bool = False

    def allowed(self) -> str:
        """Human wording of the allowed values, used in every error message."""
        if self.type is bool:
            return "true or false"
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "an integer" if self.type is int else "a number"
        return f"{kind} from {self.low:g} to {self.high:g}"

    def check(self, value: Any) -> Any:
        """Return `value` coerced to this parameter's type, or raise InputError."""
        if self.type is bool:
            if isinstance(value, bool | np.bool_):
                return bool(value)
            raise ParamError(self.name, value, self.allowed())
        if self.type is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise ParamError(self.name, value, self.allowed())
            return value
        if isinstance(value, bool) or not _is_number(value):
            raise ParamError(self.name, value, self.allowed())
        if self.type is int:
            if not math.isfinite(float(value)) or float(value) != int(value):
                raise ParamError(self.name, value, self.allowed())
            value = int(value)
        else:
            value = float(value)
            if value != value:  # NaN
                raise ParamError(self.name, value, self.allowed())
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ParamError(self.name, value, self.allowed())
        return value

    def parse(self, text: str) -> Any:
        """Parse a command-line string (`--set name=value`) into a checked value."""
        text = text.strip()
        if self.type is bool:
            low = text.lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
            raise ParamError(self.name, text, self.allowed())
        if self.type is str:
            return self.check(text)
        try:
            value = int(text) if self.type is int else float(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise ParamError(self.name, text, self.allowed()) from None
        return self.check(value)


class ParamError(InputError):
    """A parameter value that is not allowed."""

    def __init__(self, field: str, value: Any, allowed: str, extra: str = "") -> None:
        self.field, self.value, self.allowed = field, value, allowed
        msg = f"parameter '{field}' got {value!r}, but it must be {allowed}."
        super().__init__(msg + (" " + extra if extra else ""))


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond float
        return False
    return not isinstance(value, str)


# The calibration the defaults come from (experiments/calibrations/baseline/; set by
# scripts/apply_calibration.py), and the source of every default it fitted.
CALIBRATION = "calibrate_baseline-418f40abc719-mcmc10000"
# Defaults fitted by Model 2's calibration and not refitted since (Model 3's calibration
# frees other parameters: docs/CALIBRATION.md, "Which parameters move the targets").
MODEL2_CALIBRATION = "calibrate_baseline-8885f18d651c-g7"
CALIBRATED = (f"calibrated for Model 2 (posterior median of {MODEL2_CALIBRATION}); not "
              "refitted for Model 3")


def calibrated(rationale: str) -> str:
    """The source of a default the shipped calibration set: its id, and the rationale that
    set the prior's range."""
    if rationale == CALIBRATED:
        rationale = f"Model 2's posterior median ({MODEL2_CALIBRATION})"
    return (f"calibrated: MAP draw of {CALIBRATION} "
            f"(experiments/calibrations/baseline/report.md); prior from: {rationale}")

# --- sections: parameters declared as typed fields ----------------------------------------
_TYPES = {"bool": bool, "int": int, "float": float, "str": str}
_META = "param"  # the key of a field's metadata that holds its schema entry's attributes


def param(default: Any, meaning: str, **schema: Any) -> Any:
    """One parameter of a section: its default, its meaning, and the rest of its schema
    entry (article, group, low, high, choices, unit, main, source, at_most, slow)."""
    return dataclasses.field(default=default, metadata={_META: {"meaning": meaning, **schema}})


@dataclass_transform(frozen_default=True, field_specifiers=(param,))
def section(group: str):
    """Make a class a parameter section: a frozen dataclass whose fields default to `group`.

    A section extends the sections its code reads (every one extends the core's), so its
    fields and theirs are typed attributes of the parameters it is given.
    """

    def make(cls: type) -> type:
        cls = dataclass(frozen=True)(cls)
        cls.__group__ = group
        return cls

    return make


def own_fields(cls: type) -> list[dataclasses.Field]:
    """The fields a section declares itself (not those of the sections it extends), in order."""
    own = inspect.get_annotations(cls)
    return [f for f in dataclasses.fields(cls) if f.name in own]


def specs_of(cls: type) -> list[Param]:
    """The schema entries of a section's own fields."""
    out = []
    for f in own_fields(cls):
        meta = dict(f.metadata[_META])
        kind = _TYPES[f.type] if isinstance(f.type, str) else f.type
        meta.setdefault("group", cls.__group__)
        out.append(Param(f.name, kind, f.default, meta.pop("meaning"), **meta))
    return out


@dataclass(frozen=True)
class Mechanism:
    """A switch of the article's programme: which claim it is, and what it changes."""

    name: str
    article: str
    meaning: str

    def params(self) -> list[Param]:
        """Its switch and the step it is phased in at."""
        return [
            Param(self.name, bool, False, self.meaning, article=self.article,
                  group="mechanisms", main=True),
            Param(f"{self.name}_start", int, 0,
                  f"step at which '{self.name}' is switched on (0 = from the start; ignored "
                  f"when '{self.name}' is false). Phased in through Mesa's event scheduling.",
                  article=self.article, group="phasing", low=0, high=100_000, unit="step"),
        ]
