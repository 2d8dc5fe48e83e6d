"""Checking the index and values of the series a forecaster is given, and extending its index.

A forecaster needs to know the step between rows to name the future: a
DatetimeIndex or PeriodIndex with a frequency (inferred by pandas when not
set), or an integer index with a constant step (a RangeIndex, or the
integer index a RangeIndex keeps after a cross-validation split). The
functions taking ``(kind, freq, last)`` work on the grid :func:`index_frequency`
returned for the training index, ``last`` being its last value.
"""

import warnings
from numbers import Integral

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


def check_numeric_columns(frame, name="y"):
    """Raise TypeError naming the first column of `frame` that does not hold real numbers.

    Integers, floats and booleans (pandas' nullable ones too) are numbers;
    datetimes, timedeltas, complex numbers, strings, categories and other
    objects are not: converting them to floats would forecast their encoding
    (nanoseconds since 1970, category codes) or drop their imaginary part.
    """
    for column, dtype in frame.dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
            where = name if frame.shape[1] == 1 and column in (None, 0) else f"{name}'s column {column!r}"
            raise TypeError(
                f"{where} has dtype {dtype}; a forecaster needs real numbers (int, float "
                "or bool). Convert it to numbers, or drop it."
            )


def check_values(frame, name="y"):
    """Return the values of `frame` as float64, refusing non-numbers, empty input, NaN and infinity."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {frame.shape}).")
    check_numeric_columns(frame, name)
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


def past_index(kind, freq, last, n_rows, name=None):
    """The `n_rows` index values ending at `last`: the index of the rows a forecaster holds."""
    if kind == DATETIME:
        return pd.date_range(end=last, periods=n_rows, freq=freq, name=name)
    if kind == PERIOD:
        return pd.period_range(end=last, periods=n_rows, freq=freq, name=name)
    return pd.RangeIndex(last - freq * (n_rows - 1), last + freq, freq, name=name)


def forecast_index(kind, freq, last, horizon, name=None):
    """The index of a forecast: `horizon` steps, or a future index checked against the grid.

    `horizon` is a positive int, or a pandas Index that must start one step
    after `last` and follow the frequency.
    """
    if isinstance(horizon, pd.Index):
        expected = future_index(kind, freq, last, len(horizon), horizon.name)
        if len(horizon) == 0 or not horizon.equals(expected):
            raise ValueError(
                "the future index must start one step after the training data "
                f"({expected[0] if len(expected) else '...'}) and follow its "
                f"frequency; got {horizon[:3].tolist()}..."
            )
        return expected
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, Integral) or horizon <= 0:
        raise ValueError(f"horizon must be a positive integer or a future index; got {horizon!r}.")
    return future_index(kind, freq, last, int(horizon), name)


def steps_skipped(kind, freq, last, index):
    """Steps between `last` and the start of `index` (a gap, as TimeSeriesSplit's), else raise.

    `index` must continue the grid: start one step after `last`, or a whole
    number of steps later, and follow the frequency.
    """
    first_step = steps_after(kind, freq, last, index[0])
    if first_step is not None and first_step >= 1:
        expected = future_index(kind, freq, last, first_step - 1 + len(index))
        if index.equals(expected[first_step - 1 :]):
            return first_step - 1
    expected = future_index(kind, freq, last, 1)
    raise ValueError(
        "y does not continue the training data: its index must start after the "
        f"training data's last value {last} (at {expected[0]} or a whole number "
        f"of steps later) and follow the frequency; got {index[0]}."
    )


def check_continues(kind, freq, last, index, name="y_new"):
    """Raise ValueError unless `index` starts one step after `last` and follows the frequency."""
    expected = future_index(kind, freq, last, len(index))
    if not index.equals(expected):
        raise ValueError(
            f"{name} does not continue the data the forecaster holds: its index must "
            f"start at {expected[0]}, one step after the last value {last}, and follow "
            f"the frequency without gaps; got {index[0]}."
        )


def observed_values(y, target_names, by_name):
    """``(frame, values)`` of an observed period `y`, with the columns of `target_names`.

    A DataFrame's columns are matched to `target_names` by name when
    `by_name`; `values` is float64 of shape (n_steps, len(target_names)).
    """
    frame, _ = as_frame(y)
    if by_name and isinstance(y, pd.DataFrame):
        frame = columns_in_order(frame, target_names)
    values = check_values(frame)
    if values.shape[1] != len(target_names):
        raise ValueError(
            f"y has {values.shape[1]} columns; the forecaster was fitted on {len(target_names)}."
        )
    return frame, values


def columns_in_order(frame, names):
    """`frame` with its columns in the order of `names`; they must be the same set of names."""
    columns = list(frame.columns)
    if columns == names:
        return frame
    if len(columns) == len(names) and set(columns) == set(names):
        return frame[names]
    raise ValueError(f"y's columns {columns} differ from those seen in fit {names}.")


def target_passed_twice(y, exog):
    """True when `exog` is `y` again: scikit-learn's ``fit(X, y)`` given the series as both.

    scikit-learn's scoring strings need the test period as ``y`` as well as
    ``X``, so ``cross_val_score(forecaster, y, y)`` calls ``fit(y_train,
    y_train)``; a series cannot be its own known-future covariate.
    """
    if exog is None or np.shape(exog) != np.shape(y):
        return False
    is_pandas = isinstance(y, (pd.Series, pd.DataFrame))
    if is_pandas != isinstance(exog, (pd.Series, pd.DataFrame)):
        return False
    if is_pandas and not y.index.equals(exog.index):
        return False
    return bool(np.array_equal(np.asarray(y), np.asarray(exog)))


def check_fit_exog(exog, index, name="exog"):
    """Covariates of the training rows as float64 values, and their column names.

    `exog` must have one row per row of the training index (and that very
    index when it is a pandas object); `name` is the argument's, for the errors.
    """
    frame, _ = as_frame(exog, name=name)
    if len(frame) != len(index):
        raise ValueError(f"{name} has {len(frame)} rows but y has {len(index)}; they must share the index.")
    if isinstance(exog, (pd.Series, pd.DataFrame)) and not frame.index.equals(index):
        raise ValueError(f"{name}'s index does not match y's index; align them first.")
    return check_values(frame, name=name), list(frame.columns)


def check_future_exog(exog, names, n_steps, grid, exact=False, name="exog"):
    """The first `n_steps` rows of future covariates as float64 values.

    `names` are the columns seen in fit (None when fitted without them) and
    `grid` the ``(kind, freq, last)`` of the training index, which a pandas
    `exog` must continue. With `exact`, `exog` must have `n_steps` rows, no
    more. `name` is the argument of ``fit`` they go with, for the errors.
    """
    if names is None:
        if exog is not None:
            raise ValueError(f"{name} was given but the forecaster was fitted without {name}.")
        return None
    if exog is None:
        raise ValueError(
            f"the forecaster was fitted with {name}: pass the {name} of the {n_steps} future "
            "steps (on the future index)."
        )
    frame, _ = as_frame(exog, name=name)
    if len(frame) < n_steps:
        raise ValueError(f"{name} has {len(frame)} rows; the forecast needs {n_steps} future rows.")
    if exact and len(frame) != n_steps:
        raise ValueError(f"{name} has {len(frame)} rows; it needs one per new step, {n_steps}.")
    frame = frame.iloc[:n_steps]
    if isinstance(exog, (pd.Series, pd.DataFrame)):
        _check_future_exog_frame(frame, names, future_index(*grid, n_steps), name)
    elif frame.shape[1] != len(names):
        raise ValueError(f"{name} has {frame.shape[1]} columns; fit saw {len(names)}.")
    return check_values(frame, name=name)


def _check_future_exog_frame(frame, names, expected, name):
    if not frame.index.equals(expected):
        raise ValueError(
            f"{name}'s index is misaligned: it must start at {expected[0]} (one step "
            f"after the training data) and follow the frequency; got {frame.index[0]}."
        )
    if list(frame.columns) != names:
        raise ValueError(f"{name}'s columns {list(frame.columns)} differ from those seen in fit {names}.")


def grid_state(kind, freq, last):
    """``(kind, freq, last)`` as plain data (str and int), or None if it would not read back exactly.

    What a saved forecaster holds instead of pandas objects, so that skops
    needs to trust no pandas type: a frequency string and, for the last
    value, int64 nanoseconds (in the Timestamp's unit, with its time zone's
    name) or a period ordinal. :func:`grid_from_state` rebuilds them.
    """
    if kind == INTEGER:
        state = {"kind": kind, "freq": int(freq), "last": int(last)}
    elif kind == DATETIME:
        state = {"kind": kind, "freq": freq.freqstr, "last": int(last.asm8.view("i8")),
                 "unit": last.unit, "tz": None if last.tz is None else str(last.tz)}
    else:
        state = {"kind": kind, "freq": last.freqstr, "last": int(last.ordinal)}
    try:
        back_freq, back_last = grid_from_state(state)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    return state if _same_value(back_freq, freq) and _same_value(back_last, last) else None


def _same_value(a, b):
    same = type(a) is type(b) and a == b
    if same and isinstance(a, pd.Timestamp):
        return a.unit == b.unit and str(a.tz) == str(b.tz)
    return same


def grid_from_state(state):
    """``(freq, last)`` saved by :func:`grid_state`."""
    kind, freq, last = state["kind"], state["freq"], state["last"]
    if kind == INTEGER:
        return freq, last
    if kind == DATETIME:
        stamp = pd.Timestamp(np.datetime64(last, state["unit"]))
        if state["tz"] is not None:
            stamp = stamp.tz_localize("UTC").tz_convert(state["tz"])
        return pd.tseries.frequencies.to_offset(freq), stamp
    period = pd.Period(ordinal=last, freq=freq)
    return period.freq, period


def pandas_forecast(values, index, target_names, is_series):
    """`values` (n_rows, n_targets) on `index`: a Series named like `y` (`is_series`), or a DataFrame."""
    if is_series:
        return pd.Series(values[:, 0], index=index, name=target_names[0])
    return pd.DataFrame(values, index=index, columns=target_names)
