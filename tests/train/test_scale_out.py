"""Data-parallel replicas (tf.distribute) and sweeps on Ray."""

import json
import shlex

import numpy as np
import pytest

from core.cli import main
from core.run.store import RunStore
from core.schedule.plan import Schedule, ScheduleSpec
from core.train.engine import TrainConfig
from tests.conftest import run_python


def test_replicas_split_each_global_batch():
    s = Schedule(ScheduleSpec(n=10, batch_size=4, replicas=2, shuffle="none"))
    assert (s.steps_per_epoch, s.per_replica_batch_size) == (3, 2)  # still ceil(N / B)
    shards = [[p.tolist() for p in s.replica_shards(b)] for b in s.epoch_batches(0)]
    assert shards == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8], [9]]]


def test_batch_not_divisible_by_replicas_suggests_sizes():
    with pytest.raises(ValueError, match="multiple of 4, e.g. 28 or 32"):
        Schedule(ScheduleSpec(n=100, batch_size=30, replicas=4))


def test_schedule_json_gains_replicas(capsys):
    assert (
        main(["schedule", "--n", "1000", "--batch-size", "100", "--replicas", "4", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["replicas"], out["per_replica_batch_size"], out["steps_per_epoch"]) == (4, 25, 10)


def _train(*extra, backend="tensorflow"):
    argv = "-m core train --dataset synthetic --n 800 --batch-size 100 --epochs 2 --json"
    return json.loads(run_python(*shlex.split(argv), *extra, keras_backend=backend))


def test_two_replicas_on_two_logical_cpus_train_like_one():
    two = _train("--replicas", "2")
    one = _train("--engine", "keras-fit")
    assert two["replicas"] == 2 and "2 replicas (MirroredStrategy)" in two["device"]
    assert (two["schedule"]["replicas"], two["schedule"]["per_replica_batch_size"]) == (2, 50)
    timing = two["timing"]
    assert timing["per_replica_samples_per_second"] == timing["samples_per_second"] / 2
    assert two["status"] == "completed" and two["steps"] == one["steps"] == 16
    # the same global batches and an averaged gradient: the same losses, up to float sums
    np.testing.assert_allclose(two["step_losses"], one["step_losses"], rtol=1e-4, atol=1e-5)


def test_two_replicas_on_the_jax_backend_use_keras_data_parallel():
    pytest.importorskip("jax")
    two = _train("--replicas", "2", backend="jax")
    one = _train("--engine", "keras-fit", backend="jax")
    assert two["device"] == "2 replicas (DataParallel, jax) on CPU:0, CPU:1"
    assert two["status"] == "completed" and two["steps"] == one["steps"] == 16
    np.testing.assert_allclose(two["step_losses"], one["step_losses"], rtol=1e-4, atol=1e-5)


ray = pytest.importorskip("ray")


def test_sweep_on_ray_writes_every_run_to_the_store(capsys):
    argv = "sweep --dataset blobs --n 256 --batch-sizes 16,64 --epochs 2 --executor ray --json"
    assert main(shlex.split(argv)) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["executor"] == "ray"
    assert [(r["batch_size"], r["status"], r["steps"]) for r in out["runs"]] == [
        (16, "completed", 32),
        (64, "completed", 8),
    ]
    store = RunStore()
    for r in out["runs"]:
        assert len(store.steps(r["run_id"])) == r["steps"]
        assert len(store.epochs(r["run_id"])) == 2


def test_a_failed_ray_task_is_reported_and_the_others_finish():
    from core.run import executors

    store = RunStore()
    good = TrainConfig(dataset="blobs", n=256, batch_size=32, epochs=1)
    bad = TrainConfig(dataset="digits", n=99999, batch_size=32, epochs=1)  # fails in the task
    ids = executors.run_sweep_ray([good, bad], store, "sw-fault", validate=False)
    runs = {r: store.get_run(r) for r in ids}
    assert runs[ids[0]]["status"] == "completed"
    assert runs[ids[1]]["status"] == "failed"
    assert "more than the 1,438 samples" in runs[ids[1]]["message"]


def test_ray_address_without_ray_executor_is_a_usage_error(capsys):
    assert main(["sweep", "--dataset", "blobs", "--batch-sizes", "8", "--ray-address", "auto"]) == 2
