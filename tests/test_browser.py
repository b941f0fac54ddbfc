"""Real-browser tests: Voilà serves the notebooks on localhost, headless Debian chromium renders them.

Nothing here downloads a browser: Playwright drives /usr/bin/chromium. Screenshots go to
test-artifacts/. In CI (CI=true) a missing chromium is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_support import ARTIFACTS, IGNORED_CONSOLE, ROOT, free_port, require_chromium

pytestmark = pytest.mark.browser
require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def voila_url():
    port = free_port()
    env = {**os.environ, "MPLBACKEND": "module://ipympl.backend_nbagg"}
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / "voila.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                               "--Voila.ip=127.0.0.1", "--show_tracebacks=True", str(ROOT / "notebooks")],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("Voilà did not start; see test-artifacts/voila.log")
    yield f"http://127.0.0.1:{port}/voila/render"
    server.terminate()
    server.wait(timeout=20)
    log.close()


def open_app(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("console", lambda m: m.type == "error" and not any(s in m.text for s in IGNORED_CONSOLE)
            and errors.append(m.text))
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".jupyter-matplotlib canvas", timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]"
        ".every(c => c.width > 0 && c.height > 0)", timeout=60_000)
    page.wait_for_timeout(1000)
    return page, errors


def assert_healthy(page, errors):
    text = page.inner_text("body")
    assert "Error displaying widget" not in text
    assert "Traceback" not in text
    sizes = page.evaluate("() => [...document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]"
                          ".map(c => [c.width, c.height])")
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert not errors, errors


def canvas_data(page, index=0):
    return page.evaluate(f"() => document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')[{index}]"
                         ".toDataURL()")


def test_correction_explorer_in_the_browser(voila_url, browser):
    page, errors = open_app(browser, f"{voila_url}/02_exact_correction.ipynb")
    assert_healthy(page, errors)
    figure = page.locator(".jupyter-matplotlib").first
    figure.screenshot(path=str(ARTIFACTS / "correction_before.png"))
    readout = page.locator("text=Switch at φ").first
    readout_before = readout.inner_text()
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()  # the figure screenshot above may have scrolled it away
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Time each drag step in the page itself: from just before the mouse moves to the moment ipympl
    # paints the new image onto a figure canvas (a wrapped drawImage records it).
    page.evaluate("""() => {
        const original = CanvasRenderingContext2D.prototype.drawImage;
        window.__lastPaint = 0;
        CanvasRenderingContext2D.prototype.drawImage = function (...args) {
            if (this.canvas.closest && this.canvas.closest('.jupyter-matplotlib-canvas-div')) {
                window.__lastPaint = performance.now();
            }
            return original.apply(this, args);
        };
    }""")
    page.mouse.move(x, y)
    page.mouse.down()
    latencies = []
    offsets = [10 * k for k in range(1, 6)] + [10 * k for k in range(4, -1, -1)]  # right, then back
    repainted = 0
    for offset in offsets:  # 10 px is about 2 units of W, so every step changes the picture
        before = canvas_data(page)
        page.evaluate("() => { window.__t0 = performance.now(); }")
        page.mouse.move(x + offset, y)
        try:
            page.wait_for_function("() => window.__lastPaint > window.__t0", polling=5, timeout=5_000)
            latencies.append(page.evaluate("() => window.__lastPaint - window.__t0") / 1e3)
            page.wait_for_function("(old) => document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')[0]"
                                   ".toDataURL() !== old", arg=before, polling=50, timeout=5_000)
            repainted += 1
        except PlaywrightTimeout:
            # While a slow full draw runs (W crossing a tick limit), the kernel's write-back of an older
            # value can snap the slider back under the held mouse, so a step may show nothing new.
            continue
    assert repainted >= len(offsets) // 2, f"only {repainted} of {len(offsets)} drag steps repainted the maps"
    page.mouse.move(x + 35, y)
    page.mouse.up()
    page.wait_for_function("(old) => !document.body.innerText.includes(old)", arg=readout_before, timeout=10_000)
    page.wait_for_timeout(1000)
    figure.screenshot(path=str(ARTIFACTS / "correction_after.png"))
    page.screenshot(path=str(ARTIFACTS / "correction_page.png"), full_page=False)
    assert (ARTIFACTS / "correction_before.png").read_bytes() != (ARTIFACTS / "correction_after.png").read_bytes()
    assert readout.inner_text() != readout_before or readout_before not in page.inner_text("body")
    assert_healthy(page, errors)
    median = statistics.median(latencies)
    (ARTIFACTS / "browser_latency.json").write_text(json.dumps(
        {"drag_to_repaint_ms": [t * 1e3 for t in latencies], "median_ms": median * 1e3}, indent=2))
    print(f"drag-to-repaint median {median * 1e3:.0f} ms over {len(latencies)} steps")
    page.close()
