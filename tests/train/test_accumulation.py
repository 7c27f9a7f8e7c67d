"""Gradient accumulation (issue 17): the schedule's figures against real Keras 3, and the engines.

The reference is stock `model.fit` with an optimizer built with `gradient_accumulation_steps`:
a callback records which batches changed the weights. Keras itself decides; the app's
`optimizer_updates` and update marks must agree with it.
"""

import itertools
import os
from dataclasses import replace

import numpy as np
import pytest

from core.errors import InputError
from core.schedule.plan import Schedule, ScheduleSpec
from core.train.engine import Reporter, TrainConfig, prepare, train

keras = pytest.importorskip("keras")


def _keras_update_steps(n, b, e, k, drop=False):
    """Global steps (from 0) after which Keras's `fit` changed the weights, and the
    optimizer's `iterations` at the end."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    if drop:  # fit on arrays keeps the partial batch: drop it the way the schedule does
        keep = n - n % b
        x, y = x[:keep], y[:keep]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    opt = keras.optimizers.SGD(0.01, gradient_accumulation_steps=k if k > 1 else None)
    model.compile(optimizer=opt, loss="mse")
    changed, last = [], [model.get_weights()]

    class Watch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            now = model.get_weights()
            changed.append(any(not np.array_equal(a, c) for a, c in zip(last[0], now, strict=True)))
            last[0] = now

    model.fit(x, y, batch_size=b, epochs=e, shuffle=False, verbose=0, callbacks=[Watch()])
    return [i for i, c in enumerate(changed) if c], int(opt.iterations.numpy())


CASES = [
    (n, b, e, k)
    for n, b, e, k in itertools.product([10, 64, 100], [3, 32], [1, 3], [1, 2, 4, 5])
    if Schedule(ScheduleSpec(n=n, batch_size=b, epochs=e)).total_steps >= k
]


@pytest.mark.parametrize(("n", "b", "e", "k"), CASES)
def test_optimizer_updates_count_the_batches_keras_applies(n, b, e, k):
    s = Schedule(ScheduleSpec(n=n, batch_size=b, epochs=e, shuffle="none", accumulation=k))
    updated, iterations = _keras_update_steps(n, b, e, k)
    assert len(updated) == s.optimizer_updates == iterations
    assert updated == [i for i in range(s.total_steps) if s.is_update_step(i)]
    # the last (total mod K) batches are never applied
    assert s.total_steps - 1 - (updated[-1] if updated else -1) == s.unapplied_batches


def test_drop_remainder_counts_updates_like_keras():
    s = Schedule(ScheduleSpec(n=100, batch_size=32, epochs=3, drop_remainder=True, accumulation=2))
    updated, iterations = _keras_update_steps(100, 32, 3, 2, drop=True)
    assert (s.total_steps, s.optimizer_updates, s.unapplied_batches) == (9, 4, 1)
    assert len(updated) == iterations == s.optimizer_updates


def test_effective_batch_and_samples_per_update_with_a_partial_batch():
    # N=10, B=3: batches 3, 3, 3, 1 per epoch; K=2 over 2 epochs: 8 steps, 4 updates
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2, accumulation=2))
    assert s.effective_batch_size == 6
    assert (s.total_steps, s.optimizer_updates, s.unapplied_batches) == (8, 4, 0)
    assert s.samples_applied == 20
    assert s.samples_per_update == 5.0  # not 6: two updates hold the partial batch of 1
    summary = s.summary()
    assert summary["optimizer_updates"] == 4 and summary["effective_batch_size"] == 6


def test_effective_batch_counts_replicas_once():
    # B is the global batch (split over replicas): per replica × replicas × K = B × K
    s = Schedule(ScheduleSpec(n=1000, batch_size=64, replicas=4, accumulation=4))
    assert s.per_replica_batch_size * s.replicas * s.accumulation == s.effective_batch_size == 256


@pytest.mark.parametrize(
    ("k", "match"),
    [(0, "`accumulation` must be at least 1"), (2.5, "whole number"), (9, "never update")],
)
def test_bad_accumulation_says_what_to_change(k, match):
    with pytest.raises(InputError, match=match):
        Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2, accumulation=k))


# -- the engines: the fused steppers and stock fit apply the same updates ----------------------
class Weights(Reporter):
    """The weights after every step (the engine runs chunks of one step)."""

    wants_weights = True

    def __init__(self):
        self.after = []

    def chunk(self, chunk, steps_done):
        self.after.append(chunk.weights)


def _changed_steps(initial, after):
    changed, last = [], initial
    for i, now in enumerate(after):
        if any(not np.array_equal(a, c) for a, c in zip(last, now, strict=True)):
            changed.append(i)
        last = now
    return changed


def _blobs(**kw):
    base = dict(
        dataset="blobs", model="mlp", n=100, batch_size=16, epochs=3, optimizer="sgd", lr=0.05
    )
    return TrainConfig(**{**base, **kw})


@pytest.mark.parametrize("k", [1, 3])
def test_fused_and_keras_fit_apply_the_same_updates(k):
    """Keras fit with gradient_accumulation_steps is the reference: same losses, same count."""
    from core.train import models

    cfg = _blobs(accumulation=k, chunk_steps=1)
    prepared = prepare(cfg)
    initial = models.build(cfg.model, prepared.data.input_shape, 4, seed=cfg.seed).get_weights()
    fused, fit = Weights(), Weights()
    a = train(prepared, fused)
    b = train(prepare(replace(cfg, engine="keras-fit")), fit)
    s = prepared.schedule  # 100 samples: 6 batches of 16 and one of 4 per epoch
    assert s.batch_sizes() == [16] * 6 + [4] and s.total_steps == 21
    assert a.optimizer_updates == b.optimizer_updates == s.optimizer_updates == 21 // k
    updates = [i for i in range(s.total_steps) if s.is_update_step(i)]
    assert _changed_steps(initial, fused.after) == updates
    np.testing.assert_allclose(a.step_losses, b.step_losses, rtol=2e-4, atol=2e-5)


def test_a_cached_stepper_is_not_reused_across_accumulation():
    """The compiled stepper cache is keyed by K: K=1 then K=4 in one process must not share
    one optimizer (the old key did, and every batch updated)."""
    train(prepare(_blobs(epochs=1)))  # leaves a K=1 stepper in the cache
    collect = Weights()
    cfg = _blobs(epochs=1, accumulation=4, chunk_steps=1)
    result = train(prepare(cfg), collect)
    assert result.optimizer_updates == 1
    # 7 steps, K=4: only step 3 (the 4th batch) changes the weights; steps 4-6 are never applied
    assert _changed_steps(collect.after[0], collect.after[1:]) == [2]


def test_warm_up_leaves_no_trace_with_accumulation():
    """The TF stepper's warm-up step must put the accumulators and counters back: a warmed
    run equals a cold one, loss for loss."""
    from core.train import engine

    cfg = _blobs(accumulation=2, optimizer="adam", lr=0.01)
    engine._COMPILED.clear()
    cold = train(prepare(cfg))
    engine.warm_up(cfg)
    warm = train(prepare(cfg))
    assert warm.timing["compile_reused"]
    np.testing.assert_allclose(warm.step_losses, cold.step_losses, rtol=1e-5, atol=1e-6)


def test_each_run_records_its_peak_memory():
    result = train(prepare(_blobs(epochs=1)))
    assert result.timing["peak_memory_bytes"] > 10 * 2**20  # Keras is loaded: tens of MB at least
    assert result.timing["peak_memory_source"] in ("rss", "device")


JAX_SCRIPT = """
import json, sys
from core.train.engine import TrainConfig, prepare, train
r = train(prepare(TrainConfig(**json.loads(sys.argv[1]))))
print(json.dumps({"device": r.device, "losses": r.step_losses, "updates": r.optimizer_updates}))
"""


def test_jax_stepper_accumulates_like_keras_fit():
    """JaxStepper's `stateless_apply` accumulates too: its losses equal stock fit's with K=3."""
    pytest.importorskip("jax")
    import json
    import subprocess
    import sys
    from pathlib import Path

    cfg = dict(
        dataset="blobs", model="mlp", n=100, batch_size=16, epochs=3, optimizer="adam",
        lr=0.01, accumulation=3,
    )  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-c", JAX_SCRIPT, json.dumps(cfg)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    jax_out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "(jax)" in jax_out["device"]
    fit = train(prepare(TrainConfig(**cfg, engine="keras-fit")))
    assert jax_out["updates"] == fit.optimizer_updates == 7
    np.testing.assert_allclose(jax_out["losses"], fit.step_losses, rtol=2e-3, atol=1e-4)


# -- the CLI ----------------------------------------------------------------------------------
def test_schedule_cli_gives_updates_and_the_effective_batch(capsys):
    import json

    from core.cli import main

    argv = ["schedule", "--n", "10", "--batch-size", "3", "--epochs", "3", "--accumulation", "5"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["total_steps"], out["optimizer_updates"], out["unapplied_batches"]) == (12, 2, 2)
    assert out["effective_batch_size"] == 15 and out["accumulation"] == 5


def test_train_cli_json_has_optimizer_updates_at_top_level(capsys):
    import json

    from core.cli import main

    argv = ["train", "--dataset", "linear", "--n", "10", "--batch-size", "3", "--epochs", "2"]
    assert main([*argv, "--accumulation", "3", "--optimizer", "sgd", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["steps"], out["optimizer_updates"]) == (8, 2)
    assert out["schedule"]["optimizer_updates"] == 2
    assert out["timing"]["peak_memory_bytes"] > 0


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["schedule", "--n", "10", "--batch-size", "3", "--accumulation", "0"], "at least 1"),
        (["schedule", "--n", "10", "--batch-size", "3", "--accumulation", "2.5"], "whole number"),
        (["schedule", "--n", "10", "--batch-size", "3", "--accumulation", "5"], "never update"),
        (["train", "--dataset", "linear", "--batch-size", "3", "--accumulation", "x"], "whole"),
    ],
)
def test_bad_accumulation_on_the_cli_is_one_line_and_exit_2(capsys, argv, match):
    from core.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1


def test_a_measurement_that_cannot_honour_k_says_so():
    with pytest.raises(InputError, match="noise scale"):
        prepare(_blobs(accumulation=2, micro=4))
    with pytest.raises(InputError, match="never change"):
        prepare(_blobs(accumulation=4, max_steps=3))


# -- the code snippets -------------------------------------------------------------------------
@pytest.mark.parametrize("drop", [False, True])
def test_the_keras_snippet_makes_the_updates_the_page_states(drop):
    from core.schedule import codegen

    spec = ScheduleSpec(n=50, batch_size=4, epochs=3, accumulation=3, drop_remainder=drop)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 3)).astype("float32"), rng.integers(0, 2, 50)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True))
    source = codegen.keras_fit(spec)
    assert "gradient_accumulation_steps=3" in source
    exec(compile(source, "keras_fit", "exec"), {"x": x, "y": y, "model": model})
    assert int(model.optimizer.iterations) == Schedule(spec).optimizer_updates


def test_pytorch_snippet_divides_by_k_and_tf_data_is_unchanged():
    from core.schedule import codegen

    plain = ScheduleSpec(n=10, batch_size=3, epochs=3)
    spec = replace(plain, accumulation=5)
    torch_src = codegen.pytorch(spec)
    assert "/ accumulation" in torch_src and "if i % accumulation == 0" in torch_src
    assert "the last 2 batches' gradients are never applied" in torch_src
    assert codegen.tf_data(spec) == codegen.tf_data(plain)
    assert codegen.pytorch(plain).count("optimizer.step()") == 1


# -- the Schedule page, its link and its timeline ----------------------------------------------
def test_timeline_marks_the_iterations_that_update_the_weights():
    from core.present import charts

    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=3, accumulation=5))
    spec = charts.timeline_chart(s).to_dict()
    ticks = [layer for layer in spec["layer"] if layer["mark"]["type"] == "tick"]
    assert len(ticks) == 1
    rows = spec["datasets"][ticks[0]["data"]["name"]]
    assert [(r["iteration"], r["epoch"], r["end"]) for r in rows] == [(4, 1, 5), (9, 2, 10)]
    plain = charts.timeline_chart(Schedule(ScheduleSpec(n=10, batch_size=3, epochs=3))).to_dict()
    assert all(layer["mark"]["type"] != "tick" for layer in plain["layer"])


def test_schedule_page_shows_updates_and_the_effective_batch():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=30)
    at.query_params.update({"n": "10", "batch_size": "3", "epochs": "3", "accumulation": "5"})
    at.run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Optimizer updates"] == "2" and shown["Effective batch (B × K)"] == "15"
    assert shown["Batches never applied"] == "2"
    assert any("gradient_accumulation_steps=5" in c.value for c in at.code)
    at.number_input(key="accumulation").set_value(13).run()  # more than the 12 iterations
    assert not at.exception
    assert "never update the weights" in at.error[0].value


def test_train_page_takes_k_and_states_the_updates():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.switch_page("app_pages/train.py").run()
    at.number_input(key="train.accumulation").set_value(4).run()  # 100 steps
    assert not at.exception
    assert any("25 optimizer updates" in m.value for m in at.markdown)
    at.number_input(key="train.accumulation").set_value(101).run()
    assert not at.exception
    assert "never update the weights" in at.error[0].value


# -- Compare: sweeping K, and B × K constant ----------------------------------------------------
def test_sweep_plans_k_at_fixed_b_and_b_times_k_constant():
    from core.study import sweep

    base = _blobs(n=1280, validation_split=0.2)
    fixed = sweep.plan(sweep.SweepSpec(base, (32,), accumulations=(1, 4)), 1280)
    assert [(c.batch_size, c.accumulation) for c in fixed] == [(32, 1), (32, 4)]
    spec = sweep.SweepSpec(base, (128,), accumulations=(1, 4), keep_product=True)
    same = sweep.plan(spec, 1280)
    assert [(c.batch_size, c.accumulation) for c in same] == [(128, 1), (32, 4)]
    assert [sweep.run_label(c) for c in same] == ["B=128", "B=32×K=4"]
    with pytest.raises(InputError, match="does not split into 3"):
        sweep.plan(replace(spec, accumulations=(3,)), 1280)
    with pytest.raises(InputError, match="not a whole number"):
        sweep.parse_accumulations("1, x")


def test_b32_times_4_gives_b128s_updates_with_sgd():
    """1024 training samples: B = 128 and B = 32 × K = 4 see the same 128 samples per update in
    the same order; with SGD (no batch-dependent layers) the weights follow the same path."""
    from core.run import executors
    from core.run.store import RunStore
    from core.study import sweep

    base = _blobs(n=1280, validation_split=0.2, epochs=3, lr=0.1)
    spec = sweep.SweepSpec(base, (128,), accumulations=(1, 4), keep_product=True, budget_value=3)
    store = RunStore()
    executors.run_sweep(sweep.plan(spec, 1280), store, "sw-acc")
    table, by_b = sweep.summarize(store, "sw-acc", "val_loss", 0.1)
    big, small = (table[table["accumulation"] == k].iloc[0] for k in (1, 4))
    assert (big["steps"], small["steps"]) == (24, 96)
    assert big["optimizer_updates"] == small["optimizer_updates"] == 24
    assert small["final_val_loss"] == pytest.approx(big["final_val_loss"], rel=1e-5)
    assert small["final_train_loss"] == pytest.approx(big["final_train_loss"], rel=1e-5)
    assert big["peak_memory_mb"] > 0 and small["peak_memory_mb"] > 0
    assert len(by_b) == 2  # one row per (B, K)
    # the page's note that the losses match holds here, and only where B × K is shared
    from core.api import sweeps

    assert sweeps.sweep_view(store, "sw-acc", "val_loss", 0.1, "en").same_effective_batch
    apart = sweep.SweepSpec(base, (32,), accumulations=(1, 4), budget_value=1)
    executors.run_sweep(sweep.plan(apart, 1280), store, "sw-apart")  # effective 32 and 128
    view = sweeps.sweep_view(store, "sw-apart", "val_loss", 1e-9, "en")
    assert not view.same_effective_batch
    assert view.unreached == ("B=32", "B=32×K=4")


def test_compare_page_takes_k_values_and_b_times_k_constant():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.switch_page("app_pages/compare.py").run()
    at.text_input(key="compare.batch_sizes").set_value("128").run()
    at.text_input(key="compare.accumulations").set_value("1, 4").run()
    at.checkbox(key="compare.keep_product").check().run()
    assert not at.exception
    assert any("B=32×K=4" in c.value for c in at.caption)
    at.text_input(key="compare.accumulations").set_value("3").run()
    assert "does not split into 3" in at.error[0].value
