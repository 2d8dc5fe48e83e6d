"""
=====================================================================
Forecasting with a covariate known only up to the present
=====================================================================

Some covariates are known in advance (holidays, planned prices): those go to
``fit(y, exog=...)`` and ``predict(h, exog=...)``. Others are measured as time
goes by, like the footfall of a shop: on the day a forecast is made, footfall is
known up to today and not after. Those are *past-only* covariates,
``fit(y, past_exog=...)``: the network reads them over each window of the past
and never on the days it predicts, so ``predict(h)`` needs no future values.

Here sales follow footfall a week later, so a week-ahead forecast that reads
recent footfall knows most of what is coming.
"""

# %%
# A shop whose sales follow footfall seven days later
# ----------------------------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNForecaster

warnings.simplefilter("ignore", ConvergenceWarning)

rng = np.random.default_rng(0)
days = pd.date_range("2024-01-01", periods=280, freq="D")
weekly = np.tile([0.0, -2, -1, 0, 3, 8, 6], 40)
swing = np.zeros(280)
for t in range(1, 280):  # footfall drifts with a persistent component
    swing[t] = 0.9 * swing[t - 1] + rng.normal(scale=2.0)
footfall = pd.Series(50 + weekly + swing, index=days, name="footfall")
sales = pd.Series(20 + 0.8 * footfall.shift(7).bfill().to_numpy()
                  + rng.normal(scale=0.5, size=280), index=days, name="sales")
train, test = slice(None, -7), slice(-7, None)

# %%
# The same forecaster with and without the covariate
# ---------------------------------------------------
# A past-only covariate needs a strategy that forecasts every horizon from the
# data up to the origin: ``"direct"`` (one model per horizon) or ``"seq2seq"``.
# The recursive strategy would have to know footfall for the days it has just
# forecast, and refuses past-only covariates with an error that says so.
model = dict(strategy="direct", horizon=7, n_estimators=1, random_state=0)
with_footfall = RNNForecaster(**model).fit(sales[train], past_exog=footfall[train])
sales_only = RNNForecaster(**model).fit(sales[train])

forecasts = pd.DataFrame({
    "with past footfall": with_footfall.predict(7),
    "sales alone": sales_only.predict(7),
})
errors = forecasts.sub(sales[test], axis=0).abs().mean()
print(errors.round(2).to_string())

# %%
# The forecast with footfall follows next week's sales, because this week's
# footfall already holds them; the one from sales alone can only extrapolate
# their recent weeks.
fig, ax = plt.subplots(figsize=(8, 3.5))
sales.iloc[-35:].plot(ax=ax, color="black", label="sales")
forecasts["with past footfall"].plot(ax=ax, marker="o", label="forecast, with past footfall")
forecasts["sales alone"].plot(ax=ax, marker="s", label="forecast, sales alone")
ax.set_title("Week-ahead sales forecasts")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
