"""Parameter values typed on the command line (`--set name=value`), checked.

The model's own parser (governance.parse_assignments) does the work; infinity and NaN
are refused first, as a paragraph naming the field, since "inf" or "1e400" parse as
floats and an integer parameter would otherwise fail with an OverflowError.
"""

from __future__ import annotations

import math
from typing import Any

from governance import PARAMS
from governance import parse_assignments as model_parse
from model.schema import ParamError


def parse_assignments(items: list[str] | None) -> dict[str, Any]:
    """`name=value` strings as checked values; non-finite numbers refused."""
    for item in items or []:
        name, _, text = item.partition("=")
        name = name.strip()
        if name in PARAMS and PARAMS[name].type in (int, float):
            try:
                value = float(text)
            except ValueError:
                continue  # the model's parser names what is wrong with it
            if not math.isfinite(value):
                raise ParamError(name, text.strip(), PARAMS[name].allowed(),
                                 extra="Infinity and NaN are not values (--set "
                                 f"{name}=...).")
    return model_parse(items)
