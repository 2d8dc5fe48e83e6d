import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import (
    check_get_feature_names_out_error,
    check_global_output_transform_pandas,
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from skrnn import RNNClassifier, SequenceScaler
from skrnn.preprocessing._scaler import channel_mean_scale

# ---------------------------------------------------------------------------
# scikit-learn common checks, on 2-D input

# Instances whose every check applies: n_channels=2 cannot split the checks' odd column
# counts (tested on its own below), and copy=False scales in place (as StandardScaler's).
ESTIMATORS = [
    SequenceScaler(),
    SequenceScaler(with_mean=False),
    SequenceScaler(with_std=False),
    SequenceScaler(with_mean=False, with_std=False),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


EXPLICIT_CHECKS = [
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_global_output_transform_pandas,
    check_get_feature_names_out_error,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
]


@pytest.mark.parametrize("check", EXPLICIT_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_checks_not_run_by_parametrize_with_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_param_validation_with_n_channels():
    check_param_validation("SequenceScaler", SequenceScaler(n_channels=2))


# ---------------------------------------------------------------------------
# The same data in the three formats


def _ragged(rng, lengths=(5, 2, 7), n_channels=2):
    return [rng.normal(loc=[3.0, -1.0][:n_channels], scale=[2.0, 0.5][:n_channels],
                       size=(n, n_channels)) for n in lengths]


def _hand_statistics(steps):
    """Mean and population std of each column, written out."""
    n = len(steps)
    mean = steps.sum(axis=0) / n
    std = np.sqrt(((steps - mean) ** 2).sum(axis=0) / n)
    return mean, std


def test_statistics_equal_hand_computation_in_all_three_formats(rng):
    X3 = rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(4, 5, 2))
    X2 = X3.reshape(4, 10)  # time-major: t0c0, t0c1, t1c0, ...
    mean, std = _hand_statistics(X3.reshape(-1, 2))
    for X, n_channels in [(X3, 1), (list(X3), 1), (X2, 2), (pd.DataFrame(X2), 2)]:
        scaler = SequenceScaler(n_channels=n_channels).fit(X)
        np.testing.assert_allclose(scaler.mean_, mean, rtol=1e-12)
        np.testing.assert_allclose(scaler.scale_, std, rtol=1e-12)
        np.testing.assert_allclose(scaler.var_, std**2, rtol=1e-12)
        assert scaler.n_samples_seen_ == 4


def test_padding_never_counts_ragged_equals_concatenation(rng):
    seqs = _ragged(rng)
    scaler = SequenceScaler().fit(seqs)
    mean, std = _hand_statistics(np.concatenate(seqs))
    np.testing.assert_allclose(scaler.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, std, rtol=1e-12)
    assert scaler.n_samples_seen_ == 3 and scaler.n_features_in_ == 2


def test_channel_mean_scale_ignores_front_padding(rng):
    seqs = _ragged(rng, lengths=(4, 1, 3))
    X3 = np.full((3, 4, 2), 1e6)  # loud padding: it must not leak into the statistics
    for row, seq in zip(X3, seqs):
        row[4 - len(seq):] = seq
    mean, scale, var = channel_mean_scale(X3, np.array([4, 1, 3]))
    hand_mean, hand_std = _hand_statistics(np.concatenate(seqs))
    np.testing.assert_allclose(mean, hand_mean, rtol=1e-12)
    np.testing.assert_allclose(scale, hand_std, rtol=1e-12)
    np.testing.assert_allclose(var, hand_std**2, rtol=1e-12)


def test_channel_mean_scale_flags_give_identity_parts(rng):
    X3 = rng.normal(loc=5.0, scale=3.0, size=(3, 4, 2))
    mean, scale, var = channel_mean_scale(X3, None, with_mean=False, with_std=False)
    np.testing.assert_array_equal(mean, [0.0, 0.0])
    np.testing.assert_array_equal(scale, [1.0, 1.0])
    np.testing.assert_allclose(var, X3.reshape(-1, 2).var(axis=0), rtol=1e-12)


def test_channel_mean_scale_needs_a_valid_step():
    with pytest.raises(ValueError, match="no valid time step"):
        channel_mean_scale(np.zeros((2, 3, 1)), np.array([0, 0]))


def test_with_mean_false_only_divides(rng):
    X3 = rng.normal(loc=5.0, scale=3.0, size=(3, 4, 2))
    scaler = SequenceScaler(with_mean=False).fit(X3)
    assert scaler.mean_ is None
    np.testing.assert_allclose(scaler.transform(X3), X3 / X3.reshape(-1, 2).std(axis=0))


def test_with_std_false_only_centres(rng):
    X3 = rng.normal(loc=5.0, scale=3.0, size=(3, 4, 2))
    scaler = SequenceScaler(with_std=False).fit(X3)
    assert scaler.scale_ is None and scaler.var_ is None
    np.testing.assert_allclose(scaler.transform(X3), X3 - X3.reshape(-1, 2).mean(axis=0))


# ---------------------------------------------------------------------------
# Output formats and round trips


def test_round_trip_3d(rng):
    X3 = rng.normal(loc=7.0, scale=3.0, size=(5, 6, 3))
    scaler = SequenceScaler().fit(X3)
    Xt = scaler.transform(X3)
    assert Xt.shape == X3.shape
    np.testing.assert_allclose(Xt.reshape(-1, 3).mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Xt.reshape(-1, 3).std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X3, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("container", [list, tuple, "object_array"])
def test_round_trip_ragged_keeps_each_length(rng, container):
    seqs = _ragged(rng) + [rng.normal(size=(3, 2))]
    X = np.array(seqs, dtype=object) if container == "object_array" else container(seqs)
    scaler = SequenceScaler().fit(X)
    Xt = scaler.transform(X)
    assert isinstance(Xt, list)
    assert [x.shape for x in Xt] == [s.shape for s in seqs]
    pooled = np.concatenate(Xt)
    np.testing.assert_allclose(pooled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(pooled.std(axis=0), 1.0, rtol=1e-12)
    for back, seq in zip(scaler.inverse_transform(Xt), seqs):
        np.testing.assert_allclose(back, seq, rtol=1e-12, atol=1e-12)


def test_ragged_one_dimensional_sequences_stay_one_dimensional(rng):
    seqs = [rng.normal(size=n) for n in (4, 2, 6)]
    Xt = SequenceScaler().fit_transform(seqs)
    assert [x.shape for x in Xt] == [(4,), (2,), (6,)]
    np.testing.assert_allclose(np.concatenate(Xt).std(), 1.0, rtol=1e-12)


def test_round_trip_2d_time_major(rng):
    X3 = rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(4, 5, 2))
    X2 = X3.reshape(4, 10)
    scaler = SequenceScaler(n_channels=2).fit(X2)
    Xt = scaler.transform(X2)
    assert Xt.shape == (4, 10)
    np.testing.assert_allclose(Xt, SequenceScaler().fit_transform(X3).reshape(4, 10))
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X2, rtol=1e-12, atol=1e-12)


def test_pandas_output_keeps_names_and_index(rng):
    X = pd.DataFrame(rng.normal(size=(3, 4)), columns=["a0", "b0", "a1", "b1"], index=[7, 8, 9])
    scaler = SequenceScaler(n_channels=2).set_output(transform="pandas").fit(X)
    Xt = scaler.transform(X)
    assert list(Xt.columns) == ["a0", "b0", "a1", "b1"] and list(Xt.index) == [7, 8, 9]
    assert list(scaler.get_feature_names_out()) == ["a0", "b0", "a1", "b1"]
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X.to_numpy())


def test_pandas_output_refused_for_sequences(rng):
    scaler = SequenceScaler().set_output(transform="pandas").fit(rng.normal(size=(2, 3, 2)))
    with pytest.raises(ValueError, match="DataFrame cannot hold"):
        scaler.transform(rng.normal(size=(2, 3, 2)))


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float64, np.float64),
                                             (np.int64, np.float64)])
