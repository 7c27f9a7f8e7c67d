"""One numbering convention everywhere (issue 14, item 8): epochs, iterations and batches count
from 0, as in code (`for epoch in range(E)`), on the Schedule page, on Train and on Compare; an
"iteration" is the global step and "batch" its place in the epoch."""

from pathlib import Path

import numpy as np

from core.present import charts, report
from core.present.text import t
from core.run.store import RunStore
from core.schedule.plan import Schedule, ScheduleSpec
from core.study import sweep


def rows(chart):
    return next(iter(chart.to_dict()["datasets"].values()))


def test_table_timeline_and_membership_number_iterations_and_batches_alike():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2, seed=5))
    spe = s.steps_per_epoch
    table = charts.batches_table(s)
    # Reference: Schedule.epoch_batches, the batches the engine feeds, in order.
    expected = [
        (e, i, e * spe + i, ", ".join(map(str, b.tolist())))
        for e in range(2)
        for i, b in enumerate(s.epoch_batches(e))
    ]
    got = list(table[["epoch", "batch", "iteration", "indices"]].itertuples(index=False, name=None))
    assert got == expected
    assert expected[0][:3] == (0, 0, 0)  # the first epoch, batch and iteration are number 0

    timeline = rows(charts.timeline_chart(s))
    assert [(r["epoch"], r["batch"], r["iteration"]) for r in timeline] == [
        (e, i, it) for e, i, it, _ in expected
    ]

    cells = rows(charts.membership_chart(s, [0, 1]))
    for r in cells:
        batch = s.epoch_batches(r["epoch"])[r["batch"]]
        assert r["iteration"] == r["epoch"] * spe + r["batch"]
        assert batch[r["position"]] == r["sample"]


def test_chart_axis_and_table_use_iteration_for_the_global_step():
    # The axis says "iteration (global step)": the table's `iteration` column is that step,
    # its place within the epoch is `batch`.
    assert "global step" in t("chart.global_step")
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=3))
    table = charts.batches_table(s, epochs=3)
    assert table["iteration"].tolist() == list(range(s.total_steps))[: len(table)]
    assert table["batch"].tolist() == [0, 1, 2, 3] * 3


def test_compare_numbers_epochs_as_train_does(tmp_path: Path):
    # A run as the engine stores it: steps and epochs numbered from 0 (Schedule.epoch_order(e)).
    store = RunStore(tmp_path / "runs.db")
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2))
    run = store.create_run({"batch_size": 3, "epochs": 2}, s.total_steps, sweep_id="sw")
    step_rows = [
        (e * s.steps_per_epoch + i, e, b, 1.0 / (1 + e), None, 0.1, None)
        for e in range(s.epochs)
        for i, b in enumerate(s.batch_sizes())
    ]
    store.add_steps(run, step_rows, steps_done=len(step_rows))
    for e in range(s.epochs):
        store.add_epoch(run, e, 1.0 / (1 + e), None, None, None, 0.1, s.steps_per_epoch)

    train_epochs = report.epochs_frame(store, run)["epoch"].tolist()  # Train's epoch chart
    step_curves, epoch_curves = sweep.curves(store, "sw")  # Compare's curves
    assert train_epochs == list(range(s.epochs))
    assert epoch_curves["epoch"].tolist() == train_epochs
    assert sorted(step_curves["epoch"].unique().tolist()) == train_epochs
    # Compare's per-epoch loss at epoch e is Train's epoch e, not e - 1.
    assert np.allclose(epoch_curves["loss"], [1.0, 0.5])
    store.close()
