"""A forecaster's state as plain data, for pickle, joblib, ``copy`` and skops alike.

``RNNForecaster.__getstate__`` passes its ``__dict__`` through
:func:`plain_state`, and ``__setstate__`` passes what it is given through
:func:`object_state`. The index grid (``freq_``,
``cutoff_``) becomes a frequency string and integers (``_grid``), the level
transform and the calibration cache become dicts, so that skops needs to trust
no pandas type and no private skrnn class (docs/persistence.md). The
calibration's copy of the training values is the array ``y_train_`` until
``update``: it is then saved once, and ``y_is_train`` / ``exog_is_train`` /
``past_is_train`` say which arrays to share again on loading. A forecaster
saved before past-only covariates (or the seasonal adjustment) existed loads as one
fitted without them.
"""

from ._index import grid_from_state, grid_state
from ._intervals import ConformalCalibration
from ._levels import LevelTransform

# The calibration's copies of the training data, and the fitted attribute each starts as.
_CALIBRATION_DATA = (("y", "y_train_"), ("exog", "exog_train_"), ("past", "past_exog_train_"))


def plain_state(state):
    """A copy of `state` (an instance ``__dict__``) with the grid, transform and calibration as plain data."""
    state = dict(state)
    if "cutoff_" in state:
        grid = grid_state(state["index_kind_"], state["freq_"], state["cutoff_"])
        if grid is not None:  # else keep the pandas objects: pickle still works
            del state["freq_"], state["cutoff_"]
            state["_grid"] = grid
    if isinstance(state.get("_levels"), LevelTransform):
        state["_levels"] = dict(vars(state["_levels"]))
    if isinstance(state.get("_calibration"), ConformalCalibration):
        state["_calibration"] = _plain_calibration(state["_calibration"], state)
    return state


def _plain_calibration(calibration, state):
    """The calibration's fields, its data replaced by a flag where it is the training data."""
    fields = dict(vars(calibration))
    for name, train in _CALIBRATION_DATA:
        fields[f"{name}_is_train"] = fields[name] is state[train]
        if fields[f"{name}_is_train"]:
            fields[name] = None
    return fields


def object_state(state):
    """The inverse of :func:`plain_state`: a copy of `state` with the objects rebuilt."""
    state = dict(state)
    if "_grid" in state:
        state["freq_"], state["cutoff_"] = grid_from_state(state.pop("_grid"))
    if isinstance(state.get("_levels"), dict):
        state["_levels"] = _instance(LevelTransform, state["_levels"])
    state.setdefault("seasonal_adjustment", False)  # saved before the parameter existed
    if "cutoff_" in state:  # fitted before past-only covariates existed: fitted without them
        for name in ("past_exog_names_", "past_exog_mean_", "past_exog_scale_", "past_exog_train_",
                     "seasonal_profile_"):
            state.setdefault(name, None)
    if isinstance(state.get("_calibration"), dict):
        fields = {"past": None, **state["_calibration"]}
        for name, train in _CALIBRATION_DATA:
            if fields.pop(f"{name}_is_train", False):
                fields[name] = state[train]
        state["_calibration"] = _instance(ConformalCalibration, fields)
    return state


def _instance(cls, fields):
    """An instance of `cls` holding `fields`, without calling its ``__init__``."""
    instance = cls.__new__(cls)
    instance.__dict__.update(fields)
    return instance
