"""Runs as tables, progress figures and exports (for the pages and the CLI). No TensorFlow."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.present.runs_list import run_name
from core.present.text import t
from core.run.store import RunStore
from core.study.sweep import EPOCH_COLUMNS, STEP_COLUMNS, peak_memory_mb, run_accumulation
from core.train.datasets import BLOBS_CLASSES, BLOBS_FEATURES


def steps_frame(store: RunStore, run_id: str, after: int = -1) -> pd.DataFrame:
    frame = pd.DataFrame(store.steps(run_id, after), columns=STEP_COLUMNS)
    frame["samples_seen"] = frame["batch_size"].cumsum()
    return frame


class StepFeed:
    """One run's steps as a live page needs them, read incrementally: each `update` asks the
    store only for new steps.

    What is kept stays bounded however long the run: the steps on a stride (1, 2, 4, ...,
    doubled whenever more than `KEEP` rows would be kept) and always the latest step, so the
    charts, which draw at most a few thousand points, get an even sample of the whole run, and
    `progress` reads its rates from step numbers and samples seen, which thinning keeps exact.
    A run at 18,000 steps/s made an ever-growing frame that the page re-copied 4 times a
    second: 57 ms a poll after 12 s, 0.3 s at times, and the live numbers fell behind (issue
    14, item 2)."""

    KEEP = 8_000

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.stride = 1
        self.frame = pd.DataFrame(columns=[*STEP_COLUMNS, "samples_seen"])

    def update(self, store: RunStore) -> pd.DataFrame:
        last = int(self.frame["step"].iloc[-1]) if len(self.frame) else -1
        count = store.step_count(self.run_id, after=last)
        if not count:
            return self.frame
        old = self.frame
        if len(old) > 1 and last % self.stride:  # kept only while it was the latest
            old = old.iloc[:-1]
        while self._kept(old) + -(-count // self.stride) > self.KEEP:
            self.stride *= 2
        new = pd.DataFrame(store.steps_every(self.run_id, last, self.stride))
        if new.empty:  # the run was deleted in between
            return self.frame
        seen = int(self.frame["samples_seen"].iloc[-1]) if len(self.frame) else 0
        new["samples_seen"] = seen + new.pop("seen")
        old = old[old["step"].to_numpy() % self.stride == 0] if len(old) > 1 else old
        new = new[[*STEP_COLUMNS, "samples_seen"]]
        self.frame = new if old.empty else pd.concat([old, new], ignore_index=True)
        return self.frame

    def epoch_steps(self, store: RunStore, epoch: int, limit: int = 2000) -> pd.DataFrame:
        """Every step of EPOCH (evenly thinned to about LIMIT), read from the store: the feed
        itself keeps only a stride, which would show a batch-by-batch chart with gaps. The
        kept rows bound where that epoch's steps lie, so the read is a short range."""
        steps, epochs = self.frame["step"], self.frame["epoch"]
        before, after = steps[epochs < epoch], steps[epochs > epoch]
        low = int(before.iloc[-1]) + 1 if len(before) else 0
        high = int(after.iloc[0]) - 1 if len(after) else int(steps.iloc[-1]) if len(steps) else -1
        rows = store.epoch_steps(self.run_id, epoch, low, high, limit)
        return pd.DataFrame(rows, columns=["step", "epoch", "batch_size", "class_counts"])

    def _kept(self, frame: pd.DataFrame) -> int:
        return int((frame["step"].to_numpy() % self.stride == 0).sum())


def epochs_frame(store: RunStore, run_id: str) -> pd.DataFrame:
    rows = store.epochs(run_id)
    return pd.DataFrame(rows, columns=["run_id", *EPOCH_COLUMNS]).drop(columns="run_id")


@dataclass(frozen=True)
class Progress:
    steps_done: int
    total_steps: int
    epoch: int  # 0-based epoch of the last step done
    steps_per_second: float
    samples_per_second: float
    eta_seconds: float | None

    @property
    def fraction(self) -> float:
        return min(1.0, self.steps_done / self.total_steps) if self.total_steps else 0.0


