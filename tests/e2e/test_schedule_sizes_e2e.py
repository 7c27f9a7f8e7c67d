"""The Schedule page at both ends of its range, in headless Chromium (issue 14, items 1 and 4).

Tiny cases (N = 1, N = 10, E = 1, E = 3) must draw cells a person can see: the marks are measured
as drawn. Huge ones (N = 10^9, the bound 10^12) must show exact figures at once, and a number
beyond the bound must be refused by the widget, not crash the page.
Marked `e2e` by tests/e2e/conftest.py.
"""

import time

import pytest
from playwright.sync_api import Page, expect

from core.present.text import compact, t
from core.schedule import plan
from tests.e2e.conftest import assert_no_exception, metric_value, open_page, wait_for_app

# Bounding boxes of the rect marks of each Vega chart on the page, in drawing order.
MARKS_SCRIPT = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((chart) =>
  [...chart.querySelectorAll("g.mark-rect path")].map((mark) => {
    const box = mark.getBoundingClientRect();
    return { width: box.width, height: box.height };
  }))
"""


@pytest.mark.parametrize(
    ("query", "samples_drawn"),
    [
        ("n=10&batch_size=3&epochs=10", True),  # the y = 2x tutorial
        ("n=1&batch_size=1&epochs=1", True),
        # The "SGD" worked example (E = 3): its timeline was a bare axis. Its heatmap holds
        # 100 samples x 300 steps, a scatter of small cells by design.
        ("n=100&batch_size=1&epochs=3", False),
    ],
)
def test_tiny_schedules_draw_readable_cells(page: Page, routed_app_url: str, query, samples_drawn):
    open_page(page, f"{routed_app_url}/?{query}")
    timeline, membership = page.evaluate(MARKS_SCRIPT)
    # Every epoch's row of the timeline, and every sample's row of the heatmap, is visible.
    assert min(m["height"] for m in timeline) >= 20, timeline[:3]
    if samples_drawn:
        assert min(m["height"] for m in membership) >= 15, membership[:3]
        assert min(m["width"] for m in membership) >= 15, membership[:3]


@pytest.mark.parametrize("n", [10**9, plan.MAX_N])
def test_huge_n_shows_its_figures_at_once(page: Page, routed_app_url: str, n):
    open_page(page, routed_app_url)
    field = page.get_by_label(t("schedule.n"), exact=True)
    start = time.monotonic()
    field.fill(str(n))
    field.press("Enter")
    # from 10^7 a metric reads in short form (never cut off); the exact figure is in the formula
    expect(metric_value(page, t("metric.steps_per_epoch"))).to_have_text(compact(-(-n // 100)))
    shown = time.monotonic() - start
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_text("does not build the epoch's order")).to_be_visible()
    assert shown < 3, shown  # measured 0.5-2 s on a shared, busy 2-core machine; was 62 s


def test_a_number_beyond_the_bound_is_refused_by_the_widget(page: Page, routed_app_url: str):
    open_page(page, routed_app_url)
    field = page.get_by_label(t("schedule.n"), exact=True)
    field.fill(str(plan.MAX_N * 10))
    field.press("Enter")
    wait_for_app(page)
    assert_no_exception(page)
    # Not applied: the figures still belong to the default N = 1000.
    expect(metric_value(page, t("metric.train"))).to_have_text("1,000")
