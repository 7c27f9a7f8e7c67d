"""Where a sweep's runs train: one after another in this process, or as Ray tasks.

`core.study.sweep` plans the runs and reads them back; this module executes them through the
same engine and run store as the Train page (`runner.run_and_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.run.recording import StoreReporter, create_run, run_and_record
from core.study import sharpness
from core.study.sweep import run_label
from core.train.engine import Reporter, TrainConfig, prepare, warm_up


def run_sweep(
    configs: Sequence[TrainConfig],
    store,
    sweep_id: str,
    csv_bytes: bytes | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    on_run: Callable[[int, str], None] = lambda i, run_id: None,
) -> list[str]:
    """Train every config in turn (same engine, same store). Returns the run ids started."""
    run_ids = []
    if configs:  # one shape for the whole sweep: compile it before any run's clock starts
        warm_up(configs[0], csv_bytes)
    for i, cfg in enumerate(configs):
        if should_stop():
            break
        prepared = prepare(cfg, csv_bytes)
        run_id = create_run(store, prepared, sweep_id=sweep_id, label=run_label(cfg))
        run_ids.append(run_id)
        on_run(i, run_id)
        try:
            run_and_record(prepared, store, run_id, should_stop)
        except Exception:  # recorded as `failed` with its error; the other runs go on
            continue
    return run_ids


# -- Ray ------------------------------------------------------------------------------------------
def _train_for_ray(config: dict, csv_bytes: bytes | None) -> dict:
    """One run, inside a Ray worker: train and hand everything back to the driver."""
    from dataclasses import asdict

    from core.train.engine import train

    class Collect(Reporter):
        def __init__(self) -> None:
            self.chunks: list[dict] = []
            self.epochs: list[dict] = []

        def chunk(self, chunk, steps_done) -> None:
            self.chunks.append(asdict(chunk))

        def epoch(self, record) -> None:
            self.epochs.append(asdict(record))

    collect = Collect()
    cfg = TrainConfig.from_dict(config)
    warm_up(cfg, csv_bytes)  # each Ray worker compiles for itself
    probe = sharpness.sharpness_probe(cfg.seed) if cfg.sharpness else None
    result = train(prepare(cfg, csv_bytes), collect, probe=probe)
    out = asdict(result)
    out.pop("epochs")
    return {"chunks": collect.chunks, "epochs": collect.epochs, "result": out}


def run_sweep_ray(
    configs: Sequence[TrainConfig],
    store,
    sweep_id: str,
    csv_bytes: bytes | None = None,
    address: str | None = None,
    validate: bool = True,
) -> list[str]:
    """Every run of the sweep as a Ray task; the driver writes results to the run store.

    A task that fails is stored as `failed` with its error; the other runs still finish.
    `address`: an existing cluster ("ray://host:10001" or "auto"); None starts a local Ray.
    """
    import os
    from pathlib import Path

    import ray

    from core.train.engine import Chunk, EpochRecord, Result

    root = str(Path(__file__).resolve().parents[2])  # the repository
    if address:
        runtime_env = {"working_dir": root, "excludes": [".git", "artifacts", "*.db*"]}
    else:  # a local Ray's workers see this checkout through PYTHONPATH
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        runtime_env = {"env_vars": {"PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3"}}
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=address,
            runtime_env=runtime_env,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(_train_for_ray)
        pending = {}
        run_ids = []
        for cfg in configs:
            if validate:
                run_id = create_run(
                    store, prepare(cfg, csv_bytes), sweep_id=sweep_id, label=run_label(cfg)
                )
            else:  # the task itself will find out whether the config works
                run_id = store.create_run(
                    {**cfg.to_dict()}, 0, sweep_id=sweep_id, label=run_label(cfg)
                )
            run_ids.append(run_id)
            pending[task.remote(cfg.to_dict(), csv_bytes)] = run_id
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            run_id = pending.pop(done[0])
            try:
                out = ray.get(done[0])
            except Exception as exc:  # RayTaskError wraps the worker's exception
                cause = getattr(exc, "cause", None) or exc
                store.update_run(
                    run_id, status="failed", message=f"{type(cause).__name__}: {cause}"
                )
                continue
            reporter = StoreReporter(store, run_id)
            result = Result(**out["result"])
            if isinstance(result.probe, dict):  # asdict() made the probe's measurement a dict
                result.probe = sharpness.Sharpness.from_dict(result.probe)
            store.update_run(run_id, status="running", device=result.device)
            steps = 0
            for c in out["chunks"]:
                steps += len(c["losses"])
                reporter.chunk(Chunk(**c), steps)
            for e in out["epochs"]:
                reporter.epoch(EpochRecord(**e))
            reporter.finished(result)
        return run_ids
    finally:
        if started_here:
            ray.shutdown()
