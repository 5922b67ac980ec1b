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
