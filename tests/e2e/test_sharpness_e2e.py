"""Sharpness and the gap in Chromium (issue 23): Compare's view of a real measured sweep, and
Science's section with its sketch, in English and Chinese; screenshots for a person to look at.

The sweep is real and tiny (blobs, N=256, B in {8, 64}, 2 repeats, 3 epochs, sharpness on),
trained once for the module and written to the store of a server of the module's own.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from core.present.text import t
from tests.e2e.conftest import open_page, screenshot, serve_app

SWEEP_ID = "sw-e2e-sharp"


@pytest.fixture(scope="module")
def sharp_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from core.run.executors import run_sweep
    from core.run.store import RunStore
    from core.study import sweep
    from core.train.engine import TrainConfig

    workdir = tmp_path_factory.mktemp("sharp")
    spec = sweep.SweepSpec(
        base=TrainConfig(dataset="blobs", n=256, validation_split=0.2, sharpness=True),
        batch_sizes=(8, 64),
        repeats=2,
        budget_value=3,
    )
    store = RunStore(workdir / "batchlab.db")
    run_sweep(sweep.plan_checked(spec), store, SWEEP_ID)
    store.close()
    with serve_app(workdir) as url:
        yield url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_draws_sharpness_and_the_gap_with_its_reading(page: Page, sharp_url, lang):
    open_page(page, f"{sharp_url}/compare?lang={lang}&sweep={SWEEP_ID}")
    heading = page.get_by_role("heading", name=t("sharp.title", lang))
    expect(heading).to_be_visible()
    main = page.get_by_test_id("stMain")
    text = main.inner_text()
    assert ("From B=8 to B=64" if lang == "en" else "从 B=8 到 B=64") in text, text[-2000:]
    assert ("Dinh et al. 2017" if lang == "en" else "Dinh 等人") in text
    assert t("sharp.read.fixed_lr", lang, lr="0.001") in text
    checkbox = page.get_by_text(t("compare.sharpness", lang), exact=True)
    expect(checkbox).to_be_visible()
    heading.scroll_into_view_if_needed()
    screenshot(page, f"compare_sharpness_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_science_explains_sharpness_with_its_sketch(page: Page, sharp_url, lang):
    open_page(page, f"{sharp_url}/science?lang={lang}")
    expect(page.get_by_role("heading", name=t("science.sharp", lang))).to_be_visible()
    text = page.get_by_test_id("stMain").inner_text()
    assert "Keskar" in text and "Dinh" in text
    assert t("science.sharp.figure", lang) in text
    screenshot(page, f"science_sharpness_{lang}")
