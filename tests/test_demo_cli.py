"""`run.py demo` refuses bad options with exit code 2 and a one-paragraph message."""

from __future__ import annotations

import socket

import pytest

from cli.main import main


@pytest.mark.parametrize(("argv", "field"), [
    (["demo", "--host", "0.0.0.0"], "--host"),
    (["demo", "--port", "70000"], "--port"),
    (["demo", "--host", "not-an-address", "--classroom"], "--host"),
    (["demo", "--classroom", "--code", "12ab"], "--code"),
    (["demo", "--code", "123456"], "--code"),
    (["demo", "--classroom", "--max-students", "0"], "--max-students"),
])
def test_bad_options_exit_2(argv, field, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err


def test_port_in_use_exits_2(capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["demo", "--port", str(port)]) == 2
    assert "already in use" in capsys.readouterr().err


def test_a_cache_folder_that_cannot_be_made_exits_2(tmp_path, capsys, monkeypatch) -> None:
    from model import settled

    monkeypatch.setenv(settled.ENV, "off")  # restored after the test
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["demo", "--port", "0", "--burn-in-cache", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "--burn-in-cache" in err and "Traceback" not in err


def test_a_restarted_demo_restores_its_settled_community_from_disk(tmp_path,
                                                                    monkeypatch) -> None:
    """What one start settled, the next start (an empty memory) restores from the folder,
    the same state to the bit; 'off' keeps nothing on disk."""
    import numpy as np

    from cli.demo_cmd import use_burn_in_cache
    from demo.settling import Builder
    from model import settled

    monkeypatch.setenv(settled.ENV, "off")
    params = {**__import__("governance").scenario_params("administrative"), "width": 20,
              "height": 20, "grid_block": 10, "building_block": 5, "burn_in": 30}
    assert use_burn_in_cache("off") == "off" and not Builder().kept(params, 7)
    assert use_burn_in_cache(str(tmp_path / "kept")) == str(tmp_path / "kept")
    first = Builder().build(params, 7)
    assert len(list((tmp_path / "kept").glob("*.pickle"))) == 1
    settled.clear_memory()  # a new server process
    builder = Builder()
    assert builder.kept(params, 7)
    again = builder.build(params, 7)
    assert np.array_equal(again.population.level, first.population.level)
    np.testing.assert_equal(again.current, first.current)  # NaN (no election yet) too
