"""Expected error reduction: ask for the label that most lowers the expected future loss."""

import numbers

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs
from scipy.special import xlogy
from sklearn.base import clone

from ..utils._indexing import score_top_n, take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy, top_n
from ._common import predict_proba_or_softmax, uncertainty_scores

__all__ = ["ExpectedErrorReduction"]

LOSSES = ("log_loss", "zero_one")


def _append_row(X, row):
    """``X`` with one more row, in ``X``'s container (only the small labeled set is copied)."""
    if sp.issparse(X):
        return sp.vstack([X, row], format="csr")
    if isinstance(X, np.ndarray):
        return np.concatenate([X, row])
    if hasattr(X, "iloc"):
        import pandas as pd  # X is a DataFrame, so pandas is installed

        return pd.concat([X, row])
    return list(X) + list(row)


def _self_estimated_loss(proba, loss):
    """Loss on unlabeled rows, the model's own posterior standing in for the truth."""
    if loss == "log_loss":
        return float(-(xlogy(proba, proba).sum(axis=1)).mean())
    return float((1.0 - proba.max(axis=1)).mean())


def _expected_losses(estimator, X_labeled, y_labeled, X_cand, proba_cand, classes, X_eval,
                     loss):
    """``sum_c p(c|x) * loss(model refitted with (x, c))`` for each candidate row ``x``."""
    out = np.zeros(proba_cand.shape[0])
    for i in range(proba_cand.shape[0]):
        X_new = _append_row(X_labeled, take_rows(X_cand, [i]))
        for k, label in enumerate(classes):
            if proba_cand[i, k] == 0.0:
                continue  # an impossible answer adds nothing to the expectation
            y_new = np.append(y_labeled, label)
            model = clone(estimator).fit(X_new, y_new)
            out[i] += proba_cand[i, k] * _self_estimated_loss(
                predict_proba_or_softmax(model, X_eval), loss
            )
    return out


def _most_probable(proba, max_classes):
    """``proba`` with all but each row's ``max_classes`` largest entries set to zero,
    renormalised."""
    if max_classes is None or max_classes >= proba.shape[1]:
        return proba
    cut = np.partition(proba, -max_classes, axis=1)[:, [-max_classes]]
    kept = np.where(proba >= cut, proba, 0.0)
    # Ties at the cut may keep more than max_classes entries; they cost a refit each.
    return kept / kept.sum(axis=1, keepdims=True)


