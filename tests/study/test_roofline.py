"""Throughput as a share of the device's measured peak (issue 24): the rows' arithmetic, and
that a real measurement on this machine gives 0 < share ≤ 1 at every batch size."""

import json
import math

import pytest

from core.study import science
from core.train import flops, models, peak
from core.train.engine import TrainConfig


def test_peak_is_measured_once_per_process_and_is_plausible():
    first = peak.measure()
    assert peak.measure() is first  # cached
    assert first.flops > 1e8 and first.bandwidth > 1e8
    assert first.ridge == pytest.approx(first.flops / first.bandwidth)
    assert first.device and first.dtype.startswith("float32")


def test_roofline_fields_follow_from_rate_flops_and_peak():
    count = flops.count(models.build("mlp", (64,), 10))
    fake = peak.DevicePeak(1e10, 1e9, "float32", "CPU: test", 512, 0.0)
    rows = [
        {"batch_size": 8, "samples_per_second": 10_000.0},
        {"batch_size": 1024, "samples_per_second": 50_000.0},
        {"batch_size": 4096, "samples_per_second": None, "note": "B > 1000"},
    ]
    out = science.with_roofline(rows, count, fake, "adam")
    small, big, none = out
    assert small["share"] == pytest.approx(10_000 * count.train_flops / 1e10)
    assert big["bytes_per_sample"] == pytest.approx(
        4 * count.params * 6 / 1024 + 4 * (64 + 2 * 202)
    )
    assert big["intensity"] == pytest.approx(count.train_flops / big["bytes_per_sample"])
    ridge_b = small["ridge_batch"]
    assert (small["bound"], big["bound"]) == ("memory", "compute")
    assert 8 < ridge_b < 1024
    assert small["ceiling"] == pytest.approx(small["intensity"] / 10) and big["ceiling"] == 1.0
    assert none["share"] is None and none["note"] == "B > 1000"


def test_measured_share_is_rate_times_flops_over_peak_and_between_0_and_1():
    rows = science.throughput(
        TrainConfig(dataset="synthetic", n=2048), [1, 64, 1024], seconds=0.2, repeats=1
    )
    assert [r["batch_size"] for r in rows] == [1, 64, 1024]
    for r in rows:
        expected = r["samples_per_second"] * r["flops_per_sample"] / r["peak_flops"]
        assert r["share"] == pytest.approx(expected, rel=0.01)
        assert 0 < r["share"] <= 1, r
        assert r["flops_per_sample"] == flops.count(models.build("mlp", (64,), 10)).train_flops
        assert math.isfinite(r["intensity"]) and r["device"]


def _rows(flops_per_sample=1e5, peak=1e11, ridge_batch=256.0):
    """Rows as `science.with_roofline` writes them: step time = 1 ms + B × 1 µs."""
    rows = []
    for b in (1, 64, 4096):
        step = 1e-3 + b * 1e-6
        sps = b / step
        rows.append(
            {
                "batch_size": b,
                "samples_per_second": sps,
                "samples_per_second_min": 0.9 * sps,
                "samples_per_second_max": 1.1 * sps,
                "steps_per_second": 1 / step,
                "flops_per_sample": flops_per_sample,
                "forward_flops_per_sample": flops_per_sample / 3,
                "peak_flops": peak,
                "share": sps * flops_per_sample / peak,
                "ceiling": min(1.0, b / ridge_batch),
                "intensity": 10.0 * b / ridge_batch,
                "ridge": 10.0,
                "ridge_batch": ridge_batch,
                "peak_bandwidth": peak / 10,
                "peak_dtype": "float32",
                "device": "CPU: test",
                "unknown_layers": ["double (Lambda)"],
            }
        )
    return rows


def test_reading_takes_every_figure_from_the_rows():
    from core.present.readings_roofline import roofline_method, roofline_reading

    rows = _rows()
    text = roofline_reading(rows, "mlp")
    # B=1: 1 ms of the 1.001 ms step is fixed, from the step times at B = 1 and 4096
    fixed = 1 - 1 * (1 / rows[2]["samples_per_second"]) / (1 / rows[0]["steps_per_second"])
    assert f"about {100 * fixed:.0f} %" in text and "B = 1 the step's fixed cost" in text
    # the best share is B = 4096's: 4096 / 5.096 ms × 1e5 / 1e11 = 80 %, range 72-88 %
    assert "At B = 4096 the MLP reaches 80 % (72 %–88 %) of the matmul peak" in text
    assert "memory-bound below B ≈ 256" in text
    method = roofline_method(rows)
    assert "100,000 for one training step" in method and "double (Lambda)" in method
    zh = roofline_reading(rows, "mlp", "zh")
    assert "B ≈ 256 以下是内存受限" in zh and "80 %（72 %–88 %）" in zh


def test_share_chart_draws_measured_shares_the_roof_and_the_ridge():
    from core.present.charts_roofline import share_of_peak_chart
    from core.present.readings_roofline import share_frame

    frame = share_frame(_rows())
    assert frame["share_min"].tolist() == pytest.approx((0.9 * frame["share"]).tolist())
    spec = share_of_peak_chart(frame, 256.0, "zh").to_dict()
    texts = json.dumps(spec, ensure_ascii=False)
    assert "脊点：B ≈ 256" in texts and "占矩阵乘法峰值的比例" in texts
    values = [v for d in spec["datasets"].values() for v in d]
    assert {v["series"] for v in values if "series" in v} == {
        "实测（中位数，竖线：范围）",
        "内存上限（至少要搬运的字节）",
    }
