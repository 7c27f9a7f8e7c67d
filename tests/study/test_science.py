import math

import numpy as np
import pytest

from core.present import readings
from core.study import science
from core.train.engine import TrainConfig


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


def test_saturation_is_read_from_the_medians_shown():
    rows = [
        {"batch_size": b, "samples_per_second": s}
        for b, s in [(1, 100), (2, 200), (4, 380), (8, 400), (16, 410)]
    ]
    knee = science.saturation(rows)
    assert knee == {"batch_size": 4, "best_batch_size": 16, "best": 410.0, "rising": False}
    # the page: 22k → 48k samples/s, still climbing at the largest size
    climbing = [
        {"batch_size": b, "samples_per_second": s}
        for b, s in [(32, 22_000), (64, 30_000), (128, 38_000), (256, 48_000)]
    ]
    knee = science.saturation(climbing)
    assert knee["rising"] and knee["batch_size"] == 256
    assert "still rising" in readings.throughput_reading(climbing)


def test_noise_scale_readings():
    assert "well below" in readings.noise_scale_reading(500.0, 32)
    assert "well above" in readings.noise_scale_reading(10.0, 64)
    assert "close to" in readings.noise_scale_reading(50.0, 64)


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


def _by_b(seconds, repeats):
    import pandas as pd

    rows = []
    for b, values in seconds.items():
        rows.append(
            {
                "batch_size": b,
                "steps_to_target": 1000 / b,
                "steps_to_target_min": 1000 / b,
                "steps_to_target_max": 1000 / b,
                "epochs_to_target": 2.0,
                "epochs_to_target_min": 2.0,
                "epochs_to_target_max": 2.0,
                "seconds_to_target": sum(values) / len(values),
                "seconds_to_target_min": min(values),
                "seconds_to_target_max": max(values),
                "final_train_loss": 0.1,
                "repeats": repeats,
            }
        )
    return pd.DataFrame(rows)


def test_a_wall_time_winner_inside_the_spread_is_too_close_to_call():
    # the case: B=64 at 0.29 s against B=128 at 0.30 s
    one_each = readings.sweep_reading(_by_b({64: [0.29], 128: [0.30]}, 1), "val_loss", 0.5)
    # one run each within 5 %: no measurable difference (issue 26), never a winner (issue 25)
    assert "no measurable difference" in one_each and "fastest" not in one_each
    overlap = _by_b({64: [0.27, 0.31], 128: [0.29, 0.32]}, 2)
    assert "too close to call" in readings.sweep_reading(overlap, "val_loss", 0.5)
    apart = _by_b({64: [0.20, 0.22], 128: [0.29, 0.32]}, 2)
    assert "B=64 reaches validation loss 0.5 fastest" in readings.sweep_reading(
        apart, "val_loss", 0.5
    )
