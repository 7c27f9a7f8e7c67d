"""Issue 25 item 10: the one-off cost of the first call that runs every unrolled row (13–180 ms
in a fresh process, not compilation) is paid before the clock, with the compile."""

from __future__ import annotations

import pytest

from core.train import steppers
from core.train.engine import TrainConfig, prepare, train


@pytest.mark.slow  # compiles a shape of its own: 15–90 s on a busy machine
def test_compiling_runs_a_full_unroll_of_rows_before_the_clock(monkeypatch):
    counts: list[tuple[str, int]] = []
    original = steppers.TFStepper._call
    phase = {"now": "begin"}

    def recording(self, idx, w, start, count, xs, ys):
        counts.append((phase["now"], int(count)))
        return original(self, idx, w, start, count, xs, ys)

    monkeypatch.setattr(steppers.TFStepper, "_call", recording)
    original_begin = steppers._Fused.begin

    def begin(self, *args, **kwargs):
        phase["now"] = "begin"
        out = original_begin(self, *args, **kwargs)
        phase["now"] = "clock"
        return out

    monkeypatch.setattr(steppers._Fused, "begin", begin)
    # a shape no other test compiles, so this process compiles it here
    train(prepare(TrainConfig(dataset="blobs", n=777, batch_size=37, epochs=1, seed=25)))
    before = [c for p, c in counts if p == "begin"]
    assert max(before) >= steppers.UNROLL, counts
