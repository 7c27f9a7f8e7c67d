"""The served app answers without Nagle's delay (issue 14, item 7): app.py sets TCP_NODELAY on
the connections the server accepts, which Streamlit 1.67's socket leaves to asyncio, which skips
it. Without it each static file after the first on a keep-alive connection waited ~40 ms."""

import socket
import subprocess
import sys
from pathlib import Path

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# In a fresh interpreter: a socket made the way Streamlit makes its listening socket (proto 0,
# which the sockets it accepts inherit), handed to asyncio's hook before and after app.py runs.
CODE = f"""
import asyncio.base_events, socket
from streamlit.testing.v1 import AppTest

def nodelay():
    sock = socket.socket(socket.AF_INET)
    try:
        asyncio.base_events._set_nodelay(sock)
        return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()

before = nodelay()
at = AppTest.from_file({APP!r}, default_timeout=30).run()
assert not at.exception, at.exception
print(before, nodelay())
"""


def test_connections_accepted_after_the_app_runs_get_tcp_nodelay():
    with socket.socket(socket.AF_INET) as sock:
        assert sock.proto == 0  # what asyncio's check trips on
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    before, after = proc.stdout.split()[-2:]
    assert (before, after) == ("0", "1")
