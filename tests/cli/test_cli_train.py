import json
import math
import re
import shlex

import pytest

from core.cli import main

KEYS = {
    "run_id",
    "status",
    "steps",
    "batch_sizes",
    "step_losses",
    "epoch_losses",
    "val_losses",
    "test_metrics",
    "device",
    "timing",
}


def run_json(capsys, command):
    """The JSON that `python -m core COMMAND` (a shell line) prints; fails unless it exits 0."""
    assert main(shlex.split(command)) == 0
    return json.loads(capsys.readouterr().out)


def test_train_json_contract_and_runs_listing(capsys):
    command = "train --dataset linear --n 10 --batch-size 3 --epochs 10 --optimizer sgd --lr 0.001"
    out = run_json(capsys, f"{command} --json")
    assert out.keys() >= KEYS
    assert out["status"] == "completed" and out["steps"] == 40
    assert out["batch_sizes"] == [3, 3, 3, 1] * 10
    assert len(out["step_losses"]) == 40 and len(out["epoch_losses"]) == 10
    assert out["val_losses"] == [] and "loss" in out["test_metrics"]
    timing = out["timing"]
    assert set(timing) >= {"first_epoch_seconds", "train_seconds", "steps_per_second"}
    # epochs 2..10 each see the 10 samples (3+3+3+1) in 4 steps
    assert timing["samples_per_second"] == pytest.approx(timing["steps_per_second"] * 10 / 4)
    assert timing["per_replica_samples_per_second"] == timing["samples_per_second"]
    runs = run_json(capsys, "runs --json")
    assert runs[0]["run_id"] == out["run_id"]
    assert {k: runs[0][k] for k in ("status", "dataset", "batch_size", "epochs")} == {
        "status": "completed",
        "dataset": "linear",
        "batch_size": 3,
        "epochs": 10,
    }


def test_diverged_run_still_prints_json(capsys):
    command = "train --dataset linear --batch-size 3 --epochs 10 --optimizer sgd --lr 10"
    out = run_json(capsys, f"{command} --json")
    assert out["status"] == "diverged"
    assert out["step_losses"][-1] is None  # NaN/inf is null in JSON


def test_csv_from_the_cli(capsys, tmp_path):
    path = tmp_path / "data.csv"
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(60))
    path.write_text("a,b,label\n" + rows + "\n")
    csv = f"--dataset csv --csv {shlex.quote(str(path))} --label label"
    out = run_json(capsys, f"train {csv} --batch-size 8 --json")
    assert out["status"] == "completed" and out["steps"] == 6  # 48 training rows after test


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        ("--dataset cifar --batch-size 3", "invalid choice: 'cifar'"),
        ("--dataset linear --batch-size 0", "batch_size` must be at least 1"),
        ("--dataset linear --batch-size -2", "batch_size` must be at least 1"),
        ("--dataset linear --batch-size 2.5", "whole number"),
        ("--dataset linear --batch-size 3 --n 0", "`n` must be"),
        ("--dataset digits --batch-size 3 --n 99999", "more than the 1,438"),
        ("--dataset linear --batch-size 3 --epochs 0", "`epochs` must be"),
        ("--dataset linear --batch-size 3 --lr 0", "`lr` must be greater"),
        ("--dataset linear --batch-size 3 --lr -1", "`lr` must be greater"),
        ("--dataset linear --batch-size 3 --lr nan", "`lr` must be a positive"),
        ("--dataset synthetic --model cnn --batch-size 3", "needs image data"),
        ("--dataset synthetic --model lstm --batch-size 3", "invalid choice"),
        ("--dataset linear --n 10 --batch-size 20 --drop-remainder", "no step"),
        ("--dataset linear --n 1 --batch-size 1 --validation-split 0.5", "0 training samples"),
        ("--dataset csv --batch-size 3", "needs --csv PATH and --label"),
        ("--dataset csv --csv /nonexistent.csv --label y --batch-size 3", "cannot read --csv"),
    ],
)
def test_bad_train_input_is_one_line_and_exit_2(capsys, argv, match):
    assert main(["train", *shlex.split(argv)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert re.search(match, err), err


def test_corrupt_store_is_a_clear_error(capsys, isolated_store):
    isolated_store.write_bytes(b"this is not a database" * 100)
    assert main(["runs", "--json"]) == 2
    err = capsys.readouterr().err
    assert "cannot be used" in err and "BATCHLAB_DB" in err
    assert isolated_store.read_bytes().startswith(b"this is not")  # nothing overwritten


def test_train_on_a_csv_with_a_text_label_says_how_it_was_encoded(capsys, tmp_path):
    from tests.train.test_datasets import PETS

    path = tmp_path / "pets.csv"
    path.write_bytes(PETS)
    csv = f"--dataset csv --csv {shlex.quote(str(path))} --label animal"
    out = run_json(capsys, f"train {csv} --batch-size 4 --epochs 2 --json")
    assert out["status"] == "completed" and out["steps"] == 2 * math.ceil(9 / 4)
    assert out["notes"][0] == "label 'animal' encoded as 3 classes: 0 = bird, 1 = cat, 2 = dog"
    assert "dropped text columns with more than 10 distinct values: name (12)" in out["notes"]
    assert set(out["test_metrics"]) == {"loss", "accuracy"}
    # The same notes on stderr, so a person sees them and stdout stays one JSON object.
    assert main(shlex.split(f"train {csv} --batch-size 4 --epochs 1")) == 0
    captured = capsys.readouterr()
    assert "note: label 'animal' encoded as 3 classes: 0 = bird, 1 = cat, 2 = dog" in captured.err
    assert "note: one-hot encoded text columns" in captured.err
    assert "completed" in captured.out


def test_train_text_labels_the_whole_run_rate_and_the_later_one_apart(capsys):
    from core.train.engine import steps_per_second_after_first_epoch

    timing = {"train_seconds": 2.0, "first_epoch_seconds": 1.5, "steps_per_second": 50.0}
    # 100 steps in 2 s; the first epoch's 25 took 1.5 s: the other 75 in 0.5 s
    assert steps_per_second_after_first_epoch(timing, 100, 25) == pytest.approx(75 / 0.5)
    assert steps_per_second_after_first_epoch(timing, 25, 25) is None
    assert main(shlex.split("train --dataset linear --n 10 --batch-size 3 --epochs 3")) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("steps/s"))
    assert re.fullmatch(
        r"steps/s\s+[\d,]+ over the whole run; [\d,]+ after the first epoch", line
    ), line
