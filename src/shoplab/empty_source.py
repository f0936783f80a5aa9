"""A source with no contract table: :func:`require_any_table` refuses it with a message that lists the names
looked for and what was found instead, and says so when the files are a platform's own export (Taobao
ExportOrderList, Shopify orders_export) that ``shoplab import`` converts first. Re-exported by
:mod:`shoplab.data`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .contract import TABLES
from .errors import SourceError

if TYPE_CHECKING:
    from .data import Shop

__all__ = ["require_any_table"]

# Platform exports people hand over instead of contract tables: (what they are, file-name prefixes, header words)
# what a platform's own export looks like, and the `shoplab import` format that converts it
_EXPORTS = (
    (
        "a Taobao order export",
        "taobao-orders",
        ("exportorderlist", "exportorderdetaillist"),
        ("订单编号", "买家会员名"),
    ),
    (
        "a Shopify export",
        "shopify-orders",
        ("orders_export", "customers_export", "products_export"),
        ("Financial Status",),
    ),
)
_OTHER_FORMATS = {".xlsx": "Excel", ".xls": "Excel", ".json": "JSON", ".tsv": "TSV", ".txt": "text"}


def require_any_table(shop: Shop) -> None:
    """Refuse a source that holds none of the contract's tables (an empty folder, files under other names).

    The message lists the names looked for and what was found instead, and says so when the files look like a
    platform's own export (Taobao ExportOrderList, Shopify orders_export), which must be converted first.
    """
    if shop.table_names:
        return
    raise SourceError(_no_table_message(shop))


def _header(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            return fh.readline()
    except OSError:
        return ""


def _no_table_message(shop: Shop) -> str:
    import difflib

    from .data import expand_env

    wanted = ", ".join(TABLES)
    folder = Path(expand_env(shop.source)).expanduser() if "://" not in shop.source else None
    if folder is None or not folder.is_dir():
        try:
            present = sorted(shop.backend.list_tables())
        except Exception:  # a backend that cannot list its tables
            present = []
        return (
            f"data source {shop.source} holds no contract table: looked for tables named {wanted}; "
            f"found {', '.join(present[:10]) + (' ...' if len(present) > 10 else '') if present else 'none'}"
        )
    found = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    head = (
        f"data source {shop.source} holds no contract table: looked for {wanted}, each as <name>.parquet, "
        f"<name>.csv or a <name>/ folder of Parquet parts; "
    )
    if not found:
        return head + "the folder is empty"
    shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
    hints = []
    for what, fmt, prefixes, words in _EXPORTS:
        hits = [
            n
            for n in found
            if n.lower().startswith(prefixes)
            or (n.lower().endswith(".csv") and all(w in _header(folder / n) for w in words))
        ]
        if hits:
            how = f"shoplab import {fmt} {folder} --out DIR converts such files to the contract (see docs/importing.md)"
            hints.append(
                f"these look like {what}; {how}"
                if len(hits) == len(found)
                else f"{', '.join(hits[:3])} look{'s' if len(hits) == 1 else ''} like {what}; {how}"
            )
    if not hints:
        for n in found:
            stem, suffix = Path(n).stem.lower(), Path(n).suffix.lower()
            close = difflib.get_close_matches(stem, list(TABLES), n=1, cutoff=0.8)
            if close and suffix in _OTHER_FORMATS:
                hints.append(f"{n} is {_OTHER_FORMATS[suffix]}: save it as {close[0]}.csv or .parquet")
            elif close and suffix in ("", ".csv", ".parquet"):
                hints.append(f"did you mean {close[0]}{suffix} for {n}?")
    return head + f"found {shown}" + (f". {hints[0][0].upper()}{'; '.join(hints)[1:]}" if hints else "")
