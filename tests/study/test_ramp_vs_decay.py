"""Smith et al. 2018's experiment: the two arms' configs, real runs read back, the reading, and
the Compare page's preset section drawing a stored experiment."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.present.readings_ramp import ramp_reading
from core.run.executors import run_sweep
from core.run.store import RunStore
from core.study import ramp
from core.train.engine import TrainConfig

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_paper_ramp_and_the_matching_lr_steps():
    assert ramp.smith_ramp(16, 4, (2, 4)) == "0:16,2:64,4:256"
    assert ramp.decay_schedule("0:16,2:64,4:256") == "2:0.25,4:0.0625"
    base = TrainConfig(dataset="digits", optimizer="sgd", lr=0.05, epochs=6, seed=3)
    configs = ramp.plan(ramp.RampSpec(base, "0:16,2:64,4:256", repeats=2))
    assert [ramp.arm_of(c) for c in configs] == ["decay", "ramp"] * 2
    assert [c.seed for c in configs] == [3, 3, 4, 4]  # each repeat: same weights, both arms
    decay, grow = configs[0], configs[1]
    assert (decay.batch_size, decay.lr_schedule, decay.batch_size_schedule) == (
        16,
        "2:0.25,4:0.0625",
        "",
    )
    assert (grow.batch_size, grow.lr_schedule, grow.batch_size_schedule) == (
        16,
        "",
        "0:16,2:64,4:256",
    )
    assert decay.lr == grow.lr == 0.05


@pytest.mark.parametrize(
    "spec, words",
    [
        (ramp.RampSpec(TrainConfig(epochs=3), "0:8", 2), "needs a batch size that grows"),
        (ramp.RampSpec(TrainConfig(epochs=3, max_steps=5), "0:8,1:16", 2), "equal epochs"),
        (ramp.RampSpec(TrainConfig(epochs=3), "0:8,1:16", 0), "at least 1"),
    ],
)
def test_bad_experiments_are_refused(spec, words):
    with pytest.raises(ValueError, match=words):
        ramp.plan(spec)


@pytest.fixture
def stored_experiment():
    """y = 2x, 20 points: decay at B = 2 (10 steps an epoch) against B = 2 → 4 → 8, 2 repeats."""
    base = TrainConfig(dataset="linear", model="linear", n=20, optimizer="sgd", lr=0.002, epochs=3)
    configs = ramp.plan(ramp.RampSpec(base, "0:2,1:4,2:8", repeats=2))
    store = RunStore()
    sweep_id = ramp.new_sweep_id()
    run_sweep(configs, store, sweep_id)
    return store, sweep_id


def test_a_stored_experiment_reads_back_steps_per_arm_and_a_reading(stored_experiment):
    store, sweep_id = stored_experiment
    summary = ramp.summarize(store, sweep_id)
    arms = summary.arms.set_index("arm")
    assert arms.loc["decay", "steps"] == 3 * 10  # ceil(20 / 2) every epoch
    assert arms.loc["ramp", "steps"] == 10 + 5 + 3  # ceil(20/2) + ceil(20/4) + ceil(20/8)
    assert set(arms["repeats"]) == {2}
    # the epoch curve's step at each epoch end follows each arm's own epochs
    decay = summary.epochs[summary.epochs["arm"] == "decay"]["step"].tolist()
    grow = summary.epochs[summary.epochs["arm"] == "ramp"]["step"].tolist()
    assert decay == [10, 20, 30] and grow == [10, 15, 18]
    text = ramp_reading(summary)
    assert "The ramp took 18 steps against 30: 12 fewer (1.7× fewer)" in text
    assert ("The curves match" in text) == bool(summary.match)
    assert "增大组走了 18 步" in ramp_reading(summary, "zh")


def test_the_compare_page_draws_the_stored_experiment_en_and_zh(stored_experiment):
    for lang in ("en", "zh"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page("app_pages/compare.py")
        at.query_params.update(lang=lang)
        at.run()
        assert not at.exception, at.exception
        infos = "\n".join(i.value for i in at.info)
        assert ("18 steps against 30" in infos) if lang == "en" else ("增大组走了 18 步" in infos)
