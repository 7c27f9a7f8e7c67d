"""Issue 25 item 5: an equal budget is equal for every batch size, partial batch and
drop_remainder included. The reference walks the batches itself (no project code)."""

from __future__ import annotations

import pytest

from core.study import sweep
from core.train.engine import TrainConfig, planned_steps, prepare


def _fed(n: int, b: int, drop: bool, steps: int) -> int:
    """Samples fed by `steps` steps, walking epoch after epoch of batches (reference)."""
    sizes = [b] * (n // b) + ([] if drop or n % b == 0 else [n % b])
    total = 0
    for i in range(steps):
        total += sizes[i % len(sizes)]
    return total


@pytest.mark.parametrize("drop", [False, True])
def test_a_steps_budget_gives_every_size_exactly_that_many_steps(drop):
    base = TrainConfig(dataset="blobs", n=200, drop_remainder=drop)
    spec = sweep.SweepSpec(base=base, batch_sizes=(30, 100), budget="steps", budget_value=7)
    for cfg in sweep.plan(spec, 200):
        assert planned_steps(prepare(cfg)) == 7, cfg.batch_size


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("value", [200, 333, 1000])
def test_a_samples_budget_feeds_within_one_batch_of_it(drop, value):
    base = TrainConfig(dataset="blobs", n=200, drop_remainder=drop)
    spec = sweep.SweepSpec(
        base=base, batch_sizes=(30, 64, 100), budget="samples", budget_value=value
    )
    for cfg in sweep.plan(spec, 200):
        b = cfg.batch_size
        steps = planned_steps(prepare(cfg))
        fed = _fed(200, b, drop, steps)
        # the closest step count: neither one step fewer nor one more comes closer
        assert abs(fed - value) < b, (b, fed)
        assert abs(fed - value) <= abs(_fed(200, b, drop, steps + 1) - value)
        if steps > 1:
            assert abs(fed - value) <= abs(_fed(200, b, drop, steps - 1) - value)
        assert sweep.samples_fed(200, b, steps, drop) == fed
