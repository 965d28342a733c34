"""Answers stay with their rows (issue 11, items 1-3 and 13): fingerprints, not positions."""

import numpy as np
from cli_support import answer, answers, label_args, log_path, read_csv, run, write_csv

N = 24


def _data(path, extra_rows=(), drop=(), reverse=False):
    """x from -5 to 5 (class a below 0), a noise column; rows 0, 1 and the last two labeled."""
    x = np.linspace(-5, 5, N)
    rows = [[f"{v:.4f}", str(i % 3), "a" if i < 2 else "b" if i >= N - 2 else ""]
            for i, v in enumerate(x) if i not in drop]
    rows = list(extra_rows) + (rows[::-1] if reverse else rows)
    return write_csv(path, ["x", "noise", "y"], rows)


def _labels_by_x(path):
    return {r["x"]: r["y"] for r in read_csv(path) if r["y"]}


def _session(tmp_path):
    """One session of 6 answers (a for x < 0, b above, one skip); returns {x: label}."""
    data = _data(tmp_path / "data.csv")
    xs = [r["x"] for r in read_csv(data)]
    result = run(label_args(data, 6, 2), stdin="a\nb\na\nb\ns\na\n")
    assert result.returncode == 0, result.stderr
    given = {xs[r["row"]]: r["label"] for r in answers(data) if not r["skipped"]}
    assert len(given) == 5
    return data, given


def test_answers_follow_their_rows_when_rows_are_sorted_inserted_or_deleted(tmp_path):
    data, given = _session(tmp_path)
    answered = {r["row"] for r in answers(data)}
    unanswered = next(i for i in range(2, N - 2) if i not in answered)
    inserted = [["9.9", "0", ""], ["-9.9", "1", ""], ["0.5", "2", ""]]
    _data(data, extra_rows=inserted, drop={unanswered}, reverse=True)
    result = run(label_args(data, 0, 1))
    assert result.returncode == 0, result.stderr
    labels = _labels_by_x(tmp_path / "data.labeled.csv")
    seeded = {f"{v:.4f}": y for v, y in zip(np.linspace(-5, 5, N)[[0, 1, -2, -1]], "aabb",
                                            strict=True)}
    assert labels == {**seeded, **given}  # every answer on its own row, no other row labeled
    assert "no longer in" not in result.stderr
    # the skipped row stays skipped (not asked again), wherever it moved
    assert f"{N - 1 + 3} rows, 9 labeled (5 from" in result.stdout
    assert f"{N - 1 + 3 - 9 - 1} to choose from" in result.stdout


def test_answer_whose_row_was_deleted_is_reported_and_never_applied_elsewhere(tmp_path):
    data, given = _session(tmp_path)
    xs = [r["x"] for r in read_csv(data)]
    gone = sorted(r["row"] for r in answers(data) if not r["skipped"])[:2]
    _data(data, drop=set(gone))
    result = run(label_args(data, 0, 1))
    assert result.returncode == 0, result.stderr
    assert "2 answer(s) in" in result.stderr and "are for rows no longer in" in result.stderr
    assert f"row {gone[0]} '{given[xs[gone[0]]]}'" in result.stderr
    labels = _labels_by_x(tmp_path / "data.labeled.csv")
    assert len(labels) == 4 + 5 - 2 and not {xs[i] for i in gone} & set(labels)


def test_log_written_for_another_csv_is_refused(tmp_path):
    data, _ = _session(tmp_path)
    other = write_csv(tmp_path / "other.csv", ["x", "noise", "y"],
                      [[f"{i / 2}", "7", ""] for i in range(N)])
    log_path(other).write_bytes(log_path(data).read_bytes())
    result = run(label_args(other, 2, 1), stdin="a\nb\n")
    assert result.returncode == 2
    assert "matches none of the rows of" in result.stderr and "label>" not in result.stdout
    assert result.stderr.count("\n") == 1


