"""`python -m core sharpness` and `sweep --sharpness`: the JSON contract and bad input."""

import json
import shlex

import pytest

from core.cli import main
from core.run.store import RunStore

SHARPNESS_KEYS = {
    "run_id",
    "status",
    "steps",
    "lambda_max",
    "lambda_iterations",
    "lambda_converged",
    "trace",
    "trace_interval",
    "trace_probes",
    "train_loss",
    "test_loss",
    "generalization_gap",
    "parameters",
    "train_samples",
    "seconds",
    "config",
    "db",
}


def run_json(capsys, command):
    assert main(shlex.split(command)) == 0
    return json.loads(capsys.readouterr().out)


def test_sharpness_json_contract_and_the_run_is_stored(capsys):
    out = run_json(
        capsys, "sharpness --dataset blobs --n 200 --batch-size 32 --epochs 2 --probes 5 --json"
    )
    assert set(out) == SHARPNESS_KEYS
    assert out["status"] == "completed" and out["train_samples"] == 200  # blobs: test apart
    assert out["steps"] == 2 * 7 and out["trace_probes"] == 5  # ⌈200 / 32⌉ = 7 an epoch
    # 16 features → 128 → 64 → 4 classes
    assert out["parameters"] == 16 * 128 + 128 + 128 * 64 + 64 + 64 * 4 + 4
    lo, hi = out["trace_interval"]
    assert lo <= out["trace"] <= hi
    assert out["lambda_max"] > 0 and out["lambda_iterations"] >= 1
    assert out["generalization_gap"] == pytest.approx(out["test_loss"] - out["train_loss"])
    assert out["config"]["sharpness"] is True
    stored = RunStore().sharpness(out["run_id"])
    assert stored["lambda_max"] == pytest.approx(out["lambda_max"])
    assert stored["generalization_gap"] == pytest.approx(out["generalization_gap"])


def test_sweep_with_sharpness_measures_every_run_and_says_the_lr_was_not_retuned(capsys):
    out = run_json(
        capsys,
        "sweep --dataset blobs --n 200 --batch-sizes 8,64 --epochs 1 --repeats 2 --sharpness "
        "--json",
    )
    assert len(out["sharpness"]) == 4
    assert {r["run_id"] for r in out["sharpness"]} == {r["run_id"] for r in out["runs"]}
    by_b = out["sharpness_by_batch_size"]
    assert [r["batch_size"] for r in by_b] == [8, 64]
    for row in by_b:
        assert row["repeats"] == 2
        assert row["lambda_max_min"] <= row["lambda_max"] <= row["lambda_max_max"]
    assert out["lr_tuning"] == "fixed"
    assert "same learning rate (0.001)" in out["sharpness_reading"]
    assert "Dinh et al. 2017" in out["sharpness_reading"]


def test_a_sweep_without_sharpness_has_no_sharpness_keys(capsys):
    out = run_json(capsys, "sweep --dataset linear --n 10 --batch-sizes 5 --epochs 1 --json")
    assert "sharpness" not in out and "sharpness_reading" not in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        ("--dataset linear --batch-size 3 --probes 1", "`probes` must be between 2 and 1000"),
        ("--dataset linear --batch-size 3 --probes x", "--probes must be a whole number"),
        ("--dataset linear --batch-size 0", "batch_size` must be at least 1"),
        ("--dataset linear --batch-size 3 --lr 0", "`lr` must be greater"),
        ("--dataset linear --batch-size 3 --max-steps 0", "`max_steps` must be at least 1"),
    ],
)
def test_bad_sharpness_input_is_one_line_and_exit_2(capsys, argv, match):
    assert main(["sharpness", *shlex.split(argv)]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and "\n" not in err and "Traceback" not in err


def test_a_diverged_run_has_no_sharpness_and_says_why(capsys):
    command = "sharpness --dataset linear --batch-size 3 --epochs 10 --optimizer sgd --lr 10"
    code = main(shlex.split(command))
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "ended diverged" in err and "lower the learning rate" in err and "\n" not in err
