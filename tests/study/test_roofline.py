"""Throughput as a share of the device's measured peak (issue 24): the rows' arithmetic, and
that a real measurement on this machine gives 0 < share ≤ 1 at every batch size."""

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
