"""Soak: 30 short runs back to back, memory and threads before and after.

    python -m bench.soak [--runs 30] [--json PATH]

Part 1 trains in this process (as the CLI or a notebook does): RSS and thread count after a
warm-up run and after every run; the growth between run 1 and run N is the figure to watch.
Part 2 hands the same runs to worker processes through `WorkerPool` (as the Train page does) and
measures the server side: this process's RSS and threads, and that no worker is left behind.
Every run writes to a temporary run store.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def configs(runs: int):
    from core.train.engine import TrainConfig

    kinds = [
        dict(dataset="synthetic", n=1000, batch_size=32, epochs=2),
        dict(dataset="blobs", n=800, batch_size=16, epochs=2),
        dict(dataset="digits", model="cnn", batch_size=64, epochs=1, validation_split=0.2),
    ]
    return [TrainConfig(**kinds[i % len(kinds)], seed=i) for i in range(runs)]


def in_process(runs: int) -> dict:
    from core.run.recording import create_run, run_and_record
    from core.run.store import RunStore
    from core.train.engine import prepare

    store = RunStore()
    series = []
    for i, cfg in enumerate(configs(runs + 1)):
        p = prepare(cfg)
        run_and_record(p, store, create_run(store, p))
        series.append({"run": i, "rss_mb": rss_mb(), "threads": threading.active_count()})
    after_warmup, last = series[1], series[-1]
    return {
        "runs": runs,
        "rss_after_warmup_mb": after_warmup["rss_mb"],
        "rss_after_last_mb": last["rss_mb"],
        "rss_growth_mb": last["rss_mb"] - after_warmup["rss_mb"],
        "python_threads_first": after_warmup["threads"],
        "python_threads_last": last["threads"],
        "series": series,
    }


def with_workers(runs: int) -> dict:
    from core.run.recording import create_run
    from core.run.runner import WorkerPool
    from core.run.store import RunStore
    from core.train.engine import prepare

    store = RunStore()
    pool = WorkerPool()
    statuses = []
    t0 = time.perf_counter()
    warmup = 3  # one run of each kind: their libraries are imported here by then
    for i, cfg in enumerate(configs(runs + warmup)):
        p = prepare(cfg)
        handle = pool.submit(p, str(store.path), create_run(store, p))
        pool.warm()  # the next run's worker imports TensorFlow while this one trains
        handle.join(300)
        statuses.append(store.get_run(handle.run_id)["status"])
        if i == warmup - 1:
            start_rss, start_threads = rss_mb(), threading.active_count()
    pool.shutdown()
    time.sleep(1)
    children = [
        p
        for p in os.listdir("/proc")
        if p.isdigit()
        and Path(f"/proc/{p}/stat").exists()
        and Path(f"/proc/{p}/stat").read_text().split()[3] == str(os.getpid())
        # multiprocessing's resource tracker lives as long as this process does
        and b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    return {
        "runs": runs,
        "completed": statuses[warmup:].count("completed"),
        "wall_seconds": time.perf_counter() - t0,
        "server_rss_start_mb": start_rss,
        "server_rss_end_mb": rss_mb(),
        "server_rss_growth_mb": rss_mb() - start_rss,
        "server_threads_start": start_threads,
        "server_threads_end": threading.active_count(),
        "worker_processes_left": len(children),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BATCHLAB_DB"] = str(Path(tmp) / "soak.db")
        workers = with_workers(args.runs)  # first: this process has not imported TF yet
        inproc = in_process(args.runs)
    print(f"machine: {os.cpu_count()} cores")
    print(
        f"in-process: {args.runs} runs after a warm-up run: RSS "
        f"{inproc['rss_after_warmup_mb']:.0f} → {inproc['rss_after_last_mb']:.0f} MB "
        f"(growth {inproc['rss_growth_mb']:+.1f} MB); Python threads "
        f"{inproc['python_threads_first']} → {inproc['python_threads_last']}"
    )
    print(
        f"worker processes: {workers['completed']}/{workers['runs']} completed in "
        f"{workers['wall_seconds']:.0f} s; server RSS {workers['server_rss_start_mb']:.0f} → "
        f"{workers['server_rss_end_mb']:.0f} MB (growth {workers['server_rss_growth_mb']:+.1f}"
        f" MB); threads {workers['server_threads_start']} → {workers['server_threads_end']}; "
        f"worker processes left: {workers['worker_processes_left']}"
    )
    out = {"in_process": inproc, "worker_processes": workers}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
