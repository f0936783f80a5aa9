"""The glossary: every code the reports show, with its English and Chinese name, looked up by code.

Codes are namespaced, ``namespace.code``: ``event.add_to_cart``, ``platform.mini_program``, ``user_type.new``,
``rfm_segment.Champions``. The same word in two meanings gets two namespaces (``user_type.new`` is a first-time
visitor, ``value_tier.new`` a first-time buyer), so a Chinese name belongs to exactly one code (a test checks
it); an entry that is deliberately the same concept in another namespace says so with ``alias``.

The names live in data files, ``shoplab/glossary/*.toml``, one table per namespace::

    [event]
    add_to_cart = { en = "add to cart", zh = "加购" }

A code the glossary does not know (a shop's own channel name) is shown as it is. ``{money}`` in a name is the
shop's currency symbol (``average order value ({money})``: ``(¥)``, ``($)`` for a USD shop; shoplab.currency).

>>> from shoplab.labels import name
>>> name("event.add_to_cart", lang="zh"), name("channel.douyin-live", lang="zh")
('加购', 'douyin-live')
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

from .i18n import get_lang

__all__ = ["name", "names", "entries", "label"]


@functools.cache
def entries() -> dict[str, dict[str, str]]:
    """Every glossary entry, ``"namespace.code" -> {"en": ..., "zh": ..., ["alias": ...]}``."""
    out: dict[str, dict[str, str]] = {}
    files = sorted(
        (f for f in resources.files("shoplab.glossary").iterdir() if f.name.endswith(".toml")),
        key=lambda f: f.name,
    )
    for f in files:
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for ns, codes in data.items():
            for code, entry in codes.items():
                key = f"{ns}.{code}"
                if key in out:
                    raise ValueError(f"glossary: {key} is defined twice (second time in {f.name})")
                if not isinstance(entry, dict) or not {"en", "zh"} <= set(entry):
                    raise ValueError(f"glossary {f.name}: {key} needs en and zh names, got {entry!r}")
                out[key] = dict(entry)
    return out


def name(code: str, lang: str | None = None, *, default: str | None = None) -> str:
    """The name of ``namespace.code`` in ``lang`` (or the report language); unknown codes come back as their
    code part (or ``default``)."""
    e = entries().get(code)
    if e is None:
        return default if default is not None else code.split(".", 1)[-1]
    return _money(e["zh"] if get_lang(lang) == "zh" else e["en"])


def _money(text: str) -> str:
    """``{money}`` in a name: the shop's currency symbol."""
    if "{money}" not in text:
        return text
    from .currency import money_symbol

    return text.replace("{money}", money_symbol().strip())


def label(namespace: str, value: Any, lang: str | None = None) -> str:
    """``name(f"{namespace}.{value}")``: a value of a column shown by its glossary name when it has one."""
    return name(f"{namespace}.{value}", lang, default=str(value))


def names(namespace: str, lang: str | None = None) -> dict[str, str]:
    """All codes of a namespace -> their names in ``lang``."""
    prefix = namespace + "."
    zh = get_lang(lang) == "zh"
    return {
        k[len(prefix) :]: _money(e["zh"] if zh else e["en"])
        for k, e in entries().items()
        if k.startswith(prefix)
    }
