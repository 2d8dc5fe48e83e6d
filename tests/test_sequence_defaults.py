"""What makes the defaults accurate: scaling, patches, "auto" direction, ensembles, the
adaptive schedule, and a learning test on real data that a regression of them would fail."""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier, RNNRegressor
from skrnn._engine._optimizers import AdamOptimizer
from skrnn._input import patch_steps, standardize_steps

ITALY = Path(__file__).resolve().parents[1] / "examples" / "data" / "ItalyPowerDemand.npz"
ONE = dict(n_estimators=1, max_iter=8, random_state=0)


@pytest.fixture
def task(rng):
    X = rng.normal(size=(60, 12, 2))
    return X, X[:, -4:, 0].sum(axis=1) - X[:, :3, 1].sum(axis=1)


# ---------------------------------------------------------------- patches and scaling
def test_patches_are_aligned_to_the_end_of_each_sequence():
    X = np.arange(1, 8, dtype=float).reshape(1, 7, 1)  # steps 1..7
    patched, lengths = patch_steps(X, None, 3)
    np.testing.assert_array_equal(patched[0], [[0, 0, 1], [2, 3, 4], [5, 6, 7]])
    assert lengths is None
    ragged = np.array([[[0.0], [0.0], [0.0], [1.0], [2.0]], [[1], [2], [3], [4], [5]]])
    patched, lengths = patch_steps(ragged, np.array([2, 5]), 2)
    np.testing.assert_array_equal(patched[0], [[0, 0], [0, 0], [1, 2]])
    np.testing.assert_array_equal(patched[1], [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(lengths, [1, 3])
    assert patch_steps(ragged, None, 1)[0] is ragged


def test_patches_keep_the_steps_of_several_channels_time_major(rng):
    X = rng.normal(size=(3, 6, 2))
    patched, _ = patch_steps(X, None, 2)
    np.testing.assert_array_equal(patched[:, 1], X[:, 2:4].reshape(3, 4))


def test_standardized_padding_stays_zero():
    X = np.array([[[0.0], [4.0]], [[2.0], [6.0]]])
    Z = standardize_steps(X, np.array([1, 2]), np.array([4.0]), np.array([2.0]))
    np.testing.assert_array_equal(Z[:, :, 0], [[0.0, 0.0], [-1.0, 1.0]])


@pytest.mark.parametrize("length, expected", [(20, 1), (32, 1), (33, 2), (100, 4), (361, 12)])
def test_auto_patch_size_reads_at_most_32_network_steps(rng, length, expected):
    X = rng.normal(size=(6, length, 1))
    clf = RNNClassifier(**{**ONE, "max_iter": 1}).fit(X, [0, 1] * 3)
    assert clf.patch_size_ == expected
    assert clf.network_.n_features == expected


def test_auto_patch_size_follows_the_median_length_of_ragged_sequences(rng):
    X = [rng.normal(size=(n, 1)) for n in (40, 64, 70, 300)]  # median 67 -> 3 per step
    clf = RNNClassifier(**{**ONE, "max_iter": 1}).fit(X, [0, 1, 0, 1])
    assert clf.patch_size_ == 3
    assert clf.predict(X).shape == (4,)


def test_patch_size_is_one_step_per_target_with_return_sequences(rng):
    X = rng.normal(size=(4, 40, 1))
    reg = RNNRegressor(return_sequences=True, **ONE).fit(X, X[:, :, 0])
    assert reg.patch_size_ == 1 and not reg.network_.bidirectional
    with pytest.raises(ValueError, match="patch_size=4 cannot be used with return_sequences"):
        RNNRegressor(return_sequences=True, patch_size=4, **ONE).fit(X, X[:, :, 0])


def test_bidirectional_auto_reads_both_ways_only_for_one_output_per_sequence(task):
    X, y = task
    assert RNNRegressor(**ONE).fit(X, y).network_.bidirectional
    assert not RNNRegressor(bptt_steps=4, **ONE).fit(X, y).network_.bidirectional
    with pytest.raises(ValueError, match="bptt_steps cannot be used with bidirectional=True"):
        RNNRegressor(bptt_steps=4, bidirectional=True, **ONE).fit(X, y)


def test_standardize_makes_predictions_independent_of_input_units(task):
    X, y = task
    units = np.array([1e4, 1e-3]), np.array([-50.0, 7.0])
    params = dict(ONE, dtype="float64")
    raw = RNNRegressor(**params).fit(X, y).predict(X)
    scaled = RNNRegressor(**params).fit(X * units[0] + units[1], y).predict(
        X * units[0] + units[1])
    np.testing.assert_allclose(scaled, raw, rtol=1e-6, atol=1e-8)
    unscaled = RNNRegressor(standardize=False, **params).fit(X * units[0] + units[1], y)
    assert not np.allclose(unscaled.predict(X * units[0] + units[1]), raw, atol=1e-3)


def test_standardize_returns_predictions_in_the_units_of_y(task):
    X, y = task
    params = dict(ONE, dtype="float64")
    small = RNNRegressor(**params).fit(X, y)
    large = RNNRegressor(**params).fit(X, y * 1e6 + 3e7)
    np.testing.assert_allclose(large.predict(X), small.predict(X) * 1e6 + 3e7, rtol=1e-6)
    assert large.target_scale_[0] == pytest.approx(y.std() * 1e6)


# ---------------------------------------------------------------- ensembles
def test_an_ensemble_predicts_the_mean_of_its_members(task):
    X, y = task
    reg = RNNRegressor(n_estimators=3, max_iter=5, random_state=0).fit(X, y)
    assert reg.params_.shape == (3, reg.network_.n_params)
    assert len(reg.estimators_) == 3 and all(m.n_estimators == 1 for m in reg.estimators_)
    members = np.array([m.predict(X) for m in reg.estimators_])
    assert np.ptp(members, axis=0).max() > 1e-3  # different seeds, different networks
    np.testing.assert_allclose(reg.predict(X), members.mean(axis=0), rtol=1e-5, atol=1e-6)
    assert reg.n_iter_ == max(m.n_iter_ for m in reg.estimators_)


def test_auto_pooling_mixes_last_and_max_members_for_one_label_per_sequence(task):
    X, y = task
    clf = RNNClassifier(n_estimators=3, max_iter=2, random_state=0).fit(X, y > 0)
    assert [m.network_.pooling for m in clf.estimators_] == ["last", "max", "last"]
    single = RNNClassifier(**ONE).fit(X, y > 0)
    assert single.network_.pooling == "last"
    steps = RNNClassifier(n_estimators=2, max_iter=2, random_state=0, return_sequences=True)
    steps.fit(X, np.broadcast_to(y[:, None] > 0, X.shape[:2]))
    assert [m.network_.pooling for m in steps.estimators_] == ["last", "last"]
    reg = RNNRegressor(n_estimators=2, max_iter=2, random_state=0).fit(X, y)
    assert [m.network_.pooling for m in reg.estimators_] == ["last", "last"]


def test_an_ensemble_of_mixed_poolings_predicts_the_mean_of_its_members(task):
    X, y = task
    reg = RNNRegressor(n_estimators=4, max_iter=5, random_state=0,
                       pooling=("mean", "max", "last")).fit(X, y)
    assert [m.pooling for m in reg.estimators_] == ["mean", "max", "last", "mean"]
    members = np.array([m.predict(X) for m in reg.estimators_])
    np.testing.assert_allclose(reg.predict(X), members.mean(axis=0), rtol=1e-5, atol=1e-6)
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))


