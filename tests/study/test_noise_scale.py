"""The noise scale against references the app did not write.

- A NumPy backward pass of the MLP gives every per-example gradient exactly (float64).
- Batches are drawn exactly as the app draws them: the engine's own feed (a permutation per
  epoch, micro-batches partitioning each batch), at fixed weights (lr 1e-9).
"""

import math

import numpy as np
import pytest

from core.study import science
from core.train import models
from core.train.engine import TrainConfig, prepare, train


def numpy_per_example_moments(weights, x, y):
    """(mean gradient, mean |g_i|²) of sparse cross-entropy through Dense-relu-Dense-relu-
    Dense-softmax, every example's own gradient by hand in float64."""
    w1, b1, w2, b2, w3, b3 = (np.asarray(w, np.float64) for w in weights)
    a0 = x.reshape(len(x), -1).astype(np.float64)
    z1 = a0 @ w1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ w2 + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ w3 + b3
    p = np.exp(z3 - z3.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d3 = p.copy()
    d3[np.arange(len(y)), y] -= 1.0
    d2 = (d3 @ w3.T) * (z2 > 0)
    d1 = (d2 @ w2.T) * (z1 > 0)
    n = len(x)
    mean = (
        np.concatenate(
            [(a0.T @ d1).ravel(), d1.sum(0), (a1.T @ d2).ravel(), d2.sum(0), (a2.T @ d3).ravel()]
            + [d3.sum(0)]
        )
        / n
    )
    sq = lambda a: (a * a).sum(axis=1)  # noqa: E731
    # |a ⊗ d|² = |a|² |d|² for an outer product
    per_example = sq(a0) * sq(d1) + sq(d1) + sq(a1) * sq(d2) + sq(d2) + sq(a2) * sq(d3) + sq(d3)
    return mean, per_example.mean()


def reference_b_simple(cfg: TrainConfig) -> float:
    p = prepare(cfg)
    x, y = p.data.x[: p.schedule.train_samples], p.data.y[: p.schedule.train_samples]
    model = models.build("mlp", p.data.input_shape, p.data.num_classes, seed=cfg.seed)
    mean, mean_sq = numpy_per_example_moments([w.numpy() for w in model.weights], x, y)
    g2 = mean @ mean
    return (mean_sq - g2) / g2


@pytest.fixture(scope="module")
def fixed_weights_run():
    """Many epochs at (effectively) fixed weights: B = 64 of N = 320 digits, 4 micro-batches."""
    cfg = TrainConfig(
        dataset="digits", n=320, batch_size=64, epochs=150, optimizer="sgd", lr=1e-9, seed=1
    )
    norms = science._Norms()
    result = train(prepare(cfg.__class__(**{**cfg.to_dict(), "micro": 4})), norms)
    rows = np.asarray(norms.rows)
    return cfg, result, rows


def test_estimator_is_unbiased_when_batches_are_drawn_as_the_app_draws_them(fixed_weights_run):
    cfg, result, rows = fixed_weights_run
    exact = reference_b_simple(cfg)
    small, big = rows[:, 2], rows[:, 3]
    n = 320
    estimate = science.b_simple_of(small, big, 16, 64, n)
    with_replacement = science.b_simple_of(small, big, 16, 64, None)
    print(f"exact {exact:.2f}, estimate {estimate:.2f}, with replacement {with_replacement:.2f}")
    assert len(rows) == 150 * 5  # every batch is full: 320 = 5 × 64
    assert estimate == pytest.approx(exact, rel=0.08)
    # the with-replacement formula is biased up by about 1 / (1 − k/(N − 1))
    assert with_replacement == pytest.approx(exact / (1 - exact / (n - 1)), rel=0.08)


def test_the_exact_value_the_app_computes_matches_numpy():
    cfg = TrainConfig(dataset="digits", n=320, batch_size=64, epochs=1, optimizer="sgd", lr=1e-9)
    result = science.measure_noise_scale(cfg, micro=4, exact=True)
    assert result.b_simple_exact == pytest.approx(reference_b_simple(cfg), rel=1e-3)


def test_full_batch_gradient_norm_needs_no_correction():
    """B = N: the batch gradient is the full gradient, so |G|² is |G_N|² exactly."""
    g2, trace = science.noise_scale_estimates(5.0 + 7.0 * (100 - 25) / (25 * 99), 5.0, 25, 100, 100)
    assert (g2, trace) == pytest.approx((5.0, 7.0))


def test_a_true_noise_scale_above_n_comes_out_positive():
    """k > N: the with-replacement formula turns |G|² negative; the corrected one does not."""
    g2, trace, n, b, big_b = 1.0, 5000.0, 1000, 50, 200
    small = g2 + trace * (n - b) / (b * (n - 1))
    big = g2 + trace * (n - big_b) / (big_b * (n - 1))
    assert science.noise_scale_estimates(small, big, b, big_b, n) == pytest.approx((g2, trace))
    assert science.noise_scale_estimates(small, big, b, big_b)[0] < 0


def test_measurement_reports_an_interval_and_per_epoch_values():
    cfg = TrainConfig(dataset="digits", batch_size=64, epochs=3, seed=0)
    result = science.measure_noise_scale(cfg, micro=4)
    lo, hi = result.interval
    assert len(result.per_epoch) == 3 and result.steps_measured >= 10
    assert lo <= result.b_simple <= hi and math.isfinite(lo) and math.isfinite(hi)
    assert result.epoch_range[0] <= result.epoch_range[1]
    assert result.per_epoch[2]["loss"] < result.per_epoch[0]["loss"]
    assert result.b_simple_exact is None  # not asked for


def test_cli_noise_scale_exact_json_puts_the_exact_beside_the_estimate(capsys):
    import json

    from core.cli import main

    argv = ["noise-scale", "--dataset", "digits", "--n", "320", "--batch-size", "64"]
    assert main([*argv, "--epochs", "2", "--exact", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["b_simple_exact"] > 0 and out["b_simple"] > 0
    assert out["interval"][0] <= out["b_simple"] <= out["interval"][1]
    assert out["train_samples"] == 320 and len(out["per_epoch"]) == 2
