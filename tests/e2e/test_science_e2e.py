"""The Science page's measurements in Chromium, as a user runs them (issue 13).

- The noise scale: measured in the worker, shown with its interval, per-epoch range and the
  exact value from every per-example gradient ("estimate vs exact"), in English and Chinese.
- The critical batch size on a sweep whose steps follow S(B) = 40 (1 + 32/B): the status line
  with its interval, and how steps-to-target were found.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import SWEEP, button, open_page, screenshot, wait_for_app


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_noise_scale_shows_its_interval_and_the_exact_value(page: Page, sweep_url, lang):
    open_page(page, f"{sweep_url}/science?lang={lang}&batch_size=64&epochs=3")
    button(page, t("science.measure", lang)).click()
    exact = page.get_by_text(re.compile("Estimate vs exact" if lang == "en" else "估计值与精确值"))
    expect(exact).to_be_visible(timeout=180_000)
    wait_for_app(page)
    text = page.get_by_test_id("stMain").inner_text()
    assert ("90% interval" if lang == "en" else "90% 区间") in text
    exact_value = re.search(r"B_simple = ([\d,]+)", text)
    assert exact_value and int(exact_value.group(1).replace(",", "")) > 0, text[:1500]
    screenshot(page, f"science_noise_{lang}")


def _seeded_b_crit() -> float:
    """The B_crit of the seeded sweep as the page reads it, worked out here: each run's loss
    drops from 1 to 0.01 after 40·(1 + 32/B) steps, the page smooths it (TensorBoard's
    bias-corrected EMA) before finding the target 0.5, which lags every B by the same few steps;
    a least-squares line S = S_min + E_min / B through those steps gives E_min / S_min (32
    without the lag)."""
    import numpy as np

    from core.study.sweep import EMA
    from tests.e2e.conftest import SWEEP_BATCH_SIZES

    steps = []
    for b in SWEEP_BATCH_SIZES:
        acc = weight = 0.0
        for i in range(300):
            acc = EMA * acc + (1 - EMA) * (1.0 if i < 40 * (1 + 32 / b) else 0.01)
            weight = EMA * weight + (1 - EMA)
            if acc / weight < 0.5:
                steps.append(i + 1)
                break
    design = np.column_stack([np.ones(len(steps)), 1.0 / np.asarray(SWEEP_BATCH_SIZES, float)])
    (s_min, e_min), *_ = np.linalg.lstsq(design, np.asarray(steps, float), rcond=None)
    return e_min / s_min


def test_critical_batch_reads_a_known_hyperbola_with_its_interval(page: Page, sweep_url):
    open_page(page, f"{sweep_url}/science?sweep={SWEEP}&target_metric=train_loss&target=0.5")
    text = page.get_by_test_id("stMain").inner_text()
    found = re.search(r"B_crit ≈ (\d+)\s*\(90% interval (\d+)–(\d+)", text)
    assert found, text[:2000]
    b_crit, lo, hi = (int(v) for v in found.groups())
    expected = _seeded_b_crit()
    assert lo - 1 <= expected <= hi + 1 and abs(b_crit - expected) <= 1, (found.group(0), expected)
    assert "every step's smoothed loss" in text
    screenshot(page, "science_critical_batch_en")


@pytest.mark.timeout(900)  # timing 7 sizes 3 times each; minutes on 2 busy cores
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_throughput_shows_its_share_of_the_device_peak(page: Page, app_url, lang):
    # issue 24: the share-of-peak chart with its roof and ridge, and a reading from the rows
    open_page(page, f"{app_url}/science?lang={lang}&cap=64")
    button(page, t("science.throughput.run", lang)).click()
    title = page.get_by_text(t("roofline.title", lang), exact=True)
    expect(title).to_be_visible(timeout=480_000)
    wait_for_app(page)
    text = page.get_by_test_id("stMain").inner_text()
    share = "of the matmul peak" if lang == "en" else "矩阵乘法峰值的"
    assert share in text and ("FLOPs per byte" in text or "浮点运算" in text), text[-2000:]
    title.scroll_into_view_if_needed()
    screenshot(page, f"science_share_of_peak_{lang}")
