"""The Science page's noise-scale verdict reads the best value it has."""

from core.present import readings


def test_the_noise_reading_uses_the_exact_value_when_there_is_one():
    # The page showed B_simple ≈ 92 (estimate, lagging), exact 177, then read "B = 64 is close
    # to B_noise ≈ 92": the verdict now reads the exact value, at the weights training ended on.
    noise = {
        "b_simple": 92.0,
        "interval": (80.0, 105.0),
        "epoch_range": (2, 2),
        "steps_measured": 20,
        "gradient_norm_sq": 1.0,
        "trace_sigma": 92.0,
        "b_simple_exact": 177.0,
        "train_samples": 1437,
        "batch_size": 64,
    }
    for lang in ("en", "zh"):
        kind, reading = readings.noise_scale_lines(noise, lang)[-1]
        assert kind == "info" and "177" in reading and "92" not in reading, reading
    without = {**noise, "b_simple_exact": None}
    assert "92" in readings.noise_scale_lines(without, "en")[-1][1]
