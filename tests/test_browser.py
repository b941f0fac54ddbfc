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


def slider_state(page):
    """(value shown by the first slider's handle, value in its number box), both as the browser has them."""
    return page.evaluate("""() => {
        const handle = document.querySelector('.widget-slider .noUi-handle');
        const box = handle.closest('.widget-hbox').querySelector('.widget-text input');
        return [parseFloat(handle.getAttribute('aria-valuenow')), parseFloat(box.value)];
    }""")


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
    track = page.locator(".widget-slider .noUi-target").first.bounding_box()
    w_start, _ = slider_state(page)
    w_per_px = (20.0 - -20.0) / track["width"]
    # Time each drag step in the page itself: from just before the mouse moves to the moment ipympl
    # paints the new image onto a figure canvas (a wrapped drawImage records it). Record every value
    # the slider's handle shows, to catch a value it jumps to that the mouse never chose (a snap-back).
    page.evaluate("""() => {
        const original = CanvasRenderingContext2D.prototype.drawImage;
        window.__lastPaint = 0;
        CanvasRenderingContext2D.prototype.drawImage = function (...args) {
            if (this.canvas.closest && this.canvas.closest('.jupyter-matplotlib-canvas-div')) {
                window.__lastPaint = performance.now();
            }
            return original.apply(this, args);
        };
        const handle = document.querySelector('.widget-slider .noUi-handle');
        window.__shown = [handle.getAttribute('aria-valuenow')];
        new MutationObserver(() => window.__shown.push(handle.getAttribute('aria-valuenow')))
            .observe(handle, {attributes: true, attributeFilter: ['aria-valuenow']});
    }""")
    page.mouse.move(x, y)
    page.mouse.down()
    latencies, chosen, missed = [], [w_start], []
    # 10 px is about 1.4 units of W, so every step changes the picture; W crosses the y-limit steps at
    # 4.45 and 8.9 both ways, so some steps take the slow full draw, during which the user moves on.
    offsets = [10 * k for k in range(1, 6)] + [10 * k for k in range(4, -1, -1)] + [35]
    for offset in offsets:
        before = canvas_data(page)
        page.evaluate("() => { window.__t0 = performance.now(); }")
        page.mouse.move(x + offset, y)
        chosen.append(slider_state(page)[0])  # where the mouse put the handle
        try:
            page.wait_for_function("(old) => document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')[0]"
                                   ".toDataURL() !== old", arg=before, polling=20, timeout=10_000)
        except PlaywrightTimeout:
            missed.append(offset)
            continue
        latencies.append(page.evaluate("() => window.__lastPaint - window.__t0") / 1e3)
    page.wait_for_timeout(2000)  # hold the mouse still while the kernel catches up
    held = slider_state(page)
    page.mouse.up()
    w_end = chosen[-1]
    page.wait_for_function("(w) => document.body.innerText.includes(`W = ${w}.`)", arg=f"{w_end:.2f}",
                           timeout=10_000)
    page.wait_for_timeout(1000)
    final = slider_state(page)
    shown = [float(v) for v in page.evaluate("() => window.__shown")]
    jumps = [v for v in _distinct(shown) if v not in chosen]
    print(f"mouse chose {chosen}; the handle showed {_distinct(shown)}; held {held}; final {final}")
    assert not jumps, f"the slider showed {jumps}, values the mouse never chose (mouse: {chosen})"
    assert _distinct(shown) == _distinct(chosen), \
        f"the slider jumped back under the held mouse: it showed {_distinct(shown)}, the mouse chose {chosen}"
    assert not missed, f"drag steps at offsets {missed} px never repainted the maps"
    assert abs(w_end - (w_start + 35 * w_per_px)) <= 0.2, (w_end, w_start, w_per_px)  # where the mouse left it
    assert held == [w_end, w_end] and final == [w_end, w_end], (held, final, w_end)
    # A keyboard user types into the number box: the slider follows, on its step grid.
    number_box = page.locator(".widget-slider").first.locator("xpath=..").locator(".widget-text input")
    before = canvas_data(page)
    number_box.fill("-2.34")
    number_box.press("Enter")
    page.wait_for_function("() => document.body.innerText.includes('W = -2.30.')", timeout=10_000)
    page.wait_for_function("() => document.querySelector('.widget-slider .noUi-handle')"
                           ".getAttribute('aria-valuenow') == '-2.3'", timeout=10_000)
    assert slider_state(page) == [-2.3, -2.3]
    page.wait_for_function("(old) => document.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')[0]"
                           ".toDataURL() !== old", arg=before, polling=50, timeout=10_000)
    page.wait_for_timeout(1500)  # W = -2.3 has new axis limits: let the full draw land
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


def _distinct(values):
    """``values`` without consecutive repeats."""
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
