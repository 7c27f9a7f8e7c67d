"""The four waits a person meets, idle and beside CPU burners, in one table (issue 26's note).

    python -m bench.timings [--repeats 3] [--burners 0 2] [--window 6]

Serves app.py on a fresh store (tests/e2e/serve.py) and drives headless Chromium. For each
burner count (`bench.live_gaps.burners`: `while True: pass` processes, started before the case
and running through it), per repeat, each in a fresh browser context (a new session):

- landing: `bench.landing.visit` of "/": ms from navigation start to the first figure;
- Start → first step: on the Train page (B=1, 5,000 epochs, as tests/e2e/test_train_e2e.py's
  long run), from the click on Start (Python's clock) to the progress text first counting a
  step (`page.wait_for_function`, polled every 50 ms), after the spare worker reported ready;
- longest live gap: `bench.live_gaps.watch` over WINDOW seconds of that run;
- Stop: its click → the Status metric reading "stopped" (the page's clock).

Prints each repeat, then the median (min–max) per case, with the 1-minute load average before
and after each case: on a shared machine that says how far to trust a row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import landing, live_gaps

FIRST_STEP = """() => {
  const bar = document.querySelector('[data-testid="stProgress"]');
  const m = bar && /^([\\d,]+) \\//.exec(bar.innerText.trim());
  return m !== null && Number(m[1].replaceAll(',', '')) > 0;
}"""


def wait_for_spare(page, url: str, timeout_s: float = 120) -> None:
    """Reload the Train page until it no longer says TensorFlow is loading in the spare."""
    from core.present.text import t
    from tests.e2e.conftest import wait_for_app

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.get_by_text(t("train.loading_tf")).count() == 0:
            return
        page.wait_for_timeout(1000)
        page.reload()  # the address bar holds the inputs typed (a bare /train would not)
        wait_for_app(page, timeout_ms=60_000)


def one_run(browser, url: str, server_pid: int, window_s: float) -> dict:
    from core.present.text import t
    from tests.e2e.conftest import TRAFFIC_SCRIPT, VIEWPORT, button, wait_for_app
    from tests.e2e.test_train_e2e import open_train, wait_for_status

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(TRAFFIC_SCRIPT)
    page = context.new_page()
    try:
        page.goto(url)
        wait_for_app(page, timeout_ms=60_000)
        open_train(page, url, batch_size=1, epochs=5000)
        wait_for_spare(page, url)
        began = time.perf_counter()
        button(page, t("train.start")).click()
        page.wait_for_function(FIRST_STEP, polling=50, timeout=120_000)
        first_step = time.perf_counter() - began
        seen = live_gaps.watch(page, server_pid, window_s)
        wait_for_status(page, "stopped", 30_000)
    finally:
        context.close()
    probe = seen["probe"]
    stop = None if probe["stopped"] is None else (probe["stopped"] - probe["click"]) / 1000
    return {
        "first_step_s": first_step,
        "max_gap_s": max(live_gaps.live_gaps(probe, seen["watch_from"])),
        "stop_s": stop,
    }


def spread(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    values = [v * unit for v in values if v is not None]
    if not values:
        return "-"
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}–{max(values):.{digits}f})"
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.serve import serve_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--burners", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--window", type=float, default=6.0, help="seconds of live numbers")
    args = parser.parse_args()
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-timings-") as workdir,
        serve_app(Path(workdir)) as app,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        landing.visit(browser, app.url)  # warm: the server has imported and run the page once
        for count in args.burners:
            before = os.getloadavg()[0]
            runs = []
            with live_gaps.burners(count):
                time.sleep(1.0)  # let the scheduler feel the burners
                for i in range(args.repeats):
                    figure = landing.visit(browser, app.url)["figure"]
                    try:
                        measured = one_run(browser, app.url, app.pid, args.window)
                    except Exception as exc:  # a timeout on a loaded machine: say it, go on
                        print(f"burners={count} rep {i + 1} failed: {exc!s:.300}", flush=True)
                        continue
                    run = {"landing_ms": figure, **measured}
                    print(f"burners={count} rep {i + 1}: {run}", flush=True)
                    runs.append(run)
            rows.append((count, before, os.getloadavg()[0], runs))
    print()
    print(
        "| burners | load avg (1 min) | landing, first figure (ms) | Start → first step (s) "
        "| longest live gap (s) | Stop (s) |"
    )
    print("|---|---|---|---|---|---|")
    for count, before, after, runs in rows:
        print(
            f"| {count} | {before:.1f} → {after:.1f} "
            f"| {spread([r['landing_ms'] for r in runs], digits=0)} "
            f"| {spread([r['first_step_s'] for r in runs], digits=1)} "
            f"| {spread([r['max_gap_s'] for r in runs])} "
            f"| {spread([r['stop_s'] for r in runs])} |"
        )
    print(f"median (min–max) of {args.repeats} fresh sessions per row")


if __name__ == "__main__":
    main()
