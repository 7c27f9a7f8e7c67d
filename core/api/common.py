"""What every page that trains needs: the demo's caps applied to a run, the warm pool, and the
exports of stored runs (CSV, JSON, TensorBoard logs, a reproducing Keras script) that the Runs
and Compare pages offer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from core import demo
from core.errors import InputError
from core.present import report
from core.run import export
from core.run.runner import PoolBusy, shared_pool
from core.run.store import RunStore, StoreError
from core.train import userfiles
from core.train.engine import Prepared, TrainConfig, prepare
from core.train.userfiles import LOSSES, ModelSpec

__all__ = [
    "LOSSES",
    "Exports",
    "ModelSpec",
    "OwnFiles",
    "PoolBusy",
    "RunStore",
    "StoreError",
    "checked_run",
    "exports",
    "inspect_model",
    "model_layers",
    "needs_upload",
    "reproduction",
    "save_upload",
    "warm_pool",
    "with_own_files",
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


@dataclass(frozen=True)
class OwnFiles:
    """The user's own model and data (paths of saved uploads or given files) and the loss."""

    model_file: str | None = None
    data_file: str | None = None
    loss: str = "auto"


def with_own_files(config: TrainConfig, files: OwnFiles | None) -> TrainConfig:
    """CONFIG trained on the user's files where given (the page's dataset/model choice stays for
    what no file replaces)."""
    if files is None:
        return config
    return replace(
        config,
        model_file=files.model_file,
        data_file=files.data_file,
        loss=files.loss if files.model_file else "auto",
    )


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def save_upload(folder: str | Path, name: str, data: bytes) -> str:
    """Write an upload into FOLDER (the session's own) under its content hash: a file name
    cannot reach outside the folder, and a new file under an old name is a new path."""
    if not data:
        raise InputError("the file {name!r} is empty: choose the saved file itself.", name=name)
    digest = hashlib.sha256(data).hexdigest()[:16]
    safe = _SAFE_NAME.sub("_", Path(name).name).lstrip(".") or "upload"
    target = Path(folder) / digest / safe
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return str(target)


def inspect_model(path: str) -> ModelSpec:
    """The .keras file's checks and summary, without Keras (InputError says what to change)."""
    return userfiles.inspect_model(path)


def model_layers(spec: ModelSpec) -> pd.DataFrame:
    """The model's layers as a table: name, type, the shapes it takes and gives, its settings."""
    return pd.DataFrame(
        [(r.name, r.kind, r.input_shape, r.output_shape, r.detail) for r in spec.layers],
        columns=["layer", "type", "input_shape", "output_shape", "settings"],
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
