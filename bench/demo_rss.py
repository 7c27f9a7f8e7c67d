"""Peak memory of the served app in demo mode while a browser trains a model.

    python -m bench.demo_rss [--epochs 20] [--batch-size 32]

Starts `streamlit run app.py` with BATCHLAB_DEMO=1 on a free loopback port (as the browser
tests do, tests/e2e/serve.py), opens the Train
page in headless Chromium (Debian's /usr/bin/chromium), starts a training of the tutorial MLP
and samples, every 0.1 s, the resident memory of the server and every process under it (the
warm worker, the training worker). Prints the peak of the sum, which is what a 1 GB host must
hold, and the peaks per process.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from tests.e2e.serve import serve_app

ROOT = Path(__file__).resolve().parents[1]


def _proc_mb(path: str, field: str) -> float:
    """The `FIELD: ... kB` line of a /proc file, in MB; 0 once the process has gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """Resident set size: every page the process maps, shared ones counted in full."""
    return _proc_mb(f"/proc/{pid}/status", "VmRSS")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (TensorFlow's libraries) split between processes."""
    return _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss")


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    peaks = {"total": 0.0, "pss": 0.0}
    per_process: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pids = tree(server.pid)
            values = {p: rss_mb(p) for p in pids}
            peaks["total"] = max(peaks["total"], sum(values.values()))
            peaks["pss"] = max(peaks["pss"], sum(pss_mb(p) for p in pids))
            for p, v in values.items():
                per_process[p] = max(per_process.get(p, 0.0), v)
            time.sleep(0.1)

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_app(Path(tmp), env={"BATCHLAB_DEMO": "1"}) as server,
    ):
        url = server.url
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        idle = None
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/train")
            page.get_by_role("button", name="Start training").wait_for(timeout=60_000)
            time.sleep(8)  # the warm worker imports TensorFlow
            idle = sum(rss_mb(p) for p in tree(server.pid))
            for label, value in (("Batch size B", args.batch_size), ("Epochs E", args.epochs)):
                box = page.get_by_label(label, exact=True)
                box.fill(str(value))
                box.press("Enter")
                time.sleep(1.5)
            t0 = time.time()
            page.get_by_role("button", name="Start training").click()
            status = page.locator('[data-testid="stMetric"]').filter(has_text="Status")
            status.get_by_text("completed").wait_for(timeout=300_000)
            seconds = time.time() - t0
            browser.close()
        stop.set()
        sampler.join()
    print(
        f"demo mode, tutorial MLP (synthetic N=1000), B={args.batch_size}, E={args.epochs}: "
        f"trained in {seconds:.1f} s from the click"
    )
    print(f"server + workers idle (warm worker ready): {idle:.0f} MB")
    print(
        f"peak RSS, server + all workers: {peaks['total']:.0f} MB (sum of RSS, shared "
        "library pages counted once per process)"
    )
    print(f"peak PSS, server + all workers: {peaks['pss']:.0f} MB (shared pages split)")
    for pid, mb in sorted(per_process.items(), key=lambda kv: -kv[1])[:4]:
        print(f"  pid {pid}: peak {mb:.0f} MB")


if __name__ == "__main__":
    main()
