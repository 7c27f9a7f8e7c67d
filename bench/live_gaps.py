"""Live numbers in a real browser while the machine is busy: the gaps between refreshes and who
uses the CPU, with Streamlit's post-script garbage collection on and off, side by side.

    python -m bench.live_gaps [--repeats 2] [--window 10] [--burners 2]

For each setting of `runner.postScriptGC` (Streamlit's default, on, then this repo's
`.streamlit/config.toml`, off) it serves app.py (tests/e2e/serve.py, the setting passed as
STREAMLIT_RUNNER_POST_SCRIPT_GC), opens the Train page in headless Chromium, and per repeat:
starts a long run (B=1, 5,000 epochs, as tests/e2e/test_stop_under_load_e2e.py does), starts
`--burners` CPU-bound processes beside it, watches the live numbers for `--window` seconds
(PROBE_SCRIPT time-stamps every change of the progress text), then clicks Stop.

Per repeat it prints the longest gap between two refreshes of the live numbers, the refreshes
a second, the cores the server, its workers and Chromium kept busy (from /proc), and the
worker's training rate. Then the medians per setting and the ratios off / on.
Why it matters: Streamlit calls gc.collect(2) after every script run, fragments included, and
the Train page reruns a fragment 4-5 times a second while a run is live.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.demo_rss import rss_mb, tree

# Installed in the page once the run is live. Time-stamps, on the page's clock (ms): every
# change of the progress text (the live numbers), the click on Stop, the first "stopped" in
# the Status metric, and the browser's long tasks (main-thread work over 50 ms).
PROBE_SCRIPT = """
([statusLabel, stopLabel, stoppedText]) => {
  const probe = {
    updates: [], click: null, clickText: null, stopped: null, clicks: 0,
    origin: performance.timeOrigin,
  };
  window.__stopProbe = probe;
  const progressText = () => {
    const bar = document.querySelector('[data-testid="stProgress"]');
    return bar ? bar.innerText.trim() : null;
  };
  const statusText = () => {
    for (const card of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = card.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === statusLabel) {
        const value = card.querySelector('[data-testid="stMetricValue"]');
        return value ? value.innerText.trim() : null;
      }
    }
    return null;
  };
  probe.longTasks = [];
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) probe.longTasks.push([task.startTime, task.duration]);
  }).observe({ type: "longtask" });
  let last = progressText();
  new MutationObserver(() => {
    const now = performance.now();
    const text = progressText();
    if (text !== null && text !== last) {
      last = text;
      probe.updates.push([now, text]);
    }
    if (probe.stopped === null && probe.click !== null && statusText() === stoppedText) {
      probe.stopped = now;
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (target && target.innerText.trim() === stopLabel && probe.click === null) {
      probe.click = performance.now();
      probe.clickText = progressText();
    }
    if (target && target.innerText.trim() === stopLabel) probe.clicks += 1;
  }, { capture: true });
  return performance.now();
}
"""


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time used so far by the app's server, its worker processes and this process's
    Chromium (what the page costs, whatever else the machine is doing), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")

    def used(pids: set[int]) -> float:
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / ticks

    browser = set()
    for pid in tree(os.getpid()):
        with contextlib.suppress(OSError):
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                browser.add(pid)
    return {
        "server": used({server_pid}),
        "workers": used(set(tree(server_pid)) - {server_pid}),
        "browser": used(browser),
    }


@contextlib.contextmanager
def burners(count: int):
    """COUNT CPU-bound processes (`while True: pass`) for the duration of the block."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", "while True: pass"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(timeout=10)


def steps_in(text: str | None) -> int:
    """The steps done that a progress text shows ("28,672 / 5,000,000 steps done ..."); -1 if
    none."""
    match = re.match(r"([\d,]+) /", text or "")
    return int(match[1].replace(",", "")) if match else -1


def live_gaps(probe: dict, watch_from: float) -> list[float]:
    """Seconds between consecutive refreshes of the live numbers, from WATCH_FROM to the click."""
    live = [at for at, _ in probe["updates"] if watch_from <= at <= probe["click"]]
    marks = [watch_from, *live, probe["click"]]
    return [(b - a) / 1000 for a, b in zip(marks, marks[1:], strict=False)]


