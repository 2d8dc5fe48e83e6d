"""Encoder–decoder (``output_steps``) and one-to-many estimators: the toy tasks of issue
11 learn, outputs have the documented shapes, future covariates are read where the
documentation says, bad input fails before training, model selection works."""

import pickle

import numpy as np
import pytest
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from skrnn import RNNClassifier, RNNRegressor

TINY = dict(hidden_layer_sizes=6, n_estimators=1, max_iter=3, random_state=0)


def reversal(n, rng, alphabet=8):
    """One-hot sequences of 5-10 symbols (a list: ragged) and their reversals."""
    X, y = [], []
    for length in rng.integers(5, 11, size=n):
        symbols = rng.integers(alphabet, size=length)
        X.append(np.eye(alphabet)[symbols])
        y.append(symbols[::-1])
    return X, y


def waves(n, rng, steps=20):
    """One-to-many: (a, b) as ONE step of 2 features, and sin(a t + b) for 20 steps."""
    a, b = rng.uniform(0.3, 1.0, n), rng.uniform(0, 2 * np.pi, n)
    return np.c_[a, b][:, None, :], np.sin(a[:, None] * np.arange(steps) + b[:, None])


@pytest.fixture
def small(rng):
    X = rng.normal(size=(24, 5, 2))
    y = np.cumsum(X[:, ::-1, 0], axis=1)[:, :3]  # 3 output steps
    return X, y


# ------------------------------------------------------------------ the toy tasks


def test_reversal_reaches_95_percent_per_token_accuracy():
    """~5 s. The configuration was chosen on other draws (data seeds 101-104, with
    random_state the data seed: 0.972 to 0.987), never on this one: a one-way encoder
    without dropout (a bidirectional one costs twice as much per epoch and learnt no
    faster per second), and the rate cut by 5 for the last 2 epochs by a warm start. At
    a constant rate the accuracy is 0.90 after 6 epochs and still jumps between 0.91 and 0.95 after 19 (seed 102); the cut
    takes it past 0.96 within an epoch."""
    rng = np.random.default_rng(0)
    X, y = reversal(8000, rng)
    X_test, y_test = reversal(500, rng)
    clf = RNNClassifier(
        hidden_layer_sizes=64, cell="lstm", bidirectional=False, dropout=0.0,
        output_steps=10, n_estimators=1, max_iter=6, batch_size=128,
        learning_rate_init=0.01, standardize=False, random_state=0).fit(X, y)
    clf.set_params(warm_start=True, max_iter=2, learning_rate_init=0.002).fit(X, y)
    # score: per-token accuracy over every valid output step of held-out sequences
    assert clf.score(X_test, y_test) >= 0.95


def test_one_to_many_waveform_reaches_r2_095():
    rng = np.random.default_rng(0)
    X, y = waves(1000, rng)
    X_test, y_test = waves(300, rng)
    reg = RNNRegressor(hidden_layer_sizes=32, output_steps=20, n_estimators=1, max_iter=30,
                       batch_size=64, learning_rate_init=0.01, dropout=0.0,
                       random_state=0).fit(X, y)
    assert reg.score(X_test, y_test) >= 0.95


# ------------------------------------------------------------------ shapes and semantics


def test_regressor_output_shapes(small, rng):
    X, y = small
    reg = RNNRegressor(output_steps=3, **TINY).fit(X, y)
    assert reg.predict(X).shape == (24, 3) and reg.n_outputs_ == 1
    Y = np.stack([y, -y], axis=2)
    assert RNNRegressor(output_steps=3, **TINY).fit(X, Y).predict(X[:5]).shape == (5, 3, 2)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_output_shapes(small, rng, n_classes):
    X, _ = small
    y = rng.integers(n_classes, size=(24, 4))
    clf = RNNClassifier(output_steps=4, **TINY).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (24, 4, n_classes)
    np.testing.assert_allclose(proba.sum(axis=2), 1.0)
    labels = clf.predict(X)
    assert labels.shape == (24, 4)
    np.testing.assert_array_equal(labels, clf.classes_[proba.argmax(axis=2)])
    assert clf.score(X, y) == pytest.approx(np.mean(labels == y))


