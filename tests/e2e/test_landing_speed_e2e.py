"""How long a person waits on the landing page, measured in the browser (issue 14, item 7).

AppTest times the script, not what a browser shows: this clocks navigation start (the page's
`performance.timeOrigin`) to the first figure (an `st.metric` value) and to the first drawn chart,
in a fresh browser context on a warm server. The figures must come first, and within 2 s.
`python -m bench.landing` measures the same, phase by phase (scripts, websocket, figure, chart).
Marked `e2e` by tests/e2e/conftest.py.
"""

from __future__ import annotations

import os
import statistics

import pytest
from playwright.sync_api import Browser, Page

from bench.landing import visit
from core.present.text import t

FIGURE_BUDGET_MS = 2_000
VISITS = 3


def first_paints(browser: Browser, url: str) -> dict[str, float]:
    """Open URL in a fresh context (empty cache, new session); when figure and chart appeared."""
    return visit(browser, url, check=first_figure_is_iterations_per_epoch)


def first_figure_is_iterations_per_epoch(page: Page) -> None:
    label = page.get_by_test_id("stMetricLabel").first
    assert label.inner_text() == t("metric.steps_per_epoch")


def test_the_landing_page_shows_its_figures_within_two_seconds_and_before_its_charts(
    browser: Browser, routed_app_url: str
):
    first_paints(browser, routed_app_url)  # warm: the server has run the page once
    visits = [first_paints(browser, routed_app_url) for _ in range(VISITS)]
    figure = statistics.median(v["figure"] for v in visits)
    load = os.getloadavg()[0]
    print(f"navigation to first figure, ms: {[round(v['figure']) for v in visits]}, load {load}")
    print(f"navigation to first chart, ms: {[round(v['chart']) for v in visits]}")
    print(f"navigation to the last of the figures, ms: {[round(v['figures']) for v in visits]}")
    # A chart drawn before any figure is what this catches: the page used to send its charts in
    # the middle, and a browser drew one before the first figure (seen at load 1 and at load 10).
    # Not every figure before the first chart: React reveals the metrics in batches, and under
    # load a batch after the first chart (3 of 8 visits at load 10, bench/landing.py).
    assert all(v["figure"] < v["chart"] for v in visits), visits
    if load > (os.cpu_count() or 1):
        # The budget is for an idle machine: on a saturated one the browser's own work (about
        # 140 lazy JS chunks, 6 MB) waits for a core. Say what was measured, do not pass or fail.
        pytest.skip(f"machine busy (load {load:.1f}): first figure {figure:.0f} ms, median")
    assert figure < FIGURE_BUDGET_MS, visits
