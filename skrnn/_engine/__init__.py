"""NumPy backpropagation-through-time engine of skrnn.

Pure functions on a flat parameter vector; the network layout is a frozen
:class:`NetworkSpec`. Imports only NumPy. See :func:`make_network`, :func:`init_params`,
:func:`forward` and :func:`loss_and_gradient`; the optimizers act in place on the same
flat vector.
"""

from ._init import init_params
from ._network import NetworkSpec, make_network, pool_weights, unpack
from ._optimizers import (
    AdamOptimizer,
    SGDOptimizer,
    clip_by_global_norm,
    optimizer_from_state,
    optimizer_state,
)
from ._pooling import POOLINGS
from ._propagation import forward, loss_and_gradient

__all__ = ["NetworkSpec", "make_network", "init_params", "forward", "loss_and_gradient",
           "POOLINGS", "unpack", "pool_weights", "AdamOptimizer", "SGDOptimizer",
           "clip_by_global_norm", "optimizer_state", "optimizer_from_state"]
