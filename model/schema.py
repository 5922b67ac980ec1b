"""Building blocks of the parameter schema (kept apart so actor modules can declare theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
            if float(value) != int(value):
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
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str)


def param(name: str, type_: type, default: Any, meaning: str, **kw: Any) -> Param:
    return Param(name, type_, default, meaning, **kw)


def mechanism(name: str, meaning: str, article: str) -> list[Param]:
    """A switchable mechanism: its boolean switch and the step it is phased in at."""
    return [
        param(name, bool, False, meaning, article=article, group="mechanisms", main=True),
        param(
            f"{name}_start",
            int,
            0,
            f"step at which '{name}' is switched on (0 = from the start; ignored when "
            f"'{name}' is false). Phased in through Mesa's event scheduling.",
            article=article,
            group="phasing",
            low=0,
            high=100_000,
            unit="step",
        ),
    ]
