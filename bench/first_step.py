"""Start → first step: how long a run waits before its first step is in the run store.

    python -m bench.first_step [--repeats 3] [--burners 0,2] [--config mlp|cnn|blobs]

Through the app's own path (core.run.runner.WorkerPool → a worker process → the SQLite run
store), per repeat and per load (idle, then `--burners` CPU-bound processes beside it):

- cold: a fresh pool, no spare: the worker starts, imports TensorFlow (or JAX), compiles, trains;
- warm: the spare has imported the backend but was never asked to compile this config;
- primed: the spare has also compiled this config (`WorkerPool.prime`, what the Train page does
  for the config it shows, a link's included) before Start;
- again: Start once more after a run of this config ended: the worker that trained it is the
  spare now, its compiled step kept (what a person pressing Start twice on the page gets).

The clock starts at `submit` and stops when the first step's row is in the store (polled every
5 ms, as the page would read it), so it is what a person waits for. Also printed: the run's own
`warmup_seconds` (compiling inside the run) and whether it reused a compiled step. The machine's
load average is printed at the top: other sessions share these cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.live_gaps import burners
from core.run.recording import create_run
from core.run.runner import WorkerPool
from core.run.store import RunStore
from core.train.engine import TrainConfig, prepare

CONFIGS = {
    "mlp": TrainConfig(dataset="synthetic", n=1000, batch_size=100, epochs=10),
    "blobs": TrainConfig(dataset="blobs", n=1000, batch_size=32, epochs=5),
    "cnn": TrainConfig(dataset="digits", model="cnn", batch_size=64, epochs=3),
}


def _first_step(pool: WorkerPool, store: RunStore, cfg: TrainConfig) -> dict:
    prepared = prepare(cfg)
    run_id = create_run(store, prepared)
    t0 = time.perf_counter()
    handle = pool.submit(prepared, str(store.path), run_id)
    first = None
    while time.perf_counter() - t0 < 300:
        run = store.get_run(run_id)
        if first is None and run and (run.get("steps_done") or 0) > 0:
            first = time.perf_counter() - t0
            handle.stop()  # the rest of the run is not what this measures
        if first is not None and not handle.alive():
            break
        time.sleep(0.005)
    handle.join(30)
    summary = (store.get_run(run_id) or {}).get("summary") or {}
    return {
        "first_step_s": first,
        "compile_s": summary.get("warmup_seconds"),
        "reused": summary.get("compile_reused"),
    }


def _wait(predicate, timeout: float = 120.0) -> None:
    t0 = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the spare worker did not get ready")
        time.sleep(0.02)


def measure(kind: str, cfg: TrainConfig, db: Path) -> dict:
    pool = WorkerPool()
    store = RunStore(db)
    try:
        if kind != "cold":
            pool.warm()
            _wait(pool.is_warm)
        if kind == "primed":
            prepared = prepare(cfg)
            pool.prime(cfg, prepared.data.x.nbytes + prepared.data.y.nbytes)
            _wait(lambda: pool.primed() is not None)
        if kind == "again":
            _first_step(pool, store, cfg)  # a first run, which compiles
            pool.warm()  # the page's rerun once the run ended: its worker becomes the spare
        return _first_step(pool, store, cfg)
    finally:
        pool.shutdown()
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--burners", default="0,2", help="loads to measure under, e.g. 0,2")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="mlp")
    parser.add_argument("--kinds", default="cold,warm,primed,again")
    args = parser.parse_args(argv)
    cfg = CONFIGS[args.config]
    loads = [int(v) for v in args.burners.split(",")]
    kinds = args.kinds.split(",")
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    print(
        f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs; backend {backend}; "
        f"config {args.config}: {cfg.dataset} {cfg.model} B={cfg.batch_size}",
        flush=True,
    )
    results: dict[tuple[int, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for load in loads:
            for rep in range(args.repeats):
                for kind in kinds:
                    if load:
                        with burners(load):
                            time.sleep(0.5)
                            row = measure(kind, cfg, Path(tmp) / f"{kind}{load}{rep}.db")
                    else:
                        row = measure(kind, cfg, Path(tmp) / f"{kind}{load}{rep}.db")
                    results.setdefault((load, kind), []).append(row)
                    print(f"  burners={load} {kind:6s} rep {rep}: {row}", file=sys.stderr)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print(f"{'burners':>7}  {'start':<7} {'first step (s), median [min-max]':<34} compile in run")
    for (load, kind), rows in results.items():
        firsts = [r["first_step_s"] for r in rows if r["first_step_s"] is not None]
        compiles = [r["compile_s"] or 0.0 for r in rows]
        span = f"{statistics.median(firsts):.2f} [{min(firsts):.2f}-{max(firsts):.2f}]"
        reused = sum(bool(r["reused"]) for r in rows)
        print(
            f"{load:>7}  {kind:<7} {span:<34} {statistics.median(compiles):.2f} s "
            f"(reused {reused}/{len(rows)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
