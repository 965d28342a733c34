"""Ordinary uses that gave a wrong answer silently: each now works or fails loudly."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import sklearn
from sklearn.ensemble import RandomForestClassifier, StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle


# ---------------------------------------------------------------- 1. the unlabeled marker
@pytest.mark.parametrize("marker,suggestion", [
    ("", "missing_label=''"), (None, "missing_label=None"), (np.nan, "missing_label=None"),
])
def test_string_y_with_another_unlabeled_marker_is_an_error(binary_problem, marker,
                                                            suggestion):
    p = binary_problem
    y = np.array(["cat" if v == 1 else "dog" for v in p.y_true], dtype=object)
    y[p.unlabeled] = marker
    clf = ActiveLearningClassifier(oracle=None)
    with pytest.raises(ValueError, match="missing_label") as info:
        clf.fit(p.X, y)
    assert suggestion in str(info.value)


def test_float_y_with_nan_and_default_marker_suggests_nan(binary_problem):
    p = binary_problem
    y = p.y.astype(float)
    y[p.unlabeled] = np.nan
    with pytest.raises(ValueError, match=r"missing_label=np\.nan"):
        ActiveLearningClassifier().fit(p.X, y)


def test_pandas_categorical_y_with_nan_marker_is_an_error(binary_problem):
    pd = pytest.importorskip("pandas")
    p = binary_problem
    y = pd.Series(np.where(p.y_true == 1, "cat", "dog"), dtype="category")
    y[p.unlabeled] = np.nan
    with pytest.raises(ValueError, match="missing_label=None"):
        ActiveLearningClassifier().fit(p.X, y)


# ---------------------------------------------------------------- 2. nothing to query
def test_fully_labeled_y_with_an_oracle_warns(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=5)
    with pytest.warns(UserWarning, match="missing_label"):
        clf.fit(p.X, p.y_true)
    assert clf.n_queries_ == 0


def test_fully_labeled_y_without_an_oracle_is_quiet(binary_problem):
    p = binary_problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ActiveLearningClassifier().fit(p.X, p.y_true)


@pytest.mark.parametrize("wrapper", ["voting", "stacking"])
def test_ensembles_that_reencode_y_make_the_learner_warn(binary_problem, wrapper):
    p = binary_problem
    al = ActiveLearningClassifier(oracle=p.oracle, budget=3)
    if wrapper == "voting":
        ens = VotingClassifier([("al", al), ("lr", LogisticRegression())], voting="soft")
    else:
        ens = StackingClassifier([("al", al)], cv=2)
    labeled = p.y != -1
    y_enc = np.where(labeled, p.y_true, -1)
    with pytest.warns(UserWarning, match="no row is unlabeled"):
        ens.fit(p.X, y_enc)


# ---------------------------------------------------------------- 3. answers vs y's dtype
@pytest.mark.parametrize("dtype,answer", [(np.int8, 300), (np.uint8, 256), (np.int8, -129)])
def test_answers_that_do_not_fit_the_dtype_raise_and_keep_earlier_answers(
        binary_problem, dtype, answer):
    p = binary_problem
    y = p.y.astype(np.int16 if dtype == np.uint8 else dtype)
    if dtype == np.uint8:
        y = np.where(p.y == -1, 255, p.y).astype(np.uint8)
    calls = []

    def oracle(rows):
        calls.append(len(rows))
        truth = p.oracle(rows)
        return truth if len(calls) < 3 else [truth[0], answer]

    clf = ActiveLearningClassifier(oracle=oracle, budget=10, batch_size=2, random_state=0,
                                   missing_label=255 if dtype == np.uint8 else -1)
    with pytest.raises(ValueError, match=rf"{answer}.*{np.dtype(dtype).name}"):
        clf.fit(p.X, y)
    assert np.count_nonzero(clf.labeled_iter_ > 0) == 5  # 2 rounds + the valid answer
    assert len(clf.history_) == 4
    assert clf.y_labeled_.dtype == dtype
    assert answer not in clf.y_labeled_.astype(int).tolist()


@pytest.mark.parametrize("answer", [2.5, "cat"])
def test_non_integer_answers_into_int_y_still_raise(binary_problem, answer):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=lambda rows: [answer] * len(rows), budget=2)
    with pytest.raises(ValueError, match="cannot store"):
        clf.fit(p.X, p.y)


# ---------------------------------------------------------------- 4. a class equal to the marker
def test_too_few_classes_error_explains_skips(binary_problem):
    p = binary_problem
    y_true = np.where(p.y_true == 0, -1, 1)  # labels in {-1, +1}
    y = np.full_like(y_true, -1)
    y[np.flatnonzero(y_true == 1)[:3]] = 1
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(p.X, y_true), budget=10,
                                   random_state=0)
    with pytest.raises(ValueError, match=r"taken as skips.*missing_label") as info:
        clf.fit(p.X, y)
    assert "{-1, +1}" in str(info.value)


# ---------------------------------------------------------------- 7. metadata routing
def test_sample_weight_without_routing_reaches_the_estimator(binary_problem):
    p = binary_problem
    w = np.where(p.y_true == 1, 10.0, 1.0)
    plain = ActiveLearningClassifier(oracle=None).fit(p.X, p.y)
    weighted = ActiveLearningClassifier(oracle=None).fit(p.X, p.y, sample_weight=w)
    assert not np.allclose(plain.predict_proba(p.X), weighted.predict_proba(p.X))


def test_sample_weight_is_routed_when_requested(binary_problem):
    p = binary_problem
    w = np.where(p.y_true == 1, 10.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        routed = ActiveLearningClassifier(inner, oracle=None).fit(p.X, p.y, sample_weight=w)
        # Not requested: scikit-learn's usual error, naming the parameter.
        with pytest.raises((TypeError, ValueError), match="sample_weight"):
            ActiveLearningClassifier(LogisticRegression(), oracle=None).fit(
                p.X, p.y, sample_weight=w)
    reference = ActiveLearningClassifier(oracle=None).fit(p.X, p.y, sample_weight=w)
    plain = ActiveLearningClassifier(oracle=None).fit(p.X, p.y)
    np.testing.assert_allclose(routed.predict_proba(p.X), reference.predict_proba(p.X))
    assert not np.allclose(routed.predict_proba(p.X), plain.predict_proba(p.X))


@pytest.mark.parametrize("routing", [False, True])
def test_grid_search_with_sample_weight_in_both_modes(binary_problem, routing):
    p = binary_problem
    w = np.where(p.y_true == 1, 2.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=routing):
        inner = LogisticRegression()
        al = ActiveLearningClassifier(inner, oracle=p.oracle, budget=2, random_state=0)
        if routing:
            inner.set_fit_request(sample_weight=True)
            al.set_score_request(sample_weight=False)
        search = GridSearchCV(al, {"budget": [1, 2]}, cv=2).fit(p.X, p.y, sample_weight=w)
    assert search.best_params_["budget"] in (1, 2)


# ---------------------------------------------------------------- 8. random inner models
def test_random_inner_models_are_seeded_from_random_state(binary_problem):
    p = binary_problem
    forest = RandomForestClassifier(n_estimators=5)

    def run():
        return ActiveLearningClassifier(forest, oracle=p.oracle, budget=8, random_state=3,
                                        query_strategy="margin").fit(p.X, p.y)

    a, b = run(), run()
    assert [h["query_indices"].tolist() for h in a.history_] == \
        [h["query_indices"].tolist() for h in b.history_]
    assert forest.random_state is None  # the user's estimator is untouched
    assert a.estimator_.random_state is not None


def test_a_random_state_set_by_the_user_is_kept(binary_problem):
    p = binary_problem
    forest = RandomForestClassifier(n_estimators=5, random_state=42)
    clf = ActiveLearningClassifier(forest, oracle=p.oracle, budget=2, random_state=3)
    assert clf.fit(p.X, p.y).estimator_.random_state == 42


def test_nested_random_states_are_seeded(binary_problem):
    from sklearn.ensemble import BaggingClassifier
    from sklearn.tree import DecisionTreeClassifier

    p = binary_problem
    bag = BaggingClassifier(DecisionTreeClassifier(), n_estimators=3)
    clf = ActiveLearningClassifier(bag, oracle=p.oracle, budget=2, random_state=0)
    params = clf.fit(p.X, p.y).estimator_.get_params()
    assert params["random_state"] is not None
    assert params["estimator__random_state"] is not None


# ---------------------------------------------------------------- 9. saving a model
def test_pickling_with_a_lambda_oracle_says_what_to_do(binary_problem, tmp_path):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=lambda rows: p.oracle(rows), budget=2,
                                   random_state=0).fit(p.X, p.y)
    with pytest.raises(pickle.PicklingError, match=r"set_params\(oracle=None\)"):
        pickle.dumps(clf)
    with pytest.raises(pickle.PicklingError, match=r"set_params\(oracle=None\)"):
        joblib.dump(clf, tmp_path / "model.joblib")
    clf.set_params(oracle=None)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict(p.X), clf.predict(p.X))


def test_lambda_oracle_still_runs_in_loky_workers(binary_problem):
    p = binary_problem
    oracle = p.oracle
    al = ActiveLearningClassifier(oracle=lambda rows: oracle(rows), budget=2, random_state=0)
    search = GridSearchCV(al, {"budget": [1, 2]}, cv=2, n_jobs=2).fit(p.X, p.y)
    assert search.best_estimator_.n_queries_ in (1, 2)


# ---------------------------------------------------------------- 10. scoring
def test_default_score_ignores_unlabeled_rows(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=None).fit(p.X, p.y)
    labeled = p.y != -1
    assert clf.score(p.X, p.y) == pytest.approx((clf.predict(p.X)[labeled] ==
                                                 p.y[labeled]).mean())
