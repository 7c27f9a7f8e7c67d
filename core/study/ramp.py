"""Smith, Kindermans, Ying & Le 2018, "Don't Decay the Learning Rate, Increase the Batch Size".

Two arms see the same samples for the same epochs:
- `decay`: a constant batch size B, the learning rate divided by k at epochs e1, e2, ...
- `ramp`: the learning rate constant, B multiplied by k at the same epochs.
Their claim: the loss curves against epochs match, and the ramp takes fewer steps.

Who does what: `RampSpec` is the experiment (a base config, a batch-size ramp, repeats);
`smith_ramp` writes the paper's ramp from B, k and the epochs; `plan` gives each arm's configs
(the decay arm's lr steps are B_0 / B_e of the ramp, so both arms change at the same epochs by the
same factor); `summarize` reads the runs back: per arm and epoch the mean loss and its range over
repeats, the steps each arm took, and whether the curves match within the spread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import InputError, check_int
from core.schedule.plan import format_batch_size_schedule, parse_batch_size_schedule
from core.train.engine import TrainConfig, check_config, prepare

ARMS = ("decay", "ramp")
# Experiments are stored as sweeps with ids "ramp-…": the batch-size sweep views leave them out
# (both arms start at one B: summarised as a sweep they would read as repeats of it).
SWEEP_PREFIX = "ramp-"
MAX_RUNS = 40
MAX_FACTOR = 16  # the Compare preset's k
MAX_EPOCHS = 200  # the Compare preset's E


@dataclass(frozen=True)
class RampSpec:
    base: TrainConfig = field(default_factory=TrainConfig)  # dataset, model, lr, epochs, seed
    batch_size_schedule: str = "0:8,2:32,4:128"
    repeats: int = 2


def new_sweep_id() -> str:
    return SWEEP_PREFIX + uuid.uuid4().hex[:10]


def smith_ramp(batch_size: int, factor: int, epochs: tuple[int, ...]) -> str:
    """The paper's ramp: B until e1, then k·B until e2, then k²·B, ... ("0:8,2:32,4:128")."""
    check_int("batch_size", batch_size, minimum=1)
    check_int("factor", factor, minimum=2)
    ramp = [(0, batch_size)] + [(e, batch_size * factor ** (i + 1)) for i, e in enumerate(epochs)]
    return format_batch_size_schedule(tuple(ramp))


def parse_epochs(text: str) -> tuple[int, ...]:
    """'2, 4' → (2, 4): the epochs where the lr decays / B grows."""
    parts = [p.strip() for p in (text or "").replace("，", ",").split(",") if p.strip()]
    out = []
    for p in parts:
        try:
            out.append(int(p))
        except ValueError:
            raise InputError(
                "epoch {p!r} is not a whole number: give the epochs where B grows, e.g. 2,4.", p=p
            ) from None
    if not out:
        raise InputError("give at least one epoch where B grows, e.g. 2,4.")
    return tuple(out)


def decay_schedule(batch_size_schedule: str) -> str:
    """The decay arm's lr steps: at each ramp epoch the lr × B_0 / B_e ("2:0.25,4:0.0625")."""
    ramp = parse_batch_size_schedule(batch_size_schedule)
    first = ramp[0][1]
    return ",".join(f"{e}:{first / b:.10g}" for e, b in ramp[1:])


def check_spec(spec: RampSpec) -> None:
    check_int("repeats", spec.repeats, minimum=1)
    ramp = parse_batch_size_schedule(spec.batch_size_schedule)
    if len(ramp) < 2:
        raise InputError(
            "the ramp against decay needs a batch size that grows, got {ramp!r}: give at least "
            "two entries, e.g. 0:8,2:32.",
            ramp=spec.batch_size_schedule,
        )
    if 2 * spec.repeats > MAX_RUNS:
        raise InputError(
            "2 arms × {repeats} repeats is more than {cap} runs: use fewer repeats.",
            repeats=spec.repeats,
            cap=MAX_RUNS,
        )
    if spec.base.max_steps is not None or spec.base.max_seconds is not None:
        raise InputError(
            "the ramp against decay compares equal epochs (the same samples seen): drop the step "
            "or time budget."
        )


def arm_of(cfg: TrainConfig | dict) -> str:
    """Which arm a config (or a stored run's config dict) belongs to."""
    ramp = cfg.get("batch_size_schedule") if isinstance(cfg, dict) else cfg.batch_size_schedule
    return "ramp" if ramp else "decay"


def plan(spec: RampSpec) -> list[TrainConfig]:
    """Each repeat's decay run then its ramp run, same seed: same initial weights and orders."""
    check_spec(spec)
    ramp = parse_batch_size_schedule(spec.batch_size_schedule)
    configs = []
    for r in range(spec.repeats):
        common = replace(spec.base, seed=spec.base.seed + r, accumulation=1)
        decay = replace(
            common,
            batch_size=ramp[0][1],
            batch_size_schedule="",
            lr_schedule=decay_schedule(spec.batch_size_schedule),
        )
        grow = replace(common, batch_size=ramp[0][1], batch_size_schedule=spec.batch_size_schedule)
        configs += [decay, grow]
    for cfg in configs:
        check_config(cfg)
    return configs


