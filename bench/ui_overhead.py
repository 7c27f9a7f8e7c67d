"""What live polling costs training: the same fused run, alone and while the run store is polled
the way the Train page polls it.

Who does what:
- `poll_once` is the page's original refresh, 4 times a second: a fresh `RunStore()`, `get_run`,
  `report.steps_frame` (every step so far), `report.progress`, and the step-loss chart built and
  turned into its Vega-Lite dict (`st.altair_chart` does `chart.to_dict()`). This is what the
  Train page did until it learned to read only new steps.
- `PagePoll` is the Train page as it is now (`app_pages/train.py`): its numbers fragment every
  0.25 s (`RunStore()`, `get_run`, `report.StepFeed.update`, which reads only new steps, and
  `report.progress`), and its charts fragment every 2 s (`get_run`, `report.epochs_frame`, the
  step-loss, epoch loss and accuracy, and class-composition charts, each `.to_dict()`).
- `Poller` runs a refresh every `POLL_SECONDS` in a thread of this process, or in a separate
  process (the app's own layout: the Streamlit server polls, a worker process trains).
- `one_run` trains through `core.run.runner.create_run` + `run_and_record` (so every chunk is
  written to the SQLite store, as in the app) with `BATCHLAB_DB` pointing at a temp file.
- `main` interleaves the conditions rep by rep and reports medians of the engine's steady
  steps/s (epochs after the first), the overhead against "alone", the achieved poll rate and
  the poll latency and CPU time.

Run from the repository root: `python -m bench.ui_overhead [--reps 5] [--epochs 20]`.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable

from bench.engine import OtherLoad, code_version
from core.present import (
    charts,  # no TensorFlow; imported before any poll
    report,  # no TensorFlow; imported before any poll
)
from core.run.store import RunStore
from core.train.devices import describe_device, import_keras
from core.train.engine import TrainConfig, prepare

POLL_SECONDS = 0.25  # app_pages/train.py: the numbers fragment, st.fragment(run_every=0.25)
# app_pages/train.py: numbers every POLL_SECONDS (0.25 s), charts every CHART_SECONDS (2 s)
CHART_EVERY = 8
CONDITIONS = ("alone", "thread", "process", "page_thread", "page_process")
LABELS = {
    "alone": "alone (no polling)",
    "thread": "full read + chart 4/s, thread",
    "process": "full read + chart 4/s, process",
    "page_thread": "Train page now, thread",
    "page_process": "Train page now, process",
}


def poll_once(run_id: str) -> int:
    """The original refresh: every step so far, progress, the step-loss chart. Returns steps."""
    store = RunStore()  # the page opens one per refresh
    try:
        run = store.get_run(run_id)
        steps = report.steps_frame(store, run_id)
        report.progress(run, steps)
        charts.step_loss_chart(steps).to_dict()
        return len(steps)
    finally:
        store.close()


class PagePoll:
    """The Train page as it is now: numbers on every call, the charts on every 4th."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.feed = report.StepFeed(run_id)
        self.calls = 0

    def __call__(self) -> int:
        store = RunStore()
        try:
            run = store.get_run(self.run_id)
            steps = self.feed.update(store)
            report.progress(run, steps)
            if self.calls % CHART_EVERY == 0:
                self._charts(store)
            self.calls += 1
            return len(steps)
        finally:
            store.close()

    def _charts(self, store: RunStore) -> None:
        store.get_run(self.run_id)
        steps = self.feed.frame
        epochs = report.epochs_frame(store, self.run_id)
        if steps.empty:
            return
        charts.step_loss_chart(steps).to_dict()
        if not epochs.empty:
            charts.epoch_chart(epochs, "loss").to_dict()
            if epochs["train_accuracy"].notna().any():
                charts.epoch_chart(epochs, "accuracy").to_dict()
        if steps["class_counts"].notna().any():
            last_epoch = int(steps["epoch"].max())
            charts.composition_chart(steps, last_epoch, None).to_dict()


def make_poll(mode: str, run_id: str) -> Callable[[], int]:
    return PagePoll(run_id) if mode.startswith("page") else functools.partial(poll_once, run_id)


def poll_loop(poll: Callable[[], int], stop, polls: list[tuple[float, float, float]]) -> None:
    """Refresh every POLL_SECONDS (back to back when a refresh takes longer) until `stop`.

    Appends (start time, latency, CPU time of this thread) in seconds for every refresh.
    """
    while not stop.is_set():
        t0, cpu0 = time.perf_counter(), time.thread_time()
        poll()
        latency = time.perf_counter() - t0
        polls.append((t0, latency, time.thread_time() - cpu0))
        stop.wait(max(0.0, POLL_SECONDS - latency))


