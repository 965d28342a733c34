"""Active learning by learning: a bandit that picks, each round, which strategy to follow."""

import numbers

import numpy as np

from ..utils._indexing import num_rows, take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy
from ._common import strategies_of
from ._random import RandomSampling

__all__ = ["StrategyBandit"]

REWARDS = ("iwacc", "model_change", "surprise")
# Rows of the pool on which "model_change" compares consecutive models.
_N_PROBE = 2000


def _predictions(estimator, X_rows):
    """What the model said about the rows it queried: probabilities if it has them."""
    if hasattr(estimator, "predict_proba"):
        return np.asarray(estimator.classes_), estimator.predict_proba(X_rows), None
    return None, None, estimator.predict(X_rows)


def _surprise(predictions, labels):
    """``1 - p(y | x)`` of each true label (``1[prediction != y]`` without probabilities)."""
    classes, proba, pred = predictions
    if proba is None:
        return (pred != labels).astype(np.float64)
    col = np.searchsorted(classes, labels).clip(0, classes.shape[0] - 1)
    known = classes[col] == labels
    return 1.0 - np.where(known, proba[np.arange(len(labels)), col], 0.0)


def _fill(picks, slots):
    """Build the batch: slot ``j`` takes the best unused row of arm ``slots[j]``, or of
    the next arm that has one left. Returns rows, their scores and their arm."""
    used, rows, scores, source = set(), [], [], []
    position = [0] * len(picks)
    for slot in slots:
        for k in [slot, *range(len(picks))]:
            idx, sc = picks[k]
            while position[k] < idx.shape[0] and int(idx[position[k]]) in used:
                position[k] += 1
            if position[k] < idx.shape[0]:
                used.add(int(idx[position[k]]))
                rows.append(int(idx[position[k]]))
                scores.append(float(sc[position[k]]))
                source.append(int(k))
                break
    return (np.asarray(rows, dtype=np.intp), np.asarray(scores, dtype=np.float64),
            np.asarray(source, dtype=np.intp))


class _FitState:
    """Bandit state for one ``fit`` of the calling classifier."""

    def __init__(self, arms, rng, probe):
        self.arms = arms
        self.rng = rng
        self.log_weights = np.zeros(len(arms))
        self.probe = probe
        self.probe_pred = None
        self.pending = None  # the last round's action, rewarded at the next call
        self.n_labeled = 0
        # The rows the bandit queried and labeled so far, with importance weights.
        self.rows, self.labels, self.weights = [], [], []
        self.reward_scale = None