def test_log_of_another_label_column_is_refused_and_each_column_can_have_its_own(tmp_path):
    data = write_csv(tmp_path / "data.csv", ["x", "sentiment", "topic"],
                     [[str(i % 5), "pos" if i < 2 else "neg" if i > 9 else "", ""]
                      for i in range(12)])
    base = ["label", data, "--budget", "1", "--batch-size", "1", "--random-state", "0"]
    assert run([*base, "--label-column", "sentiment"], stdin="pos\n").returncode == 0
    result = run([*base, "--label-column", "topic"], stdin="sport\ny\n")
    assert result.returncode == 2
    assert "holds answers for --label-column 'sentiment', not 'topic'" in result.stderr
    own = run([*base, "--label-column", "topic", "--log", tmp_path / "topic.jsonl"],
              stdin="sport\ny\n")
    assert own.returncode == 0, own.stderr
    assert any(r["topic"] == "sport" for r in read_csv(tmp_path / "data.labeled.csv"))


def test_identical_rows_answered_differently_keep_both_answers(tmp_path):
    rows = [["-3", "a"], ["-2", "a"], ["0", ""], ["0", ""], ["2", "b"], ["3", "b"]]
    data = write_csv(tmp_path / "data.csv", ["x", "y"], rows)
    result = run(label_args(data, 2, 1), stdin="a\nb\n")
    assert result.returncode == 0, result.stderr
    recs = answers(data)
    assert [(r["fp"] == recs[0]["fp"], r["slot"], r["label"]) for r in recs] == [
        (True, 0, "a"), (True, 1, "b")]
    write_csv(data, ["x", "y"], [["-4", ""]] + rows)  # a row inserted at the top
    assert run(label_args(data, 0, 1)).returncode == 0
    out = read_csv(tmp_path / "data.labeled.csv")
    assert [r["y"] for r in out] == ["", "a", "a", "a", "b", "b", "b"]


def test_query_then_import_round_trip_matches_answers_by_content(tmp_path):
    data = _data(tmp_path / "data.csv")
    to_label = tmp_path / "to_label.csv"
    result = run(["query", data, "--label-column", "y", "-n", "4", "--out", to_label])
    assert result.returncode == 0, result.stderr
    assert f"skactive import {data} {to_label} --label-column y" in result.stdout
    picked = read_csv(to_label)
    filled = [{**r, "y": "a" if float(r["x"]) < 0 else "b"} for r in picked]
    filled[-1]["y"] = ""  # not answered in the other tool
    write_csv(to_label, list(picked[0]), [list(r.values()) for r in filled]
              + [["99", "1.2345", "0", "a"]])  # a row that is not in data.csv
    _data(data, reverse=True)  # the data was sorted meanwhile
    result = run(["import", data, to_label, "--label-column", "y"])
    assert result.returncode == 0, result.stderr
    assert "Imported 3 answer(s)" in result.stdout
    assert "1 row(s) of" in result.stderr and "match no row of" in result.stderr
    again = run(["import", data, to_label, "--label-column", "y"])
    assert "Imported 0 answer(s)" in again.stdout and "3 were already there" in again.stdout
    assert run(label_args(data, 0, 1)).returncode == 0
    labels = _labels_by_x(tmp_path / "data.labeled.csv")
    assert {r["x"]: r["y"] for r in filled[:3]}.items() <= labels.items()
    assert len(labels) == 4 + 3


def test_import_of_a_file_for_another_csv_is_refused(tmp_path):
    data = _data(tmp_path / "data.csv")
    other = write_csv(tmp_path / "other.csv", ["x", "noise", "y"], [["7", "7", "a"]])
    result = run(["import", data, other, "--label-column", "y"])
    assert result.returncode == 2 and "matches a row of" in result.stderr
    assert not log_path(data).exists()


def test_helper_answer_is_matched_like_a_session_answer(tmp_path):
    data = _data(tmp_path / "data.csv")
    answer(data, 5, "a")
    _data(data, reverse=True)
    assert run(label_args(data, 0, 1)).returncode == 0
    assert read_csv(tmp_path / "data.labeled.csv")[N - 1 - 5]["y"] == "a"
