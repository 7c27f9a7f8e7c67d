"""The Runs page's table says what the run was and what it cost: K and peak memory (issue 17)."""

import pytest

from core.present import report
from core.run.recording import create_run, run_and_record
from core.run.store import RunStore
from core.train.engine import prepare
from tests.conftest import linear_config


def test_the_runs_table_shows_accumulation_and_the_recorded_peak_memory(isolated_store):
    store = RunStore()
    prepared = prepare(linear_config(accumulation=2))
    run_and_record(prepared, store, create_run(store, prepared))
    (row,) = report.runs_table(store.list_runs()).to_dict("records")
    peak = store.list_runs()[0]["summary"]["peak_memory_bytes"]
    assert row["accumulation"] == 2 and row["batch_size"] == 3
    assert peak > 2**20  # a Keras process holds more than a MiB
    assert row["peak_memory_mb"] == pytest.approx(peak / 2**20, abs=0.05)
    # what the run gave comes before the bookkeeping, each figure rounded to what it tells
    order = list(row)
    assert order.index("test_loss") < order.index("optimizer") < order.index("created")
    test = store.list_runs()[0]["test_metrics"]
    assert row["test_loss"] == round(test["loss"], 4) and isinstance(row["steps_per_second"], int)
    # the picker tells B=3×K=2 from a B=3 run
    choice = report.run_choice(store.list_runs()[0])
    assert choice.endswith(" · linear linear B=3×K=2 E=10 lr=0.001")
