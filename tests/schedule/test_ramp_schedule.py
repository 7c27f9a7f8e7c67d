"""Batch-size ramps in the schedule: per-epoch B and steps against a plain loop, the JSON, the
bad inputs (one sentence, exit 2), lazy figures for huge ramps, and the code snippets run in
Keras taking exactly the steps the page states."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from core.cli import main
from core.schedule import codegen
from core.schedule.plan import (
    Schedule,
    ScheduleSpec,
    format_batch_size_schedule,
    parse_batch_size_schedule,
)


def loop_steps(train, ramp, epochs, drop):
    """Per-epoch (B, steps), counted batch by batch."""
    out = []
    for epoch in range(epochs):
        b = [size for first, size in ramp if first <= epoch][-1]
        steps, start = 0, 0
        while start < train and (not drop or start + b <= train):
            steps, start = steps + 1, start + b
        out.append((b, steps))
    return out


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize(
    "n, split, text, epochs",
    [(100, 0.0, "0:8,2:32,4:128", 6), (1000, 0.2, "0:7,1:64,5:800", 9), (10, 0.0, "0:3,1:1", 2)],
)
def test_per_epoch_b_and_steps_match_a_plain_loop(n, split, text, epochs, drop):
    ramp = parse_batch_size_schedule(text)
    spec = ScheduleSpec(
        n=n,
        batch_size=1,
        epochs=epochs,
        validation_split=split,
        drop_remainder=drop,
        batch_size_schedule=ramp,
    )
    train = int(n * (1 - split))
    if drop and max(b for _, b in ramp) > train:  # a phase with no step at all is refused
        with pytest.raises(ValueError, match="drop_remainder leaves no step"):
            Schedule(spec)
        return
    s = Schedule(spec)
    expected = loop_steps(s.train_samples, ramp, epochs, drop)
    assert s.epoch_batch_sizes() == [b for b, _ in expected]
    assert [s.epoch_steps(e) for e in range(epochs)] == [k for _, k in expected]
    assert s.total_steps == sum(k for _, k in expected)
    starts = np.cumsum([0] + [k for _, k in expected])
    assert [s.epoch_first_step(e) for e in range(epochs + 1)] == starts.tolist()
    assert s.batch_size == ramp[0][1]
    for step in range(s.total_steps):
        epoch = int(np.searchsorted(starts, step, side="right") - 1)
        assert s.locate(step) == (epoch, step - starts[epoch])
    for epoch in range(epochs):  # every fed sample once per epoch, batches of that epoch's B
        batches = s.epoch_batches(epoch)
        b = s.epoch_batch_size(epoch)
        assert all(len(x) == b for x in batches[:-1]) and len(batches) == s.epoch_steps(epoch)
        fed = np.concatenate(batches)
        assert len(set(fed.tolist())) == len(fed) == sum(len(x) for x in batches)
    assert s.samples_fed(s.total_steps) == s.samples_seen


def test_schedule_json_gives_epoch_batch_sizes_and_the_summed_total(capsys):
    argv = ["schedule", "--n", "100", "--batch-size-schedule", "0:8,2:32,4:128", "--epochs", "6"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["epoch_batch_sizes"] == [8, 8, 32, 32, 128, 128]
    # ceil(100/8) = 13, ceil(100/32) = 4, ceil(100/128) = 1; two epochs each
    assert out["total_steps"] == 2 * 13 + 2 * 4 + 2 * 1 == 36
    assert out["batch_size_schedule"] == [[0, 8], [2, 32], [4, 128]]
    assert out["distinct_batch_sizes"] == [8, 32, 128]
    assert [p["steps_per_epoch"] for p in out["phases"]] == [13, 4, 1]
    assert out["samples_seen"] == 600


def test_a_constant_schedule_has_no_ramp_keys_and_unchanged_figures(capsys):
    assert main(["schedule", "--n", "60000", "--batch-size", "64", "--epochs", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["batch_size_schedule"] is None and "epoch_batch_sizes" not in out
    assert out["total_steps"] == 4690


@pytest.mark.parametrize(
    "text, sentence",
    [
        ("0:0", "every batch size must be at least 1"),
        ("1:8", "must start at epoch 0, got 1:8 first"),
        ("0:8,0:16", "epochs must increase, got epoch 0 after epoch 0"),
        ("0:8,9:16", "starts at epoch 9, but a run of 5 epochs ends at epoch 4"),
        ("x:16", "'x:16' is not epoch:batch_size in whole numbers"),
    ],
)
def test_a_bad_ramp_is_one_line_on_stderr_and_exit_2(text, sentence):
    argv = ["schedule", "--n", "100", "--epochs", "5", "--batch-size-schedule", text]
    proc = subprocess.run(
        [sys.executable, "-m", "core", *argv], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and sentence in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_huge_ramp_stays_formulas():
    ramp = ((0, 1), (10, 1024), (999_000, 10**9))
    s = Schedule(ScheduleSpec(n=10**12, batch_size=1, epochs=10**6, batch_size_schedule=ramp))
    expected = 10 * 10**12 + (999_000 - 10) * math.ceil(10**12 / 1024) + 1000 * 1000
    assert s.total_steps == expected
    assert s.locate(expected - 1) == (10**6 - 1, 999)
    assert s.epoch_first_step(10) == 10 * 10**12


def test_the_ramp_text_round_trips():
    ramp = parse_batch_size_schedule(" 0 : 8，2：32 , 4:128 ")  # Chinese punctuation too
    assert ramp == ((0, 8), (2, 32), (4, 128))
    assert format_batch_size_schedule(ramp) == "0:8,2:32,4:128"
    assert parse_batch_size_schedule("") == ()


def test_accumulation_with_a_ramp_is_refused_in_one_sentence():
    spec = ScheduleSpec(
        n=100, batch_size=1, epochs=3, accumulation=2, batch_size_schedule=((0, 8),)
    )
    with pytest.raises(ValueError, match="must be 1 with a `batch_size_schedule`"):
        Schedule(spec)


RAMPS = [
    ScheduleSpec(n=100, batch_size=1, epochs=5, batch_size_schedule=((0, 8), (2, 32), (4, 128))),
    ScheduleSpec(
        n=103,
        batch_size=1,
        epochs=4,
        validation_split=0.2,
        drop_remainder=True,
        shuffle="batch",
        batch_size_schedule=((0, 10), (3, 30)),
    ),
    ScheduleSpec(
        n=50, batch_size=1, epochs=3, shuffle="none", batch_size_schedule=((0, 7), (1, 16))
    ),
]


@pytest.mark.parametrize("spec", RAMPS)
@pytest.mark.parametrize("snippet", [codegen.keras_fit, codegen.tf_data])
def test_the_ramp_snippets_run_exactly_the_steps_the_page_states(spec, snippet):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.random((spec.n, 3), dtype=np.float32)
    y = rng.integers(0, 2, spec.n).astype(np.int32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True))
    exec(compile(snippet(spec), snippet.__name__, "exec"), {"x": x, "y": y, "model": model})
    assert int(model.optimizer.iterations) == Schedule(spec).total_steps


@pytest.mark.parametrize("spec", RAMPS)
def test_the_pytorch_ramp_snippet_counts_the_same_steps(spec):
    torch = pytest.importorskip("torch")
    x = np.zeros((spec.n, 3), np.float32)
    y = np.zeros(spec.n, np.int64)
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    steps = []
    original = optimizer.step
    optimizer.step = lambda *a, **k: (steps.append(1), original(*a, **k))
    scope = {"x": x, "y": y, "model": model, "optimizer": optimizer}
    scope["loss_fn"] = torch.nn.CrossEntropyLoss()
    exec(compile(codegen.pytorch(spec), "pytorch", "exec"), scope)
    assert len(steps) == Schedule(spec).total_steps


def test_a_ramp_sweep_refuses_budgets_other_than_epochs_in_one_line(capsys):
    argv = ["sweep", "--dataset", "digits", "--batch-size-schedule", "0:8,1:16", "--steps", "5"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "compares equal epochs" in err and err.count("\n") == 1
    assert main(["sweep", "--dataset", "digits"]) == 2
    assert "give --batch-sizes" in capsys.readouterr().err
