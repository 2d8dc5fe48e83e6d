"""
=======================================================
Forecasting airline passengers with a prediction band
=======================================================

:class:`~skrnn.RNNForecaster` turns a pandas series into windows, fits a
recurrent network on them and returns forecasts on the future dates. This
example forecasts the last year of the classic airline passengers series,
compares the network with a seasonal-naive forecast and with the same
pipeline around a linear model, and draws a 90% split-conformal prediction
interval.
"""

# %%
# The data: trend and growing seasonality
# ---------------------------------------
# Monthly totals from 1949 to 1960, a :class:`pandas.Series` on a monthly
# :class:`~pandas.DatetimeIndex`. The seasonal swings grow with the level:
# a *multiplicative* series, which a logarithm turns additive. We hold out
# 1960 and forecast it from 1949-1959.
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, mean_absolute_scaled_error
from skrnn.datasets import load_airline

warnings.simplefilter("ignore", ConvergenceWarning)

y = load_airline()
train, test = y.iloc[:-12], y.iloc[-12:]
print(f"{len(train)} training months, {len(test)} held out; frequency {y.index.freqstr}")

# %%
# Fit and forecast
# ----------------
# ``log=True`` models the log of the series (undone on the way out, exactly);
# ``difference="auto"`` (the default) finds the trend with a KPSS test and
# differences once, so the forecast continues the trend instead of flattening
# out. The window covers two seasons (24 months: ``window_length="auto"`` with
# the seasonal period 12 that the monthly frequency implies).
forecaster = RNNForecaster(log=True, random_state=0).fit(train)
print("differencing order:", forecaster.difference_, "| window:", forecaster.window_length_)
forecast = forecaster.predict(12)
forecast.head()

# %%
# How good is it?
# ---------------
# MASE divides the forecast's mean absolute error by the in-sample error of
# the one-step seasonal-naive forecast (each month = same month last year):
# below 1 is better than that. The seasonal-naive *forecast* of 1960 is 1959
# repeated. Swapping the network for :class:`~sklearn.linear_model.Ridge` is
# one argument: the whole pipeline around the model stays the same.
naive = train.iloc[-12:].set_axis(test.index)
linear = RNNForecaster(Ridge(), log=True).fit(train).predict(12)
for name, pred in [("GRU", forecast), ("Ridge", linear), ("seasonal naive", naive)]:
    mase = mean_absolute_scaled_error(test, pred, y_train=train, seasonal_period=12)
    print(f"{name:15s} MASE {mase:.3f}")

# %%
# A prediction interval
# ---------------------
# :meth:`~skrnn.RNNForecaster.predict_interval` calibrates the band on
# backtests inside the training data: three models fitted on earlier parts
# of 1949-1959 forecast from every month of the last part, and the 90%
# conformal quantile of their absolute errors, step by step, gives the
# half-width. It costs three extra fits on the first call.
intervals = forecaster.predict_interval(12, coverage=0.9)
inside = ((intervals["lower"] <= test) & (test <= intervals["upper"])).mean()
print(f"share of 1960 inside the 90% band: {inside:.0%}")

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(train.index[-48:], train.iloc[-48:], color="black", label="1956-1959")
ax.plot(test.index, test, "k--", label="1960 (held out)")
ax.plot(intervals.index, intervals["prediction"], color="C0", label="GRU forecast")
ax.fill_between(intervals.index, intervals["lower"], intervals["upper"], color="C0",
                alpha=0.25, label="90% interval")
ax.plot(linear.index, linear, color="C1", alpha=0.7, label="Ridge forecast")
ax.set(ylabel="passengers (thousands)", title="Airline passengers: forecast of 1960")
ax.legend(loc="upper left")
plt.show()

# %%
# The band widens with the horizon: each recursive step feeds the model its
# own earlier predictions, and the calibration errors grow accordingly.
