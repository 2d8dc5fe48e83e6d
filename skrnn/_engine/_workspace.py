"""One scratch allocation per chunk of work, carved into the arrays BPTT needs.

Why: BPTT needs a dozen arrays of ``T * H * B``-ish size per layer-direction. Allocated
separately, each one is a fresh ``mmap`` that the C allocator hands back to the OS on free
(or trims off the heap), so every call page-faults all of them in again; on the sizes we
target that cost as much as the arithmetic. One allocation of the whole workspace is
reused by the allocator from call to call instead. Nothing outlives the call.

What is carved is declared as a table, name -> shape (all of the workspace's dtype): the
same table gives the size to allocate (:func:`table_size`) and the arrays
(:meth:`Workspace.carve`), so the two cannot drift apart.
"""

import math

import numpy as np

ALIGN = 16  # elements: 64-byte alignment for float32


def aligned(size):
    """``size`` elements rounded up to a whole number of ALIGN-element slots."""
    return -(-size // ALIGN) * ALIGN


def table_size(table):
    """Elements that :meth:`Workspace.carve` takes for ``table`` (name -> shape)."""
    return sum(aligned(math.prod(shape)) for shape in table.values())


class Workspace:
    """Bump allocator over one 1-D array; falls back to ``np.empty`` when full.

    Parameters
    ----------
    size : int
        Number of elements to allocate up front.
    dtype : numpy dtype
    """

    def __init__(self, size, dtype):
        self._memory = np.empty(int(size) + ALIGN, dtype=dtype)
        itemsize = self._memory.itemsize
        self._used = (-self._memory.ctypes.data % (ALIGN * itemsize)) // itemsize
        self.dtype = self._memory.dtype

    def empty(self, shape):
        """An uninitialised C-contiguous array of ``shape`` carved from the workspace."""
        size = math.prod(shape)  # Python ints: np.prod costs ~4 us a call here
        start = self._used
        if start + size > self._memory.size:
            return np.empty(shape, dtype=self.dtype)
        self._used = start + aligned(size)
        return self._memory[start:start + size].reshape(shape)

    def carve(self, table):
        """One array per entry of ``table`` (name -> shape), in its order: a dict."""
        return {name: self.empty(shape) for name, shape in table.items()}

