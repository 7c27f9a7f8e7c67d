"""The Train and Compare pages' calls (core.api.training, core.api.sweeps) on a real store, real
configs and the real worker pool: what they return is what the pages draw."""

import re
import time
from dataclasses import replace

import pytest

from core.api import sweeps, training
from core.api.common import RunStore, exports
from core.run import executors
from core.run.runner import shared_pool
from core.study import sweep
from core.train.engine import TrainConfig

TRAIN_INPUTS = {
    "dataset": "synthetic",
    "model": "mlp",
    "n": 1000,
    "batch_size": 100,
    "epochs": 2,
    "validation_split": 0.0,
    "shuffle": "epoch",
    "drop_remainder": False,
    "optimizer": "adam",
    "lr": 0.001,
    "seed": 0,
    "engine": "fused",
    "replicas": 1,
    "accumulation": 1,
    "task": "auto",
    "features": 4,
    "classes": 3,
    "noise": 0.0,
}
COMPARE_INPUTS = {
    "dataset": "blobs",
    "model": "mlp",
    "n": 256,
    "optimizer": "adam",
    "lr": 0.001,
    "validation_split": 0.2,
    "batch_sizes": "8, 64",
    "repeats": 1,
    "budget": "epochs",
    "budget_value": 2.0,
    "lr_scaling": "linear",
    "base_batch_size": 8,
    "warmup_epochs": 0.0,
    "accumulations": "1",
    "keep_product": False,
    "seed": 0,
}


# -- Train ------------------------------------------------------------------------------------
def test_each_dataset_offers_the_models_that_can_train_on_it():
    assert training.models_for("linear") == ("linear",)
    assert training.models_for("digits") == ("mlp", "cnn")
    assert training.models_for("csv") == training.MODELS


@pytest.mark.parametrize(
    ("dataset", "model", "changes"),
    [
        ("linear", "mlp", training.LINEAR_INPUTS),
        ("blobs", "linear", {"model": "mlp"}),
        ("mnist", "linear", {"model": "mlp", "n": 0}),
        ("digits", "cnn", {"n": 0}),
        ("synthetic", "mlp", {}),
    ],
)
def test_picking_a_dataset_changes_the_inputs_that_must_follow(dataset, model, changes):
    assert training.inputs_for_dataset(dataset, model) == changes


def test_epochs_over_the_cap_are_named_before_anything_is_prepared():
    assert training.epochs_over_cap(training.MAX_EPOCHS + 1)
    assert not training.epochs_over_cap(training.MAX_EPOCHS)
    assert not training.epochs_over_cap(2.5)  # not a whole number: prepare says so


def test_run_config_reads_the_inputs_and_n_zero_means_all():
    config = training.run_config({**TRAIN_INPUTS, "n": 0, "replicas": 2.0}, label=None)
    expected = TrainConfig(dataset="synthetic", n=None, batch_size=100, epochs=2, replicas=2)
    assert config == replace(expected, features=4, classes=3)


def test_plan_run_states_the_iterations_updates_and_split():
    config = training.run_config({**TRAIN_INPUTS, "accumulation": 4, "validation_split": 0.2}, None)
    plan = training.plan_run(training.checked_run(config), "en")
    kinds = [kind for kind, _ in plan.lines]
    assert kinds == ["markdown", "markdown", "info"]  # the info: synthetic labels are random
    assert "8 iterations per epoch × 2 epochs = 16 steps" in plan.lines[0][1]
    assert "4 optimizer updates" in plan.lines[1][1]
    assert plan.lines[2][1].startswith("- Random labels")
    assert plan.split == (800, 200, len(plan.prepared.data.x_test))


def test_plan_run_says_what_to_change():
    config = training.run_config({**TRAIN_INPUTS, "batch_size": 0}, None)
    with pytest.raises(ValueError, match="batch_size` must be at least 1"):
        training.plan_run(training.checked_run(config), "en")


@pytest.mark.parametrize(
    ("status", "active", "requested", "notice"),
    [
        ("diverged", False, False, ("warning", "train.diverged")),
        ("failed", False, True, ("error", "train.failed")),
        ("stopped", False, True, ("info", "train.stopped")),
        ("running", True, True, ("caption", "train.stopping")),
        ("running", False, True, None),  # the worker is gone: no "Stopping" for good
        ("running", True, False, None),
        ("completed", False, False, None),
    ],
)
def test_each_status_gets_its_line(status, active, requested, notice):
    assert training.status_notice(status, active, requested) == notice


