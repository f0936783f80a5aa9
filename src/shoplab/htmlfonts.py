"""Embed the CJK glyphs a rendered page uses, so Chinese labels show on any machine, offline.

The bundled Noto Sans CJK SC font (from the ``mplfonts`` package) is subset with fontTools to exactly the
CJK characters of the page (tens of KB) and embedded as a data-URI ``@font-face`` restricted to CJK code
points; Latin text keeps the page's own fonts.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from pathlib import Path

__all__ = ["cjk_characters", "embed_cjk_font"]

_CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_DATA_URI_RE = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")
_UNICODE_RANGE = "U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+FF00-FFEF"
FAMILY = "shoplab-cjk"
FONT_STACK = f'"{FAMILY}", system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'


@functools.cache
def _font_path() -> Path | None:
    try:
        import mplfonts
    except ImportError:  # pragma: no cover
        return None
    p = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return p if p.exists() else None


def cjk_characters(html: str) -> str:
    """The distinct CJK characters of a page, ignoring embedded data URIs."""
    return "".join(sorted(set(_CJK_RE.findall(_DATA_URI_RE.sub("", html)))))


def _subset(chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.notdef_outline = True
    font = TTFont(str(_font_path()), lazy=True)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def embed_cjk_font(html: str) -> str:
    """Return ``html`` with a ``<style>`` embedding the CJK glyphs it uses (unchanged if it uses none)."""
    chars = cjk_characters(html)
    if not chars or _font_path() is None or f'"{FAMILY}"' in html:
        return html
    data = base64.b64encode(_subset(chars)).decode()
    style = (
        "<style>"
        f'@font-face{{font-family:"{FAMILY}";src:url(data:font/otf;base64,{data}) format("opentype");'
        f"unicode-range:{_UNICODE_RANGE};}}"
        f":root{{--jp-content-font-family:{FONT_STACK};--jp-ui-font-family:{FONT_STACK};}}"
        f"body{{font-family:{FONT_STACK};}}"
        # inline code and tables in monospace fall back to the CJK face for Chinese characters too
        f':root{{--jp-code-font-family:"{FAMILY}", Menlo, Consolas, "DejaVu Sans Mono", monospace;}}'
        "code,pre,kbd,samp{font-family:var(--jp-code-font-family);}"
        "</style>"
    )
    i = html.find("</head>")
    return html[:i] + style + html[i:] if i >= 0 else style + html
