"""What only a server nobody has visited yet shows: deep links and the first sweep of a store.

Each test starts its own server (a fresh Streamlit process and an empty run store), so these
need no ordering against the session's shared server. Both were bugs once: a deep link ran the
page alone while the page folder was named pages/ (Streamlit's legacy multipage mode), and the
first sweep of an empty store never appeared without a rerun.
Marked `e2e` by tests/e2e/conftest.py.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import button, open_page, serve_app, wait_for_app


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path) as url:
        yield url


def test_a_deep_link_on_a_fresh_server_shows_the_app_navigation(page: Page, fresh_url: str):
    open_page(page, f"{fresh_url}/runs")

    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text(t("nav.runs"), exact=True)).to_be_visible(timeout=2_000)
    expect(nav.get_by_text("app", exact=True)).to_have_count(0)


def test_the_first_sweep_of_a_store_shows_up_without_a_rerun(page: Page, fresh_url: str):
    open_page(page, fresh_url)  # so /compare is routed by app.py
    open_page(page, f"{fresh_url}/compare")
    none = page.get_by_test_id("stAlert").filter(has_text=t("compare.none"))
    expect(none).to_be_visible()
    # One run of 2 steps: blobs, N=32, B=32 (the whole training set), 1 epoch.
    for label, value in ((t("train.n"), "32"), (t("compare.budget_value.epochs"), "1")):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Enter")
        wait_for_app(page)
    field = page.get_by_label(t("compare.batch_sizes"), exact=True)
    field.fill("full")
    field.press("Enter")
    wait_for_app(page)

    button(page, t("compare.start")).click()

    # The sweep's progress, or its reading once it is done, with no further input.
    progress = page.get_by_test_id("stProgress")
    reading = page.get_by_test_id("stAlert").filter(
        has_text=re.compile(r"^(On this device|Wall time to|Only B=|Lowest final training loss)")
    )
    expect(progress.or_(reading).first).to_be_visible(timeout=15_000)