def test_a_started_run_trains_and_its_live_view_shows_what_the_page_draws():
    store = RunStore()
    plan = training.plan_run(training.checked_run(training.run_config(TRAIN_INPUTS, None)), "en")
    started = training.start_run(store, plan.prepared, None)
    assert not started.queued and store.get_run(started.run_id)["status"] in ("starting", "running")
    started.handle.join(120)
    assert not training.is_running(store, started.handle)
    assert training.stop_run(store, started.handle) is None  # nothing left to stop
    feed = training.step_feed(None, started.run_id)
    assert training.step_feed(feed, started.run_id) is feed
    view = training.live_view(store, feed, started.handle, False, "en")
    assert (view.status, view.active, view.fraction) == ("completed", False, 1.0)
    assert view.progress == "20 / 20 steps done · in epoch 1 (epochs 0–1)"
    metrics = {label: value for label, value, _ in view.metrics}
    assert metrics["Status"] == "completed" and metrics["ETA"] == "—"
    # Once done, the rates are the whole run's, the figures its timing line states (the live
    # 2 s window's 6,852 stood beside a line saying 6,588 steps/s).
    summary = store.get_run(started.run_id)["summary"]
    assert metrics["Steps/s"] == f"{summary['steps_per_second']:,.0f}"
    assert metrics["Samples/s"] == f"{summary['samples_per_second']:,.0f}"
    assert f"then {summary['steps_per_second']:,.0f} steps/s" in view.lines[1][1]
    assert [kind for kind, _ in view.lines] == ["success", "caption"]
    assert view.lines[0][1].startswith("Test set: loss")
    # The timing line states the engine's clocks: 20 steps = rate × training seconds, with the
    # compile kept off the clock (it used to say "first epoch ..., compiling included").
    timing = re.search(r"then ([\d,]+) steps/s over ([\d.e-]+) s of training", view.lines[1][1])
    assert timing, view.lines[1][1]
    rate, seconds = float(timing[1].replace(",", "")), float(timing[2])
    assert rate * seconds == pytest.approx(20, rel=0.01)  # 3 significant figures each
    charts = training.charts_view(store, feed, ["a", "b"])
    assert len(charts.steps) == 20 and len(charts.epochs) == 2
    # With the page's inputs still those of the run: no note. Once they change (N=1, say), the
    # old run's figures say they are the old run's instead of passing for the new inputs'.
    same = training.live_view(store, feed, started.handle, False, "en", plan.prepared)
    assert same.lines == view.lines
    other = {**TRAIN_INPUTS, "n": 1}
    changed = training.plan_run(training.checked_run(training.run_config(other, None)), "en")
    note = training.live_view(store, feed, started.handle, False, "en", changed.prepared)
    assert note.lines[0][0] == "warning" and note.lines[1:] == view.lines
    assert note.lines[0][1].startswith(
        f"These figures and charts are from the last run, {started.run_id}"
    )
    assert (charts.last_epoch, charts.max_epoch, charts.has_accuracy) == (1, 1, True)


def test_stop_run_stops_a_running_run_and_the_view_says_so():
    store = RunStore()
    inputs = {**TRAIN_INPUTS, "batch_size": 1, "epochs": 500}
    plan = training.plan_run(training.checked_run(training.run_config(inputs, None)), "en")
    started = training.start_run(store, plan.prepared, None)
    deadline = time.time() + 120
    while not store.get_run(started.run_id)["steps_done"] and time.time() < deadline:
        time.sleep(0.2)  # "running" comes before the first chunk of steps is stored
    assert training.is_running(store, started.handle)
    assert training.stop_run(store, started.handle) == started.run_id
    started.handle.join(60)
    feed = training.step_feed(None, started.run_id)
    view = training.live_view(store, feed, started.handle, True, "en")
    done = store.get_run(started.run_id)["steps_done"]
    assert view.status == "stopped" and 0 < done < 1000 * 500
    stopped = f"Stopped after {done:,} steps; everything trained so far is kept."
    assert ("info", stopped) in view.lines


def test_while_the_step_compiles_the_view_says_so_and_then_stops_saying_it():
    store = RunStore()
    # a batch size no test here trains (a worker back from a run keeps its shapes compiled)
    inputs = {**TRAIN_INPUTS, "batch_size": 5, "epochs": 2000, "seed": 7}
    plan = training.plan_run(training.checked_run(training.run_config(inputs, None)), "en")
    started = training.start_run(store, plan.prepared, None)
    compiling = "Compiling the training step"
    seen, deadline = [], time.time() + 120
    try:
        while time.time() < deadline:
            feed = training.step_feed(None, started.run_id)
            view = training.live_view(store, feed, started.handle, False, "en")
            run = store.get_run(started.run_id)
            steps, marked = run["steps_done"], "compiling_since" in (run["summary"] or {})
            said = any(compiling in line and "s so far" in line for _, line in view.lines)
            seen.append((view.status, steps, said, marked))
            if steps:
                break
            time.sleep(0.02)
    finally:
        training.stop_run(store, started.handle)
        started.handle.join(60)
    # The engine marks the run while it compiles: those views (0 steps) say why nothing moves
    # yet, with the seconds so far; none says it while starting or once steps are stored.
    assert any(said for _, _, said, _ in seen), seen
    assert all(
        not said or (status == "running" and not steps and marked)
        for status, steps, said, marked in seen
    ), seen


