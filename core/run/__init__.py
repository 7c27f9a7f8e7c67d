"""Runs that outlive a page: the SQLite run store, worker processes, and export."""
