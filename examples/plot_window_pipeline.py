"""
=====================================================
One-step-ahead forecasting in a scikit-learn Pipeline
=====================================================

A recurrent network reads a sequence; a scikit-learn pipeline passes around a
table with one row per sample. :class:`~skrnn.WindowTransformer` bridges the
two: it replaces each row of a time series by the window of the last
``window_length`` rows up to it, in the time-major layout
:class:`~skrnn.RNNRegressor` reads. Because it never drops a row, it can sit
in a :class:`~sklearn.pipeline.Pipeline` and be cross-validated like any other
step.

We forecast the classic airline passengers series one month ahead and compare
a small recurrent network with a linear model on the same windows.
"""

# %%
# Make the series stationary
# --------------------------
# The airline series grows and its seasonal swings grow with it. Taking the log
# turns the multiplicative seasonality into an additive one, and differencing
# removes the trend: what is left is the month-on-month growth rate.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNRegressor, WindowTransformer
from skrnn.datasets import load_airline

passengers = load_airline()
growth = np.log(passengers).diff().dropna().rename("growth")
growth.head()

# %%
# One row per month, the next month as target
# -------------------------------------------
# Row ``t`` of ``X`` is this month's growth and ``y[t]`` is next month's.
# The windowing step will add the previous 11 months to each row, so every
# prediction sees one year of history and nothing from the future.
X = growth.iloc[:-1].to_frame()
y = growth.iloc[1:].to_numpy()

window = WindowTransformer(window_length=12)
window.fit(X).get_feature_names_out()[[0, 1, -1]]

# %%
# Two models on the same windows
# ------------------------------
# Both pipelines standardise the input, build the 12-month windows, and fit a
# regressor; the target is standardised too, which helps the network's
# optimiser and leaves the ridge model essentially unchanged.
# ``RNNRegressor(n_channels=1)`` reads the 12 columns as 12 time steps of one
# channel. It is kept small (one GRU layer of 16 units) so that this example
# runs in seconds; its size was picked with the cross-validation below, never
# with the final hold-out.


def windowed(regressor):
    pipe = make_pipeline(StandardScaler(), WindowTransformer(window_length=12), regressor)
    return TransformedTargetRegressor(regressor=pipe, transformer=StandardScaler())


models = {
    "RNN": windowed(
        RNNRegressor(
            n_channels=1, cell="gru", hidden_layer_sizes=(16,), max_iter=200, random_state=0
        )
    ),
    "Ridge": windowed(Ridge(alpha=1.0)),
}

# %%
# Cross-validate in time order
# ----------------------------
# :class:`~sklearn.model_selection.TimeSeriesSplit` always trains on the past
# and tests on the following year. Note that
# :class:`~skrnn.WindowTransformer` pads the start of each test fold with its
# first row, since it is not shown the training rows before it: the first 11
# months of each fold are predicted from partial history, padded with a
# repeated month. This costs both models alike and makes the scores
# pessimistic; the hold-out below, with full history, shows by how much.
cv = TimeSeriesSplit(n_splits=4, test_size=24)
scores = {
    name: -cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error")
    for name, model in models.items()
}
for name, mae in scores.items():
    print(f"{name:>5}: MAE of monthly log-growth {mae.mean():.4f} (+/- {mae.std():.4f})")

# %%
# Back to passengers
# ------------------
# For a final picture we train on everything but the last two years. To give
# the test months their full history, we predict on *all* rows and keep the
# last 24: each window then reaches back into the training period, which is
# legitimate because a window only ever looks at past months.
#
# A predicted growth rate turns back into passengers through
# ``passengers[t + 1] = passengers[t] * exp(growth[t + 1])``.
n_test = 24
n_train = len(y) - n_test
# Row t of X is month t + 1 of the series (one month was lost to differencing),
# so its prediction is for month t + 2.
last_known = passengers.to_numpy()[1:-1][n_train:]
test_months = passengers.index[2:][n_train:]

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(passengers.index[-48:], passengers.iloc[-48:], color="black", label="observed")
for name, model in models.items():
    model.fit(X.iloc[:n_train], y[:n_train])
    predicted_growth = model.predict(X)[n_train:]
    mae = np.abs(predicted_growth - y[n_train:]).mean()
    print(f"{name:>5}: hold-out MAE of monthly log-growth {mae:.4f}")
    ax.plot(test_months, last_known * np.exp(predicted_growth), label=f"{name}, one month ahead")
ax.axvline(test_months[0], color="grey", linestyle=":")
ax.set_ylabel("passengers (thousands)")
ax.set_title("Airline passengers: one-step-ahead forecasts on the last two years")
ax.legend()
plt.show()

# %%
# On a series this short (fewer than 150 months), a linear autoregression on
# the same windows is a strong baseline that any network should be compared
# with. The pipeline does not change for longer, nonlinear series or for
# several input channels: pass a DataFrame with more columns and set
# ``n_channels`` to their number.
