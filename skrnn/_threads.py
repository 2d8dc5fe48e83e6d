"""How many BLAS threads a fit or a prediction uses.

A recurrent step multiplies one small matrix per layer; OpenBLAS spreads even tiny
products over every core, and its threads spin and wait at each of the thousands of
steps of a fit. Measured on a 2-core machine with other work running: a default
``RNNClassifier`` fit took 8.7 s at one thread and 83 s at two (JapaneseVowels, one
network); on a quiet machine the gap is smaller but still favours one thread for small
layers. So skrnn runs one BLAS thread unless a step's product is large, and never more
threads than the caller allowed (``threadpoolctl.threadpool_limits`` around a call still
wins, as it only ever lowers the count).
"""

from contextlib import nullcontext

from threadpoolctl import threadpool_limits

# Multiply-adds of the largest per-step product (rows x cols x batch) above which BLAS
# keeps its threads: about a 256-unit GRU layer on a batch of 64.
MULTITHREAD_MIN_MACS = 2**24


def step_macs(spec, batch_size):
    """Multiply-adds of the largest per-step product of a network on ``batch_size`` rows."""
    return max(rows * cols for layer in spec.layer_slices for _, rows, cols in layer) * batch_size


def blas_threads(spec, batch_size):
    """Context manager: one BLAS thread for small per-step products, else unchanged."""
    if step_macs(spec, batch_size) >= MULTITHREAD_MIN_MACS:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
