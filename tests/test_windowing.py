import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
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

from skrnn import WindowTransformer, make_windows

# ---------------------------------------------------------------------------
# scikit-learn common checks

ESTIMATORS = [
    WindowTransformer(),
    WindowTransformer(window_length=1),
    WindowTransformer(window_length=4, fill=-1.5),
]


def _expected_failed_checks(estimator):
    if estimator.window_length == 1:
        return {}
    reason = "each output row holds lags of its neighbouring rows, so row order and subsets matter"
    return {
        "check_methods_sample_order_invariance": reason,
        "check_methods_subset_invariance": reason,
    }


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
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


# ---------------------------------------------------------------------------
# WindowTransformer


def test_transform_exact_values_edge_fill_two_features():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    Xt = WindowTransformer(window_length=3).fit_transform(X)
    # Columns: [x0(t-2), x1(t-2), x0(t-1), x1(t-1), x0(t), x1(t)].
    expected = np.array(
        [
            [1, 10, 1, 10, 1, 10],
            [1, 10, 1, 10, 2, 20],
            [1, 10, 2, 20, 3, 30],
            [2, 20, 3, 30, 4, 40],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(Xt, expected)


def test_transform_constant_fill():
    X = np.array([[5.0], [6.0], [7.0]])
    Xt = WindowTransformer(window_length=3, fill=-1.0).fit_transform(X)
    np.testing.assert_array_equal(Xt, [[-1, -1, 5], [-1, 5, 6], [5, 6, 7]])


def test_window_longer_than_input_is_all_padding_then_data():
    Xt = WindowTransformer(window_length=4).fit_transform([[1.0], [2.0]])
    np.testing.assert_array_equal(Xt, [[1, 1, 1, 1], [1, 1, 1, 2]])


def test_window_length_one_is_identity():
    X = np.random.default_rng(0).normal(size=(7, 3))
    np.testing.assert_array_equal(WindowTransformer(window_length=1).fit_transform(X), X)


def test_transform_pads_each_call_from_its_own_start():
    X = np.arange(6, dtype=float).reshape(-1, 1)
    wt = WindowTransformer(window_length=2).fit(X[:4])
    np.testing.assert_array_equal(wt.transform(X[4:]), [[4, 4], [4, 5]])


def test_feature_names_from_dataframe_oldest_lag_first():
    X = pd.DataFrame({"sales": [1.0, 2.0], "price": [3.0, 4.0]})
    names = WindowTransformer(window_length=3).fit(X).get_feature_names_out()
    assert list(names) == [
        "sales_lag2",
        "price_lag2",
        "sales_lag1",
        "price_lag1",
        "sales_lag0",
        "price_lag0",
    ]


def test_feature_names_default_for_arrays():
    names = WindowTransformer(window_length=2).fit(np.zeros((3, 2))).get_feature_names_out()
    assert list(names) == ["x0_lag1", "x1_lag1", "x0_lag0", "x1_lag0"]


def test_pandas_output_keeps_index_and_names():
    index = pd.date_range("2000-01-01", periods=4, freq="MS")
    X = pd.DataFrame({"sales": [1.0, 2.0, 3.0, 4.0]}, index=index)
    out = WindowTransformer(window_length=2).set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    pd.testing.assert_index_equal(out.index, index)
    assert list(out.columns) == ["sales_lag1", "sales_lag0"]
    np.testing.assert_array_equal(out["sales_lag1"], [1, 1, 2, 3])


@pytest.mark.parametrize(
    "dtype_in, dtype_out",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_transform_dtype(dtype_in, dtype_out):
    X = np.arange(6).reshape(3, 2).astype(dtype_in)
    assert WindowTransformer(fill=0.5).fit_transform(X).dtype == dtype_out


def test_transform_output_is_contiguous_copy():
    X = np.arange(5, dtype=float).reshape(-1, 1)
    Xt = WindowTransformer(window_length=2).fit_transform(X)
    assert Xt.flags.c_contiguous and Xt.flags.writeable
    Xt[:] = -1
    np.testing.assert_array_equal(X.ravel(), np.arange(5))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"window_length": 0}, "window_length"),
        ({"fill": "zero"}, "fill"),
        ({"fill": np.nan}, "fill"),
        ({"fill": np.inf}, "fill"),
    ],
)
def test_invalid_params(params, match):
    with pytest.raises(ValueError, match=match):
        WindowTransformer(**params).fit(np.zeros((3, 1)))


