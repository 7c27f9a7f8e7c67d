"""Sweeps across batch sizes on equal budgets, and what they show.

Who does what:
- `SweepSpec` is the user's choice: batch sizes, repeats, a budget (equal epochs, steps,
  samples or wall time) and a learning-rate scaling rule. `plan()` turns it into one
  `TrainConfig` per (batch size, repeat), each with the lr it will use and its step budget.
- `run_sweep()` trains them one after another through the same engine and run store as the
  Train page (the CLI calls it; the page runs it in a worker process).
- `summarize()` reads a sweep's runs back and computes, per run and per batch size, the final
  losses, throughput, and steps / samples / seconds to a target; `core.present.readings`
  says it in words.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import InputError, check_choice, check_int
from core.schedule.plan import setting_label, split_at
from core.train.engine import TrainConfig, check_config, prepare

BUDGETS = ("epochs", "steps", "samples", "time")
LR_SCALING = ("none", "linear", "sqrt")
TARGET_METRICS = ("train_loss", "val_loss", "val_accuracy")
DEFAULT_BATCH_SIZES = (1, 8, 32, 128, 0)  # 0 stands for full batch
MAX_RUNS = 200
TIME_BUDGET_EPOCHS = 100_000  # a time budget stops on the clock, not on epochs
MIN_EVALUATIONS = 20  # validation points per run, so a target is not snapped to epoch ends
EMA = 0.9  # smoothing of per-step training loss for steps-to-target
# What the Compare page shows of a sweep over K: samples per update against memory.
ACCUMULATION_COLUMNS = (
    "batch_size",
    "accumulation",
    "effective_batch_size",
    "steps",
    "optimizer_updates",
    "final_train_loss",
    "final_val_loss",
    "peak_memory_mb",
)


@dataclass(frozen=True)
class SweepSpec:
    base: TrainConfig = field(default_factory=TrainConfig)  # dataset, model, optimizer, ...
    batch_sizes: tuple[int, ...] = (8, 32, 128)  # 0 = full batch
    repeats: int = 1
    budget: str = "epochs"
    budget_value: float = 3
    lr_scaling: str = "none"
    base_batch_size: int = 32
    warmup_epochs: float = 0.0  # linear lr warm-up, as Goyal et al. pair with linear scaling
    # Gradient accumulation: every batch size runs once per K. `keep_product`: each listed size
    # is the effective batch B × K, and a run steps on B / K ("B = 32 × K = 4 against B = 128").
    accumulations: tuple[int, ...] = (1,)
    keep_product: bool = False


def parse_accumulations(text: str) -> tuple[int, ...]:
    """'1, 4' → (1, 4). Raises InputError with what to change."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    out = []
    for p in parts:
        try:
            k = int(p)
        except ValueError:
            raise InputError(
                "accumulation {p!r} is not a whole number: use e.g. 1,4.", p=p
            ) from None
        check_int("accumulation", k, minimum=1)
        out.append(k)
    if not out:
        raise InputError("the list of accumulation values is empty: give at least one, e.g. 1,4.")
    return tuple(out)


def run_label(cfg: TrainConfig) -> str:
    """A run's name in a sweep: B, and K when it accumulates."""
    return setting_label(cfg.batch_size, cfg.accumulation)


