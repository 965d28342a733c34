"""What the model sees (issue 11, items 11-12): real features only, every strategy, and
columns that are categories or look like row ids."""

import io
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from cli_support import label_args, read_csv, run, write_csv

from skactive import ActiveLearningClassifier, cli
from skactive.strategies import available_strategies

DOCS = ["cheap pills now", "win cash now", "cheap cash pills", "free pills cash",
        "meeting at noon", "lunch at noon", "noon meeting notes", "notes for lunch",
        "cash now free", "lunch meeting", "pills for free", "meeting notes"]


@pytest.fixture
def fits(monkeypatch):
    """Every (X, y) the command passes to ActiveLearningClassifier.fit."""
    seen, real_fit = [], ActiveLearningClassifier.fit

    def fit(self, X, y, **kwargs):
        seen.append((X, y))
        return real_fit(self, X, y, **kwargs)

    monkeypatch.setattr(ActiveLearningClassifier, "fit", fit)
    return seen


def test_the_row_id_is_never_a_feature(tmp_path, fits, monkeypatch):
    x = np.linspace(-5, 5, 16)
    data = write_csv(tmp_path / "data.csv", ["x", "noise", "y"],
                     [[f"{v:.3f}", str(i % 3), "a" if i < 2 else "b" if i > 13 else ""]
                      for i, v in enumerate(x)])
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nb\n"))
    assert cli.main([*map(str, label_args(data, 2, 1)), "--strategy", "kcenter_init"]) == 0
    X, _ = fits[0]
    assert X.shape == (16, 2)  # x and noise, standardized; no row-id column
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)


@pytest.mark.parametrize("strategy", available_strategies())
def test_every_strategy_works_with_a_text_column(strategy, tmp_path, fits, monkeypatch,
                                                 capsys):
    labels = {0: "spam", 1: "spam", 4: "ham", 5: "ham"}
    data = write_csv(tmp_path / "docs.csv", ["id", "text", "label"],
                     [[str(i), doc, labels.get(i, "")] for i, doc in enumerate(DOCS)])
    monkeypatch.setattr(sys, "stdin", io.StringIO("spam\nham\n"))
    code = cli.main(["label", str(data), "--label-column", "label", "--text-column", "text",
                     "--strategy", strategy, "--budget", "2", "--batch-size", "1",
                     "--random-state", "0"])
    assert code == 0, capsys.readouterr().err
    X, _ = fits[0]
    assert sp.issparse(X) and X.shape[0] == len(DOCS)  # TF-IDF of every row, no row id
    out = capsys.readouterr().out
    assert "[2/2 · " in out and "Labeled 2 row(s) this session" in out


def test_few_valued_text_columns_are_one_hot_encoded_and_id_columns_named(tmp_path, fits):
    colours = ["red", "green", "blue"]
    data = write_csv(tmp_path / "data.csv", ["id", "colour", "x", "y"],
                     [[str(100 + i), colours[i % 3], f"{v:.2f}",
                       "a" if i < 2 else "b" if i > 9 else ""]
                      for i, v in enumerate(np.linspace(-5, 5, 12))])
    result = run(label_args(data, 1, 1), stdin="a\n")
    assert result.returncode == 0, result.stderr
    assert "One-hot encoding the non-numeric column(s) 'colour' (3 values)." in result.stdout
    assert "column 'id' holds distinct integers, like a row identifier" in result.stderr
    assert "--ignore-column 'id'" in result.stderr
    quiet = run(label_args(data, 0, 1, "--ignore-column", "id"))
    assert quiet.returncode == 0 and "row identifier" not in quiet.stderr
    assert len(read_csv(tmp_path / "data.labeled.csv")) == 12
