"""Which words of numpydoc's type descriptions are not names to cross-reference.

With ``numpydoc_xref_param_type`` every word of ``X : ndarray of shape (n_samples,
n_features)`` that is not known prose becomes a reference, and with ``nitpicky`` a
reference that resolves to nothing is a warning. Shape symbols are never names:
``NotNames`` treats every ``n_<something>`` as ignored, so a docstring may introduce a
new one (``n_new``, ``n_windows``) without touching ``conf.py``, while a misspelt class
name in a type still fails the build.
"""

import re

_SHAPE_SYMBOL = re.compile(r"n_[a-z][a-z0-9_]*")


class NotNames(set):
    """A set of words that also contains every shape symbol ``n_<something>``."""

    def __contains__(self, word):
        return super().__contains__(word) or (
            isinstance(word, str) and _SHAPE_SYMBOL.fullmatch(word) is not None
        )
