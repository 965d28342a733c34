"""The ``"explore_then_exploit"`` strategy: explore typical rows while the model gets
them wrong, then switch to an uncertainty-and-diversity strategy (Falcun)."""

import numbers

import numpy as np
from sklearn.base import clone

from ..utils._indexing import num_rows, take_rows
from ..utils._param_validation import Interval
from ._base import QueryStrategy
from ._cold_start import MAX_CLUSTERS, _cluster, _pick_uncovered, _subsample, typicality

__all__ = ["ExploreThenExploit"]

# Rows clustered once per fit: k-means and typicality then cost O(1) in the pool size.
MAX_AUTO_CLUSTER_ROWS = 5_000


class _Clusters:
    """The pool clustered once per fit, with the typicality of every clustered row."""

    def __init__(self, embed, X_pool, positions, n_clusters, k_neighbors, rng):
        self.embed = embed
        self.positions = _subsample(positions, rng, MAX_AUTO_CLUSTER_ROWS)
        Z = embed(take_rows(X_pool, self.positions))
        k = max(1, min(int(n_clusters), self.positions.shape[0], MAX_CLUSTERS))
        self.km = _cluster(Z, k, rng)
        self.labels = self.km.labels_
        self.typicality = np.empty(self.positions.shape[0])
        for c in range(k):
            members = np.flatnonzero(self.labels == c)
            if members.shape[0]:
                self.typicality[members] = typicality(Z[members], k_neighbors)
        self.tiebreak = rng.random_sample(self.positions.shape[0])

    def coverage(self, X_labeled):
        """Labeled rows per cluster."""
        k = self.km.n_clusters
        if X_labeled is None or num_rows(X_labeled) == 0:
            return np.zeros(k, dtype=np.intp)
        return np.bincount(self.km.predict(self.embed(X_labeled)), minlength=k)

    def pick(self, n, candidates, coverage):
        """TypiClust's rule on the cached clusters: the most typical candidate row of the
        largest cluster among the least covered ones, one cluster at a time."""
        alive = np.ones(self.positions.shape[0], dtype=bool)
        if candidates is not None:
            alive = candidates[self.positions]
        idx = np.flatnonzero(alive)

        def most_typical(members):
            rows = idx[members]
            order = np.lexsort((self.tiebreak[rows], -self.typicality[rows]))
            return [(self.positions[rows[i]], self.typicality[rows[i]]) for i in order]

        return _pick_uncovered(self.labels[idx], coverage, n, most_typical)


