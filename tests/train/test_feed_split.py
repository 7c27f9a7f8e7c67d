"""`Feed.take` serves a block inside the last one built as a view of it (issue 15): the engine's
chunks and a compiled stepper's device window are built once. The rows must be the same."""

import numpy as np
import pytest

from core.schedule.plan import Schedule, ScheduleSpec
from core.train.feed import Feed


@pytest.mark.parametrize("drop_remainder", [False, True])
def test_a_chunk_inside_the_window_is_the_same_rows_as_one_built_alone(drop_remainder):
    schedule = Schedule(ScheduleSpec(n=103, batch_size=10, epochs=4, drop_remainder=drop_remainder))
    spe = schedule.steps_per_epoch
    window = Feed(schedule)
    whole = window.take(0, schedule.total_steps)
    for first, count in [(0, 1), (3, spe), (spe - 1, 2), (2 * spe, spe + 1)]:
        part = window.take(first, count)
        alone = Feed(schedule).take(first, count)
        assert np.shares_memory(part.idx, whole.idx)  # served from the window, not rebuilt
        assert part.first == alone.first == first and part.count == count
        for name in ("idx", "weights", "epochs", "sizes"):
            np.testing.assert_array_equal(getattr(part, name), getattr(alone, name))


def test_a_chunk_past_the_last_block_is_built_and_padding_keeps_zero_weight():
    schedule = Schedule(ScheduleSpec(n=25, batch_size=10, epochs=2))  # 10, 10, 5 per epoch
    feed = Feed(schedule)
    first = feed.take(0, 2)
    later = feed.take(2, 3)  # not inside steps 0..1: built
    assert not np.shares_memory(later.idx, first.idx)
    assert later.sizes.tolist() == [5, 10, 10] and later.epochs.tolist() == [0, 1, 1]
    assert later.weights[0].tolist() == [1.0] * 5 + [0.0] * 5
    assert sorted(later.idx[0, :5].tolist() + first.idx.reshape(-1).tolist()) == list(range(25))
