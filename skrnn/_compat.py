"""The few scikit-learn helpers skrnn relies on, imported in one place.

Some of them live in private scikit-learn modules; gathering them here means a
scikit-learn upgrade that moves one touches this file only.
"""

from sklearn.base import _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.callback._callback_support import callback_management_context
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    validate_data,
)



def search_fold_estimator_name(estimator):
    """Name of the search estimator whose candidate fold ``estimator`` is fitting, or None.

    scikit-learn 1.9's searches hand each fold's estimator their callback context as the
    private attribute ``_parent_callback_ctx`` while it fits (task
    "candidate-split-evaluation"); it is the only sign that a fit is one fold of a search.
    """
    context = getattr(estimator, "_parent_callback_ctx", None)
    if getattr(context, "task_name", None) != "candidate-split-evaluation":
        return None
    return getattr(context, "estimator_name", "the search")


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
    "callback_management_context",
    "search_fold_estimator_name",
    "validate_data",
]
