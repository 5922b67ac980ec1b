"""Argument types shared by the commands: whole numbers with a lower bound."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_at_least(low: int) -> Callable[[str], int]:
    """An argparse type accepting whole numbers >= low, with a message naming the value."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {text!r}")
        return value

    parse.__name__ = f"whole number >= {low}"
    return parse


positive_int = int_at_least(1)
nonneg_int = int_at_least(0)
