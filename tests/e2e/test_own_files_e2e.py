"""The user's own model and data in the browser: a .keras model and an .npz, made here, are
uploaded on the Train page, train live to a loss curve, and then Advise runs on them, carried
over from Train without a second upload (a budget of 90 s: less is taken by the pilot and the
timings). Screenshots in English and Chinese:
artifacts/screenshots/own_files_{train,advise}_LANG. Marked `e2e` by tests/e2e/conftest.py and
`slow` (a few minutes a language on 2 cores)."""

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import (
    assert_no_exception,
    button,
    metric_value,
    open_page,
    screenshot,
    wait_for_app,
)
from tests.e2e.test_train_e2e import START_TIMEOUT_MS

ADVICE_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def own_files(tmp_path_factory):
    """A 12-32-4 softmax MLP saved by Keras, and 4 learnable Gaussian classes as an .npz."""
    import keras

    root = tmp_path_factory.mktemp("own")
    rng = np.random.default_rng(3)
    centers = rng.normal(0, 3, (4, 12))
    y = rng.integers(0, 4, 600).astype("int32")
    x = (centers[y] + rng.normal(0, 1.5, (600, 12))).astype("float32")
    np.savez(root / "points.npz", x=x, y=y)
    keras.Sequential(
        [
            keras.Input((12,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(4, activation="softmax"),
        ]
    ).save(root / "own_mlp.keras")
    return root / "own_mlp.keras", root / "points.npz"


def upload(page: Page, lang: str, model, data) -> None:
    """Open the own-files expander and upload MODEL and DATA into its two uploaders."""
    page.get_by_text(t("files.title", lang), exact=True).click()
    uploaders = page.get_by_test_id("stExpander").get_by_test_id("stFileUploader")
    uploaders.nth(0).locator("input[type=file]").set_input_files(str(model))
    wait_for_app(page, timeout_ms=60_000)
    uploaders.nth(1).locator("input[type=file]").set_input_files(str(data))
    wait_for_app(page, timeout_ms=60_000)
    assert_no_exception(page)
    errors = page.get_by_test_id("stAlertContentError")
    assert errors.count() == 0, errors.all_inner_texts()
    # The summary the page read from the file, without Keras: 12·32 + 32 + 32·4 + 4 = 548.
    expect(page.get_by_text(re.compile(r"own_mlp\.keras")).first).to_be_visible()
    expect(page.get_by_text(re.compile("548")).first).to_be_visible()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_own_model_and_data_train_live_then_advise(
    page: Page, routed_app_url: str, own_files, lang: str
):
    model, data = own_files
    open_page(page, f"{routed_app_url}/train?batch_size=16&epochs=3&n=0&lang={lang}")
    upload(page, lang, model, data)
    expect(page.get_by_text(t("files.data_used", lang, name="points.npz"))).to_be_visible()
    # 600 samples, 20 % held out for test: 480 to train, 30 steps of 16 an epoch.
    expect(page.get_by_text(re.compile("30")).first).to_be_visible()
    button(page, t("train.start", lang)).click()
    status = metric_value(page, t("train.status", lang))
    done = status.filter(has_text=re.compile(f"^{re.escape(t('status.completed', lang))}$"))
    expect(done.or_(page.get_by_test_id("stException")).first).to_be_visible(
        timeout=START_TIMEOUT_MS
    )
    wait_for_app(page, quiet_ms=1_500)
    assert_no_exception(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    screenshot(page, f"own_files_train_{lang}")

    # The Schedule page reads the data's size: 480 to train on, one click from N.
    page.get_by_test_id("stSidebarNav").get_by_text(t("nav.schedule", lang), exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"points\.npz.*480")).first).to_be_visible()
    button(page, t("schedule.own_data.use", lang, n="480")).click()
    wait_for_app(page)
    expect(page.get_by_label(t("schedule.n", lang), exact=True)).to_have_value("480")
    screenshot(page, f"own_files_schedule_{lang}")

    # On to Advise within the session: the files given on Train come along, not uploaded again.
    page.get_by_test_id("stSidebarNav").get_by_text(t("nav.advise", lang), exact=True).click()
    page.wait_for_url(re.compile(r"/advise(\?|$)"))
    wait_for_app(page)
    carried = t("files.carried", lang, names="own_mlp.keras, points.npz")
    expect(page.get_by_text(carried)).to_be_visible()
    expect(page.get_by_text(re.compile("548")).first).to_be_visible()  # the model's summary
    for label, value in (("advise.batch_sizes", "16,64"), ("advise.seconds", "90")):
        field = page.get_by_label(t(label, lang), exact=True)
        field.fill(value)
        field.press("Enter")
        wait_for_app(page)
    button(page, t("advise.start", lang)).click()
    result = page.get_by_test_id("stAlertContentSuccess").or_(
        page.get_by_test_id("stAlertContentWarning")
    )
    expect(result.first).to_be_visible(timeout=ADVICE_TIMEOUT_MS)
    wait_for_app(page, quiet_ms=1_500)
    assert_no_exception(page)
    assert not page.get_by_test_id("stAlertContentError").count(), page.get_by_test_id(
        "stAlertContentError"
    ).all_inner_texts()
    screenshot(page, f"own_files_advise_{lang}")
