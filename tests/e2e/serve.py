"""Serve app.py with `streamlit run` on a free loopback port: for browser tests and benchmarks.

No pytest here: `bench/demo_rss.py` starts the app the same way the e2e fixtures do.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60


class ServerError(RuntimeError):
    """The server exited, or never answered its health check; says why, with its log."""


@dataclass(frozen=True)
class Served:
    url: str
    pid: int  # the `streamlit run` process; its workers are its children
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def stop(proc: subprocess.Popen) -> None:
    # The server runs in its own process group: `streamlit run` may leave children behind.
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def serve_app(workdir: Path, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Serve app.py with its run store and log in WORKDIR; yield once it is healthy.

    `env` adds to the environment (e.g. BATCHLAB_DEMO=1). The server and everything under it
    is stopped on exit.
    """
    log_path = workdir / "streamlit.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    full_env = {
        **os.environ,
        "BATCHLAB_DB": str(workdir / "batchlab.db"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.fileWatcherType",
        "none",  # edits under a running server must not reload half the modules
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise ServerError(
                    f"streamlit exited with {proc.returncode} before it was healthy:\n"
                    + tail(log_path)
                )
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(
                    f"streamlit at {url} not healthy after {SERVER_START_TIMEOUT_S} s:\n"
                    + tail(log_path)
                )
            time.sleep(0.25)
        yield Served(url, proc.pid, log_path)
    finally:
        stop(proc)
