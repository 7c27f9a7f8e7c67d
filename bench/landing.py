"""How long a person waits for the landing page's first figures, in a real browser (issue 14, 7).

    python -m bench.landing [--visits 5] [--url URL] [--json PATH]

Starts `streamlit run app.py` on a free loopback port (as the browser tests do,
tests/e2e/serve.py) unless `--url` names a running server, opens "/" once so the server is warm
and routed, then opens it VISITS times more, each in a fresh Chromium context (empty cache, new
session), and says when, in ms since navigation start, each of these happened:

- `html`: the page's HTML had arrived (navigation timing `responseEnd`);
- `js`: the last script the page had fetched by the first figure had arrived (Streamlit's
  frontend is ~140 lazily loaded chunks);
- `ws`: the websocket opened; `msg`: its first message arrived (the script run has started);
- `figure`: the first `st.metric` value was in the DOM; `figures`: the last one (`shown`, how
  many there were); `chart`: the first Vega-Lite chart had drawn its marks.

Prints each visit, then the median and the spread (min–max) of each, with the load average
(`/proc/loadavg`) before and after: on a shared machine that says how far to trust a figure.
To set two servers side by side in the same conditions (say, before and after a change: serve
the other checkout with `python -m streamlit run app.py --server.port 8600` from its folder),
name each with `--url`: the visits alternate between them.

Measured 2026-11-29 on the shared 2-core machine (medians of 5 visits, (min–max), ms), commit
20d4128 (before) against c92c59c (after: TCP_NODELAY, charts sent last; c2f9993 only moves an
import), servers interleaved:

| load average | phase | before | after |
|---|---|---|---|
| 9.8 → 8.3 | last script by the figure | 2,129 (1,949–2,405) | 1,446 (1,347–1,848) |
| | websocket open | 778 (726–963) | 605 (462–659) |
| | first figure | 2,313 (2,165–2,866) | 2,189 (1,780–2,635) |
| | first chart | 2,683 (2,565–3,324) | 2,709 (2,130–3,287) |
| 9.4 → 11.4 (8 visits) | last script by the figure | 2,433 (1,879–3,282) | 2,236 (1,382–2,492) |
| | websocket open | 844 (762–1,762) | 561 (423–993) |
| | first figure | 3,096 (2,666–6,266) | 3,264 (2,573–4,250) |
| | last figure | 4,305 (3,020–6,266) | 3,483 (2,573–5,408) |
| | first chart | 3,767 (3,348–5,733) | 3,662 (2,903–4,749) |
| | first figure before first chart | 7 of 8 | 8 of 8 |
| | every figure before first chart | 3 of 8 | 5 of 8 |

On this machine the browser's own work (React revealing every element in one batch once all of
their chunks are in, ~4 MB of script to compile) is most of what is left; the 44 ms a file the
server held each keep-alive response is gone (curl, same file: 44 ms → 0.9 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TRAFFIC_SCRIPT, VIEWPORT, wait_for_app
from tests.e2e.serve import serve_app

# Installed before the app's own scripts: stamps, in page time (ms since navigation start), the
# websocket's opening and first message, the first and the last metric value to appear (and how
# many appeared), the first chart element and the first drawn chart.
FIRST_PAINT_SCRIPT = """
(() => {
  const seen = {
    ws: null, msg: null, figure: null, figures: null, shown: 0, chartElement: null, chart: null,
  };
  window.__batchlabFirst = seen;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { if (seen.ws === null) seen.ws = performance.now(); });
      this.addEventListener("message", () => {
        if (seen.msg === null) seen.msg = performance.now();
      });
    }
  };
  const look = () => {
    const shown = [...document.querySelectorAll('[data-testid="stMetricValue"]')]
      .filter((value) => value.textContent.trim()).length;
    if (shown > seen.shown) {
      seen.shown = shown;
      seen.figures = performance.now();
      if (seen.figure === null) seen.figure = seen.figures;
    }
    if (seen.chartElement === null
        && document.querySelector('[data-testid="stVegaLiteChart"]')) {
      seen.chartElement = performance.now();
    }
    if (seen.chart === null
        && document.querySelector('[data-testid="stVegaLiteChart"] svg.marks, '
                                  + '[data-testid="stVegaLiteChart"] canvas.marks')) {
      seen.chart = performance.now();
    }
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
})();
"""

# What the page had fetched, from resource timing: scripts up to the first figure.
RESOURCES_SCRIPT = """
(figure) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const scripts = performance.getEntriesByType("resource")
    .filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
  const before = scripts.filter((r) => r.responseEnd <= figure);
  return {
    html: nav ? nav.responseEnd : null,
    js: before.length ? Math.max(...before.map((r) => r.responseEnd)) : null,
    scripts: before.length,
    kib: Math.round(before.reduce((s, r) => s + (r.encodedBodySize || 0), 0) / 1024),
  };
}
"""

PHASES = ("html", "js", "ws", "msg", "figure", "figures", "chart")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def visit(browser, url: str, check=None) -> dict[str, float]:
    """Open URL in a fresh context (empty cache, new session); when each phase happened.
    CHECK(page), when given, runs on the settled page first (the e2e test checks its figure)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(TRAFFIC_SCRIPT)
    context.add_init_script(FIRST_PAINT_SCRIPT)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        if check is not None:
            check(page)
        times = page.evaluate("window.__batchlabFirst")
        return times | page.evaluate(RESOURCES_SCRIPT, times["figure"])
    finally:
        context.close()


@contextlib.contextmanager
def servers(urls: list[str]) -> Iterator[list[str]]:
    """URLS, or this checkout served on a free port when there are none."""
    if urls:
        yield urls
        return
    with (
        tempfile.TemporaryDirectory(prefix="bench-landing-") as workdir,
        serve_app(Path(workdir)) as served,
    ):
        yield [served.url]


def summary(visits: list[dict], key: str) -> str:
    values = [v[key] for v in visits if v.get(key) is not None]
    if not values:
        return f"{key:>8}  -"
    median = statistics.median(values)
    return f"{key:>8}  {median:7.0f}  ({min(values):.0f}–{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5, help="per server")
    parser.add_argument(
        "--url", action="append", default=[], help="a running server (repeat to compare)"
    )
    parser.add_argument("--json", type=Path, help="also write every visit here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with servers(args.url) as urls, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        for url in urls:
            visit(browser, url)  # warm: the server has imported and run the page once
        before = load_average()
        visits: dict[str, list[dict]] = {url: [] for url in urls}
        for i in range(args.visits):
            for url in urls:  # interleaved, so a burst of other load hits every server alike
                times = visit(browser, url)
                visits[url].append(times)
                shown = "  ".join(f"{k} {times[k] or 0:5.0f}" for k in PHASES)
                scripts = times["scripts"]
                print(f"{url} visit {i + 1}: {shown}  ({scripts} scripts)", file=sys.stderr)
        after = load_average()
        browser.close()
    print(f"{args.visits} fresh-context visits per server, warm servers; ms since navigation start")
    print(f"load average before {before}, after {after}; {os.cpu_count()} CPUs")
    for url, rows in visits.items():
        print(f"{url}\n{'phase':>8}  {'median':>7}  (min–max)")
        for key in PHASES:
            print(summary(rows, key))
        ahead = sum(v["chart"] is None or v["figures"] < v["chart"] for v in rows)
        print(f"every figure before the first chart in {ahead} of {len(rows)}")
    if args.json:
        args.json.write_text(json.dumps({"load": [before, after], "visits": visits}, indent=1))


if __name__ == "__main__":
    main()
