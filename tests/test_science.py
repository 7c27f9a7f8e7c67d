import math

import numpy as np
import pytest

from core.study import science
from core.train.engine import TrainConfig, prepare


def test_estimator_formulas_recover_g2_and_trace():
    g2, trace = 2.0, 40.0
    small, big = g2 + trace / 4, g2 + trace / 64
    assert science.noise_scale_estimates(small, big, 4, 64) == pytest.approx((g2, trace))


def test_tracker_smooths_numerator_and_denominator_separately():
    t = science.NoiseScaleTracker(decay=0.5)
    t.update(1.0, 10.0)
    t.update(3.0, 10.0)
    # mean of ratios would be (10 + 3.33) / 2 = 6.67; ratio of smoothed means is 10 / 2.33
    assert t.gradient_norm_sq == pytest.approx((0.5 * 1 + 1 * 3) / 1.5)
    assert t.b_simple == pytest.approx(10.0 / t.gradient_norm_sq)


def test_critical_batch_fit_recovers_a_known_hyperbola():
    s_min, b_crit = 100.0, 64.0
    bs = np.array([4, 16, 64, 256, 1024])
    fit = science.fit_critical_batch(bs, s_min * (1 + b_crit / bs))
    assert (fit.s_min, fit.b_crit, fit.e_min) == pytest.approx((100.0, 64.0, 6400.0))
    s, e = fit.steps(bs), fit.samples(bs)
    assert ((s / fit.s_min - 1) * (e / fit.e_min - 1)) == pytest.approx(np.ones(5))


def test_critical_batch_fit_needs_three_sizes():
    with pytest.raises(ValueError, match="at least 3 batch sizes"):
        science.fit_critical_batch([8, 32, 32], [40, 10, 11])


def test_estimator_matches_the_exact_noise_scale_from_per_example_gradients():
    """At fixed weights, the two-batch-size estimator agrees with tr(Σ)/|G|² computed exactly."""
    import tensorflow as tf

    from core.train import models

    p = prepare(TrainConfig(dataset="blobs", n=256, batch_size=32, seed=2))
    data = p.data
    model = models.build("mlp", data.input_shape, data.num_classes, seed=2)
    loss_fn = models.make_loss("classification")
    g2_exact, trace_exact, b_exact = science.exact_noise_scale(model, loss_fn, data.x, data.y)
    norms = science._micro_batch_norms(model, loss_fn, micro=4)
    rng = np.random.default_rng(0)
    small = big = 0.0
    reps = 400
    for _ in range(reps):  # batches drawn with replacement: E|G_B|² = |G|² + tr(Σ)/B exactly
        idx = rng.integers(0, len(data.x), 32)
        s, b, _, _ = norms(tf.constant(data.x[idx]), tf.constant(data.y[idx]))
        small += float(s) / reps
        big += float(b) / reps
    g2, trace = science.noise_scale_estimates(small, big, 8, 32)
    print(f"exact B_simple {b_exact:.2f}, estimated {trace / g2:.2f}")
    assert g2 == pytest.approx(g2_exact, rel=0.15)
    assert trace == pytest.approx(trace_exact, rel=0.1)
    assert trace / g2 == pytest.approx(b_exact, rel=0.2)


def test_measured_noise_scale_during_training_on_digits():
    result = science.measure_noise_scale(
        TrainConfig(dataset="digits", batch_size=64, epochs=2, seed=0), micro=4
    )
    assert len(result.per_epoch) == 2
    assert math.isfinite(result.b_simple) and result.b_simple > 0
    assert result.per_epoch[1]["loss"] < result.per_epoch[0]["loss"]
    assert len(result.per_step) == 2 * (1438 // 64)


def test_noise_scale_needs_divisible_batches():
    with pytest.raises(ValueError, match="multiple of 4"):
        science.measure_noise_scale(TrainConfig(dataset="digits", batch_size=30), micro=4)


def test_throughput_rows_for_each_batch_size():
    rows = science.throughput(TrainConfig(dataset="blobs", n=512), [8, 64, 1024], seconds=0.3)
    assert [r["batch_size"] for r in rows] == [8, 64, 1024]
    assert rows[0]["samples_per_second"] > 0 and rows[1]["samples_per_second"] > 0
    assert rows[2]["samples_per_second"] is None  # larger than the training set


def test_cli_noise_scale_and_throughput_json(capsys):
    import json

    from core.cli import main

    assert (
        main(
            [
                "noise-scale",
                "--dataset",
                "blobs",
                "--n",
                "400",
                "--batch-size",
                "32",
                "--epochs",
                "2",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert {"b_simple", "gradient_norm_sq", "trace_sigma", "per_epoch"} <= out.keys()
    assert len(out["per_epoch"]) == 2 and out["b_simple"] > 0
    assert (
        main(
            [
                "throughput",
                "--dataset",
                "blobs",
                "--batch-sizes",
                "1,16,256",
                "--seconds",
                "0.2",
                "--json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["batch_size"] for r in rows] == [1, 16, 256]
    assert all(r["samples_per_second"] > 0 and r["steps_per_second"] > 0 for r in rows)
    assert main(["throughput", "--dataset", "blobs", "--batch-sizes", "8,full"]) == 2
    assert main(["noise-scale", "--dataset", "blobs", "--batch-size", "32", "--micro", "1"]) == 2


def test_saturation_and_readings():
    rows = [
        {"batch_size": b, "samples_per_second": s}
        for b, s in [(1, 100), (2, 200), (4, 380), (8, 400), (16, 410)]
    ]
    assert science.saturation(rows) == 4
    assert "well below" in science.noise_scale_reading(500.0, 32)
    assert "well above" in science.noise_scale_reading(10.0, 64)
    assert "close to" in science.noise_scale_reading(50.0, 64)


def test_a_sweep_at_one_learning_rate_is_flagged_before_reading_b_crit():
    import pandas as pd

    from core.study.science import lr_was_fixed, reached_rows

    by_b = pd.DataFrame(
        {
            "batch_size": [8, 32, 128],
            "lr": [0.01, 0.01, 0.01],
            "steps_to_target": [400.0, 150.0, float("nan")],
            "samples_to_target": [3200.0, 4800.0, float("nan")],
        }
    )
    reached = reached_rows(by_b)
    assert list(reached["batch_size"]) == [8, 32]
    assert lr_was_fixed(reached)
    assert not lr_was_fixed(reached.assign(lr=[0.01, 0.02]))  # sqrt/linear scaling
    assert not lr_was_fixed(reached.iloc[:1])
    assert reached_rows(pd.DataFrame()).empty
