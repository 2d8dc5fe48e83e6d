"""NumPy backpropagation-through-time engine of skrnn.

Pure functions on a flat parameter vector; the network layout is a frozen
:class:`NetworkSpec`. Imports only NumPy. See :func:`make_network`, :func:`init_params`,
:func:`forward` and :func:`loss_and_gradient`.
"""

from ._init import init_params
from ._network import NetworkSpec, make_network
from ._pooling import POOLINGS
from ._propagation import forward, loss_and_gradient

__all__ = ["NetworkSpec", "make_network", "init_params", "forward", "loss_and_gradient",
           "POOLINGS"]
