"""The Advise page in the browser: a link sets the inputs, Advise runs the procedure on digits
(MLP, B in {64, 512}, 60 s budget) in a worker process with a progress bar, and the advice is
drawn: the recommendation, the reasons, the table and three charts. Screenshots in English and
Chinese go to artifacts/screenshots/advise_{en,zh}.png. Marked `e2e` by tests/e2e/conftest.py,
and `slow` (about a minute a language on 2 cores)."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import assert_no_exception, button, open_page, screenshot, wait_for_app

ADVICE_TIMEOUT_MS = 240_000
LINK = "advise?batch_sizes=64,512&target=0.6&seconds=60&lang={lang}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_advise_page_advises_on_digits_end_to_end(page: Page, routed_app_url: str, lang: str):
    open_page(page, f"{routed_app_url}/{LINK.format(lang=lang)}")
    expect(page.get_by_label(t("advise.batch_sizes", lang), exact=True)).to_have_value("64,512")
    button(page, t("advise.start", lang)).click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    result = page.get_by_test_id("stAlertContentSuccess")
    expect(result).to_be_visible(timeout=ADVICE_TIMEOUT_MS)
    wait_for_app(page, quiet_ms=1_500)
    assert_no_exception(page)
    pattern = r"Use B = (64|512) with lr" if lang == "en" else r"请用 B = (64|512)，lr"
    assert re.search(pattern, result.inner_text()), result.inner_text()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
    reasons = page.get_by_test_id("stMarkdown").filter(has=page.locator("li"))
    assert reasons.locator("li").count() >= 5
    assert not page.get_by_test_id("stAlertContentError").count()
    screenshot(page, f"advise_{lang}")
