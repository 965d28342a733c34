"""Query by committee: ask where a committee of classifiers disagrees most."""


import numbers

import numpy as np
from joblib import Parallel, delayed
from scipy.special import xlogy
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..utils._indexing import num_rows, take_rows
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ._base import QueryStrategy

__all__ = ["QueryByCommittee", "committee_disagreement"]

DISAGREEMENTS = ("vote_entropy", "consensus_entropy", "kl_divergence")


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _bootstrap(codes, n_classes, rng):
    """Bootstrap positions of ``codes`` holding every class at least once.

    A plain bootstrap of a small labeled set often misses a class, and a member fitted
    without it cannot vote for it; each missing class replaces one duplicated draw.
    """
    size = codes.shape[0]
    idx = rng.randint(0, size, size=size)
    for k in np.setdiff1d(np.arange(n_classes), codes[idx]):
        counts = np.bincount(codes[idx], minlength=n_classes)
        slot = rng.choice(np.flatnonzero(counts[codes[idx]] > 1))
        idx[slot] = rng.choice(np.flatnonzero(codes == k))
    return idx


def _fit_member(estimator, X, y, idx, seed):
    member = clone(estimator)
    if seed is not None:
        # Like BaggingClassifier: every member gets its own seed, drawn from ours.
        member.set_params(**{
            key: seed for key in member.get_params(deep=True)
            if key == "random_state" or key.endswith("__random_state")
        })
    return member.fit(X if idx is None else take_rows(X, idx), y if idx is None else y[idx])


def _aligned_proba(member, X, classes):
    if not hasattr(member, "predict_proba"):
        raise ValueError(
            f"Committee member {member!r} has no predict_proba; the 'consensus_entropy' and "
            "'kl_divergence' disagreements need probabilities ('vote_entropy' only needs "
            "predict)."
        )
    proba = np.asarray(member.predict_proba(X), dtype=np.float64)
    if len(member.classes_) == len(classes):
        return proba
    out = np.zeros((proba.shape[0], len(classes)))
    out[:, np.searchsorted(classes, member.classes_)] = proba
    return out


def _entropy(proba):
    # 0.0 - x rather than -x: a certain row scores 0.0, not -0.0.
    return 0.0 - xlogy(proba, proba) @ np.ones(proba.shape[1])


def committee_disagreement(committee, X, disagreement="vote_entropy", classes=None):
    """Disagreement of fitted classifiers on each row of ``X`` (higher = more disagreement).

    Parameters
    ----------
    committee : list of fitted classifiers
        Each needs ``classes_`` and ``predict`` (``predict_proba`` for the
        probability-based measures).
    X : {array-like, sparse matrix, DataFrame, list of str}
        Rows to score.
    disagreement : {"vote_entropy", "consensus_entropy", "kl_divergence"}
        ``vote_entropy``: entropy of the members' hard votes, ``-sum_c V(c)/C log
        (V(c)/C)``; ``consensus_entropy``: entropy of the mean predicted
        distribution; ``kl_divergence``: mean Kullback-Leibler divergence of each
        member's distribution from that mean. All in nats.
    classes : ndarray, default=None
        Sorted union of the members' classes (computed when None). Columns of
        members that saw fewer classes are aligned to it, missing classes getting 0.

    Returns
    -------
    scores : ndarray of shape (n_rows,)

    References
    ----------
    Dagan, I. & Engelson, S. P. (1995). Committee-based sampling for training
    probabilistic classifiers. ICML.

    McCallum, A. & Nigam, K. (1998). Employing EM and pool-based active learning for
    text classification. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skactive.strategies import committee_disagreement
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> a = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    >>> b = DecisionTreeClassifier().fit(X, [0, 1, 1, 1])
    >>> committee_disagreement([a, b], X).round(3).tolist()
    [0.0, 0.693, 0.0, 0.0]
    """
    if disagreement not in DISAGREEMENTS:
        raise ValueError(
            f"The 'disagreement' parameter must be one of {DISAGREEMENTS}. "
            f"Got {disagreement!r} instead."
        )
    if classes is None:
        classes = np.unique(np.concatenate([np.asarray(m.classes_) for m in committee]))
    n_rows, n_members = num_rows(X), len(committee)
    if disagreement == "vote_entropy":
        codes = np.stack([np.searchsorted(classes, m.predict(X)) for m in committee], axis=1)
        # Votes per (row, class) with one bincount over flat (row, class) positions.
        flat = (np.arange(n_rows)[:, None] * len(classes) + codes).ravel()
        votes = np.bincount(flat, minlength=n_rows * len(classes)).reshape(n_rows, -1)
        share = votes / n_members
        return _entropy(share)
    probas = [_aligned_proba(m, X, classes) for m in committee]
    consensus = sum(probas) / n_members
    if disagreement == "consensus_entropy":
        return _entropy(consensus)
    # p_m > 0 implies consensus > 0, so the 0 log 0 = 0 convention of xlogy is exact.
    kl = sum((xlogy(p, p) - xlogy(p, consensus)) @ np.ones(len(classes)) for p in probas)
    return np.maximum(kl / n_members, 0.0)