def test_dtypes(dtype, expected):
    X3 = np.arange(24).reshape(2, 4, 3).astype(dtype)
    scaler = SequenceScaler().fit(X3)
    assert scaler.transform(X3).dtype == expected
    assert scaler.inverse_transform(scaler.transform(X3)).dtype == expected
    assert all(x.dtype == expected for x in scaler.transform([X3[0], X3[1, :2]]))


def test_copy_false_scales_float_array_in_place(rng):
    X3 = rng.normal(size=(3, 4, 2))
    Xt = SequenceScaler(copy=False).fit(X3).transform(X3)
    assert Xt is X3


def test_copy_true_leaves_input_alone(rng):
    X3 = rng.normal(size=(3, 4, 2))
    seqs = [X3[0], X3[1]]
    X2 = pd.DataFrame(X3.reshape(3, 8))
    before = (X3.copy(), X2.copy())
    SequenceScaler().fit_transform(X3)
    SequenceScaler().fit_transform(seqs)
    SequenceScaler(n_channels=2).fit_transform(X2)
    np.testing.assert_array_equal(X3, before[0])
    pd.testing.assert_frame_equal(X2, before[1])


def test_transform_accepts_other_lengths_for_sequences(rng):
    scaler = SequenceScaler().fit(rng.normal(size=(3, 4, 2)))
    assert scaler.transform(rng.normal(size=(2, 9, 2))).shape == (2, 9, 2)
    assert [x.shape for x in scaler.transform([np.ones((1, 2))])] == [(1, 2)]


