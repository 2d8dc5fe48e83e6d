"""Standardise sequences channel by channel, over the valid time steps only.

:func:`channel_mean_scale` is the one rule: the mean and standard deviation of each
channel over the pooled valid steps of padded sequences. :class:`SequenceScaler` applies
it to any input format the estimators read; the estimators call the function directly on
the padded arrays they already hold.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, _fit_context, _get_output_config
from .._input import (
    FLOAT_DTYPES,
    SEQUENCES,
    TABULAR,
    as_sequence_list,
    check_X,
    object_array_as_list,
    to_list_of_sequences,
    valid_step_mask,
)

__all__ = ["SequenceScaler", "channel_mean_scale"]


def _valid_steps(X3, lengths, sample_weight):
    """The valid time steps of all rows stacked, shape (n_valid_steps, n_channels), and
    each step's weight (its row's), or None for unit weights."""
    n_samples, n_timesteps, n_channels = X3.shape
    if lengths is None:
        steps = X3.reshape(n_samples * n_timesteps, n_channels)
        weights = None if sample_weight is None else np.repeat(sample_weight, n_timesteps)
        return steps, weights
    valid = valid_step_mask(np.asarray(lengths), n_timesteps)
    weights = None if sample_weight is None else np.broadcast_to(
        np.asarray(sample_weight)[:, np.newaxis], valid.shape)[valid]
    return X3[valid], weights


def _is_constant(var, mean, n_steps):
    """Channels whose variance is within the rounding error of a two-pass computation.

    The bound of scikit-learn's ``StandardScaler`` (``_is_constant_feature``): a constant
    channel's computed variance need not be exactly 0, and dividing by its square root
    would blow rounding noise up to order 1.
    """
    eps = np.finfo(np.float64).eps
    return var <= n_steps * eps * var + (n_steps * mean * eps) ** 2


def channel_mean_scale(X3, lengths=None, with_mean=True, with_std=True, sample_weight=None):
    """Mean and standard deviation of each channel over the valid steps of sequences.

    Every valid time step of every sequence counts once and padding never counts: the
    statistics are those of the pooled steps, as if all sequences were concatenated, so a
    long sequence weighs more than a short one. Standardising is then
    ``(X3 - mean) / scale``.

    Parameters
    ----------
    X3 : ndarray of shape (n_samples, n_timesteps, n_channels)
        Finite sequences, padded at the front as :func:`skrnn._input.check_X` and
        :func:`skrnn._input.pad_sequences` return them: row ``i`` holds its
        ``lengths[i]`` valid steps last and padding in its first
        ``n_timesteps - lengths[i]`` steps.
    lengths : array-like of int of shape (n_samples,), default=None
        Valid steps per row, between 0 and ``n_timesteps``; None when every step is
        valid. At least one step must be valid in all.
    with_mean : bool, default=True
        If False, `mean` is returned as zeros (no centring).
    with_std : bool, default=True
        If False, `scale` is returned as ones (no scaling).
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sequence, given to each of its valid steps (so a weight of 2
        counts as the sequence repeated twice). None weighs every step 1; all-zero
        weights count as None.

    Returns
    -------
    mean : ndarray of shape (n_channels,)
        Per-channel mean of the valid steps (zeros if ``with_mean=False``).
    scale : ndarray of shape (n_channels,)
        Per-channel population standard deviation (``ddof=0``) of the valid steps,
        around their mean, with 1 for constant channels so that dividing by it is always
        safe (ones if ``with_std=False``).
    var : ndarray of shape (n_channels,)
        Per-channel population variance of the valid steps, whatever the flags. It
        overflows to ``inf`` when the standard deviation exceeds about 1e154, which
        `scale` does not.

    Raises
    ------
    ValueError
        If no time step is valid.

    Notes
    -----
    The three arrays are float64 whatever the dtype of `X3`. Each channel is first
    divided by its largest absolute value, so that the squares of the corrected two-pass
    algorithm (Chan, Golub and LeVeque, 1983) neither overflow for values near 1e200 nor
    underflow for values near 1e-170; a constant channel then becomes exactly +-1 and
    gets a variance of exactly 0.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.preprocessing import channel_mean_scale
    >>> X3 = np.array([[[0.0], [1.0], [3.0]],
    ...                [[0.0], [0.0], [5.0]]])  # second row: 2 padding steps, then 5
    >>> mean, scale, var = channel_mean_scale(X3, lengths=[3, 1])
    >>> mean, var  # of the steps 0, 1, 3 and 5
    (array([2.25]), array([3.6875]))
    """
    if sample_weight is not None and not np.any(sample_weight):
        sample_weight = None
    steps, weights = _valid_steps(X3, lengths, sample_weight)
    n_steps = steps.shape[0]
    if n_steps == 0:
        raise ValueError("X3 has no valid time step: all lengths are 0.")
    peak = np.maximum(steps.max(axis=0), -steps.min(axis=0)).astype(np.float64)
    peak[peak == 0] = 1.0
    deviation = steps / peak  # float64, every value in [-1, 1]
    unit_mean = np.average(deviation, axis=0, weights=weights)
    deviation -= unit_mean
    # Corrected two-pass: the second term removes the rounding error left in unit_mean.
    unit_var = (
        np.average(deviation * deviation, axis=0, weights=weights)
        - np.average(deviation, axis=0, weights=weights) ** 2
    )
    unit_var = np.maximum(unit_var, 0.0)
    std = np.sqrt(unit_var) * peak  # finite: std <= peak
    with np.errstate(over="ignore", under="ignore"):  # var may leave float64's range
        var = std**2
    constant = _is_constant(unit_var, unit_mean, n_steps) | (std == 0)
    mean = unit_mean * peak if with_mean else np.zeros_like(peak)
    scale = np.where(constant, 1.0, std) if with_std else np.ones_like(peak)
    return mean, scale, var


def _dtypes(part):
    if hasattr(part, "dtype"):
        return [part.dtype]
    if hasattr(part, "dtypes"):  # a DataFrame: one dtype per column
        return list(part.dtypes)
    try:
        return [np.asarray(part).dtype]
    except (ValueError, TypeError):  # ragged nested lists: check_array will explain
        return []


def _reject_datetimes(X):
    """Refuse dates and durations, which ``check_array`` silently reads as numbers.

    ``check_array`` turns datetime64 into a count of days or nanoseconds since 1970:
    scaling that is almost never what was meant.
    """
    if isinstance(X, (list, tuple)):
        parts = [(f"X[{i}]", x) for i, x in enumerate(X)]
    else:
        parts = [("X", X)]
    for name, part in parts:
        for dtype in _dtypes(part):
            if getattr(dtype, "kind", None) in ("m", "M"):
                raise TypeError(
                    f"{name} holds {dtype} values; SequenceScaler scales numbers only: "
                    "convert dates and durations to numeric features first."
                )


def _sequences_dtype(sequences):
    """float32 if every sequence is float32, float64 otherwise (as for arrays)."""
    if all(getattr(x, "dtype", None) == np.float32 for x in sequences):
        return np.float32
    return np.float64


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise sequences channel by channel: ``(x - mean_) / scale_``.

    The sequence counterpart of :class:`~sklearn.preprocessing.StandardScaler`, for the
    inputs :class:`~skrnn.RNNClassifier` and :class:`~skrnn.RNNRegressor` read, so that
    scaling can precede them in a :class:`~sklearn.pipeline.Pipeline`:

    * a 3-D array ``(n_samples, n_timesteps, n_channels)``: channels are the last axis;
    * a list (or tuple, or 1-D object array) of ``(T_i, n_channels)`` or ``(T_i,)``
      arrays of different lengths;
    * a 2-D array or DataFrame ``(n_samples, n_timesteps * n_channels)``, read
      time-major (columns ``t0c0, t0c1, ..., t1c0, ...``) with `n_channels` values per
      time step.

    :meth:`transform` and :meth:`inverse_transform` return their input's format: a 3-D
    array for a 3-D array, a list of arrays of the same shapes for a list, a 2-D array
    for a 2-D array (a DataFrame with ``set_output(transform="pandas")``). As in the
    estimators, X must come in the format the scaler was fitted on: a 2-D table, or
    sequences (3-D arrays and lists are interchangeable).

    Parameters
    ----------
    with_mean : bool, default=True
        If True, subtract each channel's mean.
    with_std : bool, default=True
        If True, divide by each channel's standard deviation.
    n_channels : int, default=1
        Number of values per time step in a 2-D X, whose number of columns must be a
        multiple of it. Ignored for 3-D arrays and lists, whose last axis gives the
        channels. The value at :meth:`fit` is the one later calls use.
    copy : bool, default=True
        If False, scale a 2-D or 3-D float array of the output dtype in place when
        possible and return it (a list of sequences is always copied, into one padded
        array).

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,) or None
        Mean of each channel over the valid time steps seen in :meth:`fit`. None when
        ``with_mean=False`` (unlike ``StandardScaler``, which keeps it when
        ``with_std=True``): None means nothing is subtracted.
    var_ : ndarray of shape (n_channels,) or None
        Population variance (``ddof=0``) of each channel over the same steps. None when
        ``with_std=False``. It overflows to ``inf`` for standard deviations beyond about
        1e154, where `scale_` is still exact.
    scale_ : ndarray of shape (n_channels,) or None
        Standard deviation of each channel, 1 for constant channels. None when
        ``with_std=False``.
    n_samples_seen_ : int
        Number of sequences (rows) seen in :meth:`fit`.
    n_features_in_ : int
        Number of columns of a 2-D X, the number of channels of sequences.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns of a DataFrame X seen in :meth:`fit`. Defined only when
        X has feature names that are all strings.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for 2-D tables of features.
    RNNClassifier, RNNRegressor : Read the same formats.

    Notes
    -----
    The statistics are those of the pooled valid time steps: every step of every
    training sequence counts once and padding never counts, as if the sequences were
    concatenated, so a long sequence weighs more than a short one. They are computed by
    the helper ``skrnn.preprocessing.channel_mean_scale``, which the
    estimators use too.

    A constant channel (zero variance, up to rounding) gets ``scale_ = 1``, as in
    ``StandardScaler``: it is centred, not divided by zero. The variance is computed
    after dividing each channel by its largest absolute value, so values near 1e200 or
    1e-30 give finite, accurate statistics.

    float32 input gives float32 output; anything else gives float64. The statistics
    themselves are float64. Dates, durations, complex numbers, NaN and infinity are
    refused.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SequenceScaler
    >>> X = np.array([[[1.0, 10.0], [3.0, 30.0]],
    ...               [[5.0, 50.0], [7.0, 70.0]]])  # 2 sequences, 2 steps, 2 channels
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_, scaler.scale_.round(3)
    (array([ 4., 40.]), array([ 2.236, 22.361]))
    >>> Xt = scaler.transform(X)
    >>> Xt.shape, Xt.mean(axis=(0, 1)).round(12) + 0.0
    ((2, 2, 2), array([0., 0.]))
    >>> Xt[:, :, 0].round(3)
    array([[-1.342, -0.447],
           [ 0.447,  1.342]])
    >>> np.allclose(scaler.inverse_transform(Xt), X)
    True
    """

    _parameter_constraints = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "n_channels": [Interval(Integral, 1, None, closed="left")],
        "copy": ["boolean"],
    }

    def __init__(self, *, with_mean=True, with_std=True, n_channels=1, copy=True):
        self.with_mean = with_mean
        self.with_std = with_std
        self.n_channels = n_channels
        self.copy = copy

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each channel's mean and standard deviation over the valid time steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_channels) or \
                (n_samples, n_timesteps * n_channels), or list of array-like
            A 3-D array, a 2-D table read time-major with `n_channels` values per
            step, or a list of ``(T_i, n_channels)`` or ``(T_i,)`` arrays.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        before = vars(self).copy()
        try:
            self._fit(X)
        except Exception:
            # Validation records X's shape and names as it goes: a failing fit must
            # leave a fitted scaler exactly as it was.
            vars(self).clear()
            vars(self).update(before)
            raise
        return self

    def _fit(self, X):
        X3, lengths, _ = self._read(X, reset=True)
        mean, scale, var = channel_mean_scale(X3, lengths, self.with_mean, self.with_std)
        self.mean_ = mean if self.with_mean else None
        self.var_ = var if self.with_std else None
        self.scale_ = scale if self.with_std else None
        self.n_samples_seen_ = X3.shape[0]

    def transform(self, X):
        """Standardise each channel: ``(x - mean_) / scale_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_channels) or \
                (n_samples, n_timesteps * n_channels), or list of array-like
            In the format the scaler was fitted on (sequences or 2-D table), with the
            same number of channels (columns for a 2-D table). The number of time
            steps may differ from fit's for sequences.

        Returns
        -------
        X_scaled : ndarray or list of ndarray
            Same format and shapes as X: a 3-D array, a list of arrays of the input
            sequences' shapes, or a 2-D array (a DataFrame with
            ``set_output(transform="pandas")``).
        """
        check_is_fitted(self)
        if self._input_kind == SEQUENCES and _get_output_config("transform", self)[
            "dense"
        ] != "default":
            raise ValueError(
                "SequenceScaler was fitted on sequences, which a DataFrame cannot hold: "
                "set_output(transform=...) applies to 2-D X only; use "
                "set_output(transform='default')."
            )
        return self._apply(X, inverse=False)

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``x * scale_ + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_channels) or \
                (n_samples, n_timesteps * n_channels), or list of array-like
            Standardised data, in the format the scaler was fitted on.

        Returns
        -------
        X_original : ndarray or list of ndarray
            Same format and shapes as X.
        """
        check_is_fitted(self)
        return self._apply(X, inverse=True)

    def _apply(self, X, inverse):
        X3, lengths, sequences = self._read(X, reset=False)
        if sequences is None and (self.copy or not X3.flags.writeable):
            X3 = X3.copy()  # a list of sequences was padded into a new array already
        mean = 0.0 if self.mean_ is None else self.mean_.astype(X3.dtype)
        scale = 1.0 if self.scale_ is None else self.scale_.astype(X3.dtype)
        if inverse:
            X3 *= scale
            X3 += mean
        else:
            X3 -= mean
            X3 /= scale
        return self._to_input_format(X3, lengths, sequences)

    def _read(self, X, *, reset):
        """Validate X as the estimators do.

        Returns the padded ``(n_samples, n_timesteps, n_channels)`` array, the valid
        lengths (None if all steps are valid) and X as a list of sequences (None unless
        X is one), which :meth:`_to_input_format` needs to give back X's format.
        """
        X = object_array_as_list(X)
        if isinstance(X, (list, tuple)) and len(X) == 0:
            raise ValueError("X is empty: pass at least one sequence.")
        _reject_datetimes(X)
        expect_sequences = not reset and self._input_kind == SEQUENCES
        sequences = as_sequence_list(X, expect_sequences)
        dtype = FLOAT_DTYPES if sequences is None else _sequences_dtype(sequences)
        X3, lengths = check_X(self, X, reset=reset, dtype=dtype)
        return X3, lengths, sequences

    def _to_input_format(self, X3, lengths, sequences):
        if sequences is not None:
            if lengths is None:
                lengths = np.full(X3.shape[0], X3.shape[1])
            rows = to_list_of_sequences(X3, lengths)
            return [row[:, 0] if np.ndim(x) == 1 else row for row, x in zip(rows, sequences)]
        if self._input_kind == TABULAR:
            return X3.reshape(X3.shape[0], -1)
        return X3

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
