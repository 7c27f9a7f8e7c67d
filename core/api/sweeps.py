"""The Compare page's calls: plan a sweep from the inputs, start it in a worker, pick the sweep
shown, its progress, and what its charts and tables draw."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core import choices, demo
from core.api.common import (
    OwnFiles,
    PoolBusy,
    RunStore,
    StoreError,
    exports,
    warm_pool,
    with_own_files,
)
from core.present import readings, readings_sharp, report
from core.present.text import sentences, t
from core.run.runner import RunHandle, shared_pool
from core.run.store import ACTIVE
from core.study import ramp, sharpness, sweep
from core.train.datasets import DATASETS
from core.train.engine import TrainConfig
from core.train.models import MODELS, OPTIMIZERS

# what the page offers, catches or opens, from here
__all__ = [
    "MODELS",
    "OPTIMIZERS",
    "PoolBusy",
    "RunStore",
    "StoreError",
    "exports",
    "warm_pool",
]

SWEEP_DATASETS = tuple(d for d in DATASETS if d != "csv")  # a sweep has no upload
LR_SCALING = sweep.LR_SCALING
BUDGETS = sweep.BUDGETS
TARGET_METRICS = sweep.TARGET_METRICS
EXECUTORS = choices.EXECUTORS
ACCUMULATION_COLUMNS = list(sweep.ACCUMULATION_COLUMNS)
BASE_INPUTS = ("dataset", "model", "optimizer", "lr", "validation_split", "seed")  # as they are


def ray_available() -> bool:
    """Whether sweeps can run on Ray (the page offers the choice only then)."""
    return choices.ray_available()


def sweep_spec(inputs: Mapping[str, object], files: OwnFiles | None = None) -> sweep.SweepSpec:
    """The sweep the page's inputs (by name) describe, on the user's FILES where given;
    InputError says which input to fix. N = 0 means the whole dataset."""
    return sweep.SweepSpec(
        base=with_own_files(
            TrainConfig(
                n=inputs["n"] or None,
                sharpness=bool(inputs.get("sharpness", False)),
                **{name: inputs[name] for name in BASE_INPUTS},
            ),
            files,
        ),
        batch_sizes=sweep.parse_batch_sizes(inputs["batch_sizes"]),
        repeats=int(inputs["repeats"]),
        budget=inputs["budget"],
        budget_value=float(inputs["budget_value"]),
        lr_scaling=inputs["lr_scaling"],
        base_batch_size=int(inputs["base_batch_size"]),
        warmup_epochs=float(inputs["warmup_epochs"]),
        accumulations=sweep.parse_accumulations(inputs["accumulations"]),
        keep_product=bool(inputs["keep_product"]),
    )


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: its runs, and one line that names them with their learning rates."""

    configs: tuple[TrainConfig, ...]
    rows: str  # "B=8 (lr 0.001), B=64 (lr 0.008)": one entry per distinct run


def plan_sweep(spec: sweep.SweepSpec) -> SweepPlan:
    """SPEC's runs, each checked, within the demo's caps (InputError says what to change)."""
    configs = sweep.plan_checked(spec)
    if demo.enabled():
        demo.check_sweep(configs)
    rows = ", ".join(
        f"{label} (lr {lr:.3g})"
        for label, lr in dict.fromkeys((sweep.run_label(cfg), cfg.lr) for cfg in configs)
    )
    return SweepPlan(tuple(configs), rows)


@dataclass(frozen=True)
class SweepStart:
    """A sweep started in a worker: what the page follows it by."""

    handle: RunHandle
    sweep_id: str
    expected: int  # runs planned
    started: float  # time.time() at the start


def start_sweep(plan: SweepPlan, store: RunStore, executor: str = "local") -> SweepStart:
    """Train PLAN's runs in a worker, recorded in STORE under a new sweep id (PoolBusy: none
    is free)."""
    sweep_id = sweep.new_sweep_id()
    handle = shared_pool().submit_sweep(
        list(plan.configs), str(store.path), sweep_id, executor=executor
    )
    return SweepStart(handle, sweep_id, len(plan.configs), time.time())


def has_sweeps() -> bool:
    """Whether the store holds a sweep yet (read afresh: the page polls it for the first one)."""
    return bool(RunStore().sweeps())


@dataclass(frozen=True)
class SweepChoice:
    """Which stored sweep the page shows."""

    names: dict[str, str]  # sweep id → label, newest first; empty: no sweep stored yet
    shown: str | None
    gone: str | None  # the sweep a link (or the session) asked for, which the store lacks


def choose_sweep(store: RunStore, shown: str | None, started: str | None) -> SweepChoice:
    """The sweep to show: the one this session STARTED once it is stored, else SHOWN if the
    store has it, else the newest."""
    # The ramp-against-decay preset's experiments are drawn by its own section (core.api.ramps)
    names = {
        s["sweep_id"]: report.sweep_label(s)
        for s in store.sweeps()
        if not s["sweep_id"].startswith(ramp.SWEEP_PREFIX)
    }
    if started in names:
        shown = started
    if not names:
        return SweepChoice(names, shown, None)
    if shown in names:
        return SweepChoice(names, shown, None)
    return SweepChoice(names, next(iter(names)), shown or None)


