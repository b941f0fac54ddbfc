"""Notebook 02's correction explorer in a column 840 px wide (JupyterLab at 1280×720 with the file browser open).

Voilà renders a one-cell notebook holding only the explorer in a headless Debian chromium page
840 px wide. Every figure must lie inside the page (no horizontal scrolling), and the 1-D cut
with its legend must be on screen: the two figures wrap, the cut going under the maps.
Screenshot: test-artifacts/explorer_840px.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import nbformat
import pytest

from browser_support import ARTIFACTS, IGNORED_CONSOLE, ROOT, free_port, require_chromium, stop_process_group

pytestmark = pytest.mark.browser
require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")

COLUMN = 840


@pytest.fixture
def explorer_url(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "%matplotlib widget\nfrom orbm_explore.widgets import CorrectionExplorer\nCorrectionExplorer(n=60)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "explorer.ipynb")
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "voila_explorer_fit.log", "w")
    env = {**os.environ, "MPLBACKEND": "module://ipympl.backend_nbagg", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                               "--Voila.ip=127.0.0.1", "--show_tracebacks=True", str(tmp_path / "explorer.ipynb")],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        stop_process_group(server)
        pytest.fail("Voilà did not start; see test-artifacts/voila_explorer_fit.log")
    yield f"http://127.0.0.1:{port}/"
    stop_process_group(server)
    log.close()


def test_explorer_fits_an_840_px_column(explorer_url, browser):
    page = browser.new_page(viewport={"width": COLUMN, "height": 720})
    errors = []
    page.on("console", lambda m: m.type == "error" and not any(s in m.text for s in IGNORED_CONSOLE)
            and errors.append(m.text))
    page.goto(explorer_url, timeout=120_000)
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')];"
        " return c.length >= 2 && c.every(x => x.width > 0 && x.height > 0); }", timeout=120_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "explorer_840px.png"), full_page=True)
    assert "Error displaying widget" not in page.inner_text("body")
    layout = page.evaluate("""() => ({
        width: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
        figures: [...document.querySelectorAll('.jupyter-matplotlib')].map(e => {
            const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; }),
        canvases: [...document.querySelectorAll('.jupyter-matplotlib-canvas-div')].map(e => {
            const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; }),
    })""")
    assert layout["width"] <= COLUMN and len(layout["figures"]) == 2, layout
    assert layout["scroll"] <= layout["width"], layout            # nothing sticks out to the right
    for left, right, _, _ in layout["figures"] + layout["canvases"]:
        assert 0 <= left and right <= layout["width"], layout
    (maps, cut) = layout["canvases"]
    assert cut[2] >= maps[3] - 1, layout                           # wrapped: the cut sits under the maps
    page.locator(".jupyter-matplotlib").nth(1).screenshot(path=str(ARTIFACTS / "explorer_840px_cut.png"))
    assert not errors, errors
    page.close()
