"""The Compare page's loss curves: one line per run, or mean and min–max band over repeats."""

import numpy as np
import pandas as pd
import pytest

from core.present import charts
from core.present.text import t


def step_curves(sizes=(8, 32), repeats=2, steps=50, seed=0):
    """Per-step curves as `sweep.curves` returns them: `repeats` seeds per batch size."""
    rng = np.random.default_rng(seed)
    frames = []
    for b in sizes:
        for r in range(repeats):
            step = np.arange(steps)
            frames.append(
                pd.DataFrame(
                    {
                        "run_id": f"b{b}-r{r}",
                        "batch_size": b,
                        "step": step,
                        "epoch": step // 10,
                        "samples_seen": (step + 1) * b,
                        # wall time differs per run: no two repeats share a seconds value
                        "seconds": (step + 1) * (0.01 + 0.003 * r + 0.0001 * b),
                        "loss": 2.0 / (1 + 0.1 * step) + rng.uniform(0.0, 0.3, steps),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def rows(chart):
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    (values,) = spec["datasets"].values()
    return spec, pd.DataFrame(values)


def test_repeats_draw_a_band_under_a_mean_line():
    spec, _ = rows(charts.sweep_curves_chart(step_curves(), "step"))
    band, mean = spec["layer"]
    assert band["mark"]["type"] == "area"
    assert band["encoding"]["y"]["field"] == "loss_min"
    assert band["encoding"]["y2"]["field"] == "loss_max"
    assert band["transform"] == [{"filter": "datum.runs >= 2"}]
    assert mean["mark"]["type"] == "line"
    assert mean["encoding"]["y"]["field"] == "loss"
    assert mean["encoding"]["detail"]["field"] == "segment"  # one line per size, not per run
    for layer in (band, mean):
        assert layer["encoding"]["color"]["field"] == "batch_size"


@pytest.mark.parametrize(("x", "col"), [("step", "step"), ("samples", "samples_seen")])
def test_mean_line_is_the_numpy_mean_of_the_repeats_at_each_x(x, col):
    curves = step_curves()
    _, data = rows(charts.sweep_curves_chart(curves, x))
    assert sorted(data["batch_size"].unique()) == [8, 32]
    for b in (8, 32):
        runs = [
            g["loss"].to_numpy() for _, g in curves[curves["batch_size"] == b].groupby("run_id")
        ]
        expected = np.stack(runs)
        got = data[data["batch_size"] == b].sort_values(col)
        assert got[col].tolist() == curves[curves["run_id"] == f"b{b}-r0"][col].tolist()
        np.testing.assert_allclose(got["loss"], expected.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(got["loss_min"], expected.min(axis=0), rtol=1e-12)
        np.testing.assert_allclose(got["loss_max"], expected.max(axis=0), rtol=1e-12)
        assert (got["runs"] == 2).all()


def test_one_run_per_size_draws_a_line_per_run_and_no_band():
    curves = step_curves(repeats=1)
    spec, data = rows(charts.sweep_curves_chart(curves, "step"))
    assert "layer" not in spec
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["detail"]["field"] == "run_id"
    assert len(data) == len(curves)
    assert "loss_min" not in data


def test_a_size_with_one_run_gets_a_line_but_no_band_beside_repeated_sizes():
    curves = pd.concat([step_curves(sizes=(8,)), step_curves(sizes=(32,), repeats=1)])
    spec, data = rows(charts.sweep_curves_chart(curves, "step"))
    assert spec["layer"][0]["transform"] == [{"filter": "datum.runs >= 2"}]
    assert set(data.loc[data["runs"] >= 2, "batch_size"]) == {8}
    single = data[data["batch_size"] == 32]
    assert (single["runs"] == 1).all()
    np.testing.assert_array_equal(single["loss"], curves[curves["batch_size"] == 32]["loss"])


def test_seconds_of_repeats_are_interpolated_onto_a_shared_grid():
    # loss linear in time, so linear interpolation is exact: mean = 3 - 0.25 s where both ran
    run_a = pd.DataFrame(
        {"seconds": np.arange(1, 41) * 0.1, "loss": 3 - 0.2 * np.arange(1, 41) * 0.1}
    )
    run_b = pd.DataFrame(
        {"seconds": np.arange(1, 31) * 0.13, "loss": 3 - 0.3 * np.arange(1, 31) * 0.13}
    )
    curves = pd.concat(
        [run_a.assign(run_id="a"), run_b.assign(run_id="b")], ignore_index=True
    ).assign(batch_size=16, step=0, epoch=0, samples_seen=0)
    data = charts.sweep_curves_data(curves, "seconds")
    # the grid is the union of both runs' times: each keeps its own resolution
    np.testing.assert_array_equal(data["seconds"], np.unique(curves["seconds"]))
    assert data["seconds"].max() == pytest.approx(4.0)  # run a's 40 × 0.1 s; run b ends at 3.9
    b_first, b_last = run_b["seconds"].iloc[[0, -1]]
    both = data[(data["seconds"] >= b_first) & (data["seconds"] <= b_last)]
    assert (both["runs"] == 2).all()
    assert (data["segment"] == 0).all()  # overlapping repeats make one unbroken line
    s = both["seconds"].to_numpy()
    np.testing.assert_allclose(both["loss"], 3 - 0.25 * s, atol=1e-12)
    np.testing.assert_allclose(both["loss_min"], 3 - 0.3 * s, atol=1e-12)
    np.testing.assert_allclose(both["loss_max"], 3 - 0.2 * s, atol=1e-12)
    alone = data[(data["seconds"] < b_first) | (data["seconds"] > b_last)]  # run a alone
    assert len(alone) > 0
    assert (alone["runs"] == 1).all()
    np.testing.assert_allclose(alone["loss"], 3 - 0.2 * alone["seconds"], atol=1e-12)
    spec, _ = rows(charts.sweep_curves_chart(curves, "seconds"))
    assert spec["layer"][0]["mark"]["type"] == "area"


def test_every_mean_line_keeps_at_most_max_points():
    curves = step_curves(steps=5000)
    for x in ("step", "seconds"):
        _, data = rows(charts.sweep_curves_chart(curves, x))
        assert data.groupby("batch_size").size().tolist() == [charts.MAX_POINTS] * 2


def test_epoch_means_are_per_epoch():
    curves = step_curves().groupby(["run_id", "batch_size", "epoch"], as_index=False)["loss"].mean()
    spec, data = rows(charts.sweep_curves_chart(curves, "epoch"))
    assert spec["layer"][1]["mark"]["point"] == {"filled": True, "size": 60}  # a visible dot
    assert data.groupby("batch_size").size().tolist() == [5, 5]
    expected = curves.groupby(["batch_size", "epoch"])["loss"].mean().to_numpy()
    np.testing.assert_allclose(data["loss"], expected, rtol=1e-12)


def test_log_axes_keep_only_positive_values():
    curves = step_curves()
    curves.loc[curves["step"] < 3, "loss"] = 0.0  # a degenerate zero loss early on
    spec, data = rows(charts.sweep_curves_chart(curves, "step", log_x=True, log_y=True))
    assert data["step"].min() == 3  # step 0 is not on a log axis; steps 1, 2 have a zero loss
    assert (data["loss_min"] > 0).all()
    for layer in spec["layer"]:
        assert layer["encoding"]["x"]["scale"]["type"] == "log"
        assert layer["encoding"]["y"]["scale"]["type"] == "log"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_titles_follow_the_language(lang):
    spec, _ = rows(charts.sweep_curves_chart(step_curves(), "seconds", lang=lang))
    band, mean = spec["layer"]
    assert mean["encoding"]["x"]["title"] == t("chart.axis.seconds", lang)
    assert mean["encoding"]["y"]["title"] == t("chart.train_loss_smoothed", lang)
    assert band["encoding"]["color"]["title"] == t("chart.batch_size", lang)


def test_a_repeat_that_starts_late_keeps_its_own_points_on_the_seconds_axis():
    # the first run of a process can pay ~0.7 s of warm-up before its first step
    early = pd.DataFrame({"seconds": np.linspace(0.001, 0.014, 48), "loss": np.linspace(2, 1, 48)})
    late = early.assign(seconds=early["seconds"] + 0.7)
    curves = pd.concat([early.assign(run_id="a"), late.assign(run_id="b")]).assign(batch_size=8)
    data = charts.sweep_curves_data(curves, "seconds")
    assert len(data) == 96
    assert (data["runs"] == 1).all()  # they never overlap in time: no band, nothing invented
    np.testing.assert_allclose(data["loss"], np.tile(np.linspace(2, 1, 48), 2))
    assert data["segment"].tolist() == [0] * 48 + [1] * 48  # the line breaks in the gap
    spec, _ = rows(
        charts.sweep_curves_chart(curves.assign(step=0, epoch=0, samples_seen=0), "seconds")
    )
    for layer in spec["layer"]:
        assert layer["encoding"]["detail"]["field"] == "segment"


def test_runs_at_one_batch_size_with_other_accumulation_are_other_lines_not_repeats():
    """Issue 17: a sweep of K at a fixed B (or B × K kept constant) draws one line per
    setting; before, every run at B = 32 was averaged into one band whatever its K."""
    k1, k4 = step_curves(sizes=(32,), repeats=1), step_curves(sizes=(32,), repeats=2, seed=1)
    k4["run_id"] += "-k4"
    b128 = step_curves(sizes=(128,), repeats=1, seed=2)
    curves = pd.concat(
        [k1.assign(accumulation=1), k4.assign(accumulation=4), b128.assign(accumulation=1)],
        ignore_index=True,
    )
    spec, _ = rows(charts.sweep_curves_chart(curves, "step"))
    band, mean = spec["layer"]  # B=32×K=4 has two repeats: a band, for that setting only
    assert mean["encoding"]["color"]["field"] == "setting"
    # legend: by samples per update (32, then 128 = 32 × 4), then batch size
    assert mean["encoding"]["color"]["sort"] == ["B=32", "B=32×K=4", "B=128"]
    data = charts.sweep_curves_data(curves, "step")
    assert sorted(data["setting"].unique()) == ["B=128", "B=32", "B=32×K=4"]
    assert set(data.loc[data["runs"] >= 2, "setting"]) == {"B=32×K=4"}
    alone = data[data["setting"] == "B=32"].sort_values("step")
    np.testing.assert_allclose(alone["loss"], k1.sort_values("step")["loss"])
    pair = data[data["setting"] == "B=32×K=4"].sort_values("step")
    expected = k4.groupby("step")["loss"].mean().to_numpy()
    np.testing.assert_allclose(pair["loss"], expected)


def test_without_accumulation_lines_stay_named_by_batch_size():
    curves = step_curves().assign(accumulation=1)
    spec, _ = rows(charts.sweep_curves_chart(curves, "step"))
    assert spec["layer"][1]["encoding"]["color"]["field"] == "batch_size"


def test_final_and_throughput_charts_draw_one_line_per_accumulation_k():
    # A sweep with --accumulations 1,4 at B=32, 64: B=32×K=4 is neither "the next batch size"
    # nor a repeat of B=32; before, one line ran through all four points sorted by B.
    by_b = pd.DataFrame(
        {
            "batch_size": [32, 32, 64, 64],
            "accumulation": [1, 4, 1, 4],
            "final_train_loss": [0.5, 0.6, 0.55, 0.7],
            "samples_per_second": [1e4, 1.1e4, 2e4, 2.1e4],
        }
    )
    for chart in (
        charts.final_metric_chart(by_b, "final_train_loss"),
        charts.throughput_chart(by_b),
    ):
        spec = chart.to_dict()
        encoding = (spec.get("layer") or [spec])[-1]["encoding"]
        assert encoding["color"]["field"] == "K"
        (values,) = spec["datasets"].values()
        lines = pd.DataFrame(values).groupby("K")["batch_size"].apply(list).to_dict()
        assert lines == {"K=1": [32, 64], "K=4": [32, 64]}
    # A sweep without accumulation keeps its single, uncoloured line.
    plain = charts.final_metric_chart(by_b[by_b["accumulation"] == 1], "final_train_loss")
    assert "color" not in plain.to_dict()["encoding"]
