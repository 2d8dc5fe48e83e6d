import numpy as np
import pandas as pd
import pytest

from skrnn.datasets import load_airline, load_sunspots


@pytest.mark.parametrize(
    "loader, name, n, freq, first, last",
    [
        (load_airline, "passengers", 144, pd.offsets.MonthBegin(), 112.0, 432.0),
        (load_sunspots, "sunspots", 309, pd.offsets.YearBegin(), 5.0, 2.9),
    ],
)
def test_loader_returns_regular_float_series(loader, name, n, freq, first, last):
    y = loader()
    assert isinstance(y, pd.Series)
    assert y.name == name
    assert len(y) == n
    assert y.dtype == np.float64
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freq == freq
    assert y.iloc[0] == first
    assert y.iloc[-1] == last
    assert np.isfinite(y.to_numpy()).all()


def test_airline_covers_1949_to_1960():
    y = load_airline()
    assert y.index[0] == pd.Timestamp("1949-01-01")
    assert y.index[-1] == pd.Timestamp("1960-12-01")
    assert y.max() == 622.0


def test_sunspots_covers_1700_to_2008():
    y = load_sunspots()
    assert y.index[0] == pd.Timestamp("1700-01-01")
    assert y.index[-1] == pd.Timestamp("2008-01-01")
    # Version 1 of the sunspot number peaks at 190.2 in 1957.
    assert y.idxmax() == pd.Timestamp("1957-01-01")
    assert y.max() == 190.2


def test_loaders_return_independent_copies():
    y = load_airline()
    y.iloc[0] = -1.0
    assert load_airline().iloc[0] == 112.0
