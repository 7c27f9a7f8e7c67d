"""The Compare page runs a real sweep across batch sizes in a worker process and reads it out.

The sweep is tiny (blobs, N=256, B in {8, 64}, 2 epochs each) so it runs in seconds on 2 cores.
While it runs the page polls every 0.5 s, so the waits below poll the DOM; `wait_for_app` is used
only once the sweep is over. Marked `e2e` by tests/e2e/conftest.py.
"""

import re
import time

from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import (
    assert_no_exception,
    button,
    is_settled,
    open_page,
    screenshot,
    table_rows,
    wait_for_app,
)

SWEEP_TIMEOUT_S = 120
# While a sweep runs the page polls every 0.5 s, and for a moment after it ends it reruns itself in
# bursts up to ~0.7 s apart; quiet for longer than this, it is done.
IDLE_MS = 1_500
# Quiet for this long without the finished sweep on screen, the page is stuck (known bugs,
# below): rerun it with R, as a user would, at most this many times.
STUCK_MS = 2_500
MAX_RERUNS = 0  # the page must show a finished sweep by itself


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def type_into(page: Page, label: str, text: str, shown: str | None = None) -> None:
    """Type TEXT into the input labelled LABEL and commit it; it then reads SHOWN (or TEXT)."""
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")  # number and text inputs commit, and rerun, on Enter or blur
    wait_for_app(page)
    expect(field).to_have_value(shown or text)


def set_tiny_sweep(page: Page) -> None:
    choose(page, t("train.dataset"), "blobs")
    type_into(page, t("train.n"), "256")
    type_into(page, t("compare.batch_sizes"), "8, 64")
    page.get_by_role("radiogroup", name=t("compare.budget")).get_by_text(
        t("compare.budget.epochs"), exact=True
    ).click()
    wait_for_app(page)
    type_into(page, t("compare.budget_value.epochs"), "2")
    assert_no_exception(page)
    # Default lr 0.001 and no lr scaling: the plan names both runs.
    expect(page.get_by_text("2 runs: B=8 (lr 0.001), B=64 (lr 0.001)")).to_be_visible()


def shown_sweep(page: Page) -> str:
    """The label of the sweep the page shows, or "" when it shows none."""
    picker = page.get_by_role("combobox", name=t("compare.pick"), exact=True)
    return picker.input_value() if picker.count() else ""


def wait_for_sweep(page: Page, before: str) -> int:
    """Wait until a new 2-run blobs sweep is shown, finished, and the page idle.

    Finished: a sweep other than BEFORE is shown with both runs, no progress bar, the one-line
    reading and the results table. Fails at once on an exception box.

    Known bugs make the page go idle without that: with no sweep stored yet the page does not
    poll after Run (test_fresh_server_e2e.py pins it), and when the sweep's label in "Show sweep"
    changes under the selectbox ("· 1 runs" → "· 2 runs") its value can turn into the stale label,
    so the results fragment finds no runs and draws nothing. A rerun (R) recovers from both, so
    this presses R when the page is idle but not done, and returns how many times it had to.
    """
    progress = page.get_by_test_id("stProgress")
    reading = page.get_by_test_id("stAlert").filter(
        has_text=re.compile(r"^(On this device|Wall time to|Only B=|Lowest final training loss)")
    )
    results = page.get_by_test_id("stDataFrame").locator("table[role=grid]")

    def finished() -> bool:
        label = shown_sweep(page)
        return (
            label not in ("", before)
            and re.search(r"· blobs mlp · \d{4}-\d\d-\d\d \d\d:\d\d$", label) is not None
            and progress.count() == 0
            and reading.count() == 1
            and results.count() == 1
            and results.get_attribute("aria-rowcount") == "3"
        )

    deadline = time.monotonic() + SWEEP_TIMEOUT_S
    reruns = 0
    while True:
        assert_no_exception(page)
        if is_settled(page, IDLE_MS) and finished():
            return reruns
        if is_settled(page, STUCK_MS) and not finished() and reruns < MAX_RERUNS:
            page.keyboard.press("r")
            reruns += 1
        assert time.monotonic() < deadline, (
            f"sweep not finished after {SWEEP_TIMEOUT_S} s ({reruns} reruns); showing "
            f"{shown_sweep(page)!r}, {progress.count()} progress bar(s), "
            f"{reading.count()} reading(s), {results.count()} table(s)"
        )
        page.wait_for_timeout(250)


def test_a_tiny_sweep_runs_and_shows_its_reading_charts_and_table(page: Page, routed_app_url: str):
    open_page(page, f"{routed_app_url}/compare")
    set_tiny_sweep(page)
    before = shown_sweep(page)

    button(page, t("compare.start")).click()
    reruns = wait_for_sweep(page, before)
    assert reruns == 0
    wait_for_app(page)

    assert_no_exception(page)
    expect(page.get_by_role("heading", name=t("compare.table"))).to_be_visible()
    results = page.get_by_test_id("stDataFrame")
    expect(results.locator("table[role=grid]")).to_have_attribute("aria-rowcount", "3")
    rows = table_rows(results)  # one row per batch size, in order
    assert [(r["batch_size"], r["status"], r["epochs_run"]) for r in rows] == [
        ("8", "completed", "2"),
        ("64", "completed", "2"),
    ]
    # N=256 with validation split 0.2: 204 training samples, ⌈204 / 8⌉ × 2 and ⌈204 / 64⌉ × 2
    assert [r["steps"] for r in rows] == ["52", "8"]
    # Loss curves; final validation loss and accuracy; steps and seconds to the target;
    # throughput. wait_for_app has waited for each to be drawn.
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(6)
    expect(button(page, t("compare.start"))).to_be_enabled()
    screenshot(page, "compare")
