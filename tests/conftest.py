import pytest


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    """Every test gets its own run store, never the user's."""
    path = tmp_path / "runs.db"
    monkeypatch.setenv("BATCHLAB_DB", str(path))
    return path
