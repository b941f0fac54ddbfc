"""The STUDENT handout of 02 and 05 in headless chromium with the network BLOCKED.

Both versions come from one execution of each notebook (course_support's shared copy; only 02 and 05
are needed here). The page is opened from disk (file://) in a browser context that is offline and whose
every request other than file:, data: and about: is aborted and recorded. Then:
- no request left the machine;
- every formula is typeset by the local MathJax (each TeX script has its rendered element, no MathJax
  error, no `$`, `\\(` or `\\[` left in the text of markdown cells, LaTeX/HTML/markdown outputs or
  captions; STIX fonts loaded from disk);
- no solution or answer cell, and no exercise answer (``SPOILERS``) in the outputs;
- every widget cell shows a loaded picture with a caption of its controls' values.
Screenshots: test-artifacts/handout_offline_NN_top.png and _widget.png.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, require_chromium
from course_support import executed, handout, spoilers, tags

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")

OFFLINE = ("02_exact_correction.ipynb", "05_derivations.ipynb")
LOCAL = ("file:", "data:", "about:", "blob:")

# Facts about the page, gathered in the browser after MathJax has finished.
FACTS = """() => {
  const scripts = Array.from(document.querySelectorAll('script[type^="math/tex"]'));
  const rendered = scripts.filter(s => s.previousElementSibling &&
      /(^| )(MathJax|MathJax_Display)( |$)/.test(s.previousElementSibling.className));
  const textOf = el => { const c = el.cloneNode(true);
      c.querySelectorAll('code, pre, script, .MathJax, .MathJax_Display, .MathJax_Preview').forEach(e => e.remove());
      return c.textContent; };
  const prose = Array.from(document.querySelectorAll('.jp-RenderedMarkdown, .jp-RenderedLatex, .jp-RenderedHTMLCommon, figcaption')).map(textOf).join('\\n');
  const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.innerText).join('\\n');
  const figures = Array.from(document.querySelectorAll('figure.handout-widget')).map(f => {
      const img = f.querySelector('img'); const cap = f.querySelector('figcaption');
      const cell = f.closest('[id^="cell-id="]');
      return {cell: cell ? cell.id.slice(8) : null, loaded: !!img && img.complete && img.naturalWidth > 0,
              caption: cap ? cap.innerText : ''}; });
  const cells = Array.from(document.querySelectorAll('[id^="cell-id="]')).map(e => e.id.slice(8));
  return {
    mathjax: !!(window.MathJax && MathJax.Hub),
    scripts: scripts.length, rendered: rendered.length,
    errors: document.querySelectorAll('.MathJax_Error, merror, .mjx-merror').length,
    prose: prose, outputs: outputs, figures: figures, cells: cells,
    stix: Array.from(document.fonts).filter(f => f.family.startsWith('STIX') && f.status === 'loaded').length,
  };
}"""

MATHJAX_DONE = ("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue && MathJax.Hub.queue.pending === 0 "
                "&& !MathJax.Hub.queue.running && document.querySelectorAll('script[type^=\"math/tex\"]').length > 0")


@pytest.fixture(scope="module")
def handout_dir(tmp_path_factory):
    """Both versions of 02 and 05, built from the session's shared execution."""
    out = tmp_path_factory.mktemp("handout_offline")
    runs = executed(*OFFLINE)
    for name, nb in runs.items():
        if isinstance(nb, Exception):
            pytest.fail(f"{name} could not run: {type(nb).__name__}: {str(nb)[-1500:]}")
    problems = handout.build([handout.ROOT / "notebooks" / n for n in OFFLINE], out, executed=runs)
    return out, problems, runs


