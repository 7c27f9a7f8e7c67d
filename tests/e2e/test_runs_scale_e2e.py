"""Runs at scale on the served pages (issue 26 items 9 and 5), screenshots in English and Chinese.

- Runs: 57 Advise runs, a 3-run sweep and 2 runs of their own, written straight into a fresh
  store. The runs in no group are a table; each group is one folded line until opened; the
  search box finds a run by its name inside a folded group.
- Train: an uploaded CSV with incomes of 10,000s gets "Standardise features", on, beside the label,
  and a note that says with which rows; unticked, the note says the features are fed as given.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from core.run.store import RunStore
from core.train.engine import TrainConfig
from tests.e2e.conftest import assert_no_exception, open_page, screenshot, serve_app, wait_for_app
from tests.train.test_standardize import income_csv


def seed(db: Path) -> None:
    store = RunStore(db)
    store.add_group("sw-advise0001", "advise")
    for i in range(57):
        b, lr = 2 ** (3 + i % 6), 0.001 * 2 ** (i % 3)
        cfg = TrainConfig(dataset="digits", batch_size=b, lr=lr, epochs=3).to_dict()
        run_id = store.create_run(cfg, 30, sweep_id="sw-advise0001", label=f"B={b} lr={lr:.3g}")
        store.add_steps(run_id, [(s, 0, b, 2.3 / (s + 1), 0.5, 0.01, None) for s in range(3)], 3)
        store.update_run(run_id, status="completed")
    for b in (8, 32, 128):
        cfg = TrainConfig(dataset="blobs", batch_size=b, epochs=2).to_dict()
        run_id = store.create_run(cfg, 10, sweep_id="sw-sweep0001", label=f"B={b}")
        store.update_run(run_id, status="completed")
    for name in ("baseline", None):
        cfg = TrainConfig(dataset="linear", model="linear", n=10, batch_size=3).to_dict()
        run_id = store.create_run(cfg, 4)
        store.add_steps(run_id, [(s, 0, 3, 100.0 / (s + 1), None, 0.01, None) for s in range(4)], 4)
        store.update_run(run_id, status="completed")
        if name:
            store.rename_run(run_id, name)
    store.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_runs_page_folds_each_group_and_finds_runs_inside(page: Page, tmp_path, lang):
    seed(tmp_path / "batchlab.db")
    with serve_app(tmp_path) as url:
        open_page(page, f"{url}/runs?lang={lang}")
        assert_no_exception(page)
        groups = page.get_by_test_id("stExpander").filter(has_text="sw-")
        expect(groups).to_have_count(2)
        expect(groups.filter(has_text="57")).to_have_count(1)
        # folded: a group's table is not drawn until it is opened
        expect(groups.first.get_by_test_id("stDataFrame")).to_be_hidden()
        screenshot(page, f"issue26_runs_groups_{lang}")
        search = page.get_by_role("textbox", name=t("runs.search", lang))
        search.fill("B=64 lr=0.001")
        search.press("Enter")
        wait_for_app(page)
        assert_no_exception(page)
        opened = page.get_by_test_id("stExpander").filter(has_text="sw-advise0001")
        expect(opened.get_by_test_id("stDataFrame")).to_be_visible()
        screenshot(page, f"issue26_runs_search_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_train_page_standardises_an_uploaded_csv_and_says_so(
    page: Page, routed_app_url: str, tmp_path, lang
):
    path = tmp_path / "income.csv"
    path.write_bytes(income_csv())
    open_page(page, f"{routed_app_url}/train?dataset=csv&n=0&batch_size=32&lang={lang}")
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))
    wait_for_app(page, timeout_ms=60_000)
    assert_no_exception(page)
    box = page.get_by_test_id("stCheckbox").filter(has_text=t("train.standardize", lang))
    expect(box.locator("input")).to_be_checked()
    said = "training rows only" if lang == "en" else "个训练行"
    expect(page.get_by_test_id("stAlertContentInfo").filter(has_text=said)).to_be_visible()
    screenshot(page, f"issue26_train_csv_standardised_{lang}")
    box.locator("label").click()
    wait_for_app(page, timeout_ms=60_000)
    given = "not standardised" if lang == "en" else "未标准化"
    expect(page.get_by_test_id("stAlertContentInfo").filter(has_text=given)).to_be_visible()
    screenshot(page, f"issue26_train_csv_as_given_{lang}")
