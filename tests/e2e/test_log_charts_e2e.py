"""The log–log charts of Compare and Science, drawn in Chromium: titles inside, points dark.

Issue 14 item 9: the y-axis titles of the log–log charts were drawn past the chart's left edge
and clipped, and the critical-batch chart drew B=8 and B=16 in near-white blues. A sweep is
written straight into a fresh store (`sweep_url` in conftest.py: steps that reach the target at
S(B) = 40 (1 + 32/B), the shape the critical-batch fit expects), then the pages are served on it,
in English and Chinese.
"""

import pytest
from playwright.sync_api import Page

from core.present.text import t
from tests.e2e.conftest import SWEEP, SWEEP_BATCH_SIZES, open_page


def relative_luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


# Every text of a chart (axis titles and labels, legend) against the chart element's own box.
TEXT_BOXES = """(chart) => {
    const box = chart.getBoundingClientRect();
    return [...chart.querySelectorAll("svg text")]
        .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map((t) => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left - box.left, right: box.right - r.right};
        });
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_log_log_axis_titles_are_inside_their_charts(page: Page, sweep_url: str, lang: str):
    query = f"sweep={SWEEP}&target_metric=train_loss&target=0.5&lang={lang}"
    # the log-log charts by their y-axis titles: to target (2), throughput, critical batch
    titles = [
        t("chart.axis.steps_to_target", lang),
        t("chart.axis.seconds_to_target", lang),
        t("chart.samples_per_second", lang),
        t("chart.steps_to_target", lang),
    ]
    seen = []
    for path in ("compare", "science"):
        open_page(page, f"{sweep_url}/{path}?{query}")
        charts = page.get_by_test_id("stVegaLiteChart")
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            texts = chart.evaluate(TEXT_BOXES)
            title = next((x["text"] for x in texts if x["text"] in titles), None)
            if title is None:
                continue
            seen.append(title)
            for text in texts:
                assert text["left"] >= 0 and text["right"] >= 0, (path, title, text)
    assert sorted(seen) == sorted(titles), seen


def test_every_batch_size_on_the_critical_batch_chart_is_dark_enough(page: Page, sweep_url: str):
    open_page(page, f"{sweep_url}/science?sweep={SWEEP}&target_metric=train_loss&target=0.5")
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="samples to target")
    fills = chart.evaluate(
        """(chart) => [...chart.querySelectorAll("svg .mark-symbol path")]
            .map((p) => getComputedStyle(p).fill)"""
    )
    assert len(fills) >= 2 * len(SWEEP_BATCH_SIZES), fills  # the points and the legend's symbols
    for fill in set(fills):
        contrast = 1.05 / (relative_luminance(fill) + 0.05)  # against white
        assert contrast >= 3, (fill, round(contrast, 2))
