"""Real Keras training through the engine (imports TensorFlow)."""

import math
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.run.recording import create_run, run_and_record
from core.run.runner import WorkerPool
from core.run.store import RunStore
from core.train.engine import Reporter, TrainConfig, prepare, train
from tests.conftest import LINEAR_TUTORIAL, linear_config, run_python

ROOT = Path(__file__).resolve().parents[2]


class Collect(Reporter):
    def __init__(self):
        self.chunks = []

    def chunk(self, chunk, steps_done):
        self.chunks.append(chunk)


def test_y_equals_2x_feeds_3_3_3_1_and_learns():
    result = train(prepare(linear_config()))
    assert result.status == "completed"
    assert result.steps == 40
    assert result.batch_sizes == [3, 3, 3, 1] * 10
    assert len(result.step_losses) == 40 and len(result.epoch_losses) == 10
    assert result.epoch_losses[-1] < result.epoch_losses[0] / 10


def test_synthetic_tutorial_makes_10_steps_per_epoch_near_ln_10():
    result = train(prepare(TrainConfig(dataset="synthetic", n=1000, batch_size=100, epochs=3)))
    assert result.steps == 30 and result.batch_sizes == [100] * 30
    assert abs(result.epoch_losses[-1] - math.log(10)) < 0.15
    assert set(result.test_metrics) == {"loss", "accuracy"}


@pytest.mark.slow
def test_synthetic_labels_are_memorised_and_the_gap_to_validation_grows():
    """What the synthetic dataset's note says: training loss falls, held-out loss rises."""
    cfg = TrainConfig(dataset="synthetic", n=250, batch_size=8, epochs=40, validation_split=0.2)
    result = train(prepare(cfg))
    chance = math.log(10)  # the loss of a uniform guess over 10 classes
    first, last = result.epochs[0], result.epochs[-1]
    assert abs(first.val_loss - chance) < 0.3
    assert last.train_loss < chance / 4 and last.train_accuracy > 0.9  # memorised
    assert last.val_loss > chance + 0.5 and result.test_metrics["loss"] > chance + 0.5
    assert result.test_metrics["accuracy"] < 0.25  # 10% is chance


def test_digits_cnn_with_validation():
    cfg = TrainConfig(dataset="digits", model="cnn", batch_size=32, epochs=2, validation_split=0.2)
    p = prepare(cfg)
    result = train(p)
    assert p.schedule.train_samples == 1150 and p.schedule.validation_samples == 288
    assert result.steps == 2 * 36
    assert len(result.val_losses) == 2 and result.val_losses[1] < result.val_losses[0]
    assert result.epochs[1].val_accuracy > 0.5


def test_same_seed_same_losses_and_other_seed_differs():
    cfg = TrainConfig(dataset="blobs", n=300, batch_size=16, epochs=2, seed=3)
    a, b = train(prepare(cfg)), train(prepare(cfg))
    assert a.step_losses == b.step_losses
    c = train(prepare(TrainConfig(dataset="blobs", n=300, batch_size=16, epochs=2, seed=4)))
    assert c.step_losses != a.step_losses