class StrategyBandit(QueryStrategy):
    """Learn online which query strategy to follow ("active learning by learning").

    Each round every strategy (arm) proposes its best ``n`` rows; the bandit draws an
    arm with probability ``p_k`` and queries its rows (with ``split_batch=True`` each
    of the ``n`` slots draws its own arm, so one batch mixes the arms). One round later,
    once the labels and the refitted model are known, the round is rewarded and every
    arm is credited with the EXP4.P-style estimate ``mean_x a_k(x) r(x) / q(x)`` over
    the queried rows ``x``, where ``a_k(x)`` is the chance that arm ``k`` proposes
    ``x`` (so arms giving the same advice share the credit) and ``q(x) = sum_j p_j
    a_j(x)``; then ``log w_k <- discount * log w_k + learning_rate * estimate_k`` and
    ``p_k = (1 - exploration) * softmax(log w)_k + exploration / n_arms``.

    Rewards:

    - ``"iwacc"`` (Hsu & Lin 2015): the importance-weighted accuracy of the current
      model on every row the bandit has queried, each weighted by ``1 / q(x)``
      relative to uniform sampling, so rows drawn by chance (a ``"random"`` arm)
      dominate: an estimate of the pool accuracy. It rewards the state of the model
      more than the last step, so it learns slowly over a short budget.
    - ``"surprise"``: per row, ``1 - p(y | x)`` of the true label under the model that
      chose the row (``1[prediction != y]`` without ``predict_proba``): rows the model
      got wrong teach it most. Uncertainty sampling scores about 0.5 per row; typical
      rows of unexplored clusters score near 1 while the model is poor (many classes,
      few labels, noisy labels that mislead a margin-driven model) and near 0 once
      it is good, so the bandit moves from cluster-based to uncertainty sampling as
      labels accumulate. Immediate and per row, it pairs well with ``split_batch``.
    - ``"model_change"``: the fraction of (up to 2000) pool rows whose predicted class
      changed after the last batch was added, divided by twice its running average.

    The defaults are Hsu & Lin's ALBL. With a short budget (a few hundred labels) its
    small learning rate leaves the arm probabilities close to uniform; the
    ``"explore_then_exploit"`` strategy (:class:`ExploreThenExploit`) switches on the
    answers instead, and ``"auto"`` (:class:`UncertaintyHerding`) moves from coverage to
    uncertainty as the model learns.

    The bandit keeps its state (weights, queried rows) between the rounds of one
    ``fit`` in attributes ending with ``_``, created at the first :meth:`select`. A new
    ``fit`` starts from uniform weights because it works on a fresh clone of the
    strategy (``clone(bandit)`` holds no state). Called without
    ``candidates`` (as by ``ActiveLearningClassifier.query``), it follows the arm it
    currently trusts most and learns nothing. Every arm is run every round, so a
    round costs the sum of the arms' query times.

    Parameters
    ----------
    strategies : sequence of str or QueryStrategy, \
            default=("margin", "entropy", "random", "typiclust")
        The arms: names from :func:`available_strategies` or strategy instances
        (cloned at the start of each fit).
    reward : {"iwacc", "surprise", "model_change"}, default="iwacc"
        How a round is rewarded (see above).
    exploration : float in (0, 1], default=0.2
        Probability mass spread uniformly over the arms (EXP4.P's ``K * p_min``).
    learning_rate : float, default=None
        Step of the log-weight update. ``None`` means ``exploration / n_arms``, the
        EXP3/EXP4.P choice.
    discount : float in (0, 1], default=1.0
        Log-weights are multiplied by this each round before the update; below 1 the
        bandit forgets old rewards and can follow a best arm that changes over time.
    split_batch : bool, default=False
        Draw an arm per row of the batch instead of one arm per batch.
    random_state : int, RandomState or None, default=None
        Seeds the draws (and the arms' randomness). ``None`` uses the generator of the
        calling ``ActiveLearningClassifier``.

    Attributes
    ----------
    arm_probabilities_ : ndarray of shape (n_arms,)
        Probabilities used at the last call of :meth:`select`.
    arm_history_ : list of list of str
        For each call of :meth:`select` in the current fit, the arm that supplied each
        queried row, best first (the arm's name in ``strategies``, or its class name).
    arm_counts_ : ndarray of shape (n_arms,)
        Rows supplied by each arm in the current fit.
    state_ : object
        The arms (fresh clones), their log-weights (``state_.log_weights``), the
        generator and the last round's action awaiting its reward.

    References
    ----------
    Hsu, W.-N. & Lin, H.-T. (2015). Active learning by learning. AAAI.

    Beygelzimer, A., Langford, J., Li, L., Reyzin, L. & Schapire, R. (2011). Contextual
    bandit algorithms with supervised learning guarantees. AISTATS. (EXP4.P)

    Baram, Y., El-Yaniv, R. & Luz, K. (2004). Online choice of active learning
    algorithms. JMLR 5.

    Hacohen, G., Dekel, A. & Weinshall, D. (2022). Active learning on a budget: opposite
    strategies suit high and low budgets. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.oracles import SimulatedOracle
    >>> from skactive.strategies import StrategyBandit
    >>> X, y_true = make_classification(n_samples=200, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> y[:6] = y_true[:6]
    >>> bandit = StrategyBandit(("margin", "random"), reward="surprise",
    ...                         split_batch=True, random_state=0)
    >>> clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=12,
    ...                                batch_size=4, query_strategy=bandit,
    ...                                random_state=0).fit(X, y)
    >>> fitted = clf.query_strategy_  # the clone used in fit; ``bandit`` is untouched
    >>> len(fitted.arm_history_), int(fitted.arm_counts_.sum())
    (3, 12)
    >>> float(fitted.arm_probabilities_.sum())
    1.0
    """

    _parameter_constraints = {
        "strategies": [list, tuple],
        "reward": [StrOptions(REWARDS)],
        "exploration": [Interval(numbers.Real, 0, 1, closed="right")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "discount": [Interval(numbers.Real, 0, 1, closed="right")],
        "split_batch": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        strategies=("margin", "entropy", "random", "typiclust"),
        *,
        reward="iwacc",
        exploration=0.2,
        learning_rate=None,
        discount=1.0,
        split_batch=False,
        random_state=None,
    ):
        self.strategies = strategies
        self.reward = reward
        self.exploration = exploration
        self.learning_rate = learning_rate
        self.discount = discount
        self.split_batch = split_batch
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
    def _validate_params(self):
        super()._validate_params()
        strategies_of(self)

    def _fresh_arms(self):
        return strategies_of(self)

    def _arm_name(self, k):
        """The name an arm was given by, else its class name."""
        given = self.strategies[k]
        return given if isinstance(given, str) else type(given).__name__

    def _probabilities(self, log_weights):
        k = log_weights.shape[0]
        w = np.exp(log_weights - log_weights.max())
        return (1.0 - self.exploration) * w / w.sum() + self.exploration / k

    # ------------------------------------------------------------------ rewards
    def _reward(self, state, estimator, X_pool, y_labeled):
        """Reward of each row of the pending batch (or of the whole batch), or None."""
        pending = state.pending
        grown = (0 if y_labeled is None else len(y_labeled)) - state.n_labeled
        if self.reward == "model_change":
            pred = estimator.predict(take_rows(X_pool, state.probe))
            previous, state.probe_pred = state.probe_pred, pred
            if previous is None or grown <= 0:
                return None
            change = float(np.mean(pred != previous))
            # Relative to a running average, so later (smaller) changes still count.
            scale = state.reward_scale
            state.reward_scale = change if scale is None else 0.7 * scale + 0.3 * change
            if scale is None or scale <= 0:
                return None
            return float(np.clip(change / (2.0 * scale), 0.0, 1.0))
        if grown != pending["rows"].shape[0]:
            return None  # skipped rows: which answers belong to which row is unknown
        labels = np.asarray(y_labeled)[-grown:]
        if self.reward == "surprise":
            return _surprise(pending["predictions"], labels)
        state.rows.append(pending["rows"])
        state.labels.append(labels)
        state.weights.append(pending["weights"])
        rows = np.concatenate(state.rows)
        correct = estimator.predict(take_rows(X_pool, rows)) == np.concatenate(state.labels)
        weights = np.concatenate(state.weights)
        return float(np.dot(weights, correct) / weights.sum())

    def _update(self, state, reward):
        """EXP4-style: arm k's reward estimate is ``mean_x a_k(x) r(x) / q(x)`` over the
        queried rows ``x``, ``a_k(x)`` being the chance arm k proposes x and ``q(x)`` the
        chance the bandit queries it."""
        pending = state.pending
        rate = self.learning_rate
        if rate is None:
            rate = self.exploration / len(state.arms)
        ratio = pending["advice"] / pending["inclusion"]  # (n_arms, n_rows)
        estimate = (ratio * np.broadcast_to(reward, ratio.shape[1:])).mean(axis=1)
        state.log_weights = self.discount * state.log_weights + rate * estimate

    # ------------------------------------------------------------------ selection
    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        if context.candidates is None:
            return self._select_stateless(estimator, X_pool, n, rng, context)
        state = self._round_state(estimator, X_pool, rng, context)
        proba = self._probabilities(state.log_weights)
        self.arm_probabilities_ = proba
        picks = []
        for arm in state.arms:
            indices, scores = arm.select(estimator, X_pool, n, random_state=state.rng,
                                         **context.kwargs())
            picks.append((np.asarray(indices, dtype=np.intp), np.asarray(scores, float)))
        if self.split_batch:
            slots = state.rng.choice(len(state.arms), size=n, p=proba)
        else:
            slots = np.full(n, state.rng.choice(len(state.arms), p=proba))
        rows, scores, source = _fill(picks, slots)
        n_candidates = positions.shape[0]
        advice = self._advice(state.arms, picks, rows, n_candidates)
        inclusion = proba @ advice
        state.pending = {
            "rows": rows,
            "advice": advice,
            "inclusion": inclusion,
            # Importance weight relative to uniform sampling (weight 1).
            "weights": (rows.shape[0] / max(n_candidates, 1)) / inclusion,
        }
        if self.reward == "surprise":
            state.pending["predictions"] = _predictions(estimator, take_rows(X_pool, rows))
        state.n_labeled = 0 if context.y_labeled is None else len(context.y_labeled)
        self.arm_history_.append([self._arm_name(k) for k in source])
        np.add.at(self.arm_counts_, source, 1)
        return rows, scores

    def _round_state(self, estimator, X_pool, rng, context):
        """The state of this fit: created at the first call (or when another pool, even
        of the same size, is passed), rewarded at the next ones."""
        state = getattr(self, "state_", None)
        if self._pool_changed(X_pool, "_pool_token") or state is None:
            n_rows = num_rows(X_pool)
            probe = np.sort(rng.choice(n_rows, size=min(_N_PROBE, n_rows), replace=False))
            state = self.state_ = _FitState(self._fresh_arms(), rng, probe)
            self.arm_history_ = []
            self.arm_counts_ = np.zeros(len(state.arms), dtype=np.intp)
            if self.reward == "model_change":
                state.probe_pred = estimator.predict(take_rows(X_pool, state.probe))
        elif state.pending is not None:
            reward = self._reward(state, estimator, X_pool, context.y_labeled)
            if reward is not None:
                self._update(state, reward)
        return state

    @staticmethod
    def _advice(arms, picks, rows, n_candidates):
        """``a[k, i]``: the chance that arm ``k`` proposes ``rows[i]`` (a uniform arm
        proposes any row with probability ``n / n_candidates``)."""
        advice = np.empty((len(arms), rows.shape[0]))
        for k, (arm, (idx, _)) in enumerate(zip(arms, picks, strict=True)):
            if isinstance(arm, RandomSampling):
                advice[k] = rows.shape[0] / max(n_candidates, 1)
            else:
                advice[k] = np.isin(rows, idx)
        return advice

    def _select_stateless(self, estimator, X_pool, n, rng, context):
        state = getattr(self, "state_", None)
        if state is not None:
            arms, log_weights = state.arms, state.log_weights
        else:
            arms = self._fresh_arms()
            log_weights = np.zeros(len(arms))
        arm = arms[int(np.argmax(log_weights))]
        return arm.select(estimator, X_pool, n, random_state=rng, **context.kwargs())
