"""One click on Stop ends a live run promptly, idle and with both cores busy (issue 14 item 2).

The app is served on its own (its run store in a temp folder this module can read), a long run
(B=1, 5,000 epochs: 5,000,000 steps; the engine runs ~15k steps a second) is started on the
Train page and, for the loaded case, two CPU-bound burner processes run beside the app.
Everything is measured in the page, with the browser's clock (bench/live_gaps.py's probe, shared
with the benchmark): a MutationObserver time-stamps every change of the progress text (the live
numbers) and the moment the Status metric first reads "stopped"; a capturing click listener
time-stamps the one click on Stop. Then:

- Stop: click → "stopped" shown, ≤ 1 s idle, ≤ 2 s loaded;
- live numbers: the longest gap between progress updates while running, ≤ 1 s.

Each measurement is appended to artifacts/stop_latency.jsonl with what splits it: when the worker
wrote its final status (store_final_s after the click: the worker's share), the steps it ran after
the click, the browser's long tasks while running (browser_busy_s) and the 1-minute load average
(other people's work on a shared machine shows there). Marked `e2e` (and `slow`: it serves its own
app and trains twice). Repeat it with
`for i in 1 2 3; do python -m pytest -q tests/e2e/test_stop_under_load_e2e.py; done`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench import live_gaps
from core.present.text import t
from tests.e2e import serve
from tests.e2e.conftest import REPO, button, open_page, wait_for_app
from tests.e2e.test_train_e2e import start_long_run, wait_for_status

pytestmark = pytest.mark.slow

RESULTS = REPO / "artifacts" / "stop_latency.jsonl"
LIVE_WINDOW_S = 6.0  # how long the live numbers are watched before the click
BURNER_WARMUP_S = 1.0  # let the scheduler feel the burners before measuring
MAX_LIVE_GAP_S = 1.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    """A server of this module's own: its URL, its run store and its process id."""
    workdir = tmp_path_factory.mktemp("e2e-stop")
    try:
        with serve.serve_app(workdir) as app:
            yield app.url, workdir / "batchlab.db", app.pid
    except serve.ServerError as exc:
        pytest.fail(str(exc), pytrace=False)


def store_figures(db: Path, click_steps: int, click_at: float) -> dict:
    """What the worker did, from the newest run in the store: when it wrote its final status
    (seconds after the click: the worker's share of the Stop time), the steps it ran after the
    click (counted from the progress the page showed at the click, which lags the worker by up
    to one refresh), and its rate over its last 2 s of steps."""
    with sqlite3.connect(db) as con:
        run_id, steps_done, status, updated = con.execute(
            "SELECT run_id, steps_done, status, updated FROM runs ORDER BY created DESC LIMIT 1"
        ).fetchone()
        times = [
            row[0]
            for row in con.execute(
                "SELECT seconds FROM steps WHERE run_id = ? ORDER BY step", (run_id,)
            )
        ]
    rate = None
    if len(times) > 1:
        tail = [s for s in times if s >= times[-1] - 2.0]
        span = tail[-1] - tail[0]
        rate = (len(tail) - 1) / span if span > 0 else None
    return {
        "store_status": status,
        "store_final_s": round(updated - click_at, 3),
        "steps_done": steps_done,
        "steps_after_click": steps_done - click_steps if click_steps >= 0 else None,
        "steps_per_second": None if rate is None else round(rate, 1),
    }


@pytest.mark.parametrize(
    ("burners", "stop_limit_s"), [(0, 1.0), (2, 2.0)], ids=["idle", "two-busy-cores"]
)
def test_one_click_on_stop_ends_a_live_run_promptly(
    page: Page, served: tuple[str, Path, int], burners: int, stop_limit_s: float
):
    url, db, server_pid = served
    open_page(page, url)  # "/" first, so /train is routed as app.py routes it
    start_long_run(page, url)
    with live_gaps.burners(burners):
        time.sleep(BURNER_WARMUP_S)
        seen = live_gaps.watch(page, server_pid, LIVE_WINDOW_S)  # clicks Stop once
    probe, watch_from = seen["probe"], seen["watch_from"]

    assert probe["click"] is not None, "the click on Stop never reached the page"
    assert probe["clicks"] == 1, probe["clicks"]
    gaps = live_gaps.live_gaps(probe, watch_from)
    stop_s = None if probe["stopped"] is None else (probe["stopped"] - probe["click"]) / 1000
    click_at = (probe["origin"] + probe["click"]) / 1000  # the page's clock as Unix time
    click_steps = live_gaps.steps_in(probe["clickText"])
    wait_for_status(page, "stopped", 10_000)
    wait_for_app(page, quiet_ms=1_000)
    figures = {
        "case": "loaded" if burners else "idle",
        "stop_s": None if stop_s is None else round(stop_s, 3),
        "max_live_gap_s": round(max(gaps), 3),
        "live_updates": len(gaps) - 1,
        "live_window_s": round((probe["click"] - watch_from) / 1000, 2),
        "browser_busy_s": round(
            sum(d for at, d in probe["longTasks"] if watch_from <= at <= probe["click"]) / 1000, 2
        ),
        **store_figures(db, click_steps, click_at),
        # Cores each part kept busy while the run was live.
        **{f"cores_{part}": round(cores, 2) for part, cores in seen["cores"].items()},
        "steps_at_click": click_steps,
        "loadavg_1min": os.getloadavg()[0],
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as out:
        out.write(json.dumps(figures) + "\n")
    print(figures)

    assert stop_s is not None, f"one click on Stop left the run going: {figures}"
    assert stop_s <= stop_limit_s, figures
    expect(button(page, t("train.start"))).to_be_enabled()
    expect(button(page, t("train.stop"))).to_be_disabled()
    # Loaded gaps were 0.5-1.06 s while Streamlit ran gc.collect(2) after every fragment run
    # (~0.35 of a core on the server, taken from the worker); with runner.postScriptGC off
    # (.streamlit/config.toml) they are 0.4-0.55 s (python -m bench.live_gaps).
    assert max(gaps) <= MAX_LIVE_GAP_S, figures
