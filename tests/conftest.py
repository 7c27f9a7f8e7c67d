import tracemalloc

import pytest


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    """Every test gets its own run store, never the user's."""
    path = tmp_path / "runs.db"
    monkeypatch.setenv("BATCHLAB_DB", str(path))
    return path


@pytest.fixture
def peak_mib():
    """Measure the peak MiB allocated while a call runs (tracemalloc sees NumPy's buffers too).

    Huge-N cases are checked by memory, not the clock: an index list of 10^8 samples is
    ~800 MiB whatever else the machine is doing, where a timed assert fails on a busy one.
    """

    def measure(fn):
        tracemalloc.start()
        try:
            result = fn()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return result, peak / 2**20

    return measure
