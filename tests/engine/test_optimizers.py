"""Tiny exact updates of the optimizers against their textbook formulas."""

import numpy as np
import pytest

from skrnn._engine._optimizers import AdamOptimizer, SGDOptimizer, clip_by_global_norm


def test_adam_first_two_steps_match_the_formula():
    params = np.array([1.0, -2.0])
    grads = [np.array([0.5, -1.0]), np.array([0.1, 0.3])]
    opt = AdamOptimizer(2, learning_rate_init=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    m = v = np.zeros(2)
    expected = params.copy()
    for t, g in enumerate(grads, start=1):
        opt.update_params(params, g.copy())
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        expected = expected - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8 / np.sqrt(1 - 0.999**t))
        np.testing.assert_allclose(params, expected, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_steps_match_the_formula(nesterov):
    params = np.array([1.0, 2.0])
    g1, g2 = np.array([1.0, -1.0]), np.array([0.5, 0.5])
    opt = SGDOptimizer(2, learning_rate_init=0.1, momentum=0.5, nesterov=nesterov)
    opt.update_params(params, g1)
    opt.update_params(params, g2)
    v1 = -0.1 * g1
    v2 = 0.5 * v1 - 0.1 * g2
    if nesterov:
        step1, step2 = 0.5 * v1 - 0.1 * g1, 0.5 * v2 - 0.1 * g2
    else:
        step1, step2 = v1, v2
    np.testing.assert_allclose(params, np.array([1.0, 2.0]) + step1 + step2, rtol=1e-12)


def test_invscaling_and_adaptive_schedules():
    opt = SGDOptimizer(1, learning_rate_init=1.0, lr_schedule="invscaling", power_t=0.5)
    opt.iteration_ends(3)
    assert opt.learning_rate == pytest.approx(0.5)
    opt = SGDOptimizer(1, learning_rate_init=1.0, lr_schedule="adaptive")
    assert opt.trigger_stopping("stalled", verbose=False) is False
    assert opt.learning_rate == pytest.approx(0.2)
    assert SGDOptimizer(1, lr_schedule="constant").trigger_stopping("x", False) is True


def test_clip_by_global_norm_rescales_only_long_gradients():
    grad = np.array([3.0, 4.0])
    assert clip_by_global_norm(grad, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grad, [0.6, 0.8])
    grad = np.array([0.3, 0.4])
    clip_by_global_norm(grad, 1.0)
    np.testing.assert_allclose(grad, [0.3, 0.4])
    clip_by_global_norm(grad, None)
    np.testing.assert_allclose(grad, [0.3, 0.4])
