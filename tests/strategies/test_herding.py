"""UncertaintyHerding: coverage where the model is uncertain (the generic batch-strategy
invariants run in test_diversity.py)."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_classification, make_gaussian_quantiles
from sklearn.dummy import DummyClassifier
from sklearn.feature_selection import f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import RankedBatch, UncertaintyHerding, get_strategy
from skactive.strategies._base import SelectContext
from skactive.strategies._class_signal import _class_signals, _shells, _unskilled, _weak
from skactive.strategies._common import distances_to_set
from skactive.strategies._coverage import _Kernel, _lazy_greedy
from skactive.strategies._far_rows import _leverage, _leverage_factor


def _weak_signal(labeled, y, center):
    signals = _class_signals(labeled, np.asarray(y), center)
    return signals is not None and _weak(signals)


def _shell_signal(labeled, y, center, threshold=15.0):
    signals = _class_signals(labeled, np.asarray(y), center)
    return signals is not None and _shells(signals, threshold)


def uniform_model(n_features):
    """A model as unsure about every row (uniform probabilities): pure coverage."""
    return DummyClassifier(strategy="uniform").fit(np.zeros((2, n_features)), [0, 1])


def clusters(sizes, centers, seed=0):
    rng = np.random.RandomState(seed)
    return np.vstack([c + 0.1 * rng.randn(s, 2) for s, c in zip(sizes, centers, strict=True)])


@pytest.mark.parametrize("density_power, n, shares", [
    (0, 1, [1, 0, 0]), (0, 2, [1, 1, 0]), (0, 4, [2, 1, 1]), (0, 13, [9, 3, 1]),
    (1, 4, [2, 1, 1]), (1, 13, [8, 4, 1])])
def test_a_model_unsure_everywhere_spreads_the_batch_in_proportion_to_the_clusters(
        density_power, n, shares):
    # Each row's kernel reaches its n_rows / n-th neighbour: a pick covers about its
    # share of the pool, so clusters get picks about in proportion to their size
    # (40, 20 and 5 rows); the plain gain (density_power=0) takes the largest first.
    X = clusters([40, 20, 5], [(0, 0), (10, 0), (0, 10)])
    indices, scores = UncertaintyHerding(
        density_power=density_power, random_state=0).select(uniform_model(2), X, n)
    which = np.searchsorted([40, 60], indices, side="right")
    assert np.bincount(which, minlength=3).tolist() == shares
    assert np.all(np.diff(scores) <= 1e-6) and scores[-1] > 0
    assert which[0] == 0 or density_power > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dividing_by_the_kernel_mass_keeps_the_batch_off_the_pools_centre(seed):
    # In 10 dimensions a row near the centre is near more rows than one farther out,
    # so the plain coverage gain picks central rows (0.82 of the pool's mean distance
    # from the centre); divided by each row's kernel mass, the picks lie about as far
    # out as the pool does.
    X = np.random.RandomState(seed).randn(1000, 10)
    radius = np.linalg.norm(X, axis=1)
    picked = {}
    for power in (0, 1, 2):
        indices, _ = UncertaintyHerding(density_power=power, random_state=0).select(
            uniform_model(10), X, 30)
        picked[power] = radius[indices].mean() / radius.mean()
    assert picked[0] < 0.85 < picked[1] < picked[2]
    assert picked[2] > 0.95


def test_labeled_rows_cover_their_cluster_so_the_batch_goes_elsewhere():
    X = clusters([40, 20], [(0, 0), (10, 0)])
    candidates = np.ones(60, dtype=bool)
    candidates[:3] = False  # three labels in the large cluster
    indices, _ = UncertaintyHerding(random_state=0).select(
        uniform_model(2), X, 1, candidates=candidates, X_labeled=X[:3])
    assert indices[0] >= 40


def test_the_batch_covers_the_uncertain_cluster_not_the_larger_certain_one():
    # Cluster A (40 rows) lies deep in class 0; cluster B (10 rows) on the boundary.
    X = clusters([40, 10, 10], [(-6, 0), (0, 0), (6, 0)])
    model = LogisticRegression().fit([[-6, 0], [-5, 0], [5, 0], [6, 0]], [0, 0, 1, 1])
    indices, _ = UncertaintyHerding(random_state=0).select(model, X, 1)
    assert 40 <= indices[0] < 50
    # Without the weight (every row as uncertain), the plain coverage gain picks the
    # largest cluster, A.
    indices, _ = UncertaintyHerding(density_power=0, random_state=0).select(
        uniform_model(2), X, 1)
    assert indices[0] < 40



@pytest.mark.parametrize("seed", [0, 1, 2])
def test_squaring_the_uncertainty_keeps_the_batch_nearer_the_boundary(seed):
    # A strip of uniform rows across a boundary at x = 0: the uncertainty falls with
    # |x|. Coverage alone (power 0) spreads the batch over the strip; the sharper the
    # weight, the nearer to the boundary the batch stays while still spreading along it.
    rng = np.random.RandomState(seed)
    X = np.column_stack([rng.uniform(-3, 3, 300), rng.uniform(-1, 1, 300)])
    model = LogisticRegression().fit([[-1, 0], [1, 0]], [0, 1])
    model.coef_[:] = [[1.5, 0.0]]
    model.intercept_[:] = 0.0
    distance = {}
    for power in (0, 1, 2):
        indices, _ = UncertaintyHerding(uncertainty_power=power, random_state=0).select(
            model, X, 12)
        distance[power] = np.abs(X[indices, 0]).mean()
    assert distance[0] > 1.2 > distance[1] > distance[2]
    assert distance[2] < 0.7


def test_uncertainty_power_zero_is_coverage_alone_whatever_the_model():
    X = clusters([40, 10, 10], [(-6, 0), (0, 0), (6, 0)])
    model = LogisticRegression().fit([[-6, 0], [-5, 0], [5, 0], [6, 0]], [0, 0, 1, 1])
    alone, _ = UncertaintyHerding(uncertainty_power=0, random_state=0).select(model, X, 5)
    unsure, _ = UncertaintyHerding(random_state=0).select(uniform_model(2), X, 5)
    np.testing.assert_array_equal(alone, unsure)
    weighted, _ = UncertaintyHerding(random_state=0).select(model, X, 5)
    assert not np.array_equal(weighted, alone)

def test_the_kernel_narrows_as_labels_accumulate_and_scales_with_the_density():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(200, 3), 10 + 5 * rng.randn(100, 3)])  # dense, then sparse
    kernel = _Kernel(lambda rows: rows, X, np.arange(300))
    scales = [1 / kernel.inverse_scales(kernel.neighbor(m)) for m in (4, 10, 30, 100)]
    means = [float(np.median(s)) for s in scales]
    assert means == sorted(means, reverse=True) and means[-1] < means[0] / 2
    # A row's scale is its distance to its k-th nearest row: wider where rows are sparse.
    k = kernel.neighbor(30)
    distances = np.sqrt(np.sort(((X[:, None] - X[None]) ** 2).sum(-1), axis=1)[:, k])
    np.testing.assert_allclose(scales[2], distances, rtol=1e-4)
    assert np.median(scales[2][200:]) > 3 * np.median(scales[2][:200])
    # Never narrower than the distance to the 5th nearest row.
    assert kernel.neighbor(10_000) == kernel.neighbor(60) == 5


def test_the_kernel_keeps_only_the_nearest_distances_the_scales_need():
    rng = np.random.RandomState(1)
    X = rng.randn(300, 3)
    kernel = _Kernel(lambda rows: rows, X, np.arange(300))
    brute = np.sqrt(np.sort(((X[:, None] - X[None]) ** 2).sum(-1), axis=1))
    # Any order of k (a fit asks for ever smaller k; a direct call may ask a larger one).
    for m in (30, 4, 100, 30):
        k = kernel.neighbor(m)
        np.testing.assert_allclose(1 / kernel.inverse_scales(k), brute[:, k], rtol=1e-4)
    # Sorted once for the largest k asked (300 // 4 = 75), not for every column.
    assert kernel.nearest_sq.shape == (300, 76)


def gain(K, weight, covered):
    return weight @ np.maximum(K - covered[:, None], 0.0)


@settings(max_examples=25, deadline=None)
@given(n_rows=st.integers(2, 30), n=st.integers(1, 8), seed=st.integers(0, 10_000),
       power=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_lazy_greedy_makes_every_pick_a_greedy_best(n_rows, n, seed, power):
    rng = np.random.RandomState(seed)
    Z = rng.randn(n_rows, 2)
    kernel = _Kernel(lambda rows: rows, Z, np.arange(n_rows))
    inv = kernel.inverse_scales(kernel.neighbor(3))
    K = np.exp(-((Z[:, None] - Z[None]) ** 2).sum(-1) * inv[:, None] * inv[None, :] / 2)
    weight, covered = rng.rand(n_rows), 0.5 * rng.rand(n_rows)
    alive = rng.rand(n_rows) < 0.8
    alive[0] = True
    n = min(n, int(alive.sum()))
    chosen, scores = _lazy_greedy(kernel, inv, weight, covered, alive, n,
                                  np.random.RandomState(0), power)
    assert len(set(chosen.tolist())) == n and alive[chosen].all()
    mass = K.sum(axis=0)  # each row's kernel mass, fixed for the batch
    for i, score in zip(chosen, scores, strict=True):
        gains = gain(K, weight, covered) / mass ** power
        gains[~alive] = -np.inf
        # The pick's score (gain / mass ** power) is the largest (up to float32
        # rounding), and reported.
        assert gains[i] == pytest.approx(gains.max(), rel=1e-5, abs=1e-6)
        assert score == pytest.approx(gains[i], rel=1e-5, abs=1e-6)
        alive[i] = False
        covered = np.maximum(covered, K[:, i])
    assert np.all(np.diff(scores) <= 1e-6)  # scores only shrink (submodular)


def test_the_pool_is_sampled_and_embedded_once_per_fit():
    X, y = make_blobs(n_samples=400, centers=4, random_state=0)
    y_partial = np.full_like(y, -1)
    y_partial[[np.flatnonzero(y == c)[0] for c in range(4)]] = np.arange(4)
    strategy = UncertaintyHerding(max_rows=150, random_state=0)
    clf = ActiveLearningClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()), oracle=SimulatedOracle(X, y),
        query_strategy=strategy, budget=20, batch_size=5, random_state=0).fit(X, y_partial)
    fitted = clf.query_strategy_
    assert fitted.sample_.shape == (150,)
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert np.isin(asked, fitted.sample_).all() and len(set(asked.tolist())) == 20
    kernel = fitted._kernel
    fitted.select(clf.estimator_, X, 2, candidates=y_partial == -1,
                  X_labeled=X[y_partial != -1], y_labeled=y[y_partial != -1],
                  unfitted_estimator=clf.estimator)
    assert fitted._kernel is kernel  # kept within a fit ...
    assert "_kernel" not in clone(fitted).__dict__  # ... and not by a fresh clone


def test_a_pickled_model_does_not_carry_the_distances():
    X, y = make_blobs(n_samples=1200, centers=3, random_state=0)
    y_partial = np.full_like(y, -1)
    y_partial[[np.flatnonzero(y == c)[0] for c in range(3)]] = np.arange(3)
    fitted = {}
    for name in ("margin", "auto"):
        fitted[name] = ActiveLearningClassifier(
            oracle=SimulatedOracle(X, y), query_strategy=name, budget=6, batch_size=3,
            random_state=0).fit(X, y_partial).set_params(oracle=None)
    kernel = fitted["auto"].query_strategy_._kernel
    assert kernel.sq.nbytes > 5_000_000
    # Only each row's nearest distances are kept sorted: k = 1200 / (3 + 3) at most.
    assert kernel.nearest_sq.nbytes <= kernel.sq.nbytes * 201 / 1200
    size = {name: len(pickle.dumps(clf)) for name, clf in fitted.items()}
    assert size["auto"] < size["margin"] + 50_000  # sample_ only (1 200 positions)
    restored = pickle.loads(pickle.dumps(fitted["auto"]))
    assert "_kernel" not in restored.query_strategy_.__dict__
    np.testing.assert_array_equal(restored.query(X[:50], 5), fitted["auto"].query(X[:50], 5))


def test_registered_and_beats_random_on_clustered_data():
    X, y = make_blobs(n_samples=600, centers=8, cluster_std=1.5, random_state=3)
    assert isinstance(get_strategy("uncertainty_herding"), UncertaintyHerding)
    assert isinstance(get_strategy("auto"), UncertaintyHerding)
    accuracy = {}
    for name in ("random", "uncertainty_herding"):
        scores = []
        for seed in range(3):
            y_partial = np.full_like(y, -1)
            rng = np.random.RandomState(seed)
            y_partial[[rng.choice(np.flatnonzero(y == c)) for c in range(8)]] = np.arange(8)
            clf = ActiveLearningClassifier(
                LogisticRegression(max_iter=1000), oracle=SimulatedOracle(X, y),
                query_strategy=name, budget=16, batch_size=8, random_state=seed,
            ).fit(X, y_partial)
            scores.append(clf.score(X, y))
        accuracy[name] = np.mean(scores)
    assert accuracy["uncertainty_herding"] > accuracy["random"] + 0.01


@pytest.mark.parametrize("params, match", [({"measure": "nope"}, "measure"),
                                           ({"max_rows": 1}, "max_rows"),
                                           ({"density_power": -1}, "density_power"),
                                           ({"uncertainty_power": -1}, "uncertainty_power"),
                                           ({"leverage": -0.5}, "leverage"),
                                           ({"shell_f": -1}, "shell_f"),
                                           ({"min_skill": 2}, "min_skill"),
                                           ({"far_share": 1.5}, "far_share"),
                                           ({"far_share": -0.1}, "far_share"),
                                           ({"concentration": 0}, "concentration"),
                                           ({"concentration": 1.5}, "concentration")])
def test_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        UncertaintyHerding(**params).select(uniform_model(2), np.zeros((3, 2)), 1)


def test_a_new_pool_of_the_same_size_gets_its_own_distances():
    # Direct select() calls on one instance: the cache must follow the pool, not its size.
    first = clusters([200, 100], [(0, 0), (10, 0)])
    second = clusters([100, 200], [(0, 0), (10, 0)], seed=1)
    candidates = np.ones(300, dtype=bool)
    strategy = UncertaintyHerding(density_power=0, random_state=0)
    strategy.select(uniform_model(2), first, 1, candidates=candidates)
    got, _ = strategy.select(uniform_model(2), second, 1, candidates=candidates)
    expected, _ = UncertaintyHerding(density_power=0, random_state=0).select(
        uniform_model(2), second, 1, candidates=candidates)
    np.testing.assert_array_equal(got, expected)
    assert got[0] >= 100  # the largest cluster of the second pool
    # The same pool again keeps the cached distances.
    kernel = strategy._kernel
    strategy.select(uniform_model(2), second, 1, candidates=candidates)
    assert strategy._kernel is kernel


@pytest.mark.parametrize("block", [7, 64])
def test_gains_and_masses_equal_the_brute_force_kernel_block_by_block(monkeypatch, block):
    # 40 rows: five full blocks of 7 and a partial one, or a single partial block of 64.
    monkeypatch.setattr("skactive.strategies._coverage.GAIN_BLOCK", block)
    rng = np.random.RandomState(0)
    Z = rng.randn(40, 3) * rng.rand(40, 1)  # rows at uneven local scales
    kernel = _Kernel(lambda rows: rows, Z, np.arange(40))
    np.testing.assert_array_equal(kernel.sq, kernel.sq.T)
    inv = kernel.inverse_scales(kernel.neighbor(4))
    K = np.exp(-((Z[:, None] - Z[None]) ** 2).sum(-1) * inv[:, None] * inv[None, :] / 2)
    weight, covered = rng.rand(40), 0.5 * rng.rand(40)
    gains, mass = kernel.gains(weight.astype(np.float32), covered.astype(np.float32), inv)
    np.testing.assert_allclose(gains, gain(K, weight, covered), rtol=1e-4)
    np.testing.assert_allclose(mass, K.sum(axis=0), rtol=1e-5)
    for i in (0, 17, 39):
        np.testing.assert_allclose(kernel.column(i, inv), K[:, i], rtol=1e-5)


def test_labeled_coverage_uses_each_labeled_rows_own_scale(monkeypatch):
    rng = np.random.RandomState(0)
    Z, labeled = rng.randn(60, 3), rng.randn(7, 3) * 2
    monkeypatch.setattr("skactive.strategies._coverage.LABELED_BLOCK", 3)  # 3 blocks
    kernel = _Kernel(lambda rows: rows, Z, np.arange(60))
    k = kernel.neighbor(10)
    inv = kernel.inverse_scales(k)
    sq = ((Z[:, None] - labeled[None]) ** 2).sum(-1)  # (sampled, labeled)
    own = np.sqrt(np.sort(sq, axis=0)[k])  # each labeled row's k-th nearest sampled row
    expected = np.exp(-sq * inv[:, None] / own[None, :] / 2).max(axis=1)
    np.testing.assert_allclose(kernel.covered(labeled, k, inv), expected, rtol=1e-4)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("n_labeled", [3, 8, 30])
def test_leverage_is_the_ridge_leverage_whichever_way_it_is_solved(n_labeled, sparse):
    # Solved in the 8 features when there are at least as many labeled rows, through
    # the labeled rows (Woodbury; from inner products for sparse rows, which are not
    # densified) when there are fewer: all equal x^T (L^T L + I)^-1 x, centred.
    rng = np.random.RandomState(n_labeled)
    rows, labeled = rng.randn(50, 8), rng.randn(n_labeled, 8)
    rows[np.abs(rows) < 0.7] = labeled[np.abs(labeled) < 0.7] = 0.0
    center = rows.mean(axis=0)
    R, L = rows - center, labeled - center
    brute = [x @ np.linalg.solve(L.T @ L + np.eye(8), x) for x in R]
    make = sp.csr_matrix if sparse else np.asarray
    np.testing.assert_allclose(_leverage(make(rows), make(labeled), center), brute,
                               rtol=1e-9)
    # A row along a direction the labeled rows span much has less leverage than one
    # the same distance out along a direction they do not span.
    spanned = np.diag([10.0, 0, 0, 0, 0, 0, 0, 0])[:1]
    along, across = _leverage(np.eye(8)[:2], np.vstack([spanned, -spanned]), np.zeros(8))
    assert along < 0.01 < 0.99 < across


def test_the_leverage_weight_waits_for_weak_class_signals():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 8)
    center = np.zeros(4)
    # Labels unrelated to the features: no signal, the weight applies.
    assert _weak_signal(rng.randn(24, 4), y, center)
    # Class means apart in one feature (F far above 15): none.
    means = rng.randn(24, 4)
    means[:, 0] += 3 * y
    assert not _weak_signal(means, y, center)
    # Shells: rows on spheres of radius 1, 3 and 5 about the centre (the class-spread
    # F, beyond chance, beats the class-mean one): none.
    shells = rng.randn(24, 4)
    shells *= ((1 + 2 * y) / np.linalg.norm(shells, axis=1))[:, None]
    assert not _weak_signal(shells, y, center)
    # One class, or no more rows than classes: nothing to test, none.
    assert not _weak_signal(rng.randn(6, 4), np.zeros(6), center)
    assert not _weak_signal(rng.randn(3, 4), [0, 1, 2], center)
    # Sparse rows get the same answers (the spread from x**2 - 2 c x, kept sparse).
    for X in (rng.randn(24, 4), means, shells):
        X[np.abs(X) < 0.3] = 0.0
        center = rng.randn(4)
        assert _weak_signal(sp.csr_matrix(X), y, center) == _weak_signal(X, y, center)
    # No signal: 1 + strength * h / mean(h) (mean factor 1 + strength); else 1.
    rows, noise = rng.randn(200, 4), np.random.RandomState(0).randn(24, 4)
    assert _weak_signal(noise, y, rows.mean(axis=0))
    factor = _leverage_factor(rows, noise, rows.mean(axis=0), 4.0, 2000, rng)
    assert factor.shape == (200,) and factor.min() > 1.0
    np.testing.assert_allclose(factor.mean(), 5.0)
    np.testing.assert_allclose(
        _leverage_factor(sp.csr_matrix(rows), sp.csr_matrix(noise), rows.mean(axis=0), 4.0,
                         2000, rng),
        factor)


def test_the_leverage_is_solved_against_at_most_max_rows_labeled_rows(monkeypatch):
    # Many labeled rows: the leverage uses a uniform sample of max_labeled of them (the
    # solve stays that small), drawn from the strategy's generator; fewer: all of them.
    import skactive.strategies._far_rows as far_rows
    seen = []

    def spy(rows, labeled, center):
        seen.append(labeled.shape[0])
        return _leverage(rows, labeled, center)

    monkeypatch.setattr(far_rows, "_leverage", spy)
    rng = np.random.RandomState(0)
    rows, labeled = rng.randn(300, 6), rng.randn(120, 6)
    center = rows.mean(axis=0)
    few = _leverage_factor(rows, labeled, center, 4.0, 2000, np.random.RandomState(1))
    many = [_leverage_factor(rows, labeled, center, 4.0, 40, np.random.RandomState(seed))
            for seed in (1, 1, 2)]
    assert seen == [120, 40, 40, 40]
    np.testing.assert_array_equal(many[0], many[1])
    assert not np.array_equal(many[0], many[2]) and not np.array_equal(many[0], few)
    np.testing.assert_allclose([m.mean() for m in many], 5.0)


def fitted_on_first_rows(X, y, per_class):
    """The first ``per_class`` rows of each class, a linear model fitted on them after a
    scaler fitted on the pool (as in a fit), and the other rows as candidates."""
    labeled = np.concatenate([np.flatnonzero(y == c)[:per_class] for c in np.unique(y)])
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    model[-1].fit(model[0].transform(X[labeled]), y[labeled])
    candidates = np.ones(y.shape[0], dtype=bool)
    candidates[labeled] = False
    return labeled, model, candidates


def spiral_among_noise(seed):
    """Two interleaved arms in the first two features, eight noise features; a model
    fitted on 10 rows of them, and those rows."""
    rng = np.random.RandomState(seed)
    t = rng.uniform(0.5, 3 * np.pi, 600)
    arm = rng.randint(0, 2, 600)
    arms = np.column_stack([t * np.cos(t + np.pi * arm), t * np.sin(t + np.pi * arm)])
    X = np.hstack([arms, 3 * rng.randn(600, 8)])
    return (X, arm, *fitted_on_first_rows(X, arm, 5))


@pytest.mark.parametrize("seed", [2, 6, 7])
def test_with_no_clear_class_signal_the_batch_reaches_where_the_labels_have_not(seed):
    # A spiral among noise features, 10 labels: no feature separates the labeled classes
    # (on these seeds; on seeds 0, 1 and 3 to 5 one feature's class spread or class mean
    # stands out by chance, and the weight waits),
    # and the leverage weight sends the batch to rows far out along directions the
    # labeled rows do not span (the rows that show the model which features to ignore).
    X, arm, labeled, model, candidates = spiral_among_noise(seed)
    E = model[0].transform(X)
    assert _weak_signal(E[labeled], arm[labeled], E.mean(axis=0))
    h = _leverage(E, E[labeled], E.mean(axis=0))
    picked = {}
    for strength in (0.0, 4.0):
        # far_share=0: the herded picks alone (the far picks are pinned below).
        indices, _ = UncertaintyHerding(leverage=strength, far_share=0,
                                        random_state=0).select(
            model, X, 10, candidates=candidates, X_labeled=X[labeled],
            y_labeled=arm[labeled])
        picked[strength] = h[indices].mean() / h[candidates].mean()
    assert picked[4.0] > 1.5 * picked[0.0]
    assert picked[4.0] > 1.3


def test_with_a_clear_class_signal_the_leverage_weight_changes_nothing():
    # The same pool, labels from a feature that separates the classes: the batch is the
    # one without the weight.
    X = spiral_among_noise(0)[0]
    y = (X[:, 2] > 0).astype(int)
    labeled, model, candidates = fitted_on_first_rows(X, y, 6)
    E = model[0].transform(X)
    assert not _weak_signal(E[labeled], y[labeled], E.mean(axis=0))
    batches = [UncertaintyHerding(leverage=strength, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=y[labeled])[0]
        for strength in (0.0, 4.0)]
    np.testing.assert_array_equal(*batches)
    # No labels given with the rows (a direct call): no test, no weight.
    without = [UncertaintyHerding(leverage=strength, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled])[0]
        for strength in (0.0, 4.0)]
    np.testing.assert_array_equal(*without)


def test_shells_are_told_by_the_distance_to_the_centre():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 8)
    center = np.zeros(4)
    # Rows at distances about 1, 3 and 5 from the centre: shells.
    shells = rng.randn(24, 4)
    radii = 1 + 2 * y + 0.3 * rng.randn(24)
    shells *= (radii / np.linalg.norm(shells, axis=1))[:, None]
    assert _shell_signal(shells, y, center)
    # Class means apart in one feature: their F beats the radius's (about the pool's
    # centre, the middle class's rows are nearer it), no shells.
    means = rng.randn(24, 4)
    means[:, 0] += 3 * y
    assert not _shell_signal(means, y, means.mean(axis=0))
    # Labels unrelated to the rows: no shells (the radius's F is a chance one).
    assert not _shell_signal(rng.randn(60, 4), np.repeat([0, 1, 2], 20), center)
    # Sparse rows get the same statistics; one class or too few rows: nothing to test.
    for X in (shells, means):
        X = X.copy()
        X[np.abs(X) < 0.3] = 0.0
        center = rng.randn(4)
        np.testing.assert_allclose(_class_signals(sp.csr_matrix(X), y, center),
                                   _class_signals(X, y, center), rtol=1e-9)
    # The statistics are f_classif's, float for float (its arithmetic in its order;
    # constant columns, whose F is undefined or infinite, count as 0).
    X = rng.randn(30, 6)
    X[:, 1] = 2.0
    X[:, 2] = np.repeat([0.0, 1.0, 2.0], 10)
    labels = np.repeat([0, 1, 2], 10)
    spread, radius = (X - center.mean()) ** 2, ((X - center.mean()) ** 2).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [np.nan_to_num(f_classif(v, labels)[0], nan=0.0, posinf=0.0).max()
                    for v in (X, spread, radius[:, None])]
    assert _class_signals(X, labels, np.full(6, center.mean())) == tuple(expected)
    assert _class_signals(rng.randn(6, 4), np.zeros(6), center) is None
    assert _class_signals(rng.randn(3, 4), np.array([0, 1, 2]), center) is None


def shells_pool(seed, per_class=8):
    """Three Gaussian shells in four features, a scaled linear model fitted on
    ``per_class`` labeled rows of each, those rows and the candidates."""
    X, y = make_gaussian_quantiles(n_samples=600, n_features=4, n_classes=3,
                                   random_state=seed)
    return (X, y, *fitted_on_first_rows(X, y, per_class))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_on_shells_the_batch_is_the_most_uncertain_rows(seed):
    # Labeled rows whose distance to the centre tells their class: a linear model
    # cannot draw that boundary, and the rows it is least sure of pay more than
    # covering the pool (margin +0.051 AULC against herding's -0.009 on three shells
    # in four features). The batch is margin's; without the test, herding's.
    X, y, labeled, model, candidates = shells_pool(seed)
    E = model[0].transform(X)
    assert _shell_signal(E[labeled], y[labeled], E.mean(axis=0))
    batches = {shell_f: UncertaintyHerding(**params, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=y[labeled])
        for shell_f, params in (("default", {}), (None, {"shell_f": None}))}
    margin, _ = get_strategy("margin").select(model, X, 10, candidates=candidates)
    assert set(batches["default"][0]) == set(margin)
    assert len(set(batches[None][0]) & set(margin)) < 10
    proba = np.sort(model.predict_proba(X[batches["default"][0]]), axis=1)
    np.testing.assert_allclose(batches["default"][1], 1 - (proba[:, -1] - proba[:, -2]))


def test_with_class_means_apart_the_shell_test_changes_nothing():
    # Blobs: the class means tell the classes apart more than the distance to the
    # centre does, so the batch is herding's whether or not shells are tested for.
    X, y = make_blobs(n_samples=600, centers=3, n_features=4, random_state=0)
    labeled, model, candidates = fitted_on_first_rows(X, y, 6)
    E = model[0].transform(X)
    assert not _shell_signal(E[labeled], y[labeled], E.mean(axis=0))
    batches = [UncertaintyHerding(shell_f=shell_f, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=y[labeled])[0]
        for shell_f in (15.0, None)]
    np.testing.assert_array_equal(*batches)


class FitForbidden(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fitted although the rows say nothing yet")


def skill_context(X, y, estimator):
    return SelectContext(None, X, y, None, None, estimator)


def test_the_skill_check_cross_validates_a_clone_on_the_labeled_rows():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 5)
    model = make_pipeline(StandardScaler(), LogisticRegression())
    # Labels unrelated to the rows: chance. Labels from a feature: skilled.
    noise = np.repeat([0, 1, 2], 10)
    assert _unskilled(skill_context(X, noise, model), 0.35)
    told = (X[:, 0] > 0).astype(int)
    assert not _unskilled(skill_context(X, told, model), 0.35)
    # The threshold is on the balanced accuracy scaled to chance 0, perfect 1.
    assert _unskilled(skill_context(X, told, model), 1.0 + 1e-9)
    assert not _unskilled(skill_context(X, noise, model), -1.0)
    # Too few rows per class (on average, or in one class), one class, or no unfitted
    # estimator: no check, and nothing is fitted.
    forbidden = FitForbidden()
    for rows, labels in ((X[:7], [0, 0, 0, 0, 1, 1, 1]), (X[:12], [0] * 10 + [1] * 2),
                         (X[:12], [0] * 12)):
        assert not _unskilled(skill_context(rows, np.array(labels), forbidden), 0.35)
    assert not _unskilled(skill_context(X, noise, None), 0.35)
    # The caller's estimator is left unfitted.
    assert not hasattr(model[-1], "coef_")


def weak_spiral(seed):
    """:func:`spiral_among_noise` on a seed whose labeled rows show no class signal
    (checked), and an unfitted clone of its model."""
    X, arm, labeled, model, candidates = spiral_among_noise(seed)
    E = model[0].transform(X)
    assert _weak_signal(E[labeled], arm[labeled], E.mean(axis=0))
    return X, arm, labeled, model, candidates, clone(model)


def ranked_far(model, X, n, candidates, labeled, unfitted):
    """RankedBatch's batch with ``alpha`` the alive share, as herding's far picks fix it
    for a batch: ``(indices, scores)``."""
    alpha = candidates.sum() / X.shape[0]
    return RankedBatch(measure="margin", alpha=alpha, random_state=0).select(
        model, X, n, candidates=candidates, X_labeled=X[labeled],
        unfitted_estimator=unfitted)


@pytest.mark.parametrize("seed", [2, 6, 7])
def test_with_no_class_signal_and_no_skill_the_batch_is_ranked_far_from_the_labels(seed):
    # Spiral arms among noise features, 10 labels: no feature separates the labeled
    # classes and a linear model does no better than chance on them. The batch is
    # picked as RankedBatch picks it (the rows far from the labeled ones win); without
    # the skill check, it is herding's (leverage weight, a third of it far).
    X, arm, labeled, model, candidates, unfitted = weak_spiral(seed)
    assert _unskilled(skill_context(X[labeled], arm[labeled], unfitted), 0.35)
    batches = {skill: UncertaintyHerding(min_skill=skill, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=arm[labeled],
        unfitted_estimator=unfitted) for skill in (0.35, None)}
    ranked, scores = ranked_far(model, X, 10, candidates, labeled, unfitted)
    np.testing.assert_array_equal(batches[0.35][0], ranked)
    np.testing.assert_allclose(batches[0.35][1], scores)
    assert len(set(batches[None][0]) & set(ranked)) < 5


@pytest.mark.parametrize("seed", [2, 6, 7])
def test_with_no_class_signal_a_third_of_the_batch_is_ranked_far_from_the_labels(seed):
    # Spiral arms among noise features, 5 labels per class and no feature separating
    # them: 2 rows of a batch of 6 are the first two RankedBatch picks (far from the
    # labeled rows), after 4 herded around the labeled rows and those two.
    X, arm, labeled, model, candidates, unfitted = weak_spiral(seed)
    kwargs = dict(candidates=candidates, X_labeled=X[labeled], y_labeled=arm[labeled],
                  unfitted_estimator=unfitted)
    batch = {share: UncertaintyHerding(far_share=share, random_state=0).select(
        model, X, 6, **kwargs)[0] for share in (0, 1 / 3, 1)}
    ranked = ranked_far(model, X, 6, candidates, labeled, unfitted)[0]
    np.testing.assert_array_equal(batch[1], ranked)
    np.testing.assert_array_equal(batch[1 / 3][4:], ranked[:2])
    assert not set(batch[1 / 3][:4]) & set(ranked[:2])
    # The far rows lie farther from the labeled ones than the herded rows do.
    E = model[0].transform(X)
    nearest = distances_to_set(E, E[labeled])
    assert nearest[batch[1 / 3][4:]].min() > nearest[batch[0]].mean()
    # The default is a third.
    np.testing.assert_array_equal(
        UncertaintyHerding(random_state=0).select(model, X, 6, **kwargs)[0], batch[1 / 3])


def test_the_far_share_waits_for_a_weak_signal_enough_labels_and_two_rows():
    # Where the share does not apply the batch is herding's alone: a clear class signal,
    # fewer than 4 labeled rows per class, or a batch of one row.
    X = spiral_among_noise(0)[0]
    y = (X[:, 2] > 0).astype(int)
    labeled, model, candidates = fitted_on_first_rows(X, y, 6)
    E = model[0].transform(X)
    assert not _weak_signal(E[labeled], y[labeled], E.mean(axis=0))
    cases = [(model, X, y, labeled, candidates, 10)]
    X, arm, labeled, model, candidates = spiral_among_noise(6)
    cases.append((model, X, arm, labeled, candidates, 1))
    labeled, model, candidates = fitted_on_first_rows(X, arm, 3)
    E = model[0].transform(X)
    assert _weak_signal(E[labeled], arm[labeled], E.mean(axis=0))
    cases.append((model, X, arm, labeled, candidates, 10))
    for model, X, y, labeled, candidates, n in cases:
        batches = [UncertaintyHerding(far_share=share, random_state=0).select(
            model, X, n, candidates=candidates, X_labeled=X[labeled],
            y_labeled=y[labeled])[0] for share in (0, 1 / 3)]
        np.testing.assert_array_equal(*batches)


def test_with_no_class_signal_a_skilled_model_keeps_the_leverage_weight():
    # Four clusters, opposite ones a class (XOR): neither feature's class means nor
    # spreads differ, but a nearest-neighbour model predicts the labeled rows well: the
    # batch is the one without the check.
    corners = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]])
    X, cluster = make_blobs(n_samples=600, centers=corners, cluster_std=0.25,
                            random_state=0)
    y = cluster // 2
    labeled = np.concatenate([np.flatnonzero(y == c)[:12] for c in (0, 1)])
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(3)).fit(X, y)
    model[-1].fit(model[0].transform(X[labeled]), y[labeled])
    candidates = np.ones(600, dtype=bool)
    candidates[labeled] = False
    E = model[0].transform(X)
    assert _weak_signal(E[labeled], y[labeled], E.mean(axis=0))
    unfitted = clone(model)
    assert not _unskilled(skill_context(X[labeled], y[labeled], unfitted), 0.35)
    batches = [UncertaintyHerding(min_skill=skill, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=y[labeled],
        unfitted_estimator=unfitted)[0] for skill in (0.35, None)]
    np.testing.assert_array_equal(*batches)


def test_inside_a_fit_the_skill_check_gets_the_unfitted_estimator(monkeypatch):
    # The loop passes an unfitted clone: the check runs (at weak rounds with enough
    # rows), picks far rows when the model is unskilled, and the fit ends as usual.
    import skactive.strategies._herding as herding

    seen = []

    def spy(context, min_skill):
        seen.append(context.unfitted_estimator)
        return _unskilled(context, min_skill)

    monkeypatch.setattr(herding, "_unskilled", spy)
    X, arm = spiral_among_noise(2)[:2]
    y = np.full(600, -1)
    y[:10] = arm[:10]
    clf = ActiveLearningClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()),
        oracle=SimulatedOracle(X, arm),
        query_strategy=UncertaintyHerding(min_skill=0.35, random_state=0),
        budget=30, batch_size=5, random_state=0).fit(X, y)
    assert clf.n_queries_ == 30
    assert seen and all(e is not None and not hasattr(e[-1], "coef_") for e in seen)


def test_the_concentration_is_near_one_where_features_are_noise_and_low_with_structure():
    # The median distance to the 5th nearest row over the median mean distance to the
    # others: Gaussian noise in 200 dimensions hardly tells near rows from far ones,
    # tight blobs in 2 do.
    rng = np.random.RandomState(0)
    noise = rng.randn(400, 200)
    blobs = make_blobs(n_samples=400, centers=5, n_features=2, cluster_std=0.3,
                       random_state=0)[0]
    ratios = {}
    for name, X in (("noise", noise), ("blobs", blobs)):
        kernel = _Kernel(lambda rows: rows, X, np.arange(X.shape[0]))
        D = euclidean_distances(X)
        near = np.median(np.sort(D, axis=1)[:, 5])
        typical = np.median(D.sum(axis=1) / (X.shape[0] - 1))
        ratios[name] = kernel.concentration()
        np.testing.assert_allclose(ratios[name], near / typical, rtol=1e-4)
    assert ratios["noise"] > 0.85
    assert ratios["blobs"] < 0.2


def test_where_distances_concentrate_the_batch_is_the_most_uncertain_rows():
    # 4 informative features among 150: the distances between rows are mostly noise, so
    # coverage cannot tell near rows from far ones; the batch is the most uncertain
    # candidates, as margin picks them; without the test, herding's batch.
    X, y = make_classification(n_samples=500, n_features=150, n_informative=4,
                               random_state=0)
    labeled, model, candidates = fitted_on_first_rows(X, y, 5)
    proba = model.predict_proba(X)
    uncertainty = 1 - np.abs(proba[:, 1] - proba[:, 0])
    most_uncertain = np.argsort(-np.where(candidates, uncertainty, -np.inf))[:10]
    batches = {name: get_strategy("auto").set_params(random_state=0, **params).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled], y_labeled=y[labeled])
        for name, params in (("auto", {}), ("without", {"concentration": None}))}
    np.testing.assert_array_equal(batches["auto"][0], most_uncertain)
    np.testing.assert_allclose(batches["auto"][1], uncertainty[most_uncertain])
    assert len(set(batches["without"][0]) & set(most_uncertain)) < 8


@pytest.mark.parametrize("seed", [2, 6])
def test_where_distances_tell_rows_apart_the_concentration_changes_nothing(seed):
    # Spiral arms among 8 noise features: the distances still carry structure, and the
    # batch is herding's with or without the test.
    X, arm, labeled, model, candidates = spiral_among_noise(seed)
    batches = [UncertaintyHerding(concentration=c, random_state=0).select(
        model, X, 10, candidates=candidates, X_labeled=X[labeled],
        y_labeled=arm[labeled])[0] for c in (0.78, None)]
    np.testing.assert_array_equal(*batches)
