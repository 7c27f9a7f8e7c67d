"""Tests leave the git tree as they found it: every folder a browser test saves screenshots in
is ignored, and git tracks nothing there (pytest rewrote 18 tracked PNGs, issue 26 item 11)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e import conftest, test_path_e2e

REPO = Path(__file__).resolve().parents[1]
FOLDERS = [conftest.SCREENSHOTS, test_path_e2e.SHOTS]


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_screenshot_folders_are_ignored_and_untracked(folder: Path):
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    relative = folder.relative_to(REPO).as_posix()
    assert git("check-ignore", "-q", f"{relative}/any.png").returncode == 0, relative
    assert git("ls-files", relative).stdout.split() == []
