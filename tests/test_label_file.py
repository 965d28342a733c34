"""LabelFile: every answer on disk at once, read back exactly, torn last lines survived."""

import json
import os
import warnings

import numpy as np
import pytest

from skactive.oracles import LabelFile


def _lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def test_round_trip_last_answer_wins_and_skips(tmp_path):
    log = LabelFile(tmp_path / "a.jsonl")
    assert log.load() == {}  # no file yet: nothing answered
    log.append(np.int64(3), np.str_("cat"), round=1)
    log.append("doc-7", 2)
    log.append(("a", 1), "dog")  # a MultiIndex label
    log.append(3, None, skipped=True, round=2)
    log.append(5, "dog")
    log.append(5, "cat")
    answers = log.load(missing_label=-1)
    assert answers == {3: -1, "doc-7": 2, ("a", 1): "dog", 5: "cat"}
    assert type(next(iter(answers))) is int  # numpy ids come back as plain ints
    records = log.records()
    assert [r["round"] for r in records[:4]] == [1, None, None, 2]
    assert records[3]["skipped"] is True and records[3]["label"] is None
    assert all("time" in r for r in records)


def test_retract_takes_back_only_the_last_answer(tmp_path):
    log = LabelFile(tmp_path / "a.jsonl")
    log.append(1, "a")
    log.append(1, "b")
    log.append(2, "a")
    log.retract(1)
    assert log.load() == {1: "a", 2: "a"}
    log.retract(1)
    log.retract(1)  # nothing left to take back: harmless
    assert log.load() == {2: "a"}


def test_each_answer_is_flushed_then_fsynced_before_append_returns(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    seen = []  # at each fsync: how many complete lines are already in the file
    real_fsync = os.fsync

    def fsync(fd):
        seen.append(path.read_bytes().count(b"\n"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    log = LabelFile(path)
    for k in range(3):
        before = len(seen)
        log.append(k, "x")
        file_syncs = seen[before:]
        # the new line was written and flushed before the file was fsync'ed
        assert k + 1 in file_syncs
    # one fsync per answer, plus one of the directory when the file was created
    assert len(seen) == 4


def test_torn_last_line_is_ignored_with_warning_and_cut_before_next_append(tmp_path):
    path = tmp_path / "a.jsonl"
    log = LabelFile(path)
    log.append(0, "a")
    log.append(1, "b")
    with open(path, "ab") as f:  # the process died in the middle of writing answer 3
        f.write(b'{"row": 2, "label": "c", "ski')
    with pytest.warns(UserWarning, match="half-written last line"):
        assert LabelFile(path).load() == {0: "a", 1: "b"}
    fresh = LabelFile(path)  # the next session
    with pytest.warns(UserWarning, match="dropping a half-written last line"):
        fresh.append(2, "c")
    fresh.append(3, "d")
    lines = _lines(path)
    assert lines[-1] == b"" and all(json.loads(line)["row"] == i
                                    for i, line in enumerate(lines[:-1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file is clean again: no warning
        assert LabelFile(path).load() == {0: "a", 1: "b", 2: "c", 3: "d"}


def test_torn_line_cut_inside_a_multibyte_character(tmp_path):
    path = tmp_path / "a.jsonl"
    LabelFile(path).append(0, "café")
    with open(path, "ab") as f:
        f.write('{"row": 1, "label": "é'.encode()[:-1])  # half of "é"
    with pytest.warns(UserWarning, match="half-written"):
        assert LabelFile(path).load() == {0: "café"}


def test_whole_record_missing_only_its_newline_is_kept(tmp_path):
    path = tmp_path / "a.jsonl"
    LabelFile(path).append(0, "a")
    with open(path, "ab") as f:
        f.write(b'{"row": 1, "label": "b", "skipped": false}')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert LabelFile(path).load() == {0: "a", 1: "b"}
        LabelFile(path).append(2, "c")  # starts on a line of its own
    assert LabelFile(path).load() == {0: "a", 1: "b", 2: "c"}


def test_corrupt_middle_line_is_skipped_with_warning(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"row": 0, "label": "a"}\nnot json\n[1, 2]\n{"row": 1, "label": "b"}\n')
    with pytest.warns(UserWarning) as record:
        assert LabelFile(path).load() == {0: "a", 1: "b"}
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2 and "ignoring line 2" in messages[0] and "line 3" in messages[1]


def test_fingerprinted_answers_are_undone_by_content_and_slot(tmp_path):
    log = LabelFile(tmp_path / "a.jsonl")
    log.append(0, "a", fingerprint="f1", slot=0, column="y")
    log.append(1, "b", fingerprint="f1", slot=1, column="y")  # an identical row, other answer
    log.append(2, "c", fingerprint="f2", column="y")
    log.retract(7, fingerprint="f1", slot=0)  # that row has moved to position 7 since
    standing = log.history()
    assert [(r["fp"], r["slot"], r["label"]) for r in standing] == [("f1", 1, "b"),
                                                                    ("f2", 0, "c")]
    assert all(r["column"] == "y" for r in standing)


def test_undo_last_takes_back_the_most_recent_standing_answer(tmp_path):
    log = LabelFile(tmp_path / "a.jsonl")
    assert log.undo_last() is None
    log.append(1, "a")
    log.append(2, "b")
    log.note_classes(["b", "a"], column="y")
    assert log.undo_last()["row"] == 2
    assert LabelFile(tmp_path / "a.jsonl").undo_last(round=3)["row"] == 1  # a new session
    assert log.load() == {} and log.history() == []
    assert log.records()[2] == {**log.records()[2], "classes": ["b", "a"], "column": "y"}
