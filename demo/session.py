"""One browser tab's runs, and the store that frees them when the tab goes away.

Why this cannot freeze or race: the page drives the loop. Each request (step, play tick,
control change, click) takes the session's lock, does its work and answers; stepping,
copying snapshots and drawing happen one after another under that lock, never at the same
time, and the next play tick is sent only after the last answer arrived. Nothing runs on
the server between requests, so a closed tab costs no CPU; its memory is freed when the
page says goodbye (`close`, sent as the tab closes) or, failing that, when its heartbeat has
been silent for IDLE_SECONDS.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from demo.classroom import Classroom
from demo.config import DemoConfig
from demo.snapshot import Snapshot, take
from demo.steering import Steering

# A tab silent this long is gone. The page pings every 3 s and says goodbye when closed;
# browsers slow the timers of hidden tabs to one a minute, so this must be longer than that.
IDLE_SECONDS = 150.0
MAX_SESSIONS = 24
KEEP_WEEKS = 520  # snapshots kept for replay (ten years); measures are kept for every week
MAX_WEEKS = 5200


class RunRecord:
    """One run's measures for every week and its snapshots for the last KEEP_WEEKS."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.rows: list[dict[str, float]] = []
        self.snaps: OrderedDict[int, Snapshot] = OrderedDict()

    def add(self, snap: Snapshot) -> None:
        self.rows.append(snap.measures)
        self.snaps[snap.week] = snap
        while len(self.snaps) > KEEP_WEEKS:
            self.snaps.popitem(last=False)

    def at(self, week: int) -> Snapshot:
        """The snapshot of `week`, or the oldest kept one after it."""
        if week in self.snaps:
            return self.snaps[week]
        return next(iter(self.snaps.values())) if week < next(iter(self.snaps)) else \
            next(reversed(self.snaps.values()))


class Session:
    def __init__(self, config: DemoConfig, ticket: str | None = None) -> None:
        self.lock = threading.Lock()
        self.seen = time.monotonic()
        self.charts: dict[Any, Any] = {}  # chart figures kept between frames
        self.seeds: Any = None  # the last "run 10 seeds" job (demo.seeds.SeedJob)
        self.owner = ""  # the classroom client that opened it ("" outside classroom mode)
        # The players' choices for the left run (households, committee, grid workers).
        # Kept across resets: a changed setting keeps the class in the game.
        self.steering = Steering()
        self.players: Any = None  # the class's players when this is the class run
        self.reset(config, ticket)

    def reset(self, config: DemoConfig, ticket: str | None = None) -> None:
        """New runs at week 0 for `config` (callers hold the lock); `ticket` names the
        request for the progress of a burn-in (demo.settling)."""
        room = Classroom(config, ticket)
        self.config = config
        self.room = room
        self.records = [RunRecord(label) for label, _ in room.runs]
        self.steering.fit(room.runs[0][1])
        self.charts.clear()
        self._snap()

    @property
    def week(self) -> int:
        return self.room.step_count

    def _snap(self) -> None:
        for rec, (_, model), closed in zip(self.records, self.room.runs, self.room.closed,
                                           strict=True):
            rec.add(take(model, closed))

    def step(self, steps: int = 1, budget: float | None = None) -> int:
        """Advance `steps` weeks, or (with `budget`) as many as fit in that many seconds.

        Play at the fastest speed uses the budget: weeks are stepped until the time is up
        and one frame is drawn for all of them (frames are skipped, play never lags).
        """
        start = time.perf_counter()
        done = 0
        while self.week < MAX_WEEKS:
            self.room.step(self.steering)
            self._snap()
            done += 1
            if budget is None and done >= steps:
                break
            if budget is not None and time.perf_counter() - start >= budget:
                break
        return done

    def run_to(self, week: int) -> None:
        while self.week < min(week, MAX_WEEKS):
            self.room.step(self.steering)
            self._snap()

    def household_index(self, run: int, x: int, y: int) -> int | None:
        c = self.room.runs[run][1].community
        if not (0 <= x < c.width and 0 <= y < c.height):
            return None
        hit = (c.x == x) & (c.y == y)
        found = hit.nonzero()[0]
        return int(found[0]) if len(found) else None


class SessionStore:
    """Sessions by id; a sweeper thread drops the ones whose tab stopped pinging."""

    def __init__(self, idle: float = IDLE_SECONDS, limit: int = MAX_SESSIONS) -> None:
        self.idle, self.limit = idle, limit
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def open(self, config: DemoConfig, ticket: str | None = None) -> tuple[str, Session]:
        session = Session(config, ticket)  # built outside the store lock: it may take a while
        sid = secrets.token_urlsafe(12)
        with self._lock:
            if len(self._sessions) >= self.limit:  # drop the longest-silent one
                oldest = min(self._sessions, key=lambda k: self._sessions[k].seen)
                del self._sessions[oldest]
            self._sessions[sid] = session
        return sid, session

    def has_room(self) -> bool:
        """A new session fits without dropping another (classroom mode refuses instead)."""
        self.sweep()
        with self._lock:
            return len(self._sessions) < self.limit

    def get(self, sid: str) -> Session | None:
        with self._lock:
            session = self._sessions.get(sid)
        if session is not None:
            session.seen = time.monotonic()
        return session

    def close(self, sid: str) -> bool:
        with self._lock:
            session = self._sessions.pop(sid, None)
        if session is not None and session.seeds is not None:
            session.seeds.cancel()
        return session is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def sweep(self) -> int:
        now = time.monotonic()
        with self._lock:
            gone = [k for k, s in self._sessions.items() if now - s.seen > self.idle]
            for k in gone:
                session = self._sessions.pop(k)
                if session.seeds is not None:  # its background seed runs stop too
                    session.seeds.cancel()
        return len(gone)

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(1.0):
                self.sweep()

        self._stop.clear()
        self._sweeper = threading.Thread(target=loop, name="demo-session-sweeper", daemon=True)
        self._sweeper.start()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._sessions.clear()