# ---------------------------------------------------------------------------
# Numerics


def test_zero_variance_channel_scale_one_and_finite_output(rng):
    X3 = rng.normal(size=(4, 5, 3))
    X3[:, :, 1] = 0.1  # 0.1 is inexact in binary: a naive variance would be ~1e-34
    scaler = SequenceScaler().fit(X3)
    assert scaler.scale_[1] == 1.0
    Xt = scaler.transform(X3)
    assert np.isfinite(Xt).all()
    np.testing.assert_allclose(Xt[:, :, 1], 0.0, atol=1e-15)


def test_all_zero_channel(rng):
    X3 = np.zeros((2, 3, 1))
    scaler = SequenceScaler().fit(X3)
    assert scaler.mean_[0] == 0.0 and scaler.scale_[0] == 1.0 and scaler.var_[0] == 0.0
    np.testing.assert_array_equal(scaler.transform(X3), X3)


@pytest.mark.parametrize("magnitude", [1e200, 1e-30])
def test_extreme_magnitudes_give_finite_accurate_statistics(rng, magnitude):
    unit = rng.normal(loc=0.5, size=(4, 6, 2))
    X3 = unit * magnitude
    scaler = SequenceScaler().fit(X3)
    mean, std = _hand_statistics(unit.reshape(-1, 2))
    np.testing.assert_allclose(scaler.mean_, mean * magnitude, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, std * magnitude, rtol=1e-12)
    Xt = scaler.transform(X3)
    assert np.isfinite(Xt).all()
    np.testing.assert_allclose(Xt, (unit - mean) / std, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X3, rtol=1e-12)


def test_huge_values_variance_overflows_but_scale_does_not(rng):
    scaler = SequenceScaler().fit(rng.normal(size=(2, 3, 1)) * 1e200)
    assert np.isposinf(scaler.var_).all()  # documented: var_ beyond float64's range
    assert np.isfinite(scaler.scale_).all()


def test_large_offset_small_spread_is_accurate():
    # A naive E[x^2] - E[x]^2 loses every digit here; the two-pass one keeps them.
    X3 = (1e9 + np.array([1.0, 2.0, 3.0, 4.0])).reshape(1, 4, 1)
    scaler = SequenceScaler().fit(X3)
    np.testing.assert_allclose(scaler.var_, [1.25], rtol=1e-6)


# ---------------------------------------------------------------------------
# Bad input: clear errors, no state change


BAD_FIT_INPUTS = [
    (np.array([[[1.0], [np.nan]]]), ValueError, "NaN"),
    ([np.ones((2, 1)), np.array([[np.inf]])], ValueError, r"X\[1\] contains infinity"),
    (pd.DataFrame({"a": [1.0, np.nan], "b": [0.0, 1.0]}), ValueError, "NaN"),
    (np.ones(4), ValueError, "Expected 2D array, got 1D array"),
    (np.ones((2, 3, 4, 1)), ValueError, "got a 4-D array"),
    ([np.ones((3, 2)), np.ones((4, 3))], ValueError, r"same number of features.*\[2, 3\]"),
    ([], ValueError, "X is empty"),
    (np.ones((0, 3, 2)), ValueError, "0 sample"),
    (np.ones((2, 0, 2)), ValueError, "0 time steps"),
    (np.ones((0, 4)), ValueError, "0 sample"),
    ([np.ones((3, 1)), np.ones((0, 1))], ValueError, r"X\[1\] is an empty sequence"),
    (np.ones((2, 3), dtype=complex), ValueError, "Complex data not supported"),
    (np.ones((2, 3, 1), dtype=complex), ValueError, "Complex data not supported"),
    (np.array([["2024-01-01"]], dtype="datetime64[D]"), TypeError, "datetime64"),
    (pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-01-02"])}), TypeError,
     "datetime64"),
    ([np.array([np.timedelta64(1, "D")] * 3)], TypeError, r"X\[0\] holds timedelta64"),
    (np.array([["a", "b"]], dtype=object), ValueError, "could not convert string to float"),
]


