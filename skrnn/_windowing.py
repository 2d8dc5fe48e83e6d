"""Turning time series into windows: a function for training pairs, a transformer for pipelines.

:func:`make_windows` cuts a series into ``(input window, future targets)`` pairs
and may drop rows; it is what a forecaster calls before fitting.
:class:`WindowTransformer` keeps one output row per input row, the only shape a
scikit-learn transformer may return inside a :class:`~sklearn.pipeline.Pipeline`.
"""

from numbers import Integral, Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array, check_scalar
from sklearn.utils.validation import check_is_fitted

from ._compat import (
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
    validate_data,
)
from ._input import FLOAT_DTYPES

__all__ = ["make_windows", "WindowTransformer"]

# NumPy dtype kinds that are not real numbers: what they hold, and a way to numbers.
_NOT_REAL = {
    "M": ("dates", "e.g. to calendar features or to time elapsed in seconds"),
    "m": ("durations", "e.g. to seconds with .total_seconds() or / np.timedelta64(1, 's')"),
    "c": ("complex numbers", "e.g. to their real and imaginary parts as two columns"),
}


def _check_positive_int(value, name):
    # check_scalar lets bools through as Integral; a window of length True is a bug.
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got bool.")
    check_scalar(value, name, target_type=Integral, min_val=1)
    return int(value)


class NotRealDataError(TypeError, ValueError):
    """Dates, durations or complex numbers where real numbers are needed.

    A TypeError, and a ValueError too: scikit-learn refuses complex data with
    ``ValueError("Complex data not supported")``, which its estimator checks
    and existing ``except ValueError`` code expect.
    """


def _check_real_dtypes(values, name):
    """Raise NotRealDataError for datetime, timedelta and complex data (a DataFrame's column named).

    check_array would turn dates and durations into nanosecond counts silently.
    """
    if hasattr(values, "dtypes") and not hasattr(values, "dtype"):  # a DataFrame
        dtypes = list(values.dtypes.items())
    else:
        dtype = getattr(values, "dtype", None)
        dtypes = [(None, np.asarray(values).dtype if dtype is None else dtype)]
    for column, dtype in dtypes:
        if getattr(dtype, "kind", "O") in _NOT_REAL:
            where = name if column is None else f"{name}'s column {column!r}"
            what, how = _NOT_REAL[dtype.kind]
            prefix = "Complex data not supported: " if dtype.kind == "c" else ""
            raise NotRealDataError(
                f"{prefix}{where} has dtype {dtype} ({what}); windows need real numbers: "
                f"convert it, {how}."
            )


def _as_float_series(values, name):
    """Validate a series as a finite float array of rank 1 or 2 (rows are time)."""
    _check_real_dtypes(values, name)
    arr = check_array(
        values, ensure_2d=False, allow_nd=True, dtype=FLOAT_DTYPES, input_name=name
    )
    if arr.ndim > 2:
        raise ValueError(
            f"{name} must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_channels); "
            f"got an array of rank {arr.ndim} with shape {arr.shape}."
        )
    return arr


def _window_starts(n_timesteps, span, step):
    """First row of each window, oldest first, with the last window ending at the last row."""
    last = n_timesteps - span
    return np.arange(last % step, last + 1, step)


def _sliding(arr2d, length, starts):
    """Windows of ``length`` rows beginning at ``starts``: shape (len(starts), length, n_cols)."""
    # sliding_window_view puts the window axis last: (n_windows, n_cols, length).
    views = sliding_window_view(arr2d, length, axis=0)[starts]
    return np.ascontiguousarray(views.transpose(0, 2, 1))


