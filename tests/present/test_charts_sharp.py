"""Compare's sharpness chart and reading, and Science's sketch (issue 23)."""

import pandas as pd
import pytest

from core.present import charts_sharp, readings_sharp
from core.present.text import t


def by_b(rows):
    """`sharpness_table`'s per-size frame from (B, lr, λ mean, λ min, λ max, gap mean, gap min,
    gap max) rows; the trace is 10 λ."""
    out = []
    for b, lr, lam, lam_lo, lam_hi, gap, gap_lo, gap_hi in rows:
        out.append(
            {
                "batch_size": b,
                "accumulation": 1,
                "lr": lr,
                "lambda_max": lam,
                "trace": 10 * lam,
                "generalization_gap": gap,
                "train_loss": 0.1,
                "test_loss": 0.1 + gap,
                "lambda_max_min": lam_lo,
                "lambda_max_max": lam_hi,
                "trace_min": 10 * lam_lo,
                "trace_max": 10 * lam_hi,
                "generalization_gap_min": gap_lo,
                "generalization_gap_max": gap_hi,
                "repeats": 3,
            }
        )
    return pd.DataFrame(out)


KESKAR = by_b(
    [(8, 1e-3, 5.0, 4.0, 6.0, 0.05, 0.04, 0.06), (512, 1e-3, 40.0, 35.0, 45.0, 0.3, 0.2, 0.4)]
)
OVERLAP = by_b(
    [(8, 1e-3, 5.0, 4.0, 9.0, 0.05, 0.04, 0.06), (512, 1e-3, 7.0, 6.0, 8.0, 0.3, 0.2, 0.4)]
)


def test_the_chart_has_three_panels_with_bands_from_the_repeats():
    spec = charts_sharp.sharpness_chart(KESKAR).to_dict()  # validates against Vega-Lite
    panels = spec["hconcat"]
    assert len(panels) == 3
    assert spec["resolve"]["scale"]["y"] == "independent"
    titles = [p["layer"][1]["encoding"]["y"]["title"] for p in panels]
    assert titles == [t(f"chart.sharp.{c}") for c in charts_sharp.SHARPNESS_PANELS]
    for panel in panels:
        band, line = panel["layer"]
        assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high"
        assert line["encoding"]["x"]["scale"] == {"type": "log", "base": 2}
        assert line["encoding"]["x"]["axis"]["values"] == [8, 512]
    trace = charts_sharp.sharpness_data(KESKAR, "trace")
    assert trace["value"].tolist() == [50.0, 400.0]
    assert trace[["low", "high"]].values.tolist() == [[40.0, 60.0], [350.0, 450.0]]


def test_the_chart_titles_are_chinese_in_chinese():
    spec = charts_sharp.sharpness_chart(KESKAR, lang="zh").to_dict()
    assert spec["hconcat"][0]["layer"][1]["encoding"]["y"]["title"] == "Hessian 最大特征值 λ_max"


def test_the_sketch_puts_the_sharp_minimums_test_loss_far_higher():
    spec = charts_sharp.sharpness_sketch_chart().to_dict()
    points = pd.DataFrame(spec["datasets"][spec["layer"][2]["data"]["name"]])
    flat, sharp = points["loss"].tolist()
    assert sharp > 3 * flat
    assert spec["layer"][1]["encoding"]["y2"]["field"] == "loss"  # bars up from the training loss
    assert spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "top"
    curves = charts_sharp.sketch_data()
    train = curves[curves["curve"] == t("chart.sketch.train")]
    assert train["loss"].min() == pytest.approx(0.1, abs=1e-3)


@pytest.mark.parametrize(
    ("runs", "answer"),
    [
        ([(8, 1e-3), (8, 1e-3), (64, 1e-3)], "fixed"),
        ([(8, 1e-3), (64, 8e-3)], "scaled"),
        ([(8, 1e-3), (8, 1e-2), (64, 1e-3)], "tuned"),
    ],
)
def test_lr_tuning_tells_fixed_from_scaled_from_tuned(runs, answer):
    stored = [{"batch_size": b, "lr": lr, "config": {}} for b, lr in runs]
    assert readings_sharp.lr_tuning(stored) == answer


def test_the_reading_names_keskar_when_both_rise_and_the_fixed_lr_caveat():
    text = readings_sharp.sharpness_reading(KESKAR, "fixed", lr=1e-3)
    assert "From B=8 to B=512, λ_max went from 5 to 40 (4–6 and 35–45" in text
    assert t("sharp.read.keskar") in text
    assert "Dinh et al. 2017" in text
    assert "same learning rate (0.001)" in text and "can close" in text


def test_runs_that_ended_at_very_different_training_losses_are_not_compared_as_minima():
    unequal = KESKAR.assign(train_loss=[0.001, 0.2])
    text = readings_sharp.sharpness_reading(unequal, "fixed", lr=1e-3)
    assert "very different training losses (0.001 at B=8, 0.2 at B=512)" in text
    assert "very different" not in readings_sharp.sharpness_reading(KESKAR, "fixed", lr=1e-3)
    zh = readings_sharp.sharpness_reading(unequal, "fixed", "zh", lr=1e-3)
    assert "B=8 为 0.001，B=512 为 0.2" in zh


def test_overlapping_ranges_are_too_close_to_call():
    text = readings_sharp.sharpness_reading(OVERLAP, "scaled")
    assert "too close to call" in text and t("sharp.read.keskar") not in text
    assert t("sharp.read.scaled_lr") in text


def test_one_batch_size_has_nothing_to_compare_and_chinese_reads_chinese():
    one = KESKAR.iloc[:1]
    assert readings_sharp.sharpness_reading(one, "tuned").startswith(t("sharp.read.one"))
    zh = readings_sharp.sharpness_reading(KESKAR, "fixed", "zh", lr=1e-3)
    assert "Keskar 等人" in zh and "Dinh 等人" in zh
    assert "0.3。这里较大的批" in zh  # Chinese sentences run on without a space
