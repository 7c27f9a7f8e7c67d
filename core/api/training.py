"""The Train page's calls: which inputs go together, check a run, start (or queue) it, stop it,
and what its live view shows.

The page keeps the run's handle and its queued flag in its session and draws the records that
come back; the rules (which models fit a dataset, when a run counts as running, which line a
status gets) live here.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core import demo
from core.api.common import (
    OwnFiles,
    PoolBusy,
    RunStore,
    StoreError,
    checked_run,
    warm_pool,
    with_own_files,
)
from core.present import report
from core.present.text import message, t, unapplied_clause
from core.run.recording import create_run, stored_config
from core.run.runner import RunHandle, shared_pool
from core.run.store import ACTIVE
from core.schedule.plan import SHUFFLE_MODES
from core.train.datasets import (
    BLOBS_CLASSES,
    BLOBS_FEATURES,
    CSV_MAX_BYTES,
    DATASETS,
    MAX_CLASSES,
    MAX_FEATURES,
    TASKS,
    csv_columns,
)
from core.train.engine import ENGINES, MAX_EPOCHS, Prepared, TrainConfig
from core.train.models import MODELS, OPTIMIZERS

# what the page offers, catches or opens, from here
__all__ = [
    "BLOBS_CLASSES",
    "BLOBS_FEATURES",
    "CSV_MAX_BYTES",
    "DATASETS",
    "ENGINES",
    "MAX_CLASSES",
    "MAX_EPOCHS",
    "MAX_FEATURES",
    "OPTIMIZERS",
    "SHUFFLE_MODES",
    "TASKS",
    "OwnFiles",
    "PoolBusy",
    "with_own_files",
    "RunStore",
    "StoreError",
    "checked_run",
    "warm_pool",
]

MODELS_FOR = {"linear": ("linear",)}  # regression; the other named datasets classify
# Picking the linear dataset: a tiny regression that SGD fits, small enough to follow by hand.
LINEAR_INPUTS = {"model": "linear", "n": 10, "batch_size": 3, "optimizer": "sgd", "lr": 0.001}
WHOLE_DATASETS = ("digits", "mnist", "csv")  # n = 0: all of it


def models_for(dataset: str) -> tuple[str, ...]:
    """The models that can train on DATASET (a CSV: any; a link may name a dataset, no model)."""
    return MODELS if dataset == "csv" else MODELS_FOR.get(dataset, ("mlp", "cnn"))


def inputs_for_dataset(dataset: str, model: str) -> dict[str, object]:
    """The inputs (by TrainConfig field) that picking DATASET changes, given the current MODEL."""
    changes: dict[str, object] = {}
    if dataset == "linear":
        changes.update(LINEAR_INPUTS)
    elif model == "linear":
        changes["model"] = "mlp"
    if dataset in WHOLE_DATASETS:
        changes["n"] = 0
    return changes


def csv_label_columns(csv_bytes: bytes) -> list[str]:
    """The columns of an uploaded CSV (the label is picked among them), within the demo's cap."""
    if demo.enabled():
        demo.check_upload(len(csv_bytes))
    return csv_columns(csv_bytes)


def epochs_over_cap(epochs: object) -> bool:
    """Whether EPOCHS is more than a run may have (the page names the cap, nothing trains)."""
    return isinstance(epochs, int) and epochs > MAX_EPOCHS


def run_config(inputs: Mapping[str, object], label: str | None) -> TrainConfig:
    """The run the page's inputs (by field name) describe; LABEL: the CSV's label column."""
    return TrainConfig(
        dataset=inputs["dataset"],
        model=inputs["model"],
        n=inputs["n"] or None,
        batch_size=inputs["batch_size"],
        epochs=inputs["epochs"],
        validation_split=inputs["validation_split"],
        shuffle=inputs["shuffle"],
        drop_remainder=inputs["drop_remainder"],
        optimizer=inputs["optimizer"],
        lr=inputs["lr"],
        seed=inputs["seed"],
        engine=inputs["engine"],
        replicas=int(inputs["replicas"]),
        accumulation=int(inputs["accumulation"]),
        label=label,
        task=inputs["task"],
        features=int(inputs["features"]),
        classes=int(inputs["classes"]),
        noise=float(inputs["noise"]),
        standardize=bool(inputs.get("standardize", True)),
        batch_size_schedule=str(inputs.get("batch_size_schedule") or ""),
    )


