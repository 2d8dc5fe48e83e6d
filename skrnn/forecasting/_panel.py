"""Reading and checking a panel: many series, each with its own time index.

A panel comes as a long DataFrame (one row per series and time step, columns
``unique_id``, ``ds``, ``y`` by default), a dict mapping ids to Series, or a
list of Series (ids from their names, else their positions). Every check
names the series it fails on, and all of them run before any training.

:func:`read_panel` returns a :class:`Panel`: the ids in order of first
appearance, each series' float64 values and its ``(kind, freq, last)`` grid
(the triple of :mod:`._index`), one frequency for the whole panel.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._index import future_index, index_frequency, past_index


@dataclass
class Panel:
    """Series of a panel, parsed and checked.

    Attributes
    ----------
    ids : list
        Series ids, in order of first appearance.
    values : list of ndarray of shape (n_i,)
        float64 values of each series, in time order.
    lasts : list
        Last time value of each series.
    kind : {"datetime", "period", "integer"}
        Kind of the time values (shared by all series).
    freq : pandas.DateOffset or int
        Frequency (the step for integer time), shared by all series.
    target_name : object
        Name of the value column (a Series' name for dict / list input).
    """

    ids: list
    values: list
    lasts: list
    kind: str
    freq: object
    target_name: object


def read_panel(y, id_col="unique_id", time_col="ds", target_col="y"):
    """Parse and check a panel given as a long DataFrame, a dict of Series or a list of Series.

    Parameters
    ----------
    y : pandas.DataFrame, dict of pandas.Series or list of pandas.Series
        The panel. A DataFrame needs the columns `id_col`, `time_col`
        and `target_col`; a Series is indexed by its time.

    Returns
    -------
    panel : Panel
    """
    if isinstance(y, pd.DataFrame):
        ids, series, target_name = _split_long(y, id_col, time_col, target_col)
    elif isinstance(y, dict):
        ids, series, target_name = list(y), list(y.values()), None
    elif isinstance(y, (list, tuple)):
        ids, series, target_name = _list_ids(y), list(y), None
    else:
        raise TypeError(
            "y must be a long DataFrame (columns "
            f"{id_col!r}, {time_col!r}, {target_col!r}), a dict of Series or a list of "
            f"Series; got {type(y).__name__}."
        )
    if not ids:
        raise ValueError("y holds no series.")
    if target_name is None:
        target_name = _shared_name(series, target_col)
    values, grids = zip(*(check_series(uid, s, time_col) for uid, s in zip(ids, series)))
    kind, freq = _shared_frequency(ids, grids)
    return Panel(list(ids), list(values), [g[2] for g in grids], kind, freq, target_name)


def _split_long(frame, id_col, time_col, target_col):
    """``(ids, series, target name)`` of a long DataFrame, one Series per id on its time index."""
    missing = [c for c in (id_col, time_col, target_col) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"y has no column {missing[0]!r} (id_col={id_col!r}, time_col={time_col!r}, "
            f"target_col={target_col!r}); its columns are {list(frame.columns)}."
        )
    if frame[id_col].isna().any():
        raise ValueError(f"y's id column {id_col!r} has missing ids.")
    ids, series = [], []
    for uid, group in frame.groupby(id_col, sort=False):
        ids.append(uid)
        series.append(pd.Series(group[target_col].to_numpy(), index=pd.Index(group[time_col].to_numpy(), name=time_col)))
    return ids, series, target_col


def _list_ids(series):
    """Names of the Series when they are all set and distinct, else their positions."""
    names = [getattr(s, "name", None) for s in series]
    if all(n is not None for n in names) and len(set(names)) == len(names):
        return names
    return list(range(len(series)))


def _shared_name(series, default):
    names = {getattr(s, "name", None) for s in series}
    return names.pop() if len(names) == 1 and None not in names else default


def check_series(uid, series, time_col="ds"):
    """``(values, (kind, freq, last))`` of one series, or an error naming `uid` and the problem."""
    if not isinstance(series, pd.Series):
        raise TypeError(f"series {uid!r} is a {type(series).__name__}; a panel holds pandas Series.")
    if len(series) == 0:
        raise ValueError(f"series {uid!r} is empty.")
    values = _numeric_values(uid, series)
    index = series.index
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(f"series {uid!r} has duplicated time values ({time_col}={dup}): each (id, time) must appear once.")
    if not index.is_monotonic_increasing:
        raise ValueError(f"series {uid!r} is not sorted by time: sort the rows of each series by {time_col!r}.")
    bad = ~np.isfinite(values)
    if bad.any():
        what = "NaN" if np.isnan(values[bad][0]) else "an infinite value"
        raise ValueError(
            f"series {uid!r} has {what} at {time_col}={index[np.flatnonzero(bad)[0]]}; fill or drop missing values first."
        )
    try:
        kind, freq = index_frequency(index, name=str(time_col))
    except ValueError as error:
        raise ValueError(f"series {uid!r}: {error}") from None
    return values, (kind, freq, index[-1])


def _numeric_values(uid, series):
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
    ):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if dtype == object:  # numbers held as Python objects pass; anything else is named
        bad = [v for v in series if not _is_real(v)]
        if not bad:
            return series.to_numpy(dtype=np.float64)
        raise TypeError(f"series {uid!r} has a value that is not a number: {bad[0]!r}. Convert the values to numbers first.")
    raise TypeError(
        f"series {uid!r} has values of dtype {dtype}; a forecaster needs real numbers "
        "(int, float or bool). Convert them to numbers first."
    )


def _is_real(value):
    return value is None or (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool))


def _shared_frequency(ids, grids):
    """The one ``(kind, freq)`` of the panel; series on another grid raise naming the first."""
    kind, freq = grids[0][0], grids[0][1]
    for uid, (k, f, _) in zip(ids, grids):
        if k != kind or f != freq:
            raise ValueError(
                f"series {uid!r} has time of kind {k!r} with frequency {_freq_str(f)}, but series "
                f"{ids[0]!r} has {kind!r} with {_freq_str(freq)}; one model forecasts one frequency."
            )
    return kind, freq


def _freq_str(freq):
    return repr(getattr(freq, "freqstr", freq))


def long_frame(ids, lasts, forecasts, grid, names):
    """Forecasts of every series in long format.

    Parameters
    ----------
    ids : list
    lasts : list
        Last training time value of each series.
    forecasts : ndarray of shape (n_series, n_steps) or (n_series, n_steps, n_columns)
    grid : tuple
        ``(kind, freq)`` of the panel.
    names : tuple
        ``(id_col, time_col, value columns)``.
    """
    id_col, time_col, columns = names
    n_steps = forecasts.shape[1]
    times = [future_index(grid[0], grid[1], last, n_steps) for last in lasts]
    data = {id_col: np.repeat(np.asarray(ids, dtype=object), n_steps), time_col: _concat(times)}
    flat = forecasts.reshape(len(ids) * n_steps, -1)
    data.update({c: flat[:, j] for j, c in enumerate(columns)})
    frame = pd.DataFrame(data)
    if all(isinstance(i, (int, np.integer)) for i in ids):
        frame[id_col] = frame[id_col].astype(np.int64)
    elif all(isinstance(i, str) for i in ids):
        frame[id_col] = frame[id_col].astype(str)
    return frame


def series_index(kind, freq, last, n_rows, name=None):
    """The time index of a series of `n_rows` values ending at `last`."""
    return past_index(kind, freq, last, n_rows, name)


def _concat(indexes):
    first = indexes[0]
    return first.append(indexes[1:]) if len(indexes) > 1 else first


def read_long_columns(frame, panel_ids, id_col, time_col, columns, what):
    """Per series, the rows of a long covariate frame: dict id -> DataFrame on its time index.

    `columns` None takes every column but the id and time ones. Each series
    of `panel_ids` must be present; the values must be real numbers without NaN.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a long DataFrame with columns {id_col!r} and {time_col!r}.")
    for col in (id_col, time_col):
        if col not in frame.columns:
            raise ValueError(f"{what} has no column {col!r}; its columns are {list(frame.columns)}.")
    columns = [c for c in frame.columns if c not in (id_col, time_col)] if columns is None else columns
    groups = {uid: g for uid, g in frame.groupby(id_col, sort=False)}
    out = {}
    for uid in panel_ids:
        if uid not in groups:
            raise ValueError(f"{what} has no rows for series {uid!r}.")
        part = groups[uid].set_index(time_col)
        missing = [c for c in columns if c not in part.columns]
        if missing:
            raise ValueError(f"{what} has no column {missing[0]!r} for series {uid!r}.")
        out[uid] = _checked_numbers(part[columns], uid, what)
    return out, columns


def _checked_numbers(part, uid, what):
    for column, dtype in part.dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
            raise TypeError(f"{what}'s column {column!r} has dtype {dtype} (series {uid!r}); it must hold real numbers.")
    if part.index.has_duplicates:
        raise ValueError(f"{what} has duplicated time values for series {uid!r}.")
    values = part.to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(values).all():
        raise ValueError(f"{what} has NaN or infinite values for series {uid!r}.")
    return part.astype(np.float64)
