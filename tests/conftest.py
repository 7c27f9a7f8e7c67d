"""Fixtures every test gets, and helpers tests share (imported as `from tests.conftest import ...`;
they keep no state, so it does not matter that pytest loads this file too, as `conftest`).

- `isolated_store` (autouse): a run store of the test's own; `peak_mib`: peak memory of a call.
- `linear_config` / `LINEAR_TUTORIAL`: the y = 2x tutorial (10 samples, B=3, SGD).
- `run_python`: `python ...` in a fresh process from the repo root, as a user would start it.
"""

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from core.train.engine import TrainConfig

ROOT = Path(__file__).resolve().parents[1]

# y = 2x on 10 samples in batches of 3, 3, 3, 1 (40 steps), plain SGD: the smallest real training.
LINEAR_TUTORIAL = dict(
    dataset="linear", model="linear", n=10, batch_size=3, epochs=10, optimizer="sgd", lr=0.001
)


def linear_config(**overrides) -> TrainConfig:
    """The y = 2x tutorial's `TrainConfig`, with OVERRIDES (any `TrainConfig` field)."""
    return TrainConfig(**{**LINEAR_TUTORIAL, **overrides})


def run_python(*args: str, keras_backend: str = "tensorflow") -> str:
    """Run `python ARGS` from the repo root with KERAS_BACKEND set; return what it printed.

    Fails with the end of its stderr unless it exits 0.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": keras_backend}
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    """Every test gets its own run store, never the user's."""
    path = tmp_path / "runs.db"
    monkeypatch.setenv("BATCHLAB_DB", str(path))
    return path


@pytest.fixture
def peak_mib():
    """Measure the peak MiB allocated while a call runs (tracemalloc sees NumPy's buffers too).

    Huge-N cases are checked by memory, not the clock: an index list of 10^8 samples is
    ~800 MiB whatever else the machine is doing, where a timed assert fails on a busy one.
    """

    def measure(fn):
        tracemalloc.start()
        try:
            result = fn()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return result, peak / 2**20

    return measure