def watch(page, server_pid: int, window_s: float) -> dict:
    """Watch a live run's numbers for WINDOW_S seconds, click Stop once, and wait for
    "stopped": the probe's record, when it started watching and the cores each part used."""
    from core.present.text import t
    from tests.e2e.conftest import button

    watch_from = page.evaluate(
        PROBE_SCRIPT, [t("train.status"), t("train.stop"), t("status.stopped")]
    )
    before, clock, rss = cpu_seconds(server_pid), time.monotonic(), rss_mb(server_pid)
    page.wait_for_timeout(window_s * 1000)
    after, seconds = cpu_seconds(server_pid), time.monotonic() - clock
    grown = rss_mb(server_pid) - rss
    button(page, t("train.stop")).click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and page.evaluate("window.__stopProbe.stopped") is None:
        page.wait_for_timeout(50)
    return {
        "probe": page.evaluate("window.__stopProbe"),
        "watch_from": watch_from,
        "cores": {part: (after[part] - before[part]) / seconds for part in before},
        "server_mb_grown": grown,
    }


def measure(browser, url: str, server_pid: int, args) -> dict:
    from tests.e2e.conftest import TRAFFIC_SCRIPT, VIEWPORT, open_page, wait_for_app
    from tests.e2e.test_train_e2e import start_long_run, wait_for_status

    context = browser.new_context(viewport=VIEWPORT)  # a fresh session per repeat
    context.add_init_script(TRAFFIC_SCRIPT)  # what wait_for_app reads
    page = context.new_page()
    try:
        open_page(page, url)
        start_long_run(page, url)
        with burners(args.burners):
            time.sleep(1.0)  # let the scheduler feel the burners
            seen = watch(page, server_pid, args.window)
        wait_for_status(page, "stopped", 10_000)
        wait_for_app(page, quiet_ms=1_000)
    finally:
        context.close()
    probe = seen["probe"]
    gaps = live_gaps(probe, seen["watch_from"])
    steps = [steps_in(text) for _, text in probe["updates"]]
    span = (probe["updates"][-1][0] - probe["updates"][0][0]) / 1000 if steps else 0
    return {
        "max_gap_s": max(gaps),
        "refreshes_per_s": len(gaps) / sum(gaps),
        **{f"cores_{k}": v for k, v in seen["cores"].items()},
        "server_mb_grown": seen["server_mb_grown"],
        "steps_per_s": (steps[-1] - steps[0]) / span if span else 0.0,
    }


COLUMNS = ("max_gap_s", "refreshes_per_s", "cores_server", "cores_workers", "cores_browser")
# Printed but not divided: the server's resident memory grown over the window (MB), which says
# whether skipping Streamlit's forced collection lets memory build up.
MEMORY = "server_mb_grown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="per setting")
    parser.add_argument("--window", type=float, default=10.0, help="seconds watched per repeat")
    parser.add_argument("--burners", type=int, default=2, help="CPU-bound processes beside it")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.serve import serve_app

    rows: dict[str, list[dict]] = {"on": [], "off": []}
    print(f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs; {args.burners} burners")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for setting in rows:
            workdir = Path(tmp) / setting
            workdir.mkdir()
            env = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true" if setting == "on" else "false"}
            with serve_app(workdir, env=env) as app:
                for i in range(args.repeats):
                    row = measure(browser, app.url, app.pid, args)
                    rows[setting].append(row)
                    shown = "  ".join(f"{k} {v:.2f}" for k, v in row.items())
                    print(f"postScriptGC {setting:>3}, repeat {i + 1}: {shown}", file=sys.stderr)
        browser.close()
    print(f"load average after {os.getloadavg()[0]:.2f}")
    print(
        f"{'postScriptGC':>12}  " + "  ".join(f"{c:>15}" for c in (*COLUMNS, "steps_per_s", MEMORY))
    )
    medians = {
        s: {c: statistics.median(r[c] for r in rs) for c in (*COLUMNS, "steps_per_s", MEMORY)}
        for s, rs in rows.items()
    }
    for setting, m in medians.items():
        values = "  ".join(f"{m[c]:>15.2f}" for c in COLUMNS)
        print(f"{setting:>12}  {values}  {m['steps_per_s']:>15,.0f}  {m[MEMORY]:>15.1f}")
    ratios = "  ".join(
        f"{medians['off'][c] / medians['on'][c]:>15.2f}" for c in (*COLUMNS, "steps_per_s")
    )
    print(f"{'off / on':>12}  {ratios}")
    print(f"(medians of {args.repeats} repeats per setting; max_gap_s is the longest of each)")


if __name__ == "__main__":
    main()
