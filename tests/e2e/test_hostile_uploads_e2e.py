"""Hostile files a user could upload, in the browser: a .keras whose Lambda layer would run code
(it writes a marker file when called) and a zip bomb given as image data. Each gets one sentence
in an st.error, no traceback, and the Lambda's code never runs. Marked `e2e` by
tests/e2e/conftest.py."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import assert_no_exception, button, open_page, wait_for_app


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    import keras

    root = tmp_path_factory.mktemp("hostile")
    marker = root / "ran.txt"

    def writes_marker(x, path=str(marker)):
        with open(path, "w") as f:  # what a hostile file would run on load
            f.write("ran")
        return x

    keras.Sequential(
        [keras.Input((12,)), keras.layers.Lambda(writes_marker), keras.layers.Dense(3)]
    ).save(root / "lambda.keras")
    marker.unlink()  # building the model called it once; nothing may call it again
    with zipfile.ZipFile(root / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cats/a.png", b"\0" * (64 * 2**20))  # 64 MB of zeros, ~64 KB packed
        z.writestr("dogs/b.png", b"\0" * 1024)
    return root, marker


def _upload(page: Page, which: int, path) -> None:
    page.get_by_text(t("files.title"), exact=True).click()
    uploaders = page.get_by_test_id("stExpander").get_by_test_id("stFileUploader")
    uploaders.nth(which).locator("input[type=file]").set_input_files(str(path))
    wait_for_app(page, timeout_ms=60_000)


def _error_text(page: Page) -> str:
    errors = page.get_by_test_id("stAlertContentError")
    expect(errors.first).to_be_visible(timeout=60_000)
    assert_no_exception(page)
    return " ".join(errors.all_inner_texts())


def test_a_model_that_would_run_code_is_refused_in_one_sentence(
    page: Page, routed_app_url: str, hostile
):
    root, marker = hostile
    open_page(page, f"{routed_app_url}/train?lang=en")
    _upload(page, 0, root / "lambda.keras")
    text = _error_text(page)
    assert "Lambda layer, which would run Python code" in text, text
    assert "Traceback" not in text
    assert not marker.exists()


def test_a_zip_bomb_as_data_is_refused_before_unpacking(page: Page, routed_app_url: str, hostile):
    root, _ = hostile
    open_page(page, f"{routed_app_url}/train?lang=en")
    _upload(page, 1, root / "bomb.zip")
    assert_no_exception(page)
    # The page reads the data to show its schedule, so the refusal comes before any Start.
    text = _error_text(page)
    assert not button(page, t("train.start")).count()
    assert "zip bomb" in text and "Traceback" not in text, text
