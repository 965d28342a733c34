"""What the annotator sees (issue 11, items 7-10): safe cells, stable shortcuts, undo
across batches and sessions, progress and help."""

import re

import numpy as np
import pytest
from cli_support import answers, label_args, read_csv, run, write_csv

from skactive import __version__
from skactive._cli._parser import build_parser


def _data(path, classes=("a", "b"), n=20, extra=()):
    x = np.linspace(-5, 5, n)
    lo, hi = classes
    rows = [[f"{v:.4f}", lo if i < 2 else hi if i >= n - 2 else ""] for i, v in enumerate(x)]
    return write_csv(path, ["x", "y"], list(extra) + rows)


def test_control_characters_and_newlines_in_cells_are_shown_as_escapes(tmp_path):
    rows = [[f"{v:.2f}", "\x1b]0;pwned\x07\x1b[2Jfake prompt", "line one\nline two",
             "a" if v < -3 else "b" if v > 3 else ""] for v in np.linspace(-5, 5, 12)]
    data = write_csv(tmp_path / "data.csv", ["x", "title\x1b[31m", "note", "y"], rows)
    result = run(label_args(data, 1, 1, "--ignore-column", "title\x1b[31m",
                            "--ignore-column", "note"), stdin="a\n")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b]0;pwned\\x07\\x1b[2Jfake prompt" in result.stdout
    assert "title\\x1b[31m : " in result.stdout
    assert "  note" in result.stdout and ": line one\\nline two\n" in result.stdout


def test_a_class_keeps_its_number_across_sessions_and_the_recorded_class_is_echoed(tmp_path):
    data = _data(tmp_path / "data.csv", classes=("lo", "mid"))
    first = run(label_args(data, 1, 1), stdin="hi\ny\n")  # a new class, after "lo", "mid"
    assert first.returncode == 0, first.stderr
    assert "[1] lo  [2] mid" in first.stdout
    second = run(label_args(data, 2, 1), stdin="3\nmi\n")
    assert second.returncode == 0, second.stderr
    assert "[1] lo  [2] mid  [3] hi" in second.stdout  # sorted would put "hi" first
    assert "label> 3\n  = hi\n" in second.stdout and "label> mi\n  = mid\n" in second.stdout
    assert [r["label"] for r in answers(data)] == ["hi", "hi", "mid"]


def test_undo_takes_back_an_answer_of_an_earlier_batch_and_asks_that_row_again(tmp_path):
    data = _data(tmp_path / "data.csv")
    result = run(label_args(data, 3, 1), stdin="a\nu\nb\na\nb\n")
    assert result.returncode == 0, result.stderr
    recs = answers(data)
    first = recs[0]["row"]
    assert recs[1] == {**recs[1], "undo": True, "row": first}
    assert recs[2]["row"] == first and recs[2]["label"] == "b"  # asked again, answered b
    assert f"Undone: a (row {first}); asking that row again." in result.stdout
    assert result.stdout.count(f"] row {first} ---") == 2
    labeled = read_csv(tmp_path / "data.labeled.csv")
    assert labeled[first]["y"] == "b" and sum(r["y"] != "" for r in labeled) == 4 + 3


def test_undo_takes_back_the_last_answer_of_an_earlier_session(tmp_path):
    data = _data(tmp_path / "data.csv")
    assert run(label_args(data, 2, 2), stdin="a\nb\n").returncode == 0
    last = answers(data)[-1]["row"]
    result = run(label_args(data, 1, 1), stdin="u\na\nb\n")
    assert result.returncode == 0, result.stderr
    assert f"Undone: b (row {last}); asking that row again." in result.stdout
    recs = answers(data)
    assert recs[3]["row"] == last and recs[3]["label"] == "a"
    assert read_csv(tmp_path / "data.labeled.csv")[last]["y"] == "a"
    assert "Nothing to undo" not in result.stdout


def test_prompt_shows_session_progress_and_totals(tmp_path):
    data = _data(tmp_path / "data.csv")
    result = run(label_args(data, 3, 1), stdin="a\nb\ns\n")
    assert result.returncode == 0, result.stderr
    headers = re.findall(r"--- \[(.*?)\]", result.stdout)
    assert headers == ["1/3 · 4 labeled · 2 classes", "2/3 · 5 labeled · 2 classes",
                       "3/3 · 6 labeled · 2 classes"]


def test_budget_zero_says_so(tmp_path):
    result = run(label_args(_data(tmp_path / "data.csv"), 0, 1))
    assert result.returncode == 0, result.stderr
    assert "Nothing asked: the budget is 0 (--budget)." in result.stdout
    assert "label>" not in result.stdout


def test_version():
    result = run(["--version"])
    assert result.returncode == 0 and result.stdout.strip() == f"skactive {__version__}"


@pytest.mark.parametrize("command", ["label", "query", "import"])
def test_every_option_help_names_its_default(command):
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
    assert options
    for action in options:
        assert "default" in action.help or "required" in action.help, action.option_strings


def test_undo_twice_goes_back_two_answers_and_asks_both_rows_again(tmp_path):
    data = _data(tmp_path / "data.csv")
    assert run(label_args(data, 2, 1), stdin="a\nb\n").returncode == 0
    first, second = (r["row"] for r in answers(data))
    result = run(label_args(data, 1, 1), stdin="u\nu\nb\na\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index(f"Undone: b (row {second})") < out.index(f"Undone: a (row {first})")
    recs = [r for r in answers(data) if not r.get("undo")]
    assert [(r["row"], r["label"]) for r in recs[2:]] == [(first, "b"), (second, "a")]
    labeled = read_csv(tmp_path / "data.labeled.csv")
    assert (labeled[first]["y"], labeled[second]["y"]) == ("b", "a")
