"""
==============================================
Encoder–decoder: reversing symbol sequences
==============================================

Input and output sequences need not have the same length. With
``output_steps``, :class:`~skrnn.RNNClassifier` becomes an encoder–decoder: an
encoder reads the whole input into one summary vector, and a decoder, started
from that summary, writes one label per output step, each fed back as the
input of the next step. The task here: read 5 to 10 symbols from an alphabet of
8 and write them in reverse order. The story is in the accuracy by output
position: the first symbols to write were read last, the last ones were read
first, and those are the hard ones.
"""

# %%
# Ragged inputs, ragged outputs
# -----------------------------
# Each input is a list entry of shape ``(L_i, 8)`` (one-hot symbols), each
# target a list entry of ``L_i`` labels. ``output_steps=10`` is the longest
# output: a target shorter than that trains the decoder on its first ``L_i``
# steps only (the loss of the later steps is masked), while ``predict`` always
# writes 10 steps, of which we read the first ``L_i``.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier


def reversal(n, rng, alphabet=8):
    X, y = [], []
    for length in rng.integers(5, 11, size=n):
        symbols = rng.integers(alphabet, size=length)
        X.append(np.eye(alphabet)[symbols])
        y.append(symbols[::-1])
    return X, y


rng = np.random.default_rng(0)
X_train, y_train = reversal(4000, rng)
X_test, y_test = reversal(500, rng)
print("input", X_train[0].argmax(axis=1), "-> target", y_train[0])

# %%
# The encoder–decoder
# -------------------
# The encoder is bidirectional (the default for a sequence read whole before
# predicting): its summary holds the sequence read forwards, whose most recent
# symbol is the first to write, and backwards, whose most recent symbol is the
# last to write. The decoder is an LSTM of the same size, fed the summary at
# every step. ``score`` is the per-token accuracy: every valid output step of
# every held-out sequence counts once.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
start = time.perf_counter()
clf = RNNClassifier(hidden_layer_sizes=64, cell="lstm", output_steps=10, n_estimators=1,
                    max_iter=10, batch_size=256, learning_rate_init=0.02,
                    standardize=False, random_state=0).fit(X_train, y_train)
print(f"fitted {clf.n_iter_} epochs in {time.perf_counter() - start:.1f} s; held-out "
      f"per-token accuracy {clf.score(X_test, y_test):.3f}")

# %%
# Accuracy by output position
# ---------------------------
# Output position ``t`` of a sequence of length ``L`` is input symbol
# ``L - 1 - t``. The first positions are right almost always; accuracy falls
# towards the end, where the decoder writes the symbols read first, which the
# forward encoder has carried longest (and the backward encoder has read most
# recently, but which must be written at the right step, ``L - 1``). Longer
# training closes most of the gap: tests/test_seq2seq.py trains 30 epochs on
# twice the data to above 95% per-token accuracy.
predicted = clf.predict(X_test)
correct, count = np.zeros(10), np.zeros(10)
for pred, target in zip(predicted, y_test):
    correct[:len(target)] += pred[:len(target)] == target
    count[:len(target)] += 1
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.bar(np.arange(1, 11), correct / count, color="C0")
ax.set_xticks(np.arange(1, 11))
ax.set_ylim(0, 1.05)
ax.set_xlabel("output position")
ax.set_ylabel("per-token accuracy")
ax.set_title("Reversal of 5-10 symbols, held-out sequences")
fig.tight_layout()

# %%
# A few reversals
# ---------------
for x, target, pred in list(zip(X_test, y_test, predicted))[:4]:
    print("read", x.argmax(axis=1), " wrote", pred[:len(target)],
          " expected", target)
plt.show()
