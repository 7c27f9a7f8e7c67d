"""The Train page's batch-composition chart: whole samples on its axis, one bar per batch."""

import pandas as pd

from core.present import charts


def test_a_tiny_batchs_composition_has_whole_sample_ticks():
    # y = 2x's batches of 3, 3, 3, 1 (N=10, B=3), two classes: ticks at 0.5, 1.5 made no sense.
    steps = pd.DataFrame(
        {
            "step": [0, 1, 2, 3],
            "epoch": [0, 0, 0, 0],
            "class_counts": [[2, 1], [1, 2], [3, 0], [0, 1]],
        }
    )
    spec = charts.composition_chart(steps, 0, ["a", "b"]).to_dict()
    axis = spec["encoding"]["y"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == "d"
    (values,) = spec["datasets"].values()
    bars = pd.DataFrame(values).groupby("step")["count"].sum().to_dict()
    assert bars == {0: 3, 1: 3, 2: 3, 3: 1}


def test_a_short_runs_step_axis_has_whole_steps():
    steps = pd.DataFrame({"step": range(10), "loss": [1.0] * 10, "epoch": [0] * 5 + [1] * 5})
    spec = charts.step_loss_chart(steps).to_dict()
    (line,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["encoding"]["x"]["axis"]["tickMinStep"] == 1
