"""What the fit says of each calibrated parameter, in a sentence, for the parameter tables.

Issue 19, item 2: "Parameters that move no target are not 'calibrated'." Every fitted
parameter's schema source reads "calibrated: MAP draw of ...", which is true of how its
default was set, but not of what the data say about it. The stored `identify` study
(experiments/studies/identify.py, with the `recovery` study) sorts the free parameters into
pinned, confounded and silent; this module turns that verdict into the sentence that the
parameter tables (`run.py params`, docs/ODD.md) print beside the source, so a reader of a
default learns how far to trust it without opening docs/CALIBRATION.md.

It reads the stored result only (no model runs, no heavy imports), and says nothing when
that result was made for another calibration than the schema's: a verdict about another
posterior would mislead.
"""

from __future__ import annotations

from experiments.studies import record

STUDY = "identify"
RIDGE = 0.3  # |r| at which the identify study calls a pair a ridge


def _sentence(entry: dict) -> str:
    verdict = entry["verdict"]
    if verdict == "pinned":
        return ("pinned: the recovery study's fit narrows it to under half its prior (at one "
                "of its truths at least), so the default is an estimate")
    if verdict == "silent":
        return ("not identified: no fitted target moves by half its error over its whole "
                "prior (identify study), so the default is about a draw from its prior, not "
                "an estimate; the posterior particles carry that prior into comparisons")
    moves = ", ".join(f"`{t}`" for t in entry["moves"])
    partner, r = entry["partner"], entry["partner_corr"]
    tie = (f"on a ridge with `{partner}` (posterior r = {r:+.2f}): the pair is pinned only "
           "jointly" if abs(r) >= RIDGE else
           f"its strongest posterior correlation is with `{partner}` (r = {r:+.2f})")
    return (f"weakly identified: it moves {moves} but the fit does not narrow it to half its "
            f"prior (identify and recovery studies); {tie}")


def fit_notes(calibration_id: str) -> dict[str, str]:
    """One sentence per free parameter of the stored identify study, if it was made for
    `calibration_id` (the schema's shipped calibration); otherwise none."""
    stored = record.load(STUDY)
    if stored is None or stored["result"].get("calibration_id") != calibration_id:
        return {}
    return {name: _sentence(entry)
            for name, entry in stored["result"]["per_parameter"].items()}


def with_fit(source: str, note: str | None) -> str:
    """A parameter's source with the fit's verdict after it (the source alone when none)."""
    return f"{source} Fit: {note}." if note else source
