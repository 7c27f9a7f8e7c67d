"""The Train page trains for real in a worker process, live, and the Runs page keeps the result.

Each test that needs a run trains its own and checks only that one, so the tests pass in any
order, alone or together, on the session's shared server and run store. While a run is active
the page polls every 0.25 s (`st.fragment(run_every=...)`), so the websocket is never quiet and
`wait_for_app` cannot be used: those waits poll the DOM with `expect(...)` instead. Marked `e2e`
by tests/e2e/conftest.py.
"""

import re

from playwright.sync_api import Locator, Page, expect

from core.present.text import t
from tests.e2e.conftest import (
    CLIPPED_SCRIPT,
    assert_no_exception,
    button,
    metric_value,
    open_page,
    screenshot,
    table_rows,
    type_number,
    wait_for_app,
)

# The first Start may wait for a worker process to import TensorFlow; on 2 busy cores that has
# taken up to 30 s, so allow three times as much.
START_TIMEOUT_MS = 90_000
# A stopped worker notices Stop between chunks of steps.
STOP_TIMEOUT_MS = 10_000
RUN_END_QUIET_MS = 1_000


def open_train(page: Page, url: str, **numbers: int) -> None:
    """Open the Train page and type NUMBERS, given as label=value with the labels below."""
    labels = {"batch_size": t("schedule.batch_size"), "epochs": t("schedule.epochs")}
    open_page(page, f"{url}/train")
    for key, value in numbers.items():
        type_number(page, labels[key], value)
    assert_no_exception(page)


def start(page: Page) -> None:
    start_button = button(page, t("train.start"))
    expect(start_button).to_be_enabled()
    start_button.click()


def wait_for_status(page: Page, status: str, timeout_ms: int) -> None:
    """Poll the DOM until the Status metric reads STATUS; fail at once on an exception box."""
    value = metric_value(page, t("train.status"))
    reached = value.filter(has_text=re.compile(f"^{re.escape(t(f'status.{status}'))}$"))
    expect(reached.or_(page.get_by_test_id("stException")).first).to_be_visible(timeout=timeout_ms)


def start_long_run(page: Page, url: str) -> Locator:
    """Start a 5,000,000-step run on the Train page at URL (B=1, 5000 epochs); return its
    progress bar once the run has recorded some steps."""
    open_train(page, url, batch_size=1, epochs=5000)
    expect(
        page.get_by_text(re.compile(r"1,000 iterations per epoch × 5,000 epochs = 5,000,000 steps"))
    ).to_be_visible()
    start(page)
    wait_for_status(page, "running", START_TIMEOUT_MS)
    progress = page.get_by_test_id("stProgress")
    # Some steps recorded: the count is not 0.
    expect(progress).to_contain_text(
        re.compile(r"^[1-9][\d,]* / 5,000,000 steps done"), timeout=30_000
    )
    return progress
    assert_no_exception(page)


def train_to_completion(page: Page, total_steps: int, epochs: int) -> None:
    """Start, wait for `completed`, then for the page's last rerun to settle."""
    start(page)
    wait_for_status(page, "completed", START_TIMEOUT_MS)
    expect(page.get_by_test_id("stProgress")).to_contain_text(
        t(
            "train.progress",
            done=f"{total_steps:,}",
            total=f"{total_steps:,}",
            epoch=epochs - 1,
            last=epochs - 1,
        )
    )
    # The run is over: the page stops polling once the worker process has exited, rerunning
    # itself a few times until then.
    wait_for_app(page, quiet_ms=RUN_END_QUIET_MS)


def test_a_short_training_completes_and_draws_its_charts(page: Page, routed_app_url: str):
    open_train(page, routed_app_url, epochs=3)
    # Defaults: synthetic, N=1000, B=100
    expect(page.get_by_text("10 iterations per epoch × 3 epochs = 30 steps")).to_be_visible()

    train_to_completion(page, total_steps=30, epochs=3)

    success = page.get_by_test_id("stAlert").filter(has_text="Test set:")
    expect(success).to_have_text(re.compile(r"Test set: loss \d+\.\d{4}, accuracy \d\.\d{3}"))
    expect(page.get_by_role("heading", name=re.compile("^What each batch held"))).to_be_visible()
    # Split bar, per-step loss, per-epoch loss, per-epoch accuracy, batch composition; every one
    # drawn (wait_for_app waits for each chart's Vega marks).
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(5)
    for chart in charts.all():
        expect(chart.locator("svg.marks, canvas.marks")).to_have_count(1)
    expect(button(page, t("train.start"))).to_be_enabled()
    expect(button(page, t("train.stop"))).to_be_disabled()
    assert_no_exception(page)
    screenshot(page, "train")


