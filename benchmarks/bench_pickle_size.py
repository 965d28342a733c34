"""Pickled size of a fitted learner with and without its round models.

A RandomForestClassifier (50 trees) labeled over 100 rounds of one row, oracle detached:
``keep_round_models=True`` pickles every round's forest (for ``staged_*``),
``keep_round_models=False`` only the final one::

    python benchmarks/bench_pickle_size.py
"""

import pickle

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle


def main():
    X, y_true = make_classification(n_samples=2000, n_features=10, random_state=0)
    y = np.full_like(y_true, -1)
    y[:10] = y_true[:10]
    print("| keep_round_models | pickled learner | estimator_ alone | rounds |")
    print("| --- | ---: | ---: | ---: |")
    for keep in (True, False):
        clf = ActiveLearningClassifier(
            RandomForestClassifier(n_estimators=50, random_state=0),
            oracle=SimulatedOracle(X, y_true), budget=100, keep_round_models=keep,
            random_state=0,
        ).fit(X, y)
        clf.set_params(oracle=None)
        size, final = len(pickle.dumps(clf)), len(pickle.dumps(clf.estimator_))
        print(f"| {keep} | {size / 1e6:.2f} MB | {final / 1e6:.2f} MB | {clf.n_iter_} |")


if __name__ == "__main__":
    main()