@dataclass(frozen=True)
class RunPlan:
    """A checked run and what the page says about it before Start."""

    prepared: Prepared
    lines: tuple[tuple[str, str], ...]  # (Streamlit call, text): iterations, updates, notes
    split: tuple[int, int, int]  # training, validation and test samples


def plan_run(prepared: Prepared, lang: str) -> RunPlan:
    """What the page says of a checked run (`checked_run`) before Start: iterations, updates,
    notes on the data, and the split."""
    s, data = prepared.schedule, prepared.data
    if s.ramp:  # each phase's iterations per epoch, and their sum
        phases = "; ".join(
            t(
                "ramp.train.phase",
                lang,
                first=p.first_epoch,
                last=p.end_epoch - 1,
                batch_size=p.batch_size,
                spe=p.steps_per_epoch,
            )
            for p in s.phases
        )
        total = t(
            "ramp.train.total", lang, total=f"{s.total_steps:,}", count=len(s.batch_size_values())
        )
        lines = [("markdown", f"{phases}. {total}" if lang != "zh" else f"{phases}。{total}")]
    else:
        lines = [("markdown", t("train.iterations", lang, **_iterations(s)))]
    if s.accumulation > 1:
        fields = {
            "updates": f"{s.optimizer_updates:,}",
            "k": s.accumulation,
            "effective": f"{s.effective_batch_size:,}",
            "unapplied": unapplied_clause(s.unapplied_batches, lang),
        }
        lines.append(("markdown", t("train.updates", lang, **fields)))
    if s.batch_size > s.train_samples:
        fields = {"batch_size": f"{s.batch_size:,}", "train": f"{s.train_samples:,}"}
        lines.append(("info", t("schedule.bigger_than_train", lang, **fields)))
    if data.notes:  # what loading did to the data, one line each: classes, columns, rows
        lines.append(("info", "\n".join(f"- {message(n, lang)}" for n in data.notes)))
    split = (s.train_samples, s.validation_samples, len(data.x_test))
    return RunPlan(prepared, tuple(lines), split)


def _iterations(s) -> dict[str, object]:
    return {  # thousands separated, as every count the app shows
        "spe": f"{s.steps_per_epoch:,}",
        "epochs": f"{s.epochs:,}",
        "total": f"{s.total_steps:,}",
        "train": f"{s.train_samples:,}",
        "batch_size": f"{s.batch_size:,}",
    }


def prime(prepared: Prepared) -> None:
    """Have the spare worker compile this model now, so Start skips the trace."""
    data = prepared.data
    shared_pool().prime(prepared.config, data.x.nbytes + data.y.nbytes)


def start_wait(prepared: Prepared, lang: str) -> tuple[str, bool]:
    """What Start on PREPARED would wait for now, in words, and whether that may still change
    (the page looks again while it does): the spare worker's state for this config."""
    state = shared_pool().readiness(prepared.config)
    return t(f"train.wait.{state}", lang), state in ("loading", "compiling")


def has_slot() -> bool:
    """Whether a run may start now (demo mode caps the runs training at once)."""
    return shared_pool().has_slot()


def busy() -> int:
    """How many runs train now, on every session."""
    return shared_pool().busy()


@dataclass(frozen=True)
class Started:
    """A started run, or none: every training slot is taken and the run waits in the queue."""

    handle: RunHandle | None
    run_id: str | None

    @property
    def queued(self) -> bool:
        return self.handle is None


def start_run(store: RunStore, prepared: Prepared, csv_bytes: bytes | None) -> Started:
    """Record PREPARED in STORE and train it in a worker; queued when no slot is free.

    Raises StoreError when the store cannot take the run.
    """
    pool = shared_pool()
    if not pool.has_slot():
        return Started(None, None)
    run_id = create_run(store, prepared)
    try:
        handle = pool.submit(prepared, str(store.path), run_id, csv_bytes)
    except PoolBusy:  # another session took the slot in between
        store.delete_run(run_id)
        return Started(None, None)
    return Started(handle, run_id)


def is_running(store: RunStore, handle: RunHandle | None) -> bool:
    """Whether HANDLE's run is going: once the worker has written its final status the page stops
    polling, without waiting for the process to exit (a few more full reruns, each redrawing
    every chart, used to follow every run's end)."""
    if handle is None or not handle.alive():
        return False
    run = store.get_run(handle.run_id)
    return run is not None and run["status"] in ACTIVE


