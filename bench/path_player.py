"""How fast the Path page's player is in the browser, idle and beside two CPU-bound processes.

    python -m bench.path_player [--steps 20] [--no-load]

Starts `streamlit run app.py` on a free loopback port (tests/e2e/serve.py, as the browser tests
do) and opens /path in headless Chromium (Debian's /usr/bin/chromium). Measures:

- first path: seconds from `goto(/path)` to the player's readout drawn, on the fresh server
  (TensorFlow's import and the Keras training included) and again after a reload (cached);
- a step: ms from the slider's `input` event (what a key press or the Step button sends) to
  the readout showing the new step, timed inside the page up to the next painted frame;
- Play: ms between successive frames while Play runs (the timer asks for one every 250 ms);
- how many messages the page sent to the Streamlit server while stepping (0: no rerun).

Without hogs ("no hogs": other users of the machine still count), then with two
`python -c "while True: pass"` processes beside it (the machine has two cores). Prints the
load average (1 min) next to each row; others share the machine, so read the rows with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.serve import serve_app

READOUT = "document.querySelector('.readout_marks text')?.textContent ?? ''"
STEP_JS = """async (k) => {
  const input = document.querySelector('input[type="range"][name="frame"]');
  const began = performance.now();
  input.value = String(k);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  while (!(READOUT).startsWith(`Step ${k} of`)) {
    await new Promise((r) => requestAnimationFrame(r));
  }
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - began;
}""".replace("READOUT", READOUT)
PLAY_JS = """async (frames) => {
  const times = [];
  let last = null;
  const began = performance.now();
  document.querySelector('.path-player [data-act="reset"]').click();
  document.querySelector('.path-player [data-act="play"]').click();
  while (times.length < frames && performance.now() - began < 60000) {
    const now = READOUT;
    if (now !== last) { times.push(performance.now()); last = now; }
    await new Promise((r) => requestAnimationFrame(r));
  }
  document.querySelector('.path-player [data-act="play"]').click();
  return times.slice(1).map((t, i) => t - times[i]);
}""".replace("READOUT", READOUT)
COUNT_SENT = """() => {
  window.__sent = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { window.__sent += 1; return send.call(this, data); };
}"""


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def measure(page, url: str, steps: int, label: str) -> None:
    began = time.perf_counter()
    page.goto(f"{url}/path?follow=1")
    page.wait_for_function(f"() => ({READOUT}).startsWith('Step 0 of')", timeout=180_000)
    first = time.perf_counter() - began
    print(f"[{label}] first path drawn: {first:.1f} s (load {load()})")
    page.wait_for_timeout(1000)
    page.evaluate(COUNT_SENT)
    ms = [page.evaluate(STEP_JS, k) for k in range(1, steps + 1)]
    sent = page.evaluate("() => window.__sent")
    print(
        f"[{label}] a step, {steps} steps: median {statistics.median(ms):.0f} ms, "
        f"max {max(ms):.0f} ms; messages to the server: {sent} (load {load()})"
    )
    gaps = page.evaluate(PLAY_JS, steps)
    print(
        f"[{label}] Play, {len(gaps)} frame gaps: median {statistics.median(gaps):.0f} ms, "
        f"max {max(gaps):.0f} ms (timer 250 ms) (load {load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--no-load", action="store_true", help="skip the loaded run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_app(Path(tmp)) as served,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(served.url)  # "/" once: st.navigation routes /path from then on
        page.wait_for_timeout(3000)
        measure(page, served.url, args.steps, "no hogs, fresh server")
        measure(page, served.url, args.steps, "no hogs, cached")
        if not args.no_load:
            hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
            try:
                time.sleep(5)
                measure(page, served.url, args.steps, "2 CPU hogs, cached")
            finally:
                for hog in hogs:
                    hog.kill()
                    hog.wait()
        browser.close()


if __name__ == "__main__":
    main()
