"""Report language: English (``en``) or Chinese (``zh``).

Every report notebook has a ``lang`` parameter. Its setup cell calls :func:`set_lang`, after which the package's
report helpers (findings, chart titles and axis labels, notes, table captions) speak that language unless a call
passes ``lang=`` itself. Text lives next to the code that uses it, as pairs: ``tr("Orders", "订单数")``.

A notebook's Markdown cells are written in English, each with its Chinese text in ``metadata.shoplab.zh``: an
analyst in JupyterLab reads the prose once, and the report runner shows the Chinese text in a Chinese report.
"""

from __future__ import annotations

LANGS = ("en", "zh")
_current = "en"


def check_lang(lang: str) -> str:
    """The language code, or a clear error naming the allowed ones."""
    code = str(lang).strip().lower().replace("_", "-")
    if code.startswith("zh"):
        code = "zh"
    if code not in LANGS:
        raise ValueError(f"unknown report language {lang!r}: use one of {', '.join(LANGS)}")
    return code


def set_lang(lang: str) -> str:
    """Set the language of the report being written (returns the normalised code)."""
    global _current
    _current = check_lang(lang)
    return _current


def get_lang(lang: str | None = None) -> str:
    """``lang`` when given, else the language set by :func:`set_lang` (English by default)."""
    return check_lang(lang) if lang is not None else _current


def tr(en: str, zh: str, lang: str | None = None) -> str:
    """The English or Chinese text, by ``lang`` or the current report language."""
    return zh if get_lang(lang) == "zh" else en


def join(items: list[str], lang: str | None = None) -> str:
    """A list in running text: "a, b and c" / "a、b和c"."""
    items = [str(x) for x in items]
    if get_lang(lang) == "zh":
        return "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1] if items else ""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