def progress(run: dict, steps: pd.DataFrame) -> Progress:
    """Progress from the steps written so far; rates over the last ~2 seconds of steps."""
    done = int(run.get("steps_done") or 0)
    total = int(run.get("total_steps") or 0)
    if steps.empty:
        return Progress(done, total, 0, 0.0, 0.0, None)
    # Differences of step numbers and samples seen, not row counts: a live feed keeps only a
    # stride of its rows (StepFeed), and these stay exact. The window starts one row before
    # the last 2 s, so a sparse stride never leaves the latest row alone in it.
    start = int((steps["seconds"] < steps["seconds"].iloc[-1] - 2.0).sum())
    recent = steps.iloc[max(0, start - 1) :]
    first, latest = recent.iloc[0], recent.iloc[-1]
    span = float(latest["seconds"] - first["seconds"])
    if span > 0:
        sps = float(latest["step"] - first["step"]) / span
        samples = float(latest["samples_seen"] - first["samples_seen"]) / span
    else:
        last = float(latest["seconds"]) or 1.0
        sps, samples = float(latest["step"] + 1) / last, float(latest["samples_seen"]) / last
    eta = (total - done) / sps if sps > 0 and total > done else None
    return Progress(done, total, int(steps["epoch"].iloc[-1]), sps, samples, eta)


def run_choice(run: dict) -> str:
    """A stored run as the Runs page's picker names it: id, then its name (given, or data,
    model, B (and K), E, lr)."""
    return f"{run['run_id']} · {run_name(run)}"


def cli_command(config: dict) -> str:
    """The `python -m core train ...` line that repeats a run."""
    parts = [
        "python",
        "-m",
        "core",
        "train",
    ]
    # The user's own files: their names (a page's uploads live in a temporary folder).
    if config.get("data_file"):
        parts += ["--data-file", os.path.basename(str(config["data_file"]))]
    else:
        parts += ["--dataset", str(config["dataset"])]
    if config.get("model_file"):
        parts += ["--model-file", os.path.basename(str(config["model_file"]))]
        if config.get("loss", "auto") != "auto":
            parts += ["--loss", str(config["loss"])]
    else:
        parts += ["--model", str(config["model"])]
    if config.get("n") is not None:
        parts += ["--n", str(config["n"])]
    parts += ["--batch-size", str(config["batch_size"]), "--epochs", str(config["epochs"])]
    if config.get("validation_split"):
        parts += ["--validation-split", str(config["validation_split"])]
    parts += ["--shuffle", str(config["shuffle"])]
    if config.get("drop_remainder"):
        parts.append("--drop-remainder")
    parts += [
        "--optimizer",
        str(config["optimizer"]),
        "--lr",
        str(config["lr"]),
        "--seed",
        str(config["seed"]),
    ]
    if config.get("engine", "fused") != "fused":
        parts += ["--engine", str(config["engine"])]
    for key in ("replicas", "accumulation"):  # 1: the default, left out
        if int(config.get(key) or 1) > 1:
            parts += [f"--{key}", str(config[key])]
    # A sweep's or Advise's budget capped the run short of its epochs: the same cap repeats it.
    for key in ("max_steps", "max_seconds"):
        if config.get(key) is not None:
            parts += [f"--{key.replace('_', '-')}", str(config[key])]
    if config.get("data_file") and config.get("label"):
        parts += ["--label", str(config["label"])]
    if config["dataset"] == "csv":
        parts += ["--csv", "YOUR.csv", "--label", str(config.get("label"))]
        if config.get("standardize") is False:
            parts.append("--no-standardize")
    if config["dataset"] == "blobs":
        for key, default in (("features", BLOBS_FEATURES), ("classes", BLOBS_CLASSES)):
            if config.get(key, default) != default:
                parts += [f"--{key}", str(config[key])]
    if config["dataset"] == "linear" and config.get("noise"):
        parts += ["--noise", str(config["noise"])]
    return shlex.join(parts)


def _stored(store: RunStore, run_ids: list[str]):
    """(run_id, run) for the ids still in the store (a run deleted meanwhile is left out)."""
    for run_id in run_ids:
        run = store.get_run(run_id)
        if run is not None:
            yield run_id, run