def _poll_process(mode: str, run_id: str, db_path: str, ready, stop, queue) -> None:
    os.environ["BATCHLAB_DB"] = db_path  # module imports are paid before `ready`, as in an app
    ready.set()
    polls: list[tuple[float, float, float]] = []
    poll_loop(make_poll(mode, run_id), stop, polls)
    queue.put(polls)


class Poller:
    """Polls one run in a thread of this process, or in another process (`*process`)."""

    def __init__(self, mode: str, run_id: str, db_path: str) -> None:
        self.in_process = mode.endswith("process")
        self.polls: list[tuple[float, float, float]] = []  # (start, latency, CPU) seconds
        if self.in_process:
            ctx = mp.get_context("spawn")
            self._ready, self._stop, self._queue = ctx.Event(), ctx.Event(), ctx.Queue()
            self._worker = ctx.Process(
                target=_poll_process,
                args=(mode, run_id, db_path, self._ready, self._stop, self._queue),
                daemon=True,
            )
        else:
            self._stop = threading.Event()
            self._worker = threading.Thread(
                target=poll_loop,
                args=(make_poll(mode, run_id), self._stop, self.polls),
                daemon=True,
            )

    def start(self) -> None:
        self._worker.start()
        if self.in_process:
            self._ready.wait(60)

    def stop(self) -> None:
        self._stop.set()
        if self.in_process:
            self.polls = self._queue.get(timeout=60)
        self._worker.join(10)

    @property
    def rate(self) -> float:
        """Refreshes per second: intervals between the first and the last refresh's start."""
        if len(self.polls) < 2:
            return 0.0
        return (len(self.polls) - 1) / (self.polls[-1][0] - self.polls[0][0])


def one_run(cfg: TrainConfig, mode: str, db_path: str) -> dict:
    """Train once through the runner (store writes included), polled as `mode` says."""
    from core.run.recording import create_run, run_and_record

    import_keras().backend.clear_session()
    store = RunStore()
    prepared = prepare(cfg)
    run_id = create_run(store, prepared)
    poller = None if mode == "alone" else Poller(mode, run_id, db_path)
    if poller:
        poller.start()
    t0 = time.perf_counter()
    try:
        with OtherLoad() as load:
            result = run_and_record(prepared, store, run_id)
    finally:
        run_seconds = time.perf_counter() - t0
        if poller:
            poller.stop()
        store.close()
    out = {
        "mode": mode,
        "steady_steps_per_second": result.timing["steps_per_second"],
        "run_seconds": run_seconds,
        "first_epoch_seconds": result.timing["first_epoch_seconds"],
        "steps": result.steps,
        "other_load_cores": load.cores,
    }
    if poller:
        lat = [latency for _, latency, _ in poller.polls]
        cpu = sum(c for _, _, c in poller.polls)
        poller_cores = cpu / run_seconds
        if poller.in_process and load.cores is not None:  # the poller is not someone else
            out["other_load_cores"] = max(0.0, load.cores - poller_cores)
        out |= {
            "poller_cpu_cores": poller_cores,
            "mean_poll_cpu_ms": 1000 * cpu / len(lat) if lat else None,
            "polls": len(lat),
            "polls_per_second": poller.rate,
            "mean_poll_ms": 1000 * statistics.fmean(lat) if lat else None,
            "p95_poll_ms": 1000 * _quantile(lat, 0.95) if lat else None,
            "max_poll_ms": 1000 * max(lat) if lat else None,
        }
    return out


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(runs: dict[str, list[dict]]) -> dict:
    alone = statistics.median(r["steady_steps_per_second"] for r in runs["alone"])
    out = {}
    for mode, rs in runs.items():
        sps = statistics.median(r["steady_steps_per_second"] for r in rs)
        loads = [r["other_load_cores"] for r in rs if r["other_load_cores"] is not None]
        row = {
            "steady_steps_per_second": sps,
            "reps": [r["steady_steps_per_second"] for r in rs],
            "overhead_percent": 100 * (alone - sps) / alone,
            "run_seconds": statistics.median(r["run_seconds"] for r in rs),
            "other_load_cores": statistics.median(loads) if loads else None,
        }
        if mode != "alone":
            row |= {
                key: statistics.median(r[key] for r in rs)
                for key in (
                    "polls_per_second",
                    "mean_poll_ms",
                    "p95_poll_ms",
                    "mean_poll_cpu_ms",
                    "poller_cpu_cores",
                )
            }
            row |= {
                "max_poll_ms": max(r["max_poll_ms"] for r in rs),
                "polls": sum(r["polls"] for r in rs),
            }
        out[mode] = row
    return out


