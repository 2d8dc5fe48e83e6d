"""
=======================================================
Classifying daily power-demand curves, whole or partial
=======================================================

:class:`~skrnn.RNNClassifier` on a real time-series classification set from the
UCR archive, *ItalyPowerDemand*: 24 hourly readings of Italy's electricity
demand per day, and the label says from which half of the year the day comes
(October to March, or April to September). We compare the network with the
archive's reference classifiers, then ask it a harder question: which half of
the year is it, when only the first hours of the day have been observed? A
recurrent network reads sequences of any length, so a list of truncated days is
valid input.
"""

# %%
# The data
# --------
# The set ships with this example (``examples/data/ItalyPowerDemand.npz``,
# the archive's official split: 67 training days, 1029 test days). Each day is
# z-normalised, so the classes differ in the *shape* of the curve, not in its
# level.
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.neighbors import KNeighborsClassifier

from skrnn import RNNClassifier

try:
    here = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs examples from their folder, without __file__
    here = Path.cwd()
data = np.load(here / "data" / "ItalyPowerDemand.npz")
X_train, y_train = data["X_train"], data["y_train"]
X_test, y_test = data["X_test"], data["y_test"]
print(f"train {X_train.shape}, test {X_test.shape}, classes {data['classes']}")

fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
hours = np.arange(24)
for ax, label in zip(axes, data["classes"]):
    days = X_train[y_train == label, :, 0]
    ax.plot(hours, days[:8].T, color="grey", alpha=0.6)
    ax.plot(hours, days.mean(axis=0), color="black", linewidth=2, label="class mean")
    ax.set_title(f"class {label}")
    ax.set_xlabel("hour")
axes[0].set_ylabel("demand (z-normalised)")
axes[0].legend()
fig.tight_layout()

# %%
# A small GRU against the reference classifiers
# ---------------------------------------------
# ``X`` is 3-D, ``(n_samples, n_timesteps, n_features)``: one channel of 24
# steps per day. One GRU layer of 16 units is plenty for 67 training sequences;
# a slightly larger step than the default speeds up the few updates per epoch
# that such a small set allows (every epoch is a single batch here).
#
# The baselines get the same training set; the UCR archive reports 0.955 for
# 1-NN with Euclidean distance and 0.969 for a random forest on this split.
rnn = RNNClassifier(hidden_layer_sizes=16, cell="gru", learning_rate_init=0.01, random_state=0)
rnn.fit(X_train, y_train)

baselines = {
    "1-NN (Euclidean)": KNeighborsClassifier(n_neighbors=1),
    "random forest": RandomForestClassifier(n_estimators=300, random_state=0),
}
accuracy = {"GRU (skrnn)": rnn.score(X_test, y_test)}
for name, model in baselines.items():
    accuracy[name] = model.fit(X_train[:, :, 0], y_train).score(X_test[:, :, 0], y_test)
for name, acc in accuracy.items():
    print(f"{name:>18}: test accuracy {acc:.3f}")

# %%
# Where the errors are:
ConfusionMatrixDisplay.from_estimator(rnn, X_test, y_test, colorbar=False)
plt.title("GRU on the 1029 test days")
plt.tight_layout()

# %%
# Variable-length input: classifying a day before it ends
# -------------------------------------------------------
# A list of arrays of different lengths, each ``(T_i, n_features)``, is valid
# input to ``fit``, ``predict`` and ``predict_proba``; skrnn pads and masks it
# inside, so the padding never reaches the network. Here every test day is cut
# after a random number of hours (12 to 24):
rng = np.random.default_rng(0)
cut = rng.integers(12, 25, size=len(X_test))
partial_days = [day[:hours_seen] for day, hours_seen in zip(X_test, cut)]
print([day.shape for day in partial_days[:4]])
rnn.predict_proba(partial_days[:4]).round(3)

# %%
# The network trained on whole days gives an answer for every partial day, but
# it has only ever seen the evening: cut a day at noon and it is guessing.
# The remedy is to train on what will be asked. Adding one randomly truncated
# copy of every training day (8 to 24 hours) to the training *list* teaches
# the same architecture to classify partial days too.
cut_train = rng.integers(8, 25, size=len(X_train))
X_mixed = list(X_train) + [day[:hours_seen] for day, hours_seen in zip(X_train, cut_train)]
y_mixed = np.concatenate([y_train, y_train])
rnn_partial = RNNClassifier(
    hidden_layer_sizes=16, cell="gru", learning_rate_init=0.01, random_state=0
).fit(X_mixed, y_mixed)

print(f"random cuts, trained on whole days:   {rnn.score(partial_days, y_test):.3f}")
print(f"random cuts, trained on partial days: {rnn_partial.score(partial_days, y_test):.3f}")

# %%
# Accuracy as the day goes on, for both models:
hours_observed = np.arange(4, 25, 2)
fig, ax = plt.subplots(figsize=(7, 3.5))
for name, model in [("trained on whole days", rnn), ("trained on partial days", rnn_partial)]:
    scores = [model.score([day[:h] for day in X_test], y_test) for h in hours_observed]
    ax.plot(hours_observed, scores, marker="o", label=name)
ax.axhline(0.5, color="grey", linestyle=":", label="chance")
ax.set_xlabel("hours of the day observed")
ax.set_ylabel("test accuracy")
ax.set_title("Classifying a day before it ends")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# Training on partial days costs a little accuracy on whole days, because the
# same weights now serve every length; in exchange its answers mean something
# long before the day is over. Nothing else changed: the estimator, its parameters
# and the calls are those of the whole-day model, only the training data is a
# list of sequences of different lengths.
