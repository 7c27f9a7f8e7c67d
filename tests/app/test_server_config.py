"""The served app's Streamlit settings, read the way `streamlit run app.py` reads them (from the
repository's .streamlit/config.toml, in a fresh interpreter started there)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CODE = """
from streamlit import config
config.get_config_options(force_reparse=True)
for name in ("runner.postScriptGC", "server.maxUploadSize", "server.enableXsrfProtection"):
    print(name, config.get_option(name))
"""


def settings() -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def test_no_forced_garbage_collection_after_each_fragment_run():
    # Streamlit's default (True) runs gc.collect(2) after every script run; the Train page's
    # fragments rerun 4-5 times a second while a run is live, and those collections took 0.35 of
    # a core from the worker (python -m bench.live_gaps: server 0.48 -> 0.12 cores, live gaps
    # under load 0.81 -> 0.60 s median). Unknown option names raise, so a rename fails here too.
    assert settings()["runner.postScriptGC"] == "False"


def test_uploads_are_capped_and_forms_protected():
    found = settings()
    assert int(found["server.maxUploadSize"]) <= 25
    assert found["server.enableXsrfProtection"] == "True"
