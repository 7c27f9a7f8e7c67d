"""The Path page in the browser: time to the first drawn path on a fresh server, the player
(stepping and Play move the drawn frame without a Streamlit rerun, and the highlighted batch is
the schedule's), and screenshots (en, zh) at step 0, the middle and the end for B = 1, 3 and 10
in artifacts/screenshots/issue16_*.png (ignored: a test run leaves the git tree as it was).
Marked `e2e` by tests/e2e/conftest.py."""

import io
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from core.present.text import t
from core.schedule.plan import Schedule, ScheduleSpec
from tests.e2e.conftest import (
    REPO,
    assert_no_exception,
    button,
    open_page,
    serve_app,
    wait_for_app,
)

SHOTS = REPO / "artifacts" / "screenshots"
TUTORIAL_STEPS = {1: 100, 3: 40, 10: 10}  # N = 10, E = 10
SLIDER = 'input[type="range"][name="frame"]'
# The readout's first line, the samples highlighted on the scatter (Vega's aria labels of the
# `batch` layer), and how many messages the page has sent to the Streamlit server.
READOUT = """() => {
  const line = document.querySelector('.readout_marks text');
  return line ? line.textContent : null;
}"""
HIGHLIGHTED = """() => [...document.querySelectorAll('g.role-mark[class*=" batch_"] path')]
  .map((p) => Number(/sample: (\\d+)/.exec(p.getAttribute('aria-label'))[1]))
  .sort((a, b) => a - b)"""
SENT = "() => window.__batchlabSent"
COUNT_SENT = """() => {
  window.__batchlabSent = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__batchlabSent += 1;
    return send.call(this, data);
  };
}"""


def readout(page: Page) -> str:
    return page.evaluate(READOUT)


def go_to_step(page: Page, steps: int) -> None:
    """Press → on the player's slider STEPS times (each press a frame, drawn by the browser)."""
    page.locator(SLIDER).focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")


def schedule_batch(batch_size: int, step: int) -> list[int]:
    s = Schedule(ScheduleSpec(n=10, batch_size=batch_size, epochs=10, seed=0))
    batches = [b.tolist() for e in range(s.epochs) for b in s.epoch_batches(e)]
    return sorted(batches[step])


def landscape_ink(page: Page) -> int:
    """Dark pixels in the landscape (the chart's left half, under the readout): contours,
    paths, labels. A blank landscape has almost none."""
    from PIL import Image

    png = page.get_by_test_id("stVegaLiteChart").first.screenshot()
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    left = image.crop((0, 60, width // 2, height - 120))
    return sum(left.histogram()[:200])


def shoot(page: Page, name: str) -> Path:
    """The page down to the player's buttons, as artifacts/screenshots/issue16_NAME.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # a rendered frame: Vega draws on the next animation frame
    assert landscape_ink(page) > 5000, f"the landscape painted nothing in {name}"
    bottom = page.get_by_test_id("stExpander").bounding_box()
    path = SHOTS / f"issue16_{name}.png"
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1400, "height": bottom["y"]})
    assert path.stat().st_size < 400_000, (path, path.stat().st_size)
    return path


def test_first_path_is_drawn_within_a_minute_on_a_fresh_server(page: Page, tmp_path: Path):
    with serve_app(tmp_path) as url:
        open_page(page, url)  # "/" once: st.navigation routes /path from then on
        began = time.perf_counter()
        page.goto(f"{url}/path")
        wait_for_app(page, timeout_ms=120_000)
        first = time.perf_counter() - began
        assert_no_exception(page)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
        assert readout(page).startswith("Step 0 of 40, epoch 0.")
        began = time.perf_counter()
        page.reload()
        wait_for_app(page, timeout_ms=60_000)
        again = time.perf_counter() - began
    print(
        f"time to first path: {first:.1f} s cold (TensorFlow's import included), "
        f"{again:.1f} s cached"
    )
    assert first < 60


def test_stepping_draws_the_schedules_batch_without_a_streamlit_rerun(
    page: Page, routed_app_url: str
):
    open_page(page, f"{routed_app_url}/path?follow=3&lang=en")
    page.evaluate(COUNT_SENT)
    assert page.evaluate(HIGHLIGHTED) == schedule_batch(3, 0)
    for step in (1, 2, 3):
        go_to_step(page, 1)
        expect(page.locator(SLIDER)).to_have_value(str(step))
        assert readout(page).startswith(f"Step {step} of 40")
        assert page.evaluate(HIGHLIGHTED) == schedule_batch(3, step)
    button(page, t("path.step")).click()
    assert readout(page).startswith("Step 4 of 40, epoch 1.")  # epoch 0 was batches of 3, 3, 3, 1
    assert page.evaluate(HIGHLIGHTED) == schedule_batch(3, 4)
    button(page, t("path.reset")).click()
    assert readout(page).startswith("Step 0 of 40") and page.locator(SLIDER).input_value() == "0"
    assert page.evaluate(SENT) == 0, "a frame asked the Streamlit server for something"


def test_play_runs_the_followed_path_to_its_end_and_stops(page: Page, routed_app_url: str):
    open_page(page, f"{routed_app_url}/path?follow=10&lang=en")
    page.evaluate(COUNT_SENT)
    button(page, t("path.play")).click()
    expect(button(page, t("path.pause"))).to_be_visible()
    page.wait_for_function(f"() => ({READOUT})() === 'Step 10 of 10: the end of the path.'")
    expect(button(page, t("path.play"))).to_be_visible(timeout=5_000)
    assert page.evaluate(HIGHLIGHTED) == []  # no next batch at the end
    assert page.evaluate(SENT) == 0
    assert_no_exception(page)


def test_screenshots_at_the_start_middle_and_end_for_b_1_3_10(page: Page, routed_app_url: str):
    page.set_viewport_size({"width": 1400, "height": 1500})  # the player and all its charts
    for lang in ("en", "zh"):
        for b, last in TUTORIAL_STEPS.items():
            open_page(page, f"{routed_app_url}/path?follow={b}&lang={lang}")
            shoot(page, f"{lang}_b{b}_step0")
            page.get_by_text(t("path.zoom", lang), exact=True).click()  # the valley, closer
            wait_for_app(page)
            go_to_step(page, last // 2)
            expect(page.locator(SLIDER)).to_have_value(str(last // 2))
            shoot(page, f"{lang}_b{b}_mid")
            go_to_step(page, last - last // 2)
            expect(page.locator(SLIDER)).to_have_value(str(last))
            assert readout(page) == t("path.position_end", lang, step=last, last=last)
            shoot(page, f"{lang}_b{b}_end")
            assert_no_exception(page)
