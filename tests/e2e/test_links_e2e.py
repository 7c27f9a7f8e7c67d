"""The sidebar's "Link to this page as it is now" in Chromium (issue 26 item 6): on Compare the
x axis and log-scale boxes rerun only their fragment, and the sidebar's link lagged the address
bar by one change; the Runs page's overlaid runs and the Schedule page's "First epoch shown"
were in neither. Marked `e2e` by tests/e2e/conftest.py."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import SWEEP, open_page, type_number, wait_for_app


def sidebar_link(page: Page) -> dict[str, str]:
    code = page.get_by_test_id("stSidebar").get_by_test_id("stCode")
    return {k: v[0] for k, v in parse_qs(urlsplit(code.inner_text().strip()).query).items()}


def address_bar(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_compare_sidebar_link_follows_the_chart_inputs(page: Page, sweep_url: str):
    open_page(page, f"{sweep_url}/compare?sweep={SWEEP}&target_metric=train_loss")
    assert sidebar_link(page).get("log_y") == "false"
    page.get_by_text(t("compare.log_y"), exact=True).click()
    wait_for_app(page)
    assert address_bar(page)["log_y"] == "true"
    assert sidebar_link(page)["log_y"] == "true"
    page.get_by_text(t("chart.axis.step"), exact=True).click()  # the x axis: steps
    wait_for_app(page)
    assert address_bar(page)["x"] == sidebar_link(page)["x"] == "step"


def test_runs_and_schedule_links_carry_what_is_shown(page: Page, sweep_url: str):
    open_page(page, sweep_url)  # "/" first: deep links are routed as app.py routes them
    type_number(page, t("schedule.membership.epoch"), 2)
    assert sidebar_link(page)["membership_epoch"] == address_bar(page)["membership_epoch"] == "2"
    page.reload()
    wait_for_app(page)
    expect(page.get_by_label(t("schedule.membership.epoch"), exact=True)).to_have_value("2")

    open_page(page, f"{sweep_url}/runs")
    assert len(sidebar_link(page)["runs"].split(",")) == 1  # the newest run, by default
    chips = page.get_by_test_id("stMultiSelect")
    chips.locator("input").click()
    page.keyboard.press("Enter")  # overlay more runs: the first option offered
    page.keyboard.press("Escape")
    wait_for_app(page)
    shown = sidebar_link(page)["runs"].split(",")
    assert len(shown) >= 2 and address_bar(page)["runs"] == ",".join(shown)
    page.goto(f"{sweep_url}/runs?runs={shown[1]},{shown[0]},nope")  # a run it lacks is dropped
    wait_for_app(page)
    assert sidebar_link(page)["runs"] == f"{shown[1]},{shown[0]}"
    expect(chips.get_by_role("button", name="Remove ")).to_have_count(2)
