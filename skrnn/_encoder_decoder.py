"""What an encoder–decoder (``output_steps``) adds to ``BaseRNN``: its decoder's network
arguments, its packed targets (targets, step mask, future covariates; see
``_input.pack_output_targets``), its future covariates' standardisation and its score."""

import numpy as np

from ._compat import _check_sample_weight
from ._input import output_step_mask, pad_output_targets

# What an encoder–decoder feeds back when it runs free: the prediction in the loss's space.
_FEEDBACK = {"squared_error": "identity", "softmax_cross_entropy": "softmax",
             "sigmoid_cross_entropy": "sigmoid"}


class EncoderDecoderMixin:
    """Encoder–decoder specifics of ``BaseRNN``; inert while ``output_steps`` is None.

    Reads of the class it is mixed into: the parameters, ``network_``, ``input_mean_`` /
    ``input_scale_``, ``_loss`` and ``predict``."""

    def _decoder_arguments(self):
        """The :func:`~skrnn._engine.make_network` arguments of the decoder ({} without)."""
        if self.output_steps is None:
            return {}
        return dict(output_steps=self.output_steps, feedback=_FEEDBACK[self._loss],
                    n_future_features=self.n_future_features)

    def _n_target_columns(self, Y):
        """Targets per step: an encoder–decoder's Y also packs its step mask and future
        covariates (see ``pack_output_targets``)."""
        if self.output_steps is None:
            return Y.shape[-1]
        return Y.shape[-1] - 1 - self.n_future_features

    def _transform_future(self, future):
        """Future covariates standardised with their channels' statistics (the last
        ``n_future_features`` channels of X, learnt on the steps the encoder reads)."""
        if future is None or self.input_mean_ is None:
            return future
        k = future.shape[2]
        mean, scale = self.input_mean_[-k:], self.input_scale_[-k:]
        return ((future - mean) / scale).astype(future.dtype, copy=False)

    def _transform_packed_future(self, Y):
        """An encoder–decoder's packed Y with its future covariates standardised."""
        O = Y.shape[-1] - 1 - self.n_future_features
        if self.output_steps is not None and self.n_future_features and (
                self.input_mean_ is not None):
            Y = Y.copy()
            Y[..., O + 1:] = self._transform_future(Y[..., O + 1:])
        return Y

    def _unpack_targets(self, Y):
        """An encoder–decoder's packed Y as the engine's targets (n, S, O), output
        lengths (None when all are S) and future covariates (or None)."""
        O, S = self.network_.n_outputs, self.network_.output_steps
        lengths = np.rint(Y[..., O].sum(axis=1)).astype(np.intp)
        future = Y[..., O + 1:] if self.network_.n_future_features else None
        return Y[..., :O], (None if np.all(lengths == S) else lengths), future

    def _score_output_steps(self, X, y, sample_weight, metric):
        """Score of an encoder–decoder's predictions: every valid output step of every
        sequence is one row (the first ``L_i`` of a ragged ``y``), weighted by its
        sequence's weight."""
        y_pred = self.predict(X)
        Y, output_lengths = pad_output_targets(y, len(y_pred), self.network_.output_steps)
        valid = output_step_mask(output_lengths, y_pred.shape[:2])
        weights = None
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_pred, dtype=np.float64)
            weights = np.broadcast_to(sample_weight[:, np.newaxis], valid.shape)[valid]
        return float(metric(Y[valid], y_pred[valid], sample_weight=weights))
