import json
import math
import re
import shlex
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main
from core.present import charts, readings
from core.run import executors
from core.run.store import RunStore
from core.study import sweep
from core.train.engine import TrainConfig

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize(
    ("budget", "value", "steps"),
    [("epochs", 2, [64, 16, 4]), ("steps", 40, [40, 40, 40]), ("samples", 1000, [125, 31, 8])],
)
def test_budget_arithmetic(budget, value, steps):
    got = []
    for b in (8, 32, 128):
        epochs, max_steps, _ = sweep.budget_steps(256, b, budget, value)
        total = epochs * math.ceil(256 / b)
        got.append(total if max_steps is None else min(total, max_steps))
    assert got == steps


def test_time_budget_runs_on_the_clock():
    assert sweep.budget_steps(256, 8, "time", 2.5) == (sweep.TIME_BUDGET_EPOCHS, None, 2.5)


@pytest.mark.parametrize(
    ("rule", "b", "expected"),
    [
        ("none", 128, 0.1),
        ("linear", 128, 0.4),
        ("linear", 8, 0.025),
        ("sqrt", 128, 0.2),
        ("sqrt", 8, 0.05),
    ],
)
def test_lr_scaling(rule, b, expected):
    assert sweep.scaled_lr(0.1, b, 32, rule) == pytest.approx(expected)


def test_plan_gives_each_size_its_lr_steps_and_seeds():
    spec = sweep.SweepSpec(
        base=TrainConfig(dataset="blobs", lr=0.01, seed=5),
        batch_sizes=(8, 32, 0),
        repeats=2,
        budget="samples",
        budget_value=1000,
        lr_scaling="linear",
        base_batch_size=8,
    )
    configs = sweep.plan(spec, n=256)
    assert [c.batch_size for c in configs] == [8, 8, 32, 32, 256, 256]
    assert [c.lr for c in configs][::2] == pytest.approx([0.01, 0.04, 0.32])
    assert [c.seed for c in configs][:2] == [5, 6]
    assert [c.max_steps for c in configs][::2] == [125, 31, 4]  # 992 samples is closest


@pytest.mark.parametrize(
    ("text", "match"),
    [("", "empty"), ("8, x", "not a whole number"), ("8,-1", "at least 1"), ("0", "at least 1")],
)
def test_bad_batch_size_lists(text, match):
    with pytest.raises(ValueError, match=match):
        sweep.parse_batch_sizes(text)


def test_parse_batch_sizes_with_full():
    assert sweep.parse_batch_sizes("1, 8,32 ; full") == (1, 8, 32, 0)


def test_unknown_rule_and_budget():
    with pytest.raises(ValueError, match="unknown lr scaling 'cubic'"):
        sweep.plan(sweep.SweepSpec(lr_scaling="cubic"), 100)
    with pytest.raises(ValueError, match="unknown budget 'joules'"):
        sweep.plan(sweep.SweepSpec(budget="joules"), 100)


def test_steps_to_target_reads_the_first_crossing():
    run = {
        "run_id": "r",
        "batch_size": 4,
        "lr": 0.1,
        "seed": 0,
        "status": "completed",
        "steps_per_second": 100.0,
    }
    steps = pd.DataFrame(
        {
            "step": range(6),
            "epoch": [0, 0, 0, 1, 1, 1],
            "batch_size": [4] * 6,
            "loss": [1.0] * 6,
            "seconds": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        }
    )
    epochs = pd.DataFrame(
        {
            "epoch": [0, 1],
            "train_loss": [1.0, 0.5],
            "val_loss": [0.8, 0.3],
            "val_accuracy": [0.5, 0.9],
        }
    )
    out = sweep.run_summary(run, steps, epochs, "val_loss", 0.4)
    assert (out["steps_to_target"], out["samples_to_target"], out["epochs_to_target"]) == (6, 24, 2)
    assert out["seconds_to_target"] == pytest.approx(0.6)
    # samples fed / training seconds: 24 / 0.6, not steps/s × B from the run's header
    assert out["samples_per_second"] == pytest.approx(40.0)
    assert out["train_seconds"] == pytest.approx(0.6)
    acc = sweep.run_summary(run, steps, epochs, "val_accuracy", 0.5)
    assert acc["steps_to_target"] == 3
    assert sweep.run_summary(run, steps, epochs, "val_loss", 0.1)["steps_to_target"] is None


