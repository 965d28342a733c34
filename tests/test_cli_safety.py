"""One session at a time, nothing overwritten, failing before the first question
(issue 11, items 4-6)."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from cli_support import label_args, log_path, read_csv, run, write_csv

from skactive import cli


@pytest.fixture
def data(tmp_path):
    x = np.linspace(-5, 5, 20)
    rows = [[f"{v:.4f}", "a" if i < 2 else "b" if i >= 18 else ""] for i, v in enumerate(x)]
    return write_csv(tmp_path / "data.csv", ["x", "y"], rows)


def _one_line_error(result, *needles):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("skactive: error: ") and result.stderr.count("\n") == 1
    assert "label>" not in result.stdout  # nothing was asked
    for needle in needles:
        assert needle in result.stderr


def test_second_session_on_the_same_csv_is_refused_naming_the_first(data, tmp_path):
    first = subprocess.Popen([sys.executable, "-m", "skactive", *map(str, label_args(data, 3, 1))],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        lock = tmp_path / "data.csv.lock"
        deadline = time.monotonic() + 60
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = run(label_args(data, 2, 1), stdin="a\nb\n")
        _one_line_error(second, f"another skactive session (pid {first.pid})")
        out, _ = first.communicate("a\nb\nb\n", timeout=60)
    finally:
        first.kill()
        first.wait()
    assert first.returncode == 0 and not lock.exists()
    assert len([r for r in read_csv(tmp_path / "data.labeled.csv") if r["y"]]) == 4 + 3


def test_lock_of_a_killed_session_does_not_block_the_next(data, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "data.csv.lock").write_text(f"{dead.pid}\n")
    result = run(label_args(data, 1, 1), stdin="a\n")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data.csv.lock").exists()


@pytest.mark.parametrize("target", ["csv", "log"])
def test_out_equal_to_an_input_is_refused(data, target):
    out = data if target == "csv" else log_path(data)
    before = data.read_bytes()
    _one_line_error(run(label_args(data, 1, 1, "--out", out), stdin="a\n"), "--out ", "is the ")
    assert data.read_bytes() == before


def test_existing_out_is_refused_unless_force(data, tmp_path):
    out = tmp_path / "mine.csv"
    out.write_text("precious\n")
    _one_line_error(run(label_args(data, 1, 1, "--out", out), stdin="a\n"),
                    "exists; pass --force")
    assert out.read_text() == "precious\n"
    result = run(label_args(data, 1, 1, "--out", out, "--force"), stdin="a\n")
    assert result.returncode == 0, result.stderr
    assert read_csv(out)[0] == {"x": "-5.0000", "y": "a"}


def test_output_never_follows_a_symlink_planted_at_a_predictable_name(data, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    out = tmp_path / "out.csv"
    os.symlink(victim, tmp_path / "out.csv.tmp")
    result = run(label_args(data, 0, 1, "--out", out))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    assert not out.is_symlink() and len(read_csv(out)) == 20
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == [
        "out.csv.tmp"]  # no temporary file left behind


def test_read_only_log_fails_before_the_first_question(data):
    log = log_path(data)
    log.write_text("")
    log.chmod(0o444)
    _one_line_error(run(label_args(data, 2, 1), stdin="a\nb\n"), "is read-only")


def test_read_only_folder_fails_before_the_first_question(data, tmp_path):
    tmp_path.chmod(0o555)
    try:
        _one_line_error(run(label_args(data, 2, 1), stdin="a\nb\n"), "read-only")
    finally:
        tmp_path.chmod(0o755)


def test_out_folder_that_does_not_exist_fails_before_the_first_question(data, tmp_path):
    _one_line_error(run(label_args(data, 2, 1, "--out", tmp_path / "nope" / "out.csv"),
                        stdin="a\nb\n"), "does not exist")
    assert not log_path(data).exists()


def test_csv_that_is_not_utf8_needs_encoding(tmp_path):
    data = tmp_path / "data.csv"
    rows = "".join(f"{i % 7},caf\xe9 {i % 2},{'a' if i < 2 else 'b' if i > 9 else ''}\n"
                   for i in range(12))
    data.write_bytes(("x,word,y\n" + rows).encode("latin-1"))
    _one_line_error(run(label_args(data, 1, 1), stdin="a\n"), "is not valid utf-8",
                    "--encoding latin-1")
    result = run(label_args(data, 1, 1, "--encoding", "latin-1"), stdin="a\n")
    assert result.returncode == 0, result.stderr
    assert "café 0" in result.stdout
    assert read_csv(tmp_path / "data.labeled.csv")[0]["word"] == "café 0"  # written as UTF-8


@pytest.mark.parametrize("option", ["--label-column", "--text-column"])
def test_missing_column_fails_before_the_first_question(data, option):
    args = ["label", data, "--label-column", "y", "--budget", "1"]
    args += ["--text-column", "nope"] if option == "--text-column" else []
    args[3] = "nope" if option == "--label-column" else "y"
    _one_line_error(run(args, stdin="a\n"), f"{option} 'nope' is not a column")


def test_ctrl_c_while_starting_up_is_one_line_with_exit_130(data, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("skactive._cli._label.build_features", interrupted)
    assert cli.main([str(a) for a in label_args(data, 1, 1)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "skactive: interrupted; every answer given is saved."


def test_log_equal_to_the_csv_is_refused(data):
    before = data.read_bytes()
    _one_line_error(run(label_args(data, 1, 1, "--log", data), stdin="a\n"),
                    "is the input CSV")
    assert data.read_bytes() == before
