"""The shop's currency: ``_shop.json`` beside the tables of a folder source (``{"currency": "USD"}``), written by
``shoplab import``; CNY when absent.

Money in reports is formatted in the currency of the shop last opened with :func:`shoplab.connect` (each report
notebook opens one shop), or the one set with :func:`set_currency`: ``¥1,294`` for CNY, ``$1,294`` for USD.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_CURRENCY",
    "SHOP_FILE",
    "SYMBOLS",
    "shop_currency",
    "currency_symbol",
    "set_currency",
    "get_currency",
    "money_symbol",
]

DEFAULT_CURRENCY = "CNY"
SHOP_FILE = "_shop.json"
SYMBOLS = {
    "CNY": "¥",
    "JPY": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "HKD": "HK$",
    "TWD": "NT$",
    "SGD": "S$",
    "AUD": "A$",
    "CAD": "C$",
    "KRW": "₩",
    "INR": "₹",
}


def _folder(source: Any) -> Path | None:
    files = getattr(source, "files", None)  # a Shop: the folder its tables were read from
    if isinstance(files, dict) and files:
        first = Path(next(iter(files.values())))
        return first.parent
    if isinstance(source, (str, Path)):
        from .data import expand_env

        p = Path(expand_env(str(source))).expanduser()
        return p if p.is_dir() else None
    return None


def shop_currency(source: Any) -> str:
    """The ISO code of the shop's currency for a folder source (a path or a :class:`shoplab.Shop`): the
    ``currency`` of its ``_shop.json``, else ``CNY``."""
    folder = _folder(source)
    if folder is None:
        return DEFAULT_CURRENCY
    try:
        code = json.loads((folder / SHOP_FILE).read_text(encoding="utf-8")).get("currency")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_CURRENCY
    return str(code).upper() if code else DEFAULT_CURRENCY


def currency_symbol(code: str) -> str:
    """``¥`` for CNY, ``$`` for USD, ``€``, ``£`` ...; the code and a space for others (``CHF 12``)."""
    code = str(code).upper()
    return SYMBOLS.get(code, code + " ")


_current = DEFAULT_CURRENCY


def set_currency(code: str | None) -> str:
    """Set the currency reports format money in (None: CNY); returns the ISO code."""
    global _current
    _current = str(code).strip().upper() if code else DEFAULT_CURRENCY
    return _current


def get_currency() -> str:
    return _current


def money_symbol() -> str:
    """The symbol money is shown with now: ``¥`` unless :func:`set_currency` (or connect) chose another."""
    return currency_symbol(_current)
