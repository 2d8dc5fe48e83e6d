"""Prediction for ``BaseRNN``: validated input through the network in chunks of samples,
ensemble members averaged, and the scores of per-step outputs."""

import numpy as np
from sklearn.utils import gen_batches
from sklearn.utils.validation import check_is_fitted

from ._compat import _check_sample_weight
from ._engine import forward, forward_seq2seq
from ._input import (
    check_X,
    gather_rows,
    object_array_as_list,
    split_future,
    to_list_of_sequences,
)
from ._threads import blas_threads

# Samples per engine call at predict time: large enough for efficient matrix products,
# small enough that the forward buffers of a long series stay modest.
_PREDICT_CHUNK = 2048
_PREDICT_BUDGET = 64 * 2**20


class PredictionMixin:
    """Raw network outputs of fitted ``BaseRNN`` estimators, which their ``predict``,
    ``predict_proba`` and ``score`` turn into predictions.

    Reads of the class it is mixed into: ``network_``, ``params_``, ``dtype``,
    ``_transform_input`` and ``_transform_future``."""

    def __sklearn_is_fitted__(self):
        return hasattr(self, "params_")

    def _raw_output(self, theta, X3, lengths, future=None, spec=None):
        """Raw output of the network `spec` (default ``network_``) for all samples,
        computed in chunks of samples; for an ensemble's stacked parameters
        (n_estimators, n_params), the mean of its members' (each with its own network).
        An encoder–decoder's decoder reads ``future`` (n, output_steps, k) or None."""
        if theta.ndim == 2:  # the rows of `theta`, each through its member's network
            specs = [member_spec for member_spec, _ in self._member_networks()]
            return np.mean([self._raw_output(row, X3, lengths, future, member_spec)
                            for member_spec, row in zip(specs, theta)], axis=0)
        spec = self.network_ if spec is None else spec
        chunks = []
        for batch in gen_batches(X3.shape[0], self._predict_chunk(X3.shape[1])):
            X_b, lengths_b, _ = gather_rows(X3, lengths, None, np.arange(batch.start, batch.stop))
            if spec.output_steps is not None:
                chunks.append(forward_seq2seq(
                    spec, theta, X_b, lengths=lengths_b,
                    future=None if future is None else future[batch]))
                continue
            raw = forward(spec, theta, X_b, lengths=lengths_b)
            if spec.return_sequences and raw.shape[1] < X3.shape[1]:
                raw = _pad_front(raw, X3.shape[1])
            chunks.append(raw)
        return np.concatenate(chunks)

    def _predict_chunk(self, n_timesteps):
        """Samples per engine call: inference keeps every layer's states for all steps,
        so long sequences get smaller chunks (about _PREDICT_BUDGET bytes of states)."""
        spec = self.network_
        per_sample = n_timesteps * (spec.n_features + 2 * spec.n_directions * sum(
            spec.hidden_layer_sizes)) * spec.dtype.itemsize
        return int(np.clip(_PREDICT_BUDGET // max(per_sample, 1), 1, _PREDICT_CHUNK))

    def _predict_raw(self, X):
        """Validate ``X`` and return the raw network output with the sequence lengths."""
        check_is_fitted(self)
        X3, lengths = check_X(self, X, reset=False, dtype=np.dtype(self.dtype))
        spec, future = self.network_, None
        if spec.output_steps is not None:
            X3, lengths, future = split_future(X3, lengths, spec.output_steps,
                                                spec.n_future_features)
            future = self._transform_future(future)
        with blas_threads(self.network_, min(X3.shape[0], _PREDICT_CHUNK)):
            raw = self._raw_output(self.params_, *self._transform_input(X3, lengths), future)
        return raw, lengths

    def _score_steps(self, X, y, sample_weight, metric):
        """Score of per-step predictions: every valid step of every sequence counts once,
        weighted by its sequence's weight."""
        y_pred = self.predict(X)
        y = object_array_as_list(y)
        if len(y) != len(y_pred):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {len(y_pred)}, y has {len(y)}.")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_pred, dtype=np.float64)
        if isinstance(y_pred, list):
            y = [np.asarray(y_i) for y_i in y]
            for i, (y_i, pred_i) in enumerate(zip(y, y_pred)):
                if y_i.shape[:1] != pred_i.shape[:1]:
                    raise ValueError(
                        f"y[{i}] must have one target per time step of X[{i}] "
                        f"({len(pred_i)}); got shape {y_i.shape}.")
            lengths = [len(y_i) for y_i in y]
            y, y_pred = np.concatenate(y), np.concatenate(y_pred)
        else:
            y = np.asarray(y)
            if y.shape[:2] != y_pred.shape[:2]:
                raise ValueError(
                    "With return_sequences=True, y must have one target per time step: "
                    f"shape {y_pred.shape[:2]}; got {y.shape}.")
            lengths = [y.shape[1]] * len(y)
            y, y_pred = y.reshape((-1,) + y.shape[2:]), y_pred.reshape((-1,) + y_pred.shape[2:])
        weights = None if sample_weight is None else np.repeat(sample_weight, lengths)
        return float(metric(y, y_pred, sample_weight=weights))

    def _per_step_output(self, Y, lengths, ragged):
        """Return per-step predictions as a list for ragged input, else as an array."""
        if ragged:
            full = lengths if lengths is not None else np.full(len(Y), Y.shape[1])
            return to_list_of_sequences(Y, full)
        return Y


def _pad_front(raw, n_timesteps):
    padded = np.zeros((raw.shape[0], n_timesteps) + raw.shape[2:], dtype=raw.dtype)
    padded[:, n_timesteps - raw.shape[1]:] = raw
    return padded
