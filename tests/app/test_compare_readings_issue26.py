"""Compare's readings and progress (issue 26 item 7): a stopped sweep says it was stopped, the
time left counts down within a run (it counted up), wall times close to each other are shown
with the figures that tell them apart, and a size with one epoch point is said and drawn."""

import pandas as pd

from core.api import sweeps
from core.present import charts
from core.present.readings import distinct_seconds, sweep_reading
from core.run.store import RunStore
from core.train.engine import TrainConfig


def sweep_of(statuses: list[str], sweep_id: str = "sw-t") -> RunStore:
    store = RunStore()
    for i, status in enumerate(statuses):
        config = TrainConfig(dataset="blobs", n=200, batch_size=2**i, epochs=1).to_dict()
        run_id = store.create_run(config, 10, sweep_id=sweep_id)
        store.add_steps(
            run_id, [(s, 0, 2**i, 2.3 - 0.1 * s, None, 0.01 * s, None) for s in range(5)], 5
        )
        store.add_epoch(run_id, 0, 2.0, None, None, None, 0.05, 5)
        store.update_run(run_id, status=status, steps_per_second=100.0)
    return store


def test_a_stopped_sweep_says_so_first():
    store = sweep_of(["completed", "stopped"])
    view = sweeps.sweep_view(store, "sw-t", "train_loss", 0.0001, "en")
    assert view.reading.startswith("This sweep was stopped: 2 of its runs are stored")
    zh = sweeps.sweep_view(store, "sw-t", "train_loss", 0.0001, "zh")
    assert zh.reading.startswith("该扫描已被停止")
    whole = sweeps.sweep_view(
        sweep_of(["completed", "completed"], "sw-u"), "sw-u", "train_loss", 0.0001, "en"
    )
    assert "stopped" not in whole.reading


def test_time_left_counts_down_within_a_run():
    store = sweep_of(["completed", "running"])
    runs = store.list_runs(sweep_id="sw-t")
    finished_at = runs[0]["updated"]
    started = finished_at - 10.0  # the first of 4 runs took 10 s
    seconds = []
    for later in (0.0, 3.0, 6.0, 9.0):
        _, text = sweeps.progress(store, "sw-t", 4, started, "en", now=finished_at + later)
        seconds.append(int(text.split("about ")[1].split(" s")[0]))
    assert seconds == [30, 27, 24, 21]  # 3 runs left at 10 s each, less the current run's time


def test_close_wall_times_get_the_figures_that_tell_them_apart():
    assert distinct_seconds(0.0213, 0.0208) == ("0.0213", "0.0208")
    assert distinct_seconds(1.5, 2.5) == ("1.5", "2.5")
    by_b = pd.DataFrame(
        {
            "batch_size": [8, 32],
            "final_train_loss": [0.1, 0.2],
            "steps_to_target": [100.0, 40.0],
            "seconds_to_target": [0.0208, 0.0213],
            "epochs_to_target": [1.0, 1.5],
            "repeats": [1, 1],
        }
    )
    text = sweep_reading(by_b, "train_loss", 0.5, "en")
    assert "B=8 (0.0208 s) and B=32 (0.0213 s) show no measurable difference" in text
    assert "0.02 s against 0.02 s" not in text


def test_sizes_under_an_epoch_are_named_and_drawn_as_dots():
    curves = pd.DataFrame(
        {
            "run_id": ["a", "a", "b"],
            "batch_size": [8, 8, 512],
            "epoch": [0, 1, 0],
            "loss": [1.0, 0.5, 0.9],
        }
    )
    assert sweeps.one_epoch_sizes(curves) == ["B=512"]
    spec = charts.sweep_curves_chart(curves, "epoch").to_dict()
    assert spec["mark"]["point"]["size"] >= 50
    assert spec["encoding"]["color"]["legend"]["symbolStrokeWidth"] >= 3