def test_stop_ends_a_long_run_within_seconds(page: Page, routed_app_url: str):
    progress = start_long_run(page, routed_app_url)
    button(page, t("train.stop")).click()

    wait_for_status(page, "stopped", STOP_TIMEOUT_MS)
    wait_for_app(page, quiet_ms=RUN_END_QUIET_MS)
    stopped = page.get_by_test_id("stAlert").filter(has_text="Stopped after")
    expect(stopped).to_have_text(
        re.compile(r"Stopped after [\d,]+ steps; everything trained so far is kept\.")
    )
    # The message counts the steps the progress bar shows, and the run stopped well short.
    steps = int(
        re.search(r"Stopped after ([\d,]+) steps", stopped.inner_text())[1].replace(",", "")
    )
    expect(progress).to_contain_text(f"{steps:,} / 5,000,000 steps done")
    assert 0 < steps < 5_000_000
    expect(button(page, t("train.start"))).to_be_enabled()
    expect(button(page, t("train.stop"))).to_be_disabled()
    assert_no_exception(page)


def test_runs_page_shows_the_finished_run_and_its_command(page: Page, routed_app_url: str):
    open_train(page, routed_app_url, epochs=1)
    train_to_completion(page, total_steps=10, epochs=1)

    page.get_by_test_id("stSidebarNav").get_by_text(t("nav.runs"), exact=True).click()
    page.wait_for_url(re.compile(r"/runs(\?|$)"))
    wait_for_app(page)
    assert_no_exception(page)

    expect(page.get_by_role("heading", name=t("runs.title"))).to_be_visible()
    # Newest first: the run just trained.
    runs_table = page.get_by_test_id("stDataFrame").first
    expect(runs_table.locator("table[role=grid]")).not_to_have_attribute("aria-rowcount", "1")
    newest = table_rows(runs_table)[0]
    assert (newest["status"], newest["dataset"], newest["batch_size"], newest["epochs"]) == (
        "completed",
        "synthetic",
        "100",
        "1",
    ), newest

    # The newest run is opened by default: the one just trained, 10 steps of batch 100.
    expect(page.get_by_test_id("stMultiSelect")).to_contain_text("B=100 E=1")
    expect(metric_value(page, t("train.status"))).to_have_text(t("status.completed"))
    expect(metric_value(page, t("runs.steps"))).to_have_text("10 / 10")
    # Per-step loss, per-epoch loss and batch composition.
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)

    expect(page.get_by_role("heading", name=t("runs.cli"))).to_be_visible()
    code = page.get_by_test_id("stMain").get_by_test_id("stCode").filter(has_text="python -m core")
    expect(code).to_have_count(1)
    expect(code).to_contain_text("python -m core train")
    expect(code).to_contain_text("--batch-size 100 --epochs 1")
    assert_no_exception(page)
    screenshot(page, "runs")
    # A laptop-width window cut the metrics ("comple…") and the TensorBoard export button.
    page.set_viewport_size({"width": 1100, "height": 1000})
    wait_for_app(page)
    assert page.evaluate(CLIPPED_SCRIPT) == []


def test_the_split_bar_shows_where_the_samples_go(page: Page, routed_app_url: str):
    open_train(page, routed_app_url)
    split = page.get_by_test_id("stVegaLiteChart").first
    heights = split.locator(".mark-rect path").evaluate_all(
        "(bars) => bars.map((bar) => bar.getBBox().height)"
    )
    assert len(heights) == 3, heights  # train, validation (0 samples), test
    assert max(heights) >= 10, f"bar heights in px: {heights}"


def test_two_browser_sessions_train_at_once_and_stopping_one_spares_the_other(
    page: Page, browser, routed_app_url: str
):
    from tests.e2e.conftest import TRAFFIC_SCRIPT, VIEWPORT

    other_context = browser.new_context(viewport=VIEWPORT)
    other_context.add_init_script(TRAFFIC_SCRIPT)
    other = other_context.new_page()
    try:
        open_train(other, routed_app_url, batch_size=1, epochs=5000)  # long: stopped below
        open_train(page, routed_app_url, epochs=3)
        start(other)
        wait_for_status(other, "running", START_TIMEOUT_MS)
        start(page)
        wait_for_status(page, "completed", START_TIMEOUT_MS)
        expect(page.get_by_test_id("stProgress")).to_contain_text("30 / 30 steps done")
        wait_for_status(other, "running", 5_000)  # the other session's run goes on
        button(other, t("train.stop")).click()
        wait_for_status(other, "stopped", STOP_TIMEOUT_MS)
        expect(metric_value(page, t("train.status"))).to_have_text(t("status.completed"))
        assert_no_exception(page)
        assert_no_exception(other)
    finally:
        other_context.close()
