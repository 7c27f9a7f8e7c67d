"""Browser tests of the served app: fixtures and helpers for tests/e2e.

- `app_url` (session) serves app.py with `streamlit run` on a free loopback port, with
  `BATCHLAB_DB` in a temp folder so a test run never touches the user's store.
- `browser` (session) is Debian's headless Chromium driven by Playwright; `page` (per test) is a
  fresh 1400x1000 context, instrumented so `wait_for_app` can see the app's websocket traffic.
- `routed_app_url` (session) is `app_url` once "/" has been opened, so deep links reach the
  pages as app.py routes them; `serve_app` starts a further server for a test that needs a fresh
  one; `sweep_url` (module) is such a server on a store holding a finished sweep (`seed_sweep`).
- `wait_for_app`, `is_settled`, `assert_no_exception`, `open_page`, `type_number`, `button`,
  `metric_value`, `table_rows` and `screenshot` are plain helpers; test modules import them with
  `from tests.e2e.conftest import ...`. They keep no state in this module, so it does not matter
  that the file is loaded twice: by pytest as `conftest`, by the tests under that name.

Every test collected under this folder gets the `e2e` marker, so `pytest -m "not e2e"` deselects
them all and the server only starts when an e2e test runs. Without /usr/bin/chromium the tests skip,
or fail where `CI` is set, so a CI image that lost its browser cannot pass silently.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from tests.e2e import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
APP_TIMEOUT_MS = 30_000
# A settled app has sent and received nothing on its websocket for this long. It also covers the
# gap between a key press and the rerun request the frontend sends for it.
QUIET_MS = 300
# Chromium cannot capture a taller surface than this in one screenshot.
MAX_SCREENSHOT_HEIGHT = 16_000

# Runs in every document before the app's own scripts: time-stamps each websocket frame, in both
# directions, so `wait_for_app` knows whether a rerun is still being requested or answered.
# Streamlit answers every message it is sent (a rerun with a new session, a heartbeat with an ack).
TRAFFIC_SCRIPT = """
(() => {
  const traffic = { lastSent: 0, lastReceived: 0 };
  window.__batchlabTraffic = traffic;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { traffic.lastReceived = performance.now(); });
    }
    send(data) {
      traffic.lastSent = performance.now();
      return super.send(data);
    }
  };
})();
"""

# True once Streamlit has finished the script run and drawn what it sent. The script state alone
# is not enough: elements arrive as skeletons while their components load, and Vega draws charts
# after React has placed them.
SETTLED_PREDICATE = """
([since, quietMs]) => {
  const traffic = window.__batchlabTraffic;
  if (!traffic) {
    throw new Error("page was not made by the e2e `page` fixture: no websocket traffic probe");
  }
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app
      || app.dataset.testConnectionState !== "CONNECTED"
      || app.dataset.testScriptState !== "notRunning") {
    return false;
  }
  const busy = [
    '[data-stale="true"]',
    '[data-testid="stSkeleton"]',
    '[data-testid="stStatusWidgetRunningIcon"]',
  ].join(", ");
  if (document.querySelector(busy)) return false;
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    if (!chart.querySelector("svg.marks, canvas.marks")) return false;
  }
  if (traffic.lastSent > traffic.lastReceived) return false;
  const lastActivity = Math.max(traffic.lastSent, traffic.lastReceived, since);
  return performance.now() - lastActivity >= quietMs;
}
"""

APP_STATE_SCRIPT = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const count = (selector) => document.querySelectorAll(selector).length;
  return {
    connection: app && app.dataset.testConnectionState,
    script: app && app.dataset.testScriptState,
    stale: count('[data-stale="true"]'),
    skeletons: count('[data-testid="stSkeleton"]'),
    charts: count('[data-testid="stVegaLiteChart"]'),
  };
}
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture, so a machine without the browser does not start the server first.
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} not found: install Debian's chromium package to run tests/e2e.")


def _unavailable(message: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{message} CI is set, so this fails instead of skipping.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve app.py from the repo root and yield its URL; stop the server after the session."""
    with serve_app(tmp_path_factory.mktemp("e2e-server")) as url:
        yield url


@contextlib.contextmanager
def serve_app(workdir: Path) -> Iterator[str]:
    """Serve app.py with its run store and log in WORKDIR; yield the URL once it is healthy.

    `app_url` is the session's server; a test that needs a server nobody has visited yet (a fresh
    Streamlit process, an empty run store) starts its own with this.
    """
    try:
        with serve.serve_app(workdir) as served:
            yield served.url
    except serve.ServerError as exc:
        pytest.fail(str(exc), pytrace=False)


# A finished sweep written straight into a store, whose steps reach the target at
# S(B) = 40 (1 + 32/B): the shape the critical-batch fit expects (Compare and Science pages).
SWEEP = "sw-e2e-loglog"
SWEEP_BATCH_SIZES = (8, 16, 32, 64, 128)


def seed_sweep(db: Path) -> None:
    """Write the sweep SWEEP (one run per SWEEP_BATCH_SIZES, 300 steps each) into the store DB."""
    from core.run.store import RunStore
    from core.train.engine import TrainConfig

    store = RunStore(db)
    for b in SWEEP_BATCH_SIZES:
        config = TrainConfig(dataset="blobs", n=1000, batch_size=b, epochs=1).to_dict()
        run_id = store.create_run(config, 300, sweep_id=SWEEP, label=f"B={b}")
        reach = 40 * (1 + 32 / b)
        rows = [(i, 0, b, 1.0 if i < reach else 0.01, None, 0.001 * (i + 1) * b**0.5, None)
                for i in range(300)]  # fmt: skip
        store.add_steps(run_id, rows, 300)
        store.add_epoch(run_id, 0, 0.3, None, None, None, 0.3 * b**0.5, 300)
        store.update_run(run_id, status="completed", steps_per_second=1000.0 / b**0.3)
    store.close()