def test_with_every_slot_taken_a_run_is_queued_and_nothing_is_stored():
    pool = shared_pool()
    saved = pool.max_concurrent
    pool.max_concurrent = 0
    try:
        store = RunStore()
        plan = training.plan_run(
            training.checked_run(training.run_config(TRAIN_INPUTS, None)), "en"
        )
        assert not training.has_slot()
        started = training.start_run(store, plan.prepared, None)
        assert started.queued and started.run_id is None
        assert store.list_runs() == []
    finally:
        pool.max_concurrent = saved


def test_a_deleted_run_has_no_live_view():
    store = RunStore()
    feed = training.step_feed(None, "no-such-run")
    assert training.live_view(store, feed, None, False, "en") is None
    assert training.charts_view(store, feed, None) is None


# -- Compare ----------------------------------------------------------------------------------
def test_a_sweep_plan_names_each_run_with_its_scaled_lr():
    plan = sweeps.plan_sweep(sweeps.sweep_spec(COMPARE_INPUTS))
    assert [c.batch_size for c in plan.configs] == [8, 64]
    assert plan.rows == "B=8 (lr 0.001), B=64 (lr 0.008)"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"batch_sizes": "8, abc"}, "not a whole number"),
        ({"batch_sizes": "128", "accumulations": "3", "keep_product": True}, "split into 3"),
    ],
)
def test_a_bad_sweep_input_says_what_to_change(change, match):
    with pytest.raises(ValueError, match=match):
        sweeps.plan_sweep(sweeps.sweep_spec({**COMPARE_INPUTS, **change}))


def test_the_sweep_shown_follows_the_started_one_then_a_link_then_the_newest():
    store = RunStore()
    assert sweeps.choose_sweep(store, "sw-gone", None) == sweeps.SweepChoice({}, "sw-gone", None)
    assert not sweeps.has_sweeps()
    configs = sweep.plan_checked(sweeps.sweep_spec(COMPARE_INPUTS))
    executors.run_sweep(configs[:1], store, "sw-old")
    time.sleep(1.1)  # sweeps are ordered by their creation second
    executors.run_sweep(configs[1:], store, "sw-new")
    assert sweeps.has_sweeps()
    assert list(sweeps.choose_sweep(store, None, None).names) == ["sw-new", "sw-old"]
    assert sweeps.choose_sweep(store, "sw-old", None).shown == "sw-old"
    assert sweeps.choose_sweep(store, "sw-new", "sw-old").shown == "sw-old"
    gone = sweeps.choose_sweep(store, "sw-gone", "sw-not-yet-stored")
    assert (gone.shown, gone.gone) == ("sw-new", "sw-gone")


def test_a_sweep_view_and_progress_hold_what_the_page_draws():
    store = RunStore()
    plan = sweeps.plan_sweep(sweeps.sweep_spec(COMPARE_INPUTS))
    executors.run_sweep(list(plan.configs), store, "sw-view")
    assert sweeps.sweep_view(store, "sw-none", "val_loss", 0.5, "en") is None
    view = sweeps.sweep_view(store, "sw-view", "val_loss", 0.5, "en")
    assert view.table["batch_size"].tolist() == [8, 64]
    assert view.table["steps"].tolist() == [2 * 26, 2 * 4]  # 204 training samples
    assert view.has_val and view.has_val_accuracy and view.accumulation is None
    assert not view.best_lr_only  # one lr per size: nothing was picked
    # 2 epochs of 204 samples train in well under a second: the throughput chart says it is
    # too short to rank (it ranked B=8 over B=32 on 50-90 ms timings without a word).
    lo, hi = view.short_timing
    assert 0 < lo <= hi < sweeps.SHORT_TIMING_S
    shown = view.table["train_seconds"]  # the table rounds to 4 figures
    assert (lo, hi) == pytest.approx((shown.min(), shown.max()), rel=1e-3)
    assert view.reading and not view.epoch_curves.empty and not view.step_curves.empty
    assert set(view.unreached) <= {8, 64}
    # The table people read shows 4 significant figures (it showed 0.05094649300008314 s).
    seconds = view.table["seconds"].tolist()
    assert all(s > 0 and f"{s:.4g}" == repr(s) for s in seconds), seconds
    # 2 of 4 runs done in 10 s: 2 left at 5 s each, the time left counted from the last finish
    done_at = max(r["updated"] for r in store.list_runs(sweep_id="sw-view"))
    started = done_at - 10.0
    share, text = sweeps.progress(store, "sw-view", 4, started=started, lang="en", now=done_at)
    assert share == 0.5 and text == "run 3 of 4 · about 10 s left"
    files = exports(store, view.run_ids)
    assert files.csv.count("\n") > 2 and '"run_id"' in files.json and files.tensorboard[:2] == b"PK"


def test_a_started_sweep_is_followed_by_its_id():
    store = RunStore()
    plan = sweeps.plan_sweep(sweeps.sweep_spec({**COMPARE_INPUTS, "batch_sizes": "64"}))
    started = sweeps.start_sweep(plan, store)
    assert started.expected == 1 and started.started <= time.time()
    started.handle.join(120)
    runs = store.list_runs(sweep_id=started.sweep_id)
    assert [r["status"] for r in runs] == ["completed"]
