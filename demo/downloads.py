"""'Run N seeds' and the lessons' answers in the background, and the three exports: the
picture (PNG), the run's data (CSV) and the setting as an experiment spec (TOML)."""

from __future__ import annotations

import csv
import io
from typing import Any

from starlette.responses import Response

from demo import i18n, lessons, stored_answers
from demo.api import charts_field, int_field, lang_field, session_of, week_field
from demo.export import export_png
from demo.seeds import (
    CORES,
    DEFAULT_SEEDS,
    DEFAULT_WEEKS,
    SeedJob,
    spec_dict,
    spec_toml,
    switch_edits_dropped,
)
from governance import MEASURES


def seeds_start(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    n = int_field(body, "n", DEFAULT_SEEDS, 2, 50)
    weeks = int_field(body, "weeks", DEFAULT_WEEKS, 4, 520)
    charts = [c for c in charts_field(body) if c != "ladder"]
    lesson = body.get("lesson")
    with session.lock:
        if session.seeds is not None:
            session.seeds.cancel()
        if lesson not in (None, "", 0, "0"):
            ls = lessons.get(int_field(body, "lesson", 1, 1, 99))
            job = lessons.answer_job(ls, session.config.seed, n)
        else:
            job = SeedJob(session.config, n, weeks, charts)
        # A lesson at the page's default seed is answered at once from the stored study.
        session.seeds = job if job.lesson and stored_answers.restore(job) else job.start()
    return seeds_status(body)


def seeds_cancel(body: dict[str, Any]) -> dict[str, Any]:
    """Stop this page's seed runs: a lecturer who started the wrong comparison need not
    wait minutes or close the tab. Finished runs are dropped with the job."""
    session = session_of(body)
    with session.lock:
        job, session.seeds = session.seeds, None
        if job is not None:
            job.cancel()
    return {"state": "none", "cancelled": job is not None and not job.finished}


def seeds_status(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    lang = lang_field(body)
    job = session.seeds
    if job is None:
        return {"state": "none"}
    out: dict[str, Any] = {"done": job.done, "total": job.total, "eta": job.eta,
                           "n": job.spec.replicates,
                           "weeks": job.spec.steps, "error": job.error,
                           "labels": [i18n.scenario_label(lang, s) for s in job.spec.scenarios],
                           "dropped_switches": switch_edits_dropped(job.cfg),
                           "lesson": job.lesson}
    if not job.finished:
        out["state"] = "running"
        out["queued"] = CORES.place(job)  # waiting for a free core: its place in the line
        return out
    out["state"] = "failed" if job.error else "done"
    if not job.error:
        out["table"] = job.table()
        out["current"] = job.cfg == session.config
        if job.lesson is not None:
            out["answer"] = lessons.answer(lang, job)
    return out


def spec_file(body: dict[str, Any]) -> Response:
    session = session_of(body)
    n = int_field(body, "n", DEFAULT_SEEDS, 1, 10_000)
    weeks = int_field(body, "weeks", DEFAULT_WEEKS, 1, 100_000)
    with session.lock:
        raw = spec_dict(session.config, n, weeks,
                        [c for c in charts_field(body) if c != "ladder"])
    return Response(spec_toml(raw), media_type="application/toml", headers={
        "Content-Disposition": f'attachment; filename="{raw["name"]}.toml"'})


def csv_header(lang: str) -> tuple[list[str], list[str]]:
    """Two header rows: the columns in the page's language, then their code names (what
    `run.py` and the experiments write), so a spreadsheet reads either way."""
    codes = ["run", "scenario", "seed", "week", *MEASURES]
    words = [i18n.t(lang, f"csv.{c}") for c in codes[:4]]
    words += [i18n.name(lang, "measure", m) for m in MEASURES]
    return words, codes


def csv_file(body: dict[str, Any]) -> Response:
    session = session_of(body)
    lang = lang_field(body)
    buf = io.StringIO()
    words, codes = csv_header(lang)
    with session.lock:
        writer = csv.writer(buf)
        writer.writerow(words)
        writer.writerow(codes)
        for k, rec in enumerate(session.records):
            for week, row in enumerate(rec.rows):
                # NaN (a turnout before the first election) is an empty cell, as pandas
                # writes it for run.py.
                writer.writerow([k, rec.label, session.config.seed, week,
                                 *("" if (v := row.get(n, "")) != v else v for n in MEASURES)])
        name = "_vs_".join(r.label for r in session.records)
    # A byte-order mark so that spreadsheet programs read the Chinese headers as UTF-8.
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="demo_{name}.csv"'})


def png_file(body: dict[str, Any]) -> Response:
    session = session_of(body)
    lang = lang_field(body)
    charts = charts_field(body)
    with session.lock:
        png = export_png(session, charts, week_field(body, session), lang)
    return Response(png, media_type="image/png", headers={
        "Content-Disposition": 'attachment; filename="demo.png"'})
