"""Charts of one point (a run of one step, or one epoch) labelled their axes at full precision,
"0.000000" and "2.303658" (issue 26 item 8): counts are whole, values at 4 figures."""

import pandas as pd

from core.present import charts


def axes(spec: dict) -> dict:
    layers = spec.get("layer", [spec])
    line = next(layer for layer in layers if layer["mark"]["type"] == "line")
    return {k: line["encoding"][k].get("axis", {}) for k in ("x", "y")}


def test_a_one_epoch_chart_labels_whole_epochs_and_four_figure_losses():
    epochs = pd.DataFrame({"epoch": [0], "train_loss": [2.303658], "val_loss": [None]})
    got = axes(charts.epoch_chart(epochs, "loss").to_dict())
    assert got["x"]["format"] == "d" and got["x"]["tickMinStep"] == 1
    assert got["y"]["format"] == ".4~g"


def test_a_one_step_chart_labels_whole_steps_and_draws_its_point():
    steps = pd.DataFrame({"step": [0], "loss": [2.303658], "epoch": [0]})
    spec = charts.step_loss_chart(steps).to_dict()
    got = axes(spec)
    assert got["x"]["format"] == "d" and got["y"]["format"] == ".4~g"
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert line["mark"]["point"] is True  # a line of one point draws nothing
