"""The Path page in the browser: time to the first drawn path on a fresh server, the player, and
screenshots (en, zh) at step 0, the middle and the end for B = 1, 3 and 10 in artifacts/path/.
Marked `e2e` by tests/e2e/conftest.py."""

import time
from pathlib import Path

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
TUTORIAL_STEPS = {1: 100, 3: 40, 10: 10}  # N = 10, E = 10


def shoot(page: Page, name: str) -> Path:
    """The page down to the last chart (not the note under it), as artifacts/path/NAME.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"]')]
            .map((e) => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": 1400, "height": max(height, 1000)})
    try:
        wait_for_app(page)
        page.wait_for_timeout(400)  # Vega redraws the charts for the new width
        bottom = page.get_by_test_id("stExpander").bounding_box()
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1400, "height": bottom["y"]})
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
    wait_for_app(page)
    assert path.stat().st_size < 300_000, (path, path.stat().st_size)
    return path


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


def test_screenshots_at_the_start_middle_and_end_for_b_1_3_10(page: Page, routed_app_url: str):
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