def make_windows(y, window_length, horizon=1, *, step=1, exog=None):
    """Cut a time series into input windows and the targets that follow them.

    Window ``j`` starts at row ``s_j``. Its inputs are rows
    ``[s_j, s_j + window_length)`` of ``y`` and its targets are the next
    ``horizon`` rows, ``[s_j + window_length, s_j + window_length + horizon)``.
    Windows are anchored at the end: the last window's targets are the last
    ``horizon`` rows of ``y``, earlier windows step back by ``step`` rows, and
    rows at the start that do not fill a whole window are dropped. Windows are
    returned oldest first.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
        The series, rows ordered in time. A :class:`pandas.Series` or
        :class:`pandas.DataFrame` is accepted; its index is ignored.
    window_length : int
        Number of past rows in each input window, at least 1.
    horizon : int, default=1
        Number of future rows to predict from each window, at least 1.
    step : int, default=1
        Rows between the starts of consecutive windows, at least 1.
    exog : array-like of shape (n_timesteps,) or (n_timesteps, n_exog), default=None
        Exogenous covariates, one row per row of ``y``. They are treated as
        **known-future** covariates (calendar features, holidays, planned
        prices): the exog part of window ``j`` is taken ``horizon`` rows
        later than the ``y`` part, rows ``[s_j + horizon, s_j + window_length
        + horizon)``, so the last ``horizon`` time steps of every window carry
        the covariates of the steps being predicted; this needs
        ``window_length >= horizon`` (a shorter window would drop the
        covariates of the first predicted steps). Shift covariates known only
        up to the present yourself beforehand, or give them to
        ``RNNForecaster.fit(past_exog=...)``, which reads them over each window
        and never on the rows it predicts.

    Returns
    -------
    X : ndarray of shape (n_windows, window_length, n_channels + n_exog)
        Input windows, the ``y`` channels first and then the ``exog``
        channels, with ``n_windows = (n_timesteps - window_length - horizon)
        // step + 1``. The dtype is float32 if ``y`` and ``exog`` are float32,
        float64 otherwise (integers become float64).
    Y : ndarray of shape (n_windows, horizon) or (n_windows, horizon, n_channels)
        Targets: 2-D when ``y`` is 1-D or a Series, 3-D when ``y`` is 2-D or
        a DataFrame. Same dtype as the validated ``y``.

    Raises
    ------
    TypeError
        If ``window_length``, ``horizon`` or ``step`` is not an int, or if
        ``y`` or ``exog`` holds dates, durations or complex numbers.
    ValueError
        If one of them is below 1, if ``y`` has fewer than ``window_length +
        horizon`` rows, if ``y`` or ``exog`` contains NaN or infinity, if
        ``exog`` does not have as many rows as ``y``, if ``exog`` is given
        and ``horizon > window_length``, or if ``y`` has rank above 2.

    See Also
    --------
    WindowTransformer : Lagged windows that keep one row per input row, for pipelines.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> X, Y = make_windows(np.arange(6), window_length=3, horizon=2)
    >>> X.shape, Y.shape
    ((2, 3, 1), (2, 2))
    >>> X[:, :, 0]
    array([[0., 1., 2.],
           [1., 2., 3.]])
    >>> Y
    array([[3., 4.],
           [4., 5.]])

    Known-future covariates are shifted by ``horizon`` rows:

    >>> X, Y = make_windows(np.arange(6), 3, 2, exog=10 * np.arange(6))
    >>> X[0]
    array([[ 0., 20.],
           [ 1., 30.],
           [ 2., 40.]])
    """
    window_length = _check_positive_int(window_length, "window_length")
    horizon = _check_positive_int(horizon, "horizon")
    step = _check_positive_int(step, "step")
    y = _as_float_series(y, "y")
    n_timesteps = y.shape[0]
    if n_timesteps < window_length + horizon:
        raise ValueError(
            f"y has {n_timesteps} time steps, fewer than window_length + horizon "
            f"= {window_length} + {horizon} = {window_length + horizon} needed "
            "for one window."
        )
    y2d = y.reshape(n_timesteps, -1)
    starts = _window_starts(n_timesteps, window_length + horizon, step)
    windows = _sliding(y2d, window_length + horizon, starts)
    X = windows[:, :window_length]
    Y = windows[:, window_length:]
    if exog is not None:
        _check_exog_fits_window(window_length, horizon)
        exog_windows = _exog_windows(exog, n_timesteps, window_length, horizon, starts)
        X = np.concatenate([X, exog_windows], axis=2)
    if y.ndim == 1:
        Y = Y[:, :, 0]
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


def _check_exog_fits_window(window_length, horizon):
    if horizon > window_length:
        raise ValueError(
            f"with exog, window_length={window_length} must be >= horizon={horizon}: each "
            f"window carries the covariates of the rows it predicts, and horizon={horizon} "
            f"rows do not fit in window_length={window_length}; use window_length>={horizon}."
        )


def _exog_windows(exog, n_timesteps, window_length, horizon, starts):
    """Exog windows shifted ``horizon`` rows later than the ``y`` windows (known-future)."""
    exog = _as_float_series(exog, "exog")
    if exog.shape[0] != n_timesteps:
        raise ValueError(
            f"exog has {exog.shape[0]} rows but y has {n_timesteps}; "
            "they must have one row per time step."
        )
    exog2d = exog.reshape(n_timesteps, -1)
    return _sliding(exog2d[horizon:], window_length, starts)


