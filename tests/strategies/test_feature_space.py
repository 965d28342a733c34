"""Every strategy runs on any input its estimator accepts (the shared ``features`` layer).

A DataFrame with numeric, categorical and free-text columns behind a ColumnTransformer,
and a list of strings behind a TfidfVectorizer: strategies that measure distances or
cluster embed rows with the estimator's own transformer steps (fitted ones once a model
exists, fitted on the pool without labels before that).
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import (
    CoreSet,
    TypiClust,
    available_strategies,
    get_strategy,
)
from skactive.strategies._common import features

pd = pytest.importorskip("pandas")

N = 40
Y = np.repeat([0, 1], N // 2)
WORDS = [["apple", "pear", "plum"], ["car", "bus", "train"]]


def mixed_frame():
    rng = np.random.RandomState(0)
    text = [f"{WORDS[c][i % 3]} {WORDS[c][(i + 1) % 3]} item" for i, c in enumerate(Y)]
    X = pd.DataFrame({
        "num": rng.normal(3.0 * Y, 1.0),
        "cat": np.where(Y == 1, "red", "blue"),
        "text": text,
    }, index=np.arange(100, 100 + N))
    ct = ColumnTransformer([
        ("num", StandardScaler(), ["num"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["cat"]),
        ("text", TfidfVectorizer(), "text"),
    ])
    return X, make_pipeline(ct, LogisticRegression(max_iter=1000))


def documents():
    docs = [f"{WORDS[c][i % 3]} and {WORDS[c][(i + 2) % 3]} number {i}" for i, c in enumerate(Y)]
    return docs, make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


DATASETS = {"mixed_frame": mixed_frame, "documents": documents}
SMALL = {"n_candidates": 8, "n_eval": 10}  # keeps expected error reduction quick


def _strategy(name):
    strategy = get_strategy(name)
    if name == "expected_error_reduction":
        strategy.set_params(**SMALL)
    return strategy.set_params(random_state=0)


def _labeled(per_class):
    rows = np.concatenate([np.flatnonzero(Y == c)[:per_class] for c in (0, 1)])
    return rows


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("name", available_strategies())
def test_every_strategy_selects_with_a_fitted_pipeline(name, dataset):
    X, pipe = DATASETS[dataset]()
    labeled = _labeled(2)
    X_lab = X.iloc[labeled] if hasattr(X, "iloc") else [X[i] for i in labeled]
    model = clone(pipe).fit(X_lab, Y[labeled])
    candidates = np.ones(N, dtype=bool)
    candidates[labeled] = False
    indices, scores = _strategy(name).select(
        model, X, 3, candidates=candidates, X_labeled=X_lab, y_labeled=Y[labeled],
        unfitted_estimator=clone(pipe),
    )
    assert len(set(indices.tolist())) == 3 and candidates[indices].all()
    assert np.asarray(scores).shape == (3,)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize(
    "name", [n for n in available_strategies()
             if n != "random" and not get_strategy(n).requires_model])
def test_model_free_strategies_embed_the_cold_start_with_the_unfitted_steps(name, dataset):
    X, pipe = DATASETS[dataset]()
    strategy = _strategy(name)
    with pytest.raises(ValueError, match=f"{type(strategy).__name__}.*numeric features"):
        strategy.select(None, X, 2)
    indices, _ = strategy.select(None, X, 2, unfitted_estimator=clone(pipe))
    assert len(set(indices.tolist())) == 2
    if hasattr(strategy, "cold_start_transformer_"):
        # Fitted once per fit (per fresh clone), then reused.
        fitted = strategy.cold_start_transformer_
        strategy.select(None, X, 2, unfitted_estimator=clone(pipe))
        assert strategy.cold_start_transformer_ is fitted
        assert "cold_start_transformer_" not in clone(strategy).__dict__


def test_cold_start_features_come_from_the_transformer_steps_fitted_without_labels():
    docs = ["apple pear", "apple pear", "car bus", "car bus", "car train"]
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    F = features(pipe, docs, fitted=False)
    assert F.shape == (5, 5)  # the vocabulary of the pool, no labels needed
    # Two identical documents per topic: TypiClust's first two picks cover both topics.
    indices, _ = TypiClust(random_state=0).select(None, docs, 2, unfitted_estimator=pipe)
    assert sorted(i >= 2 for i in indices.tolist()) == [False, True]
    # Without transformer steps there is nothing to fit: X itself, which must be numeric.
    np.testing.assert_array_equal(features(LogisticRegression(), [[1, 2]], fitted=False),
                                  [[1.0, 2.0]])


def test_a_fitted_model_is_embedded_by_its_fitted_steps_not_the_unfitted_ones():
    X = np.array([[0.0, 0.0], [0.0, 10.0], [1.0, 0.0], [0.0, 3.0]])
    # The fitted pipeline keeps only the first column: row 2 is farthest from row 0.
    from sklearn.preprocessing import FunctionTransformer

    first = FunctionTransformer(lambda Z: np.asarray(Z)[:, :1])
    model = make_pipeline(first, LogisticRegression()).fit(X[:3], [0, 1, 1])
    indices, _ = CoreSet().select(model, X, 1, candidates=np.arange(4) > 0,
                                  X_labeled=X[:1], unfitted_estimator=LogisticRegression())
    assert indices.tolist() == [2]


def _fit(name, dataset, per_class):
    X, pipe = DATASETS[dataset]()
    y = np.full(N, -1)
    if per_class:
        y[_labeled(per_class)] = Y[_labeled(per_class)]
    strategy = _strategy(name)
    clf = ActiveLearningClassifier(pipe, oracle=SimulatedOracle(X, Y), query_strategy=strategy,
                                   budget=6, batch_size=3, random_state=0)
    return clf.fit(X, y)


def _cases():
    for dataset in sorted(DATASETS):
        for name in available_strategies():
            for per_class in (0, 2):
                yield pytest.param(name, dataset, per_class,
                                   id=f"{dataset}-{name}-start{per_class}")


@pytest.mark.parametrize("name, dataset, per_class", list(_cases()))
def test_every_name_runs_end_to_end_in_the_classifier(name, dataset, per_class):
    clf = _fit(name, dataset, per_class)
    assert clf.n_queries_ == 6
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(set(asked.tolist())) == 6


def test_a_new_pool_of_the_same_size_refits_the_cold_start_steps():
    rng = np.random.RandomState(0)
    first, second = rng.randn(60, 2), 50.0 + 10.0 * rng.randn(60, 2)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    strategy = TypiClust(random_state=0)
    strategy.select(None, first, 2, unfitted_estimator=clone(pipe))
    strategy.select(None, second, 2, unfitted_estimator=clone(pipe))
    scaler = strategy.cold_start_transformer_[0]
    np.testing.assert_allclose(scaler.mean_, second.mean(axis=0))
