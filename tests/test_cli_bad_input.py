"""Every input error is one paragraph with exit 2, and nothing is created or lost."""

from __future__ import annotations

import os

import pytest

from cli.main import main
from experiments.spec import load

TINY = ["--set", "width=20", "--set", "height=20", "--set", "grid_block=10",
        "--set", "building_block=5", "--set", "burn_in=26"]
GOOD = ('name = "t"\nscenarios = ["administrative"]\nreplicates = 1\nsteps = 2\n'
        '[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n')


def compare(out) -> list[str]:
    return ["compare", "--scenarios", "administrative", "--replicates", "1", "--steps", "2",
            "--executor", "serial", "--out", str(out), *TINY]


def one_paragraph_exit_2(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    body = err.strip().splitlines()[-1]
    assert body.startswith("error: ")
    for n in needles:
        assert n in err, (n, err)


def test_out_is_a_file(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("keep me")
    code = main(compare(f))
    one_paragraph_exit_2(code, capsys.readouterr().err, "is an existing file")
    assert f.read_text() == "keep me"


def test_out_lies_under_a_file(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("keep me")
    code = main(compare(f / "sub" / "dir"))
    one_paragraph_exit_2(code, capsys.readouterr().err, "lies under", "which is a file")
    assert f.read_text() == "keep me"


def test_out_is_read_only(tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    real = os.access
    # root ignores permission bits, so the read-only folder is simulated
    monkeypatch.setattr(os, "access", lambda p, m, **kw: False if str(p) == str(ro)
                        else real(p, m, **kw))
    code = main(compare(ro / "exp"))
    one_paragraph_exit_2(code, capsys.readouterr().err, "read-only")
    assert list(ro.iterdir()) == []


@pytest.mark.parametrize("data,needle", [
    (b"\x00\x01\x02binary\xff\xfe", "NUL bytes"),
    (GOOD.encode("utf-16"), "UTF-16"),
    (b'name = "t"\ndescription = "caf\xe9"\n', "line 2: byte 0xe9"),
])
def test_spec_encodings(tmp_path, capsys, data, needle):
    cfg = tmp_path / "s.toml"
    cfg.write_bytes(data)
    code = main(["experiment", str(cfg), "--executor", "serial", "--out", str(tmp_path / "o")])
    one_paragraph_exit_2(code, capsys.readouterr().err, needle)
    assert not (tmp_path / "o").exists()


def test_utf8_bom_is_accepted(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load(cfg).name == "t"


@pytest.mark.parametrize("design,needle", [
    ('[design]\ntype = "factorial"\n[design.factors]\nwidth = [20, 30]\n',
     "design point 1 (width = 30)"),
    ('[design]\ntype = "lhs"\nsamples = 4\n[design.ranges]\nwidth = [20, 60]\n',
     "multiple of grid_block"),
])
def test_every_design_point_is_checked_before_runs(tmp_path, capsys, design, needle):
    text = ('name = "t"\nscenarios = ["administrative"]\nreplicates = 1\nsteps = 2\n'
            '[overrides]\nheight = 20\ngrid_block = 20\nbuilding_block = 5\n' + design)
    cfg = tmp_path / "s.toml"
    cfg.write_text(text)
    code = main(["experiment", str(cfg), "--executor", "serial", "--out", str(tmp_path / "o")])
    one_paragraph_exit_2(code, capsys.readouterr().err, needle, "field 'design.")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args", [
    ["run", "--steps", "1000000000"],
    ["main", "--steps", "1000000000"],
    ["compare", "--scenarios", "administrative", "--steps", "1000000000"],
    ["main", "--replicates", "99999999"],
])
def test_absurd_counts_are_refused(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    assert "expected a whole number from 1 to" in err


def test_rerun_of_a_missing_manifest(tmp_path, capsys):
    code = main(["rerun", str(tmp_path / "nowhere" / "manifest.json")])
    one_paragraph_exit_2(code, capsys.readouterr().err, "does not exist")


def test_range_ends_out_of_order(tmp_path, capsys):
    """A range whose low end exceeds its high end is refused before anything is written."""
    out = tmp_path / "exp"
    code = main([*compare(out), "--set", "org_initial_quality_low=0.9",
                 "--set", "org_initial_quality_high=0.3"])
    one_paragraph_exit_2(code, capsys.readouterr().err, "org_initial_quality_low",
                         "at most org_initial_quality_high")
    assert not out.exists()
