"""The import summary the data-quality section of every report shows, from the folder's ``_import.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import get_lang, tr
from .store import read_manifest

__all__ = ["import_summary"]


def _folder(source: Any) -> Path | None:
    files = getattr(source, "files", None)
    if isinstance(files, dict) and files:
        return Path(next(iter(files.values()))).parent
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        return Path(source)
    return None


def import_summary(source: Any, *, lang: str | None = None, top: int = 3) -> str | None:
    """One sentence on how the data came in (files, rows read, imported and left out, the main reasons), or
    None when the source was not written by ``shoplab import``. ``source``: a folder or a :class:`shoplab.Shop`."""
    folder = _folder(source)
    m = read_manifest(folder) if folder is not None else None
    if not m or not m.get("imports"):
        return None
    imports = m["imports"]
    formats = ", ".join(sorted({e["format"] for e in imports}))
    read = sum(int(e.get("rows_read", 0)) for e in imports)
    imported = sum(int(e.get("rows_imported", 0)) for e in imports)
    reasons: dict[str, int] = {}
    zh = get_lang(lang) == "zh"
    for e in imports:
        for d in e.get("rows_dropped", []):
            r = (d.get("reason_zh") or d["reason"]) if zh else d["reason"]
            reasons[r] = reasons.get(r, 0) + int(d["rows"])
    main = sorted(reasons.items(), key=lambda kv: -kv[1])[:top]
    why = "；".join(f"{r} {n:,} 行" for r, n in main) if zh else "; ".join(f"{n:,} {r}" for r, n in main)
    more = len(reasons) - len(main)
    if more > 0:
        why += tr(f"; {more} more reason(s)", f"；另有 {more} 种原因", lang)
    n = len(imports)
    dropped = read - imported
    en = (
        f"Imported with shoplab import ({formats}) from {n} file(s): {read:,} rows read, {imported:,} imported, "
        f"{dropped:,} left out" + (f" ({why})" if why else "") + "; per-file details in _import.json."
    )
    zh = (
        f"数据由 shoplab import（{formats}）从 {n} 个文件导入：读取 {read:,} 行，导入 {imported:,} 行，舍弃 {dropped:,} 行"
        + (f"（{why}）" if why else "")
        + "；每个文件的明细见 _import.json。"
    )
    return tr(en, zh, lang)
