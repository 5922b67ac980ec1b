"""One line on stderr while runs execute: done, failed, left, and the time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Runs done, failed, left, and the time left at the current pace.

    On a terminal the line is redrawn in place; in a log it is printed at most every two
    seconds (and at the end), so a long sweep leaves a readable record.
    """

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = sys.stderr if stream is None else stream
        self.t0 = time.monotonic()
        self.last = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def add_total(self, n: int) -> None:
        self.total += n

    def update(self, ok: bool) -> None:
        self.done += ok
        self.failed += not ok
        self.show()

    def line(self) -> str:
        finished = self.done + self.failed
        left = self.total - finished
        elapsed = time.monotonic() - self.t0
        eta = f"{elapsed / finished * left:.0f}s" if finished else "?"
        return (f"runs: {self.done} done, {self.failed} failed, {left} left; "
                f"elapsed {elapsed:.0f}s, time left ~{eta}")

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        finished = self.done + self.failed
        if not (force or self.tty or now - self.last >= 2 or finished == self.total):
            return
        self.last = now
        end = "" if self.tty else "\n"
        print(("\r" if self.tty else "") + self.line(), end=end, file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream, flush=True)
