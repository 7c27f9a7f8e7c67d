"""Demo mode (`BATCHLAB_DEMO=1`): caps that keep a shared 1 GB, shared-CPU host healthy.

Pages call `check_train()` / `check_sweep()` before starting work; the worker pool enforces
`max_concurrent` across all sessions of the server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from core.errors import InputError


@dataclass(frozen=True)
class Limits:
    max_n: int = 20_000
    max_epochs: int = 50
    max_steps: int = 20_000
    max_sweep_runs: int = 6
    max_upload_bytes: int = 2 * 1024 * 1024
    # Worker processes training at once, over all sessions: each holds a TensorFlow runtime
    # (~330 MB private memory plus ~500 MB of shared library pages on this build).
    max_concurrent: int = 1
    max_throughput_batch: int = 1024


def enabled() -> bool:
    return os.environ.get("BATCHLAB_DEMO", "").strip() in ("1", "true", "yes")


def limits() -> Limits | None:
    return Limits() if enabled() else None


def check_train(prepared, limits: Limits | None = None) -> None:
    """Raise ValueError (what to change) when a run is over the demo's caps."""
    limits = limits or Limits()
    s = prepared.schedule
    if prepared.data.n > limits.max_n:
        raise InputError(
            "this demo trains on at most {max_n:,} samples, got {n:,}: lower N (or run Batch Lab "
            "locally).",
            max_n=limits.max_n,
            n=prepared.data.n,
        )
    if s.epochs > limits.max_epochs:
        raise InputError(
            "this demo runs at most {max_epochs} epochs, got {epochs}: lower the epochs (or run "
            "Batch Lab locally).",
            max_epochs=limits.max_epochs,
            epochs=s.epochs,
        )
    if s.total_steps > limits.max_steps and not prepared.config.max_steps:
        raise InputError(
            "this demo runs at most {max_steps:,} steps, got {total_steps:,}: raise the batch "
            "size or lower N or the epochs.",
            max_steps=limits.max_steps,
            total_steps=s.total_steps,
        )


def check_upload(size: int, limits: Limits | None = None) -> None:
    """Demo mode takes smaller uploads than a local app (`server.maxUploadSize`)."""
    limits = limits or Limits()
    if size > limits.max_upload_bytes:
        raise InputError(
            "this demo takes CSV files up to {cap_mb} MB, got {mb:.1f} MB: upload a smaller file.",
            cap_mb=limits.max_upload_bytes // 2**20,
            mb=size / 2**20,
        )


def check_sweep(configs, limits: Limits | None = None) -> None:
    limits = limits or Limits()
    if len(configs) > limits.max_sweep_runs:
        raise InputError(
            "this demo runs at most {max_sweep_runs} runs per sweep, got {runs}: use fewer batch "
            "sizes or repeats.",
            max_sweep_runs=limits.max_sweep_runs,
            runs=len(configs),
        )
    for cfg in configs:
        if cfg.max_seconds is not None and cfg.max_seconds > 30:
            raise InputError("this demo runs at most 30 seconds per run: lower T.")
        if cfg.max_steps is not None and cfg.max_steps > limits.max_steps:
            raise InputError(
                "this demo runs at most {max_steps:,} steps per run: lower the budget.",
                max_steps=limits.max_steps,
            )
        if cfg.max_steps is None and cfg.max_seconds is None and cfg.epochs > limits.max_epochs:
            raise InputError(
                "this demo runs at most {max_epochs} epochs: lower E.", max_epochs=limits.max_epochs
            )
