"""The allocator setting: applied once on glibc, and a documented way out."""

import os
import platform
import subprocess
import sys

import pytest

from model.allocator import keep_freed_memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="the setting exists only under glibc")
def test_applied_once_under_glibc():
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # idempotent


def _in_child(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GOVSIM_MALLOC"}
    if env_value is not None:
        env["GOVSIM_MALLOC"] = env_value
    code = "from model.allocator import keep_freed_memory; print(keep_freed_memory())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    return out.stdout.strip()


def test_opt_out_leaves_the_allocator_alone():
    assert _in_child("default") == "False"


@pytest.mark.skipif(not GLIBC, reason="the setting exists only under glibc")
def test_a_fresh_process_applies_it():
    assert _in_child(None) == "True"
