"""Recording a run: its chunks, evaluations, epochs and outcome go to the run store as they
happen. Used by the worker processes, the sweep executors and the CLI.
"""

from __future__ import annotations

import os
import time

from core.run.store import RunStore
from core.study import sharpness
from core.train.engine import (
    Chunk,
    EpochRecord,
    Evaluation,
    Prepared,
    Reporter,
    Result,
    planned_steps,
)


class StoreReporter(Reporter):
    def __init__(self, store: RunStore, run_id: str) -> None:
        self.store, self.run_id = store, run_id

    def started(self, prepared: Prepared, device: str) -> None:
        self.store.update_run(self.run_id, status="running", device=device, pid=os.getpid())

    def compiling(self) -> None:
        # The page says "compiling" only while this is set and no step is stored, with the
        # seconds since (a run whose step was compiled already never sets it).
        self.store.update_run(self.run_id, summary={"compiling_since": time.time()})

    def chunk(self, chunk: Chunk, steps_done: int) -> None:
        count = len(chunk.losses)
        t_start = chunk.elapsed - chunk.seconds
        rows = [
            (
                chunk.first_step + i,
                chunk.epoch,
                chunk.batch_sizes[i],
                chunk.losses[i],
                chunk.accuracies[i] if chunk.accuracies else None,
                t_start + chunk.seconds * (i + 1) / count,
                chunk.class_counts[i] if chunk.class_counts else None,
            )
            for i in range(count)
        ]
        self.store.add_steps(self.run_id, rows, steps_done)

    def epoch(self, record: EpochRecord) -> None:
        self.store.add_epoch(
            self.run_id,
            record.epoch,
            record.train_loss,
            record.train_accuracy,
            record.val_loss,
            record.val_accuracy,
            record.seconds,
            record.steps,
        )

    def evaluation(self, record: Evaluation) -> None:
        self.store.add_eval(
            self.run_id, record.step, record.train_seconds, record.val_loss, record.val_accuracy
        )

    def finished(self, result: Result) -> None:
        t = result.timing
        self.store.update_run(
            self.run_id,
            status=result.status,
            steps_done=result.steps,
            first_epoch_seconds=t.get("first_epoch_seconds"),
            train_seconds=t.get("train_seconds"),
            steps_per_second=t.get("steps_per_second"),
            test_metrics=result.test_metrics,
            message=result.message,
            diverged_step=result.diverged_step,
            summary=result.timing,
        )
        measured = sharpness.finish(result)
        if measured is not None:
            self.store.add_sharpness(self.run_id, measured.to_dict())


def stored_config(prepared: Prepared) -> dict:
    """The run's settings as the store keeps them: the config, N as loaded, and the user's own
    files named in the runs table (the file and the start of its hash)."""
    cfg = prepared.config.to_dict()
    cfg["n"] = prepared.data.n
    if prepared.model_spec is not None:
        cfg["model"] = f"{prepared.model_spec.file_name} #{prepared.model_spec.short_hash}"
    if prepared.config.data_file:
        cfg["dataset"] = prepared.data.name
    return cfg


def create_run(
    store: RunStore, prepared: Prepared, sweep_id: str | None = None, label: str | None = None
) -> str:
    cfg = stored_config(prepared)
    return store.create_run(cfg, planned_steps(prepared), sweep_id=sweep_id, label=label)


def run_and_record(
    prepared: Prepared, store: RunStore, run_id: str, should_stop=lambda: False
) -> Result:
    """Train in this process, writing everything to the store. Failures are recorded too."""
    from core.train.engine import train

    try:
        probe = (
            sharpness.sharpness_probe(prepared.config.seed) if prepared.config.sharpness else None
        )
        return train(prepared, StoreReporter(store, run_id), should_stop, probe=probe)
    except BaseException as exc:
        status = "stopped" if isinstance(exc, KeyboardInterrupt) else "failed"
        store.update_run(run_id, status=status, message=f"{type(exc).__name__}: {exc}")
        raise
