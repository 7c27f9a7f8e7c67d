import json
import subprocess
import sys

import pytest

from core.cli import main

REQUIRED = {
    "n",
    "batch_size",
    "epochs",
    "drop_remainder",
    "validation_split",
    "shuffle",
    "seed",
    "train_samples",
    "validation_samples",
    "steps_per_epoch",
    "total_steps",
    "last_batch_size",
    "dropped_samples",
}


def run_json(capsys, *argv):
    assert main(["schedule", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_contract_keys_and_values(capsys):
    out = run_json(capsys, "--n", "60000", "--batch-size", "64", "--epochs", "5")
    assert out.keys() >= REQUIRED
    assert (out["steps_per_epoch"], out["total_steps"], out["last_batch_size"]) == (938, 4690, 32)
    assert out["shuffle"] == "epoch" and out["seed"] == 0


def test_batches_lists_epoch_k(capsys):
    out = run_json(
        capsys,
        "--n",
        "10",
        "--batch-size",
        "3",
        "--shuffle",
        "none",
        "--batches",
        "1",
        "--epochs",
        "2",
    )
    assert out["batches"] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_drop_remainder_and_split(capsys):
    out = run_json(
        capsys, "--n", "1797", "--batch-size", "32", "--validation-split", "0.2", "--drop-remainder"
    )
    assert (out["train_samples"], out["steps_per_epoch"], out["dropped_samples"]) == (1437, 44, 29)


def test_readable_summary_without_json(capsys):
    assert main(["schedule", "--n", "1000", "--batch-size", "100"]) == 0
    assert "iterations per epoch 10" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--n", "10", "--batch-size", "0"], "batch_size` must be at least 1"),
        (["--n", "10", "--batch-size", "-1"], "batch_size` must be at least 1"),
        (["--n", "0", "--batch-size", "3"], "`n` must be at least 1"),
        (["--n", "10", "--batch-size", "3", "--epochs", "0"], "`epochs` must be at least 1"),
        (["--n", "ten", "--batch-size", "3"], "--n must be a whole number"),
        (["--n", "10", "--batch-size", "2.5"], "--batch-size must be a whole number"),
        (["--n", "10", "--batch-size", "3", "--validation-split", "1.5"], "between 0 and 0.95"),
        (["--n", str(10**12 + 1), "--batch-size", "3"], "`n` must be at most 1,000,000,000,000"),
        (["--n", "10", "--batch-size", "3", "--validation-split", "x"], "must be a number"),
        (["--n", "1", "--batch-size", "3", "--validation-split", "0.5"], "0 training samples"),
        (["--n", "10", "--batch-size", "3", "--shuffle", "often"], "invalid choice"),
        (["--n", "10", "--batch-size", "3", "--batches", "5"], "--batches must name an epoch"),
        (["--n", "2000000", "--batch-size", "3", "--batches", "0"], "lower n to list"),
        (["--batch-size", "3"], "required: --n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, match):
    assert main(["schedule", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert __import__("re").search(match, err), err


def test_schedule_command_never_imports_tensorflow():
    code = (
        "import sys; from core.cli import main; main(['schedule','--n','10','--batch-size',"
        "'3','--json']); assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_module_entry_point_exits_2_on_bad_input():
    proc = subprocess.run(
        [sys.executable, "-m", "core", "schedule", "--n", "5", "--batch-size", "0"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_the_readmes_schedule_examples_print_what_their_comments_say(capsys):
    """Each `python -m core schedule ...  # comment` line of the README: the comment's text
    after '...' is a line of the output; its numbers ("938 per epoch") and batches ("[9]") are in
    the output as printed."""
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    examples = re.findall(r"^python -m core (schedule .+?)\s+# (.+)$", readme, flags=re.M)
    assert len(examples) >= 3
    for command, comment in examples:
        assert main(shlex.split(command)) == 0
        out = capsys.readouterr().out
        if comment.startswith("... "):
            assert comment[4:] in out.splitlines(), (command, comment, out)
        for number in re.findall(r"\d+", comment):
            assert number in out, (command, number)
        for listed in re.findall(r"\[[^\[\]]*\]", comment):  # a batch as printed
            assert listed in out, (command, listed, out)
