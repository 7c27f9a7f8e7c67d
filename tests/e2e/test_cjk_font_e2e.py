"""The Chinese UI in the browser tests shows characters, not boxes (issue 14 item 10).

Headless Chromium draws every character it has no font for as the same empty box, so without a
CJK font no zh screenshot shows anything. `.ci/run` installs fonts-noto-cjk when
`fc-list :lang=zh` finds none; these tests fail where that did not happen.
"""

import shutil
import subprocess

from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import open_page, screenshot

# Draws each character alone on a canvas in the page's own font and returns its pixels: two
# different characters drawn as the same box give the same pixels.
GLYPHS = """(chars) => chars.map((ch) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext("2d");
    const family = getComputedStyle(document.querySelector("h1")).fontFamily;
    ctx.font = `48px ${family}`;
    ctx.fillText(ch, 4, 52);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(",");
})"""


def test_fontconfig_knows_a_chinese_font():
    assert shutil.which("fc-list"), "fc-list not found: install fontconfig (.ci/run does)"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no CJK font: apt-get install fonts-noto-cjk (.ci/run does)"


def test_chinese_characters_render_as_distinct_glyphs_on_the_zh_page(
    page: Page, routed_app_url: str
):
    open_page(page, f"{routed_app_url}/?lang=zh")
    expect(page.get_by_role("heading", name=t("schedule.title", "zh"))).to_be_visible()
    pixels = page.evaluate(GLYPHS, ["批", "样", "轮", "a"])
    assert len(set(pixels)) == 4, "CJK characters are drawn as identical boxes: no CJK font"
    screenshot(page, "schedule_zh")
