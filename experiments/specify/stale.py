"""Is a calibration's result tied to the model code it is used with?

A posterior or calibrated.toml holds values fitted to one version of the model. With other
model code a parameter may mean something else, or move the targets differently, so the
values are no longer a fit. Commands that load one say so on stderr, and say how to
recalibrate, instead of quietly drawing from it. The version is the hash of the model's
source (`code_version`): read from the file itself (written since calibrations record it),
else from the calibration.json beside it.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from experiments.running.fingerprint import pinned_fingerprint, pinned_measures
from governance import PARAMS

RECALIBRATE = ("python run.py calibrate experiments/configs/calibrate_baseline.toml --fresh "
               "(or your own calibration config), then use the new calibrated.toml or "
               "posterior.parquet from its output folder")
_WARNED: set[tuple[str, str]] = set()


def _from_file(path: Path) -> str | None:
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            meta = pq.read_schema(path).metadata or {}
            raw = meta.get(b"code_version", b"").decode()
        else:
            raw = str(tomllib.loads(path.read_text(encoding="utf-8")).get("code_version", ""))
    except Exception:  # unreadable here: the loader reports it in its own words
        return None
    return raw or None


def made_with(path: str | Path) -> str | None:
    """The model code version a calibration result was fitted to, None if unknown."""
    path = Path(path)
    found = _from_file(path)
    if found:
        return found
    manifest = path.parent / "calibration.json"
    try:
        found = json.loads(manifest.read_text(encoding="utf-8")).get("code_version")
    except (OSError, ValueError, AttributeError):
        return None
    return str(found) if found else None


def is_calibration(path: str | Path) -> bool:
    """A file the calibration wrote (not a parameter file someone typed): it names a
    calibration, or sits in a calibration's output folder."""
    path = Path(path)
    if (path.parent / "calibration.json").is_file() or path.suffix == ".parquet":
        return True
    try:
        return "calibration_id" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def rules_fingerprint(scenario: str, pins: dict[str, Any],
                      measures: list[str] | None = None) -> str:
    return pinned_fingerprint(scenario, pins, measures)


def rules_measures(scenario: str, pins: dict[str, Any]) -> list[str]:
    """The measures a calibration made now records with its rules fingerprint."""
    return pinned_measures(scenario, pins)


def recorded_measures(path: str | Path) -> list[str] | None:
    """The measures a calibration result's rules fingerprint covers: recorded in the file
    (posterior metadata, `rules_measures` in a TOML) or in the calibration.json beside it;
    None when nothing records them (results made before the record: every measure)."""
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            raw = (pq.read_schema(path).metadata or {}).get(b"rules_measures")
            if raw:
                return list(json.loads(raw))
        elif path.suffix == ".toml":
            found = tomllib.loads(path.read_text(encoding="utf-8")).get("rules_measures")
            if found:
                return [str(m) for m in found]
        beside = path if path.name == "calibration.json" else path.parent / "calibration.json"
        if beside.is_file():
            found = json.loads(beside.read_text(encoding="utf-8")).get("rules_measures")
            if found:
                return [str(m) for m in found]
    except (OSError, ValueError):
        pass
    return None


def first_particle(df: pd.DataFrame) -> dict[str, Any]:
    """The first row's free parameters, as the model takes them (the pins of the file)."""
    row = df.drop(columns=["weight"], errors="ignore").iloc[0]
    return {k: PARAMS[k].check(v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def _rules(path: Path) -> tuple[str, str, dict[str, Any]] | None:
    """(stored rules fingerprint, scenario, pins) of a calibration result that records them."""
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            meta = table.schema.metadata or {}
            stored = meta.get(b"rules_fingerprint", b"").decode()
            if not stored:
                return None
            return (stored, meta.get(b"scenario", b"administrative").decode(),
                    first_particle(table.slice(0, 1).to_pandas()))
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        stored = str(raw.get("rules_fingerprint", ""))
        if not stored:
            return None
        return stored, str(raw.get("scenario", "administrative")), dict(raw.get("params", {}))
    except Exception:  # unreadable or unknown names: the loader reports it in its own words
        return None


def note(path: str | Path, what: str = "calibration result") -> str | None:
    """One paragraph when `path` was fitted to other (or unknown) model rules, else None.

    A result that records the rules it was fitted to is current when a short run with its
    free parameters pinned behaves as it did (stale.rules_fingerprint) in the measures it
    recorded: refactors, new defaults of the fitted parameters themselves and new measures
    keep it. Older results are judged by the hash of the model's source."""
    from experiments.running.provenance import code_version

    rules = _rules(Path(path))
    if rules is not None:
        stored, scenario, pins = rules
        try:
            now_rules = rules_fingerprint(scenario, pins, recorded_measures(path))
        except Exception:  # e.g. a fitted parameter the model no longer has
            now_rules = "?"
        if now_rules == stored:
            return None
        return (f"note: the {what} {str(path)!r} was fitted to model rules {stored}, but "
                f"this model's rules are {now_rules} (a short run with its fitted "
                "parameters behaves differently, or another default or the scenario "
                "changed). Its values need not fit this model: results that use it are not "
                f"calibrated results. To recalibrate: {RECALIBRATE}.")
    now, made = code_version(), made_with(path)
    if made == now:
        return None
    when = (f"was made with model code {made}, but this is model code {now}" if made else
            f"does not say which model code it was made with (this is model code {now}); "
            "it predates calibrations that record it")
    return (f"note: the {what} {str(path)!r} {when}. Its values were fitted to that model and "
            "need not fit this one: results that use it are not calibrated results. To "
            f"recalibrate: {RECALIBRATE}.")


def warn(path: str | Path, what: str = "calibration result",
         stream: TextIO | None = None) -> str | None:
    """Print `note` once per file and process (a design draws from it many times)."""
    text = note(path, what)
    key = (str(Path(path).resolve()), what)
    if text and key not in _WARNED:
        _WARNED.add(key)
        print(text, file=sys.stderr if stream is None else stream)
    return text