class ExploreThenExploit(QueryStrategy):
    """Label typical rows of uncovered clusters while the model gets them wrong, then
    follow another strategy (the ``"explore_then_exploit"`` strategy; ``"auto"`` until
    :class:`UncertaintyHerding` measured better).

    Few labels call for representative rows, more labels for uncertain ones (Hacohen et
    al. 2022); where the switch lies depends on the data, and this strategy measures it
    from the answers of the current fit. The pool (or a random 5 000 of its rows) is
    clustered once per fit, in the feature space of the estimator's transformer steps
    fitted on the pool (at most 100 000 of its rows), and the typicality of every row
    is computed once (a direct ``select`` call with another pool, even of the same
    size, clusters it and starts exploring afresh). Each round it *explores* as
    :class:`TypiClust` does on those clusters (the most typical row of the largest
    cluster with the fewest labels) and records what the current model predicts for
    the picked rows. When their labels arrive, the model's error on the last
    ``window`` explored rows is measured: typical rows the model gets wrong show
    regions it has not learned, so exploring goes on.
    It switches to ``exploit`` for the rest of the fit as soon as

    - that error is at most ``switch_error`` (the model has the coarse structure), or
    - the model, fitted on the labeled rows, gets more than ``max_training_error`` of
      them wrong when explored answers arrive (it cannot fit the classes it has seen,
      so typical rows of regions it has not seen will not teach it more), or
    - the labeled rows reach ``max_per_class`` per labeled class, or every cluster
      holds a label.

    An error that does not fall from one window to the next does not end exploring: on
    a window of a few rows that is noise (on digits drawn as 28x28 images, where
    exploring pays up to 5 labels per class, 10-row windows go 0.6, 0.8, 0.4, 0.6).
    When the cap ends exploring with more than two classes labeled, the model still gets
    typical rows wrong. If it also fits every labeled row, it has few labels for what the
    data holds, and rows unlike the labeled ones pay more than the most uncertain ones:
    it then follows ``exploit_after_cap`` (:class:`RankedBatch`: uncertainty weighed
    against similarity to the labeled rows) instead of ``exploit``. A model that misfits
    some of its labels may be wrong for the data, where distance-based diversity picks
    from the tails of the pool; ``exploit`` follows.

    A round costs what the ``exploit`` strategy costs, plus the one clustering per fit
    and, while exploring, one ``predict`` of the labeled rows (1.8x-2.4x a margin round
    at a 1 000- and 10 000-row pool, ``benchmarks/bench_round_cost.py``).

    On the 86 datasets of ``benchmarks/label_efficiency.py`` (LogisticRegression, 10
    seeds) it gains +0.0208 AULC over random sampling on average, against +0.0141 for
    margin and +0.0159 for Falcun alone, and loses to random by at most 0.008. On the
    digits drawn as 28x28 images it gains +0.027 (margin +0.006, TypiClust +0.019).
    :class:`UncertaintyHerding` (``"auto"``) gains more on average (+0.0306) but loses
    more where it loses (up to 0.030; 2 of 140 sets below -0.01): this strategy lost at
    most 0.022 on the 122 sets it was run on, the choice when the worst case matters
    more than the mean. On the 27 sets of the fifteenth to seventeenth parts it gains
    +0.0186 (``"auto"`` before its squared weight +0.0223), with 3 sets below -0.01
    (``"auto"`` 2; ``benchmarks/README.md``, item 21). It trails margin on
    small, easy sets, where the labels spent exploring are missed (iris: +0.019 against
    +0.040; ``benchmarks/README.md``).

    Parameters
    ----------
    exploit : str or QueryStrategy, default="falcun"
        The strategy followed after the switch (a name from
        :func:`available_strategies` or an instance; cloned).
    exploit_after_cap : str, QueryStrategy or None, default="ranked_batch"
        The strategy followed instead when ``max_per_class`` ends exploring with more
        than two classes labeled and a model that fits every labeled row (cloned;
        ``None``: ``exploit``). On binary labels the cap ends exploring at 10 labels,
        where one boundary is all there is to learn, and ``exploit`` follows.
    n_clusters : int, default=None
        Clusters of the pool. ``None`` uses ``n_labeled + 10 * n`` at the first call
        (about the first half of a 20-round budget), at most 500.
    switch_error : float in [0, 1), default=0.2
        Switch once the model's error on the last ``window`` explored rows, predicted
        before their labels arrived, is at most this.
    window : int, default=None
        Explored rows the error is measured on. ``None`` uses the larger of the
        number of labeled classes and the batch size.
    max_training_error : float in [0, 1), default=0.25
        Switch once the model gets more than this share of its own labeled rows wrong
        (checked each round whose explored answers have arrived; ``None``: never). A
        weak model for many classes (a linear model on 42 US states from latitude and
        longitude) or heavy label noise trips it; a model that fits its labels does not.
    max_per_class : float, default=5
        Stop exploring once there are this many labeled rows per labeled class
        (``None``: no limit).
    k_neighbors : int, default=20
        Neighbours used for typicality.
    random_state : int, RandomState or None, default=None
        Seeds the clustering and breaks ties. ``None`` uses the generator of the
        calling ``ActiveLearningClassifier``.

    Attributes
    ----------
    exploring_ : bool
        Whether the last call explored.
    switched_at_ : int or None
        Labeled rows when the strategy switched to ``exploit`` (None: not yet).
    switch_reason_ : str or None
        Why it switched: ``"typical_rows_right"``, ``"training_error"``,
        ``"max_per_class"``, ``"covered"`` (every cluster labeled) or ``"used_up"`` (no
        clustered candidate left); None while exploring.
    errors_ : list of float
        The error on the window after each round whose answers were measured.
    exploit_strategy_ : QueryStrategy
        The strategy followed after the switch (a clone of ``exploit``, or of
        ``exploit_after_cap`` after a switch by the cap on more than two classes with
        every labeled row fitted).

    References
    ----------
    Hacohen, G., Dekel, A. & Weinshall, D. (2022). Active learning on a budget: opposite
    strategies suit high and low budgets. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.oracles import SimulatedOracle
    >>> X, y_true = make_blobs(n_samples=300, centers=3, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> y[[0, 1, 2, 3, 4, 5]] = y_true[[0, 1, 2, 3, 4, 5]]
    >>> clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true),
    ...                                query_strategy="explore_then_exploit", budget=30,
    ...                                batch_size=5,
    ...                                random_state=0).fit(X, y)
    >>> clf.query_strategy_.switched_at_ is not None
    True
    """

    _parameter_constraints = {
        "exploit": [str, QueryStrategy],
        "exploit_after_cap": [str, QueryStrategy, None],
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "switch_error": [Interval(numbers.Real, 0, 1, closed="left")],
        "window": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "max_training_error": [Interval(numbers.Real, 0, 1, closed="left"), None],
        "max_per_class": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, exploit="falcun", *, exploit_after_cap="ranked_batch", n_clusters=None,
                 switch_error=0.2, window=None, max_training_error=0.25, max_per_class=5,
                 k_neighbors=20, random_state=None):
        self.exploit = exploit
        self.exploit_after_cap = exploit_after_cap
        self.max_training_error = max_training_error
        self.max_per_class = max_per_class
        self.n_clusters = n_clusters
        self.switch_error = switch_error
        self.window = window
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def _exploit_strategy(self):
        strategy = getattr(self, "exploit_strategy_", None)
        if strategy is None:
            strategy = self.exploit_strategy_ = _fresh_strategy(self.exploit, "exploit")
        return strategy

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        # Another pool (even of the same size) starts a new exploration on its clusters;
        # query() on new rows (no candidates) leaves the fit's state alone.
        new_pool = (context.candidates is not None
                    and self._pool_changed(X_pool, "_pool_token"))
        if getattr(self, "clusters_", None) is None or new_pool:
            if context.candidates is None:  # query() on new rows: no fit to learn from
                return self._exploit(estimator, X_pool, n, rng, context)
            k = self.n_clusters or context.n_labeled + 10 * n
            embed = self._embedding(None, X_pool, context)
            self.clusters_ = _Clusters(embed, X_pool, positions, k, self.k_neighbors, rng)
            self.exploring_, self.switched_at_, self.errors_ = True, None, []
            self.switch_reason_ = None
            self._pending, self._mistakes, self._training_error = None, [], None
        if self.exploring_ and self._pending is not None:  # explored answers arrived
            if self._cannot_fit(estimator, context):
                self._switch(context, "training_error")
            else:
                self._measure(context)
        if self.exploring_:
            coverage = self.clusters_.coverage(context.X_labeled)
            if coverage.min() > 0:
                self._switch(context, "covered")
            elif self._enough_per_class(context):
                self._switch(context, "max_per_class")
        if not self.exploring_ or context.candidates is None:
            return self._exploit(estimator, X_pool, n, rng, context)
        rows, scores = self.clusters_.pick(n, context.candidates, coverage)
        if rows.shape[0] < n:  # the clustered subsample is used up
            self._switch(context, "used_up")
            return self._exploit(estimator, X_pool, n, rng, context)
        self._pending = (rows, estimator.predict(take_rows(X_pool, rows)), context.n_labeled)
        return rows, scores

    def _exploit(self, estimator, X_pool, n, rng, context):
        return self._exploit_strategy().select(estimator, X_pool, n, random_state=rng,
                                               **context.kwargs())

    def _measure(self, context):
        """Compare the last explored rows' answers with what the model predicted
        (called when they have arrived)."""
        if context.y_labeled is None:
            return
        rows, predicted, n_before = self._pending
        self._pending = None
        grown = context.n_labeled - n_before
        if grown != rows.shape[0]:
            return  # skipped rows: which answer belongs to which row is unknown
        answers = np.asarray(context.y_labeled)[-grown:]
        self._mistakes.extend((np.asarray(predicted) != answers).tolist())
        window = self.window or max(_n_classes(context), rows.shape[0])
        if len(self._mistakes) < window:
            return
        error = float(np.mean(self._mistakes[-window:]))
        self.errors_.append(error)
        # Done when the model gets typical rows right. A window no better than the one
        # before is not a reason: on a few rows that is noise (label noise and models
        # that cannot fit the classes are caught by the training error and the cap).
        if error <= self.switch_error:
            self._switch(context, "typical_rows_right")

    def _enough_per_class(self, context):
        if self.max_per_class is None or context.y_labeled is None:
            return False
        return context.n_labeled >= self.max_per_class * _n_classes(context)

    def _cannot_fit(self, estimator, context):
        """Whether the model gets more than ``max_training_error`` of the labeled rows
        it was fitted on wrong (the share is kept for the choice after the cap)."""
        if context.y_labeled is None:
            return False
        wrong = np.asarray(estimator.predict(context.X_labeled)) != np.asarray(context.y_labeled)
        self._training_error = float(np.mean(wrong))
        return (self.max_training_error is not None
                and self._training_error > self.max_training_error)

    def _switch(self, context, reason):
        self.exploring_ = False
        self.switched_at_ = context.n_labeled
        self.switch_reason_ = reason
        # After the cap the model still gets typical rows wrong. If it fits every labeled
        # row and tells more than two classes apart, it lacks labels for what the data
        # holds, and rows unlike the labeled ones teach it most.
        if (reason == "max_per_class" and self.exploit_after_cap is not None
                and _n_classes(context) > 2 and self._training_error == 0):
            self.exploit_strategy_ = _fresh_strategy(self.exploit_after_cap,
                                                     "exploit_after_cap")


def _fresh_strategy(spec, param):
    """A clone of the strategy a parameter names or holds."""
    from . import get_strategy  # the registry imports this module

    return clone(get_strategy(spec, param))


def _n_classes(context):
    """Classes among the labeled rows."""
    return np.unique(np.asarray(context.y_labeled)).shape[0]
