"""Issue 25 items 8 and 11: texts that say what the code and the papers say. The scaling ratio
is recomputed here from S = S_min (1 + B_crit / B)."""

from __future__ import annotations

import pytest

from core.present.text import t
from core.train.engine import WARMUP_LEVELS


def _doubling(b_over_crit: float) -> float:
    """S(2B) / S(B) for S = S_min (1 + B_crit / B)."""
    return (1 + 1 / (2 * b_over_crit)) / (1 + 1 / b_over_crit)


def test_the_critical_batch_text_gives_the_models_own_ratios():
    assert _doubling(0.25) == pytest.approx(0.6)
    assert 1 - _doubling(4.0) == pytest.approx(0.1, abs=0.012)
    en = t("advise.why.crit.fit", "en", b_crit=100, lo="50", hi="200")
    assert "halves the steps" not in en
    assert f"×{_doubling(0.25):.1f} at B_crit / 4" in en
    assert "at most 10 %" in en
    zh = t("advise.why.crit.fit", "zh", b_crit=100, lo="50", hi="200")
    assert "×0.6" in zh and "减半" not in zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_finite_population_factor_is_not_credited_to_mccandlish(lang):
    text = t("science.myths.body", lang)
    assert "tr(Σ)/B" in text
    words = "finite-population correction" if lang == "en" else "有限总体修正"
    assert words in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hoffer_is_said_their_way_and_sqrt_with_adam_cites_malladi(lang):
    myths = t("science.myths.body", lang)
    assert ("number of updates" if lang == "en" else "更新次数") in myths
    note = t("compare.goyal_note", lang)
    assert "Malladi et al. 2022" in note
    assert str(WARMUP_LEVELS) in note  # the levels the engine uses


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_noise_figure_names_what_it_measured_and_why_b_crit_differs(lang):
    # issue 26 item 3: Science showed "B_simple ≈ 92 … exact = 177" and then "B_simple ≈ 92
    # (B_crit ≈ 131)"; every figure now says where it was measured, the same one is read twice
    from core.present import readings
    from core.study import science

    noise = {
        "b_simple": 92.0,
        "b_simple_exact": 177.0,
        "interval": (72.0, 128.0),
        "epoch_range": (40.0, 95.0),
        "steps_measured": 64,
        "gradient_norm_sq": 0.1,
        "trace_sigma": 9.2,
        "batch_size": 64,
        "train_samples": 1000,
        "per_epoch": [{}] * 5,
        "epochs_trained": 5,
        "measured_at": "final weights",
        "last_epoch": 80.0,
    }
    text = " ".join(line for _, line in readings.noise_scale_lines(noise, lang))
    assert "B = 64" in text and "5" in text and "72–128" in text
    fit = science.CriticalBatchFit("fit", 131.0, 10.0, 1310.0, (90.0, 200.0), 5, 0.05, (8, 128))
    line = readings.noise_vs_critical_line(noise, fit, lang)
    assert "177" in line and "131" in line and "B = 64" in line  # the exact value, as read above
    assert "92" not in line
    assert "McCandlish" in line
