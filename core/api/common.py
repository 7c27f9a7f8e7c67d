"""What every page that trains needs: the demo's caps applied to a run, the warm pool."""

from __future__ import annotations

from core import demo
from core.run.runner import PoolBusy, shared_pool
from core.run.store import RunStore, StoreError
from core.train.engine import Prepared, TrainConfig, prepare

__all__ = ["PoolBusy", "RunStore", "StoreError", "checked_run", "warm_pool"]


def checked_run(config: TrainConfig) -> Prepared:
    """`prepare` CONFIG and apply the demo's caps: InputError says what to change."""
    prepared = prepare(config)
    if demo.enabled():
        demo.check_train(prepared)
    return prepared


def warm_pool() -> None:
    """Start the shared worker pool's spare process (TensorFlow imported before a job)."""
    shared_pool().warm()
