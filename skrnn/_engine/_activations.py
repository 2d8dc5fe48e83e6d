"""The logistic sigmoid, written once for the whole engine (and the estimators).

``s(x) = 1 / (1 + exp(-x)) = 0.5 * tanh(x / 2) + 0.5``: one ``tanh`` call, and no
overflow for any finite ``x`` (``exp(-x)`` overflows float32 below ``x = -88``). The LSTM
and GRU gates use the in-place form on rows their forward GEMM already halved
(:func:`sigmoid_from_half_`), which saves the first multiply on every step.
"""

import numpy as np


def sigmoid_from_half_(a, half=0.5):
    """In place: ``s(x) = 0.5 * tanh(a) + 0.5`` given ``a = x / 2``; returns ``a``.

    ``half`` is 0.5, as a 0-d array of ``a``'s dtype on the per-step hot path (a Python
    float costs a conversion on every call).
    """
    np.tanh(a, out=a)
    np.multiply(a, half, out=a)
    np.add(a, half, out=a)
    return a


def sigmoid_(a):
    """In place: ``a <- s(a)``; returns ``a``."""
    np.multiply(a, 0.5, out=a)
    return sigmoid_from_half_(a)


def sigmoid(x):
    """``s(x)`` as a new array of ``x``'s (floating) dtype."""
    return sigmoid_(np.array(x, copy=True))
