"""Batch-size ramps in the engine: the batches fed, one compiled step per B, Keras fit epoch by
epoch as the reference, and the per-epoch learning-rate steps of Smith et al.'s decay arm."""

from dataclasses import replace

import numpy as np
import pytest

from core.train.engine import Reporter, TrainConfig, prepare, train
from core.train.feed import Feed


def python_loop_batches(train_samples, ramp, epochs, drop_remainder):
    """Batch sizes fed, written out with a plain loop: B from each ramp entry's epoch on."""
    sizes = []
    for epoch in range(epochs):
        batch_size = [b for e, b in ramp if e <= epoch][-1]
        start = 0
        while start < train_samples:
            size = min(batch_size, train_samples - start)
            if size < batch_size and drop_remainder:
                break
            sizes.append(size)
            start += batch_size
    return sizes


class Chunks(Reporter):
    def __init__(self):
        self.spans = []

    def chunk(self, chunk, steps_done):
        self.spans.append((chunk.epoch, chunk.first_step, len(chunk.losses)))


@pytest.mark.parametrize(
    "ramp, drop, split, shuffle",
    [
        ("0:8,2:32,4:128", False, 0.0, "epoch"),
        ("0:8,2:32,4:128", True, 0.2, "batch"),
        ("0:50,1:7,3:300", False, 0.1, "none"),
    ],
)
def test_the_ramp_feeds_exactly_the_batches_a_python_loop_counts(ramp, drop, split, shuffle):
    cfg = TrainConfig(
        dataset="digits",
        batch_size=999,  # ignored: the ramp sets every epoch's B
        epochs=5,
        batch_size_schedule=ramp,
        drop_remainder=drop,
        validation_split=split,
        shuffle=shuffle,
    )
    p = prepare(cfg)
    pairs = [tuple(int(v) for v in e.split(":")) for e in ramp.split(",")]
    expected = python_loop_batches(p.schedule.train_samples, pairs, 5, drop)
    assert p.schedule.total_steps == len(expected)
    result = train(p, Chunks())
    assert result.batch_sizes == expected
    assert result.steps == len(expected)
    assert [r.steps for r in result.epochs] == [
        len(python_loop_batches(p.schedule.train_samples, pairs, e + 1, drop))
        - len(python_loop_batches(p.schedule.train_samples, pairs, e, drop))
        for e in range(5)
    ]
    # One compiled step per distinct B, and the run says so.
    assert result.timing["compiled_batch_sizes"] == len({b for _, b in pairs})
    assert f"{len({b for _, b in pairs})} batch sizes" in result.message


def test_the_feed_rows_are_each_epoch_order_cut_at_that_epoch_b():
    p = prepare(TrainConfig(dataset="digits", epochs=4, batch_size_schedule="0:100,2:256"))
    s, feed = p.schedule, Feed(p.schedule)
    step = 0
    for epoch in range(4):
        order = s.epoch_order(epoch)
        b = 100 if epoch < 2 else 256
        for start in range(0, len(order), b):
            rows = feed.take(step, 1)
            fed = rows.idx[0][rows.weights[0] > 0]
            np.testing.assert_array_equal(fed, order[start : start + b])
            assert rows.idx.shape[1] == b
            step += 1
    assert step == s.total_steps
    assert feed.max_count(0) == 2 * s.epoch_steps(0)  # a block never crosses a phase end


def keras_fit_epoch_by_epoch(p, optimizer):
    """The reference: stock Keras fit, one call per epoch with that epoch's B, unshuffled."""
    import keras

    from core.train import models

    data, s = p.data, p.schedule
    x, y = data.x[: s.train_samples], data.y[: s.train_samples]
    model = models.build(p.config.model, data.input_shape, data.num_classes, seed=p.config.seed)
    model.compile(
        optimizer=models.make_optimizer(optimizer, p.config.lr, 1),
        loss=models.make_loss(data.task),
    )
    losses, seen = [], []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append(float(logs["loss"]))

    for epoch in range(s.epochs):
        before = len(losses)
        model.fit(
            x,
            y,
            initial_epoch=epoch,
            epochs=epoch + 1,
            batch_size=s.epoch_batch_size(epoch),
            shuffle=False,
            verbose=0,
            callbacks=[Record()],
        )
        seen.append(len(losses) - before)
    return seen, losses


