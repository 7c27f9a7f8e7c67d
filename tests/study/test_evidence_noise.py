"""Issue 25 items 3 and 9: the noise scale measured where the weights do not move, and any
sequence of measurements in one process. References: NumPy per-example gradients (through the
app's exact probe, itself checked against NumPy in test_noise_scale.py) and the weights read
back before and after."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.present import readings
from core.study import science
from core.train.engine import TrainConfig, prepare, train


def test_measuring_at_the_final_weights_leaves_them_as_they_were():
    cfg = TrainConfig(dataset="digits", n=320, batch_size=64, epochs=2, lr=0.01, micro=4)
    seen = {}

    def probe(stepper, x, y):
        before = [w.copy() for w in stepper.weights()]
        idx = np.stack([np.arange(64) + 64 * k for k in range(4)]).astype(np.int32)
        small, big = stepper.frozen_norms(idx)
        again, _ = stepper.frozen_norms(idx)
        seen["same"] = all(
            np.array_equal(a, b) for a, b in zip(before, stepper.weights(), strict=True)
        )
        seen["repeatable"] = np.allclose(small, again, rtol=1e-6)
        seen["finite"] = bool(np.isfinite(small).all() and np.isfinite(big).all())

    train(prepare(cfg), probe=probe)
    assert seen == {"same": True, "repeatable": True, "finite": True}


def test_the_estimate_and_the_exact_value_measure_the_same_final_weights():
    cfg = TrainConfig(dataset="digits", n=320, batch_size=64, epochs=6, optimizer="sgd", lr=0.1)
    result = science.measure_noise_scale(cfg, micro=4, exact=True)
    lo, hi = result.interval
    assert result.measured_at == "final weights"
    assert result.steps_measured == science.FROZEN_BATCHES
    assert lo <= result.b_simple_exact <= hi, (lo, result.b_simple_exact, hi)
    assert math.isfinite(result.last_epoch)
    lines = readings.noise_scale_lines({**result.__dict__, "epoch_range": result.epoch_range}, "en")
    text = " ".join(line for _, line in lines)
    assert "nan" not in text and "tested within 8%" not in text
    assert "at the final weights (B = 64, after 6 epochs" in text


@pytest.mark.slow  # four compiles: about 30 s on a busy machine
def test_measurements_in_any_order_in_one_process():
    # TensorFlow retraces the compiled step with an unknown batch length for a second size
    for b in (32, 64, 32):
        cfg = TrainConfig(dataset="digits", n=200, batch_size=b, epochs=1, seed=b)
        assert math.isfinite(science.measure_noise_scale(cfg, micro=4).b_simple)
    linear = TrainConfig(dataset="linear", model="linear", n=200, batch_size=16, epochs=1)
    assert science.measure_noise_scale(linear, micro=2).batch_size == 16


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_interval_is_never_printed_as_nan(lang):
    assert "nan" not in readings.interval_text(3.0, float("nan"), lang)
    unbounded = readings.interval_text(3.0, math.inf, lang)
    assert "inf" not in unbounded and ("unbounded" in unbounded or "无界" in unbounded)
