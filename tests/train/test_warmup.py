"""Linear learning-rate warm-up, read back from the weights the engine's steps produced."""

import numpy as np
import pytest

from core.train.engine import WARMUP_LEVELS, Reporter, TrainConfig, prepare, train


class Weights(Reporter):
    wants_weights = True

    def __init__(self):
        self.w = []

    def chunk(self, chunk, steps_done):
        kernel, bias = chunk.weights
        self.w.append((float(np.ravel(kernel)[0]), float(np.ravel(bias)[0])))


def used_learning_rates(cfg):
    """lr_k = Δw_k / g_k, from SGD's own update with the batch gradient in float64 (NumPy)."""
    from core.train import models

    p = prepare(cfg)
    x, y = p.data.x[:, 0].astype(np.float64), p.data.y.astype(np.float64)
    start = models.build("linear", p.data.input_shape, 1, seed=cfg.seed).get_weights()
    rec = Weights()
    train(p, rec)
    ws = [(float(start[0].ravel()[0]), float(start[1][0])), *rec.w]
    batches = [b for e in range(cfg.epochs) for b in p.schedule.epoch_batches(e)]
    rates = []
    for (w0, b0), (w1, _), idx in zip(ws, ws[1:], batches, strict=False):
        err = w0 * x[idx] + b0 - y[idx]
        grad_w = np.mean(2 * err * x[idx])
        rates.append((w0 - w1) / grad_w)
    return np.asarray(rates)


def y_equals_2x(**changes) -> TrainConfig:
    """The tutorial's y = 2x: 10 points, batches of 3, plain SGD at lr 0.01, one step a chunk."""
    base = dict(dataset="linear", model="linear", n=10, batch_size=3, optimizer="sgd", lr=0.01)
    return TrainConfig(**base, chunk_steps=1, **changes)


def test_warm_up_ramps_the_learning_rate_linearly_then_holds_it():
    rates = used_learning_rates(y_equals_2x(epochs=20, warmup_epochs=10))
    warmup = 10 * 4  # steps: 10 epochs of 4 batches
    level = -(-warmup // WARMUP_LEVELS)
    expected = [0.01 * min(1.0, (k // level + 1) * level / warmup) for k in range(len(rates))]
    np.testing.assert_allclose(rates, expected, rtol=2e-3)
    assert rates[0] == pytest.approx(0.01 / WARMUP_LEVELS, rel=2e-3)
    assert rates[-1] == pytest.approx(0.01, rel=2e-3)


def test_without_warm_up_every_step_uses_the_full_rate():
    np.testing.assert_allclose(used_learning_rates(y_equals_2x(epochs=2)), 0.01, rtol=2e-3)


def test_a_negative_warm_up_is_refused():
    with pytest.raises(ValueError, match="warmup_epochs"):
        prepare(TrainConfig(warmup_epochs=-1))
