import subprocess
import sys
import zipfile
from io import BytesIO

import pytest

from core.api.common import reproduction
from core.run import export
from core.run.recording import create_run, run_and_record
from core.run.store import RunStore
from core.train.engine import prepare
from tests.conftest import linear_config


def test_crc32c_known_value():
    assert export.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value


def _run(store, **kw):
    p = prepare(linear_config(**{"epochs": 3, "validation_split": 0.2, **kw}))
    run_id = create_run(store, p)
    run_and_record(p, store, run_id)
    return run_id


def test_tensorboard_export_reads_back_with_tensorflow(tmp_path):
    tf = pytest.importorskip("tensorflow")
    from tensorflow.core.util import event_pb2

    store = RunStore()
    run_id = _run(store)
    data = export.tensorboard_zip(store, [run_id])
    zipfile.ZipFile(BytesIO(data)).extractall(tmp_path)
    files = list(tmp_path.rglob("events.out.tfevents.*"))
    assert len(files) == 1 and files[0].parent.name == f"{run_id}_B3"
    scalars = {}
    for record in tf.data.TFRecordDataset(str(files[0])):  # checks the CRCs as it reads
        event = event_pb2.Event.FromString(record.numpy())
        for value in event.summary.value:
            scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
    steps = store.steps(run_id)
    assert [v for _, v in scalars["train/loss_per_step"]] == pytest.approx(
        [s["loss"] for s in steps], rel=1e-6
    )
    assert [s for s, _ in scalars["epoch/val_loss"]] == [0, 1, 2]  # epochs as the app counts


def test_keras_script_reproduces_the_setup_and_runs(tmp_path):
    """The script as the Runs page shows it names the run's setup; run beside its arrays, it
    trains (tests/run/test_export_reproduces.py checks its losses against the app's)."""
    store = RunStore()
    blobs = dict(dataset="blobs", model="mlp", n=200, optimizer="adam")
    run_id = _run(store, **blobs, batch_size=16, epochs=2, shuffle="batch")
    run = store.get_run(run_id)
    source = export.keras_script(run["config"], run["steps_done"])
    assert "batch_size, steps = 16, 20" in source and "shuffle=False" in source
    zipfile.ZipFile(BytesIO(reproduction(run))).extractall(tmp_path)
    path = tmp_path / f"batchlab_{run_id}" / f"batchlab_{run_id}.py"
    assert path.read_text() == source
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"val_loss"' in proc.stdout


@pytest.mark.parametrize(
    "dataset,model",
    [("synthetic", "mlp"), ("digits", "cnn"), ("linear", "linear"), ("mnist", "mlp")],
)
def test_keras_scripts_compile_for_every_dataset(dataset, model):
    cfg = dict(
        dataset=dataset,
        model=model,
        n=100,
        batch_size=8,
        epochs=1,
        shuffle="epoch",
        seed=1,
        lr=0.01,
        optimizer="sgd",
        validation_split=0.0,
        drop_remainder=True,
    )
    compile(export.keras_script(cfg), "script", "exec")


@pytest.mark.parametrize(
    "options",
    [
        dict(dataset="blobs", features=3, classes=5),
        dict(dataset="blobs"),
        dict(dataset="linear", noise=0.5),
        dict(dataset="linear"),
    ],
)
def test_the_scripts_data_is_batch_labs_data(options):
    import numpy as np

    from core.train.datasets import load

    cfg = dict(seed=7, n=50, **options)
    ns = {"np": np}
    exec(export.data_source(cfg), ns)  # the script's own lines, as a user would run them
    data = load(cfg.pop("dataset"), **cfg)
    np.testing.assert_array_equal(ns["x"], data.x)
    np.testing.assert_array_equal(ns["y"], data.y)


def test_a_ramp_run_script_fits_each_epoch_with_its_b_and_lr(tmp_path):
    """A run with a batch-size ramp and an lr step: the exported script feeds each epoch at its
    own B and lr, and stock fit gives the run's per-epoch losses (28 steps: 2 × 10 + 2 × 4)."""
    from core.train.engine import TrainConfig, prepare, train
    from tests.run.test_export_reproduces import check_same_losses, run_script

    cfg = TrainConfig(
        dataset="linear",
        model="linear",
        n=20,
        batch_size=2,
        epochs=4,
        shuffle="none",
        seed=1,
        lr=0.001,
        optimizer="sgd",
        batch_size_schedule="0:2,2:5",
        lr_schedule="3:0.5",
    )
    result = train(prepare(cfg))
    assert result.steps == 28
    history = run_script(export.reproduction_zip(cfg, None, name="batchlab_ramp"), tmp_path)
    assert len(history["loss"]) == 4
    check_same_losses(result, history)
