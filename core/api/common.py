"""What every page that trains needs: the demo's caps applied to a run, the warm pool, and the
exports of stored runs (CSV, JSON, TensorBoard logs, a reproducing Keras script) that the Runs
and Compare pages offer."""

from __future__ import annotations

from dataclasses import dataclass

from core import demo
from core.errors import InputError
from core.present import report
from core.run import export
from core.run.runner import PoolBusy, shared_pool
from core.run.store import RunStore, StoreError
from core.train.engine import Prepared, TrainConfig, prepare

__all__ = [
    "Exports",
    "PoolBusy",
    "RunStore",
    "StoreError",
    "checked_run",
    "exports",
    "needs_upload",
    "reproduction",
    "warm_pool",
]


def checked_run(config: TrainConfig, csv_bytes: bytes | None = None) -> Prepared:
    """`prepare` CONFIG (on CSV_BYTES for an upload) and apply the demo's caps: InputError says
    what to change. Nothing mutates the result, so a page may cache and share it."""
    prepared = prepare(config, csv_bytes)
    if demo.enabled():
        demo.check_train(prepared)
    return prepared


def warm_pool() -> None:
    """Start the shared worker pool's spare process (TensorFlow imported before a job)."""
    shared_pool().warm()


@dataclass(frozen=True)
class Exports:
    """Stored runs as files to download."""

    csv: str
    json: str
    tensorboard: bytes


def exports(store: RunStore, run_ids: list[str]) -> Exports:
    """RUN_IDS as one CSV, one JSON and a zip of TensorBoard event files."""
    return Exports(
        report.export_csv(store, run_ids),
        report.export_json(store, run_ids),
        export.tensorboard_zip(store, run_ids),
    )


def needs_upload(run: dict) -> bool:
    """Whether RUN trained on an uploaded CSV, whose bytes the store does not keep."""
    config = run["config"]
    return config.get("dataset") == "csv" and not config.get("data_file")


def reproduction(run: dict, csv_bytes: bytes | None = None) -> bytes:
    """A stored RUN as a zip: a Keras script and the arrays it trains on (the run's data, split,
    order and initial weights), for the steps the run took. A run on an uploaded CSV needs that
    file again (CSV_BYTES): InputError says so."""
    if needs_upload(run) and csv_bytes is None:
        raise InputError(
            "this run trained on an uploaded CSV, which the run store does not keep: upload the "
            "same file to export the script with its data."
        )
    name = f"batchlab_{run['run_id']}"
    config = TrainConfig.from_dict(run["config"])
    return export.reproduction_zip(config, csv_bytes, steps=run["steps_done"], name=name)
