"""``shoplab import``: run a format over input files into a contract folder, with its ``_import.json``."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .common import DEFAULT_SALT_ENV, Context, Format, read_salt, salt_check
from .errors import ImportFormatError
from .parsing import file_sha256, input_files, read_table
from .store import Store

__all__ = ["import_files", "check_format", "DEFAULT_CURRENCY"]

DEFAULT_CURRENCY = "CNY"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _formats() -> dict[str, Format]:
    from . import FORMATS

    return FORMATS


def _first_line(path: Path) -> str:
    from .parsing import _open_bytes, detect_encoding

    try:
        enc = "utf-8" if path.stat().st_size > 50_000_000 else detect_encoding(path)
        with _open_bytes(path) as fh:
            return fh.readline(4096).decode(enc.replace("-sig", ""), errors="replace").strip()
    except OSError:
        return ""


def check_format(fmt: Format, path: Path, header: list[str]) -> None:
    """Raise an :class:`ImportFormatError` when a file is not ``fmt``: the columns it lacks and the format whose
    columns it holds most of."""
    from .user_behavior import looks_like_user_behavior

    if fmt.header:
        missing = fmt.missing(header)
        if not missing:
            return
        what = f"it lacks the column(s) {', '.join(missing)}"
    else:
        line = _first_line(path)
        if looks_like_user_behavior(line):
            return
        header = [
            h.strip().strip('"') for h in line.split("\t" if line.count("\t") > line.count(",") else ",")
        ]
        what = "its first row is not user_id,item_id,category_id,behavior_type (pv/fav/cart/buy),timestamp"
    scores = {}
    for other in _formats().values():
        if other.name == fmt.name or not other.columns and other.header:
            continue
        if other.header:
            scores[other.name] = (other.match_share(header), len(other.columns) - len(other.missing(header)))
        elif looks_like_user_behavior(_first_line(path)):
            scores[other.name] = (1.0, 5)
    best = max(scores, key=scores.get, default=None) if scores else None
    hint = ""
    if best and scores[best][0] > 0:
        share = scores[best][0]
        hint = f"; it most resembles {best} ({share:.0%} of that format's columns present)"
    else:
        hint = (
            "; it resembles none of the formats (shoplab import --list; the mapping format takes any layout)"
        )
    raise ImportFormatError(f"{path.name} is not a {fmt.name} export: {what}{hint}")


def import_files(
    format: str,
    paths: list[str | Path],
    out: str | Path,
    *,
    timezone: str | None = None,
    currency: str | None = None,
    salt_env: str = DEFAULT_SALT_ENV,
    options: dict | None = None,
    now: pd.Timestamp | None = None,
    echo: Callable[[str], None] | None = None,
) -> dict:
    """Import export files of ``format`` into the contract folder ``out``; returns ``out/_import.json``'s dict.

    Files are applied oldest first (by modification time, then name), so that of two exports holding the same
    order the newer one wins; a file already imported (same sha256) is skipped. See docs/importing.md.
    """
    formats = _formats()
    if format not in formats:
        import difflib

        typed = str(format).strip().lower()
        near = [f for f in formats if f.startswith(typed)] or difflib.get_close_matches(
            typed, list(formats), 1, 0.5
        )
        hint = (
            f"did you mean {near[0]}? "
            if near
            else "for another platform's export (JD, Douyin ...) use mapping --mapping FILE.toml; "
        )
        raise ImportFormatError(f"unknown format {format!r}; {hint}formats: {', '.join(formats)}")
    fmt = formats[format]
    if timezone:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ImportFormatError(
                f"unknown time zone {timezone!r} (use an IANA name such as America/New_York)"
            ) from None
    if currency is not None:
        currency = currency.strip().upper()
        if not _CURRENCY.match(currency):
            raise ImportFormatError(
                f"--currency must be a three-letter ISO code such as CNY, USD, EUR; got {currency!r}"
            )
    salt = read_salt(salt_env)
    files = input_files(paths)
    if not files:
        raise ImportFormatError("no input files")
    files.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
    existed = Path(out).expanduser().exists()
    store = Store(out)
    try:
        explicit = {Path(p).expanduser().resolve() for p in paths if Path(p).expanduser().is_file()}
        return _run(fmt, files, store, salt, timezone, currency, options, now, echo, explicit)
    except BaseException:
        if not existed and not store.manifest["imports"]:  # leave no empty folder behind
            import shutil

            shutil.rmtree(store.out, ignore_errors=True)
        raise


def _run(fmt, files, store, salt, timezone, currency, options, now, echo, explicit=frozenset()) -> dict:
    store.check_salt(salt_check(salt))
    ctx = Context(salt=salt, timezone=timezone, currency=currency, options=dict(options or {}))
    if now is not None:
        ctx.now = pd.Timestamp(now)
    ctx.options["_tmp"] = str(store.tmp_dir)
    ctx.options["_out"] = str(store.out)
    say = echo or (lambda _text: None)
    changed, skipped = False, []
    for path in files:
        sha = file_sha256(path)
        prev = store.imported(sha)
        if prev is not None:
            say(f"{path.name}: already imported ({prev.get('imported_at', '')}, same sha256); skipped")
            continue
        raw = (
            fmt.read(path, ctx, sha)
            if fmt.read
            else read_table(
                path, header=fmt.header, legacy=fmt.legacy_encodings, expect=fmt.expected, keep=fmt.reads
            )
        )
        try:
            check_format(fmt, path, raw.header if raw.header is not None else list(raw.frame.columns))
        except ImportFormatError as exc:
            if path in explicit:
                raise
            # a file found in a folder: exports of several kinds often share one (订单报表 next to 宝贝报表)
            skipped.append(str(exc))
            say(f"{path.name}: skipped ({exc})")
            continue
        conv = fmt.convert(raw, ctx)
        if conv.rows_read != conv.rows_imported + conv.drops.total:  # the ledger must balance
            raise AssertionError(
                f"{path.name}: {conv.rows_read} rows read but {conv.rows_imported} imported and "
                f"{conv.drops.total} dropped"
            )
        code = (conv.currency or currency or store.currency or DEFAULT_CURRENCY).upper()
        store.set_currency(code)
        replaced, written = {}, {}
        for table, frame in conv.tables.items():
            if isinstance(frame, pd.DataFrame):
                written[table] = len(frame)
                replaced[table] = store.write(table, frame)
            else:  # a Parquet file the format wrote (streamed formats)
                written[table] = (conv.row_counts or {}).get(table, 0)
                replaced[table] = store.write_events(Path(frame), part_name=f"part-{sha[:12]}.parquet")
        entry = {
            "format": fmt.name,
            "file": path.name,
            "path": str(path),
            "sha256": sha,
            "imported_at": pd.Timestamp.now().floor("s").isoformat(),
            "encoding": raw.encoding,
            "currency": code,
            "rows_read": conv.rows_read,
            "rows_imported": conv.rows_imported,
            "rows_written": written,
            "rows_replaced": {t: n for t, n in replaced.items() if n},
            "rows_dropped": conv.drops.to_list(),
            "notes": conv.notes,
        }
        store.record(entry)
        store.save()
        changed = True
        say(describe(entry))
    if skipped and len(skipped) == len(files):
        raise ImportFormatError(f"no {fmt.name} export among the files found: " + "; ".join(skipped[:3]))
    if not changed:
        say(f"{store.out}: nothing new to import")
    return store.manifest


def describe(entry: dict) -> str:
    """One line for a file's import: rows read, imported, written per table, dropped by reason."""
    written = ", ".join(f"{t} {n:,}" for t, n in entry["rows_written"].items())
    text = (
        f"{entry['file']}: {entry['rows_read']:,} rows read, {entry['rows_imported']:,} imported ({written})"
    )
    drops = entry["rows_dropped"]
    if drops:
        n = sum(d["rows"] for d in drops)
        text += f", {n:,} dropped (" + "; ".join(f"{d['rows']:,} {d['reason']}" for d in drops) + ")"
    if entry.get("rows_replaced"):
        text += "; replaced rows of earlier imports: " + ", ".join(
            f"{t} {n:,}" for t, n in entry["rows_replaced"].items()
        )
    for note in entry.get("notes", []):
        text += f"\n  note: {note}"
    return text
