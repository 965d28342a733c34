"""
Seed scenario: least-confident sampling vs random
=================================================

A noisy binary problem (``make_classification`` with 10% label noise), 90 labeled rows,
a budget of 20 queries asked one at a time to a simulated annotator, and the test
accuracy after every query, read off ``staged_score``. Random sampling on the same splits
runs beside it, and both are averaged over several seeds so the comparison is honest.

This is what ``python3 dev.py demo`` (``make demo``, ``skactive demo``) runs. The core of
one run is::

    clf = ActiveLearningClassifier(LogisticRegression(max_iter=1000),
                                   oracle=SimulatedOracle(X_pool, y_pool),
                                   query_strategy="least_confident", budget=20)
    clf.fit(X_pool, y_partial)                 # y_partial: -1 for unlabeled rows
    curve = list(clf.staged_score(X_test, y_test))
"""

# %%
import sys

from skactive._demo import main

if __name__ == "__main__":
    sys.exit(main())
