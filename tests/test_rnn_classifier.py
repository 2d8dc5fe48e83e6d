"""RNNClassifier: label handling, probabilities, partial_fit, per-step classification."""

import numpy as np
import pytest

from skrnn import RNNClassifier

FAST = dict(hidden_layer_sizes=8, n_estimators=1, max_iter=20, learning_rate_init=0.02, random_state=0)


@pytest.fixture
def trend_task(rng):
    """Random walks; three classes by where the walk ends relative to its start."""
    X = rng.normal(size=(300, 8, 1)).cumsum(axis=1)
    change = X[:, -1, 0] - X[:, 0, 0]
    y = np.select([change < -1, change > 1], ["down", "up"], "flat")
    return X, y


def test_multiclass_string_labels_and_probabilities(trend_task):
    X, y = trend_task
    clf = RNNClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["down", "flat", "up"])
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert clf.score(X, y) > 0.8


def test_binary_uses_one_sigmoid_output(trend_task):
    X, y = trend_task
    y = y == "up"
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 2)
    np.testing.assert_array_equal(clf.predict(X), proba[:, 1] > 0.5)


def test_multilabel_indicator_targets(trend_task):
    X, y = trend_task
    Y = np.column_stack([y == "up", y != "down"]).astype(int)
    clf = RNNClassifier(**FAST).fit(X, Y)
    assert clf.predict(X).shape == (300, 2) and clf.predict_proba(X).shape == (300, 2)
    assert clf.score(X, Y) > 0.7


def test_partial_fit_needs_classes_first_then_keeps_them(trend_task):
    X, y = trend_task
    clf = RNNClassifier(8, learning_rate_init=0.02, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y != "up"], y[y != "up"], classes=["down", "flat", "up"])
    assert clf.n_outputs_ == 3  # a class absent from the first batch still has an output
    clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X, np.where(y == "up", "sideways", y))


def test_early_stopping_uses_validation_accuracy(trend_task):
    X, y = trend_task
    clf = RNNClassifier(**{**FAST, "max_iter": 15}, early_stopping=True).fit(X, y)
    assert all(0.0 <= s <= 1.0 for s in clf.validation_scores_)


def test_return_sequences_classifies_every_step(rng):
    X = rng.normal(size=(150, 10, 1))
    y = np.where(np.cumsum(X[:, :, 0], axis=1) > 0, "pos", "neg")  # sign of running sum
    clf = RNNClassifier(16, return_sequences=True, max_iter=40, learning_rate_init=0.02,
                        random_state=0).fit(X, y)
    pred = clf.predict(X)
    assert pred.shape == (150, 10) and set(np.unique(pred)) <= {"neg", "pos"}
    assert np.mean(pred == y) > 0.85
    assert clf.predict_proba(X).shape == (150, 10, 2)
    # the score counts every step once: the accuracy over all steps
    assert clf.score(X, y) == pytest.approx(np.mean(pred == y))
    ragged = [x[: n] for x, n in zip(X[:4], (3, 10, 6, 1))]
    y_ragged = [y_i[: len(x)] for x, y_i in zip(ragged, y[:4])]
    steps_pred = np.concatenate(clf.predict(ragged))
    assert clf.score(ragged, y_ragged) == pytest.approx(
        np.mean(steps_pred == np.concatenate(y_ragged)))


def test_ragged_classification(rng):
    X = [rng.normal(size=(n, 1)).cumsum(axis=0) for n in rng.integers(4, 15, size=120)]
    y = np.array(["up" if x[-1, 0] > x[0, 0] else "down" for x in X])
    clf = RNNClassifier(16, max_iter=40, learning_rate_init=0.02, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.85
    assert clf.predict_proba(X[:3]).shape == (3, 2)


def test_single_class_is_refused(rng):
    X = rng.normal(size=(20, 4, 1))
    with pytest.raises(ValueError, match="at least 2 classes"):
        RNNClassifier(**FAST).fit(X, np.zeros(20))


def test_partial_fit_per_step_binary_labels(rng):
    X = rng.normal(size=(40, 5, 1))
    y = (X[:, :, 0] > 0).astype(int)  # (n, T) of 0/1: per-step labels, not multilabel
    clf = RNNClassifier(4, return_sequences=True, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    assert clf.predict(X).shape == (40, 5)


def test_ragged_per_step_labels_keep_their_dtype(rng):
    X = [rng.normal(size=(3, 1)), rng.normal(size=(5, 1))] * 5
    y = [np.array(["a", "a", "a"]), np.array(["bbb", "a", "bbb", "a", "a"])] * 5
    clf = RNNClassifier(4, return_sequences=True, max_iter=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["a", "bbb"])
