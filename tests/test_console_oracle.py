"""ConsoleOracle driven through io.StringIO streams: no terminal needed."""

import io

import numpy as np
import pytest

from skactive import ActiveLearningClassifier
from skactive.oracles import ConsoleOracle, LabelFile, StopLabeling


def _oracle(answers, **params):
    out = io.StringIO()
    oracle = ConsoleOracle(input=io.StringIO("".join(a + "\n" for a in answers)), output=out,
                           **params)
    return oracle, out


def test_dataframe_rows_shown_with_names_index_and_progress():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"height": [1.5, 2.0], "colour": ["red", "blue"]}, index=["r7", "r9"])
    oracle, out = _oracle(["dog", "1"], classes=["cat", "dog"], progress=(2, 10))
    assert oracle(X).tolist() == ["dog", "cat"]
    text = out.getvalue()
    assert "--- [3/10] row r7 ---" in text and "--- [4/10] row r9 ---" in text
    assert "  height : 1.5\n  colour : red\n" in text
    assert "[1] cat  [2] dog" in text
    assert oracle.n_answered_ == 2 and oracle.n_calls_ == 1


def test_skip_returns_missing_label():
    oracle, _ = _oracle(["s", "b"], classes=["a", "b"], missing_label="")
    labels = oracle(["first", "second"])
    assert labels.tolist() == ["", "b"]


def test_undo_reasks_previous_row_and_is_logged(tmp_path):
    log = LabelFile(tmp_path / "answers.jsonl")
    oracle, out = _oracle(["1", "u", "2", "1"], classes=["a", "b"], label_file=log,
                          row_ids=lambda X: [10, 11])
    assert oracle(["x", "y"]).tolist() == ["b", "a"]
    assert out.getvalue().count("row 10 ---") == 2  # row 10 was shown again
    assert log.load() == {10: "b", 11: "a"}
    assert [r.get("undo", False) for r in log.records()] == [False, True, False, False]


def test_undo_at_start_of_batch_explains_and_reasks():
    oracle, out = _oracle(["u", "a"], classes=["a", "b"])
    assert oracle(["x"]).tolist() == ["a"]
    assert "Nothing to undo in this batch" in out.getvalue()


def test_bad_input_is_reasked_with_a_message():
    oracle, out = _oracle(["", "7", "zebra", "n", "B"], classes=["a", "b"])
    assert oracle(["x"]).tolist() == ["b"]  # "B": unique case-insensitive match
    text = out.getvalue()
    assert "Type a class name or its number" in text
    assert "There is no class number 7; choose 1-2." in text
    assert "'zebra' is not a known class" in text and "Not added." in text
    assert oracle.classes_ == ["a", "b"]


@pytest.mark.parametrize("stop", ["q", None])  # None: end of input
def test_quit_or_eof_raises_stop_labeling_with_answers_so_far(stop):
    answers = ["a", "s"] + ([stop] if stop else [])
    oracle, out = _oracle(answers, classes=["a", "b"], missing_label=-1)
    with pytest.raises(StopLabeling) as info:
        oracle(["x", "y", "z", "w"])
    assert info.value.labels == ["a", -1]
    assert "2 answer(s) kept" in out.getvalue()


def test_classes_learned_from_answers_after_confirmation():
    oracle, out = _oracle(["spam", "y", "ham", "yes", "2", "spam"])
    assert oracle(["a", "b"]).tolist() == ["spam", "ham"]
    assert oracle(["c", "d"]).tolist() == ["ham", "spam"]  # "2" is now a shortcut
    assert oracle.classes_ == ["spam", "ham"]
    assert "classes: none yet" in out.getvalue()
    assert "[1] spam  [2] ham" in out.getvalue()


def test_numeric_classes_keep_their_type_and_have_no_shortcuts():
    oracle, out = _oracle(["cat", "1", "0.0", "3", "y"], classes=np.array([0, 1]))
    labels = oracle(["a", "b", "c"])
    assert labels.tolist() == [1, 0, 3]
    assert all(isinstance(v, (int, np.integer)) for v in labels)
    assert "The classes are numbers; 'cat' is not one." in out.getvalue()
    assert "classes: 0, 1 " in out.getvalue()


def test_class_named_like_a_command_wins_over_the_command():
    oracle, out = _oracle(["s", "skip"], classes=["s", "t"], missing_label=None)
    assert oracle(["a", "b"]).tolist() == ["s", None]
    assert "(skip skip, u undo, q quit)" in out.getvalue()


