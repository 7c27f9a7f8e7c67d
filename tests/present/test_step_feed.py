"""The live page's step feed stays bounded on a long run and its figures stay exact (issue 14,
item 2): checked against a full read of the same store and against numbers written by hand."""

import numpy as np
import pandas as pd
import pytest

from core.present import charts, report
from core.run.recording import create_run
from core.run.store import RunStore
from core.train.engine import prepare
from tests.conftest import linear_config

STEPS_PER_EPOCH, RATE = 4, 1000.0  # y = 2x at B = 3: batches of 3, 3, 3, 1; 1,000 steps a second


def write(store, run_id, first, count):
    """COUNT steps from FIRST, as the worker writes them: batch sizes 3, 3, 3, 1 per epoch."""
    rows = [
        (
            s,
            s // STEPS_PER_EPOCH,
            1 if s % STEPS_PER_EPOCH == 3 else 3,
            1.0 / (s + 1),
            None,
            (s + 1) / RATE,
            [s % 2, 1 - s % 2],
        )
        for s in range(first, first + count)
    ]
    store.add_steps(run_id, rows, first + count)


@pytest.fixture
def run(isolated_store):
    store = RunStore()
    return store, create_run(store, prepare(linear_config(epochs=100_000)))


def test_a_long_run_keeps_a_bounded_even_sample_and_the_latest_step(run):
    store, run_id = run
    feed = report.StepFeed(run_id)
    written = 0
    for count in [700] * 20 + [5000] * 10:  # polls of a slow and then a fast run: 64,000 steps
        write(store, run_id, written, count)
        written += count
        frame = feed.update(store)
        assert len(frame) <= feed.KEEP + 1
        assert int(frame["step"].iloc[-1]) == written - 1  # the latest step is always there
    full = report.steps_frame(store, run_id)
    assert len(full) == 64_000 and feed.stride == 8  # 64,000 / 8 = 8,000 rows
    # every kept row is the stored row, samples seen included; the kept steps are an even stride
    kept = full.set_index("step").loc[frame["step"]].reset_index()
    pd.testing.assert_frame_equal(
        frame[kept.columns].reset_index(drop=True), kept, check_dtype=False
    )
    assert set(np.diff(frame["step"].to_numpy()[:-1])) == {8}
    # what the page shows from it equals what the full read gives
    run_row = store.get_run(run_id)
    a, b = report.progress(run_row, frame), report.progress(run_row, full)
    assert a.steps_per_second == pytest.approx(b.steps_per_second, rel=1e-3)
    assert a.steps_per_second == pytest.approx(RATE, rel=1e-3)
    # samples: 10 per 4 steps (3 + 3 + 3 + 1)
    assert a.samples_per_second == pytest.approx(RATE * 10 / 4, rel=2e-3)
    assert a.samples_per_second == pytest.approx(b.samples_per_second, rel=2e-3)
    assert a.epoch == b.epoch == (64_000 - 1) // 4


def test_the_composition_of_an_epoch_shows_every_batch_though_the_feed_keeps_a_stride(run):
    """The feed keeps every 8th step of 40,000; an epoch's chart still gets its 4 batches, also
    for epochs that start off the stride (9,001) and the newest one."""
    store, run_id = run
    feed = report.StepFeed(run_id)
    write(store, run_id, 0, 40_000)
    feed.update(store)
    assert feed.stride == 8
    for epoch in (0, 9_000, 9_001, 9_999):
        batches = feed.epoch_steps(store, epoch)
        assert batches["step"].tolist() == [epoch * 4 + i for i in range(4)], epoch
        assert batches["batch_size"].tolist() == [3, 3, 3, 1]
        chart = charts.composition_chart(batches, epoch=epoch).to_dict()
        drawn = {row["step"] for row in chart["datasets"][chart["data"]["name"]]}
        assert drawn == set(batches["step"]), epoch


def test_a_huge_epoch_is_read_evenly_thinned(run):
    store, run_id = run
    feed = report.StepFeed(run_id)
    write(store, run_id, 0, 20_000)  # epoch 0 of a run with 4 steps an epoch: steps 0-3
    feed.update(store)
    batches = feed.epoch_steps(store, 0, limit=2)
    assert batches["step"].tolist() == [0, 2]  # 4 steps, at most about 2: every second one


def test_a_short_run_is_read_whole(run):
    store, run_id = run
    feed = report.StepFeed(run_id)
    for first in range(0, 40, 4):
        write(store, run_id, first, 4)
        feed.update(store)
    pd.testing.assert_frame_equal(feed.frame, report.steps_frame(store, run_id), check_dtype=False)