def open_offline(browser, page_path: Path, screenshot: str | None = None, wait_ms: int = 60_000) -> dict:
    """Open ``page_path`` with the network blocked; return the page FACTS plus the requests made."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, offline=True)
    requests, aborted = [], []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            aborted.append(r.request.url)
            r.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.goto(page_path.as_uri(), wait_until="load")
        try:
            page.wait_for_function(MATHJAX_DONE, timeout=wait_ms)
            page.wait_for_timeout(500)  # late font swaps
            typeset = True
        except sync_api.TimeoutError:
            typeset = False
        facts = page.evaluate(FACTS)
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{screenshot}_top.png"))
            figure = page.locator("figure.handout-widget").first
            if figure.count():
                figure.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / f"{screenshot}_widget.png"))
    finally:
        context.close()
    return {**facts, "typeset": typeset, "requests": requests, "aborted": aborted,
            "remote": [u for u in requests + aborted if not u.startswith(LOCAL)]}


@pytest.mark.parametrize("name", OFFLINE)
def test_student_handout_works_offline(browser, handout_dir, name):
    out, problems, runs = handout_dir
    facts = open_offline(browser, out / "student" / (Path(name).stem + ".html"),
                         screenshot=f"handout_offline_{name[:2]}")
    # nothing leaves the machine
    assert facts["remote"] == [], f"{name}: requests to the network: {facts['remote']}"
    # every formula typeset by the local MathJax
    assert facts["mathjax"] and facts["typeset"], f"{name}: MathJax did not load or finish from the local copy"
    assert facts["scripts"] >= 10 and facts["rendered"] == facts["scripts"], \
        f"{name}: {facts['rendered']} of {facts['scripts']} formulas rendered"
    assert facts["errors"] == 0, f"{name}: {facts['errors']} MathJax errors"
    raw = re.findall(r".{0,40}(?:\$|\\\(|\\\[).{0,40}", facts["prose"])
    assert not raw, f"{name}: formulas left as raw TeX in the page text: {raw[:5]}"
    assert facts["stix"] > 0, f"{name}: MathJax's STIX-Web fonts did not load from disk"
    # no solution, no answer
    source = runs[name]  # the executed copy the page was made from (the file may have changed since)
    hidden = [c.id for c in source.cells if tags(c) & handout.HIDDEN_IN_STUDENT]
    assert not set(hidden) & set(facts["cells"]), f"{name}: the student page shows {set(hidden) & set(facts['cells'])}"
    assert set(facts["cells"]) == {c.id for c in source.cells} - set(hidden)
    found = [s for s in spoilers(name) if s in facts["outputs"]]
    assert not found, f"{name}: the student page's outputs give answers away: {found}"
    # every widget cell: a loaded picture with a caption of its values
    widget_cells = {c.id for c in runs[name].cells if handout._widget_outputs(c)} - set(hidden)
    captioned = {f["cell"] for f in facts["figures"] if f["loaded"] and re.search(r"[=:] \S", f["caption"])}
    assert widget_cells <= captioned, f"{name}: widget cells without a captioned picture: {widget_cells - captioned}"
    assert problems[name] == [], problems[name]


def test_offline_check_catches_a_cdn_page(browser, handout_dir, tmp_path):
    """The same checks on a page that loads MathJax and require.js from a CDN: requests leave, nothing typesets;
    on the lecturer page the solution cells are seen."""
    out, _, runs = handout_dir
    lecturer = open_offline(browser, out / "lecturer" / "02_exact_correction.html")
    solutions = {c.id for c in runs["02_exact_correction.ipynb"].cells if "solution" in tags(c)}
    assert solutions and solutions <= set(lecturer["cells"]), "the lecturer page must show the solution cells"
    assert lecturer["remote"] == [] and lecturer["typeset"]
    page = (out / "student" / "02_exact_correction.html").read_text(encoding="utf-8")
    cdn = page.replace(handout.MATHJAX_URL, "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js")
    cdn = cdn.replace("<head>", '<head><script src="https://cdn.jsdelivr.net/npm/requirejs/require.js"></script>', 1)
    assert cdn != page
    target = tmp_path / "student"
    target.mkdir()
    (target / "02_exact_correction.html").write_text(cdn, encoding="utf-8")
    facts = open_offline(browser, target / "02_exact_correction.html", wait_ms=5_000)
    assert any("cloudflare" in u for u in facts["remote"]) and any("jsdelivr" in u for u in facts["remote"])
    assert not facts["typeset"] and facts["rendered"] == 0
    assert re.search(r"\$", facts["prose"]), "untypeset formulas must show as raw TeX"
    # and a local page whose MathJax copy is missing does not pass either
    shutil.copytree(out / "student", tmp_path / "nomathjax", ignore=shutil.ignore_patterns("mathjax"))
    facts = open_offline(browser, tmp_path / "nomathjax" / "02_exact_correction.html", wait_ms=5_000)
    assert not facts["mathjax"] and re.search(r"\$", facts["prose"])


def test_index_page_offline_lists_goals_and_times(browser, handout_dir):
    out, _, runs = handout_dir
    facts = open_offline(browser, out / "student" / "index.html", screenshot="handout_offline_index", wait_ms=15_000)
    assert facts["remote"] == [], facts["remote"]
    index = (out / "student" / "index.html").read_text(encoding="utf-8")
    for name, nb in runs.items():
        info = handout.notebook_info(nb)
        assert f'href="{Path(name).stem}.html"' in index
        assert info["time"] and info["time"] in index, (name, info)
    assert facts["errors"] == 0 and facts["rendered"] == facts["scripts"]