def _step_losses(running_means, sizes):
    """Keras logs a running mean weighted by batch size: recover each step's own loss."""
    out, prev_mean, prev_seen, seen = [], 0.0, 0, 0
    for mean, size in zip(running_means, sizes, strict=True):
        seen += size
        out.append((mean * seen - prev_mean * prev_seen) / size)
        prev_mean, prev_seen = mean, seen
    return out


def test_keras_fit_epoch_by_epoch_with_the_ramp_b_takes_the_same_steps_and_losses():
    cfg = TrainConfig(
        dataset="digits",
        epochs=4,
        batch_size_schedule="0:64,1:256,3:1000",
        shuffle="none",
        optimizer="sgd",
        lr=0.05,
    )
    p = prepare(cfg)
    steps, running = keras_fit_epoch_by_epoch(p, "sgd")
    assert steps == [p.schedule.epoch_steps(e) for e in range(4)]
    assert sum(steps) == p.schedule.total_steps
    result = train(p)
    assert [r.steps for r in result.epochs] == steps
    # Per epoch, Keras's running mean restarts: undo it epoch by epoch.
    reference, at = [], 0
    for count in steps:
        sizes = result.batch_sizes[at : at + count]
        reference += _step_losses(running[at : at + count], sizes)
        at += count
    np.testing.assert_allclose(result.step_losses, reference, rtol=2e-3, atol=1e-4)


def test_the_keras_fit_engine_follows_the_ramp_too():
    cfg = TrainConfig(dataset="digits", epochs=3, batch_size_schedule="0:128,2:512")
    fused, stock = train(prepare(cfg)), train(prepare(replace(cfg, engine="keras-fit")))
    assert stock.batch_sizes == fused.batch_sizes
    np.testing.assert_allclose(stock.step_losses, fused.step_losses, rtol=1e-3, atol=1e-4)


def test_lr_steps_change_the_rate_at_epoch_starts_whatever_the_chunks():
    from tests.train.test_warmup import used_learning_rates, y_equals_2x

    rates = used_learning_rates(y_equals_2x(epochs=3, lr_schedule="1:0.5,2:0.25"))
    np.testing.assert_allclose(rates, [0.01] * 4 + [0.005] * 4 + [0.0025] * 4, rtol=2e-3)
    # Time-sized chunks end where the factor changes: the same weights as one step a chunk.
    one = train(prepare(y_equals_2x(epochs=6, lr_schedule="2:0.1,4:0.01")))
    timed_cfg = replace(y_equals_2x(epochs=6, lr_schedule="2:0.1,4:0.01"), chunk_steps=None)
    rec = Chunks()
    timed = train(prepare(timed_cfg), rec)
    assert any(count > 1 for _, _, count in rec.spans)
    np.testing.assert_allclose(timed.step_losses, one.step_losses, rtol=1e-5)


@pytest.mark.parametrize(
    "text, words",
    [
        ("0:8,9:16", "ends at epoch 4"),
        ("1:8", "must start at epoch 0"),
        ("0:8,0:16", "must increase"),
        ("0:0", "at least 1"),
        ("x:16", "is not epoch:batch_size"),
    ],
)
def test_a_bad_ramp_is_refused_before_training(text, words):
    with pytest.raises(ValueError, match=words):
        prepare(TrainConfig(dataset="digits", epochs=5, batch_size_schedule=text))


def test_a_bad_lr_schedule_is_refused():
    with pytest.raises(ValueError, match="lr_schedule"):
        prepare(TrainConfig(dataset="digits", epochs=3, lr_schedule="3:0.1"))
    with pytest.raises(ValueError, match="positive factor"):
        prepare(TrainConfig(dataset="digits", epochs=3, lr_schedule="1:0"))


def test_the_jax_backend_follows_the_ramp_and_the_lr_steps_with_tensorflow_losses():
    pytest.importorskip("jax")
    import json

    from tests.conftest import run_python
    from tests.train.test_training import JAX_SCRIPT

    cfg = dict(
        dataset="digits",
        epochs=3,
        batch_size_schedule="0:64,1:256",
        lr_schedule="2:0.5",
        optimizer="sgd",
        lr=0.05,
        validation_split=0.1,
    )
    out = run_python("-c", JAX_SCRIPT, json.dumps(cfg), keras_backend="jax")
    jax_out = json.loads(out.strip().splitlines()[-1])
    assert "(jax)" in jax_out["device"]
    tf_result = train(prepare(TrainConfig(**cfg)))
    np.testing.assert_allclose(jax_out["losses"], tf_result.step_losses, rtol=2e-3, atol=1e-4)
