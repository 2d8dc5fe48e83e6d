"""Preprocessing for sequences: transformers that read the same inputs as the estimators.

scikit-learn's scalers refuse 3-D arrays and lists of sequences; the transformers here
accept every format :class:`~skrnn.RNNClassifier` and :class:`~skrnn.RNNRegressor` do and
return their input's format, so they can precede an RNN in a
:class:`~sklearn.pipeline.Pipeline`.
"""

from ._scaler import SequenceScaler, channel_mean_scale

__all__ = ["SequenceScaler", "channel_mean_scale"]
