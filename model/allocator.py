"""Keep numpy's step-sized temporaries on the heap instead of fresh pages from the kernel.

A step builds and drops hundreds of household-length arrays (0.1-30 MB each). Under glibc's
defaults such blocks are either mapped fresh with mmap or handed back to the kernel by heap
trimming as soon as they are freed, so the next step's array of the same size page-faults
its way in again: at 300 x 300 that was about a third of the step's time (benchmarks/README.md,
"Allocator"). Raising the mmap and trim thresholds once keeps freed blocks for reuse. Peak
memory is unchanged (it is set by the largest step); memory is just not returned between
steps. Non-glibc platforms (macOS, musl) are left alone, and GOVSIM_MALLOC=default opts out.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# glibc caps the mmap threshold at 32 MB on 64-bit; larger blocks (whole-model arrays at a
# million households) are allocated once and kept, so mapping them is harmless.
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024

_done: bool | None = None


def keep_freed_memory() -> bool:
    """Apply the thresholds once per process; True when they are in force."""
    global _done
    if _done is not None:
        return _done
    _done = False
    if os.environ.get("GOVSIM_MALLOC", "") == "default":
        return _done
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018  (glibc only: musl has a no-op mallopt)
    except (OSError, AttributeError, TypeError):
        return _done
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                 and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done