def progress(
    store: RunStore,
    sweep_id: str,
    expected: int,
    started: float,
    lang: str,
    now: float | None = None,
) -> tuple[float, str]:
    """A running sweep's bar: (share of its EXPECTED runs finished, "Run 2 of 5 · 30 s left"),
    the time left extrapolated from the runs finished since STARTED (time.time())."""
    runs = store.list_runs(sweep_id=sweep_id)
    done = [r for r in runs if r["status"] not in ACTIVE]
    finished = len(done)
    now = time.time() if now is None else now
    eta = None
    if finished:
        # The runs left at the mean time of those done, less the time the current run has
        # had: it counts down within a run (from the last finish, it used to count up).
        last = max(r["updated"] for r in done)
        per_run = (last - started) / finished
        left = expected - finished
        eta = max(per_run * left - (now - last), per_run * (left - 1), 0.0)
    text = t("compare.progress", lang, done=min(finished + 1, expected), total=expected)
    if eta is not None:
        text += " · " + t("compare.eta", lang, seconds=math.ceil(eta))
    return (finished / expected if expected else 0.0), text


@dataclass(frozen=True)
class SweepView:
    """What the Compare page draws for one sweep and target."""

    table: pd.DataFrame  # one row per run
    by_b: pd.DataFrame  # one row per batch size (and K)
    reading: str
    step_curves: pd.DataFrame
    epoch_curves: pd.DataFrame
    has_val: bool  # validation losses exist: final charts of them, else of training loss
    has_val_accuracy: bool
    unreached: tuple[str, ...]  # settings (B=32, B=32×K=4) that never reached the target
    accumulation: pd.DataFrame | None  # the B × K table, when a run accumulated
    # some effective batch (B × K) was run with two K: the note on matching losses applies
    same_effective_batch: bool = False
    # some setting was run at several learning rates (Advise's trials): its best lr is drawn
    best_lr_only: bool = False
    # (shortest, longest) training seconds of a run when every run trained under SHORT_TIMING_S:
    # too short to rank throughput on (the page says so beside that chart)
    short_timing: tuple[float, float] | None = None

    @property
    def run_ids(self) -> list[str]:
        return self.table["run_id"].tolist()


def sweep_view(
    store: RunStore, sweep_id: str, metric: str, target: float, lang: str
) -> SweepView | None:
    """SWEEP_ID's runs summarised against METRIC reaching TARGET; None while none is stored."""
    table, by_b = sweep.summarize(store, sweep_id, metric, target)
    if table.empty:
        return None
    step_curves, epoch_curves = sweep.curves(store, sweep_id)
    has_val = bool(by_b["final_val_loss"].notna().any())
    shown = report.significant(table)  # what people read: 4 significant figures
    accumulation = shown[ACCUMULATION_COLUMNS] if bool((table["accumulation"] > 1).any()) else None
    return SweepView(
        shown,
        by_b,
        _reading(store, sweep_id, by_b, metric, target, lang),
        step_curves,
        epoch_curves,
        has_val,
        has_val and bool(by_b["final_val_accuracy"].notna().any()),
        tuple(sweep.unreached(by_b)),
        accumulation,
        accumulation is not None
        and bool(table.groupby("effective_batch_size")["accumulation"].nunique().gt(1).any()),
        bool(by_b["lrs"].max() > 1),
        _short_timing(table),
    )


def _reading(store: RunStore, sweep_id: str, by_b, metric: str, target: float, lang: str) -> str:
    """The sweep's reading, first saying so when it was stopped (its figures are partial)."""
    reading = readings.sweep_reading(by_b, metric, target, lang)
    runs = store.list_runs(sweep_id=sweep_id)
    if any(r["status"] in ("stopped", "interrupted") for r in runs):
        return sentences([t("reading.stopped", lang, runs=len(runs)), reading], lang)
    return reading


def one_epoch_sizes(epoch_curves: pd.DataFrame) -> list[str]:
    """The batch sizes ("B=1024") whose runs have a single epoch point (a steps or samples
    budget under one epoch): the epoch view can only show them as a dot."""
    if epoch_curves.empty:
        return []
    points = epoch_curves.groupby("batch_size")["epoch"].nunique()
    return [f"B={int(b)}" for b, n in points.items() if n < 2]


SHORT_TIMING_S = 1.0


@dataclass(frozen=True)
class SharpnessView:
    """What Compare's sharpness view draws for one sweep (issue 23)."""

    runs: pd.DataFrame  # one row per measured run
    by_b: pd.DataFrame  # one row per batch size (and K, lr): means and ranges over repeats
    reading: str
    lr_tuning: str  # fixed | scaled | tuned

    @property
    def measured(self) -> bool:
        return not self.runs.empty


def sharpness_view(store: RunStore, sweep_id: str, lang: str) -> SharpnessView:
    """SWEEP_ID's stored λ_max, trace and gap per run and per batch size, and their reading."""
    runs, by_b = sharpness.sharpness_table(store, sweep_id)
    stored = store.list_runs(sweep_id=sweep_id)
    tuning = readings_sharp.lr_tuning(stored)
    lr = stored[0]["lr"] if stored else None
    reading = readings_sharp.sharpness_reading(by_b, tuning, lang, lr) if len(runs) else ""
    return SharpnessView(runs, by_b, reading, tuning)


def _short_timing(table: pd.DataFrame) -> tuple[float, float] | None:
    seconds = table["train_seconds"].dropna()
    if seconds.empty or seconds.max() >= SHORT_TIMING_S:
        return None
    return float(seconds.min()), float(seconds.max())
