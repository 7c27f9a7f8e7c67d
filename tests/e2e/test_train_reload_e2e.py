"""A reload of the Train page, or a second tab on its link, re-attaches to the run it started
(issue 26 item 1): the live view, Stop enabled and Start disabled while the run trains; Stop
from the second tab ends it. Before, a reload said "Press Start", greyed Stop, and let Start
launch a second run beside the first. Marked `e2e` by tests/e2e/conftest.py."""

import re

from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import TRAFFIC_SCRIPT, VIEWPORT, assert_no_exception, button
from tests.e2e.test_train_e2e import STOP_TIMEOUT_MS, start_long_run, wait_for_status

PROGRESS = re.compile(r"^([\d,]+) / 5,000,000 steps done")


def steps_done(page: Page) -> int:
    text = page.get_by_test_id("stProgress").inner_text()
    return int(PROGRESS.search(text)[1].replace(",", ""))


def expect_attached(page: Page) -> None:
    """The page shows the long run live, with Stop to press and Start greyed out."""
    wait_for_status(page, "running", 30_000)
    expect(page.get_by_test_id("stProgress")).to_contain_text(PROGRESS, timeout=30_000)
    expect(button(page, t("train.stop"))).to_be_enabled()
    expect(button(page, t("train.start"))).to_be_disabled()
    expect(page.get_by_text(t("train.idle"))).to_have_count(0)
    before = steps_done(page)  # live: the count moves on
    page.wait_for_function(
        """([before]) => {
          const bar = document.querySelector('[data-testid="stProgress"]');
          const m = bar && /^([\\d,]+) \\//.exec(bar.innerText);
          return m && Number(m[1].replaceAll(',', '')) > before;
        }""",
        arg=[before],
        timeout=15_000,
    )
    assert_no_exception(page)


def test_a_reload_and_a_second_tab_reattach_to_the_running_run(
    page: Page, browser, routed_app_url: str
):
    start_long_run(page, routed_app_url)
    page.wait_for_url(re.compile(r"[?&]run=[0-9a-f]+"))  # the link names the run
    link = page.url
    page.reload()
    expect_attached(page)

    other_context = browser.new_context(viewport=VIEWPORT)
    other_context.add_init_script(TRAFFIC_SCRIPT)
    other = other_context.new_page()
    try:
        other.goto(routed_app_url)  # "/" first, so the link is routed as app.py routes it
        other.goto(link)
        expect_attached(other)
        button(other, t("train.stop")).click()
        wait_for_status(other, "stopped", STOP_TIMEOUT_MS)
        wait_for_status(page, "stopped", STOP_TIMEOUT_MS)  # the same run, seen from both
        for tab in (page, other):
            expect(button(tab, t("train.start"))).to_be_enabled()
            expect(button(tab, t("train.stop"))).to_be_disabled()
            assert_no_exception(tab)
    finally:
        other_context.close()