def reattach(store: RunStore, run_id: str) -> tuple[str | None, RunHandle | None]:
    """The run a session's link names (`?run=`, after a reload or in a second tab): (RUN_ID, its
    handle while it trains on this server, else None), or (None, None) when the store has no
    such run."""
    if store.get_run(run_id) is None:
        return None, None
    return run_id, shared_pool().running(run_id)


def stop_run(store: RunStore, handle: RunHandle | None) -> str | None:
    """Ask HANDLE's worker to stop, if its run is going. Returns the run stopped, or None."""
    if not is_running(store, handle):
        return None
    handle.stop()
    return handle.run_id


def abandon(handle: RunHandle | None) -> None:
    """Stop HANDLE's worker whatever the store says: its run was deleted while it trained
    (from the Runs page, in another tab), and nobody would see what it writes."""
    if handle is not None and handle.alive():
        handle.stop()


def pool_caption(show_loading: bool, lang: str) -> str | None:
    """The line beside Start: TensorFlow still loading (when SHOW_LOADING), or what Keras sees."""
    pool = shared_pool()
    if not pool.is_warm() and show_loading:
        return t("train.loading_tf", lang)
    if not pool.devices:
        return None
    seen = pool.devices["devices"]
    return t(
        "train.devices",
        lang,
        devices=" · ".join(report.device_text(d, lang) for d in seen),
        gpus=sum(d["kind"] != "CPU" for d in seen),
        trains_on=report.device_label(pool.devices["trains_on"]),
    )


def step_feed(feed: report.StepFeed | None, run_id: str) -> report.StepFeed:
    """FEED if it follows RUN_ID, else a new one (it reads only new steps on each update)."""
    return feed if feed is not None and feed.run_id == run_id else report.StepFeed(run_id)


def status_notice(status: str, active: bool, stop_requested: bool) -> tuple[str, str] | None:
    """The line a run's STATUS gets: (Streamlit call, text key), None for a plain message."""
    if status == "diverged":
        return "warning", "train.diverged"
    if status == "failed":
        return "error", "train.failed"
    if status == "stopped":
        return "info", "train.stopped"
    if active and stop_requested:
        return "caption", "train.stopping"
    return None


@dataclass(frozen=True)
class LiveView:
    """What the Train page's live numbers show for one run."""

    status: str
    active: bool  # still training, and this session's worker is alive
    fraction: float
    progress: str
    metrics: tuple[tuple[str, str, str | None], ...]  # (label, value, help), left to right
    lines: tuple[tuple[str, str], ...]  # (Streamlit call, text), top to bottom


def trained_otherwise(run: dict, prepared: Prepared) -> bool:
    """Whether RUN was trained with other settings than PREPARED (the inputs on the page now),
    compared as the store keeps them (JSON)."""
    now = json.loads(json.dumps(stored_config(prepared)))
    then = run.get("config") or {}
    return any(then.get(key) != value for key, value in now.items())


def live_view(
    store: RunStore,
    feed: report.StepFeed,
    handle: RunHandle | None,
    stop_requested: bool,
    lang: str,
    planned: Prepared | None = None,
) -> LiveView | None:
    """FEED's run as the page shows it, its new steps read; None once the run was deleted.
    PLANNED: the run the inputs now describe; a line says so when FEED's run was another."""
    run = store.get_run(feed.run_id)
    if run is None:
        return None
    prog = report.progress(run, feed.update(store))
    status = run["status"]
    active = status in ACTIVE and handle is not None and handle.alive()
    text = t(
        "train.progress",
        lang,
        done=f"{prog.steps_done:,}",
        total=f"{prog.total_steps:,}",
        epoch=prog.epoch,
        last=int(run["epochs"]) - 1,
    )
    eta = "—" if prog.eta_seconds is None or not active else f"{math.ceil(prog.eta_seconds)} s"
    device = run.get("device") or "…"
    steps_rate, samples_rate = prog.steps_per_second, prog.samples_per_second
    timing = run.get("summary") or {}
    if not active and timing.get("steps_per_second"):  # done: the whole run, as its timing line
        steps_rate = timing["steps_per_second"]
        samples_rate = timing.get("samples_per_second") or samples_rate
    rate_help = t("train.rate.help", lang)
    metrics = (
        (t("train.status", lang), t(f"status.{status}", lang), None),
        (t("train.steps_per_second", lang), f"{steps_rate:,.0f}", rate_help),
        (t("train.samples_per_second", lang), f"{samples_rate:,.0f}", rate_help),
        (t("train.eta", lang), eta, None),
        (t("train.device", lang), report.device_label(device), device),
    )
    lines = _live_lines(run, prog, active, stop_requested, lang)
    if planned is not None and not active and trained_otherwise(run, planned):
        earlier = ("warning", t("train.earlier", lang, run=report.run_choice(run)))
        lines = (earlier, *lines)  # the inputs changed since: these figures are not theirs
    return LiveView(status, active, prog.fraction, text, metrics, lines)


