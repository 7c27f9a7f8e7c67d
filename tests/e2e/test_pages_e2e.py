"""Every page in the app's navigation opens without an exception, and bad input shows an error
instead of a traceback. Marked `e2e` by tests/e2e/conftest.py."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import (
    CLIPPED_SCRIPT,
    assert_no_exception,
    button,
    metric_value,
    open_page,
    screenshot,
    type_number,
)


def test_every_page_in_the_navigation_opens_without_an_exception(page: Page, routed_app_url: str):
    open_page(page, routed_app_url)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    paths = [urlparse(link.get_attribute("href")).path for link in links.all()]
    assert {"/", "/train", "/compare", "/runs"} <= set(paths), paths

    for path in paths:
        open_page(page, f"{routed_app_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        screenshot(page, f"page_{path.strip('/') or 'schedule'}")
        assert_no_exception(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_label_is_cut_short_on_any_page_at_laptop_width(page: Page, routed_app_url: str, lang):
    # Before: "drop_rem…" and a cut shuffle choice on Schedule (six inputs in a row), and the
    # Start/Run/Stop, "Measure the noise scale" and "Zoom into the valley" buttons, all at 1100 px.
    page.set_viewport_size({"width": 1100, "height": 1000})
    open_page(page, routed_app_url)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    paths = [urlparse(link.get_attribute("href")).path for link in links.all()]
    clipped = {}
    for path in paths:
        open_page(page, f"{routed_app_url}{path}?lang={lang}")
        clipped[path] = page.evaluate(CLIPPED_SCRIPT)
    assert clipped == {path: [] for path in paths}


def test_a_zero_batch_size_on_train_shows_an_error_and_keeps_the_inputs(
    page: Page, routed_app_url: str
):
    open_page(page, f"{routed_app_url}/train")
    type_number(page, t("schedule.batch_size"), 0)

    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_have_text("Fix this input: batch_size must be at least 1, got 0.")
    expect(error.locator("code")).to_have_text("batch_size")  # `batch_size` in the message
    assert_no_exception(page)
    # The page stops before training but keeps its inputs, so the user can fix the value.
    expect(button(page, t("train.start"))).to_have_count(0)
    type_number(page, t("schedule.batch_size"), 50)
    expect(error).to_have_count(0)
    expect(button(page, t("train.start"))).to_be_enabled()


def test_zero_samples_on_the_schedule_page_is_refused_by_the_box(page: Page, routed_app_url: str):
    """N's box has the core's own bound (N ≥ 1): typing 0 leaves the last good N and its figures."""
    open_page(page, routed_app_url)
    before = metric_value(page, t("metric.train")).inner_text()
    type_number(page, t("schedule.n"), 0)
    expect(metric_value(page, t("metric.train"))).to_have_text(before)
    assert_no_exception(page)
