"""The Science page's calls: noise scale, critical batch and throughput, and what to draw."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core import demo
from core.api.common import (
    PoolBusy,
    RunStore,
    StoreError,
    checked_run,
    warm_pool,
    with_own_files,
)
from core.present import readings, readings_roofline, report
from core.run.runner import RunHandle, shared_pool
from core.study import science, sweep
from core.train.datasets import DATASETS
from core.train.engine import Prepared, TrainConfig
from core.train.models import MODELS

# what the page catches, opens or calls before a job, from here
__all__ = ["PoolBusy", "RunStore", "StoreError", "checked_run", "warm_pool", "with_own_files"]

SCIENCE_DATASETS = tuple(d for d in DATASETS if d not in ("csv", "linear"))
SCIENCE_MODELS = tuple(m for m in MODELS if m != "linear")
TARGET_METRICS = sweep.TARGET_METRICS
THROUGHPUT_SECONDS = 0.5  # steady seconds a timing, three timings a size


def start_noise_scale(config: TrainConfig, micro: int) -> RunHandle:
    """Measure the noise scale in a worker (the exact value too when N allows)."""
    science.check_micro(config.batch_size, micro)
    return shared_pool().submit_task("noise_scale", config=config.to_dict(), micro=micro)


def start_throughput(prepared: Prepared, cap: int) -> RunHandle:
    """Time powers of two up to CAP (and the training set, and the demo's cap) in a worker."""
    limit = demo.limits().max_throughput_batch if demo.enabled() else cap
    sizes = [
        b for b in science.powers_of_two(cap) if b <= prepared.schedule.train_samples and b <= limit
    ]
    return shared_pool().submit_task(
        "throughput",
        config=prepared.config.to_dict(),
        batch_sizes=sizes,
        seconds=THROUGHPUT_SECONDS,
    )


def start_quick_sweep(config: TrainConfig, store: RunStore) -> tuple[RunHandle, str]:
    """The Science page's own sweep around CONFIG, in a worker. Returns (handle, sweep id)."""
    configs = sweep.plan_checked(science.quick_sweep(config))
    if demo.enabled():
        demo.check_sweep(configs)
    sweep_id = sweep.new_sweep_id()
    return shared_pool().submit_sweep(configs, str(store.path), sweep_id), sweep_id


def quick_sweep_sizes(config: TrainConfig) -> dict:
    quick = science.quick_sweep(config)
    return {
        "sizes": ", ".join(map(str, quick.batch_sizes)),
        "epochs": science.QUICK_SWEEP_EPOCHS,
        "b0": quick.base_batch_size,
    }


def sweep_names(store: RunStore) -> dict[str, str]:
    """Sweeps with at least 2 runs, newest first: id → label."""
    return {s["sweep_id"]: report.sweep_label(s) for s in store.sweeps() if s["runs"] >= 2}


@dataclass(frozen=True)
class CriticalBatchView:
    """What the Science page draws for one sweep and target."""

    fit: science.CriticalBatchFit | None
    error: Exception | None
    line: str
    method: str
    points: pd.DataFrame
    curve: pd.DataFrame | None
    lr_fixed: bool


def critical_batch(
    store: RunStore, sweep_id: str, metric: str, target: float, lang: str
) -> CriticalBatchView:
    """Steps to target per size in a stored sweep, the fit with its status, and its words."""
    runs, by_b = sweep.summarize(store, sweep_id, metric, target)
    reached = science.reached_rows(by_b)
    points = pd.DataFrame(
        {
            "batch_size": reached["batch_size"],
            "steps": reached["steps_to_target"],
            "samples": reached["samples_to_target"],
        }
    )
    try:
        fit = science.fit_critical_batch(reached["batch_size"], reached["steps_to_target"])
    except ValueError as exc:
        return CriticalBatchView(None, exc, "", "", points, None, False)
    curve = None
    if fit.status == "fit":
        lo, hi = points["batch_size"].min() / 4, points["batch_size"].max() * 4
        curve = science.hyperbola(fit, lo, hi)
    return CriticalBatchView(
        fit,
        None,
        readings.critical_batch_line(fit, lang),
        readings.target_method_line(runs, lang),
        points,
        curve,
        science.lr_was_fixed(reached),
    )


@dataclass(frozen=True)
class ThroughputView:
    rows: pd.DataFrame
    reading: str
    best: dict | None  # the size predicted fastest to the target, with a fitted B_crit
    table: pd.DataFrame | None
    # the share of the device's peak per B (empty for rows measured before issue 24)
    shares: pd.DataFrame = field(default_factory=pd.DataFrame)
    share_reading: str = ""
    share_method: str = ""
    ridge_batch: float | None = None


def throughput_view(rows: list[dict], fit, lang: str, model: str = "mlp") -> ThroughputView:
    """Measured throughput, its reading, its share of the device's peak, and time to target
    where B_crit was fitted."""
    best = table = None
    if fit is not None and fit.status == "fit":
        predicted = science.time_to_target(fit, rows)
        if not predicted.empty:
            best = predicted.sort_values("predicted_seconds").iloc[0].to_dict()
            table = readings.time_to_target_table(predicted, lang)
    ridge = next((r.get("ridge_batch") for r in rows if r.get("peak_flops")), None)
    return ThroughputView(
        pd.DataFrame(rows),
        readings.throughput_reading(rows, lang),
        best,
        table,
        readings_roofline.share_frame(rows),
        readings_roofline.roofline_reading(rows, model, lang),
        readings_roofline.roofline_method(rows, lang),
        ridge,
    )


def noise_scale_lines(noise: dict, lang: str) -> list[tuple[str, str]]:
    return readings.noise_scale_lines(noise, lang)


def noise_vs_critical_line(noise: dict, fit, lang: str) -> str:
    return readings.noise_vs_critical_line(noise, fit, lang)