@pytest.mark.parametrize("pooling, message", [
    ([], "non-empty list"), (["last", "sum"], "non-empty list"), (("max", 3), "non-empty list"),
    (["last", "attention"], "mixes 'attention'")])
def test_a_bad_pooling_list_is_refused_before_any_work(task, pooling, message):
    X, y = task
    reg = RNNRegressor(n_estimators=2, max_iter=2, random_state=0).fit(X, y)
    before = reg.params_.copy()
    with pytest.raises(ValueError, match=message):
        reg.set_params(pooling=pooling).fit(X, y)
    np.testing.assert_array_equal(reg.params_, before)


def test_an_ensemble_is_deterministic_and_warns_once(task):
    X, y = task
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = RNNRegressor(n_estimators=3, max_iter=2, random_state=0).fit(X, y)
    assert sum(issubclass(w.category, ConvergenceWarning) for w in caught) == 1
    again = RNNRegressor(n_estimators=3, max_iter=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(first.params_, again.params_)


def test_partial_fit_trains_every_member_one_epoch(task):
    X, y = task
    clf = RNNClassifier(n_estimators=2, random_state=0)
    clf.partial_fit(X, y > 0, classes=[False, True])
    clf.partial_fit(X, y > 0)
    assert [m.n_iter_ for m in clf.estimators_] == [2, 2]
    assert clf.predict_proba(X).shape == (60, 2)
    np.testing.assert_array_equal(clf.classes_, [False, True])


# ---------------------------------------------------------------- the adaptive schedule
def test_adaptive_adam_lowers_its_rate_at_a_stall_instead_of_stopping():
    adam = AdamOptimizer(3, learning_rate_init=0.01, lr_schedule="adaptive")
    assert adam.trigger_stopping("stalled.", verbose=False) is False
    assert adam.rate == pytest.approx(0.002)
    adam.rate = 1e-6
    assert adam.trigger_stopping("stalled.", verbose=False) is True
    assert AdamOptimizer(3, lr_schedule="constant").trigger_stopping("", False) is True


def test_adaptive_schedule_trains_on_where_the_constant_rate_stops(task):
    # A loss that stalls at a constant rate within the patience: the constant schedule
    # stops there (scikit-learn's rule), the adaptive one lowers the rate and goes on.
    X, y = task
    params = dict(ONE, max_iter=400, n_iter_no_change=3, tol=1e-2, learning_rate_init=0.02,
                  dropout=0.0)
    constant = RNNRegressor(**params).fit(X, y)
    adaptive = RNNRegressor(learning_rate="adaptive", **params).fit(X, y)
    assert adaptive.n_iter_ > constant.n_iter_ + 3
    assert adaptive.loss_ < constant.loss_


# ---------------------------------------------------------------- learning on real data
def test_defaults_beat_the_classical_baselines_on_italy_power_demand():
    data = np.load(ITALY, allow_pickle=True)
    clf = RNNClassifier(random_state=0).fit(data["X_train"], data["y_train"])
    # random forest .969, 1-NN .955 (shared/data/README.md); the defaults before issue 7
    # reached .932-.948
    assert clf.score(data["X_test"], data["y_test"]) >= 0.96


def test_warm_start_refuses_a_changed_ensemble_size(task):
    X, y = task
    reg = RNNRegressor(n_estimators=2, max_iter=2, warm_start=True, random_state=0).fit(X, y)
    before = reg.params_.copy()
    for n_estimators in (1, 3):
        with pytest.raises(ValueError, match="fitted with 2 networks"):
            reg.set_params(n_estimators=n_estimators).fit(X, y)
    np.testing.assert_array_equal(reg.params_, before)
    single = RNNRegressor(n_estimators=1, max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="fitted with 1 networks"):
        single.set_params(n_estimators=2).partial_fit(X, y)


def test_a_single_network_refit_drops_the_previous_ensemble(task):
    X, y = task
    reg = RNNRegressor(n_estimators=2, max_iter=2, random_state=0).fit(X, y)
    reg.set_params(n_estimators=1).fit(X, y)
    assert reg.params_.ndim == 1 and not hasattr(reg, "estimators_")


def test_parallel_members_give_the_same_ensemble(task):
    X, y = task
    params = dict(n_estimators=3, max_iter=3, random_state=0)
    sequential = RNNRegressor(**params).fit(X, y)
    parallel = RNNRegressor(n_jobs=2, **params).fit(X, y)
    np.testing.assert_array_equal(parallel.params_, sequential.params_)
    np.testing.assert_array_equal(parallel.predict(X), sequential.predict(X))
    parallel.partial_fit(X, y)
    sequential.partial_fit(X, y)
    np.testing.assert_array_equal(parallel.params_, sequential.params_)
