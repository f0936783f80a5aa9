"""The rendered reports opened in headless Chromium, as a manager opens them (screenshots saved)."""

from __future__ import annotations

import os
import shutil

import pytest

from shoplab.runner import CHROMIUM_FLAGS, find_chromium, print_pdf

pytestmark = pytest.mark.slow

CHECK_JS = """() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const text = document.body.innerText;
  return {
    images: document.images.length,
    broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length,
    code: Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .input_area'))
      .filter(visible).length,
    errors: document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .output_error').length,
    reprs: (text.match(/<[A-Za-z_.]+ object at 0x|<bound method|<Axes[:>]|<Figure size|dtype: /g) || []),
    traceback: text.includes('Traceback'),
    width: document.documentElement.scrollWidth,
  };
}"""


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        if os.environ.get("SHOPLAB_REQUIRE_BROWSER"):
            pytest.fail("SHOPLAB_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("browser checks need Chromium (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=[f for f in CHROMIUM_FLAGS if f != "--headless"])
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_and_reports_in_a_browser(request, browser, lang):
    period_dir, proc = request.getfixturevalue("rendered" if lang == "en" else "rendered_zh")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shots = period_dir / "screenshots" / lang
    shots.mkdir(parents=True, exist_ok=True)
    pages = ["index"] + [p.stem for p in sorted(period_dir.glob("*.html")) if p.stem != "index"]
    for name in pages:
        for width, suffix in ((1280, ""), (390, "-phone")):
            if suffix and name != "index":
                continue
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((period_dir / f"{name}.html").as_uri())
            page.wait_for_load_state("load")
            r = page.evaluate(CHECK_JS)
            page.screenshot(path=str(shots / f"{name}{suffix}.png"), full_page=True)
            page.close()
            assert r["broken"] == 0, (name, r)
            assert r["code"] == 0 and r["errors"] == 0 and not r["traceback"], (name, r)
            assert not r["reprs"], (name, r["reprs"])
            if name != "index":
                assert r["images"] >= 1, name
            if suffix:  # the index stays readable on a phone: no sideways scrolling
                assert r["width"] <= width + 1, r
    keep = os.environ.get("SHOPLAB_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, os.path.join(keep, lang), dirs_exist_ok=True)


def test_pdf_export(rendered, browser, tmp_path):
    period_dir, _ = rendered
    pdf = tmp_path / "overview.pdf"
    print_pdf(period_dir / "overview.html", pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
