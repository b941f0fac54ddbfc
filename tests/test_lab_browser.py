"""Notebook 02 in real JupyterLab (not Voilà), in headless Debian chromium.

Opens a temporary copy of 02_exact_correction.ipynb (so nothing is written back into
notebooks/), runs all cells through JupyterLab's own command, moves the W slider of
the correction explorer and checks that the ipympl canvas redraws and that no widget
failed to display. The screenshot goes to test-artifacts/lab_02_after_slider.png.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, require_chromium, stop_process_group

NOTEBOOK = "02_exact_correction.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")

# JupyterLab user settings for the test server: every cell in the DOM, no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

# JavaScript run in the page: the notebook panel's models, independent of what is rendered.
NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext || !panel.sessionContext.session) return null;
  const kernel = panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  return {
    kernel: kernel ? kernel.status : 'none',
    code_cells: cells.length,
    executed: cells.filter(c => c.model.executionCount !== null).length,
    errors: cells.filter(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'))
                 .map(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                 .map(o => o.ename + ': ' + o.evalue).join('; ')),
  };
}"""


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            pytest.fail("JupyterLab exited early; see test-artifacts/lab.log")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("JupyterLab did not start; see test-artifacts/lab.log")


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free port, serving a temporary copy of notebook 02; killed afterwards."""
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    settings = tmp_path / "settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--IdentityProvider.token=",
         "--ServerApp.password=", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path, start_new_session=True)
    try:
        _wait_for_port(port, server, timeout=90)
        yield f"http://127.0.0.1:{port}", root / NOTEBOOK
    finally:
        stop_process_group(server)  # the server's own process group: it and its kernels
        log.close()


def _canvas_pixels(page, canvas) -> str:
    return canvas.evaluate("c => c.toDataURL('image/png')")


def test_run_all_then_slider_redraws_canvas(lab):
    url, copy = lab
    committed = (ROOT / "notebooks" / NOTEBOOK).read_text()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"{url}/lab/tree/{NOTEBOOK}", timeout=120_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                   "&& window.jupyterapp.shell.currentWidget.content", timeout=120_000)
            page.wait_for_function(f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }}",
                                   timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            # generous: a cold kernel on a loaded 2-core machine; the notebook itself runs in ~10 s headless
            page.wait_for_function(f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle' "
                                   "&& s.executed === s.code_cells; }", timeout=240_000, polling=1000)
            state = page.evaluate(NOTEBOOK_STATE)
            assert state["errors"] == [], state["errors"]

            # the correction explorer: the first ipympl canvas; wait until it has really been drawn
            canvas = page.locator(".jupyter-matplotlib-canvas-div canvas").first
            canvas.scroll_into_view_if_needed(timeout=60_000)
            page.wait_for_function("() => { const c = document.querySelector('.jupyter-matplotlib-canvas-div canvas');"
                                   " return c && c.width > 100 && c.height > 100; }", timeout=60_000)
            time.sleep(2.0)  # let the first full draw land
            before = _canvas_pixels(page, canvas)
            output = page.locator(".jp-OutputArea-output", has=page.locator(".jupyter-matplotlib")).first
            readout_before = output.inner_text()

            handle = output.locator(".widget-slider .noUi-handle").first  # the W slider
            handle.scroll_into_view_if_needed()
            box = handle.bounding_box()
            assert box is not None
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 60, y, steps=12)
            page.mouse.up()

            deadline = time.time() + 60
            after = before
            while time.time() < deadline and after == before:
                time.sleep(0.5)
                after = _canvas_pixels(page, canvas)
            assert after != before, "the canvas did not redraw after moving the W slider"
            # let the last redraw land (kernel idle, canvas unchanged for a second) before the screenshot
            page.wait_for_function(f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }}",
                                   timeout=60_000)
            deadline = time.time() + 30
            settled = _canvas_pixels(page, canvas)
            while time.time() < deadline:
                time.sleep(1.0)
                now = _canvas_pixels(page, canvas)
                if now == settled:
                    break
                settled = now
            assert settled != before
            page.screenshot(path=str(ARTIFACTS / "lab_02_after_slider.png"), full_page=False)
            assert output.inner_text() != readout_before, "the readout did not change"
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.evaluate(NOTEBOOK_STATE)["errors"] == []
        finally:
            browser.close()
    # the server worked on a temporary copy: the committed notebook is untouched
    assert (ROOT / "notebooks" / NOTEBOOK).read_text() == committed