def test_fused_engine_matches_stock_keras_fit_on_the_same_batches():
    fused = train(prepare(linear_config(shuffle="batch")))
    stock = train(prepare(linear_config(shuffle="batch", engine="keras-fit")))
    np.testing.assert_allclose(fused.step_losses, stock.step_losses, rtol=1e-4)
    cfg = dict(dataset="digits", batch_size=64, epochs=2, validation_split=0.1)
    fused = train(prepare(TrainConfig(**cfg)))
    stock = train(prepare(TrainConfig(**cfg, engine="keras-fit")))
    np.testing.assert_allclose(fused.step_losses, stock.step_losses, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(fused.val_losses, stock.val_losses, rtol=1e-3)


def test_class_counts_are_those_of_the_scheduled_batches():
    p = prepare(TrainConfig(dataset="digits", batch_size=50, epochs=2, seed=9))
    rec = Collect()
    train(p, rec)
    y = p.data.y[: p.schedule.train_samples]
    expected = [
        np.bincount(y[b], minlength=10).tolist()
        for e in range(2)
        for b in p.schedule.epoch_batches(e)
    ]
    got = [c for ch in rec.chunks for c in ch.class_counts]
    assert got == expected


def test_budget_of_steps_crosses_epochs_and_stops_exactly():
    result = train(prepare(linear_config(epochs=100, max_steps=9)))
    assert result.steps == 9 and result.batch_sizes == [3, 3, 3, 1, 3, 3, 3, 1, 3]


def test_huge_learning_rate_diverges_with_history_kept():
    result = train(prepare(linear_config(lr=10.0)))
    assert result.status == "diverged"
    assert result.diverged_step is not None and result.steps == result.diverged_step + 1
    assert not math.isfinite(result.step_losses[-1])
    assert all(math.isfinite(v) for v in result.step_losses[:-1])
    assert "lower the learning rate" in result.message


def test_stop_acts_within_one_second_and_keeps_the_steps():
    p = prepare(TrainConfig(dataset="synthetic", n=4000, batch_size=1, epochs=50))
    flag = threading.Event()
    rec = Collect()
    out = {}

    def go():
        out["result"] = train(p, rec, should_stop=flag.is_set)
        out["end"] = time.perf_counter()

    worker = threading.Thread(target=go)
    worker.start()
    while sum(len(c.losses) for c in rec.chunks) < 500:
        time.sleep(0.05)
    asked = time.perf_counter()
    flag.set()
    worker.join(10)
    assert out["end"] - asked < 1.0
    result = out["result"]
    assert result.status == "stopped"
    assert 500 <= result.steps < p.schedule.total_steps
    assert result.steps == sum(len(c.losses) for c in rec.chunks)


def test_store_round_trip(isolated_store):
    store = RunStore()
    p = prepare(linear_config(validation_split=0.2))
    run_id = create_run(store, p)
    result = run_and_record(p, store, run_id)
    run = store.get_run(run_id)
    assert run["status"] == "completed" and run["steps_done"] == result.steps == 30
    assert run["config"]["batch_size"] == 3 and run["n"] == 10
    steps = store.steps(run_id)
    assert [s["batch_size"] for s in steps] == result.batch_sizes
    assert [s["loss"] for s in steps] == pytest.approx(result.step_losses)
    assert [e["val_loss"] for e in store.epochs(run_id)] == pytest.approx(result.val_losses)
    assert run["test_metrics"]["loss"] == pytest.approx(result.test_metrics["loss"])


def _cli(command: str):
    """`python -m core COMMAND` (a shell line) in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "core", *shlex.split(command)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _long_cli_run(steps: int):
    """A long CLI training, returned once it has stored more than `steps` steps."""
    proc = _cli("train --dataset synthetic --n 4000 --batch-size 1 --epochs 100 --json")
    store = RunStore()
    deadline = time.time() + 90
    while time.time() < deadline:
        runs = store.list_runs()
        if runs and runs[0]["steps_done"] > steps:
            break
        time.sleep(0.2)
    return proc, store


def test_killed_cli_run_shows_interrupted_and_the_store_stays_readable(isolated_store):
    proc, store = _long_cli_run(200)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    run = store.list_runs()[0]
    assert run["status"] == "interrupted"
    steps = store.steps(run["run_id"])
    assert len(steps) == run["steps_done"] > 200
    assert [s["step"] for s in steps] == list(range(len(steps)))


def test_ctrl_c_stops_the_cli_run_and_still_prints_json(isolated_store):
    import json

    proc, store = _long_cli_run(100)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    data = json.loads(out)
    assert data["status"] == "stopped" and data["steps"] > 100
    assert store.get_run(data["run_id"])["status"] == "stopped"


def test_two_concurrent_runs_in_worker_processes(isolated_store):
    pool = WorkerPool()
    store = RunStore()
    handles = []
    for seed, b in [(1, 8), (2, 16)]:
        p = prepare(TrainConfig(dataset="blobs", n=800, batch_size=b, epochs=3, seed=seed))
        handles.append((pool.submit(p, str(isolated_store), create_run(store, p)), p))
    long = prepare(TrainConfig(dataset="synthetic", n=4000, batch_size=1, epochs=100))
    stopped = pool.submit(long, str(isolated_store), create_run(store, long))
    for h, _ in handles:
        h.join(120)
    stopped.stop()
    stopped.join(60)
    for h, p in handles:
        run = store.get_run(h.run_id)
        assert run["status"] == "completed", run
        assert run["steps_done"] == p.schedule.total_steps
        assert len(store.steps(h.run_id)) == p.schedule.total_steps
    assert store.get_run(stopped.run_id)["status"] == "stopped"
    assert len({h.run_id for h, _ in handles}) == 2
    pool.shutdown()


def test_a_primed_worker_starts_the_run_without_compiling(isolated_store):
    pool = WorkerPool()
    store = RunStore()
    cfg = TrainConfig(dataset="blobs", n=800, batch_size=16, epochs=3, validation_split=0.2)
    pool.warm()
    pool.prime(replace(cfg, seed=5, lr=0.01))  # seed and lr do not change the compiled shape
    deadline = time.time() + 120
    while pool.primed() is None and time.time() < deadline:
        time.sleep(0.2)
    assert pool.primed() is not None
    p = prepare(cfg)
    primed = pool.submit(p, str(isolated_store), create_run(store, p))
    primed.join(120)
    fresh = WorkerPool()  # no spare: a fresh worker, which compiles
    cold = fresh.submit(p, str(isolated_store), create_run(store, p))
    cold.join(120)
    fresh.shutdown()
    runs = {h.run_id: store.get_run(h.run_id) for h in (primed, cold)}
    assert [r["status"] for r in runs.values()] == ["completed", "completed"]
    assert runs[primed.run_id]["summary"]["compile_reused"] is True
    assert runs[cold.run_id]["summary"]["compile_reused"] is False
    # priming leaves no trace in the results: the same seed gives the same steps
    losses = [[s["loss"] for s in store.steps(run_id)] for run_id in runs]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    pool.shutdown()


def test_a_worker_back_from_a_run_is_the_spare_and_starts_the_next_without_compiling(
    isolated_store,
):
    pool = WorkerPool()
    store = RunStore()
    p = prepare(TrainConfig(dataset="blobs", n=400, batch_size=16, epochs=2))
    first = pool.submit(p, str(isolated_store), create_run(store, p))
    worker = first._worker
    first.join(120)
    assert not first.alive() and first.outcome() == ("done", "completed")
    assert worker.process.is_alive()  # it lives on ...
    pool.warm()
    assert pool._spare is worker  # ... as the spare, its compiled step kept
    assert pool.readiness(p.config) == "compiled"
    second = pool.submit(p, str(isolated_store), create_run(store, p))
    assert second._worker is worker
    first.stop()  # the old run's Stop reaches nothing: its job is over
    second.join(120)
    runs = [store.get_run(h.run_id) for h in (first, second)]
    assert [r["status"] for r in runs] == ["completed", "completed"]
    assert runs[0]["summary"]["compile_reused"] is False
    assert runs[1]["summary"]["compile_reused"] is True
    assert runs[1]["summary"]["warmup_seconds"] < runs[0]["summary"]["warmup_seconds"]
    assert "compiling_since" not in runs[1]["summary"]
    # reuse leaves no trace in the results: the same seed gives the same steps
    losses = [[s["loss"] for s in store.steps(r["run_id"])] for r in runs]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    pool.shutdown()
    worker.process.join(30)
    assert not worker.process.is_alive()


def test_a_replicas_run_does_not_take_a_spare_that_has_primed(isolated_store):
    # Priming trains a step, so TensorFlow has made its devices: too late to split the CPU.
    pool = WorkerPool()
    store = RunStore()
    pool.warm()
    pool.prime(TrainConfig(dataset="blobs", n=200, batch_size=20))
    deadline = time.time() + 120
    while pool.primed() is None and time.time() < deadline:
        time.sleep(0.2)
    spare = pool._spare
    p = prepare(TrainConfig(dataset="blobs", n=200, batch_size=20, epochs=1, replicas=2))
    handle = pool.submit(p, str(isolated_store), create_run(store, p))
    handle.join(120)
    run = store.get_run(handle.run_id)
    assert run["status"] == "completed", run["message"]
    assert "2 replicas (MirroredStrategy)" in run["device"]
    assert pool._spare is spare  # still there, primed, for the next plain run
    pool.shutdown()


JAX_SCRIPT = """
import json, sys
from core.train.engine import TrainConfig, prepare, train
cfg = TrainConfig(**json.loads(sys.argv[1]))
r = train(prepare(cfg))
print(json.dumps({"device": r.device, "losses": r.step_losses, "val": r.val_losses,
                  "test": r.test_metrics}))
"""


@pytest.mark.parametrize(
    "cfg",
    [
        {**LINEAR_TUTORIAL, "epochs": 5},
        dict(
            dataset="digits",
            model="cnn",
            batch_size=64,
            epochs=2,
            validation_split=0.1,
            shuffle="batch",
        ),
    ],
)
def test_jax_backend_gives_the_same_losses_as_tensorflow(cfg):
    pytest.importorskip("jax")
    import json

    out = run_python("-c", JAX_SCRIPT, json.dumps(cfg), keras_backend="jax")
    jax_out = json.loads(out.strip().splitlines()[-1])
    assert "(jax)" in jax_out["device"]
    tf_result = train(prepare(TrainConfig(**cfg)))
    assert "(tensorflow)" in tf_result.device
    np.testing.assert_allclose(jax_out["losses"], tf_result.step_losses, rtol=2e-3, atol=1e-4)
    np.testing.assert_allclose(jax_out["val"], tf_result.val_losses, rtol=2e-3)


def test_data_too_large_for_the_device_is_streamed_with_the_same_losses(monkeypatch):
    from core.train import steppers

    cfg = TrainConfig(dataset="digits", batch_size=50, epochs=2, validation_split=0.1, seed=4)
    resident = train(prepare(cfg))
    monkeypatch.setattr(steppers, "RESIDENT_BYTES", 1000)  # digits' 360 KB now counts as huge
    streamed = train(prepare(cfg))
    assert "streamed in chunks" in streamed.message and not resident.message
    np.testing.assert_allclose(streamed.step_losses, resident.step_losses, rtol=1e-5)
    np.testing.assert_allclose(streamed.val_losses, resident.val_losses, rtol=1e-5)


def test_step_feed_reads_only_new_steps_and_matches_a_full_read(isolated_store):
    from core.present import report

    store = RunStore()
    p = prepare(linear_config())
    run_id = create_run(store, p)
    feed = report.StepFeed(run_id)
    assert feed.update(store).empty

    class Check(Reporter):
        def chunk(self, chunk, steps_done):
            frame = feed.update(store)
            assert len(frame) == steps_done

    reporter = Check()
    from core.run.recording import StoreReporter

    class Both(StoreReporter):
        def chunk(self, chunk, steps_done):
            super().chunk(chunk, steps_done)
            reporter.chunk(chunk, steps_done)

    train(p, Both(store, run_id))
    full = report.steps_frame(store, run_id)
    assert feed.update(store)[["step", "loss", "samples_seen"]].equals(
        full[["step", "loss", "samples_seen"]]
    )


def test_priming_skips_what_the_spare_cannot_take_as_is():
    from core.run.runner import PRIME_MAX_BYTES

    pool = WorkerPool()
    pool.warm()
    spare = pool._spare
    base = TrainConfig(dataset="blobs", n=200, batch_size=20)
    for cfg, size in [
        (replace(base, replicas=2), 0),
        (replace(base, engine="keras-fit"), 0),
        (replace(base, dataset="csv", label="y"), 0),
        (base, PRIME_MAX_BYTES + 1),
    ]:
        pool.prime(cfg, size)
        assert spare.prime_sent is None, cfg
    pool.prime(base, 1000)
    assert spare.prime_sent is not None
    pool.shutdown()
