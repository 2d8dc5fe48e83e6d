"""Loss functions on the raw head output, with per-column weights.

Each takes ``raw`` and ``y`` of shape ``(n_outputs, M)`` (one column per sample, or per
sample and valid step) and ``weight`` of shape ``(M,)`` already divided by the normaliser
(the sample-weight sum, or ``sum_i w_i * length_i`` for sequence outputs), and returns
``(loss, d_raw)`` with ``loss = sum_j weight_j * loss_j``.
"""

import numpy as np

from ._activations import sigmoid


def squared_error(raw, y, weight):
    """``loss_j = 0.5 * mean_k (y_kj - raw_kj)^2`` (as scikit-learn's MLP)."""
    diff = raw - y
    n_outputs = raw.shape[0]
    loss = 0.5 / n_outputs * float(np.dot(np.einsum("kj,kj->j", diff, diff), weight))
    return loss, diff * (weight / n_outputs)


def _log_sum_exp(raw):
    top = raw.max(axis=0)
    return top + np.log(np.exp(raw - top).sum(axis=0))


def softmax_cross_entropy(raw, y, weight):
    """``loss_j = -sum_k y_kj log softmax(raw_j)_k``, with a stable log-sum-exp."""
    lse = _log_sum_exp(raw)
    y_sum = y.sum(axis=0)
    per_column = y_sum * lse - np.einsum("kj,kj->j", y, raw)
    softmax = np.exp(raw - lse)
    d_raw = (softmax * y_sum - y) * weight
    return float(np.dot(per_column, weight)), d_raw


def sigmoid_cross_entropy(raw, y, weight):
    """``loss_j = -sum_k [y log s + (1 - y) log(1 - s)]``, ``s = sigmoid(raw)``.

    Computed stably as ``softplus(raw) - y * raw`` with
    ``softplus(a) = max(a, 0) + log1p(exp(-|a|))``.
    """
    softplus = np.maximum(raw, 0) + np.log1p(np.exp(-np.abs(raw)))
    per_column = (softplus - y * raw).sum(axis=0)
    return float(np.dot(per_column, weight)), (sigmoid(raw) - y) * weight


LOSS_FUNCTIONS = {
    "squared_error": squared_error,
    "softmax_cross_entropy": softmax_cross_entropy,
    "sigmoid_cross_entropy": sigmoid_cross_entropy,
}