@pytest.fixture(scope="module")
def sweep_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of the test module's own whose store holds only the sweep SWEEP."""
    workdir = tmp_path_factory.mktemp("sweep")
    seed_sweep(workdir / "batchlab.db")
    with serve_app(workdir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from /usr/bin/chromium, shared by the session's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test (no shared session state), viewport 1400x1000."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(TRAFFIC_SCRIPT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def routed_app_url(app_url: str, browser: Browser) -> str:
    """`app_url` once "/" has been opened, so deep links such as /train reach the app's pages.

    Streamlit 1.67 starts a server whose app folder holds `app_pages/` in its legacy multipage mode
    and leaves it only when a script calls `st.navigation`: until someone opens "/", /train runs
    app_pages/train.py on its own, without app.py's sidebar, navigation or wide layout
    (tests/e2e/test_fresh_server_e2e.py pins that down). Tests that open a page by its URL use
    this fixture so they see the app as routed, whichever test runs first.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(TRAFFIC_SCRIPT)
    try:
        page = context.new_page()
        page.goto(app_url)
        wait_for_app(page)
    finally:
        context.close()
    return app_url


def wait_for_app(page: Page, timeout_ms: int = APP_TIMEOUT_MS, quiet_ms: int = QUIET_MS) -> None:
    """Wait until the app has finished its script run and drawn the result.

    Call it after `page.goto` and after every interaction that makes Streamlit rerun.

    Settled means: connected; script state `notRunning`; no stale elements, skeletons or running
    indicator; every Vega chart drawn; every websocket message answered; and no traffic for
    `quiet_ms`, counted from this call at the earliest, so a rerun request the frontend sends a
    moment after a key press is not missed. Pass a longer `quiet_ms` where the app reruns
    itself in bursts, as the Train and Compare pages do for a moment after a run ends.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    since = page.evaluate("performance.now()")
    try:
        page.wait_for_function(
            SETTLED_PREDICATE, arg=[since, quiet_ms], polling=50, timeout=timeout_ms
        )
    except PlaywrightTimeoutError:
        state = page.evaluate(APP_STATE_SCRIPT)
        raise AssertionError(
            f"app not settled after {timeout_ms} ms at {page.url}: {state}"
        ) from None


def is_settled(page: Page, quiet_ms: int) -> bool:
    """Whether the app is settled (as `wait_for_app` means it) and has been quiet for QUIET_MS.

    A check, not a wait: for polling loops that must act when the app has gone idle.
    """
    return page.evaluate(f"({SETTLED_PREDICATE})", [0, quiet_ms])


def assert_no_exception(page: Page) -> None:
    """Fail with the exception's text if the app shows a Streamlit exception box."""
    boxes = page.get_by_test_id("stException")
    count = boxes.count()
    assert count == 0, f"{count} exception box(es) on {page.url}:\n" + "\n---\n".join(
        boxes.all_inner_texts()
    )


# Text a page cuts short with an ellipsis (the width it needs exceeds its box): every such
# element in the main column, as [text, width needed, width there].
CLIPPED_SCRIPT = """
() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter((e) => getComputedStyle(e).textOverflow === "ellipsis")
  .filter((e) => e.clientWidth > 0)  // not drawn (a collapsed expander's contents): not cut
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => [e.innerText, e.scrollWidth, e.clientWidth])
"""


def open_page(page: Page, url: str) -> None:
    """Go to URL, wait until the app has settled, and fail on an exception box."""
    page.goto(url)
    wait_for_app(page)
    assert_no_exception(page)


def type_number(page: Page, label: str, value: int) -> None:
    """Type VALUE into the `st.number_input` labelled exactly LABEL and wait for the rerun."""
    from playwright.sync_api import expect

    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")  # st.number_input commits, and reruns, on Enter or blur
    wait_for_app(page)
    expect(field).to_have_value(str(value))


def button(page: Page, name: str) -> Locator:
    """The app's button named exactly NAME (not the Stop in Streamlit's header while it runs)."""
    return page.get_by_test_id("stMain").get_by_role("button", name=name, exact=True)


def metric_value(page: Page, label: str) -> Locator:
    """The value of the `st.metric` labelled exactly LABEL."""
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def table_rows(dataframe: Locator) -> list[dict[str, str]]:
    """The rows of an `st.dataframe` as {column: text}, header names as shown.

    Glide data grid draws on a canvas and mirrors the rows in view in a hidden accessible table;
    this reads that table, so rows scrolled out of view are not included.
    """
    return dataframe.locator("table[role=grid]").evaluate(
        """(table) => {
            const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
            return [...table.querySelectorAll("tbody tr")].map((tr) => Object.fromEntries(
                [...tr.querySelectorAll("td")].map((td, i) => [names[i], td.textContent])));
        }"""
    )


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as artifacts/screenshots/NAME.png under the repo root.

    Streamlit scrolls inside `stMain`, not the document, so a `full_page` screenshot alone stops
    at the viewport. The viewport is made as tall as the content for the shot, then restored.

    Returns:
        The path of the PNG.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size or VIEWPORT
    content_height = page.evaluate(
        """() => Math.max(
            document.documentElement.scrollHeight,
            ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')]
                .map((e) => e.scrollHeight))"""
    )
    height = min(max(content_height, viewport["height"]), MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": viewport["width"], "height": height})
    try:
        wait_for_app(page)  # charts redraw for the new size
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)
    wait_for_app(page)
    return path
