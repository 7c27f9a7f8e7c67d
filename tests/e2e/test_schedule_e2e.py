"""The Schedule page (the landing page) in headless Chromium: metrics follow typed inputs and the
worked examples. Marked `e2e` by tests/e2e/conftest.py."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    assert_no_exception,
    metric_value,
    open_page,
    screenshot,
    type_number,
    wait_for_app,
)


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_schedule_page_opens_with_the_default_schedule(page: Page, app_url: str):
    open_page(page, app_url)
    # Defaults N=1000, B=100, E=10
    expect(metric_value(page, "Iterations per epoch")).to_have_text("10")
    expect(metric_value(page, "Total iterations")).to_have_text("100")
    expect(metric_value(page, "Last batch size")).to_have_text("100")
    screenshot(page, "schedule_default")


def test_typed_inputs_and_worked_examples_update_the_metrics(page: Page, app_url: str):
    open_page(page, app_url)
    expect(metric_value(page, "Iterations per epoch")).to_have_text("10")

    type_number(page, "Dataset size N (samples)", 10)
    type_number(page, "Batch size B", 3)
    assert_no_exception(page)
    # ⌈10 / 3⌉ = 4 batches: 3, 3, 3, 1
    expect(metric_value(page, "Iterations per epoch")).to_have_text("4")
    expect(metric_value(page, "Last batch size")).to_have_text("1")

    choose(page, "Worked example", "MNIST: 60000, batch 64, 5 epochs")
    assert_no_exception(page)
    # ⌈60000 / 64⌉ = 938 per epoch, 5 epochs; 60000 - 937 * 64 = 32
    expect(metric_value(page, "Iterations per epoch")).to_have_text("938")
    expect(metric_value(page, "Total iterations")).to_have_text("4,690")
    expect(metric_value(page, "Last batch size")).to_have_text("32")
    screenshot(page, "schedule")