def test_ragged_outputs_by_lists(small):
    """A list of full rows is the array; shorter rows mask the later steps' loss, and
    score counts the valid steps only."""
    X, y = small
    full = RNNRegressor(output_steps=3, **TINY).fit(X, y)
    as_list = RNNRegressor(output_steps=3, **TINY).fit(X, list(y))
    np.testing.assert_array_equal(as_list.params_, full.params_)
    lengths = np.tile([3, 2, 1], 8)
    ragged = [row[:n] for row, n in zip(y, lengths)]
    reg = RNNRegressor(output_steps=3, **TINY).fit(X, ragged)
    assert not np.array_equal(reg.params_, full.params_)
    pred = reg.predict(X)
    assert pred.shape == (24, 3)
    valid = np.arange(3)[None, :] < lengths[:, None]
    assert reg.score(X, ragged) == pytest.approx(r2_score(y[valid], pred[valid]))


def test_future_covariates_are_read_from_the_last_steps_and_channels(rng):
    """With n_future_features=1, the last output_steps steps of X are the future: the
    decoder reads their last channel; their other channels are ignored."""
    past = rng.normal(size=(40, 6, 2))
    future = rng.normal(size=(40, 3, 1))
    X = np.concatenate([past, np.concatenate([np.zeros((40, 3, 1)), future], axis=2)],
                       axis=1)  # (40, 9, 2): 6 observed steps, then 3 future steps
    y = past[:, -1:, 0] + future[:, :, 0]
    reg = RNNRegressor(output_steps=3, n_future_features=1, **TINY).fit(X, y)
    base = reg.predict(X)
    ignored = X.copy()
    ignored[:, 6:, 0] = 5.0
    np.testing.assert_array_equal(reg.predict(ignored), base)
    read = X.copy()
    read[:, 6:, 1] += 1.0
    assert np.abs(reg.predict(read) - base).max() > 1e-4


def test_one_step_input_is_one_to_many(rng):
    X, y = waves(30, rng, steps=7)
    reg = RNNRegressor(output_steps=7, **TINY).fit(X, y)
    assert reg.predict(X).shape == (30, 7)
    # the same vector given as a 2-D X of one step with n_channels=2
    reg2 = RNNRegressor(output_steps=7, n_channels=2, **TINY).fit(X[:, 0], y)
    np.testing.assert_array_equal(reg2.predict(X[:, 0]), reg.predict(X))


@pytest.mark.parametrize("teacher_forcing", [1.0, 0.5, 0.0])
def test_deterministic_from_random_state(small, teacher_forcing):
    X, y = small
    fits = [RNNRegressor(output_steps=3, teacher_forcing=teacher_forcing, **TINY).fit(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(fits[0].params_, fits[1].params_)
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))


def test_teacher_forcing_changes_training(small):
    X, y = small
    forced = RNNRegressor(output_steps=3, teacher_forcing=1.0, **TINY).fit(X, y)
    free = RNNRegressor(output_steps=3, teacher_forcing=0.0, **TINY).fit(X, y)
    assert not np.array_equal(forced.params_, free.params_)


def test_ensemble_early_stopping_and_pickle(small):
    X, y = small
    reg = RNNRegressor(output_steps=3, **{**TINY, "n_estimators": 2},
                       early_stopping=True, validation_fraction=0.25).fit(X, y)
    assert len(reg.validation_scores_) == reg.n_iter_
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("kwargs,y_fn,match", [
    ({}, lambda y: y[:, :2], "output_steps=3"),
    ({}, lambda y: y[:, 0], "output_steps=3"),
    ({}, lambda y: [row[:2] if i else row[:2, None] for i, row in enumerate(y)],
     "same number of outputs"),
    ({}, lambda y: [np.r_[row, 0.0] for row in y], "L_i <= output_steps=3"),
    ({"return_sequences": True}, lambda y: y, "return_sequences"),
    ({"teacher_forcing": 1.5}, lambda y: y, "teacher_forcing"),
    ({"teacher_forcing": -0.1}, lambda y: y, "teacher_forcing"),
    ({"n_future_features": 1}, lambda y: y, "wrong length"),
])
def test_bad_input_fails_before_training_and_leaves_the_model(small, kwargs, y_fn, match):
    X, y = small
    reg = RNNRegressor(output_steps=3, **TINY).fit(X, y)
    before = reg.params_.copy()
    reg.set_params(**kwargs)
    bad_X = X[:, :3] if kwargs.get("n_future_features") else X  # 3 steps: all future
    with pytest.raises(ValueError, match=match):
        reg.fit(bad_X, y_fn(y))
    np.testing.assert_array_equal(reg.params_, before)


