"""Words a new user tripped on (issue 26 item 10): "2B" iterations, "1 replicas", "the last 0
batches are never applied", "Delete 1 run(s)", counts without thousands separators, the MLP's
layers nowhere near its name, the noise-scale chart's unlabelled dashed line, TensorBoard help
naming a package the requirements don't install."""

import pandas as pd
import pytest

from core.api import training
from core.present import charts
from core.present.text import compact, t, unapplied_clause


@pytest.mark.parametrize(
    ("value", "text"),
    [(2 * 10**9, "2 × 10⁹"), (333_334_000_000, "3.333 × 10¹¹"), (12_345_678, "1.235 × 10⁷")],
)
def test_big_counts_are_powers_of_ten_not_billions_abbreviated(value, text):
    assert compact(value) == text  # "2B" read as a batch of 2
    assert compact(2 * 10**9, "zh") == "20亿"


def test_counts_of_one_are_singular_and_zero_unapplied_batches_go_unsaid():
    assert t("runs.deleted", count=1) == "Deleted 1 run."
    assert t("runs.deleted", count=3) == "Deleted 3 runs."
    assert "(s)" not in t("runs.delete.confirm", count=2)
    assert t("schedule.replicas.title", replicas=1, per=8) == "1 replica × 8 samples per step"
    assert unapplied_clause(0) == unapplied_clause(0, "zh") == ""
    assert unapplied_clause(1) == " (never applied: the last 1 batch)"
    line = t("train.updates", updates="250", k=4, effective="400", unapplied=unapplied_clause(0))
    assert line == "**250 optimizer updates**: one every 4 iterations, 400 samples per update."


def test_the_train_plan_separates_thousands():
    inputs = {**TRAIN_INPUTS, "n": 2000, "batch_size": 1, "accumulation": 4}
    plan = training.plan_run(training.checked_run(training.run_config(inputs, None)), "en")
    assert plan.lines[0][1].startswith(
        "**2,000 iterations per epoch × 2 epochs = 4,000 steps** "
        "(⌈2,000 training samples / batch 1⌉ per epoch)"
    )
    assert "never applied" not in plan.lines[1][1]  # 4,000 = 1,000 × 4


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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_model_picker_names_each_models_layers(lang):
    assert "128-64" in t("model.mlp", lang)
    assert "Dense 128" in t("model.help", lang) and "Dense 64" in t("model.help", lang)


def test_the_noise_scale_charts_dashed_line_is_labelled_on_the_chart():
    steps = pd.DataFrame({"step": [0, 1, 2], "b_simple": [10.0, 20.0, 30.0]})
    spec = charts.noise_scale_chart(steps, 32).to_dict()
    labels = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(labels) == 1 and labels[0]["encoding"]["text"]["field"] == "what"
    data = spec["datasets"][labels[0]["data"]["name"]]
    assert data == [{"b": 32, "what": "your B = 32"}]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tensorboard_help_says_to_install_it(lang):
    assert "pip install tensorboard" in t("runs.export_tensorboard.help", lang)
