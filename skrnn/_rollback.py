"""``unchanged_on_failure``: a ``fit`` or ``partial_fit`` that does not return leaves the
estimator as it was before the call."""

import copy
import functools


def unchanged_on_failure(fit_method):
    """Decorate ``fit`` and ``partial_fit``: a call that does not return (bad input, a
    divergence, a ``KeyboardInterrupt``, a failing callback) leaves the estimator
    exactly as it was before it: every fitted attribute, the optimizer's moments and the
    random generator (so an unfitted estimator stays unfitted), ensemble members
    included. The price is one copy of the fitted state per call."""

    @functools.wraps(fit_method)
    def restoring(self, *args, **kwargs):
        saved = _fitted_state(self)
        try:
            return fit_method(self, *args, **kwargs)
        except BaseException:
            _restore_fitted_state(self, saved)
            raise

    return restoring


def _not_state(estimator, name):
    """Constructor parameters and scikit-learn's callback bookkeeping (torn down by
    ``_fit_context`` itself) are not fitted state."""
    return name in estimator._get_param_names() or "callback" in name


def _fitted_state(estimator):
    # The callbacks are shared with the ensemble members: copies would be strangers.
    memo = {id(cb): cb for cb in [getattr(estimator, "_skl_callbacks", None)] if cb}
    return {name: copy.deepcopy(value, memo) for name, value in vars(estimator).items()
            if not _not_state(estimator, name)}


def _restore_fitted_state(estimator, saved):
    for name in list(vars(estimator)):
        if name not in saved and not _not_state(estimator, name):
            delattr(estimator, name)
    estimator.__dict__.update(saved)
