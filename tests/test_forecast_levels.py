"""The level transforms of the forecaster: the "auto" rules on series with known answers,
and the fitted transform undone exactly."""

import itertools

import numpy as np
import pytest

from skrnn.forecasting._levels import (
    KPSS_CRITICAL_5PCT,
    SEASONAL_STRENGTH_THRESHOLD,
    LevelTransform,
    kpss_statistic,
    needs_difference,
    needs_log,
    needs_seasonal_difference,
    seasonal_profiles,
    seasonal_strength,
    variability_slope,
)

SEEDS = range(5)
M = 12


def ar1(n, phi, rng):
    """A stationary AR(1) series, its first 100 steps (the burn-in) dropped."""
    noise = rng.normal(size=n + 100)
    x = np.zeros(n + 100)
    for t in range(1, n + 100):
        x[t] = phi * x[t - 1] + noise[t]
    return x[100:]


def seasonal_series(kind, rng, n=144):
    """Monthly trend and seasonality: summed (additive) or the exp of their sum (multiplicative)."""
    t = np.arange(n)
    if kind == "multiplicative":
        return np.exp(4 + 0.02 * t + 0.2 * np.sin(2 * np.pi * t / M) + 0.02 * rng.normal(size=n))
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / M) + rng.normal(size=n)


# --- KPSS: ordinary difference ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["random walk", "trend"])
def test_kpss_rejects_level_stationarity_of_a_random_walk_and_a_trend(kind, seed):
    rng = np.random.default_rng(seed)
    n = 1000
    x = np.cumsum(rng.normal(size=n)) if kind == "random walk" else 0.02 * np.arange(n) + rng.normal(size=n)
    assert kpss_statistic(x) > KPSS_CRITICAL_5PCT
    assert needs_difference(x[:, None])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["white noise", "AR(1), phi=0.3"])
def test_kpss_accepts_level_stationarity_of_noise_and_a_weak_ar1(kind, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=1000) if kind == "white noise" else ar1(1000, 0.3, rng)
    assert kpss_statistic(x) < KPSS_CRITICAL_5PCT
    assert not needs_difference(x[:, None])


def test_difference_rule_leaves_very_short_series_alone():
    assert not needs_difference(np.array([[1.0], [5.0], [2.0]]))


def test_difference_rule_fires_when_any_column_trends():
    rng = np.random.default_rng(0)
    columns = np.column_stack([rng.normal(size=500), np.cumsum(rng.normal(size=500)) + np.arange(500)])
    assert needs_difference(columns)


# --- Guerrero-style slope: log ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_log_is_taken_for_a_multiplicative_seasonal_series(seed):
    y = seasonal_series("multiplicative", np.random.default_rng(seed))
    slope, stderr = variability_slope(y, M)
    assert abs(slope - 1) < 3 * stderr + 0.05
    assert needs_log(y[:, None], M)


@pytest.mark.parametrize("seed", SEEDS)
def test_log_is_not_taken_for_an_additive_seasonal_series(seed):
    y = seasonal_series("additive", np.random.default_rng(seed))
    slope, stderr = variability_slope(y, M)
    assert abs(slope) < 3 * stderr + 0.05
    assert not needs_log(y[:, None], M)


def test_log_rule_needs_positive_values_and_a_moving_level():
    y = seasonal_series("multiplicative", np.random.default_rng(0))
    assert not needs_log(np.r_[-1.0, y[1:]][:, None], M)
    assert variability_slope(np.full(48, 5.0), M) is None  # no spread at all
    assert variability_slope(y[:36], M) is None  # 3 blocks: fewer than 4


# --- seasonal strength: seasonal difference ---------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_seasonal_strength_is_high_for_a_strong_pattern_and_low_for_noise(seed):
    rng = np.random.default_rng(seed)
    pattern = np.tile(rng.normal(size=M), 12) + 0.1 * rng.normal(size=12 * M)
    noise = rng.normal(size=12 * M)
    assert seasonal_strength(pattern, M) > 0.95
    assert seasonal_strength(noise, M) < 0.3
    assert needs_seasonal_difference(pattern[:, None], M)
    assert not needs_seasonal_difference(noise[:, None], M)


def test_seasonal_strength_of_an_odd_period():
    x = np.tile([0.0, 3.0, -1.0, 2.0, 1.0, -2.0, 4.0], 10)
    assert seasonal_strength(x, 7) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_seasonal_profile_is_the_pattern_of_a_strongly_seasonal_column(seed):
    rng = np.random.default_rng(seed)
    pattern = rng.normal(size=M)
    pattern -= pattern.mean()
    t = np.arange(10 * M)
    seasonal = 5 + 0.1 * t + np.tile(pattern, 10) + 0.05 * rng.normal(size=10 * M)
    noise = rng.normal(size=10 * M)
    profiles = seasonal_profiles(np.column_stack([seasonal, noise]), M)
    np.testing.assert_allclose(profiles[:, 0], pattern, atol=0.1)  # phase t % M, trend removed
    np.testing.assert_array_equal(profiles[:, 1], 0)  # the noise column is left alone
    assert seasonal_profiles(noise[:, None], M) is None


