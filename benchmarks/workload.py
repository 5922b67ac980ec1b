"""What the benchmarks measure: the scenario at each size, and a process's peak memory.

Shared by the measuring children (children.py) and the profiler (profiling.py); it imports
the model only when asked for a scenario, so the benchmarks' parent stays small.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCENARIO = "collaborative"


def blocks_for(size: int) -> tuple[int, int]:
    """Grid and building blocks that divide a side of `size` cells.

    The model needs grid_block | size and building_block | grid_block. The default (20, 5)
    is kept whenever it fits, otherwise the divisor of `size` nearest 20 (50 -> 25) with the
    largest building block up to 5 that divides it, so every size has grids of similar scale.
    """
    if size % 20 == 0:
        return 20, 5
    divisors = [d for d in range(2, size + 1) if size % d == 0 and d <= size // 2]
    if not divisors:
        raise ValueError(f"side {size} has no grid_block divisor (use a composite number)")
    grid = min(divisors, key=lambda d: (abs(d - 20), -d))
    building = max(b for b in range(1, 6) if grid % b == 0)
    return grid, building


def scenario_params(size: int) -> tuple[str, dict[str, Any]]:
    """`collaborative` if it is registered, else every mechanism on with a heavy admin load.

    The model is imported here, not at the top: the parent of bench.py must not import it.
    """
    from governance import MECHANISMS, SCENARIOS
    from governance import scenario_params as preset

    grid, building = blocks_for(size)
    space = {"width": size, "height": size, "grid_block": grid, "building_block": building}
    if SCENARIO in SCENARIOS:
        return SCENARIO, preset(SCENARIO, **space)
    params = dict.fromkeys(MECHANISMS, True)
    params["rc_admin_burden"] = 0.7
    return "all_mechanisms_on (fallback: 'collaborative' not registered)", {**params, **space}


def peak_rss() -> dict[str, int]:
    """Peak resident memory of this process, in bytes, two ways that should agree."""
    import resource

    out = {"ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["vmhwm_bytes"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out
