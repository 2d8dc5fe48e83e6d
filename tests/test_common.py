"""scikit-learn's own estimator checks, run on configured instances of both estimators.

Every cell type runs as one float64 network without dropout, where all checks pass. The
defaults (float32, an ensemble of 5 networks, dropout) run too and pass every check but
one: dropout draws one mask per row, so a row repeated twice is not trained as the same row
with weight 2. Float32 predictions are batch-invariant (the engine pads the batch to whole
kernel tiles), so the sample-order and subset checks pass at rtol=1e-7.
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
    Estimator(cell=cell, dtype="float64", n_estimators=1, dropout=0.0, **_SHARED)
    for Estimator in (RNNRegressor, RNNClassifier)
    for cell in ("lstm", "gru", "rnn")
] + [RNNRegressor(**_SHARED), RNNClassifier(**_SHARED)]

_DROPOUT = (
    "dropout draws a mask per row: a repeated row gets two masks, a weighted row one; "
    "passes with dropout=0"
)


def _expected_failed_checks(estimator):
    if estimator.dtype == "float64":
        return {}
    return {"check_sample_weight_equivalence_on_dense_data": _DROPOUT}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        # short max_iter on purpose: the checks test the API, not convergence
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize("estimator", [RNNRegressor(), RNNClassifier()], ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
