"""The Path page in the browser: time to the first drawn path on a fresh server, the player, and
screenshots (en, zh) at step 0, the middle and the end for B = 1, 3 and 10 in artifacts/path/.
Marked `e2e` by tests/e2e/conftest.py."""

import io
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import (
    REPO,
    assert_no_exception,
    button,
    open_page,
    serve_app,
    wait_for_app,
)

SHOTS = REPO / "artifacts" / "path"
BLANK: list[str] = []  # shots whose landscape painted nothing
TUTORIAL_STEPS = {1: 100, 3: 40, 10: 10}  # N = 10, E = 10


def shoot(page: Page, name: str) -> Path:
    """The page down to the last chart (not the note under it), as artifacts/path/NAME.png.

    The viewport is already tall enough (no resize here: Vega would redraw the charts)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # Vega has placed its marks; give the landscape's SVG a moment
    if landscape_ink(page) < 5000:
        BLANK.append(name)
    bottom = page.get_by_test_id("stExpander").bounding_box()
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1400, "height": bottom["y"]})
    assert path.stat().st_size < 300_000, (path, path.stat().st_size)
    return path


def landscape_ink(page: Page) -> int:
    """Dark pixels in the landscape chart (the page's first chart): contours, paths, labels."""
    from PIL import Image

    png = page.get_by_test_id("stVegaLiteChart").first.screenshot()
    gray = Image.open(io.BytesIO(png)).convert("L")
    return sum(gray.histogram()[:200])


def go_to_step(page: Page, steps: int) -> None:
    page.get_by_role("slider").focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    wait_for_app(page)


def test_first_path_is_drawn_within_a_minute_on_a_fresh_server(page: Page, tmp_path: Path):
    with serve_app(tmp_path) as url:
        open_page(page, url)  # "/" once: st.navigation routes /path from then on
        began = time.perf_counter()
        page.goto(f"{url}/path")
        wait_for_app(page, timeout_ms=120_000)
        first = time.perf_counter() - began
        assert_no_exception(page)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
        began = time.perf_counter()
        page.reload()
        wait_for_app(page, timeout_ms=60_000)
        again = time.perf_counter() - began
    print(
        f"time to first path: {first:.1f} s cold (TensorFlow's import included), "
        f"{again:.1f} s cached"
    )
    assert first < 60


def test_play_runs_the_followed_path_to_its_end_and_stops(page: Page, routed_app_url: str):
    open_page(page, f"{routed_app_url}/path?follow=10&lang=en")
    button(page, t("path.play")).click()
    expect(page.get_by_text("Step 10 of 10: the end of the path.")).to_be_visible(timeout=90_000)
    expect(button(page, t("path.play"))).to_be_visible(timeout=10_000)
    assert_no_exception(page)


@pytest.mark.xfail(
    strict=False,
    reason="open bug: after fast slider steps with the zoom on, the landscape's SVG sometimes "
    "keeps its marks but paints nothing (seen at B = 1, step 50); cause not found yet",
)
def test_screenshots_at_the_start_middle_and_end_for_b_1_3_10(page: Page, routed_app_url: str):
    BLANK.clear()
    page.set_viewport_size({"width": 1400, "height": 1500})  # the player and all three charts
    for lang in ("en", "zh"):
        for b, last in TUTORIAL_STEPS.items():
            open_page(page, f"{routed_app_url}/path?follow={b}&lang={lang}")
            shoot(page, f"{lang}_b{b}_step0")
            page.get_by_text(t("path.zoom", lang), exact=True).click()  # the valley, closer
            wait_for_app(page)
            go_to_step(page, last // 2)
            expect(page.get_by_role("slider")).to_have_value(str(last // 2))
            shoot(page, f"{lang}_b{b}_mid")
            go_to_step(page, last - last // 2)
            expect(page.get_by_role("slider")).to_have_value(str(last))
            shoot(page, f"{lang}_b{b}_end")
            assert_no_exception(page)
    assert not BLANK, f"the landscape painted nothing in {BLANK}"
