"""scikit-learn's own estimator checks, run on configured instances of both estimators.

Every cell type runs twice: as one float64 network without dropout, and with the defaults
(float32, an ensemble of 5 networks, dropout). All checks pass, with no expected failure:
float32 predictions are batch-invariant (the engine pads the batch to whole kernel tiles),
so the sample-order and subset checks pass at rtol=1e-7; and a fit with sample weights
trains on the weighted set of distinct rows in an order fixed by their content
(``skrnn/_rows.py``), so an integer weight is bit for bit the same fit as repeated rows.
"""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skrnn import RNNClassifier, RNNRegressor

_SHARED = dict(hidden_layer_sizes=8, max_iter=60, learning_rate_init=0.02, random_state=0)

ESTIMATORS = [
    Estimator(cell=cell, **options, **_SHARED)
    for options in (dict(dtype="float64", n_estimators=1, dropout=0.0), {})
    for Estimator in (RNNRegressor, RNNClassifier)
    for cell in ("lstm", "gru", "rnn")
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        # short max_iter on purpose: the checks test the API, not convergence
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize("estimator", [RNNRegressor(), RNNClassifier()], ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