def test_seasonal_profile_needs_a_period_and_three_seasons():
    pattern = np.tile(np.arange(M, dtype=float), 4)[:, None]
    assert seasonal_profiles(pattern, M) is not None
    assert seasonal_profiles(pattern[: 3 * M - 1], M) is None
    assert seasonal_profiles(pattern, 1) is None


def test_seasonal_adjustment_follows_the_phase_of_the_fitted_series():
    """A forecast from any origin adds the profile of the phases it covers: a pure pattern
    is forecast exactly by a zero (standardised) change."""
    y = (10 + np.tile([3.0, -1.0, 0.5, -2.5], 12))[:, None]
    transform = LevelTransform(
        log=False, difference=0, seasonal_difference=False, seasonal_period=4, standardize=False,
        seasonal_adjustment="auto",
    ).fit(y)
    np.testing.assert_allclose(transform.transform(y), 10.0)  # the pattern is gone
    for origin in [20, 21, 23]:
        forecast = transform.inverse_transform(np.full((6, 1), 10.0), y[:origin])
        np.testing.assert_allclose(forecast, y[origin : origin + 6])


def test_seasonal_difference_needs_a_period_and_three_seasons():
    pattern = np.tile(np.arange(M, dtype=float), 4)[:, None]
    assert needs_seasonal_difference(pattern, M)
    assert not needs_seasonal_difference(pattern[: 3 * M - 1], M)
    assert not needs_seasonal_difference(pattern, 1)
    assert SEASONAL_STRENGTH_THRESHOLD == 0.64


# --- the fitted transform ---------------------------------------------------------------


def positive_series(n=96):
    """Two positive columns with trend, seasonality and noise."""
    rng = np.random.default_rng(0)
    t = np.arange(n)
    first = seasonal_series("multiplicative", rng, n)
    second = 50 + 0.3 * t + 5 * np.cos(2 * np.pi * t / M) + rng.normal(size=n)
    return np.column_stack([first, second])


COMBINATIONS = list(itertools.product([False, True], [0, 1, 2], [False, True], [False, True], [False, "auto"]))


@pytest.mark.parametrize("log, difference, seasonal_difference, standardize, seasonal_adjustment", COMBINATIONS)
def test_level_transform_round_trips(log, difference, seasonal_difference, standardize, seasonal_adjustment):
    y = positive_series()
    transform = LevelTransform(
        log=log, difference=difference, seasonal_difference=seasonal_difference,
        seasonal_period=M, standardize=standardize, seasonal_adjustment=seasonal_adjustment,
    ).fit(y)
    # both columns are strongly seasonal: adjusted unless differenced seasonally or switched off
    adjusted = bool(seasonal_adjustment) and not seasonal_difference
    assert (transform.seasonal_profile_ is not None) == adjusted
    z = transform.transform(y)
    lost = transform.n_lost_
    assert lost == M * seasonal_difference + difference and z.shape == (len(y) - lost, 2)
    rebuilt = np.concatenate([y[:lost], transform.inverse_transform(z, y[:lost])])
    np.testing.assert_allclose(rebuilt, y, rtol=1e-10, atol=0)
    # From any origin: the rows after a history are rebuilt from that history alone.
    origin = 60
    forecast = transform.inverse_transform(z[origin - lost :], y[:origin])
    np.testing.assert_allclose(forecast, y[origin:], rtol=1e-10)


def test_seasonal_adjustment_is_off_by_default():
    transform = LevelTransform(
        log=False, difference=0, seasonal_difference=False, seasonal_period=M, standardize=True
    ).fit(positive_series())
    assert transform.seasonal_profile_ is None


def test_level_transform_standardizes_the_transformed_series():
    transform = LevelTransform(
        log=True, difference=1, seasonal_difference=False, seasonal_period=M, standardize=True
    )
    z = transform.fit(positive_series()).transform(positive_series())
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1)


def test_level_transform_resolves_auto_choices_in_order():
    # exp(trend + season): log, then the season is strong; its seasonal difference (a
    # constant plus noise) needs no further difference.
    y = seasonal_series("multiplicative", np.random.default_rng(0))[:, None]
    transform = LevelTransform(
        log="auto", difference="auto", seasonal_difference="auto", seasonal_period=M, standardize=True
    ).fit(y)
    assert (transform.log_, transform.seasonal_difference_, transform.difference_) == (True, True, 0)
    assert transform.lags_ == [M]


def test_level_transform_refuses_log_of_non_positive_values():
    transform = LevelTransform(
        log=True, difference=0, seasonal_difference=False, seasonal_period=1, standardize=True
    )
    with pytest.raises(ValueError, match="strictly positive"):
        transform.fit(np.array([[1.0], [0.0], [2.0]]))
