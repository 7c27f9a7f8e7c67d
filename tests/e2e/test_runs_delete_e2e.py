"""Deleting on the served Runs page: the chip, the body and the popover agree afterwards.

Issue 14 item 5: after a delete the multiselect's chip still named the deleted run while the
body drew another run, and the confirmation popover stayed open. The runs are written straight
into a fresh store (no training, no TensorFlow), then the page is served on it.
"""

from pathlib import Path

from playwright.sync_api import Page, expect

from core.present.text import t
from core.run.recording import create_run
from core.run.store import RunStore
from core.train.engine import TrainConfig, prepare
from tests.e2e.conftest import assert_no_exception, button, open_page, serve_app, wait_for_app


def seed_runs(db: Path, batch_sizes: tuple[int, ...]) -> list[str]:
    """Completed linear runs, one per batch size, oldest first; each has its steps."""
    store = RunStore(db)
    ids = []
    for b in batch_sizes:
        p = prepare(TrainConfig(dataset="linear", model="linear", n=10, batch_size=b, epochs=1))
        run_id = create_run(store, p)
        steps = p.schedule.steps_per_epoch
        store.add_steps(
            run_id,
            [(i, 0, b, 10.0 / (i + 1), None, 0.01 * i, None) for i in range(steps)],
            steps,
        )
        store.update_run(run_id, status="completed")
        ids.append(run_id)
    store.close()
    return ids


def chip_texts(page: Page) -> list[str]:
    chooser = page.get_by_test_id("stMultiSelect").filter(has_text=t("runs.select"))
    tags = chooser.locator("[data-tag]")
    return [tags.nth(i).get_attribute("aria-label") or "" for i in range(tags.count())]


def test_after_a_delete_the_chip_names_the_run_the_page_shows(page: Page, tmp_path: Path):
    ids = seed_runs(tmp_path / "batchlab.db", (2, 3, 4))
    with serve_app(tmp_path) as url:
        open_page(page, f"{url}/runs?lang=en")
        newest, next_newest = ids[-1], ids[-2]
        assert [newest in c for c in chip_texts(page)] == [True]
        button(page, t("runs.delete")).click()
        # The popover draws its content in a dialog outside the main area.
        yes = page.get_by_role("dialog").get_by_role("button", name=t("runs.delete.yes"))
        expect(yes).to_be_visible()
        yes.click()
        wait_for_app(page, quiet_ms=1000)
        assert_no_exception(page)
        assert [r["run_id"] for r in RunStore(tmp_path / "batchlab.db").list_runs()] == [
            next_newest,
            ids[0],
        ]
        # The chip and the body name the same run: the newest one left (B=3).
        chips = chip_texts(page)
        assert len(chips) == 1 and next_newest in chips[0] and "B=3" in chips[0], chips
        main = page.get_by_test_id("stMain")
        expect(main.get_by_test_id("stCode").first).to_contain_text("--batch-size 3")
        # The confirmation popover closed with the delete.
        expect(yes).to_be_hidden()
        expect(page.get_by_text(t("runs.delete.confirm", count=1))).to_be_hidden()
