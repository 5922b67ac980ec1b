"""Building a run's model: restored from a kept burn-in, or settled anew with its progress shown.

Every run starts from a settled community: the model's burn-in is ten years (520 weeks) of
the baseline institutions, and its end state is kept (model/settled.py) for the same seed
and the same parameters apart from the mechanisms' switches: in this process, and on disk
between starts (`run.py demo --burn-in-cache`, by default the user's cache folder). So a
restart that only switches mechanisms (a switch, a scenario that differs in its switches,
a lesson's pair) and a restarted server restore that state (about 1.3 s at 100 x 100),
while a new seed, size or slider value costs a whole burn-in (5-13 s at 100 x 100,
with the machine's load).

The page must say which it is waiting for. A request that builds runs carries a *ticket*;
while the burn-in runs, `progress(ticket)` says how many of its weeks are done, which the
page polls and shows. Two requests that need the same burn-in at once (two tabs, forty
students opening the teacher's link, the start-up warm-up and the teacher's first page)
run it once: the later ones wait for the first and then restore its state.

`SettlingModel` is `GovernanceModel` with one addition, a report of the week after each
burn-in step to this module (read from a thread-local, never kept on the model, so the
kept state is the model's own): it changes no draw and no result.
"""

from __future__ import annotations

import gc
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from governance import MECHANISMS, GovernanceModel
from model import settled

TICKET = re.compile(r"[A-Za-z0-9_-]{8,64}")
_local = threading.local()  # the burn-in this thread runs (its progress is reported there)


@dataclass
class Burn:
    """One burn-in under way: weeks done of `total`, and an event set when it ends."""

    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: threading.Event = field(default_factory=threading.Event)


@dataclass
class Ticket:
    """What one request waits for: `total` burn-in weeks over its runs, `base` of them done
    by burn-ins that ended, and the burn-in it waits for now."""

    total: int
    base: int = 0
    burn: Burn | None = None
    started: float = field(default_factory=time.monotonic)

    def done(self) -> int:
        now = self.burn.done if self.burn is not None else 0
        return min(self.total, self.base + now)


class SettlingModel(GovernanceModel):
    """GovernanceModel that reports each burn-in week to the burn it runs for (if any)."""

    def step(self) -> None:
        super().step()
        burn = getattr(_local, "burn", None)
        if burn is not None and self.step_count <= 0:
            burn.done = int(self.time)


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Restoring a kept state unpickles tens of thousands of small objects (Mesa's cells)
    that are all alive: the cyclic collector would only rescan them (twice as slow)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Builder:
    """Builds models, one burn-in per state at a time, and says how far each request is."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, Burn] = {}
        self._tickets: dict[str, Ticket] = {}

    @staticmethod
    def key(params: dict[str, Any], seed: int) -> str | None:
        return settled.key(params, seed, set(MECHANISMS))

    def kept(self, params: dict[str, Any], seed: int) -> bool:
        """Whether a model of these parameters and seed starts without a burn-in."""
        k = self.key(params, seed)
        return k is not None and settled.get(k) is not None

    def plan(self, ticket: str | None, runs: list[dict[str, Any]], seed: int) -> None:
        """Register a request's ticket with the burn-in weeks its runs will take (runs that
        share a state share its burn-in)."""
        if not ticket:
            return
        keys = {self.key(p, seed) or f"run{i}": p for i, p in enumerate(runs)
                if not self.kept(p, seed)}
        total = sum(int(p["burn_in"]) for p in keys.values())
        with self._lock:
            self._tickets[ticket] = Ticket(total)
            while len(self._tickets) > 200:  # forgotten tickets (a closed tab) go first
                self._tickets.pop(next(iter(self._tickets)))

    def finish(self, ticket: str | None) -> None:
        with self._lock:
            self._tickets.pop(ticket or "", None)

    def progress(self, ticket: str) -> dict[str, Any]:
        """{settling, done, total, seconds, eta} of a ticket's burn-ins (eta None until
        there is a rate to go by); settling is False once nothing is left to wait for."""
        with self._lock:
            t = self._tickets.get(ticket)
            if t is None or t.total == 0:
                return {"settling": False}
            done, total = t.done(), t.total
            seconds = time.monotonic() - t.started
        eta = None
        burn = t.burn
        if burn is not None and burn.done > 20:
            rate = burn.done / max(1e-6, time.monotonic() - burn.started)
            eta = round((total - done) / rate, 1)
        return {"settling": done < total, "done": done, "total": total,
                "seconds": round(seconds, 1), "eta": eta}

    def build(self, params: dict[str, Any], seed: int, ticket: str | None = None
              ) -> GovernanceModel:
        """The model for `params` and `seed`: restored when its burn-in is kept, else
        settled here (or by the thread already settling it, whose end this one awaits)."""
        k = self.key(params, seed)
        while True:
            with self._lock:
                if k is not None and settled.get(k) is not None:
                    burn, mine = None, False
                else:  # a burn-in: this thread's, or the one already settling this state
                    burn = self._running.get(k) if k is not None else None
                    mine = burn is None
                    if mine:
                        burn = Burn(int(params["burn_in"]))
                        if k is not None:
                            self._running[k] = burn
                    t = self._tickets.get(ticket or "")
                    if t is not None:
                        t.burn = burn
            if burn is None:
                with _quiet_gc():
                    return SettlingModel(rng=seed, **params)
            if not mine:  # another request settles this state: wait, then restore it
                burn.finished.wait()
                self._ended(ticket, burn)
                continue
            try:
                _local.burn = burn
                with _quiet_gc():
                    return SettlingModel(rng=seed, **params)
            finally:
                _local.burn = None
                with self._lock:
                    if k is not None:
                        self._running.pop(k, None)
                burn.finished.set()
                self._ended(ticket, burn)

    def _ended(self, ticket: str | None, burn: Burn) -> None:
        with self._lock:
            t = self._tickets.get(ticket or "")
            if t is not None and t.burn is burn:
                t.base += burn.total
                t.burn = None


BUILDER = Builder()


def warm_up(params: dict[str, Any], seed: int, say: Any = print) -> threading.Thread:
    """Settle the community the page opens with, in the background, while the teacher opens
    the page (which then waits for the rest of this burn-in with its progress shown, or
    starts at once); `say` gets one line when it starts and one when it is done."""

    def run() -> None:
        if BUILDER.kept(params, seed):  # kept on disk by an earlier start (or in memory)
            say("the settled community is kept from an earlier start: runs start at once")
            return
        t0 = time.perf_counter()
        say(f"settling the community: ten years of the baseline ({params['burn_in']} weeks, "
            f"{params['width']} x {params['height']}, seed {seed}) ...")
        BUILDER.build(params, seed)
        say(f"settled in {time.perf_counter() - t0:.1f} s: runs on this community now start "
            "at once when only their mechanisms differ (a new seed, size or slider value "
            "settles again)")

    thread = threading.Thread(target=run, name="demo-warm-up", daemon=True)
    thread.start()
    return thread
