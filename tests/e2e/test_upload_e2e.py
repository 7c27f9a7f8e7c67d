"""Bad CSV uploads on the served Train page: each one gets an error that says what to change.

The same files and messages as the CLI's parametrised list (tests/run/test_reliability.py), uploaded
through the real file uploader in Chromium. Marked `e2e` by tests/e2e/conftest.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import assert_no_exception, open_page, wait_for_app
from tests.run.test_reliability import CSV_CASES, CSVS


@pytest.fixture
def bad_csvs(tmp_path):
    paths = {}
    for name, raw in CSVS.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(raw)
    return paths


def test_every_bad_csv_upload_shows_what_to_change(page: Page, routed_app_url: str, bad_csvs):
    open_page(page, f"{routed_app_url}/train?dataset=csv")
    expect(page.get_by_text(t("train.csv.needed"))).to_be_visible()
    # the CSV's own uploader: the own-files box below has two more
    uploader = page.get_by_test_id("stFileUploader").first.locator("input[type=file]")
    for name, match in CSV_CASES:
        uploader.set_input_files(str(bad_csvs[name]))
        wait_for_app(page, timeout_ms=60_000)
        assert_no_exception(page)
        error = page.get_by_test_id("stAlertContentError")
        expect(error.first).to_contain_text(re.compile(match), timeout=10_000)
        # nothing trains: the page stops before the Start button
        expect(page.get_by_role("button", name=t("train.start"), exact=True)).to_have_count(0)


def test_a_csv_with_a_text_label_trains_and_shows_the_class_mapping(
    page: Page, routed_app_url: str, tmp_path
):
    from tests.train.test_datasets import PETS

    path = tmp_path / "pets.csv"
    path.write_bytes(PETS)
    # n=0: all the rows (the page's default of 1000 is more than this file has)
    open_page(page, f"{routed_app_url}/train?dataset=csv&n=0&batch_size=4&epochs=2&lang=en")
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))
    wait_for_app(page, timeout_ms=60_000)
    assert_no_exception(page)
    errors = page.get_by_test_id("stAlertContentError")
    assert errors.count() == 0, errors.all_inner_texts()
    notes = page.get_by_test_id("stAlertContentInfo").filter(has_text="encoded as 3 classes")
    expect(notes).to_contain_text("label 'animal' encoded as 3 classes: 0 = bird, 1 = cat, 2 = dog")
    expect(notes).to_contain_text("one-hot encoded text columns")
    expect(notes).to_contain_text("name (12)")
    expect(page.get_by_role("button", name=t("train.start"), exact=True)).to_be_visible()
