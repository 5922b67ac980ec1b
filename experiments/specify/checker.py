"""Field checks shared by every spec kind (experiments, searches, calibrations).

A `Checker` knows the file and its text, so each failure names the file, the line where
the field is found (best effort), the field, the value and what is allowed, in one
paragraph. Values are checked against the model's own registries (parameters, scenarios,
measures), never against copies of them.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any, NoReturn

from experiments.specify.spec import SpecError
from governance import MEASURES, PARAMS, get_scenario
from model.errors import InputError

MAX_SEED = 2**63 - 1  # the largest root seed: what every seed check allows


class Checker:
    def __init__(self, source: str, text: str) -> None:
        self.source, self.lines = source, text.splitlines()

    def folder_name(self, raw: dict[str, Any]) -> str:
        """The `name` field: it names the output folder, so letters, digits, '-', '_'."""
        name = raw.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name):
            self.fail("name", f"got {name!r}, but it must be a name of letters, digits, '-' "
                      "or '_' (1-80 characters); it names the output folder")
        return name

    def line_of(self, key: str, section: str = "") -> int | None:
        """Best-effort line of `key` (inside `[section]` when given) in the TOML text."""
        in_section = section == ""
        key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for i, line in enumerate(self.lines, 1):
            head = re.match(r"^\s*\[([^\]]+)\]", line)
            if head:
                name = head.group(1).strip()
                if section and name == section and key == "":
                    return i
                if re.fullmatch(re.escape(key), name) and not section:
                    return i
                in_section = (name == section) if section else False
                continue
            if in_section and key_re.match(line):
                return i
        return None

    def fail(self, field_: str, problem: str, section: str = "",
             key: str | None = None) -> NoReturn:
        key = field_.split(".")[-1] if key is None else key
        raise SpecError(self.source, field_, problem + ".", self.line_of(key, section))

    def known(self, table: dict[str, Any], allowed: dict[str, str], section: str) -> None:
        for key in table:
            if key not in allowed:
                prefix = f"{section}." if section else ""
                listing = "; ".join(f"{k}: {v}" for k, v in allowed.items())
                self.fail(prefix + key, f"is not a known field. Allowed fields: {listing}",
                          section=section, key=key)

    def table(self, raw: dict[str, Any], key: str, what: str) -> dict[str, Any]:
        """An optional sub-table (empty when absent); `what` says how it is written."""
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f"must be a table: {what}")
        return value

    def integer(self, name: str, value: Any, low: int, high: int, section: str = "") -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(name, f"got {value!r}, but it must be a whole number from {low} to {high}",
                      section=section, key=name.split(".")[-1])
        return int(value)

    def number(self, name: str, value: Any, section: str = "", low: float = -math.inf,
               high: float = math.inf, what: str = "a number", key: str | None = None
               ) -> float:
        """A finite number in [low, high] (infinity and NaN are refused like text)."""
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and math.isfinite(value) and low <= value <= high)
        if not ok:
            self.fail(name, f"got {value!r}, but it must be {what}", section=section,
                      key=key or name.split(".")[-1])
        return float(value)

    def boolean(self, name: str, value: Any, section: str = "") -> bool:
        if not isinstance(value, bool):
            self.fail(name, f"got {value!r}, but it must be true or false", section=section,
                      key=name.split(".")[-1])
        return value

    def text(self, name: str, value: Any, what: str) -> str:
        if not isinstance(value, str):
            self.fail(name, f"got {value!r}, but it must be {what} (a string)")
        return value

    def seed_out_overrides(self, raw: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
        """The root seed, the output folder and the [overrides] table, checked."""
        seed = self.integer("seed", raw.get("seed", 20240601), 0, MAX_SEED)
        out = self.text("out", raw.get("out", ""), "a folder path")
        overrides = self.table(raw, "overrides", "[overrides] with name = value lines")
        return seed, out, {k: self.param(k, v, "overrides") for k, v in overrides.items()}

    def scenario(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            self.fail(name, f"got {value!r}, but it must be a scenario name (a string)")
        try:
            return get_scenario(value).name
        except InputError as exc:
            self.fail(name, f"is wrong: {exc}")

    def measures(self, name: str, value: Any, section: str = "") -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.fail(name, f"got {value!r}, but it must be a non-empty list of measure names",
                      section=section, key=name.split(".")[-1])
        for m in value:
            if m not in MEASURES:
                close = difflib.get_close_matches(str(m), MEASURES, n=2)
                hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
                self.fail(name, f"names {m!r}, which is not a measure; allowed: "
                          f"{', '.join(MEASURES)}.{hint}", section=section,
                          key=name.split(".")[-1])
        return tuple(value)

    def param(self, key: str, value: Any, section: str) -> Any:
        """A parameter's value, checked by its schema entry (infinity and NaN refused)."""
        if key not in PARAMS:
            close = difflib.get_close_matches(key, PARAMS, n=2, cutoff=0.6)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            self.fail(f"{section}.{key}", "is not a model parameter (see `python run.py "
                      f"params`).{hint}", section=section, key=key)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(f"{section}.{key}", f"got {value!r}, but it must be a finite number: "
                      f"{PARAMS[key].allowed()} (a value as large as 1e400 reads as infinity)",
                      section=section, key=key)
        try:
            return PARAMS[key].check(value)
        except InputError as exc:
            self.fail(f"{section}.{key}", f"is not allowed: {exc}", section=section, key=key)

    def ranges(self, table: Any, section: str, what: str) -> dict[str, list[float]]:
        """A table name = [low, high] of numeric parameters, low below high, both valid."""
        if not isinstance(table, dict) or not table:
            self.fail(section, f"must be a non-empty table name = [low, high] {what}",
                      section=section.rsplit(".", 1)[0], key=section.split(".")[-1])
        out = {}
        for key, pair in table.items():
            where = f"{section}.{key}"
            if not isinstance(pair, list) or len(pair) != 2:
                self.fail(where, f"got {pair!r}, but it must be [low, high]", section=section,
                          key=key)
            if key in PARAMS and PARAMS[key].type not in (int, float):
                self.fail(where, f"is a {PARAMS[key].type.__name__} parameter, not numeric; a "
                          "range needs a numeric one (switches and choices take a list of "
                          "values, or go under `mechanisms`)", section=section, key=key)
            low, high = (self.param(key, v, section) for v in pair)
            if not low < high:
                self.fail(where, f"got [{low}, {high}], but low must be below high",
                          section=section, key=key)
            out[key] = [float(low), float(high)]
        return out