@pytest.mark.parametrize("X, error, match", BAD_FIT_INPUTS)
def test_bad_input_raises_and_leaves_fitted_scaler_unchanged(rng, X, error, match):
    scaler = SequenceScaler().fit(pd.DataFrame(rng.normal(size=(3, 2)), columns=["u", "v"]))
    before = copy.deepcopy(vars(scaler))
    with pytest.raises(error, match=match):
        scaler.fit(X)
    _assert_same_state(vars(scaler), before)


def test_failing_first_fit_leaves_no_fitted_attribute():
    scaler = SequenceScaler()
    with pytest.raises(ValueError, match="NaN"):
        scaler.fit(pd.DataFrame({"a": [1.0, np.nan]}))
    assert vars(scaler) == vars(SequenceScaler())


def test_columns_not_multiple_of_n_channels():
    with pytest.raises(ValueError, match="5 columns, which is not divisible by n_channels=2"):
        SequenceScaler(n_channels=2).fit(np.ones((3, 5)))


def _assert_same_state(after, before):
    assert after.keys() == before.keys()
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value)
        else:
            assert after[key] == value, key


BAD_TRANSFORM_INPUTS = [
    (np.ones((2, 4, 4)), "4 features per time step, but SequenceScaler is expecting 3"),
    ([np.ones((2, 3)), np.ones((1, 4))], r"same number of features.*\[3, 4\]"),
    ([np.ones((2, 4))], "4 features per time step, but SequenceScaler is expecting 3"),
    (np.ones((2, 6)), "fitted on 3-D X or a list of sequences; pass X in the same format"),
    (np.array([[[1.0, 2.0, np.inf]]]), "infinity"),
    (np.ones((2, 3, 3, 1)), "got a 4-D array"),
]


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
@pytest.mark.parametrize("X, match", BAD_TRANSFORM_INPUTS)
def test_failed_transform_names_problem_and_changes_nothing(rng, X, match, method):
    scaler = SequenceScaler().fit(rng.normal(size=(3, 4, 3)))
    before = copy.deepcopy(vars(scaler))
    with pytest.raises(ValueError, match=match):
        getattr(scaler, method)(X)
    _assert_same_state(vars(scaler), before)


def test_tabular_column_mismatch_names_both_counts(rng):
    scaler = SequenceScaler(n_channels=3).fit(rng.normal(size=(3, 6)))
    with pytest.raises(ValueError, match="X has 8 features, but SequenceScaler is expecting 6"):
        scaler.transform(rng.normal(size=(3, 8)))
    with pytest.raises(ValueError, match="fitted on 2-D X"):
        scaler.transform(rng.normal(size=(3, 2, 3)))


def test_n_channels_read_at_fit(rng):
    X2 = rng.normal(size=(3, 6))
    scaler = SequenceScaler(n_channels=3).fit(X2)
    scaler.set_params(n_channels=2)
    assert scaler.transform(X2).shape == (3, 6)
    assert scaler.mean_.shape == (3,)


# ---------------------------------------------------------------------------
# In a pipeline before the estimators


def _pipeline():
    return Pipeline([
        ("scale", SequenceScaler()),
        ("clf", RNNClassifier(hidden_layer_sizes=4, max_iter=3, random_state=0)),
    ])


def test_pipeline_with_rnn_classifier_3d(rng):
    X = rng.normal(loc=100.0, scale=20.0, size=(12, 5, 2))
    y = np.tile([0, 1], 6)
    pipe = _pipeline().fit(X, y)
    assert pipe.predict(X).shape == (12,)
    assert pipe.predict_proba(X[:3]).shape == (3, 2)


def test_pipeline_with_rnn_classifier_ragged(rng):
    X = [rng.normal(loc=100.0, scale=20.0, size=(n, 2)) for n in (3, 6, 4, 5, 2, 7)]
    y = np.array([0, 1, 0, 1, 0, 1])
    pipe = _pipeline().fit(X, y)
    assert pipe.predict(X).shape == (6,)
    assert pipe.predict([rng.normal(size=(9, 2))]).shape == (1,)