def test_text_array_and_show_callable_formats():
    oracle, out = _oracle(["a", "a"], classes=["a", "b"], show=lambda doc: doc[:5] + "...")
    oracle(["a very long document", "another long one"])
    assert "a ver...\n" in out.getvalue() and "very long" not in out.getvalue()

    oracle, out = _oracle(["a"], classes=["a", "b"])
    oracle(np.array([[0.5, 2.0]]))
    assert "  x[0] : 0.5\n  x[1] : 2.0\n" in out.getvalue()


def test_every_answer_is_on_disk_before_the_next_question(tmp_path):
    path = tmp_path / "answers.jsonl"

    class Recorder(io.StringIO):
        """Notes how many answers the file holds each time a new answer is read."""

        on_disk = []

        def readline(self, *args):
            self.on_disk.append(len(LabelFile(path).load()))
            return super().readline(*args)

    oracle = ConsoleOracle(classes=["a", "b"], input=Recorder("a\ns\nb\n"),
                           output=io.StringIO(), label_file=str(path))
    oracle(["x", "y", "z"])
    assert Recorder.on_disk == [0, 1, 2]
    assert LabelFile(path).load(missing_label="SKIP") == {"x": "a", "y": "SKIP", "z": "b"}


def test_stop_mid_batch_in_fit_keeps_partial_batch_and_skips():
    X = np.arange(12, dtype=float).reshape(-1, 1)
    y = np.array(["lo", "lo", -1, -1, -1, -1, -1, -1, -1, -1, "hi", "hi"], dtype=object)
    oracle, _ = _oracle(["lo", "s", "q"], classes=["hi", "lo"], missing_label=-1)
    clf = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=3, random_state=0)
    clf.fit(X, y)
    asked = clf.history_[1]["query_indices"]
    assert clf.termination_condition_ == "stopped_by_oracle"
    assert asked.shape == (2,) and clf.n_queries_ == 2
    assert clf.y_labeled_[asked[0]] == "lo" and clf.labeled_iter_[asked[0]] == 1
    # the skip (int -1 among str answers) stays unlabeled, never the string "-1"
    assert clf.y_labeled_[asked[1]] == -1 and clf.labeled_iter_[asked[1]] == -1
    assert set(clf.classes_) == {"hi", "lo"}


def test_sparse_rows_show_nonzeros_and_log_them_as_content_ids(tmp_path):
    import scipy.sparse as sp

    log = LabelFile(tmp_path / "answers.jsonl")
    oracle, out = _oracle(["a", "b"], classes=["a", "b"], label_file=log)
    oracle(sp.csr_matrix(np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0]])))
    assert "--- [1] ---\n  x[1] : 2.0\nclasses:" in out.getvalue()
    assert log.load() == {((1, 2.0),): "a", ((0, 1.0),): "b"}


def test_control_characters_are_shown_as_escapes():
    oracle, out = _oracle(["a"], classes=["a", "b\x1b[0m"])
    oracle(["\x1b]0;title\x07two\nlines"])
    text = out.getvalue()
    assert "\x1b" not in text and "\\x1b]0;title\\x07two\\nlines\n" in text
    assert "[2] b\\x1b[0m" in text


def test_unique_prefix_and_number_answers_echo_the_class_recorded():
    oracle, out = _oracle(["pos", "2", "negative", "ne", "n", "neu"],
                          classes=["positive", "negative", "neutral"])
    assert oracle(["w", "x", "y", "z"]).tolist() == ["positive", "negative", "negative",
                                                     "neutral"]
    text = out.getvalue()
    assert "label> pos\n  = positive\n" in text and "label> 2\n  = negative\n" in text
    assert "label> negative\n---" not in text  # typed in full: no echo
    assert "'ne' is not a known class" in text  # "ne" starts two classes: not a prefix


def test_header_shows_running_totals():
    oracle, out = _oracle(["a", "s", "b"], classes=["a", "b"], progress=(0, 3), labeled=10)
    oracle(["x", "y", "z"])
    text = out.getvalue()
    assert "[1/3 · 10 labeled · 2 classes]" in text and "[3/3 · 11 labeled · 2 classes]" in text


def test_undo_earlier_takes_back_an_answer_of_a_previous_batch(tmp_path):
    log = LabelFile(tmp_path / "answers.jsonl")
    oracle, out = _oracle(["a", "u"], classes=["a", "b"], label_file=log, undo_earlier=True)
    assert oracle(["x"]).tolist() == ["a"]
    with pytest.raises(StopLabeling) as info:
        oracle(["y"])
    assert info.value.labels == [] and oracle.undone_["row"] == "x"
    assert log.load() == {} and oracle.n_answered_ == 0
    assert "Undone: a (row x); asking that row again." in out.getvalue()