def format_table(summary: dict) -> str:
    head = (
        f"{'condition':31}{'steps/s':>9}{'overhead':>9}{'polls/s':>8}{'poll ms':>9}"
        f"{'p95 ms':>8}{'CPU ms':>8}{'poll cores':>11}{'others':>8}   reps (steps/s)"
    )
    lines = [head, "-" * (len(head) + 28)]
    for mode, row in summary.items():
        line = f"{LABELS[mode]:31}{row['steady_steps_per_second']:>9,.0f}"
        if mode == "alone":
            line += f"{'—':>9}" + " " * 44
        else:
            line += (
                f"{row['overhead_percent']:>8.1f}%{row['polls_per_second']:>8.2f}"
                f"{row['mean_poll_ms']:>9.1f}{row['p95_poll_ms']:>8.1f}"
                f"{row['mean_poll_cpu_ms']:>8.1f}{row['poller_cpu_cores']:>11.2f}"
            )
        load = row["other_load_cores"]
        line += f"{'?' if load is None else f'{load:.2f}':>8}"
        line += "   " + ", ".join(f"{v:,.0f}" for v in row["reps"])
        lines.append(line)
    lines.append(
        "steps/s: median steady steps/s (epochs after the first); poll ms: mean refresh latency; "
        "CPU ms: mean CPU time\nof one refresh; poll cores: the poller's CPU use during the run; "
        "others: cores busy with other processes."
    )
    if any(m.startswith("page") for m in summary):
        lines.append(
            "Train page now: a poll is the numbers refresh; every 4th also rebuilds the charts."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui_overhead", description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--conditions",
        default=",".join(CONDITIONS),
        help=f"comma-separated, from {', '.join(CONDITIONS)} ('alone' is always run)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is first imported
    modes = ["alone", *[m for m in args.conditions.split(",") if m in CONDITIONS and m != "alone"]]
    cfg = TrainConfig(dataset="synthetic", n=args.n, batch_size=args.batch_size, epochs=args.epochs)
    import_keras()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    code = code_version()
    print(
        f"Machine: {os.cpu_count()} CPUs, TensorFlow {tf.__version__}, "
        f"Keras {import_keras().__version__}, device {describe_device()}, "
        f"load average {os.getloadavg()[0]:.2f}\n"
        f"Code: commit {code['commit']}"
        f"{' + uncommitted changes in core/' if code['core_dirty'] else ''}\n"
        f"Run: fused engine, synthetic N={cfg.n} B={cfg.batch_size} E={cfg.epochs} "
        f"(steady = epochs 2..{cfg.epochs}), through create_run + run_and_record; "
        f"{args.reps} reps interleaved, medians.\n",
        flush=True,
    )
    started = time.perf_counter()
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "bench.db")
        os.environ["BATCHLAB_DB"] = db_path
        one_run(cfg, "alone", db_path)  # warm-up: first-time imports and allocations
        for rep in range(args.reps):
            for mode in modes:
                r = one_run(cfg, mode, db_path)
                runs[mode].append(r)
                extra = (
                    f", {r['polls']} polls, {r['polls_per_second']:.2f}/s, "
                    f"mean {r['mean_poll_ms']:.1f} ms"
                    if mode != "alone"
                    else ""
                )
                load = r["other_load_cores"]
                extra += f", others busy {'?' if load is None else f'{load:.1f}'} cores"
                print(
                    f"  rep {rep + 1}/{args.reps}  {LABELS[mode]:31} "
                    f"{r['steady_steps_per_second']:8.0f} steps/s{extra}",
                    file=sys.stderr,
                    flush=True,
                )
    summary = summarise(runs)
    print(format_table(summary))
    wall = time.perf_counter() - started
    print(f"\nTotal {wall:.0f} s.")
    doc = {
        "config": cfg.to_dict(),
        "poll_seconds": POLL_SECONDS,
        "page_chart_every_polls": CHART_EVERY,
        "reps": args.reps,
        "machine": {
            "cpu_count": os.cpu_count(),
            "device": describe_device(),
            "load_average_at_end": list(os.getloadavg()),
        },
        "code": code,
        "summary": summary,
        "runs": runs,
        "wall_seconds": wall,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
