from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.schedule.plan import Schedule, ScheduleSpec


@pytest.mark.parametrize(
    ("n", "b", "e", "steps", "total", "last"),
    [
        (1000, 100, 10, 10, 100, 100),  # the tutorial MLP
        (10, 3, 10, 4, 40, 1),  # y = 2x: batches of 3, 3, 3, 1
        (60000, 64, 5, 938, 4690, 32),  # the MNIST CNN
        (1000, 1000, 10, 1, 10, 1000),  # full batch
        (100, 1, 3, 100, 300, 1),  # SGD
    ],
)
def test_worked_examples(n, b, e, steps, total, last):
    s = Schedule(ScheduleSpec(n=n, batch_size=b, epochs=e))
    assert s.steps_per_epoch == steps
    assert s.total_steps == total
    assert s.last_batch_size == last


def test_linear_example_batches_are_3_3_3_1():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=10, shuffle="none"))
    assert s.batch_sizes() == [3, 3, 3, 1]
    assert [b.tolist() for b in s.epoch_batches(0)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_digits_with_validation_split():
    s = Schedule(ScheduleSpec(n=1797, batch_size=32, epochs=1, validation_split=0.2))
    assert (s.train_samples, s.validation_samples) == (1437, 360)
    assert s.steps_per_epoch == 45
    assert s.last_batch_size == 29
    assert s.validation_indices == range(1437, 1797)


def test_drop_remainder_floors_and_drops_every_epoch():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2, drop_remainder=True))
    assert s.steps_per_epoch == 3
    assert s.dropped_samples == 1
    assert s.last_batch_size == 3
    assert s.samples_seen == 18
    assert all(len(b) == 3 for b in s.epoch_batches(1))


def test_batch_larger_than_training_set_is_one_partial_batch():
    s = Schedule(ScheduleSpec(n=10, batch_size=64))
    assert s.steps_per_epoch == 1
    assert s.last_batch_size == 10


def test_ten_billion_steps_summary_builds_no_order(peak_mib):
    spec = ScheduleSpec(n=10**7, batch_size=1, epochs=1000)
    summary, mib = peak_mib(lambda: Schedule(spec).summary())
    assert summary["total_steps"] == 10**10
    assert mib < 1, mib  # one epoch's order of 10^7 samples would be 76 MiB


def test_epochs_get_different_orders_and_seeds_repeat():
    spec = ScheduleSpec(n=50, batch_size=8, epochs=3, seed=7)
    a, b = Schedule(spec), Schedule(spec)
    assert np.array_equal(a.epoch_order(0), b.epoch_order(0))
    assert not np.array_equal(a.epoch_order(0), a.epoch_order(1))
    other = Schedule(ScheduleSpec(n=50, batch_size=8, epochs=3, seed=8))
    assert not np.array_equal(a.epoch_order(0), other.epoch_order(0))


def test_no_shuffle_is_identity_every_epoch():
    s = Schedule(ScheduleSpec(n=20, batch_size=6, epochs=2, shuffle="none"))
    assert s.epoch_order(1).tolist() == list(range(20))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(n=10, batch_size=0), "batch_size` must be at least 1, got 0"),
        (dict(n=10, batch_size=-3), "batch_size` must be at least 1"),
        (dict(n=10, batch_size=2.5), "batch_size` must be a whole number"),
        (dict(n=0, batch_size=3), "`n` must be at least 1"),
        (dict(n=10, batch_size=3, epochs=0), "`epochs` must be at least 1"),
        (dict(n=10, batch_size=3, validation_split=1.0), "must be between 0 and 0.95, got 1.0"),
        (dict(n=10, batch_size=3, validation_split=0.96), "must be between 0 and 0.95"),
        (dict(n=10, batch_size=3, validation_split=-0.1), "must be between 0 and 0.95"),
        (dict(n=10**12 + 1, batch_size=3), "`n` must be at most 1,000,000,000,000, got 1,0"),
        (dict(n=10, batch_size=10**13), "`batch_size` must be at most 1,000,000,000,000"),
        (dict(n=10, batch_size=3, epochs=10**6 + 1), "`epochs` must be at most 1,000,000"),
        (dict(n=10, batch_size=3, seed=2**32), "`seed` must be at most 4,294,967,295"),
        (dict(n=10, batch_size=64, replicas=128), "`replicas` must be at most 64"),
        (dict(n=10, batch_size=3, validation_split=float("nan")), "must be a number"),
        (dict(n=1, batch_size=1, validation_split=0.5), "leaves 0 training samples"),
        (dict(n=10, batch_size=1, validation_split=1e-18), "leaves 0 validation samples"),
        (dict(n=10, batch_size=3, shuffle="sometimes"), "`shuffle` must be one of"),
        (dict(n=10, batch_size=11, drop_remainder=True), "drop_remainder leaves no step"),
    ],
)
def test_bad_specs_say_what_to_change(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Schedule(ScheduleSpec(**kwargs))


specs = st.builds(
    ScheduleSpec,
    n=st.integers(1, 500),
    batch_size=st.integers(1, 600),
    epochs=st.integers(1, 3),
    drop_remainder=st.booleans(),
    validation_split=st.sampled_from([0.0, 0.1, 0.25, 0.5]),
    shuffle=st.sampled_from(["none", "epoch", "batch"]),
    seed=st.integers(0, 2**32 - 1),
)


def _valid(spec: ScheduleSpec) -> Schedule | None:
    try:
        return Schedule(spec)
    except ValueError:
        return None


def valid_schedules(**fixed):
    """Schedules of the specs `specs` draws, with FIXED fields, that `Schedule` accepts.

    The others fail with a message (test_bad_specs_say_what_to_change); they are drawn again
    rather than passed over, so every example checks a schedule.
    """
    drawn = specs.map(lambda spec: replace(spec, **fixed))
    return drawn.map(_valid).filter(lambda s: s is not None)


@settings(max_examples=300, deadline=None)
@given(valid_schedules())
def test_each_training_sample_fed_at_most_once_per_epoch(s):
    for e in range(s.epochs):
        fed = np.concatenate(s.epoch_batches(e))
        assert len(np.unique(fed)) == len(fed) == s.samples_per_epoch
        assert fed.min() >= 0 and fed.max() < s.train_samples
        if not s.spec.drop_remainder:
            assert sorted(fed.tolist()) == list(range(s.train_samples))


@settings(max_examples=300, deadline=None)
@given(valid_schedules())
def test_batch_sizes_sum_to_the_fed_samples(s):
    sizes = [len(b) for b in s.epoch_batches(0)]
    assert sizes == s.batch_sizes()
    assert sum(sizes) == s.train_samples - s.dropped_samples
    assert len(sizes) == s.steps_per_epoch


@settings(max_examples=100, deadline=None)
@given(valid_schedules())
def test_same_seed_same_order(a):
    b = Schedule(a.spec)
    assert np.array_equal(a.epoch_order(a.epochs - 1), b.epoch_order(b.epochs - 1))


@settings(max_examples=200, deadline=None)
@given(valid_schedules(shuffle="batch"))
def test_batch_shuffle_keeps_batch_boundaries(s):
    for i, batch in enumerate(s.epoch_batches(0)):
        start = i * s.batch_size
        assert sorted(batch.tolist()) == list(range(start, start + len(batch)))
