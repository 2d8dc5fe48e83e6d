"""Loaders for the small time series bundled with skrnn."""

from importlib import resources

import pandas as pd

__all__ = ["load_airline", "load_sunspots"]


def _load_series(filename, name, freq):
    """Read a bundled ``date,value`` CSV into a float64 Series with a regular index.

    ``freq`` is passed to :class:`pandas.DatetimeIndex`, which checks that every
    date conforms to it; a gap in the file therefore fails loudly here instead
    of silently misaligning the windows built from the series later.
    """
    path = resources.files("skrnn.datasets").joinpath("data", filename)
    with path.open("r", encoding="utf-8") as f:
        frame = pd.read_csv(f, parse_dates=["date"])
    index = pd.DatetimeIndex(frame["date"], freq=freq, name="date")
    return pd.Series(frame["value"].to_numpy(dtype="float64"), index=index, name=name)


def load_airline():
    """Load the monthly international airline passengers series (1949-1960).

    The classic "Series G" of Box and Jenkins: total monthly international
    airline passengers, in thousands, from January 1949 to December 1960
    (144 months). Its trend and multiplicative yearly seasonality make it the
    standard first test for forecasting methods; a log transform followed by
    differencing makes it roughly stationary.

    The data are in the public domain.

    Returns
    -------
    y : pandas.Series of shape (144,)
        Passengers in thousands, dtype float64, named ``"passengers"``. The
        index is a :class:`pandas.DatetimeIndex` named ``"date"`` with
        month-start frequency ``"MS"``.

    References
    ----------
    .. [1] Box, G. E. P., Jenkins, G. M. and Reinsel, G. C. (1976, 3rd ed.
       1994). *Time Series Analysis: Forecasting and Control*. Series G.

    Examples
    --------
    >>> from skrnn.datasets import load_airline
    >>> y = load_airline()
    >>> y.shape
    (144,)
    >>> y.index.freqstr
    'MS'
    >>> y.head(3)
    date
    1949-01-01    112.0
    1949-02-01    118.0
    1949-03-01    132.0
    Freq: MS, Name: passengers, dtype: float64
    """
    return _load_series("airline.csv", "passengers", "MS")


def load_sunspots():
    """Load the yearly mean total sunspot number (1700-2008).

    Yearly mean total sunspot number from 1700 to 2008 (309 years), as
    published by WDC-SILSO, Royal Observatory of Belgium, Brussels. The
    roughly 11-year solar cycle with varying amplitude makes it a classic
    benchmark for nonlinear autoregressive models.

    The values are version 1 of the sunspot number (the series distributed
    before SILSO's 2015 recalibration, e.g. 190.2 in 1957), the same figures
    as the widely used statsmodels ``sunspots`` data set; version 2 values
    are larger by a factor of about 1/0.6.

    The data are in the public domain.

    Returns
    -------
    y : pandas.Series of shape (309,)
        Yearly mean sunspot number, dtype float64, named ``"sunspots"``. The
        index is a :class:`pandas.DatetimeIndex` named ``"date"`` with
        year-start frequency ``"YS"`` (``freqstr`` ``"YS-JAN"``).

    References
    ----------
    .. [1] SILSO World Data Center. *The International Sunspot Number*.
       Royal Observatory of Belgium, Brussels.
       https://www.sidc.be/SILSO/

    Examples
    --------
    >>> from skrnn.datasets import load_sunspots
    >>> y = load_sunspots()
    >>> y.shape
    (309,)
    >>> y.index[0].year, y.index[-1].year
    (1700, 2008)
    >>> y.index.freqstr
    'YS-JAN'
    """
    return _load_series("sunspots.csv", "sunspots", "YS")