def export_json(store: RunStore, run_ids: list[str]) -> str:
    """Runs with their config, steps and epochs, as one JSON document."""
    out = []
    for run_id, run in _stored(store, run_ids):
        run["steps"] = store.steps(run_id)
        run["epochs"] = store.epochs(run_id)
        run["cli"] = cli_command(run["config"])
        out.append(run)
    return json.dumps(out, indent=1, default=_jsonable)


def export_csv(store: RunStore, run_ids: list[str]) -> str:
    """Every step of the runs, one row each, with the run's settings as columns."""
    frames = []
    for run_id, run in _stored(store, run_ids):
        frame = steps_frame(store, run_id).drop(columns="class_counts")
        for key in ("dataset", "model", "optimizer", "lr", "seed", "sweep_id"):
            frame[key] = run.get(key)
        frame.insert(0, "run_id", run_id)
        frame["run_batch_size"] = run["batch_size"]
        frames.append(frame)
    buf = io.StringIO()
    if frames:
        pd.concat(frames, ignore_index=True).to_csv(buf, index=False)
    return buf.getvalue()


def runs_table(runs: list[dict]) -> pd.DataFrame:
    """One row per run, what it was and what it gave first (the table is wider than a page):
    the setting, the steps, the results, then the optimizer and the bookkeeping. Figures are
    rounded to what they can tell: loss to 4 places, accuracy to 3, steps/s whole."""
    rows = []
    for r in runs:
        test = r.get("test_metrics") or {}
        rate = r.get("steps_per_second")
        rows.append(
            {
                "run_id": r["run_id"],
                "status": r["status"],
                "dataset": r["dataset"],
                "model": r["model"],
                "n": r["n"],
                "batch_size": r["batch_size"],
                "accumulation": run_accumulation(r),
                "epochs": r["epochs"],
                "steps": f"{r['steps_done']:,} / {r['total_steps']:,}",
                # after the setting: a long model file's name kept E off a laptop-wide grid
                "name": run_name(r),
                "test_loss": _rounded(test.get("loss"), 4),
                "test_accuracy": _rounded(test.get("accuracy"), 3),
                "steps_per_second": None if rate is None else round(rate),
                "peak_memory_mb": peak_memory_mb(r),
                "optimizer": r["optimizer"],
                "lr": r["lr"],
                "created": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["created"])),
                "sweep_id": r.get("sweep_id"),
            }
        )
    return pd.DataFrame(rows)


def significant(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """FRAME with every float rounded to DIGITS significant figures, for a table people read
    (0.05094649300008314 s → 0.05095); integers, text and missing values stay as they are."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [v if not np.isfinite(v) else float(f"{v:.{digits}g}") for v in out[col]]
    return out


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def device_text(device: dict, lang: str = "en") -> str:
    """One entry of `engine.list_devices()` in words."""
    if device["kind"] == "CPU":
        return t("device.cpu", lang, name=device["name"], cores=device["cores"])
    return f"{device['kind']}: {device['name']}"


def device_label(device: str) -> str:
    """A run's device string, short: 'CPU', 'GPU', or '2 × CPU' for replicas."""
    match = re.match(r"(\d+) replicas \(.*\) on ([A-Za-z]+)", device)
    if match:
        return f"{match[1]} × {match[2].upper()}"
    return device.split(":")[0].split(" (")[0]


def run_message(run: dict, lang: str = "en") -> str:
    """A stored run's message in `lang`: the app's own texts are rebuilt from the run's fields;
    an exception's text (a failed run) stays as it was raised."""
    if run.get("status") == "diverged" and run.get("diverged_step") is not None:
        return t("run.diverged", lang, step=run["diverged_step"], lr=f"{run['lr']:g}")
    if run.get("status") == "interrupted":
        return t("run.interrupted", lang)
    return run.get("message") or ""


def sweep_label(sweep: dict) -> str:
    """A sweep's name in pickers. Stable while the sweep runs: a selectbox whose labels change
    under it loses its value, so no run counts here."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(sweep["created"]))
    return f"{sweep['sweep_id']} · {sweep['dataset']} {sweep['model']} · {when}"