def parse_batch_sizes(text: str) -> tuple[int, ...]:
    """'1, 8, 32, full' → (1, 8, 32, 0). Raises ValueError with what to change."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise InputError("the list of batch sizes is empty: give at least one, e.g. 8,32,128.")
    out = []
    for p in parts:
        if p.lower() in ("full", "all", "n"):
            out.append(0)
            continue
        try:
            b = int(p)
        except ValueError:
            raise InputError(
                "batch size {p!r} is not a whole number: use e.g. 8,32,128 (or 'full').", p=p
            ) from None
        if b <= 0:
            raise InputError("batch sizes must be at least 1, got {batch_sizes}.", batch_sizes=b)
        out.append(b)
    return tuple(out)


def scaled_lr(lr: float, batch_size: int, base_batch_size: int, rule: str) -> float:
    """The lr a batch size gets: none, linear (Goyal et al. 2017) or sqrt scaling from B0."""
    check_choice("lr scaling", rule, LR_SCALING)
    if rule == "none":
        return lr
    if rule == "linear":
        return lr * batch_size / base_batch_size
    return lr * math.sqrt(batch_size / base_batch_size)


def budget_steps(
    train_samples: int, batch_size: int, budget: str, value: float, drop_remainder: bool = False
) -> tuple[int, int | None, float | None]:
    """(epochs, max_steps, max_seconds) that give every batch size the same budget.

    Steps: exactly `value` steps for every size (epochs counted with drop_remainder's ⌊N/B⌋
    batches, or ⌈N/B⌉ with the partial batch). Samples: the step count whose samples fed, the
    partial batch at each epoch end counted at its own size (none with drop_remainder), come
    closest to `value`: within one batch of it (`samples_fed` says how many).
    """
    check_choice("budget", budget, BUDGETS)
    spe = _steps_per_epoch(train_samples, batch_size, drop_remainder)
    if budget == "epochs":
        return int(value), None, None
    if budget == "steps":
        steps = int(value)
        return math.ceil(steps / spe), steps, None
    if budget == "samples":
        steps = samples_budget_steps(train_samples, batch_size, value, drop_remainder)
        return math.ceil(steps / spe), steps, None
    return TIME_BUDGET_EPOCHS, None, float(value)  # time


def _steps_per_epoch(train_samples: int, batch_size: int, drop_remainder: bool) -> int:
    if drop_remainder:
        return max(1, train_samples // batch_size)
    return math.ceil(train_samples / batch_size)


def samples_fed(train_samples: int, batch_size: int, steps: int, drop_remainder: bool) -> int:
    """Samples fed by the first `steps` steps: full epochs, then full batches of the next one
    (each epoch ends with its partial batch of N mod B samples unless drop_remainder)."""
    spe = _steps_per_epoch(train_samples, batch_size, drop_remainder)
    per_epoch = spe * batch_size if drop_remainder else train_samples
    epochs, rest = divmod(steps, spe)
    return epochs * per_epoch + rest * batch_size


def samples_budget_steps(
    train_samples: int, batch_size: int, value: float, drop_remainder: bool = False
) -> int:
    """The step count (at least 1) whose samples fed come closest to `value` (a tie: more)."""
    spe = _steps_per_epoch(train_samples, batch_size, drop_remainder)
    per_epoch = spe * batch_size if drop_remainder else train_samples
    epochs = int(value // per_epoch)
    rest = value - epochs * per_epoch
    # within the epoch: `rest` falls before or after the k-th full batch (or the partial one)
    k = min(spe, math.floor(rest / batch_size))
    below = epochs * spe + k
    above = below + 1
    best = min(
        (s for s in (below, above) if s >= 1),
        key=lambda s: (abs(samples_fed(train_samples, batch_size, s, drop_remainder) - value), -s),
    )
    return best


def check_spec(spec: SweepSpec) -> None:
    check_choice("budget", spec.budget, BUDGETS)
    check_choice("lr scaling", spec.lr_scaling, LR_SCALING)
    if not spec.batch_sizes:
        raise InputError("the list of batch sizes is empty: give at least one, e.g. 8,32,128.")
    if any(b < 0 for b in spec.batch_sizes):
        raise InputError(
            "batch sizes must be at least 1, got {batch_sizes}.", batch_sizes=list(spec.batch_sizes)
        )
    if not isinstance(spec.repeats, int) or spec.repeats < 1:
        raise InputError(
            "`repeats` must be a whole number of at least 1, got {repeats!r}.", repeats=spec.repeats
        )
    if spec.base_batch_size < 1:
        raise InputError(
            "`base_batch_size` must be at least 1, got {base_batch_size}.",
            base_batch_size=spec.base_batch_size,
        )
    v = spec.budget_value
    if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
        raise InputError(
            "the {budget} budget must be greater than 0, got {v!r}.", budget=spec.budget, v=v
        )
    if spec.budget in ("epochs", "steps") and v != int(v):
        raise InputError(
            "the {budget} budget must be a whole number, got {v}.", budget=spec.budget, v=v
        )
    if len(spec.batch_sizes) * spec.repeats * len(spec.accumulations) > MAX_RUNS:
        raise InputError(
            "{sizes} batch sizes × {repeats} repeats is more than {cap} runs: use fewer.",
            sizes=len(spec.batch_sizes) * len(spec.accumulations),
            repeats=spec.repeats,
            cap=MAX_RUNS,
        )
    for k in spec.accumulations:
        check_int("accumulation", k, minimum=1)


def plan(spec: SweepSpec, n: int) -> list[TrainConfig]:
    """One config per (batch size, repeat), in the order they run. `n`: samples in the data."""
    check_spec(spec)
    train = split_at(n, spec.base.validation_split)
    configs = []
    for b, k in dict.fromkeys(_sizes(spec, train)):  # keep order, drop repeats
        epochs, max_steps, max_seconds = budget_steps(
            train, b, spec.budget, spec.budget_value, spec.base.drop_remainder
        )
        # the lr goes with the samples per update, B × K
        lr = scaled_lr(spec.base.lr, b * k, spec.base_batch_size, spec.lr_scaling)
        for r in range(spec.repeats):
            cfg = replace(
                spec.base,
                batch_size=b,
                accumulation=k,
                epochs=epochs,
                max_steps=max_steps,
                max_seconds=max_seconds,
                lr=lr,
                seed=spec.base.seed + r,
                eval_every=eval_every(train, b, epochs, max_steps),
                warmup_epochs=spec.warmup_epochs,
                # Goyal et al. warm up from the base lr to the scaled one
                warmup_from_lr=spec.base.lr if spec.warmup_epochs else None,
            )
            check_config(cfg)
            configs.append(cfg)
    return configs


def _sizes(spec: SweepSpec, train: int) -> list[tuple[int, int]]:
    """(batch size per step, K) of every run, in order."""
    out = []
    for size in spec.batch_sizes:
        size = size or train  # 0: full batch
        for k in spec.accumulations:
            if spec.keep_product and size % k:
                raise InputError(
                    "B × K constant: the effective batch {size} does not split into {k} batches: "
                    "use a multiple of {k}, or other K values.",
                    size=size,
                    k=k,
                )
            out.append((size // k if spec.keep_product else size, k))
    return out


def eval_every(train: int, batch: int, epochs: int, max_steps: int | None) -> int | None:
    """Validate every k steps so each run has at least MIN_EVALUATIONS within its budget
    (None: epoch ends already give that many, or a time budget's steps are not known)."""
    steps = math.ceil(train / batch) * epochs
    if max_steps is not None:
        steps = min(steps, max_steps)
    if epochs >= MIN_EVALUATIONS or epochs == TIME_BUDGET_EPOCHS:
        return None
    return max(1, steps // MIN_EVALUATIONS)


def new_sweep_id() -> str:
    return "sw-" + uuid.uuid4().hex[:10]


def check_runs(configs: Sequence[TrainConfig], csv_bytes: bytes | None = None) -> None:
    """Prepare every config once so a bad one fails before anything trains."""
    for cfg in configs:
        prepare(cfg, csv_bytes)


def plan_checked(spec: SweepSpec, csv_bytes: bytes | None = None) -> list[TrainConfig]:
    """`plan()` on the base config's real dataset size, every run checked before any trains."""
    n = prepare(spec.base, csv_bytes).data.n
    configs = plan(spec, n)
    check_runs(configs, csv_bytes)
    return configs


# -- reading a sweep back ---------------------------------------------------------------------
def _first_reach(values: np.ndarray, target: float, higher_is_better: bool) -> int | None:
    hit = values >= target if higher_is_better else values <= target
    idx = np.flatnonzero(hit)
    return int(idx[0]) if len(idx) else None


def ema(values: np.ndarray, alpha: float = EMA) -> np.ndarray:
    """Bias-corrected exponential moving average (as TensorBoard's smoothing)."""
    out = np.empty(len(values), dtype=np.float64)
    acc, weight = 0.0, 0.0
    for i, v in enumerate(values):
        acc = alpha * acc + (1 - alpha) * v
        weight = alpha * weight + (1 - alpha)
        out[i] = acc / weight
    return out


def run_accumulation(run: dict) -> int:
    """A stored run's K (gradient accumulation steps): 1 where its config predates K."""
    return int((run.get("config") or {}).get("accumulation") or 1)


def peak_memory_mb(run: dict) -> float | None:
    """A stored run's peak memory in MB, to 0.1 MB (the training process's peak: device memory
    where the backend reports it, else its RSS); None where it was not recorded."""
    peak = (run.get("summary") or {}).get("peak_memory_bytes")
    return round(peak / 2**20, 1) if peak else None


def run_summary(
    run: dict,
    steps: pd.DataFrame,
    epochs: pd.DataFrame,
    target_metric: str,
    target: float | None,
    evals: pd.DataFrame | None = None,
) -> dict:
    """One run's figures: finals, throughput, and steps/samples/seconds/epochs to target.

    Throughput is samples actually fed / training seconds (a partial batch counts its own
    size; compiling and evaluation are not training time). A validation target is found
    between evaluations by linear interpolation (`target_found_by`).
    """
    samples = int(steps["batch_size"].sum()) if len(steps) else 0
    train_seconds = float(steps["seconds"].iloc[-1]) if len(steps) else 0.0
    k = run_accumulation(run)
    out = {
        "run_id": run["run_id"],
        "batch_size": run["batch_size"],
        "accumulation": k,
        "effective_batch_size": run["batch_size"] * k,
        "optimizer_updates": int(len(steps)) // k,
        "peak_memory_mb": peak_memory_mb(run),
        "lr": run["lr"],
        "seed": run["seed"],
        "status": run["status"],
        "steps": int(len(steps)),
        "samples": samples,  # fed, partial batches at their size: a samples budget within one B
        "epochs_run": int(len(epochs)),
        "seconds": train_seconds,
        "train_seconds": train_seconds,
        "final_train_loss": _last(epochs, "train_loss"),
        "final_val_loss": _last(epochs, "val_loss"),
        "final_val_accuracy": _last(epochs, "val_accuracy"),
        "samples_per_second": samples / train_seconds if train_seconds > 0 else None,
        "steps_per_second": len(steps) / train_seconds if train_seconds > 0 else None,
        "steps_to_target": None,
        "samples_to_target": None,
        "seconds_to_target": None,
        "epochs_to_target": None,
        "evaluations": 0 if evals is None else int(len(evals)),
        "target_found_by": None,
    }
    if evals is not None and len(evals) and "val_loss" in evals:
        out["final_val_loss"] = _last(evals, "val_loss")
        out["final_val_accuracy"] = _last(evals, "val_accuracy")
    if target is None or steps.empty:
        return out
    per_epoch = max(1, int(steps[steps["epoch"] == 0]["batch_size"].sum()))
    if target_metric == "train_loss":
        smooth = ema(steps["loss"].to_numpy(dtype=np.float64))
        i = _first_reach(smooth, target, higher_is_better=False)
        if i is not None:
            out["steps_to_target"] = i + 1
            out["samples_to_target"] = int(steps["batch_size"].iloc[: i + 1].sum())
            out["seconds_to_target"] = float(steps["seconds"].iloc[i])
            out["epochs_to_target"] = out["samples_to_target"] / per_epoch
            out["target_found_by"] = "every step (smoothed)"
        return out
    if evals is not None and target_metric in evals and evals[target_metric].notna().any():
        return {**out, **_interpolated_reach(steps, evals, target_metric, target, per_epoch)}
    if epochs.empty or target_metric not in epochs or epochs[target_metric].isna().all():
        return out
    values = epochs[target_metric].to_numpy(dtype=np.float64)
    i = _first_reach(values, target, higher_is_better=target_metric == "val_accuracy")
    if i is not None:
        done = steps[steps["epoch"] <= i]
        out["steps_to_target"] = int(len(done))
        out["samples_to_target"] = int(done["batch_size"].sum())
        out["seconds_to_target"] = float(done["seconds"].iloc[-1]) if len(done) else None
        out["epochs_to_target"] = i + 1
        out["target_found_by"] = "epoch ends"
    return out


def _interpolated_reach(
    steps: pd.DataFrame, evals: pd.DataFrame, metric: str, target: float, per_epoch: int
) -> dict:
    """Where the metric crosses the target, linear between the two evaluations around it."""
    ev = evals.dropna(subset=[metric])
    values = ev[metric].to_numpy(dtype=np.float64)
    at = ev["step"].to_numpy(dtype=np.float64)
    secs = ev["train_seconds"].to_numpy(dtype=np.float64)
    i = _first_reach(values, target, higher_is_better=metric == "val_accuracy")
    if i is None:
        return {}
    frac = 1.0
    if i > 0 and values[i] != values[i - 1]:
        frac = float(np.clip((target - values[i - 1]) / (values[i] - values[i - 1]), 0.0, 1.0))
    lo = i - 1 if i > 0 else i
    step = at[lo] + frac * (at[i] - at[lo])
    cumulative = np.concatenate([[0], steps["batch_size"].cumsum().to_numpy()])
    samples = float(np.interp(step, np.arange(len(cumulative)), cumulative))
    return {
        "steps_to_target": float(step),
        "samples_to_target": samples,
        "seconds_to_target": float(secs[lo] + frac * (secs[i] - secs[lo])),
        "epochs_to_target": samples / per_epoch,
        "target_found_by": "interpolated between evaluations",
    }


def _last(frame: pd.DataFrame, col: str) -> float | None:
    if frame.empty or col not in frame:
        return None
    vals = frame[col].dropna()
    return float(vals.iloc[-1]) if len(vals) else None


STEP_COLUMNS = ["step", "epoch", "batch_size", "loss", "accuracy", "seconds", "class_counts"]
EPOCH_COLUMNS = [
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "seconds",
    "steps",
]


def _frames(store, run_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run's steps and epochs from a run store (any object with `steps` and `epochs`)."""
    steps = pd.DataFrame(store.steps(run_id), columns=STEP_COLUMNS)
    steps["samples_seen"] = steps["batch_size"].cumsum()
    epochs = pd.DataFrame(store.epochs(run_id)).reindex(columns=EPOCH_COLUMNS)
    return steps, epochs


def summarize(
    store, sweep_id: str, target_metric: str = "val_loss", target: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-run table, per-batch-size table with means and min/max over repeats)."""
    check_choice("target metric", target_metric, TARGET_METRICS)
    rows = []
    for run in store.list_runs(sweep_id=sweep_id):
        steps, epochs = _frames(store, run["run_id"])
        evals = pd.DataFrame(
            store.evals(run["run_id"]),
            columns=["step", "train_seconds", "val_loss", "val_accuracy"],
        )
        rows.append(run_summary(run, steps, epochs, target_metric, target, evals))
    runs = pd.DataFrame(rows)
    if runs.empty:
        return runs, runs
    numeric = [
        "lr",
        "steps",
        "samples",
        "seconds",
        "train_seconds",
        "final_train_loss",
        "final_val_loss",
        "final_val_accuracy",
        "samples_per_second",
        "steps_to_target",
        "samples_to_target",
        "seconds_to_target",
        "epochs_to_target",
        "optimizer_updates",
        "peak_memory_mb",
    ]
    runs[numeric] = runs[numeric].apply(pd.to_numeric, errors="coerce")
    setting = ["batch_size", "accumulation"]
    lrs = runs.groupby(setting)["lr"].nunique().rename("lrs")
    # B = 32 × K = 4 and B = 32 are different runs: one row per (B, K). Runs at one setting with
    # other learning rates (an Advise sweep's lr trials) are not repeats of each other: each
    # setting keeps its best lr's runs (the most reaching the target, then the fewest steps to
    # it, then the lowest final loss), as Advise's own table does.
    g = _best_lr_runs(runs, setting).groupby(setting, sort=True)
    by_b = g[numeric].mean()
    for col in (
        "final_val_loss",
        "final_train_loss",
        "final_val_accuracy",
        "steps_to_target",
        "seconds_to_target",
        "epochs_to_target",
    ):
        by_b[f"{col}_min"] = g[col].min()
        by_b[f"{col}_max"] = g[col].max()
    by_b["repeats"] = g.size()
    by_b["reached"] = g["steps_to_target"].count()
    by_b["lrs"] = lrs
    return runs, by_b.reset_index()


def _best_lr_runs(runs: pd.DataFrame, setting: list[str]) -> pd.DataFrame:
    """The runs of each setting's best learning rate (see `summarize`)."""
    per_lr = runs.groupby([*setting, "lr"]).agg(
        reached=("steps_to_target", "count"),
        steps=("steps_to_target", "mean"),
        loss=("final_val_loss", "mean"),
        train_loss=("final_train_loss", "mean"),
    )
    per_lr["steps"] = per_lr["steps"].fillna(np.inf)
    per_lr["loss"] = per_lr["loss"].fillna(per_lr["train_loss"]).fillna(np.inf)
    ranked = per_lr.sort_values(["reached", "steps", "loss"], ascending=[False, True, True])
    best = ranked.reset_index().drop_duplicates(setting)[[*setting, "lr"]]
    return runs.merge(best, on=[*setting, "lr"])


def unreached(by_b: pd.DataFrame) -> list[str]:
    """The settings of a sweep summary ("B=32", "B=32×K=4") that no repeat took to the target
    (left off the charts)."""
    if by_b.empty or "steps_to_target" not in by_b:
        return []
    missed = by_b[by_b["steps_to_target"].isna()]
    ks = missed["accumulation"] if "accumulation" in missed else [1] * len(missed)
    return [setting_label(int(b), int(k)) for b, k in zip(missed["batch_size"], ks, strict=True)]


def curves(store, sweep_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-step curves with smoothed loss, per-epoch curves) of every run in a sweep."""
    step_frames, epoch_frames = [], []
    for run in store.list_runs(sweep_id=sweep_id):
        steps, epochs = _frames(store, run["run_id"])
        if steps.empty:
            continue
        steps["loss"] = ema(steps["loss"].to_numpy(dtype=np.float64))
        k = run_accumulation(run)
        steps["run_id"] = run["run_id"]
        steps["batch_size"] = run["batch_size"]
        steps["accumulation"] = k
        step_frames.append(steps.drop(columns=["class_counts"]))
        epochs = epochs.assign(
            run_id=run["run_id"],
            batch_size=run["batch_size"],
            accumulation=k,
            loss=epochs["train_loss"],
        )
        epoch_frames.append(epochs)
    if not step_frames:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(step_frames, ignore_index=True), pd.concat(epoch_frames, ignore_index=True)
