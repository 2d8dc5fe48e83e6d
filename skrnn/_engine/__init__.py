"""NumPy backpropagation-through-time engine of skrnn.

Pure functions on a flat parameter vector; the network layout is a frozen
:class:`NetworkSpec`. Imports only NumPy. See :func:`make_network`, :func:`init_params`,
:func:`forward` and :func:`loss_and_gradient` (for an encoder–decoder, made with
``output_steps``: :func:`forward_seq2seq` and :func:`loss_and_gradient_seq2seq`); the
optimizers act in place on the same flat vector.
"""

from ._activations import sigmoid
from ._init import init_params
from ._network import NetworkSpec, make_network, pool_weights, unpack, unpack_decoder
from ._optimizers import (
    AdamOptimizer,
    SGDOptimizer,
    clip_by_global_norm,
    optimizer_from_state,
    optimizer_state,
)
from ._pooling import POOLINGS
from ._propagation import forward, loss_and_gradient
from ._seq2seq import forward_seq2seq, loss_and_gradient_seq2seq

__all__ = ["NetworkSpec", "make_network", "init_params", "forward", "loss_and_gradient",
           "forward_seq2seq", "loss_and_gradient_seq2seq", "POOLINGS", "unpack",
           "unpack_decoder", "pool_weights", "AdamOptimizer", "SGDOptimizer",
           "clip_by_global_norm", "optimizer_state", "optimizer_from_state", "sigmoid"]
