"""Load and first-step a user's own 1 M-parameter Keras model, against stock Keras doing the same.

    python -m bench.own_model [--repeats 3] [--batch-size 64]

Builds an MLP 784-1024-256-10 (1,068,298 parameters) saved as .keras and 10,000 MNIST-shaped
samples as .npz, then, in a fresh process each (a user's first run pays every one-off cost),
times:
- `inspect`: `userfiles.inspect_model`, the checks a page runs before any Keras (no TensorFlow);
- `batchlab`: `prepare` + `train(max_steps=1)`: load in safe mode, compile, one step;
- `keras`: `keras.saving.load_model` + `compile` + `fit` on one batch, stock Keras.
TensorFlow's import is timed apart (each process pays it once, whichever it runs). Medians over
REPEATS processes, with the range.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
kind, model, data, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if kind == "inspect":
    from core.train.userfiles import inspect_model
    t1 = time.perf_counter()
    spec = inspect_model(model)
    print(json.dumps({"seconds": time.perf_counter() - t1, "parameters": spec.parameters}))
    sys.exit()
import tensorflow  # noqa: F401  (timed apart: every process pays it)
import keras
imported = time.perf_counter() - t0
import numpy as np
if kind == "batchlab":
    from core.train.engine import TrainConfig, prepare, train
    t1 = time.perf_counter()
    cfg = TrainConfig(model_file=model, data_file=data, batch_size=batch, epochs=1, max_steps=1)
    prepared = prepare(cfg)
    t2 = time.perf_counter()
    result = train(prepared)
    end = time.perf_counter()
    out = {"prepare": t2 - t1, "parameters": result.model_parameters}
else:
    t1 = time.perf_counter()
    with np.load(data) as f:
        x, y = f["x"][:batch], f["y"][:batch]
    net = keras.saving.load_model(model, safe_mode=True, compile=False)
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    net.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    end = time.perf_counter()
    out = {"parameters": net.count_params()}
print(json.dumps(out | {"seconds": end - t1, "import": imported}))
"""


def make_files(folder: Path) -> tuple[str, str]:
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((10_000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 10_000).astype(np.int32)
    np.savez(folder / "data.npz", x=x, y=y)
    net = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(1024, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    net.save(folder / "mlp1m.keras")
    return str(folder / "mlp1m.keras"), str(folder / "data.npz")


def run(kind: str, model: str, data: str, batch: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, model, data, str(batch)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model, data = make_files(Path(tmp))
        rows: dict[str, list[dict]] = {"inspect": [], "batchlab": [], "keras": []}
        for _ in range(args.repeats):  # alternate, so a busy spell hits both alike
            for kind in rows:
                rows[kind].append(run(kind, model, data, args.batch_size))
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"1 M-parameter MLP ({rows['keras'][0]['parameters']:,} parameters), B={args.batch_size}")
    print(f"load average {' '.join(load)}; {args.repeats} processes each; median (range)")
    print(
        f"  inspect (no Keras)                 {summary([r['seconds'] for r in rows['inspect']])}"
    )
    print(f"  import tensorflow + keras          {summary([r['import'] for r in rows['keras']])}")
    bl = [r["seconds"] for r in rows["batchlab"]]
    kf = [r["seconds"] for r in rows["keras"]]
    print(f"  Batch Lab: prepare + first step    {summary(bl)}")
    print(
        f"    of which prepare (read + check)  {summary([r['prepare'] for r in rows['batchlab']])}"
    )
    print(f"  stock Keras: load + compile + fit  {summary(kf)}")
    ratio = [b / k for b, k in zip(bl, kf, strict=True)]
    print(
        f"  ratio Batch Lab / Keras            {statistics.median(ratio):.2f} "
        f"({min(ratio):.2f}–{max(ratio):.2f})"
    )
    assert rows["batchlab"][0]["parameters"] == rows["keras"][0]["parameters"]
    assert rows["inspect"][0]["parameters"] == rows["keras"][0]["parameters"]


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
