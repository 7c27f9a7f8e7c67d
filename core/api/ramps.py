"""The Compare page's ramp-against-decay preset (Smith et al. 2018): its inputs, the runs it
plans, starting them in a worker, and what the page draws for the latest experiment.

Its sweeps are stored with ids starting `SWEEP_PREFIX` (see core.study.ramp).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from core import demo
from core.api.common import RunStore
from core.api.sweeps import SweepStart
from core.present import charts_ramp
from core.present.readings_ramp import ramp_reading
from core.present.text import t
from core.run.runner import shared_pool
from core.study import ramp
from core.train.engine import TrainConfig

SWEEP_PREFIX = ramp.SWEEP_PREFIX
# The preset: digits' MLP on plain SGD, B = 16 growing 4× at epochs 2 and 4, 6 epochs, 3 repeats
# (about a minute on 2 cores).
DEFAULTS = {
    "compare.ramp_b0": 16,
    "compare.ramp_factor": 4,
    "compare.ramp_at": "2, 4",
    "compare.ramp_epochs": 6,
    "compare.ramp_repeats": 3,
    "compare.ramp_lr": 0.05,
}
BASE_INPUTS = ("dataset", "model", "validation_split", "seed")  # taken from the page above


def ramp_spec(inputs: Mapping[str, object]) -> ramp.RampSpec:
    """The experiment the page's inputs (by name) describe; InputError says what to fix."""
    at = ramp.parse_epochs(str(inputs["ramp_at"]))
    schedule = ramp.smith_ramp(int(inputs["ramp_b0"]), int(inputs["ramp_factor"]), at)
    base = TrainConfig(
        n=inputs["n"] or None,
        optimizer="sgd",  # Smith et al.'s equivalence is SGD's: the noise scale ∝ lr · N / B
        lr=float(inputs["ramp_lr"]),
        epochs=int(inputs["ramp_epochs"]),
        **{name: inputs[name] for name in BASE_INPUTS},
    )
    return ramp.RampSpec(base, schedule, int(inputs["ramp_repeats"]))


@dataclass(frozen=True)
class RampPlan:
    configs: tuple[TrainConfig, ...]
    text: str  # what the two arms are, in one line


def plan_ramp(spec: ramp.RampSpec, lang: str) -> RampPlan:
    configs = ramp.plan_checked(spec)
    if demo.enabled():  # the hosted demo's caps on runs and epochs
        demo.check_sweep(configs)
    text = t(
        "ramp.compare.plan",
        lang,
        b0=configs[0].batch_size,
        lr_steps=configs[0].lr_schedule,
        ramp=spec.batch_size_schedule,
        runs=len(configs),
    )
    return RampPlan(tuple(configs), text)


def start_ramp(plan: RampPlan, store: RunStore) -> SweepStart:
    """Train the plan's runs in a worker under a new ramp sweep id (PoolBusy: none is free)."""
    sweep_id = ramp.new_sweep_id()
    handle = shared_pool().submit_sweep(list(plan.configs), str(store.path), sweep_id)
    return SweepStart(handle, sweep_id, len(plan.configs), time.time())


def latest(store: RunStore, shown: str | None = None) -> str | None:
    """SHOWN if the store has that ramp experiment, else the newest one, else None."""
    ids = [s["sweep_id"] for s in store.sweeps() if s["sweep_id"].startswith(SWEEP_PREFIX)]
    return shown if shown in ids else (ids[0] if ids else None)


def is_ramp_sweep(sweep_id: str) -> bool:
    return sweep_id.startswith(SWEEP_PREFIX)


@dataclass(frozen=True)
class RampView:
    reading: str
    epoch_chart: alt.Chart
    step_chart: alt.Chart
    table: pd.DataFrame


def ramp_view(store: RunStore, sweep_id: str, lang: str) -> RampView | None:
    """The experiment's reading, charts and per-arm table; None while no epoch is stored."""
    summary = ramp.summarize(store, sweep_id)
    if summary.epochs.empty:
        return None
    arms = summary.arms.assign(arm=summary.arms["arm"].map(lambda a: t(f"ramp.arm.{a}", lang)))
    table = arms[
        ["arm", "steps", "final_loss", "final_loss_min", "final_loss_max", "repeats"]
    ].rename(
        columns={
            "arm": t("ramp.col.arm", lang),
            "steps": t("ramp.col.total_steps", lang),
            "final_loss": t("ramp.col.final_loss", lang),
            "final_loss_min": t("ramp.col.final_loss_min", lang),
            "final_loss_max": t("ramp.col.final_loss_max", lang),
            "repeats": t("ramp.col.repeats", lang),
        }
    )
    return RampView(
        ramp_reading(summary, lang),
        charts_ramp.ramp_epoch_chart(summary.epochs, lang),
        charts_ramp.ramp_step_chart(summary.steps, lang),
        table.round(4),
    )
