"""The forecaster's default network: the settings its docstring states, and forecasts that
depend on `random_state` alone, bit for bit (issue 9: the benchmark's numbers must be
reproducible and its documented default must be the one that runs)."""

import ast
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNForecaster
from skrnn.datasets import load_airline
from skrnn.forecasting._ensemble import DefaultForecastNetwork, default_estimator


def documented_default():
    """The ``RNNRegressor(...)`` call quoted in RNNForecaster's docstring, as a dict."""
    call = re.search(r"None uses\s+``(RNNRegressor\(.*?\))``", RNNForecaster.__doc__, re.S).group(1)
    keywords = ast.parse(" ".join(call.split()), mode="eval").body.keywords
    return {k.arg: ast.literal_eval(k.value) for k in keywords}


def test_the_docstring_states_the_default_network_that_runs():
    stated = documented_default()
    assert stated, "RNNForecaster's docstring no longer quotes its default network"
    actual = default_estimator().get_params()
    assert {k: actual[k] for k in stated} == stated
    assert type(default_estimator()) is DefaultForecastNetwork


def small_default(random_state):
    forecaster = RNNForecaster(n_estimators=2, random_state=random_state)
    return forecaster.set_params(estimator__max_iter=15)


@pytest.mark.parametrize("random_state", [0, 7])
def test_the_default_forecast_depends_on_random_state_alone(random_state):
    y = load_airline().iloc[:72]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = small_default(random_state).fit(y)
        second = clone(first).fit(y)
        other = small_default(random_state + 1).fit(y)
    forecast = first.predict(12)
    pd.testing.assert_series_equal(second.predict(12), forecast, check_exact=True)
    pd.testing.assert_series_equal(pickle.loads(pickle.dumps(first)).predict(12), forecast, check_exact=True)
    assert not np.array_equal(other.predict(12).to_numpy(), forecast.to_numpy())
