"""Screenshots for issue 14 (items 5 and 9), before and after: `python artifacts/shoot.py DIR DB`.

Serves app.py on a copy of the run store DB (one sweep of blobs at B=8..128 and two runs, made
with `python -m core sweep/train`), opens each case in headless Chromium and saves DIR/NAME.png.
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from core.present.text import t  # noqa: E402
from tests.e2e import serve  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    TRAFFIC_SCRIPT,
    VIEWPORT,
    wait_for_app,
)


def shot(page, out: Path, name: str, full: bool = True) -> None:
    wait_for_app(page, timeout_ms=120_000)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"]')]"
        ".map((e) => e.scrollHeight), 1000)"
    )
    if full:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height, 6000)})
        wait_for_app(page, timeout_ms=60_000)
    page.screenshot(path=str(out / f"{name}.png"), animations="disabled")
    page.set_viewport_size(VIEWPORT)
    print("saved", out / f"{name}.png", flush=True)


def main(out: Path, db: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(db, Path(tmp) / "batchlab.db")
        import sqlite3

        sweep = sqlite3.connect(db).execute("select sweep_id from runs where sweep_id is not null")
        sweep_id = sweep.fetchone()[0]
        with serve.serve_app(Path(tmp)) as served, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            url = served.url
            for lang in ("en", "zh"):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(TRAFFIC_SCRIPT)
                page = context.new_page()
                page.goto(f"{url}/?lang={lang}")
                wait_for_app(page, timeout_ms=120_000)
                page.goto(f"{url}/?lang={lang}&n=10&batch_size=3&epochs=3&shuffle=none")
                shot(page, out, f"schedule_partial_{lang}", full=False)
                page.goto(f"{url}/?lang={lang}&n=1000000&batch_size=3&epochs=1000000")
                shot(page, out, f"schedule_big_metrics_{lang}", full=False)
                page.goto(f"{url}/train?lang={lang}&dataset=mnist")
                shot(page, out, f"train_mnist_offline_{lang}", full=False)
                page.goto(
                    f"{url}/science?lang={lang}&sweep={sweep_id}&target_metric=train_loss"
                    "&target=0.1"
                )
                shot(page, out, f"science_critical_batch_{lang}")
                page.goto(
                    f"{url}/compare?lang={lang}&sweep={sweep_id}&target_metric=train_loss"
                    "&target=0.1"
                )
                shot(page, out, f"compare_log_log_{lang}")
                if (Path(__file__).parents[1] / "core/errors.py").read_text().count("Unavailable"):
                    # after only: the before code refused this file
                    from tests.test_datasets import PETS

                    csv_path = Path(tmp) / "pets.csv"
                    csv_path.write_bytes(PETS)
                    page.goto(f"{url}/train?lang={lang}&dataset=csv&n=0&batch_size=4&epochs=2")
                    wait_for_app(page, timeout_ms=120_000)
                    uploader = page.get_by_test_id("stFileUploader").locator("input[type=file]")
                    uploader.set_input_files(str(csv_path))
                    shot(page, out, f"train_csv_text_label_{lang}", full=False)
                context.close()
            # last: deleting changes the store
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(TRAFFIC_SCRIPT)
            page = context.new_page()
            page.goto(f"{url}/runs?lang=en")
            wait_for_app(page, timeout_ms=120_000)
            main_area = page.get_by_test_id("stMain")
            main_area.get_by_role("button", name=t("runs.delete"), exact=True).click()
            page.get_by_role("button", name=t("runs.delete.yes"), exact=True).click()
            wait_for_app(page, timeout_ms=60_000)
            page.wait_for_timeout(1500)
            shot(page, out, "runs_after_delete_en")
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
