import dataclasses

import numpy as np
import pytest

from core.present import charts
from core.schedule import codegen
from core.schedule.plan import MAX_LISTED_SAMPLES, Schedule, ScheduleSpec


def chart_rows(chart):
    d = chart.to_dict()
    return next(iter(d["datasets"].values()))


def test_timeline_marks_the_partial_batch():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2))
    rows = chart_rows(charts.timeline_chart(s))
    assert len(rows) == 8
    assert [r["kind"] for r in rows if r["epoch"] == 0] == ["full batch"] * 3 + ["partial batch"]
    assert rows[3]["batch_size"] == 1


def test_timeline_of_ten_billion_steps_stays_small():
    s = Schedule(ScheduleSpec(n=10**7, batch_size=1, epochs=1000))
    rows = chart_rows(charts.timeline_chart(s))
    assert len(rows) <= charts.MAX_POINTS


def test_membership_heatmap_has_one_cell_per_sample_and_epoch():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=10, seed=1))
    epochs = charts.membership_epochs(s)
    assert epochs == [0, 1, 2, 3, 4]
    rows = chart_rows(charts.membership_chart(s, epochs))
    assert len(rows) == 50
    first = [r for r in rows if r["epoch"] == 0]
    assert sorted(r["sample"] for r in first) == list(range(10))
    assert sorted({r["iteration"] for r in first}) == [0, 1, 2, 3]


def test_density_view_counts_every_fed_sample():
    s = Schedule(ScheduleSpec(n=100_000, batch_size=64, epochs=1))
    rows = chart_rows(charts.membership_density_chart(s, 0))
    assert sum(r["count"] for r in rows) == 100_000
    assert len(rows) <= charts.MAX_POINTS


def test_batches_table_lists_the_first_epochs():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=3, shuffle="none"))
    table = charts.batches_table(s)
    assert table["size"].tolist() == [3, 3, 3, 1] * 2
    assert table["indices"].iloc[3] == "9"


def test_code_snippets_carry_the_setup():
    spec = ScheduleSpec(
        n=1797,
        batch_size=32,
        epochs=5,
        validation_split=0.2,
        drop_remainder=True,
        shuffle="batch",
        seed=4,
    )
    # fit() on arrays cannot drop the remainder: the Keras snippet fits a tf.data pipeline
    assert "ds.batch(32, drop_remainder=True)" in codegen.keras_fit(spec)
    assert "model.fit(ds, epochs=5" in codegen.keras_fit(spec)
    keep = dataclasses.replace(spec, drop_remainder=False)
    assert "batch_size=32" in codegen.keras_fit(keep)
    assert 'shuffle="batch"' in codegen.keras_fit(keep)
    tfd = codegen.tf_data(spec)
    assert "drop_remainder=True" in tfd and "split_at = 1437" in tfd
    pt = codegen.pytorch(spec)
    assert "range(1437)" in pt and "ShuffleInsideBatches" in pt
    # Sampler() without data_source: optional from torch 2.1 (pytorch/pytorch#97338)
    assert codegen.TORCH_MIN_VERSION == "2.1"
    assert "import torch  # torch >= 2.1" in pt
    assert "needs torch >= 2.1" in pt.split("class ShuffleInsideBatches")[0]
    compile(pt, "pytorch", "exec")
    compile(tfd, "tf_data", "exec")
    compile(codegen.keras_fit(spec), "keras_fit", "exec")


# -- small cases are readable (issue 14, item 4) ----------------------------------------------
# Streamlit fits a chart's whole height, axes and titles included, into the spec's `height`;
# in the browser the axes of these charts took about 70 px (tests/e2e measures the drawn marks).
AXES_PX = 70


def chart_height(chart) -> int:
    return chart.to_dict()["height"]


@pytest.mark.parametrize("epochs", [1, 2, 3, 10])
def test_timeline_gives_every_epoch_a_readable_band(epochs):
    s = Schedule(ScheduleSpec(n=100, batch_size=1, epochs=epochs))  # the "SGD" example at E=3
    assert (chart_height(charts.timeline_chart(s)) - AXES_PX) / epochs >= 24


