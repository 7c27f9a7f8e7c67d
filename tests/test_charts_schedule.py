from core.present import charts
from core.schedule import codegen
from core.schedule.plan import Schedule, ScheduleSpec


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
    assert sorted({r["step"] for r in first}) == [0, 1, 2, 3]


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
    assert "batch_size=32" in codegen.keras_fit(spec)
    assert 'shuffle="batch"' in codegen.keras_fit(spec)
    tfd = codegen.tf_data(spec)
    assert "drop_remainder=True" in tfd and "split_at = 1437" in tfd
    pt = codegen.pytorch(spec)
    assert "range(1437)" in pt and "ShuffleInsideBatches" in pt
    compile(pt, "pytorch", "exec")
    compile(tfd, "tf_data", "exec")
    compile(codegen.keras_fit(spec), "keras_fit", "exec")
