"""Checking the index and values of the series a forecaster is given, and extending its index.

A forecaster needs to know the step between rows to name the future: a
DatetimeIndex or PeriodIndex with a frequency (inferred by pandas when not
set), or an integer index with a constant step (a RangeIndex, or the
integer index a RangeIndex keeps after a cross-validation split).
"""

import warnings

import numpy as np
import pandas as pd

DATETIME, PERIOD, INTEGER = "datetime", "period", "integer"


def as_frame(y, name="y"):
    """Return ``(frame, is_series)``: `y` as a DataFrame of floats, rows in time order.

    A Series becomes a one-column DataFrame (its name kept as the column), a
    NumPy array a DataFrame on a RangeIndex.
    """
    if isinstance(y, pd.Series):
        return y.to_frame(name=y.name), True
    if isinstance(y, pd.DataFrame):
        return y, False
    arr = np.asarray(y)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be a Series, a DataFrame or an array of rank 1 or 2; "
            f"got rank {arr.ndim}."
        )
    if arr.ndim == 1:
        return pd.Series(arr).to_frame(name=None), True
    return pd.DataFrame(arr), False


def check_values(frame, name="y"):
    """Return the values of `frame` as float64, refusing empty input, NaN and infinity."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {frame.shape}).")
    # A copy: the fitted forecaster keeps these values, and must not change when the
    # caller later edits their frame in place.
    values = frame.to_numpy(dtype=np.float64, copy=True)
    if np.isnan(values).any():
        raise ValueError(f"{name} contains NaN; fill or drop missing values first.")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains infinite values.")
    return values


def _infer_freq(index):
    """pandas' inferred frequency of `index` as an offset, or None."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return offsets; we convert anyway.
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def index_frequency(index, name="y"):
    """Return ``(kind, freq)`` of a regular time index, else raise ValueError.

    ``freq`` is a pandas offset for DatetimeIndex / PeriodIndex and the
    integer step for an integer index.
    """
    if index.has_duplicates:
        raise ValueError(f"{name}'s index has duplicated values; each time step must appear once.")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}'s index is not monotonic increasing; sort it by time first.")
    if isinstance(index, pd.PeriodIndex):
        kind, freq = PERIOD, index.freq
    elif isinstance(index, pd.DatetimeIndex):
        kind, freq = DATETIME, index.freq or _infer_freq(index)
        if freq is None:
            raise ValueError(
                f"{name}'s DatetimeIndex is irregular: pandas cannot infer a frequency "
                "from it and none is set. Resample it to a regular frequency "
                "(e.g. y.asfreq('MS')) or use a RangeIndex."
            )
    elif pd.api.types.is_integer_dtype(index.dtype):
        return INTEGER, _integer_step(index, name)
    else:
        raise ValueError(
            f"{name}'s index must be a DatetimeIndex, a PeriodIndex or an integer "
            f"index such as a RangeIndex; got {type(index).__name__}."
        )
    make_range = pd.date_range if kind == DATETIME else pd.period_range
    if not index.equals(make_range(index[0], periods=len(index), freq=freq)):
        raise ValueError(
            f"{name}'s index is irregular: it has gaps for its frequency {freq.freqstr!r}."
        )
    return kind, freq


def _integer_step(index, name):
    steps = np.diff(index.to_numpy())
    if len(steps) and not (steps == steps[0]).all():
        raise ValueError(
            f"{name}'s integer index is irregular: steps between rows differ "
            f"(from {steps.min()} to {steps.max()})."
        )
    return int(steps[0]) if len(steps) else 1


def steps_after(kind, freq, last, first):
    """Number of steps from `last` to `first` on the frequency grid, or None.

    None when `first` is not on the grid of `last` (or not comparable with it).
    0 when `first` is not after `last`.
    """
    try:
        if kind == INTEGER:
            delta = int(first) - int(last)
            return delta // freq if delta % freq == 0 else None
        if first <= last:
            return 0
        make_range = pd.date_range if kind == DATETIME else pd.period_range
        grid = make_range(start=last, end=first, freq=freq)
    except (TypeError, ValueError):
        return None
    return len(grid) - 1 if grid[-1] == first else None


def future_index(kind, freq, last, horizon, name=None):
    """The `horizon` index values after `last`, using pandas' own frequency arithmetic."""
    if kind == DATETIME:
        return pd.date_range(start=last + freq, periods=horizon, freq=freq, name=name)
    if kind == PERIOD:
        return pd.period_range(start=last + 1, periods=horizon, freq=freq, name=name)
    return pd.RangeIndex(last + freq, last + freq * (horizon + 1), freq, name=name)
