"""RNNForecaster(seasonal_adjustment=...): the LevelTransform option as a forecaster parameter."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster

M = 12


def seasonal_series(rng, n_seasons=8):
    """A level, a strong monthly pattern and a little noise."""
    pattern = np.array([0, 3, 5, 2, -1, -4, -6, -3, 0, 2, 4, 1], dtype=float)
    values = 50 + np.tile(pattern, n_seasons) + 0.2 * rng.normal(size=n_seasons * M)
    return pd.Series(values, index=pd.period_range("2000-01", periods=len(values), freq="M"))


def ridge(**params):
    return RNNForecaster(Ridge(alpha=1e-3), n_estimators=1, window_length=6, **params)


def test_the_profile_is_removed_and_added_back(rng):
    y = seasonal_series(rng)
    adjusted = ridge(seasonal_adjustment=True).fit(y[:-M])
    plain = ridge().fit(y[:-M])
    assert plain.seasonal_profile_ is None
    profile = adjusted.seasonal_profile_[:, 0]
    assert profile.shape == (M,) and abs(profile.mean()) < 0.1
    # the profile holds the pattern: phase 6 (July) is 6 below the mean, phase 2 (March) 5 above
    assert profile[6] == pytest.approx(-6, abs=0.5) and profile[2] == pytest.approx(5, abs=0.5)
    # a 6-step window cannot see a 12-month pattern; with the profile added back it need not
    error_adjusted = np.abs(adjusted.predict(M) - y[-M:].to_numpy()).mean()
    error_plain = np.abs(plain.predict(M) - y[-M:].to_numpy()).mean()
    assert error_adjusted < 0.5 and 2 * error_adjusted < error_plain


def test_the_seasonal_difference_takes_precedence(rng):
    fitted = ridge(seasonal_adjustment="auto", seasonal_difference=True).fit(seasonal_series(rng))
    assert fitted.seasonal_difference_ and fitted.seasonal_profile_ is None


def test_a_series_without_seasonality_is_not_adjusted(rng):
    y = pd.Series(rng.normal(size=96).cumsum() + 100,
                  index=pd.period_range("2000-01", periods=96, freq="M"))
    assert ridge(seasonal_adjustment="auto").fit(y).seasonal_profile_ is None


def test_saved_and_loaded_alike(rng):
    fitted = ridge(seasonal_adjustment=True).fit(seasonal_series(rng))
    loaded = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_series_equal(loaded.predict(M), fitted.predict(M))
    state = fitted.__getstate__()  # as saved before the parameter existed
    del state["seasonal_adjustment"], state["seasonal_profile_"]
    old = RNNForecaster.__new__(RNNForecaster)
    old.__setstate__(state)
    assert old.get_params()["seasonal_adjustment"] is False and old.seasonal_profile_ is None


def test_bad_values_are_refused(rng):
    with pytest.raises(ValueError, match="seasonal_adjustment"):
        ridge(seasonal_adjustment="sometimes").fit(seasonal_series(rng))
