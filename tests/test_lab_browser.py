"""Notebooks 02 and 04 in real JupyterLab (not Voilà), in headless Debian chromium.

Opens temporary copies of the notebooks (so nothing is written back into notebooks/) and runs
all cells through JupyterLab's own command.
- 02: moves the W slider of the correction explorer and checks that the ipympl canvas redraws
  and that no widget failed to display (test-artifacts/lab_02_after_slider.png).
- 02 and 04 at 1280×720 with the file browser open (JupyterLab's default layout): every widget
  (its boxes, canvases and pictures) lies inside its cell's output area, inside the notebook
  column, no output scrolls sideways and no button or label is cut short to fit
  (test-artifacts/lab_fit_NN_cell-KK.png).
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
FIT_NOTEBOOKS = ("02_exact_correction.ipynb", "04_explaining_away.ipynb")

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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port, serving temporary copies of notebooks 02 and 04; killed afterwards."""
    tmp_path = tmp_path_factory.mktemp("lab")
    root = tmp_path / "notebooks"
    root.mkdir()
    for name in {NOTEBOOK, *FIT_NOTEBOOKS}:
        shutil.copy(ROOT / "notebooks" / name, root / name)
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
            state = _open_and_run_all(page, url, NOTEBOOK, workspace="slider")
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


def _open_and_run_all(page, url: str, name: str, workspace: str) -> dict:
    """Open ``name`` in its own workspace, wait for the kernel, Run All, wait until every cell ran."""
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}", timeout=120_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.content", timeout=120_000)
    page.wait_for_function(f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }}",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # generous: a cold kernel on a loaded 2-core machine; the notebooks run in 10-40 s headless.
    # A cell that raises stops Run All (the cells after it never run): then stop waiting, report it.
    page.wait_for_function(f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle' "
                           "&& (s.executed === s.code_cells || s.errors.length > 0); }", timeout=300_000,
                           polling=1000)
    return page.evaluate(NOTEBOOK_STATE)


# JavaScript: where each widget output of the current notebook lies, against its output area and the
# notebook column. A widget part (box, canvas, picture, control) sticking out sideways, or an output
# that scrolls sideways, is listed.
WIDGET_FIT = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const column = panel.content.node.getBoundingClientRect();
  const sidebar = document.querySelector('#filebrowser');
  const browserBox = sidebar ? sidebar.getBoundingClientRect() : null;
  const cells = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const area of cell.node.querySelectorAll('.jp-OutputArea-output')) {
      if (!area.querySelector('.jupyter-widgets')) continue;
      const box = area.getBoundingClientRect();
      const parts = area.querySelectorAll('.jupyter-widgets, .widget-box, .widget-hbox, .widget-vbox, canvas, img, '
                                          + '.jupyter-matplotlib, .widget-slider, .widget-toggle-buttons, .widget-html');
      const out = [];
      let shown = 0;
      for (const part of parts) {
        const r = part.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || getComputedStyle(part).visibility === 'hidden') continue;
        shown += 1;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.left < column.left - 1 || r.right > column.right + 1)
          out.push(`${part.tagName.toLowerCase()}.${String(part.className).split(' ').slice(0, 2).join('.')}`
                   + ` [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      }
      const scrolls = [area, ...area.querySelectorAll('*')].filter(e => {
        const style = getComputedStyle(e);
        return e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX);
      }).map(e => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} (${e.scrollWidth} > ${e.clientWidth})`);
      const canvases = Array.from(area.querySelectorAll('canvas')).map(c => c.width);
      // a label or button cut short to fit ("Reveal ans…") does not fit either
      const truncated = Array.from(area.querySelectorAll('button, label, .widget-label, .widget-readout'))
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.tagName.toLowerCase()} "${e.innerText.trim().slice(0, 40)}" (${e.scrollWidth} > ${e.clientWidth})`);
      cells.push({id: cell.model.id, area: [Math.round(box.left), Math.round(box.right)], shown, out, scrolls,
                  truncated, canvases});
    }
  }
  return {column: [Math.round(column.left), Math.round(column.right)], cells,
          filebrowser: browserBox && browserBox.width > 100 && sidebar.offsetParent !== null,
          pageScroll: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1};
}"""

SCROLL_TO_WIDGET = """k => Array.from(window.jupyterapp.shell.currentWidget.content.node
    .querySelectorAll('.jp-OutputArea-output')).filter(e => e.querySelector('.jupyter-widgets'))[k]
    .scrollIntoView({block: 'start'})"""

# A widget made too wide on purpose, to show that the check can fail.
WIDEN_FIRST_WIDGET = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const w = panel.content.node.querySelector('.jp-OutputArea-output .jupyter-widgets');
  w.style.minWidth = '1400px';
}"""


@pytest.mark.parametrize("name", FIT_NOTEBOOKS)
def test_widgets_fit_the_notebook_column_at_1280x720_with_the_file_browser_open(lab, name):
    url, _ = lab
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            state = _open_and_run_all(page, url, name, workspace=f"fit{name[:2]}")
            # every ipympl canvas has been drawn (its size is set by the first draw), then let layout settle
            page.wait_for_function("() => Array.from(document.querySelectorAll('.jupyter-matplotlib canvas'))"
                                   ".every(c => c.width > 0)", timeout=60_000)
            time.sleep(2.0)
            fit = page.evaluate(WIDGET_FIT)
            assert fit["filebrowser"], "the file browser is not open (JupyterLab's default layout was changed?)"
            assert fit["cells"], f"{name}: no widget output found"
            ARTIFACTS.mkdir(exist_ok=True)
            for k, cell in enumerate(fit["cells"]):
                page.evaluate(SCROLL_TO_WIDGET, k)
                time.sleep(0.5)
                page.screenshot(path=str(ARTIFACTS / f"lab_fit_{name[:2]}_{cell['id']}.png"))
            column_width = fit["column"][1] - fit["column"][0]
            assert column_width < 1000, f"the notebook column is {column_width} px: the file browser is not taking room"
            problems = [f"{c['id']}: sticks out {c['out']}; scrolls sideways {c['scrolls']}; "
                        f"labels cut short {c['truncated']}" for c in fit["cells"]
                        if c["out"] or c["scrolls"] or c["truncated"]]
            assert not problems, (f"{name} at 1280x720 with the file browser open (column {fit['column']}): "
                                  + " | ".join(problems))
            assert all(c["shown"] > 0 for c in fit["cells"]), fit["cells"]
            assert page.get_by_text("Error displaying widget").count() == 0
            # the check can fail: one widget made wider than the column is reported
            page.evaluate(WIDEN_FIRST_WIDGET)
            widened = page.evaluate(WIDGET_FIT)
            assert any(c["out"] or c["scrolls"] for c in widened["cells"]), widened["cells"]
            assert state["errors"] == [], f"{name}: cells raised under Run All: {state['errors']}"
        finally:
            browser.close()
