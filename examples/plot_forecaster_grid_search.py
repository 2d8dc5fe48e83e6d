"""
====================================================================
Choosing forecaster settings with GridSearchCV and TimeSeriesSplit
====================================================================

An :class:`~skrnn.RNNForecaster` is a scikit-learn estimator whose data is
the series itself: ``fit(y)`` and ``score(y_next)``. Plain
:class:`~sklearn.model_selection.GridSearchCV` with a
:class:`~sklearn.model_selection.TimeSeriesSplit` therefore fits on each past
and scores the forecast of the period that follows. This example selects the
window length and the forecasting strategy on the sunspot series, then checks
the chosen model on years it never saw.
"""

# %%
# Data and folds
# --------------
# Yearly mean sunspot numbers, 1700-2008. The last 10 years are kept aside
# for a final check. ``TimeSeriesSplit(n_splits=4, test_size=10)`` cuts the
# rest into four expanding pasts, each followed by a 10-year test period.
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn import RNNForecaster, RNNRegressor, backtest, make_forecast_scorer
from skrnn.datasets import load_sunspots

warnings.simplefilter("ignore", ConvergenceWarning)

y = load_sunspots()
train, test = y.iloc[:-10], y.iloc[-10:]
cv = TimeSeriesSplit(n_splits=4, test_size=10)
for k, (past, future) in enumerate(cv.split(train)):
    print(f"fold {k}: fit on {train.index[past[0]].year}-{train.index[past[-1]].year}, "
          f"score {train.index[future[0]].year}-{train.index[future[-1]].year}")

# %%
# The search
# ----------
# A small one-way GRU without dropout (the forecaster's own default network
# is one too), and a single network per fit (``n_estimators=1`` for both the
# forecaster and the network; their defaults average 5, five times the cost)
# keep the search quick: comparing settings needs a fair ranking, not the best
# forecast. ``strategy="direct"`` needs the
# horizon it will forecast (10 years); ``"recursive"`` ignores it. The
# default score is the negative MASE; here we also record the MAE with
# :func:`~skrnn.make_forecast_scorer` and refit on the MASE.
network = RNNRegressor(cell="gru", hidden_layer_sizes=(8,), bidirectional=False, dropout=0.0,
                       n_estimators=1, learning_rate_init=0.01, alpha=1e-3, batch_size=32,
                       max_iter=80, random_state=0)
forecaster = RNNForecaster(network, horizon=10, n_estimators=1)
grid = {"window_length": [5, 10, 20], "strategy": ["recursive", "direct"]}
scoring = {"mase": make_forecast_scorer("mase"), "mae": make_forecast_scorer("mae")}
search = GridSearchCV(forecaster, grid, cv=cv, scoring=scoring, refit="mase").fit(train)

results = pd.DataFrame(search.cv_results_)[
    ["param_window_length", "param_strategy", "mean_test_mase", "std_test_mase", "mean_test_mae"]
].sort_values("mean_test_mase", ascending=False)
print(results.round(3).to_string(index=False))
print("best:", search.best_params_)

# %%
# Fold by fold
# ------------
# :func:`~skrnn.backtest` reruns the same folds for one forecaster and keeps
# every fold's forecast; here the chosen settings against Ridge in the same
# pipeline. Errors vary a lot between folds: each 10-year period holds about
# one solar cycle, some easier to forecast than others.
best = search.best_estimator_
folds = backtest(best, train, horizon=10, cv=cv)
linear = backtest(RNNForecaster(Ridge(), n_estimators=1, window_length=search.best_params_["window_length"]),
                  train, horizon=10, cv=cv)
print(pd.DataFrame({"GRU MASE": folds["mase"], "Ridge MASE": linear["mase"]}).round(3))

# %%
# The final check
# ---------------
# The refitted best model forecasts the 10 held-out years.
score = best.score(test)
print(f"held-out MASE of the chosen model: {-score:.3f}")

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(train.index[-60:], train.iloc[-60:], color="black", label="training data")
ax.plot(test.index, test, "k--", label="held out")
ax.plot(test.index, best.predict(10), color="C0", label=f"best forecaster {search.best_params_}")
for k, pred in enumerate(folds["y_pred"]):
    ax.plot(pred.index, pred, color="C1", alpha=0.6, label="backtest forecasts" if k == 0 else None)
ax.set(ylabel="sunspot number", title="Sunspots: grid-searched forecaster")
ax.legend(loc="upper left", fontsize="small")
plt.show()