@pytest.mark.parametrize("n", [1, 2, 10, 100])
def test_membership_gives_every_sample_a_readable_row(n):
    s = Schedule(ScheduleSpec(n=n, batch_size=3, epochs=10))
    chart = charts.membership_chart(s, charts.membership_epochs(s))
    assert (chart_height(chart) - AXES_PX) / n >= 20 or chart_height(chart) >= 600
    assert chart_height(chart) - AXES_PX >= 60  # N = 1: one row, still a visible cell


def test_few_iterations_are_labelled_with_their_batch_sizes():
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=2))
    spec = charts.timeline_chart(s).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "batch_size"
    assert [r["batch_size"] for r in chart_rows(charts.timeline_chart(s))] == s.batch_sizes() * 2


# -- huge cases build only what they draw (issue 14, item 1) ----------------------------------
def test_membership_of_a_billion_samples_is_not_built(peak_mib):
    s = Schedule(ScheduleSpec(n=10**9, batch_size=100, epochs=10))
    (kind, chart), mib = peak_mib(lambda: charts.membership_view(s, 0))
    assert (kind, chart) == (charts.MEMBERSHIP_UNLISTED, None)
    assert mib < 4, mib  # the order of 10^9 samples would be 7,600 MiB


@pytest.mark.parametrize(
    ("n", "kind"),
    [(10, "cells"), (2000, "cells"), (2001, "density"), (MAX_LISTED_SAMPLES, "density")],
)
def test_membership_view_draws_what_fits(n, kind):
    s = Schedule(ScheduleSpec(n=n, batch_size=64, epochs=2))
    got, chart = charts.membership_view(s, 0)
    assert got == kind and chart is not None


@pytest.mark.parametrize("shuffle", ["none", "epoch", "batch"])
def test_batch_table_of_huge_n_lists_positions_and_builds_only_its_rows(shuffle, peak_mib):
    n, b = 10**12, 300
    s = Schedule(ScheduleSpec(n=n, batch_size=b, epochs=3, shuffle=shuffle))
    table, mib = peak_mib(lambda: charts.batches_table(s))
    assert mib < 8, mib
    assert len(table) == 200 and "indices" not in table
    i = 137  # any row: its batch holds positions i*B .. (i+1)*B - 1 of the epoch's order
    assert table["positions"].iloc[i] == f"#{i * b:,} – #{(i + 1) * b - 1:,}"
    assert table["size"].tolist() == [b] * 200


def test_batch_table_positions_match_the_listed_order_where_both_exist():
    # With shuffle "none" the epoch's order is the identity: positions are the indices.
    s = Schedule(ScheduleSpec(n=10, batch_size=3, epochs=1, shuffle="none"))
    table = charts.batches_table(s)
    firsts = [int(x.split(", ")[0]) for x in table["indices"]]
    assert firsts == [0, 3, 6, 9]


@pytest.mark.parametrize("n", [10, 10**9])
def test_replica_table_splits_batches_as_the_schedule_does(n):
    s = Schedule(ScheduleSpec(n=n, batch_size=12, epochs=1, replicas=4))
    table = charts.replica_table(s)
    assert len(table) == 4 * min(s.steps_per_epoch, 50)
    first = s.batch_size_at(0)  # N = 10: one partial batch of 10
    sizes = [len(p) for p in s.replica_shards(np.arange(first))]  # np.array_split
    assert table["size"].tolist()[:4] == sizes == ([3, 3, 2, 2] if n == 10 else [3, 3, 3, 3])
    if n == 10:
        order = s.epoch_order(0)
        shards = s.replica_shards(order[:10])
        assert table["indices"].tolist() == [", ".join(map(str, p.tolist())) for p in shards]
    else:
        assert table["positions"].tolist()[:4] == ["#0 – #2", "#3 – #5", "#6 – #8", "#9 – #11"]
