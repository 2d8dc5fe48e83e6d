"""
=====================================================
One network for many series: a global forecast
=====================================================

:class:`~skrnn.GlobalRNNForecaster` fits *one* recurrent network on the
windows of every series of a panel and forecasts each series on its own
future dates. Series of very different sizes train together because each
window is normalised by its own last value (on the log scale), and each
series' seasonal profile is removed first when it has one.

This example builds a panel of 40 monthly series (the airline passengers and
39 generated ones with their own levels, trends, seasonal shapes, lengths and
start dates), holds out the last year of each, and compares the global
forecast with the seasonal-naive one.
"""

# %%
# A panel in long format
# ----------------------
# One row per series and month: columns ``unique_id``, ``ds`` and ``y``, the
# layout of the neuralforecast / statsforecast ecosystem.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from skrnn import GlobalRNNForecaster
from skrnn.datasets import load_airline
from skrnn import symmetric_mape

warnings.simplefilter("ignore", ConvergenceWarning)
rng = np.random.default_rng(0)


def generated_series(k):
    """A monthly series with its own level, trend, seasonal shape, length and start."""
    n = int(rng.integers(48, 121))
    t = np.arange(n)
    level = 10 ** rng.uniform(1, 5)
    trend = (1 + rng.uniform(-0.004, 0.012)) ** t
    season = 1 + rng.uniform(0, 0.35) * np.sin(2 * np.pi * (t + rng.integers(12)) / 12)
    noise = np.exp(rng.normal(0, rng.uniform(0.02, 0.08), n))
    start = pd.Timestamp("1990-01-01") + pd.DateOffset(months=int(rng.integers(0, 120)))
    return pd.DataFrame({"unique_id": f"series {k:02d}", "ds": pd.date_range(start, periods=n, freq="MS"),
                         "y": level * trend * season * noise})


airline = load_airline()
frames = [pd.DataFrame({"unique_id": "airline", "ds": airline.index, "y": airline.to_numpy()})]
panel = pd.concat(frames + [generated_series(k) for k in range(1, 40)], ignore_index=True)
print(panel.groupby("unique_id")["y"].agg(["size", "mean"]).describe().loc[["min", "max"]])

# %%
# Train on all but the last year of every series
# ----------------------------------------------
# ``horizon=12``: each network predicts the 12 months at once from the last 24
# windows of each series. One network is fitted per window length, 8, 12 and
# 16 months (two thirds, one and four thirds of ``max(horizon, 12)``), and
# their forecasts averaged. Two seeds per length instead of the default five
# keep this example fast.
test = panel.groupby("unique_id").tail(12)
train = panel.drop(test.index)
model = GlobalRNNForecaster(horizon=12, random_state=0).set_params(
    estimator__n_estimators=2, estimator__max_iter=30
)
model.fit(train)
print(f"{model.n_windows_} windows from {len(model.ids_)} series, window lengths {model.window_lengths_}, "
      f"log={model.log_}, {sum(model.deseasonalized_.values())} series deseasonalised")

# %%
# Forecasts come back in the same long format, each series on its own dates
forecast = model.predict_interval(coverage=0.9)
forecast.head()

# %%
# Accuracy against the seasonal-naive forecast (the last year repeated)
truth = test.set_index(["unique_id", "ds"])["y"]
global_smape, naive_smape = [], []
for uid, group in forecast.groupby("unique_id"):
    observed = truth.loc[uid].to_numpy()
    naive = train.loc[train["unique_id"] == uid, "y"].to_numpy()[-12:]
    global_smape.append(symmetric_mape(observed, group["y"].to_numpy()))
    naive_smape.append(symmetric_mape(observed, naive))
print(f"sMAPE over the 40 series: global network {np.mean(global_smape):.2f}, "
      f"seasonal naive {np.mean(naive_smape):.2f}")

# %%
# A few series, their forecasts and 90% intervals
# -----------------------------------------------
# The intervals are split-conformal: a copy of the model refitted without the
# last year of each series forecasts it, and its errors, scaled per series,
# give every series a band on its own scale.
fig, axes = plt.subplots(2, 2, figsize=(10, 6))
for ax, uid in zip(axes.ravel(), ["airline", "series 03", "series 11", "series 27"]):
    history = train[train["unique_id"] == uid].tail(36)
    future = forecast[forecast["unique_id"] == uid]
    ax.plot(history["ds"], history["y"], color="black", label="history")
    ax.plot(future["ds"], truth.loc[uid].to_numpy(), color="gray", ls="--", label="held out")
    ax.plot(future["ds"], future["y"], color="C0", label="global forecast")
    ax.fill_between(future["ds"], future["lower"], future["upper"], color="C0", alpha=0.2, label="90% interval")
    ax.set_title(uid)
axes[0, 0].legend(fontsize=8)
fig.autofmt_xdate()
fig.tight_layout()
plt.show()
