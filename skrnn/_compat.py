"""The few scikit-learn helpers skrnn relies on, imported in one place.

Some of them live in private scikit-learn modules; gathering them here means a
scikit-learn upgrade that moves one touches this file only.
"""

from sklearn.base import _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    validate_data,
)

__all__ = [
    "CallbackSupportMixin",
    "HasMethods",
    "Interval",
    "Options",
    "StrOptions",
    "_check_feature_names_in",
    "_check_sample_weight",
    "_fit_context",
    "_get_output_config",
    "validate_data",
]
