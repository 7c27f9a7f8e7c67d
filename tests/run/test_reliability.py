"""Bad input everywhere, faults and concurrency (issue: reliability)."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.run.store import RunStore
from core.train.datasets import CSV_MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

CSVS = {
    "empty": b"",
    "header_only": b"a,b,label\n",
    # text with more values than one-hot encoding takes (CSV_ONE_HOT_MAX): nothing left to use
    "non_numeric": b"a,label\n" + b"".join(b"w%d,%d\n" % (i, i % 2) for i in range(12)),
    "single_class": b"a,label\n1,0\n2,0\n3,0\n",
    "all_nan_inf": b"a,label\nnan,0\ninf,1\n",
    "ragged": b"a,label\n1,0\n2,1,3,4\n",
    "semicolons": b"a;b;label\n1;2;0\n3;4;1\n",
    "latin1": "a,label\né,0\n".encode("latin-1"),
    "too_big": b"a,label\n" + b"1,0\n" * (CSV_MAX_BYTES // 4 + 1),
}

# (bad CSV in CSVS, the message that says what to change): the CLI below, the Train page's upload
# in tests/e2e/test_upload_e2e.py.
CSV_CASES = [
    ("empty", "is empty"),
    ("header_only", "no data rows"),
    ("non_numeric", "no usable feature columns"),
    ("single_class", "one class only"),
    ("all_nan_inf", "fewer than 2 usable rows"),
    ("ragged", "same number"),
    ("semicolons", "delimiter"),
    ("latin1", "not UTF-8"),
    ("too_big", "the cap is 20 MB"),
]

# (what, the CLI arguments after `python -m core` as a shell line, the message that says what to
# change)
BAD_INPUTS = [
    ("B = 0", "train --dataset linear --batch-size 0", "must be at least 1"),
    ("B < 0", "train --dataset linear --batch-size -8", "must be at least 1"),
    ("B not an integer", "train --dataset linear --batch-size 2.5", "whole number"),
    (
        "B > train with drop_remainder",
        "train --dataset linear --n 10 --batch-size 11 --drop-remainder",
        "no step at all",
    ),
    ("N = 0", "train --dataset digits --n 0 --batch-size 8", "`n` must be"),
    ("N > dataset", "train --dataset digits --n 2000 --batch-size 8", "more than the 1,438"),
    ("E = 0", "train --dataset linear --batch-size 3 --epochs 0", "`epochs` must be at least 1"),
    (
        "E huge",
        "train --dataset linear --batch-size 3 --epochs 10000000",
        "`epochs` must be at most",
    ),
    (
        "split leaves 0 train",
        "train --dataset linear --n 1 --batch-size 1 --validation-split 0.5",
        "0 training samples",
    ),
    (
        "split leaves 0 validation",
        "schedule --n 10 --batch-size 1 --validation-split 1e-18",
        "0 validation samples",
    ),
    (
        "split ≥ 1",
        "train --dataset linear --batch-size 3 --validation-split 1",
        r"between 0 and 0\.95",
    ),
    ("lr = 0", "train --dataset linear --batch-size 3 --lr 0", "greater than 0"),
    ("lr < 0", "train --dataset linear --batch-size 3 --lr -0.1", "greater than 0"),
    ("unknown dataset", "train --dataset imagenet --batch-size 3", "invalid choice"),
    ("unknown model", "train --dataset digits --model vit --batch-size 3", "invalid choice"),
    ("CNN on non-images", "train --dataset blobs --model cnn --batch-size 3", "needs image data"),
    ("MLP on regression", "train --dataset linear --model mlp --batch-size 3", "regression task"),
    (
        "missing label column",
        "train --dataset csv --csv {good} --label target --batch-size 3",
        "not in",
    ),
    *[
        (f"CSV {name}", f"train --dataset csv --csv {{{name}}} --label label --batch-size 3", match)
        for name, match in CSV_CASES
    ],
    (
        "CSV path missing",
        "train --dataset csv --csv /no/such.csv --label y --batch-size 3",
        "cannot read",
    ),
    ("empty sweep list", "sweep --dataset blobs --batch-sizes , --epochs 1", "empty"),
    (
        "unknown lr rule",
        "sweep --dataset blobs --batch-sizes 8 --lr-scaling magic",
        "invalid choice",
    ),
    ("non-numeric N", "schedule --n lots --batch-size 3", "whole number"),
    ("unknown shuffle", "schedule --n 10 --batch-size 3 --shuffle x", "invalid choice"),
    (
        "B not divisible by replicas",
        "train --dataset synthetic --n 100 --batch-size 5 --replicas 2",
        "does not split evenly over 2 replicas: use a multiple of 2, e.g. 4 or 6",
    ),
    (
        "blobs option on another dataset",
        "train --dataset synthetic --features 3 --batch-size 3",
        "--features goes with --dataset blobs",
    ),
    (
        "one blobs class",
        "train --dataset blobs --classes 1 --batch-size 3",
        "`classes` must be between 2 and 1000, got 1",
    ),
    (
        "negative noise",
        "train --dataset linear --noise -1 --batch-size 3",
        r"`noise` must be a number in \[0, 1e6\)",
    ),
    (
        "replicas on a measurement",
        "noise-scale --dataset blobs --batch-size 32 --replicas 2",
        "unrecognized arguments: --replicas 2",
    ),
    ("corrupt store", "runs", "cannot be used"),
]


@pytest.fixture
def csv_files(tmp_path):
    paths = {"good": tmp_path / "good.csv"}
    paths["good"].write_bytes(b"a,label\n1,0\n2,1\n3,0\n4,1\n")
    for name, raw in CSVS.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(raw)
    return {k: str(v) for k, v in paths.items()}


@pytest.mark.parametrize(("what", "argv", "match"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_every_bad_input_is_one_clear_line_and_exit_2(
    what, argv, match, csv_files, capsys, isolated_store
):
    if what == "corrupt store":
        isolated_store.write_bytes(b"garbage" * 1000)
    argv = [a.format(**csv_files) if "{" in a else a for a in shlex.split(argv)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    assert re.search(match, captured.err), captured.err
    if what == "corrupt store":
        assert isolated_store.read_bytes() == b"garbage" * 1000  # nothing saved is touched


def test_absurd_learning_rate_runs_and_diverges(capsys):
    argv = "train --dataset linear --batch-size 3 --epochs 5 --optimizer sgd --lr 1e9 --json"
    assert main(shlex.split(argv)) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "diverged" and out["diverged_step"] is not None


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs util-linux setpriv")
def test_read_only_store_lists_runs_but_refuses_to_train(isolated_store):
    assert main(["train", "--dataset", "linear", "--batch-size", "3", "--epochs", "1"]) == 0
    isolated_store.chmod(0o444)
    # root ignores file modes; drop the capabilities that let it, as a normal user would be
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
    env = {**os.environ, "BATCHLAB_DB": str(isolated_store)}
    listed = subprocess.run(
        [*drop, sys.executable, "-m", "core", "runs", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["status"] == "completed"
    refused = subprocess.run(
        [*drop, sys.executable, "-m", "core", "train", "--dataset", "linear", "--batch-size", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if refused.returncode == 0:
        pytest.skip("this machine lets the process write a read-only file anyway")
    assert refused.returncode == 2
    assert "Set BATCHLAB_DB to a writable file" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_app_that_dies_mid_run_leaves_it_interrupted(isolated_store):
    """The parent (as the Streamlit server would be) is killed: the worker notices and stops."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from core.train.engine import TrainConfig, prepare
        from core.run.runner import WorkerPool
        from core.run.recording import create_run
        from core.run.store import RunStore
        store = RunStore()
        p = prepare(TrainConfig(dataset="synthetic", n=4000, batch_size=1, epochs=100))
        handle = WorkerPool().submit(p, str(store.path), create_run(store, p))
        print(handle.run_id, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    run_id = parent.stdout.readline().strip()
    store = RunStore()
    deadline = time.time() + 90
    while time.time() < deadline and (store.get_run(run_id) or {}).get("steps_done", 0) < 100:
        time.sleep(0.2)
    parent.kill()
    parent.wait(10)
    deadline = time.time() + 30
    while time.time() < deadline and store.get_run(run_id)["status"] == "running":
        time.sleep(0.2)
    run = store.get_run(run_id)
    assert run["status"] == "interrupted"
    assert len(store.steps(run_id)) == run["steps_done"] >= 100
    # the next start is clean: a new run goes through
    assert main(["train", "--dataset", "linear", "--batch-size", "3", "--epochs", "1"]) == 0
    assert store.list_runs()[0]["status"] == "completed"


def test_two_cli_processes_train_at_once_on_one_store(isolated_store):
    args = shlex.split("train --dataset blobs --n 2000 --batch-size 4 --epochs 2 --json")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "core", *args, "--seed", str(seed)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    outs = [json.loads(p.communicate(timeout=240)[0]) for p in procs]
    assert [o["status"] for o in outs] == ["completed", "completed"]
    assert outs[0]["run_id"] != outs[1]["run_id"]
    assert outs[0]["step_losses"] != outs[1]["step_losses"]
    store = RunStore()
    for o in outs:
        assert store.get_run(o["run_id"])["steps_done"] == o["steps"] == 2 * 500
        assert len(store.steps(o["run_id"])) == 1000


def test_navigation_during_training_neither_kills_nor_duplicates_the_run():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/train.py").run()
    # Long enough (1000 epochs of 1000 steps) that it is still running after three page
    # switches on any machine; the test stops it itself rather than racing its end.
    at.number_input(key="train.batch_size").set_value(1).run()
    at.number_input(key="train.epochs").set_value(1000).run()
    at.button(key="train.start").click().run()
    handle = at.session_state["train.handle"]
    at.switch_page("app_pages/schedule.py").run()
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception
    at.switch_page("app_pages/train.py").run()
    assert at.session_state["train.handle"] is handle and handle.alive()
    assert at.button(key="train.start").disabled
    store = RunStore()
    deadline = time.time() + 60
    while store.get_run(handle.run_id)["steps_done"] == 0 and time.time() < deadline:
        time.sleep(0.2)
    at.button(key="train.stop").click().run()
    handle.join(60)
    at.run()
    runs = store.list_runs()
    assert len(runs) == 1 and runs[0]["status"] == "stopped"
    assert 0 < runs[0]["steps_done"] < 1000 * 1000