def test_transform_rejects_nan_and_feature_count_mismatch():
    wt = WindowTransformer().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        wt.transform([[0.0, np.nan]])
    with pytest.raises(ValueError, match="features"):
        wt.transform(np.zeros((3, 3)))


def test_pipeline_with_ridge_in_time_series_cv():
    # y[t] is the next value of a noiseless AR(2) process: the last two lags
    # determine it exactly, so a linear model on the windows must fit it.
    rng = np.random.default_rng(0)
    s = np.empty(200)
    s[:2] = rng.normal(size=2)
    for t in range(2, 200):
        s[t] = 1.2 * s[t - 1] - 0.5 * s[t - 2] + 0.1 * rng.normal()
    X, y = s[:-1].reshape(-1, 1), s[1:]
    pipe = make_pipeline(WindowTransformer(window_length=3), Ridge(alpha=1e-3))
    scores = cross_val_score(pipe, X, y, cv=TimeSeriesSplit(3))
    assert scores.shape == (3,)
    assert scores.min() > 0.5
    unwindowed = cross_val_score(Ridge(alpha=1e-3), X, y, cv=TimeSeriesSplit(3))
    assert scores.mean() > unwindowed.mean()


# ---------------------------------------------------------------------------
# make_windows


def test_make_windows_exact_windows_and_targets():
    X, Y = make_windows(np.arange(7), window_length=3, horizon=2)
    np.testing.assert_array_equal(X[:, :, 0], [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(Y, [[3, 4], [4, 5], [5, 6]])
    assert X.shape == (3, 3, 1)
    assert X.dtype == Y.dtype == np.float64


def test_make_windows_step_is_anchored_at_the_end():
    X, Y = make_windows(np.arange(10), window_length=2, horizon=1, step=3)
    # The last target is the last row (9); earlier windows step back by 3.
    np.testing.assert_array_equal(Y, [[3], [6], [9]])
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2], [4, 5], [7, 8]])


def test_make_windows_exog_is_shifted_by_horizon():
    y = np.arange(8)
    exog = np.column_stack([100 + np.arange(8), 200 + np.arange(8)])
    X, Y = make_windows(y, window_length=3, horizon=2, exog=exog)
    assert X.shape == (4, 3, 3)
    for j in range(4):
        np.testing.assert_array_equal(X[j, :, 0], y[j : j + 3])
        # Exog rows [s + horizon, s + window_length + horizon): ends at the last target.
        np.testing.assert_array_equal(X[j, :, 1:], exog[j + 2 : j + 5])
        np.testing.assert_array_equal(Y[j], y[j + 3 : j + 5])


def test_make_windows_exog_series_and_1d():
    y = pd.Series(np.arange(5.0))
    X_series, _ = make_windows(y, 2, exog=pd.Series(np.arange(5.0) * 10))
    X_array, _ = make_windows(y, 2, exog=np.arange(5.0) * 10)
    np.testing.assert_array_equal(X_series, X_array)
    np.testing.assert_array_equal(X_series[0], [[0, 10], [1, 20]])


def test_make_windows_2d_y_gives_3d_targets():
    y = np.column_stack([np.arange(5), -np.arange(5)])
    X, Y = make_windows(y, window_length=2, horizon=2)
    assert X.shape == (2, 2, 2) and Y.shape == (2, 2, 2)
    np.testing.assert_array_equal(X[1], [[1, -1], [2, -2]])
    np.testing.assert_array_equal(Y[1], [[3, -3], [4, -4]])


