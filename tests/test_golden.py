"""Golden file: the rows every named strategy (and every refit mode) asks for.

The file ``golden/queries.json`` was recorded before the loop and the strategies were
restructured; the restructuring must not change a single query. Regenerate it only for a
deliberate change of behaviour (``python tests/test_golden.py``), and say why in the
commit message.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import available_strategies

GOLDEN = Path(__file__).parent / "golden" / "queries.json"


def _datasets():
    X_bin, y_bin = make_classification(n_samples=120, n_features=5, n_informative=3,
                                       random_state=0)
    X_iris, y_iris = load_iris(return_X_y=True)
    X_dig, y_dig = load_digits(return_X_y=True)
    return {
        "binary": (X_bin, y_bin),
        "iris": (X_iris, y_iris),
        "digits": (X_dig[:200] / 16.0, y_dig[:200]),
    }


def _partial(y, per_class, seed):
    rng = np.random.RandomState(seed)
    y_partial = np.full_like(y, -1)
    for c in np.unique(y):
        rows = rng.choice(np.flatnonzero(y == c), per_class, replace=False)
        y_partial[rows] = c
    return y_partial


def _scenarios():
    for strategy in available_strategies():
        for start in (0, 2):
            yield f"{strategy}-start{start}", {"query_strategy": strategy}, start
    yield "refit-warm_start", {"refit": "warm_start"}, 2
    sgd = SGDClassifier(loss="log_loss", random_state=0)
    yield "refit-partial_fit", {"refit": "partial_fit", "estimator": sgd}, 2


def _run(dataset, params, start):
    X, y = _datasets()[dataset]
    params = {"estimator": LogisticRegression(max_iter=1000), **params}
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y), budget=6, batch_size=2,
                                   random_state=0, **params)
    clf.fit(X, _partial(y, start, seed=1) if start else np.full_like(y, -1))
    return [h["query_indices"].tolist() for h in clf.history_[1:]]


def _cases():
    return [(d, name, params, start) for d in _datasets() for name, params, start in
            _scenarios()]


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text())


@pytest.mark.parametrize("dataset,name,params,start",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in _cases()])
def test_queries_match_golden_file(golden, dataset, name, params, start):
    assert _run(dataset, params, start) == golden[f"{dataset}/{name}"]


if __name__ == "__main__":
    out = {f"{d}/{name}": _run(d, params, start) for d, name, params, start in _cases()}
    GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out)} scenarios to {GOLDEN}", file=sys.stderr)
