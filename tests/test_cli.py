"""The ``skactive`` command end to end: subprocesses with scripted stdin, and main()."""

import csv
import io
import json
import subprocess
import sys
import time

import numpy as np
import pytest
from cli_support import answer, answers, label_args, read_csv, run

from skactive import cli
from skactive.oracles import LabelFile

N_ROWS = 40
SEEDED = {0: "a", 1: "a", 38: "b", 39: "b"}  # x = -5, -4.74, 4.74, 5


@pytest.fixture
def data_csv(tmp_path):
    """One informative feature x (class a below 0, b above) and a noise column."""
    path = tmp_path / "data.csv"
    x = np.linspace(-5, 5, N_ROWS)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["x", "noise", "y"])
        for i, value in enumerate(x):
            writer.writerow([f"{value:.4f}", str(i % 3), SEEDED.get(i, "")])
    return path


def records(tmp_path):
    return answers(tmp_path / "data.csv")


def test_label_session_writes_answers_and_labeled_csv(data_csv, tmp_path):
    result = run(label_args(data_csv, 4, 2), stdin="a\nb\n1\n2\n")
    assert result.returncode == 0, result.stderr
    recs = records(tmp_path)
    assert [r["label"] for r in recs] == ["a", "b", "a", "b"]
    asked = [r["row"] for r in recs]
    assert len(set(asked)) == 4 and not set(asked) & set(SEEDED)
    assert all(abs(i - 19.5) < 8 for i in asked)  # margin sampling asks near x = 0
    rows = read_csv(tmp_path / "data.labeled.csv")
    expected = {**SEEDED, **dict(zip(asked, "abab", strict=True))}
    assert [r["y"] for r in rows] == [expected.get(i, "") for i in range(N_ROWS)]
    assert rows[5]["x"] == read_csv(data_csv)[5]["x"]  # other cells untouched
    out = result.stdout
    assert "[1/4 · 4 labeled · 2 classes]" in out and "[4/4 · 7 labeled" in out
    assert "  noise : " in out
    assert "Labeled 4 row(s) this session; 8 of 40 rows are labeled (0 skipped in all)." in out
    assert "Class balance: a 4, b 4." in out and "Estimated accuracy: " in out
    lines = (tmp_path / "data.labels.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["classes"] == ["a", "b"]  # the numbers of the classes
    assert [set(json.loads(line)) for line in lines[1:]] == [
        {"row", "label", "skipped", "round", "time", "fp", "slot", "column"}] * 4
    assert [r["round"] for r in recs] == [1, 1, 2, 2]


def test_skip_undo_bad_input_and_eof_mid_batch(data_csv, tmp_path):
    # batch 1: a, undo, b | bad: "", new-class typo declined, 7 | skip | b
    # batch 2: a, then end of input before the second answer
    script = "a\nu\nb\n\nzzz\nn\n7\ns\nb\na\n"
    result = run(label_args(data_csv, 6, 3), stdin=script)
    assert result.returncode == 0, result.stderr
    first, second, third, fourth = dict.fromkeys(r["row"] for r in records(tmp_path))
    answers = LabelFile(tmp_path / "data.labels.jsonl").load(missing_label="SKIP")
    assert answers == {first: "b", second: "SKIP", third: "b", fourth: "a"}
    rows = read_csv(tmp_path / "data.labeled.csv")
    assert [rows[i]["y"] for i in (first, second, third, fourth)] == ["b", "", "b", "a"]
    out = result.stdout
    assert "Undone; asking the previous row again." in out
    assert "Type a class name or its number" in out
    assert "There is no class number 7; choose 1-2." in out and "Not added." in out
    assert "[5/6 · " in out and "Stopped; 4 answer(s) kept." in out
    assert "Labeled 3 row(s) this session; 7 of 40 rows are labeled (1 skipped in all)" in out


def test_resume_does_not_reask_answered_or_skipped_rows(data_csv, tmp_path):
    assert run(label_args(data_csv, 3, 1), stdin="a\ns\nb\n").returncode == 0
    first = {r["row"] for r in records(tmp_path)}
    result = run(label_args(data_csv, 3, 1), stdin="a\nb\nb\n")
    assert result.returncode == 0, result.stderr
    recs = records(tmp_path)
    second = {r["row"] for r in recs[3:]}
    assert len(first) == 3 and len(second) == 3 and not first & second
    assert "6 labeled (2 from" in result.stdout and "33 to choose from" in result.stdout
    rows = read_csv(tmp_path / "data.labeled.csv")
    answers = LabelFile(tmp_path / "data.labels.jsonl").load(missing_label="")
    assert [rows[i]["y"] for i in answers] == list(answers.values())
    assert sum(r["y"] != "" for r in rows) == 4 + 5


def test_killed_process_loses_no_answer_and_rerun_resumes(data_csv, tmp_path):
    labels_path = tmp_path / "data.labels.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "skactive", *map(str, label_args(data_csv, 6, 2))],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        proc.stdin.write("a\nb\na\n")  # three answers; the fourth question then waits
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if labels_path.exists() and labels_path.read_bytes().count(b"\n") >= 4:  # note + 3
                break
            time.sleep(0.05)
        proc.kill()  # SIGKILL between the third and the fourth answer
    finally:
        proc.wait(timeout=30)
    assert proc.returncode != 0
    recs = [r for r in LabelFile(labels_path).records() if "row" in r]
    assert [r["label"] for r in recs] == ["a", "b", "a"]
    answered = {r["row"] for r in recs}
    assert not (tmp_path / "data.labeled.csv").exists()
    with open(labels_path, "ab") as f:  # as if it had also died while writing a line
        f.write(b'{"row": 3, "lab')

    result = run(label_args(data_csv, 2, 2), stdin="b\nb\n")
    assert result.returncode == 0, result.stderr
    assert "half-written last line" in result.stderr and "Traceback" not in result.stderr
    assert "7 labeled (3 from" in result.stdout
    recs = [r for r in LabelFile(labels_path).records() if "row" in r]
    assert len(recs) == 5 and not {r["row"] for r in recs[3:]} & answered
    rows = read_csv(tmp_path / "data.labeled.csv")
    assert [rows[r["row"]]["y"] for r in recs] == ["a", "b", "a", "b", "b"]


def test_query_writes_most_uncertain_unlabeled_rows(data_csv, tmp_path):
    answer(data_csv, 19, "a")  # answered earlier: x = -0.13, 0.13
    answer(data_csv, 20, "b")
    out = tmp_path / "to_label.csv"
    result = run(["query", data_csv, "--label-column", "y", "-n", "4", "--out", out,
                  "--ignore-column", "noise"])
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    ids = [int(r["row_id"]) for r in rows]
    # labels are symmetric around x = 0: the unanswered rows nearest to it come first
    assert sorted(ids[:2]) == [18, 21] and sorted(ids[2:]) == [17, 22]
    assert list(rows[0]) == ["row_id", "x", "noise", "y"]
    assert all(r["y"] == "" for r in rows)
    assert rows[0]["x"] == read_csv(data_csv)[ids[0]]["x"]


def test_text_column_and_cold_start_without_labels(tmp_path, monkeypatch, capsys):
    path = tmp_path / "docs.csv"
    docs = ["cheap pills now", "meeting at noon", "win cash now", "lunch at noon",
            "cheap cash pills", "noon meeting notes"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "label"])
        writer.writerows([[f"d{i}", doc, ""] for i, doc in enumerate(docs)])
    # no labeled row: the first picks are random and the classes are learned
    monkeypatch.setattr(sys, "stdin", io.StringIO("spam\ny\nham\ny\n1\n2\n"))
    code = cli.main(["label", str(path), "--label-column", "label", "--text-column", "text",
                     "--budget", "4", "--batch-size", "2", "--estimator", "nb",
                     "--random-state", "0"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Fewer than two classes: the first rows are picked at random." in out
    assert "  id   : d" in out and "  text : " in out
    recs = LabelFile(tmp_path / "docs.labels.jsonl").records()
    assert [r["label"] for r in recs] == ["spam", "ham", "spam", "ham"]
    rows = read_csv(tmp_path / "docs.labeled.csv")
    assert [rows[r["row"]]["label"] for r in recs] == ["spam", "ham", "spam", "ham"]


def test_retry_skipped_puts_skipped_rows_back_in_the_pool(data_csv, tmp_path, monkeypatch,
                                                          capsys):
    answer(data_csv, 7, None, skipped=True)
    for extra, pool in (([], 35), (["--retry-skipped"], 36)):
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # stop at the first question
        assert cli.main([*map(str, label_args(data_csv, 1, 1)), *extra]) == 0
        assert f"{pool} to choose from" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["label", "{dir}/missing.csv", "--label-column", "y"], "missing.csv: no such file."),
        (["label", "{csv}", "--label-column", "target"], "--label-column 'target' is not a "
         "column of the CSV (columns: x, noise, y)."),
        (["label", "{words}", "--label-column", "y"], "column 'word' is not numeric (e.g. "
         "'hello') and has 2 distinct values, too many to one-hot encode; use --text-column "
         "'word'"),
        (["query", "{one_class}", "--label-column", "y"], "query needs labeled rows of at "
         "least two classes in 'y' (found: a 4)"),
        (["query", "{csv}", "--label-column", "y", "--text-column", "nope"],
         "--text-column 'nope' is not a column"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_code_2(args, message, data_csv, tmp_path,
                                                          capsys):
    words = tmp_path / "words.csv"
    words.write_text("x,word,y\n1,hello,a\n2,there,\n")
    one_class = tmp_path / "one.csv"
    one_class.write_text("x,y\n" + "".join(f"{i % 3},{'a' if i < 4 else ''}\n"
                                            for i in range(8)))
    paths = {"dir": tmp_path, "csv": data_csv, "words": words, "one_class": one_class}
    code = cli.main([a.format(**paths) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("skactive: error: ") and err.count("\n") == 1
    assert message in err


def test_entry_point_reports_errors_without_traceback(tmp_path):
    result = run(["label", "nope.csv", "--label-column", "y"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "skactive: error: nope.csv: no such file.\n"


def test_bad_option_values_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["label", "nope.csv", "--label-column", "y", "--batch-size", "0"])
    assert info.value.code == 2
    assert "argument --batch-size: must be at least 1, got 0" in capsys.readouterr().err

