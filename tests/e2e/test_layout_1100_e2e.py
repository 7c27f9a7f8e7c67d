"""At 1100 px (a laptop window, sidebar open), in English and Chinese (issue 26 item 8): the Path
player's data and loss charts were cut at the right edge, and Train's Shuffle box read
"epoch (shuffle=T". Marked `e2e` by tests/e2e/conftest.py."""

import pytest
from playwright.sync_api import Page

from core.present.text import t
from tests.e2e.conftest import assert_no_exception, open_page, wait_for_app

NARROW = {"width": 1100, "height": 1000}
# The right edge of every chart's drawing against the main column's.
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"] .block-container')
    .getBoundingClientRect();
  return [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
    .map((svg) => svg.getBoundingClientRect().right - main.right);
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_path_player_fits_a_1100_px_window(page: Page, routed_app_url: str, lang: str):
    page.set_viewport_size(NARROW)
    page.goto(f"{routed_app_url}/path?lang={lang}")
    wait_for_app(page, timeout_ms=120_000)  # a first visit trains its paths with Keras
    assert_no_exception(page)
    page.wait_for_timeout(500)  # Vega draws on the next animation frame
    overflows = page.evaluate(OVERFLOW)
    assert overflows and max(overflows) <= 1, overflows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_shuffle_box_shows_its_whole_choice(page: Page, routed_app_url: str, lang: str):
    page.set_viewport_size(NARROW)
    open_page(page, f"{routed_app_url}/train?lang={lang}")
    box = page.get_by_test_id("stSelectbox").filter(has_text=t("schedule.shuffle", lang))
    clipped = box.evaluate(
        """(box) => [...box.querySelectorAll('[data-baseweb="select"] *')]
          .filter((e) => e.children.length === 0 && e.textContent.trim())
          .filter((e) => e.scrollWidth > e.clientWidth + 1)
          .map((e) => e.textContent)"""
    )
    assert clipped == [], clipped
