"""Batch-size ramps in headless Chromium: the Schedule page with a ramp, and Compare's Smith et
al. 2018 preset drawing a real ramp-against-decay experiment (digits, MLP, SGD, 2 repeats)
trained into the server's store first. Screenshots en and zh. Marked `e2e` by conftest.py."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    assert_no_exception,
    metric_value,
    open_page,
    screenshot,
    serve_app,
    wait_for_app,
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_schedule_page_with_a_ramp(page: Page, app_url: str, lang: str):
    query = f"n=100&epochs=6&batch_size_schedule=0:8,2:32,4:128&lang={lang}"
    open_page(page, f"{app_url}/?{query}")
    label = "Total iterations" if lang == "en" else "总迭代次数"
    expect(metric_value(page, label)).to_have_text("36")
    screenshot(page, f"schedule_ramp_{lang}")


@pytest.fixture(scope="module")
def ramp_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose store holds one real ramp-against-decay experiment."""
    from core.run.executors import run_sweep
    from core.run.store import RunStore
    from core.study import ramp
    from core.train.engine import TrainConfig

    workdir = tmp_path_factory.mktemp("ramp")
    base = TrainConfig(dataset="digits", optimizer="sgd", lr=0.05, epochs=6, validation_split=0.2)
    store = RunStore(workdir / "batchlab.db")
    run_sweep(ramp.plan(ramp.RampSpec(base, "0:16,2:64,4:256", 2)), store, ramp.new_sweep_id())
    store.close()
    with serve_app(workdir) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_shows_the_ramp_against_decay_result(page: Page, ramp_url: str, lang: str):
    # Two charts and a table inside the expander: allow a busy machine longer to draw them.
    page.goto(f"{ramp_url}/compare?lang={lang}")
    wait_for_app(page, timeout_ms=120_000, quiet_ms=1500)
    assert_no_exception(page)
    steps = "The ramp took 190 steps against 432" if lang == "en" else "增大组走了 190 步"
    expect(page.get_by_text(steps, exact=False)).to_be_visible()
    screenshot(page, f"compare_ramp_{lang}")