class QueryByCommittee(QueryStrategy):
    """Query the rows on which a committee of classifiers disagrees most.

    By default the committee is built like bagging (query by bagging, Abe &
    Mamitsuka 1998): ``n_members`` clones of the current model, each fitted on a
    bootstrap sample of the labeled rows. Each bootstrap sample is repaired to hold
    every labeled class (one duplicated draw is swapped for a row of each missing
    class), so every member can vote for every class; each clone gets its own
    ``random_state`` drawn from this strategy's generator, as ``BaggingClassifier``
    does. The committee is fitted once per query, in parallel with ``n_jobs``; the pool
    is then scored in chunks.

    Parameters
    ----------
    estimators : list of classifiers, default=None
        A fixed committee instead of the bootstrap one. Fitted members are used as is;
        unfitted ones are cloned and fitted on the labeled rows. Columns of members that
        know fewer classes are aligned to the union of the members' classes.
    n_members : int, default=5
        Size of the bootstrap committee (ignored when ``estimators`` is given).
    disagreement : {"vote_entropy", "consensus_entropy", "kl_divergence"}, \
            default="vote_entropy"
        How disagreement is measured; see :func:`committee_disagreement`.
        ``"vote_entropy"`` needs only ``predict`` (Dagan & Engelson 1995);
        ``"consensus_entropy"`` is the entropy of the averaged ``predict_proba``;
        ``"kl_divergence"`` is the mean KL divergence of each member from the
        consensus (McCallum & Nigam 1998), which, unlike consensus entropy, is zero
        where all members agree on an uncertain prediction.
    random_state : int, RandomState or None, default=None
        Seeds the bootstrap samples, the members and tie-breaking. ``None`` uses the
        generator of the calling ``ActiveLearningClassifier``.
    n_jobs : int, default=None
        Members fitted in parallel through joblib (``None``: the ``n_jobs`` of the
        calling classifier).

    Notes
    -----
    The labeled rows are needed to fit the committee; ``ActiveLearningClassifier.fit``
    passes them. Without them (e.g. ``ActiveLearningClassifier.query``), only a
    committee of already fitted ``estimators`` works.

    References
    ----------
    Seung, H. S., Opper, M. & Sompolinsky, H. (1992). Query by committee. COLT.

    Dagan, I. & Engelson, S. P. (1995). Committee-based sampling for training
    probabilistic classifiers. ICML.

    McCallum, A. & Nigam, K. (1998). Employing EM and pool-based active learning for
    text classification. ICML.

    Abe, N. & Mamitsuka, H. (1998). Query learning strategies using boosting and
    bagging. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import QueryByCommittee
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 2))
    >>> labeled = np.arange(10)
    >>> y = (X[labeled, 0] > 0).astype(int)
    >>> model = LogisticRegression().fit(X[labeled], y)
    >>> qbc = QueryByCommittee(n_members=4, random_state=0)
    >>> pool = np.ones(60, dtype=bool)
    >>> pool[labeled] = False
    >>> idx, scores = qbc.select(model, X, 3, candidates=pool,
    ...                          X_labeled=X[labeled], y_labeled=y)
    >>> len(set(idx.tolist())), bool(pool[idx].all())
    (3, True)
    """

    _parameter_constraints = {
        "estimators": [list, tuple, None],
        "n_members": [Interval(numbers.Integral, 2, None, closed="left")],
        "disagreement": [StrOptions(DISAGREEMENTS)],
        "random_state": ["random_state"],
        "n_jobs": [Interval(numbers.Integral, None, None, closed="neither"), None],
    }

    def __init__(
        self,
        estimators=None,
        n_members=5,
        disagreement="vote_entropy",
        random_state=None,
        n_jobs=None,
    ):
        self.estimators = estimators
        self.n_members = n_members
        self.disagreement = disagreement
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _validate_params(self):
        super()._validate_params()
        members = HasMethods(["fit", "predict"])
        if self.estimators is not None and (
            len(self.estimators) == 0 or not all(members.is_satisfied_by(e)
                                                 for e in self.estimators)):
            raise ValueError(
                f"The 'estimators' parameter of {type(self).__name__} must be None or a "
                f"non-empty list of classifiers. Got {self.estimators!r} instead."
            )

    def fit_committee(self, estimator, X_labeled, y_labeled, *, random_state=None, n_jobs=None):
        """Fit the committee on the labeled rows.

        Parameters
        ----------
        estimator : classifier
            Template of the bootstrap members (ignored when ``estimators`` is set).
        X_labeled, y_labeled : array-like or None
            The labeled rows; may be None only for a committee of fitted ``estimators``.
        random_state : int, RandomState or None
            Used when ``self.random_state`` is None.
        n_jobs : int, default=None
            Used when ``self.n_jobs`` is None.

        Returns
        -------
        committee : list of fitted classifiers
        """
        self._validate_params()
        rng = self._rng(random_state)
        n_jobs = self.n_jobs if self.n_jobs is not None else n_jobs
        if self.estimators is not None:
            unfitted = [i for i, est in enumerate(self.estimators) if not _is_fitted(est)]
            jobs = [(self.estimators[i], None, None) for i in unfitted]
        else:
            unfitted = []
            jobs = None
        if (self.estimators is None or unfitted) and X_labeled is None:
            raise ValueError(
                f"{type(self).__name__} needs the labeled rows (X_labeled, y_labeled) to fit "
                "its committee; pass them to select(), or give already fitted estimators."
            )
        if jobs is None:
            y_labeled = np.asarray(y_labeled)
            classes, codes = np.unique(y_labeled, return_inverse=True)
            max_seed = np.iinfo(np.int32).max
            jobs = [
                (estimator, _bootstrap(codes, len(classes), rng), rng.randint(max_seed))
                for _ in range(self.n_members)
            ]
        if len(jobs) < 2 or n_jobs is None or n_jobs == 1:
            fitted = [_fit_member(est, X_labeled, y_labeled, idx, seed) for est, idx, seed in jobs]
        else:
            fitted = Parallel(n_jobs=n_jobs)(
                delayed(_fit_member)(est, X_labeled, y_labeled, idx, seed)
                for est, idx, seed in jobs
            )
        if self.estimators is None:
            return fitted
        committee = list(self.estimators)
        for i, member in zip(unfitted, fitted, strict=True):
            committee[i] = member
        return committee

    def _scorer(self, estimator, X_pool, rng, context):
        committee = self.fit_committee(
            estimator, context.X_labeled, context.y_labeled, random_state=rng,
            n_jobs=context.n_jobs,
        )
        classes = np.unique(np.concatenate([np.asarray(m.classes_) for m in committee]))

        def score(members, X_rows):
            return committee_disagreement(members, X_rows, self.disagreement, classes)

        return score, committee