def _live_lines(run: dict, prog, active: bool, stop_requested: bool, lang: str) -> tuple:
    lines = []
    replicas = int(run["config"].get("replicas") or 1)
    if replicas > 1:
        per = run["batch_size"] // replicas
        rate = f"{prog.samples_per_second / replicas:,.0f}"
        lines.append(
            ("caption", t("train.per_replica", lang, replicas=replicas, per=per, rate=rate))
        )
    since = (run.get("summary") or {}).get("compiling_since")
    if run["status"] == "starting":
        lines.append(("caption", t("train.loading_tf", lang)))
    elif run["status"] == "running" and prog.steps_done == 0 and active and since:
        # only while it really compiles (the engine says so), with the seconds it has taken
        seconds = f"{max(0.0, time.time() - since):.0f}"
        lines.append(("caption", t("train.compiling", lang, seconds=seconds)))
    notice = status_notice(run["status"], active, stop_requested)
    if notice is not None:
        kind, key = notice
        if key == "train.stopped":
            lines.append((kind, t(key, lang, steps=f"{prog.steps_done:,}")))
        elif key == "train.stopping":
            lines.append((kind, t(key, lang)))
        else:
            lines.append((kind, t(key, lang, message=report.run_message(run, lang))))
    elif run.get("message"):
        lines.append(("caption", report.run_message(run, lang)))
    test = run.get("test_metrics") or {}
    if test:
        parts = [f"{t('chart.metric.loss', lang)} {test['loss']:.4f}"]
        if "accuracy" in test:
            parts.append(f"{t('chart.metric.accuracy', lang)} {test['accuracy']:.3f}")
        lines.append(("success", t("train.test", lang, metrics=t("list.sep", lang).join(parts))))
    timing = run.get("summary") or {}
    if timing.get("train_seconds") and timing.get("steps_per_second"):
        # The engine's clocks: compiling (warm-up) and evaluation are timed apart from training.
        key = "train.timing.reused" if timing.get("compile_reused") else "train.timing.compiled"
        figures = {
            "compile": f"{timing.get('warmup_seconds') or 0:.1f}",
            "rate": f"{timing['steps_per_second']:,.0f}",
            "train": _seconds(timing["train_seconds"]),
        }
        lines.append(("caption", t(key, lang, **figures)))
    return tuple(lines)


def _seconds(value: float) -> str:
    """Three significant figures ("0.0204", "2.15", "41.3"), whole seconds from 100 s."""
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"


@dataclass(frozen=True)
class ChartsView:
    """What the Train page's live charts draw for one run."""

    steps: pd.DataFrame
    epochs: pd.DataFrame
    has_accuracy: bool  # an epoch accuracy chart beside the loss
    has_composition: bool  # class counts per batch were recorded
    last_epoch: int  # the newest epoch with steps
    max_epoch: int  # the run's last epoch (the composition picker's bound)
    class_names: tuple[str, ...] | None


def charts_view(
    store: RunStore, feed: report.StepFeed, class_names: list[str] | None
) -> ChartsView | None:
    """FEED's steps read so far and the run's epochs; None once the run was deleted.
    CLASS_NAMES: the prepared data's, for a run whose config does not name them."""
    run = store.get_run(feed.run_id)
    if run is None:
        return None
    steps = feed.frame
    epochs = report.epochs_frame(store, feed.run_id)
    names = (run.get("config") or {}).get("class_names") or class_names
    return ChartsView(
        steps,
        epochs,
        bool(not epochs.empty and epochs["train_accuracy"].notna().any()),
        bool(not steps.empty and steps["class_counts"].notna().any()),
        int(steps["epoch"].max()) if not steps.empty else 0,
        max(int(run["epochs"]) - 1, 0),
        tuple(names) if names is not None else None,
    )


def epoch_batches(store: RunStore, feed: report.StepFeed, epoch: int) -> pd.DataFrame:
    """Every batch fed in EPOCH, with its class counts, for the composition chart (the feed
    keeps only a stride of a long run's steps; this reads the epoch from the store)."""
    return feed.epoch_steps(store, epoch)
