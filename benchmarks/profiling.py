"""Where the time goes: pyinstrument hot spots and a check for per-household Python loops.

A sampling profile says where time is spent but not why it grows; counting Python-level
calls per step at two sizes does: if a step makes the same number of calls whatever the
community's size, no Python loop runs over households (or buildings), and all per-household
work is inside numpy.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from workload import scenario_params


def _hot(session, top: int = 15) -> list[dict[str, Any]]:
    """Functions by their own (self) time, summed over every place they were called from."""
    own: dict[str, float] = defaultdict(float)
    stack = [session.root_frame()]
    while stack:
        frame = stack.pop()
        if frame is None:
            continue
        stack.extend(frame.children)
        if frame.is_synthetic:  # "[self]" / "[await]" leaves: charge them to the parent
            continue
        self_time = frame.time - sum(c.time for c in frame.children if not c.is_synthetic)
        if self_time > 0:
            own[f"{frame.function}  {frame.file_path_short}:{frame.line_no}"] += self_time
    ranked = sorted(own.items(), key=lambda kv: -kv[1])[:top]
    return [{"where": where, "self_s": round(t, 4)} for where, t in ranked]


def profile_steps(size: int, steps: int, out_dir: Path) -> dict[str, Any]:
    """Pyinstrument over `steps` steps of one community (after two warm-up steps)."""
    from pyinstrument import Profiler

    from governance import GovernanceModel

    used, params = scenario_params(size)
    model = GovernanceModel(rng=1, **params)
    model.run(2)
    prof = Profiler(interval=0.002)
    prof.start()
    t = time.perf_counter()
    model.run(steps)
    wall = time.perf_counter() - t
    prof.stop()
    label = f"{size}x{size}, {steps} steps ({used})"
    path = out_dir / f"profile_steps_{size}.txt"
    path.write_text(prof.output_text(unicode=False, color=False, show_all=False))
    return {"label": label, "wall_s": wall, "hot": _hot(prof.last_session), "text": str(path)}


def profile_startup(size: int, out_dir: Path) -> dict[str, Any]:
    """Pyinstrument over building one community, with the two suspects timed on their own."""
    from mesa.discrete_space import OrthogonalMooreGrid
    from pyinstrument import Profiler

    from governance import GovernanceModel

    used, params = scenario_params(size)
    prof = Profiler(interval=0.002)
    prof.start()
    t = time.perf_counter()
    model = GovernanceModel(rng=1, **params)
    wall = time.perf_counter() - t
    prof.stop()
    del model
    path = out_dir / f"profile_startup_{size}.txt"
    path.write_text(prof.output_text(unicode=False, color=False, show_all=False))
    t = time.perf_counter()
    grid = OrthogonalMooreGrid((size, size), torus=False, capacity=None)
    grid_s = time.perf_counter() - t
    t = time.perf_counter()
    _ = [c.connections for c in grid.all_cells]  # connections are built lazily? time them
    connect_s = time.perf_counter() - t
    return {"label": f"start-up {size}x{size} ({used})", "wall_s": wall,
            "grid_alone_s": grid_s, "touch_connections_s": connect_s,
            "hot": _hot(prof.last_session), "text": str(path)}


def calls_per_step(sizes: tuple[int, int], steps: int) -> dict[str, Any]:
    """Python calls per step at two sizes; functions whose count grows with the size."""
    from governance import GovernanceModel

    counts = []
    per_fn = []
    for size in sizes:
        _, params = scenario_params(size)
        model = GovernanceModel(rng=1, **params)
        model.run(3)  # past set-up transients
        prof = cProfile.Profile()
        prof.enable()
        model.run(steps)
        prof.disable()
        stats = pstats.Stats(prof).stats
        fn_calls = {f"{Path(k[0]).name}:{k[1]}({k[2]})": v[1] for k, v in stats.items()}
        per_fn.append(fn_calls)
        counts.append(round(sum(fn_calls.values()) / steps))
    small_n, big_n = sizes[0] ** 2, sizes[1] ** 2
    growing = []
    for fn, big in per_fn[1].items():
        small = per_fn[0].get(fn, 0)
        # A loop over households (or buildings) multiplies calls by the size ratio.
        if big >= 50 * steps and big > 2 * max(small, 1):
            growing.append(f"{fn} {small // steps}->{big // steps}/step")
    growing.sort()
    return {"sizes": list(sizes), "households": [small_n, big_n], "calls_per_step": counts,
            "growing": growing}
