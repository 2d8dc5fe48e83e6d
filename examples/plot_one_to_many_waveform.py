"""
=========================================================
One-to-many: generating a waveform from its parameters
=========================================================

A one-to-many network reads one vector and writes a sequence. With
``output_steps=20``, :class:`~skrnn.RNNRegressor` becomes an encoder–decoder;
given ``X`` of ONE time step, its encoder reads a single vector, here the
frequency ``a`` and phase ``b`` of a wave, and its decoder writes the 20 values
of ``sin(a t + b)``, each generated value fed back as the input of the next
step. The example trains it twice, with teacher forcing (the decoder is fed the
true previous value during training) and free running (it is fed its own
predictions, as at prediction time), and compares both.
"""

# %%
# Parameters in, waveforms out
# ----------------------------
# ``X`` has shape ``(n_samples, 1, 2)``: one step of two features. ``y`` has
# shape ``(n_samples, 20)``: one target per output step.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNRegressor


def waves(n, rng, steps=20):
    a, b = rng.uniform(0.3, 1.0, n), rng.uniform(0, 2 * np.pi, n)
    return np.c_[a, b][:, None, :], np.sin(a[:, None] * np.arange(steps) + b[:, None])


rng = np.random.default_rng(0)
X_train, y_train = waves(1000, rng)
X_test, y_test = waves(300, rng)
print(f"X: {X_train.shape}, y: {y_train.shape}")

# %%
# Teacher forcing or free running
# -------------------------------
# ``teacher_forcing`` is the probability that, during training, a decoder step
# is fed the true previous value rather than the decoder's own prediction. At
# 1.0 (the default) every decoder input is known before the step runs, so each
# decoder layer runs over all 20 steps at once, the fastest way to train. At 0.0
# the decoder trains as it predicts, step by step on its own outputs, and learns
# to correct its own errors, at a higher cost per epoch. Here the cheap choice is
# also the better one. ``score`` is the R² over all output steps of all waves.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
common = dict(hidden_layer_sizes=32, output_steps=20, n_estimators=1, max_iter=30,
              batch_size=64, learning_rate_init=0.01, dropout=0.0, random_state=0)
models = {}
for teacher_forcing in (1.0, 0.0):
    start = time.perf_counter()
    model = RNNRegressor(teacher_forcing=teacher_forcing, **common).fit(X_train, y_train)
    seconds = time.perf_counter() - start
    models[teacher_forcing] = model
    print(f"teacher_forcing={teacher_forcing}: held-out R² = "
          f"{model.score(X_test, y_test):.3f}, {model.n_iter_} epochs in {seconds:.1f} s")

# %%
# Generated waves
# ---------------
# Both decoders generate the whole wave from ``(a, b)`` alone. Errors, where
# there are any, grow along the sequence: each step starts from the previous
# step's prediction.
t = np.arange(20)
fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), sharey=True)
for ax, i in zip(axes, range(3)):
    ax.plot(t, y_test[i], "k-", lw=3, alpha=0.3, label="true")
    for teacher_forcing, style in ((1.0, "C0o-"), (0.0, "C1.--")):
        ax.plot(t, models[teacher_forcing].predict(X_test[i:i + 1])[0], style, ms=4,
                label=f"teacher_forcing={teacher_forcing}")
    a, b = X_test[i, 0]
    ax.set_title(f"a = {a:.2f}, b = {b:.2f}")
    ax.set_xlabel("output step")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %%
# Where the errors are
# --------------------
# The mean absolute error per output step shows the drift of a decoder that
# feeds back its own predictions.
fig, ax = plt.subplots(figsize=(6, 3.2))
for teacher_forcing in (1.0, 0.0):
    error = np.abs(models[teacher_forcing].predict(X_test) - y_test).mean(axis=0)
    ax.plot(t, error, "o-", label=f"teacher_forcing={teacher_forcing}")
ax.set_xlabel("output step")
ax.set_ylabel("mean absolute error")
ax.legend()
fig.tight_layout()
plt.show()