def test_make_windows_pandas_inputs_use_values():
    index = pd.date_range("2000", periods=4, freq="YS")
    _, Y_series = make_windows(pd.Series([1.0, 2, 3, 4], index=index), 2)
    _, Y_frame = make_windows(pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=index), 2)
    assert Y_series.shape == (2, 1)
    assert Y_frame.shape == (2, 1, 1)
    np.testing.assert_array_equal(Y_series, [[3], [4]])


def test_make_windows_preserves_float32():
    X, Y = make_windows(np.arange(5, dtype=np.float32), 2)
    assert X.dtype == Y.dtype == np.float32
    X, _ = make_windows(np.arange(5, dtype=np.float32), 2, exog=np.arange(5.0))
    assert X.dtype == np.float64


def test_make_windows_returns_contiguous_copies():
    y = np.arange(6.0)
    X, Y = make_windows(y, 3)
    assert X.flags.c_contiguous and Y.flags.c_contiguous
    X[:] = -1
    np.testing.assert_array_equal(y, np.arange(6.0))


def test_make_windows_exactly_one_window():
    X, Y = make_windows(np.arange(4), 3, 1)
    assert X.shape == (1, 3, 1)
    np.testing.assert_array_equal(Y, [[3]])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"window_length": 4, "horizon": 2}, ValueError, r"5 time steps.*4 \+ 2 = 6"),
        ({"window_length": 0}, ValueError, "window_length == 0, must be >= 1"),
        ({"window_length": 2, "horizon": 0}, ValueError, "horizon == 0, must be >= 1"),
        ({"window_length": 2, "step": -1}, ValueError, "step == -1, must be >= 1"),
        ({"window_length": 2.0}, TypeError, "window_length must be an instance of"),
        ({"window_length": 2, "horizon": "1"}, TypeError, "horizon must be an instance of"),
        ({"window_length": 2, "step": 1.5}, TypeError, "step must be an instance of"),
        ({"window_length": True}, TypeError, "window_length must be an int"),
    ],
)
def test_make_windows_invalid_sizes(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_windows(np.arange(5.0), **kwargs)


@pytest.mark.parametrize("bad, match", [(np.nan, "y contains NaN"), (np.inf, "y contains infinity")])
def test_make_windows_rejects_non_finite_y(bad, match):
    y = np.arange(5.0)
    y[2] = bad
    with pytest.raises(ValueError, match=match):
        make_windows(y, 2)


@pytest.mark.parametrize("bad, match", [(np.nan, "exog contains NaN"), (-np.inf, "exog contains infinity")])
def test_make_windows_rejects_non_finite_exog(bad, match):
    exog = np.zeros((5, 2))
    exog[1, 1] = bad
    with pytest.raises(ValueError, match=match):
        make_windows(np.arange(5.0), 2, exog=exog)


def test_make_windows_rejects_exog_row_mismatch():
    with pytest.raises(ValueError, match="exog has 4 rows but y has 5"):
        make_windows(np.arange(5.0), 2, exog=np.zeros((4, 1)))


def test_make_windows_rejects_rank_3_y():
    with pytest.raises(ValueError, match="y must be 1-D .* or 2-D .*rank 3"):
        make_windows(np.zeros((5, 2, 2)), 2)


def test_make_windows_refuses_exog_longer_horizon_than_window():
    # The exog window is shifted by `horizon` but only `window_length` long: it
    # would silently drop the covariates of the first predicted rows.
    with pytest.raises(ValueError, match=r"window_length=2.*horizon=3"):
        make_windows(np.arange(10), 2, 3, exog=np.arange(10))
    X, _ = make_windows(np.arange(10), 3, 3, exog=np.arange(10))
    assert X.shape == (5, 3, 2)
