"""Issue #13's figures, measured side by side in one process.

    python -m bench.measurements            # TensorFlow backend
    KERAS_BACKEND=jax python -m bench.measurements

Prints, with the spread of `--repeats` alternating repeats:
1. what measuring the noise scale costs: the same run with and without the micro-batch norms
   (the fused engine computes them inside its compiled step), as a ratio;
2. throughput at B = 1024 on digits (1,438 samples: 2 steps an epoch) against the same model
   on 100,000 samples, now that chunks run across epoch ends;
3. the fused engine against stock Keras `fit` on the same data and batches (samples/s);
4. a first run of a new shape against a second run (compiling is kept off the clock);
5. the JAX backend against the TensorFlow one (JAX in a subprocess; skipped without JAX).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace

from core.study import science
from core.train.devices import describe_device
from core.train.engine import TrainConfig, prepare, train


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3g} (min {min(values):.3g}, max {max(values):.3g})"


def noise_cost(repeats: int) -> None:
    cfg = TrainConfig(dataset="digits", batch_size=64, epochs=10)
    train(prepare(cfg))  # compile both variants once, outside the timings
    science.measure_noise_scale(replace(cfg, epochs=1), micro=4)
    plain, noise = [], []
    for _ in range(repeats):
        plain.append(timed(lambda: train(prepare(cfg))))
        noise.append(timed(lambda: science.measure_noise_scale(cfg, micro=4)))
    ratios = [n / p for n, p in zip(noise, plain, strict=True)]
    print(f"noise scale, digits MLP B=64 10 epochs, micro=4: plain run {spread(plain)} s")
    print(f"  with micro-batch norms {spread(noise)} s; ratio {spread(ratios)} (target ≤ 3)")


def small_vs_large(repeats: int) -> None:
    small = TrainConfig(dataset="digits", batch_size=1024)
    large = TrainConfig(dataset="blobs", n=100_000, features=64, classes=10, batch_size=1024)
    rows = {}
    for name, cfg in (("digits (1,438)", small), ("blobs (100,000)", large)):
        rows[name] = science.throughput(cfg, [1024], seconds=1.0, repeats=repeats)[0]
    for name, r in rows.items():
        print(
            f"throughput B=1024 on {name}: {r['samples_per_second']:,.0f} samples/s "
            f"(min {r['samples_per_second_min']:,.0f}, max {r['samples_per_second_max']:,.0f})"
        )
    a, b = (r["samples_per_second"] for r in rows.values())
    print(f"  small / large data: {a / b:.2f} (1.0 = no per-call overhead left)")


def against_fit(repeats: int) -> None:
    cfg = TrainConfig(dataset="digits", batch_size=64, epochs=5)
    fused, fit = [], []
    for _ in range(repeats + 1):
        f = train(prepare(cfg)).timing
        k = train(prepare(replace(cfg, engine="keras-fit"))).timing
        fused.append(f["samples_per_second"])
        fit.append(k["samples_per_second"])
    fused, fit = fused[1:], fit[1:]  # the first pair compiles
    ratios = [a / b for a, b in zip(fused, fit, strict=True)]
    print(f"digits MLP B=64: fused {spread(fused)} samples/s, Keras fit {spread(fit)} samples/s")
    print(f"  fused / fit: {spread(ratios)}")


def first_and_second(repeats: int) -> None:
    ratios = []
    for features in range(41, 41 + repeats):  # a shape no earlier repeat compiled
        cfg = TrainConfig(dataset="blobs", n=3000, features=features, batch_size=96, epochs=4)
        first, second = train(prepare(cfg)).timing, train(prepare(cfg)).timing
        ratios.append(first["samples_per_second"] / second["samples_per_second"])
    print(f"first run of a new shape / second run, samples/s: {spread(ratios)}")
    print("  (1.0 = compiling is off the training clock)")


JAX_THROUGHPUT = """
import json
from core.study import science
from core.train.engine import TrainConfig
rows = science.throughput(TrainConfig(dataset="digits"), [64], seconds=0.6, repeats=%d)
print(json.dumps(rows[0]))
"""


def backends(repeats: int) -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    cmd = [sys.executable, "-c", JAX_THROUGHPUT % repeats]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print(f"JAX backend: not measured ({out.stderr.strip().splitlines()[-1:]})")
        return
    jax_row = json.loads(out.stdout.strip().splitlines()[-1])
    digits = TrainConfig(dataset="digits")
    tf_row = science.throughput(digits, [64], seconds=0.6, repeats=repeats)[0]
    ratios = [j / t for j, t in zip(jax_row["timings"], tf_row["timings"], strict=True)]
    print(
        f"digits MLP B=64: JAX {spread(jax_row['timings'])} samples/s, "
        f"TensorFlow {spread(tf_row['timings'])} samples/s"
    )
    print(f"  JAX / TensorFlow: {spread(ratios)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe_device())
    noise_cost(args.repeats)
    small_vs_large(args.repeats)
    against_fit(args.repeats)
    first_and_second(args.repeats)
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
        backends(args.repeats)


if __name__ == "__main__":
    main()
