"""What the clock measures: training only, the same on both backends, samples actually fed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.train.engine import Reporter, TrainConfig, prepare, train

ROOT = Path(__file__).resolve().parents[2]


class Calls(Reporter):
    """Compiled calls, told apart by the training clock at their end."""

    def __init__(self):
        self.ends, self.samples = set(), 0

    def chunk(self, chunk, steps_done):
        self.ends.add(chunk.elapsed)
        self.samples += sum(chunk.batch_sizes)


def test_chunks_run_across_epoch_ends_on_small_data():
    """digits at B=1024: 2 steps an epoch (1024 + 414). Chunks stopping at epoch ends made
    two calls an epoch (one full, one partial batch) and timed per-call overhead."""
    calls = Calls()
    result = train(prepare(TrainConfig(dataset="digits", batch_size=1024, epochs=200)), calls)
    assert result.steps == 400 and result.batch_sizes[:4] == [1024, 414, 1024, 414]
    assert calls.samples == 200 * 1438
    assert len(calls.ends) < 60  # chunks grow to ~0.2 s each: far fewer calls than epochs


def test_samples_per_second_counts_the_samples_fed_over_training_seconds():
    result = train(prepare(TrainConfig(dataset="digits", batch_size=1024, epochs=3)))
    t = result.timing
    assert t["samples"] == 3 * 1438  # not 6 steps × 1024 = 6144
    assert t["samples_per_second"] == pytest.approx(t["samples"] / t["train_seconds"])
    assert t["steps_per_second"] == pytest.approx(6 / t["train_seconds"])


def test_compile_reuse_is_reported_truly_and_warm_up_is_timed_apart():
    cfg = TrainConfig(dataset="blobs", n=3000, batch_size=96, epochs=4, validation_split=0.1)
    cfg = cfg.__class__(**{**cfg.to_dict(), "features": 37})  # a shape no other test compiled
    first = train(prepare(cfg))
    second = train(prepare(cfg))
    assert first.timing["compile_reused"] is False and second.timing["compile_reused"] is True
    assert first.timing["warmup_seconds"] > 0
    # that its training rate then matches the second's is a benchmark's question:
    # `python -m bench.measurements` times a first and a second run side by side


JAX_RUN = """
import json
from core.study import science
from core.train.engine import TrainConfig, prepare, train
result = train(prepare(TrainConfig(dataset="digits", batch_size=100, epochs=2)))
row = science.throughput(TrainConfig(dataset="digits"), [64], seconds=0.3, repeats=3)[0]
print(json.dumps({"timing": result.timing, "batch_sizes": result.batch_sizes, "row": row}))
"""


@pytest.mark.slow
def test_jax_and_tensorflow_clocks_count_the_same_samples_and_steps():
    """The two backends' clocks cover the same work. How fast each is, is a benchmark:
    `python -m bench.measurements` prints the JAX / TensorFlow ratio with its spread."""
    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", JAX_RUN], env=env, capture_output=True, text=True, timeout=240
    )
    assert out.returncode == 0, out.stderr[-2000:]
    jax = json.loads(out.stdout.strip().splitlines()[-1])
    tf = train(prepare(TrainConfig(dataset="digits", batch_size=100, epochs=2)))
    assert jax["batch_sizes"] == tf.batch_sizes == ([100] * 14 + [38]) * 2
    for t in (jax["timing"], tf.timing):
        assert t["samples"] == 2 * 1438
        assert t["samples_per_second"] == pytest.approx(t["samples"] / t["train_seconds"])
        assert t["train_seconds"] > 0
    row = jax["row"]
    assert len(row["timings"]) == 3
    low, high = row["samples_per_second_min"], row["samples_per_second_max"]
    assert low <= row["samples_per_second"] <= high
