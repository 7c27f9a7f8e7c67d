"""The log–log charts of Compare and Science, drawn in Chromium: titles inside, points dark.

Issue 14 item 9: the y-axis titles of the log–log charts were drawn past the chart's left edge
and clipped, and the critical-batch chart drew B=8 and B=16 in near-white blues. A sweep is
written straight into a fresh store (steps that reach the target at S(B) = 40 (1 + 32/B), the
shape the critical-batch fit expects), then the pages are served on it, in English and Chinese.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from core.present.text import t
from core.run.store import RunStore
from core.train.engine import TrainConfig
from tests.e2e.conftest import open_page, serve_app

SWEEP = "sw-e2e-loglog"
BATCH_SIZES = (8, 16, 32, 64, 128)


def seed_sweep(db: Path) -> None:
    store = RunStore(db)
    for b in BATCH_SIZES:
        config = TrainConfig(dataset="blobs", n=1000, batch_size=b, epochs=1).to_dict()
        run_id = store.create_run(config, 300, sweep_id=SWEEP, label=f"B={b}")
        reach = 40 * (1 + 32 / b)
        rows = [(i, 0, b, 1.0 if i < reach else 0.01, None, 0.001 * (i + 1) * b**0.5, None)
                for i in range(300)]  # fmt: skip
        store.add_steps(run_id, rows, 300)
        store.add_epoch(run_id, 0, 0.3, None, None, None, 0.3 * b**0.5, 300)
        store.update_run(run_id, status="completed", steps_per_second=1000.0 / b**0.3)
    store.close()


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


@pytest.fixture(scope="module")
def sweep_url(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("loglog")
    seed_sweep(workdir / "batchlab.db")
    with serve_app(workdir) as url:
        yield url


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
    assert len(fills) >= 2 * len(BATCH_SIZES), fills  # the points and the legend's symbols
    for fill in set(fills):
        contrast = 1.05 / (relative_luminance(fill) + 0.05)  # against white
        assert contrast >= 3, (fill, round(contrast, 2))
