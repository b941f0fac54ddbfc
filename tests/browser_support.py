"""What the browser tests share: Debian chromium's path and flags, free ports, stopping servers.

Nothing here downloads a browser: Playwright drives /usr/bin/chromium. In CI (CI=true) a missing
chromium is a failure, not a skip. Screenshots and logs go to test-artifacts/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Known, harmless console noise offline (see the shared notes): a Lab extension Voilà does not ship, CDN fonts.
IGNORED_CONSOLE = ("RUNTIME-012", "jupytext", "fontawesome", "font-awesome", "Failed to load resource")


def require_chromium() -> None:
    """Skip the calling test module without chromium (fail in CI, which must have it)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(server: subprocess.Popen) -> None:
    """SIGTERM a server started with start_new_session=True and all it started (its kernels); then SIGKILL."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
