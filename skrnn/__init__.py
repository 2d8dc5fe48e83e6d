"""Recurrent neural networks as scikit-learn estimators.

skrnn trains Elman RNN, LSTM and GRU networks with its own NumPy
backpropagation-through-time engine and exposes them as scikit-learn
estimators, windowing transformers and a pandas forecaster.
"""

from ._windowing import WindowTransformer, make_windows

__version__ = "0.1.0.dev0"

__all__ = [
    "__version__",
    "WindowTransformer",
    "make_windows",
]