class ExpectedErrorReduction(QueryStrategy):
    """Query the rows whose label is expected to reduce the model's future loss most.

    For a candidate row ``x`` and each class ``c``, a clone of the current estimator is
    refitted on the labeled rows plus ``(x, c)``; its loss on an evaluation sample of
    the pool is estimated with its own posterior standing in for the unknown labels
    (Roy & McCallum 2001). The score is minus the expectation of that loss under the
    current model's ``p(c | x)``, so higher is better:
    ``score(x) = -sum_c p(c|x) L(D + (x, c))``.

    Cost is one refit per candidate row and considered answer, each followed by a
    prediction on ``n_eval`` rows, so three limits keep a round within about ten times
    the cost of a margin-sampling round (one fit and one pass over the pool):

    - candidates: the ``n_candidates`` pool rows with the smallest margin under the
      current model, on the grounds that a row the model is sure about rarely changes
      it; a batch larger than ``n_candidates`` is completed with the next most
      uncertain rows, in margin order, scored below every evaluated row;
    - answers: for each candidate only its ``max_classes`` most probable classes are
      tried, their probabilities renormalised (the others rarely move the expectation);
    - evaluation rows: ``n_eval`` rows drawn uniformly from the pool.

    A batch is the best single rows (each scored as if queried alone). Refits run in
    parallel with the ``n_jobs`` of the calling classifier.

    Parameters
    ----------
    loss : {"log_loss", "zero_one"}, default="log_loss"
        ``"log_loss"``: mean entropy of the refitted posterior on the evaluation rows;
        ``"zero_one"``: mean ``1 - max_c p(c|x)`` (expected error rate).
    n_candidates : int, default=3
        Most uncertain pool rows evaluated per query (the defaults were 100 candidates,
        every class and 500 evaluation rows: about 700 times a margin round with ten
        classes).
    max_classes : int or None, default=2
        Answers tried per candidate: its most probable classes. ``None`` tries every
        class.
    n_eval : int, default=200
        Pool rows the loss is measured on.
    random_state : int, RandomState or None, default=None
        Draws the evaluation rows and breaks ties. ``None`` uses the generator of the
        calling ``ActiveLearningClassifier``.

    Notes
    -----
    Needs the labeled rows (``ActiveLearningClassifier.fit`` passes them to
    :meth:`select`) and an estimator whose fit is deterministic enough for loss
    differences to mean something (seed it with ``random_state``).

    References
    ----------
    Roy, N. & McCallum, A. (2001). Toward optimal active learning through sampling
    estimation of error reduction. ICML, pp. 441-448.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import ExpectedErrorReduction
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 2))
    >>> y = (X[:6, 0] > 0).astype(int)
    >>> model = LogisticRegression().fit(X[:6], y)
    >>> pool = np.arange(40) >= 6
    >>> eer = ExpectedErrorReduction(n_candidates=10, n_eval=20, random_state=0)
    >>> idx, scores = eer.select(model, X, 2, candidates=pool, X_labeled=X[:6], y_labeled=y)
    >>> len(idx), bool(pool[idx].all()), bool((scores <= 0).all())
    (2, True, True)
    """

    _parameter_constraints = {
        "loss": [StrOptions(LOSSES)],
        "n_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_classes": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_eval": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, loss="log_loss", n_candidates=3, n_eval=200, max_classes=2,
                 random_state=None):
        self.loss = loss
        self.n_candidates = n_candidates
        self.n_eval = n_eval
        self.max_classes = max_classes
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, rows, n, rng, context):
        X_labeled, y_labeled = context.X_labeled, context.y_labeled
        if X_labeled is None or y_labeled is None:
            raise ValueError(
                f"{type(self).__name__} needs the labeled rows (X_labeled, y_labeled) to "
                "refit the model; pass them to select()."
            )
        n_cand = min(rows.shape[0], self.n_candidates)
        fill = np.empty(0, dtype=np.intp)
        if max(n_cand, n) < rows.shape[0] or n_cand < n:
            # Chunked top-n: the same rows as top_n on the whole margin vector, in
            # O(chunk) memory.
            ranked, _ = score_top_n(
                lambda est, X: uncertainty_scores(predict_proba_or_softmax(est, X), "margin"),
                estimator, X_pool, context.candidates, max(n_cand, n), rng,
                chunk_rows=context.chunk_rows, n_jobs=context.n_jobs,
            )
            subset, fill = np.sort(ranked[:n_cand]), ranked[n_cand:]
        else:
            subset = rows
        eval_rows = rows
        if rows.shape[0] > self.n_eval:
            eval_rows = np.sort(rng.choice(rows, size=self.n_eval, replace=False))
        scores = -self._expected_losses(estimator, X_pool, subset, eval_rows, X_labeled,
                                        np.asarray(y_labeled), context.n_jobs)
        best = top_n(scores, min(n, subset.shape[0]), rng)
        fill = fill[: n - best.shape[0]]
        # Rows not evaluated come after every evaluated one, in margin order.
        fill_scores = scores[best].min() - 1.0 - np.arange(fill.shape[0])
        return (np.concatenate([subset[best], fill]),
                np.concatenate([scores[best], fill_scores]))

    def _expected_losses(self, estimator, X_pool, subset, eval_rows, X_labeled, y_labeled,
                         n_jobs):
        """Expected loss after labeling each row of ``subset``, refits run in parallel."""
        X_eval = take_rows(X_pool, eval_rows)
        X_cand = take_rows(X_pool, subset)
        proba = _most_probable(predict_proba_or_softmax(estimator, X_cand), self.max_classes)
        workers = 1 if n_jobs is None else min(effective_n_jobs(n_jobs), subset.shape[0])
        parts = np.array_split(np.arange(subset.shape[0]), workers)
        tasks = [
            (estimator, X_labeled, y_labeled, take_rows(X_cand, part), proba[part],
             estimator.classes_, X_eval, self.loss)
            for part in parts
        ]
        if workers == 1:
            losses = [_expected_losses(*task) for task in tasks]
        else:
            losses = Parallel(n_jobs=n_jobs)(delayed(_expected_losses)(*t) for t in tasks)
        return np.concatenate(losses)
