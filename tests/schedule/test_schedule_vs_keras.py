"""Cross-checks of the schedule against Keras 3 and tf.data themselves (imports TensorFlow)."""

import itertools

import numpy as np
import pytest

from core.schedule import codegen
from core.schedule.plan import Schedule, ScheduleSpec

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
from keras.src.trainers.data_adapters import array_data_adapter, array_slicing  # noqa: E402

GRID = list(
    itertools.product([1, 7, 10, 100, 1797], [1, 3, 32, 100, 2000], [0.0, 0.2, 0.5], [False, True])
)


def _keras_split(n, split):
    x = np.arange(n)
    try:
        (train, _), (val, _) = (
            array_slicing.train_validation_split((x, x), validation_split=split)
            if split
            else ((x, x), (x[:0], x[:0]))
        )
    except ValueError:
        return None
    return train, val


@pytest.mark.parametrize(("n", "b", "split", "drop"), GRID)
def test_schedule_matches_keras_and_tf_data(n, b, split, drop):
    spec = ScheduleSpec(n=n, batch_size=b, validation_split=split, drop_remainder=drop)
    keras_split = _keras_split(n, split)
    if keras_split is None:  # Keras refuses the split: so do we
        with pytest.raises(ValueError, match="leaves 0"):
            Schedule(spec)
        return
    train, val = keras_split
    if drop and b > len(train):
        with pytest.raises(ValueError, match="no step"):
            Schedule(spec)
        return
    s = Schedule(spec)
    assert s.train_samples == len(train)
    assert s.validation_samples == len(val)
    assert list(s.validation_indices) == val.tolist()  # the last samples, unshuffled
    # tf.data: batch(drop_remainder) cardinality is the number of iterations.
    ds = tf.data.Dataset.range(len(train)).batch(b, drop_remainder=drop)
    assert int(ds.cardinality()) == s.steps_per_epoch
    assert [len(x) for x in ds.as_numpy_iterator()] == s.batch_sizes()
    if not drop:  # Keras fit on arrays: same batch sizes and, unshuffled, the same batches
        adapter = array_data_adapter.ArrayDataAdapter(train, train, batch_size=b, shuffle=False)
        assert adapter.num_batches == s.steps_per_epoch
        keras_batches = [xb.tolist() for xb, _ in adapter.get_numpy_iterator()]
        ours = [
            bb.tolist()
            for bb in Schedule(
                ScheduleSpec(n=n, batch_size=b, validation_split=split, shuffle="none")
            ).epoch_batches(0)
        ]
        assert keras_batches == ours


def test_keras_batch_shuffle_keeps_the_same_batch_contents_as_ours():
    x = np.arange(103)
    adapter = array_data_adapter.ArrayDataAdapter(x, x, batch_size=10, shuffle="batch")
    keras_sets = [sorted(xb.tolist()) for xb, _ in adapter.get_numpy_iterator()]
    s = Schedule(ScheduleSpec(n=103, batch_size=10, shuffle="batch", seed=3))
    assert keras_sets == [sorted(b.tolist()) for b in s.epoch_batches(0)]


def test_keras_fit_makes_as_many_steps_as_the_schedule():
    class Count(keras.callbacks.Callback):
        steps = 0

        def on_train_batch_end(self, batch, logs=None):
            Count.steps += 1

    x = np.random.default_rng(0).random((1797, 4), dtype=np.float32)
    y = np.zeros(1797, dtype=np.int32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True))
    model.fit(x, y, batch_size=32, epochs=2, validation_split=0.2, verbose=0, callbacks=[Count()])
    s = Schedule(ScheduleSpec(n=1797, batch_size=32, epochs=2, validation_split=0.2))
    assert Count.steps == s.total_steps == 90


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec",
    [
        # issue 13 §7: fit on arrays ran 6 steps here while the page said 4
        ScheduleSpec(n=1000, batch_size=300, epochs=2, validation_split=0.2, drop_remainder=True),
        ScheduleSpec(n=1000, batch_size=300, epochs=2, validation_split=0.2),
        ScheduleSpec(n=10, batch_size=3, epochs=3, drop_remainder=True, shuffle="none"),
        ScheduleSpec(n=103, batch_size=10, epochs=2, drop_remainder=True, shuffle="batch"),
        ScheduleSpec(n=10, batch_size=3, epochs=2, shuffle="batch"),
    ],
)
@pytest.mark.parametrize("snippet", [codegen.keras_fit, codegen.tf_data])
def test_the_keras_snippets_run_exactly_the_steps_the_page_states(spec, snippet):
    rng = np.random.default_rng(0)
    x = rng.random((spec.n, 3), dtype=np.float32)
    y = rng.integers(0, 2, spec.n).astype(np.int32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True))
    exec(compile(snippet(spec), snippet.__name__, "exec"), {"x": x, "y": y, "model": model})
    # optimizer.iterations counts every update the snippet made: Keras itself is the reference.
    assert int(model.optimizer.iterations) == Schedule(spec).total_steps
