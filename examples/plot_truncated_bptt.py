"""
==========================================================
Truncated backpropagation through time: reach against time
==========================================================

Full backpropagation through time (``bptt_steps=None``) sends the gradient of
the loss back through every step of every sequence. With ``bptt_steps=k`` the
sequence is cut into chunks of ``k`` steps, aligned to its end; the state is
carried forward from chunk to chunk, but the gradient stops at each chunk's
start. For a network that predicts once per sequence, only the last ``k``
steps then receive a gradient: what happened earlier can still reach the
prediction through the carried state, but the network is never *taught* to
keep it. This example measures what that costs in accuracy and what it saves
in time, on a task whose answer lies a known number of steps before the end.
"""

# %%
# A dependency 25 steps before the end
# ------------------------------------
# Each sequence has 60 steps of noise; the step 25 before the end holds a
# sign, +1 or -1, and the label is that sign. Nothing else in the sequence
# says anything about it.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
N_STEPS, GAP = 60, 25


def signed_at_gap(n_sequences, seed):
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.normal(size=(n_sequences, N_STEPS, 1))
    X[:, N_STEPS - GAP, 0] = rng.choice([-1.0, 1.0], size=n_sequences)
    return X, np.where(X[:, N_STEPS - GAP, 0] > 0, "positive", "negative")


X_train, y_train = signed_at_gap(400, seed=0)
X_test, y_test = signed_at_gap(400, seed=1)

# %%
# The same network, truncated at different lengths
# ------------------------------------------------
# One 16-unit GRU read forward one step at a time (truncation carries the
# state forward, so ``bidirectional="auto"`` is one direction here, and
# ``patch_size=1`` keeps every step), a single network, 40 epochs of
# minibatches of 32. Only ``bptt_steps`` changes.
lengths = [5, 10, 20, 30, 45, None]
accuracy, seconds = [], []
for bptt_steps in lengths:
    model = RNNClassifier(
        hidden_layer_sizes=16, cell="gru", patch_size=1, n_estimators=1, dropout=0.0,
        bptt_steps=bptt_steps, batch_size=32, max_iter=40, n_iter_no_change=40,
        random_state=0,
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds.append(time.perf_counter() - start)
    accuracy.append(model.score(X_test, y_test))
    print(f"bptt_steps={bptt_steps}: accuracy {accuracy[-1]:.3f}, fit {seconds[-1]:.2f} s")

# %%
# Reach against time
# ------------------
# Accuracy rises with the truncation length: chunks shorter than the gap
# (25 steps) leave the network guessing from what its untrained state happens
# to carry, and only the full backpropagation teaches it to keep the sign all
# the way. Fit time roughly halves as soon as the sequence is truncated,
# because the backward pass covers only the last chunk (the earlier chunks run
# the cheaper inference path); memory falls too, since the backward caches hold ``k``
# steps instead of all of them (``docs/performance.md`` measures an LSTM of 64
# units on 400 steps: 2.7 MiB at ``k=10`` against 45.8 MiB untruncated).
labels = [str(k) if k is not None else "None\n(full)" for k in lengths]
fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_acc.plot(labels, accuracy, "o-")
ax_acc.axhline(0.5, color="grey", linestyle=":", label="chance")
ax_acc.set(xlabel="bptt_steps", ylabel="test accuracy", ylim=(0.4, 1.02),
           title=f"sign {GAP} steps before the end")
ax_acc.legend()
ax_time.bar(labels, seconds)
ax_time.set(xlabel="bptt_steps", ylabel="fit time (s)", title="40 epochs")
fig.tight_layout()
plt.show()

# %%
# When truncation pays
# --------------------
# Truncate when sequences are long and what matters is recent: the last ``k``
# steps should span the dependencies you need the network to learn. For
# long-range dependencies in long sequences, ``patch_size`` is the better
# lever: it shortens the sequence the gradient travels through without
# cutting it.
