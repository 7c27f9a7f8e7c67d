"""The share-of-peak table from `python -m core throughput --json` outputs.

    python -m bench.roofline_table throughput.json [more.json ...]

One line per batch size: samples/s (median of the repeats), training FLOPs per sample, the
achieved GFLOP/s, its share of the device's measured matmul peak, the estimated bytes per sample,
the arithmetic intensity, and whether that intensity is below the device's ridge (memory-bound).
"""

from __future__ import annotations

import json
import sys


def table(payload: dict) -> list[str]:
    rows = [r for r in payload["rows"] if r.get("samples_per_second")]
    if not rows:
        return ["(no rows)"]
    first = rows[0]
    lines = [
        f"device {first['device']}; peak {first['peak_flops'] / 1e9:,.1f} GFLOP/s "
        f"({first['peak_dtype']}), {first['peak_bandwidth'] / 1e9:,.1f} GB/s, ridge "
        f"{first['ridge']:.1f} FLOP/byte; training {first['flops_per_sample']:,.0f} FLOPs/sample"
        + (f"; memory-bound below B ≈ {first['ridge_batch']:,.0f}" if first["ridge_batch"] else ""),
        f"{'B':>6} {'samples/s':>12} {'GFLOP/s':>9} {'share':>8} {'bytes/sample':>13} "
        f"{'FLOP/byte':>10} {'roof':>6} bound",
    ]
    for r in rows:
        achieved = r["samples_per_second"] * r["flops_per_sample"]
        lines.append(
            f"{r['batch_size']:>6} {r['samples_per_second']:>12,.0f} {achieved / 1e9:>9.2f} "
            f"{r['share']:>8.2%} {r['bytes_per_sample']:>13,.0f} {r['intensity']:>10.2f} "
            f"{r['ceiling']:>6.0%} {r['bound']}"
        )
    return lines


def main(paths: list[str]) -> int:
    for path in paths:
        print(path)
        try:
            with open(path) as f:
                payload = json.load(f)
        except (OSError, ValueError) as exc:
            print(f"  unreadable: {exc}")
            continue
        print("\n".join("  " + line for line in table(payload)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