class WindowTransformer(TransformerMixin, BaseEstimator):
    """Replace each row by the window of the last ``window_length`` rows up to it.

    Output row ``t`` holds input rows ``t - window_length + 1, ..., t``
    (inclusive), oldest first, each with all its features: the columns are
    ``[x(t-L+1) features, ..., x(t) features]`` with ``L = window_length``.
    That is the time-major layout :class:`~skrnn.RNNRegressor` reads 2-D
    input in, so ``make_pipeline(WindowTransformer(12),
    RNNRegressor(n_channels=n_features))`` turns a tabular series into
    sequences. With ``y[t] = series[t + 1]`` it is a one-step-ahead model.

    Unlike :func:`make_windows`, no row is dropped: scikit-learn transformers
    must return one row per input row, or a :class:`~sklearn.pipeline.Pipeline`
    could not keep ``X`` and ``y`` aligned.

    Parameters
    ----------
    window_length : int, default=3
        Number of rows in each window, the current row included. ``1``
        returns the input unchanged.
    fill : "edge" or float, default="edge"
        How to fill the lags before the first row, which the first
        ``window_length - 1`` output rows have no data for. ``"edge"``
        repeats the first row, which keeps inputs in the range the data
        lives in (a constant such as 0 can be far outside a scaled series and
        mislead a neural network). A finite float fills with that constant.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    make_windows : Cut a series into (window, future targets) training pairs.

    Notes
    -----
    The transformer learns nothing from the data besides the number and names
    of its columns. :meth:`transform` pads the start of *whatever* it is given:
    rows of a test fold do not see the end of the training fold. This keeps
    ``transform`` a pure function of its input (no hidden state to leak
    between folds) at the price of ``window_length - 1`` padded rows at the
    start of every batch. To forecast with full history, transform the
    training and test rows together and slice the result.

    Because each output row depends on its neighbours, shuffling or
    subsetting rows before :meth:`transform` changes the result: keep rows in
    time order (use :class:`~sklearn.model_selection.TimeSeriesSplit`, not a
    shuffled split).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import WindowTransformer
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> WindowTransformer(window_length=3).fit_transform(X)
    array([[1., 1., 1.],
           [1., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> WindowTransformer(window_length=2, fill=0.0).fit_transform(X)
    array([[0., 1.],
           [1., 2.],
           [2., 3.],
           [3., 4.]])
    >>> WindowTransformer(window_length=2).fit(X).get_feature_names_out()
    array(['x0_lag1', 'x0_lag0'], dtype=object)
    """

    _parameter_constraints = {
        "window_length": [Interval(Integral, 1, None, closed="left")],
        # closed="neither" on an unbounded interval rejects NaN and +-inf.
        "fill": [StrOptions({"edge"}), Interval(Real, None, None, closed="neither")],
    }

    def __init__(self, window_length=3, fill="edge"):
        self.window_length = window_length
        self.fill = fill

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the number and names of the features of `X`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows ordered in time.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        _check_real_dtypes(X, "X")
        validate_data(self, X, dtype=FLOAT_DTYPES)
        return self

    def transform(self, X):
        """Return, for each row, the window of rows ending at it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows ordered in time. Its first ``window_length - 1`` rows are
            padded according to `fill`.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, window_length * n_features)
            Lagged rows, oldest lag first, time-major. float32 input stays
            float32; anything else becomes float64.
        """
        check_is_fitted(self)
        _check_real_dtypes(X, "X")
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        padded = self._pad_start(X)
        windows = _sliding(padded, self.window_length, np.arange(X.shape[0]))
        return windows.reshape(X.shape[0], -1)

    def _pad_start(self, X):
        """Prepend the ``window_length - 1`` rows of history the first rows lack."""
        pad_width = ((self.window_length - 1, 0), (0, 0))
        if self.fill == "edge":
            return np.pad(X, pad_width, mode="edge")
        largest = float(np.finfo(X.dtype).max)
        if abs(self.fill) > largest:
            raise ValueError(
                f"fill={self.fill} does not fit in X's dtype {X.dtype} (largest {largest:.3g}), "
                "which the output keeps: pass float64 X or a smaller fill."
            )
        return np.pad(X, pad_width, mode="constant", constant_values=self.fill)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``<feature>_lag<k>``, oldest lag first.

        ``lag0`` is the current row, ``lag1`` the row before it, and so on.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names. If None, `feature_names_in_` is used when
            defined, otherwise ``["x0", "x1", ...]``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``window_length * n_features_in_`` names, in output column order.
        """
        check_is_fitted(self, "n_features_in_")
        names = _check_feature_names_in(self, input_features)
        lags = range(self.window_length - 1, -1, -1)
        return np.asarray([f"{name}_lag{k}" for k in lags for name in names], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.allow_nan = False
        return tags