def test_future_features_need_output_steps(small):
    X, y = small
    with pytest.raises(ValueError, match="n_future_features=1 needs output_steps"):
        RNNRegressor(n_future_features=1, **TINY).fit(X, y[:, 0])


def test_classifier_bad_label_shape(small, rng):
    X, _ = small
    with pytest.raises(ValueError, match="one label per output step"):
        RNNClassifier(output_steps=3, **TINY).fit(X, rng.integers(2, size=(24, 3, 2)))


# ------------------------------------------------------------------ model selection


def test_grid_search_and_cross_val_score_on_flattened_steps(small):
    X, y = small
    est = RNNRegressor(output_steps=3, **TINY)
    grid = GridSearchCV(est, {"teacher_forcing": [1.0, 0.0]}, cv=KFold(3)).fit(X, y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.predict(X).shape == (24, 3)
    scores = cross_val_score(est, X, y, cv=KFold(3))
    # the same as fitting each fold by hand and scoring its flattened steps
    train, test = next(KFold(3).split(X))
    fold = RNNRegressor(output_steps=3, **TINY).fit(X[train], y[train])
    assert scores[0] == pytest.approx(r2_score(y[test].ravel(),
                                               fold.predict(X[test]).ravel()))


def test_classifier_cross_val_score_with_ragged_lists(rng):
    X, y = reversal(30, rng, alphabet=3)
    scores = cross_val_score(RNNClassifier(output_steps=10, **TINY), X, y, cv=KFold(3))
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))


def test_onnx_export_refuses_an_encoder_decoder(small):
    from skrnn import to_onnx

    X, y = small
    with pytest.raises(NotImplementedError, match="encoder–decoder"):
        to_onnx(RNNRegressor(output_steps=3, **TINY).fit(X, y))


def test_partial_fit_warm_start_and_sample_weight(small, rng):
    X, y = small
    reg = RNNRegressor(output_steps=3, **TINY)
    reg.partial_fit(X, y).partial_fit(X, y)
    assert reg.n_iter_ == 2 and reg.predict(X).shape == (24, 3)
    warm = RNNRegressor(output_steps=3, warm_start=True, **TINY).fit(X, y)
    first = warm.params_.copy()
    warm.fit(X, y)
    assert not np.array_equal(warm.params_, first)
    with pytest.raises(ValueError, match="changed since it was fitted"):
        warm.set_params(output_steps=2).fit(X, y[:, :2])
    # integer weights are repeated samples (full batch, no shuffling: the same steps)
    w = rng.integers(0, 3, size=24)
    options = dict(TINY, shuffle=False, dropout=0.0)  # batch "auto": all samples
    weighted = RNNRegressor(output_steps=3, **options).fit(X, y, sample_weight=w)
    repeated = RNNRegressor(output_steps=3, **options).fit(np.repeat(X, w, axis=0),
                                                           np.repeat(y, w, axis=0))
    np.testing.assert_allclose(weighted.params_, repeated.params_, rtol=1e-4, atol=1e-5)


def test_classifier_partial_fit_and_early_stopping(small, rng):
    X, _ = small
    y = rng.choice(["a", "b", "c"], size=(24, 4))
    clf = RNNClassifier(output_steps=4, **TINY).partial_fit(X, y, classes=["a", "b", "c"])
    assert clf.predict_proba(X).shape == (24, 4, 3)
    clf = RNNClassifier(output_steps=4, early_stopping=True, validation_fraction=0.25,
                        **TINY).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert all(0 <= s <= 1 for s in clf.validation_scores_)


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_predictions_do_not_depend_on_the_batch(small, rng, Estimator):
    """float32, bit for bit: a row's free-running prediction is the same alone, in a
    subset or in another order (the batch is padded to whole tiles)."""
    X, y = small
    if Estimator is RNNClassifier:
        y = rng.integers(3, size=y.shape)
    est = Estimator(output_steps=3, **TINY).fit(X, y)
    method = est.predict if Estimator is RNNRegressor else est.predict_proba
    full = method(X)
    np.testing.assert_array_equal(method(X[:5]), full[:5])
    order = rng.permutation(24)
    np.testing.assert_array_equal(method(X[order]), full[order])
