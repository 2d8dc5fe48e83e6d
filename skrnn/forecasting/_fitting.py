"""The checks and choices of ``RNNForecaster.fit`` that need only their arguments.

Covariates a search would not hand to the scorer, the horizon the model is
fitted for (:func:`fitted_horizon`) and the steps it must then produce for a
forecast (:func:`steps_to_model`), the regressor ``strategy="seq2seq"`` can
make an encoder–decoder, the rows a series needs, and the fit of the members
on the windows.
"""

from sklearn import get_config

from .._compat import search_fold_estimator_name
from .._regressor import RNNRegressor
from ._ensemble import DefaultForecastNetwork, adapt_to_windows, new_members


def check_exog_reaches_the_scorer(forecaster, exog):
    """Inside a search without metadata routing, refuse `exog`: the scorer would not get it."""
    search = search_fold_estimator_name(forecaster)
    if exog is None or get_config()["enable_metadata_routing"] or search is None:
        return
    raise ValueError(
        f"exog was passed to {search}.fit without metadata routing: "
        "scikit-learn cuts it for each fold's fit but does not hand the test fold's "
        "covariates to the scorer, so every candidate would score NaN and the first "
        "would win. Enable routing before the search, "
        "sklearn.set_config(enable_metadata_routing=True): RNNForecaster and "
        "make_forecast_scorer request exog for fit and score by default."
    )


def fitted_horizon(strategy, horizon):
    """Steps the model is fitted to predict at once: 1 for ``"recursive"``, else `horizon`."""
    if strategy == "recursive":
        return 1
    if horizon is None:
        raise ValueError(f"strategy={strategy!r} needs `horizon`, the number of steps its model predicts.")
    return horizon


def check_seq2seq_estimator(estimator):
    """Raise unless `estimator` can become an encoder–decoder: None (the default network) or an RNNRegressor."""
    if estimator is None or isinstance(estimator, RNNRegressor):
        return
    raise ValueError(
        "strategy='seq2seq' trains an encoder–decoder and needs an RNNRegressor "
        "(or estimator=None, the default network), whose output_steps it sets to "
        f"horizon; got {type(estimator).__name__}. Use strategy='direct' for any "
        "other multi-output regressor."
    )


def as_encoder_decoder(member, horizon, n_future_features):
    """Make an unfitted RNNRegressor an encoder–decoder writing `horizon` steps, reading the covariates of them."""
    return member.set_params(output_steps=horizon, n_future_features=n_future_features)


def rows_needed(window_length, horizon, lags):
    """Fewest rows of `y` giving one training window: the window, its targets, the rows differencing drops."""
    return window_length + horizon + sum(lags)


def check_length(n_rows, window_length, horizon, lags):
    """Raise unless `n_rows` give at least one training window."""
    needed = rows_needed(window_length, horizon, lags)
    if n_rows < needed:
        raise ValueError(
            f"y is too short: it has {n_rows} rows, but window_length="
            f"{window_length} + horizon={horizon} + {sum(lags)} rows "
            f"lost to differencing need at least {needed}."
        )


def fit_members(new_estimator, X, targets, n_estimators, random_state):
    """The members (one per seed, see ``new_members``), each fitted on the windows `X`.

    ``new_estimator(random_state)`` returns an unfitted member; the default
    network adapts its minibatch and early stopping to the number of windows.
    """
    members = new_members(new_estimator, n_estimators, random_state)
    for member in members:
        if isinstance(member, DefaultForecastNetwork):  # our default adapts to a short series
            adapt_to_windows(member, len(X))
        member.fit(X, targets)
    return members


def steps_to_model(strategy, fitted_horizon, horizon):
    """Steps the model must produce for a `horizon`-step forecast.

    A recursive model produces exactly `horizon`; a direct one (or an
    encoder–decoder) always its `fitted_horizon`, which must cover `horizon`.
    """
    if strategy == "recursive":
        return horizon
    if horizon > fitted_horizon:
        raise ValueError(
            f"strategy={strategy!r} was fitted for horizon={fitted_horizon} and cannot "
            f"forecast {horizon} steps; refit with horizon>={horizon} or use "
            "strategy='recursive'."
        )
    return fitted_horizon