def test_steps_to_target_is_interpolated_between_evaluations_not_snapped_to_epochs():
    run = {"run_id": "r", "batch_size": 10, "lr": 0.1, "seed": 0, "status": "completed"}
    steps = pd.DataFrame(
        {
            "step": range(100),
            "epoch": [i // 50 for i in range(100)],
            "batch_size": [10] * 100,
            "loss": [1.0] * 100,
            "seconds": [0.01 * (i + 1) for i in range(100)],
        }
    )
    epochs = pd.DataFrame({"epoch": [0, 1], "train_loss": [1.0, 0.5], "val_loss": [0.9, 0.2]})
    # val loss falls linearly from 1.0 (step 0) by 0.008 a step: it crosses 0.6 at step 50
    evals = pd.DataFrame(
        {
            "step": range(5, 101, 5),
            "train_seconds": [0.01 * s for s in range(5, 101, 5)],
            "val_loss": [1.0 - 0.008 * s for s in range(5, 101, 5)],
            "val_accuracy": [None] * 20,
        }
    )
    out = sweep.run_summary(run, steps, epochs, "val_loss", 0.63, evals)
    assert out["steps_to_target"] == pytest.approx(46.25)  # epoch ends alone would say 50
    assert out["samples_to_target"] == pytest.approx(462.5)
    assert out["seconds_to_target"] == pytest.approx(0.4625)
    assert out["target_found_by"] == "interpolated between evaluations"
    assert out["evaluations"] == 20


def test_a_sweep_plans_at_least_twenty_evaluations_a_run():
    spec = sweep.SweepSpec(
        base=sweep.TrainConfig(dataset="digits", validation_split=0.2),
        batch_sizes=(8, 1024),
        budget="epochs",
        budget_value=3,
    )
    for cfg in sweep.plan(spec, 1438):
        steps = -(-1150 // cfg.batch_size) * 3
        assert steps // (cfg.eval_every or steps) >= min(20, steps)


def test_ema_is_bias_corrected():
    import numpy as np

    assert sweep.ema(np.array([2.0, 2.0, 2.0])).tolist() == pytest.approx([2.0, 2.0, 2.0])


def _chart_rows(chart):
    return [row for rows in chart.to_dict()["datasets"].values() for row in rows]


def test_a_real_sweep_through_the_cli_and_its_charts(capsys):
    argv = (
        "sweep --dataset blobs --n 256 --batch-sizes 8,32,128 --steps 40 --lr-scaling sqrt"
        " --base-batch-size 32 --validation-split 0.25 --target-metric train_loss --target 1.0"
        " --json"
    )
    assert main(shlex.split(argv)) == 0
    out = json.loads(capsys.readouterr().out)
    runs = out["runs"]
    assert [r["batch_size"] for r in runs] == [8, 32, 128]
    assert [r["steps"] for r in runs] == [40, 40, 40]
    assert [len(r["step_losses"]) for r in runs] == [40, 40, 40]
    assert [r["lr"] for r in runs] == pytest.approx([0.0005, 0.001, 0.002])
    assert all(r["status"] == "completed" and r["run_id"] and r["seconds"] > 0 for r in runs)
    assert out["reading"]
    store = RunStore()
    assert {r["run_id"] for r in store.list_runs(sweep_id=out["sweep_id"])} == {
        r["run_id"] for r in runs
    }
    assert store.sweeps()[0]["runs"] == 3
    table, by_b = sweep.summarize(store, out["sweep_id"], "val_loss", 10.0)
    assert by_b["batch_size"].tolist() == [8, 32, 128]
    # val loss 10 is reached at the first evaluation: 40 steps / 20 evaluations = step 2
    assert by_b["steps_to_target"].tolist() == [2, 2, 2]
    assert (table["evaluations"] == 20).all()
    rows = _chart_rows(charts.to_target_chart(by_b, "steps_to_target"))
    ideal = [r["steps_to_target"] for r in rows if r.get("line") == "perfect scaling"]
    assert ideal == pytest.approx([2, 0.5, 0.125])  # doubling B halves the steps
    assert len(_chart_rows(charts.throughput_chart(by_b))) == 3
    steps, epochs = sweep.curves(store, out["sweep_id"])
    curve_rows = _chart_rows(charts.sweep_curves_chart(epochs, "epoch"))
    assert {r["batch_size"] for r in curve_rows} == {8, 32, 128}
    assert len(_chart_rows(charts.sweep_curves_chart(steps, "samples", log_x=True))) == 120
    assert "B=" in readings.sweep_reading(by_b, "val_loss", 10.0)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        ("--batch-sizes '' --epochs 1", "empty"),
        ("--batch-sizes 8,0 --epochs 1", "at least 1"),
        ("--batch-sizes 8,-4 --epochs 1", "at least 1"),
        ("--batch-sizes 8 --lr-scaling cubic", "invalid choice"),
        ("--batch-sizes 8 --budget steps", "needs --steps"),
        ("--batch-sizes 8 --budget steps --epochs 2", "goes with --steps"),
        ("--batch-sizes 8 --steps 0", "greater than 0"),
        ("--batch-sizes 8 --repeats 0 --epochs 1", "repeats"),
        ("--batch-sizes 8 --seconds -1", "greater than 0"),
    ],
)
def test_bad_sweep_input_is_one_line_and_exit_2(capsys, argv, match):
    assert main(["sweep", "--dataset", "blobs", *shlex.split(argv)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(match, err), err


def test_compare_page_runs_a_short_sweep():
    import time

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    at.selectbox(key="compare.dataset").set_value("blobs").run()
    at.number_input(key="compare.n").set_value(256).run()
    at.text_input(key="compare.batch_sizes").input("8, 64").run()
    at.number_input(key="compare.budget_value").set_value(2.0).run()
    assert any("2 runs" in c.value for c in at.caption), [c.value for c in at.caption]
    at.button(key="compare.start").click().run()
    deadline = time.time() + 120
    while at.session_state["compare.handle"].alive() and time.time() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception
    at.run()
    table = at.dataframe[0].value
    assert table["batch_size"].tolist() == [8, 64]
    assert table["steps"].tolist() == [2 * 26, 2 * 4]  # 204 training samples
    assert len(at.get("vega_lite_chart")) >= 5
    assert at.info[0].value


def test_compare_page_bad_batch_sizes_show_an_error():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/compare.py").run()
    at.text_input(key="compare.batch_sizes").input("8, abc").run()
    assert not at.exception
    assert "not a whole number" in at.error[0].value


def test_no_run_of_a_sweep_pays_for_compiling():
    # A shape no other test uses, so nothing is compiled in this process yet.
    base = TrainConfig(dataset="blobs", n=300, features=7, classes=3, epochs=2)
    spec = sweep.SweepSpec(base=base, batch_sizes=(8, 64), budget_value=2)
    store = RunStore()
    run_ids = executors.run_sweep(sweep.plan_checked(spec), store, sweep.new_sweep_id())
    runs = [store.get_run(r) for r in run_ids]
    assert [r["status"] for r in runs] == ["completed", "completed"]
    for r in runs:  # compiled before the clock: the first epoch runs at the run's own pace
        t = r["summary"]
        assert t["first_epoch_seconds"] <= 3 * t["train_seconds"] / 2 + 0.01
    # the sweep's warm-up compiled B=8's shapes; B=64 compiled its own, before its clock
    assert [r["summary"]["compile_reused"] for r in runs] == [True, False]
    again = executors.run_sweep(sweep.plan_checked(spec), store, sweep.new_sweep_id())
    assert [store.get_run(r)["summary"]["compile_reused"] for r in again] == [True, True]


def test_sizes_that_never_reach_the_target_are_named():
    by_b = pd.DataFrame({"batch_size": [8, 32, 128], "steps_to_target": [300.0, None, None]})
    assert sweep.unreached(by_b) == ["B=32", "B=128"]
    assert sweep.unreached(pd.DataFrame()) == []
    # a K sweep at one B: the two runs are named apart (the page said "B=32, B=32")
    by_bk = pd.DataFrame(
        {"batch_size": [32, 32], "accumulation": [1, 4], "steps_to_target": [None, None]}
    )
    assert sweep.unreached(by_bk) == ["B=32", "B=32×K=4"]


def test_runs_at_one_size_with_other_learning_rates_are_not_averaged_as_repeats():
    # An Advise sweep tries several lrs per size; Compare averaged them into one band and read
    # "their 4 repeats overlap". Each size now keeps its best lr's runs.
    base = TrainConfig(
        dataset="blobs", n=400, epochs=3, optimizer="sgd", validation_split=0.2, eval_every=5
    )
    configs = [replace(base, batch_size=b, lr=lr) for b in (8, 32) for lr in (0.1, 1e-5)]
    store = RunStore()
    executors.run_sweep(configs, store, "sw-lrs")
    runs, by_b = sweep.summarize(store, "sw-lrs", "val_loss", 0.3)
    assert len(runs) == 4  # the per-run table keeps every trial
    assert by_b["batch_size"].tolist() == [8, 32]
    assert by_b["lr"].tolist() == [0.1, 0.1]  # lr 1e-5 barely moves in 3 epochs
    assert by_b["repeats"].tolist() == [1, 1] and by_b["lrs"].tolist() == [2, 2]
    fast = runs[runs["lr"] == 0.1].sort_values("batch_size")
    assert by_b["final_val_loss"].tolist() == pytest.approx(fast["final_val_loss"].tolist())
    from core.api import sweeps as page_api

    assert page_api.sweep_view(store, "sw-lrs", "val_loss", 0.3, "en").best_lr_only
