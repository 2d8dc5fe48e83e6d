"""
=====================================================
Next-value regression on a noisy sine: RNN versus MLP
=====================================================

:class:`~skrnn.RNNRegressor` is a drop-in replacement for
:class:`~sklearn.neural_network.MLPRegressor` that reads every row as a
sequence. This example cuts a noisy, slowly modulated sine wave into windows
with :func:`~skrnn.make_windows`, predicts the value that follows each window,
and compares the three recurrent cells (Elman RNN, LSTM, GRU) with a
multi-layer perceptron given exactly the same inputs and arguments.
"""

# %%
# A signal with memory
# --------------------
# The wave has a period of 40 steps and an amplitude that itself oscillates
# over 300 steps, plus Gaussian noise. Predicting the next value needs the
# phase (from the last few steps) and the current amplitude (from a longer
# stretch of the past).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor

from skrnn import RNNRegressor, make_windows

rng = np.random.default_rng(0)
t = np.arange(900)
amplitude = 1 + 0.5 * np.sin(2 * np.pi * t / 300)
series = amplitude * np.sin(2 * np.pi * t / 40) + 0.1 * rng.normal(size=t.size)

# %%
# Windows and a split in time
# ---------------------------
# ``make_windows(series, window_length=24)`` returns ``X`` of shape
# ``(n_windows, 24, 1)``: 24 time steps of one channel each, the axis order
# every skrnn estimator reads, and ``Y`` of shape ``(n_windows, 1)``, the value
# right after each window. Windows overlap, so a random split would leak test
# values into training windows: we train on the first 75% and test on the rest.
X, Y = make_windows(series, window_length=24, horizon=1)
y = Y[:, 0]
n_train = int(0.75 * len(X))
X_train, X_test = X[:n_train], X[n_train:]
y_train, y_test = y[:n_train], y[n_train:]
print(f"X: {X.shape}, y: {y.shape}; {n_train} training windows")

# %%
# Switching from MLPRegressor is one word
# ---------------------------------------
# The recurrent regressors take the arguments of ``MLPRegressor`` (here a hidden
# layer of 16 units, 40 epochs, a fixed seed) plus a ``cell``. The perceptron
# cannot read 3-D input, so it gets the same windows flattened to 24 columns;
# skrnn accepts those too, reading each 2-D row as a univariate sequence, so
# ``X_train[:, :, 0]`` would give the recurrent models the same results.
common = dict(hidden_layer_sizes=(16,), max_iter=40, learning_rate_init=0.01, random_state=0)
models = {
    "MLP": MLPRegressor(**common),
    "RNN (Elman)": RNNRegressor(cell="rnn", **common),
    "LSTM": RNNRegressor(cell="lstm", **common),
    "GRU": RNNRegressor(cell="gru", **common),
}

# The epoch budget is fixed on purpose; silence the "did not converge" notice.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
predictions = {}
for name, model in models.items():
    if isinstance(model, MLPRegressor):
        model.fit(X_train[:, :, 0], y_train)
        predictions[name] = model.predict(X_test[:, :, 0])
    else:
        model.fit(X_train, y_train)
        predictions[name] = model.predict(X_test)
    print(f"{name:>12}: held-out R² = {r2_score(y_test, predictions[name]):.3f}")

# %%
# How training went
# -----------------
# Every model records the training loss of each epoch in ``loss_curve_``, as
# ``MLPRegressor`` does (half the mean squared error). The gated cells (LSTM,
# GRU) usually start slower than the plain Elman cell, whose state is a single
# ``tanh``, but are the ones that keep improving on long memories.
fig, ax = plt.subplots(figsize=(7, 3.5))
for name, model in models.items():
    ax.plot(model.loss_curve_, label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("loss_curve_ of each model")
ax.legend()
fig.tight_layout()

# %%
# Predictions against the truth
# -----------------------------
# The first 150 test steps. The noise (standard deviation 0.1) bounds what any
# model can reach: an R² of about 0.98 is the ceiling for this signal, and the
# differences between the models are in how well they track the amplitude.
shown = slice(0, 150)
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(y_test[shown], color="black", linewidth=2, label="truth")
for name in ("MLP", "GRU"):
    ax.plot(predictions[name][shown], label=name, alpha=0.8)
ax.set_xlabel("test step")
ax.set_title("Next-value predictions on held-out windows")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# What to try next
# ----------------
# * ``make_windows(series, 24, horizon=5)`` returns five targets per window:
#   ``RNNRegressor`` fits them as a multi-output problem, one forecast of the
#   next five steps at once.
# * ``early_stopping=True`` holds out 10% of the windows and restores the best
#   weights, so ``max_iter`` need not be tuned.
# * For pandas series with dates, :class:`~skrnn.RNNForecaster` does the
#   windowing, scaling and differencing for you and returns forecasts on the
#   future dates.
