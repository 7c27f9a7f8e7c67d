import pytest

from core import demo
from core.run.recording import create_run
from core.run.runner import PoolBusy, WorkerPool
from core.run.store import RunStore
from core.study.sweep import SweepSpec, plan
from core.train.engine import TrainConfig, prepare


def test_demo_mode_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv("BATCHLAB_DEMO", raising=False)
    assert demo.limits() is None
    monkeypatch.setenv("BATCHLAB_DEMO", "1")
    assert demo.limits() == demo.Limits()


@pytest.mark.parametrize(
    ("cfg", "match"),
    [
        (dict(dataset="synthetic", n=50_000, batch_size=500), "at most 20,000 samples"),
        (dict(dataset="synthetic", n=1000, batch_size=100, epochs=60), "at most 50 epochs"),
        (dict(dataset="synthetic", n=20_000, batch_size=1, epochs=2), "at most 20,000 steps"),
    ],
)
def test_demo_caps_say_what_to_change(cfg, match):
    with pytest.raises(ValueError, match=match):
        demo.check_train(prepare(TrainConfig(**cfg)))


def test_demo_caps_uploads_below_the_local_cap():
    demo.check_upload(2 * 2**20)  # exactly the cap is fine
    with pytest.raises(ValueError, match=r"up to 2 MB, got 2\.5 MB: upload a smaller file"):
        demo.check_upload(int(2.5 * 2**20))


def test_demo_caps_sweep_size():
    configs = plan(SweepSpec(batch_sizes=(1, 2, 4, 8), repeats=2), 1000)
    with pytest.raises(ValueError, match="at most 6 runs per sweep"):
        demo.check_sweep(configs)


def test_global_limit_refuses_a_second_training_while_one_runs(isolated_store):
    pool = WorkerPool(max_concurrent=1, spare_while_busy=False)
    store = RunStore()
    p = prepare(TrainConfig(dataset="synthetic", n=4000, batch_size=1, epochs=50))
    handle = pool.submit(p, str(isolated_store), create_run(store, p))
    pool.warm()  # no spare while busy on a small host
    assert pool._spare is None
    with pytest.raises(PoolBusy, match="training slots of this shared demo are busy"):
        pool.check_slot()
    handle.stop()
    handle.join(60)
    pool.check_slot()  # free again
    pool.shutdown()