def plan_checked(spec: RampSpec, csv_bytes: bytes | None = None) -> list[TrainConfig]:
    """`plan`, every run prepared once so a bad input fails before any trains."""
    configs = plan(spec)
    for cfg in configs:
        prepare(cfg, csv_bytes)
    return configs


@dataclass(frozen=True)
class RampSummary:
    """A ramp-vs-decay experiment read back from the store."""

    epochs: pd.DataFrame  # arm, epoch, step (at the epoch's end), loss mean/min/max, repeats
    steps: pd.DataFrame  # arm, run_id, step, epoch, loss (EMA-smoothed) of every run
    arms: pd.DataFrame  # arm, steps, final loss mean/min/max, final val loss mean, repeats
    match: bool | None  # curves within the spread at every epoch; None: one repeat, no spread
    epochs_apart: list[int]  # epochs where the ranges do not overlap
    metric: str  # train_loss or val_loss (val_loss when the runs validated)


def _ema(values: np.ndarray, alpha: float = 0.9) -> np.ndarray:
    out, acc, weight = np.empty(len(values)), 0.0, 0.0
    for i, v in enumerate(values):
        acc = alpha * acc + (1 - alpha) * v
        weight = alpha * weight + (1 - alpha)
        out[i] = acc / weight
    return out


def summarize(store, sweep_id: str) -> RampSummary:
    """Per arm and epoch, the loss over repeats (mean, min, max); steps per arm; the match."""
    epoch_rows, step_frames, run_rows = [], [], []
    for run in store.list_runs(sweep_id=sweep_id):
        arm = arm_of(run.get("config") or {})
        epochs = pd.DataFrame(store.epochs(run["run_id"]))
        steps = pd.DataFrame(store.steps(run["run_id"]))
        if epochs.empty or steps.empty:
            continue
        ends = np.cumsum(epochs["steps"].to_numpy())
        for (_, e), end in zip(epochs.iterrows(), ends, strict=True):
            epoch_rows.append(
                dict(
                    arm=arm,
                    run_id=run["run_id"],
                    epoch=int(e["epoch"]) + 1,
                    step=int(end),
                    train_loss=e["train_loss"],
                    val_loss=e.get("val_loss"),
                )
            )
        step_frames.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "run_id": run["run_id"],
                    "step": steps["step"].to_numpy() + 1,
                    "epoch": steps["epoch"].to_numpy(),
                    "batch_size": steps["batch_size"].to_numpy(),
                    "loss": _ema(steps["loss"].to_numpy(dtype=np.float64)),
                }
            )
        )
        run_rows.append(dict(arm=arm, run_id=run["run_id"], steps=len(steps)))
    per_epoch = pd.DataFrame(epoch_rows)
    if per_epoch.empty:
        empty = pd.DataFrame()
        return RampSummary(empty, empty, empty, None, [], "train_loss")
    metric = "val_loss" if per_epoch["val_loss"].notna().all() else "train_loss"
    per_epoch["loss"] = pd.to_numeric(per_epoch[metric], errors="coerce")
    g = per_epoch.groupby(["arm", "epoch"])
    curves = g.agg(
        step=("step", "mean"),
        loss=("loss", "mean"),
        loss_min=("loss", "min"),
        loss_max=("loss", "max"),
        repeats=("loss", "size"),
    ).reset_index()
    last = per_epoch[per_epoch["epoch"] == per_epoch.groupby("run_id")["epoch"].transform("max")]
    runs = pd.DataFrame(run_rows)
    arms = (
        last.groupby("arm")
        .agg(
            final_loss=("loss", "mean"),
            final_loss_min=("loss", "min"),
            final_loss_max=("loss", "max"),
            repeats=("loss", "size"),
        )
        .join(runs.groupby("arm")["steps"].mean())
        .reset_index()
    )
    match, apart = _match(curves)
    steps = pd.concat(step_frames, ignore_index=True)
    return RampSummary(curves, steps, arms, match, apart, metric)


def _match(curves: pd.DataFrame) -> tuple[bool | None, list[int]]:
    """Whether the arms' loss ranges over repeats overlap at every epoch (None: no spread)."""
    if curves.empty or curves["repeats"].min() < 2 or set(curves["arm"]) != set(ARMS):
        return None, []
    wide = curves.pivot(index="epoch", columns="arm", values=["loss_min", "loss_max"])
    apart = [
        int(e)
        for e, row in wide.iterrows()
        if row[("loss_min", "ramp")] > row[("loss_max", "decay")]
        or row[("loss_min", "decay")] > row[("loss_max", "ramp")]
    ]
    return not apart, apart
