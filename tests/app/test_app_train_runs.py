import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.present.text import t
from core.run.recording import create_run, run_and_record
from core.run.store import RunStore
from core.train.engine import TrainConfig, prepare

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception
    return at


def charts(at):
    return at.get("vega_lite_chart")


def wait_for_status(at, statuses, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception
        status = {m.label: m.value for m in at.metric}.get("Status")
        if status in statuses:
            return status
    raise AssertionError(f"no status in {statuses} after {timeout} s")


def wait_for_first_steps(at, timeout=120):
    """Until the progress bar counts stored steps: "running" is written before the model has
    compiled, and a Stop that lands before the first chunk keeps a run of 0 steps."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        bars = [p.proto.text for p in at.get("progress")]
        if bars and not bars[0].startswith("0 / "):
            return
        time.sleep(0.5)
        at.run()
        assert not at.exception
    raise AssertionError(f"no steps stored after {timeout} s")


def test_train_page_trains_to_completion_and_draws_the_charts():
    at = open_page("app_pages/train.py")
    assert "10 iterations per epoch × 10 epochs = 100 steps" in at.markdown[0].value
    at.number_input(key="train.epochs").set_value(3).run()
    at.button(key="train.start").click().run()
    assert wait_for_status(at, {"completed", "failed"}) == "completed"
    assert "Test set: loss" in at.success[0].value
    # split bar, step loss, epoch loss, epoch accuracy, batch composition
    assert len(charts(at)) >= 5
    # Following the latest epoch, the greyed-out epoch box shows the epoch drawn (2), not 0.
    box = at.number_input(key="train.composition_epoch")
    assert box.disabled and box.value == 2
    at.checkbox(key="train.composition_latest").uncheck().run()
    box = at.number_input(key="train.composition_epoch")
    assert not box.disabled and box.value == 2
    box.set_value(0).run()
    assert not at.exception and at.number_input(key="train.composition_epoch").value == 0
    store = RunStore()
    run = store.list_runs()[0]
    assert run["status"] == "completed" and run["steps_done"] == 30
    assert len(store.steps(run["run_id"])) == 30


def test_train_page_lists_the_devices_keras_sees_before_a_run():
    at = open_page("app_pages/train.py")
    deadline = time.time() + 90
    while time.time() < deadline:
        seen = [c.value for c in at.caption if c.value.startswith("Keras sees")]
        if seen:
            break
        time.sleep(0.5)
        at.run()
    assert seen, "the warm worker never reported its devices"
    cores = os.cpu_count()
    assert re.fullmatch(
        rf"Keras sees CPU .+, {cores} cores.* \(\d+ GPU\)\. Runs train on the (CPU|GPU)\.", seen[0]
    )


def test_train_page_says_what_start_waits_for_until_the_worker_has_compiled_it():
    # issue 26.4: the honest wait beside Start, from "loading TensorFlow" to "ready"
    at = open_page("app_pages/train.py")
    said, deadline = [], time.time() + 240
    while time.time() < deadline:
        said += [c.value for c in at.caption if c.value.startswith(("Ready", "A worker", "Start"))]
        if said and said[-1].startswith("Ready"):
            break
        time.sleep(1.0)
        at.run()
    assert said and said[-1].startswith("Ready: a worker has this model and batch size compiled")
    assert not at.exception


def start_long_run():
    """The Train page with a B=1, 500-epoch run going and some of its steps stored."""
    at = open_page("app_pages/train.py")
    at.number_input(key="train.batch_size").set_value(1).run()
    at.number_input(key="train.epochs").set_value(500).run()
    at.button(key="train.start").click().run()
    wait_for_status(at, {"running"})
    wait_for_first_steps(at)
    return at


def test_train_page_stop_keeps_the_run():
    at = start_long_run()
    at.button(key="train.stop").click().run()
    assert wait_for_status(at, {"stopped", "completed"}) == "stopped"
    run = RunStore().list_runs()[0]
    assert run["status"] == "stopped" and 0 < run["steps_done"] < run["total_steps"]


def test_a_run_deleted_while_it_trains_stops_its_worker_and_the_polling():
    """Deleted from the Runs page (here: the store) while the Train page watches it: the page
    says so, the worker stops, and the page stops polling a run nobody can see."""
    at = start_long_run()
    handle = at.session_state["train.handle"]
    RunStore().delete_run(handle.run_id)
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("train.run_gone")]
    handle.join(30)
    assert not handle.alive()


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("train.batch_size", 0, "batch_size` must be at least 1"),
        ("train.epochs", 0, "`epochs` must be at least 1"),
        ("train.epochs", 10**7, "capped"),
        ("train.lr", 0.0, "`lr` must be greater than 0"),
        ("train.n", 10**7, "at most 5,000,000"),
    ],
)
def test_train_page_bad_input_shows_an_error(key, value, match):
    at = open_page("app_pages/train.py")
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert match in at.error[0].value


def test_train_page_with_replicas_shows_per_replica_throughput():
    at = open_page("app_pages/train.py")
    at.number_input(key="train.replicas").set_value(2).run()
    at.number_input(key="train.epochs").set_value(2).run()
    at.button(key="train.start").click().run()
    assert wait_for_status(at, {"completed", "failed"}) == "completed"
    assert {m.label: m.value for m in at.metric}["Device"] == "2 × CPU"
    caption = next(c.value for c in at.caption if "replicas:" in c.value)
    assert re.fullmatch(
        r"2 replicas: each computes 50 samples of every global batch, [\d,]+ samples/s per "
        r"replica\.",
        caption,
    )


def test_train_page_batch_not_divisible_by_replicas_is_an_error_before_start():
    at = open_page("app_pages/train.py")
    at.number_input(key="train.replicas").set_value(3).run()
    assert not at.exception
    assert "does not split evenly over 3 replicas" in at.error[0].value
    assert "train.start" not in [b.key for b in at.button]  # the page stops before Start


def test_train_page_shapes_blobs_with_features_and_classes():
    at = open_page("app_pages/train.py")
    at.selectbox(key="train.dataset").set_value("blobs").run()
    at.number_input(key="train.features").set_value(2).run()
    at.number_input(key="train.classes").set_value(3).run()
    at.number_input(key="train.epochs").set_value(1).run()
    at.button(key="train.start").click().run()
    assert wait_for_status(at, {"completed", "failed"}) == "completed"
    config = RunStore().list_runs()[0]["config"]
    assert (config["dataset"], config["features"], config["classes"]) == ("blobs", 2, 3)
    assert not [n for n in at.number_input if n.key == "train.noise"]  # linear only


def test_train_page_cnn_on_non_images_says_what_to_change():
    at = open_page("app_pages/train.py")
    at.selectbox(key="train.model").set_value("cnn").run()
    assert "needs image data" in at.error[0].value


def test_runs_page_lists_opens_and_deletes_runs():
    store = RunStore()
    ids = []
    for b in (3, 5):
        p = prepare(
            TrainConfig(
                dataset="linear",
                model="linear",
                n=10,
                batch_size=b,
                epochs=2,
                optimizer="sgd",
                lr=0.001,
            )
        )
        run_id = create_run(store, p)
        run_and_record(p, store, run_id)
        ids.append(run_id)
    at = open_page("app_pages/runs.py")
    assert len(at.dataframe[0].value) == 2
    assert "python -m core train --dataset linear" in at.code[0].value
    assert len(charts(at)) >= 2
    at.multiselect(key="runs.chosen").set_value(ids).run()
    assert not at.exception
    assert len(charts(at)) >= 2
    at.button(key="runs.delete").click().run()
    assert not at.exception
    assert RunStore().list_runs() == []


def test_runs_page_empty_store():
    at = open_page("app_pages/runs.py")
    assert "No runs yet" in at.info[0].value


def test_a_link_to_the_linear_dataset_gets_the_linear_model():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.dataset"] = "linear"  # what app.py sets from ?dataset=linear
    at.switch_page("app_pages/train.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="train.model").value == "linear"
    assert len(at.selectbox(key="train.model").options) == 1  # "linear w·x+b": only linear


def test_a_second_training_on_a_full_demo_queues_and_starts_by_itself():
    from core.run.runner import shared_pool

    pool = shared_pool()
    saved = pool.max_concurrent
    pool.max_concurrent = 1  # demo mode's global limit, on this process's shared pool
    try:
        first = open_page("app_pages/train.py")
        first.number_input(key="train.batch_size").set_value(1).run()
        first.number_input(key="train.epochs").set_value(1000).run()
        first.button(key="train.start").click().run()
        second = open_page("app_pages/train.py")
        second.number_input(key="train.epochs").set_value(1).run()
        second.button(key="train.start").click().run()
        assert any("your run is queued" in i.value for i in second.info)
        assert second.session_state["train.queued"] and "train.run_id" not in second.session_state
        second.button(key="train.stop").click().run()  # Stop cancels the queued run
        assert "train.queued" not in second.session_state
        assert not [i for i in second.info if "queued" in i.value]
        second.button(key="train.start").click().run()  # queued again
        assert second.session_state["train.queued"]
        first.button(key="train.stop").click().run()
        first.session_state["train.handle"].join(60)
        assert wait_for_status(second, {"completed", "failed"}) == "completed"
        assert "train.queued" not in second.session_state
        statuses = sorted(r["status"] for r in RunStore().list_runs())
        assert statuses == ["completed", "stopped"]
    finally:
        pool.max_concurrent = saved
