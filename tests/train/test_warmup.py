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


@pytest.mark.parametrize(("warmup_epochs", "start"), [(10, None), (15 / 4, None), (10, 0.002)])
def test_warm_up_ramps_the_learning_rate_linearly_then_holds_it(warmup_epochs, start):
    # Goyal et al. 2017: lr(k) = start + (lr − start) k / W per step; the engine holds it in
    # at most WARMUP_LEVELS levels, each at the line's value where it begins
    cfg = y_equals_2x(epochs=20, warmup_epochs=warmup_epochs, warmup_from_lr=start)
    rates = used_learning_rates(cfg)
    warmup = int(np.ceil(warmup_epochs * 4))  # steps: 4 batches an epoch
    start = 0.01 / WARMUP_LEVELS if start is None else start
    level = -(-warmup // WARMUP_LEVELS)
    levels = len({k // level for k in range(warmup)})
    assert levels == min(WARMUP_LEVELS, warmup)
    expected = [
        start + (0.01 - start) * (k // level) * level / warmup if k < warmup else 0.01
        for k in range(len(rates))
    ]
    np.testing.assert_allclose(rates, expected, rtol=2e-3)
    assert rates[0] == pytest.approx(start, rel=2e-3)
    assert rates[-1] == pytest.approx(0.01, rel=2e-3)


def test_a_sweep_warms_up_from_the_base_lr_to_the_scaled_one():
    from core.study import sweep

    spec = sweep.SweepSpec(
        base=TrainConfig(dataset="blobs", lr=0.01),
        batch_sizes=(64,),
        lr_scaling="linear",
        base_batch_size=8,
        warmup_epochs=5,
    )
    (cfg,) = sweep.plan(spec, 1000)
    assert (cfg.warmup_from_lr, cfg.lr) == (0.01, pytest.approx(0.08))


def test_without_warm_up_every_step_uses_the_full_rate():
    np.testing.assert_allclose(used_learning_rates(y_equals_2x(epochs=2)), 0.01, rtol=2e-3)


def test_a_negative_warm_up_is_refused():
    with pytest.raises(ValueError, match="warmup_epochs"):
        prepare(TrainConfig(warmup_epochs=-1))
