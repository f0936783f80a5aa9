"""Reading platform exports and cleaning their values, shared by every import format.

Files: CSV and TSV (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030), XLSX/XLSM and XLS, each optionally
gzip'd. Everything is read as text, so that 18-digit order numbers stay exact; the parse functions below turn
text into ids, numbers and timestamps and say which non-empty values they could not read (those rows are dropped
by the format, with the reason, never silently).
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ImportFormatError

__all__ = [
    "SUFFIXES",
    "RawFile",
    "input_files",
    "file_sha256",
    "detect_encoding",
    "read_table",
    "clean_text",
    "parse_id",
    "parse_number",
    "parse_timestamp",
    "find_column",
]

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
_EMPTY = {"", "-", "--", "null", "NULL", "None", "none", "nan", "NaN", "N/A", "n/a", "#N/A"}


@dataclass
class RawFile:
    """One input file read as text: ``frame`` has one column per header name, all values ``str``."""

    path: Path
    sha256: str
    frame: pd.DataFrame
    encoding: str | None  # None for Excel files
    kind: str  # csv, tsv, xlsx, xls
    first_line: int = 2  # file line (1-based) of the frame's first row, for examples


def _base_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def input_files(paths: list[str | Path]) -> list[Path]:
    """The files to import: files as given, folders expanded to their export files (sorted by name).

    Raises an error naming a path that does not exist or a folder with no export file.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        p = p.expanduser()
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and _base_suffix(f) in SUFFIXES and not f.name.startswith(".")
            )
            if not found:
                raise ImportFormatError(
                    f"folder {p} holds no export file ({', '.join(SUFFIXES)}, optionally .gz)"
                )
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise ImportFormatError(f"input {p} does not exist")
    seen: dict[Path, None] = {}
    for p in out:
        seen.setdefault(p.resolve(), None)
    return list(seen)


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    """sha256 of the file's bytes as stored (a gzip'd file hashes its compressed bytes)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _open_bytes(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _decodes(path: Path, encoding: str, chunk: int) -> bool:
    dec = codecs.getincrementaldecoder(encoding)()
    try:
        with _open_bytes(path) as fh:
            while block := fh.read(chunk):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, chunk: int = 1 << 22, legacy: tuple[str, ...] = ("gb18030", "cp1252")) -> str:
    """``utf-8-sig`` (UTF-8 with or without BOM), ``utf-16`` (with BOM), else the first of ``legacy`` that
    decodes the whole file (GB18030, GBK's superset, for Chinese exports; cp1252 for Western ones), else latin-1.
    """
    with _open_bytes(path) as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(path, "utf-8", chunk):
        return "utf-8-sig"
    for enc in legacy:
        if _decodes(path, enc, chunk):
            return enc
    return "latin-1"


def _header_name(h) -> str:
    return str(h).replace("\ufeff", "").strip().strip('"').strip()


def _sniff_sep(path: Path, encoding: str) -> str:
    with _open_bytes(path) as fh:
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace").readline()
    counts = {sep: text.count(sep) for sep in ("\t", ",", ";", "|")}
    sep = max(counts, key=counts.get)
    return sep if counts[sep] else ","


def read_table(
    path: Path,
    *,
    header: bool = True,
    names: list[str] | None = None,
    all_sheets: bool = False,
    legacy: tuple[str, ...] = ("gb18030", "cp1252"),
) -> RawFile:
    """Read one export file as text (see the module docstring for what it understands).

    ``header=False`` with ``names``: a file without a header row. ``all_sheets``: an Excel workbook's sheets are
    stacked (those whose header matches the first sheet's). ``legacy``: encodings tried, in order, for a text
    file that is not UTF-8 (see :func:`detect_encoding`).
    """
    path = Path(path)
    suffix = _base_suffix(path)
    sha = file_sha256(path)
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            engine = "xlrd" if suffix == ".xls" else "openpyxl"
            with _open_bytes(path) as fh:
                data = io.BytesIO(fh.read())
            try:
                sheets = pd.read_excel(
                    data,
                    sheet_name=None if all_sheets else 0,
                    dtype=str,
                    keep_default_na=False,
                    header=0 if header else None,
                    names=None if header else names,
                    engine=engine,
                )
            except ImportError as exc:
                pkg = "xlrd" if engine == "xlrd" else "openpyxl"
                raise ImportFormatError(
                    f"{path.name}: reading {suffix} files needs {pkg} (pip install {pkg})"
                ) from exc
            if isinstance(sheets, dict):
                frames = list(sheets.values())
                first = [_header_name(c) for c in frames[0].columns]
                frames = [f for f in frames if [_header_name(c) for c in f.columns] == first]
                frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            else:
                frame = sheets
            encoding, kind = None, suffix.lstrip(".")
        else:
            encoding = detect_encoding(path, legacy=legacy)
            sep = "\t" if suffix == ".tsv" else _sniff_sep(path, encoding)
            frame = pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding=encoding,
                compression="gzip" if path.name.lower().endswith(".gz") else None,
                header=0 if header else None,
                names=None if header else names,
                index_col=False,
            )
            kind = "tsv" if sep == "\t" else "csv"
    except ImportFormatError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ImportFormatError(f"{path.name} could not be read: {str(exc).splitlines()[0]}") from None
    frame.columns = [_header_name(c) for c in frame.columns]
    frame = frame.fillna("")
    return RawFile(
        path=path, sha256=sha, frame=frame, encoding=encoding, kind=kind, first_line=2 if header else 1
    )


def find_column(columns, *alternatives: str) -> str | None:
    """The first of ``alternatives`` present in ``columns`` (ASCII names compared case-insensitively)."""
    norm = {str(c).strip().casefold(): c for c in columns}
    for a in alternatives:
        c = norm.get(a.strip().casefold())
        if c is not None:
            return c
    return None


# -- values ---------------------------------------------------------------------------------------------------
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.S)


def clean_text(s: pd.Series) -> pd.Series:
    """Text as written, without what spreadsheets add: surrounding spaces and tabs, ``="..."`` wrappers and a
    leading apostrophe. Empty and null-like values (``-``, ``null``, ``N/A`` ...) become missing (None)."""
    t = s.astype("object").where(s.notna(), "").astype(str).str.strip()
    t = t.str.replace(_EXCEL_TEXT, r"\1", regex=True).str.lstrip("'").str.strip()
    return t.where(~t.isin(_EMPTY), None)


_FLOAT_ID = re.compile(r"^(\d+)\.0+$")
_SCI_ID = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def parse_id(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ids as text. ``123.0`` (a spreadsheet's float) becomes ``123``. Returns (ids, bad): an id in scientific
    notation (``2.34568E+17``: a spreadsheet turned it into a float and its digits are lost) is bad."""
    t = clean_text(s)
    t = t.str.replace(_FLOAT_ID, r"\1", regex=True)
    bad = t.str.match(_SCI_ID).fillna(False).astype(bool)
    return t.where(~bad, None), bad


_MONEY_JUNK = re.compile(r"(?i)[\s,¥￥$€£]|US\$|HK\$|\b(?:CNY|RMB|USD|EUR|GBP|HKD|JPY)\b|元")


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from money-like text: ``¥1,294.00``, ``$1,294.00``, ``1 294``, ``(12.50)`` (negative), ``12.5元``.

    Returns (float values with NaN for missing, bad: non-empty text that is not a number).
    """
    t = clean_text(s)
    present = t.notna()
    core = t.str.replace(_MONEY_JUNK, "", regex=True)
    paren = core.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    core = core.str.strip("()")
    v = pd.to_numeric(core, errors="coerce").astype(float)
    v = v.where(~paren, -v)
    bad = present & v.isna()
    return v, bad


# year-month-day in ISO, slash, dot or Chinese (2024年9月27日), optional time, optional offset
_YMD = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{1,2})(?:\s*[:分]\s*(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
# day/month/year or month/day/year (decided per column), optional time and offset
_DMY = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_YYYYMMDD = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<mo>\d{2})(?P<d>\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")  # Excel serial day numbers, 1927..2173
_EPOCH = re.compile(r"^-?\d{9,10}(?:\.\d+)?$|^\d{13}$")  # seconds, or milliseconds (13 digits)


def _offset_minutes(tz: pd.Series) -> pd.Series:
    tz = tz.fillna("")
    z = tz.isin(["Z", "UTC", "GMT"])
    digits = tz.str.replace(":", "", regex=False)
    sign = np.where(digits.str.startswith("-"), -1, 1)
    hh = pd.to_numeric(digits.str[1:3], errors="coerce")
    mm = pd.to_numeric(digits.str[3:5], errors="coerce")
    out = pd.Series(sign * (hh * 60 + mm), index=tz.index, dtype=float)
    out[z] = 0.0
    out[tz == ""] = np.nan
    return out


def _assemble(parts: pd.DataFrame) -> pd.Series:
    num = {k: pd.to_numeric(parts[k], errors="coerce") for k in ("y", "mo", "d", "h", "mi", "s")}
    frame = pd.DataFrame(
        {
            "year": num["y"],
            "month": num["mo"],
            "day": num["d"],
            "hour": num["h"].fillna(0),
            "minute": num["mi"].fillna(0),
            "second": num["s"].fillna(0),
        }
    )
    us = pd.to_numeric(parts["f"].fillna("").str.ljust(6, "0").str[:6], errors="coerce").fillna(0)
    frame["microsecond"] = us
    ok = frame[["year", "month", "day"]].notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok].astype("int64"), errors="coerce").astype("datetime64[us]")
    return out


def parse_timestamp(
    s: pd.Series,
    *,
    timezone: str | None = None,
    epoch_timezone: str | None = None,
    fmt: str | None = None,
    serial: bool = True,
) -> tuple[pd.Series, pd.Series]:
    """Naive timestamps from export text. Returns (timestamps, bad: non-empty text that is not a time).

    Understood: ``2024-09-27 12:30[:45[.123]]``, ``2024/9/27``, ``2024年9月27日 12:30``, ``27/09/2024 12:30``
    and ``9/27/2024 12:30`` (day first when any value of the column has a first number above 12, else month
    first), ``20240927``, Excel serial days (``45562.52``, when ``serial``), epoch seconds or milliseconds, and any
    of them with an offset (``-0500``, ``+08:00``, ``Z``). ``fmt``: an explicit ``strptime`` format instead.

    Time zones: a time written with an offset keeps its written wall-clock time (offset dropped) unless
    ``timezone`` is given, which converts it to that zone. Epoch times are converted to ``timezone``, else
    ``epoch_timezone``, else Asia/Shanghai. Times without an offset are taken as written.
    """
    t = clean_text(s)
    present = t.notna()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if fmt:
        v = pd.to_datetime(t, format=fmt, errors="coerce")
        if getattr(v.dt, "tz", None) is not None:
            v = (v.dt.tz_convert(timezone) if timezone else v.dt.tz_localize(None)).dt.tz_localize(None)
        out = v.astype("datetime64[us]")
        return out, present & out.isna()
    offset = pd.Series(np.nan, index=s.index)
    todo = present.copy()

    p = t[todo].str.extract(_YMD)
    hit = p["y"].notna()
    if hit.any():
        idx = hit[hit].index
        out[idx] = _assemble(p.loc[idx])
        offset[idx] = _offset_minutes(p.loc[idx, "tz"])
        todo[idx] = False

    if todo.any():
        p = t[todo].str.extract(_DMY)
        hit = p["y"].notna()
        if hit.any():
            q = p[hit]
            day_first = (pd.to_numeric(q["a"]) > 12).any()
            q = q.rename(columns={"a": "d", "b": "mo"} if day_first else {"a": "mo", "b": "d"})
            out[q.index] = _assemble(q)
            offset[q.index] = _offset_minutes(q["tz"])
            todo[q.index] = False

    if todo.any():
        p = t[todo].str.extract(_YYYYMMDD)
        hit = p["y"].notna()
        if hit.any():
            q = p[hit].assign(h=None, mi=None, s=None, f=None)
            out[q.index] = _assemble(q)
            todo[q.index] = False

    if todo.any():
        rest = t[todo]
        ep = rest[rest.str.match(_EPOCH).fillna(False).astype(bool)]
        if len(ep):
            ms = ep.str.len() == 13
            secs = pd.to_numeric(ep, errors="coerce")
            secs[ms] = secs[ms] / 1000.0
            zone = timezone or epoch_timezone or "Asia/Shanghai"
            v = (
                pd.to_datetime(secs, unit="s", utc=True, errors="coerce")
                .dt.tz_convert(zone)
                .dt.tz_localize(None)
            )
            out[ep.index] = v.astype("datetime64[us]")
            todo[ep.index] = False
        if serial:
            rest = t[todo]
            se = rest[rest.str.match(_SERIAL).fillna(False).astype(bool)]
            if len(se):
                days = pd.to_numeric(se, errors="coerce")
                v = pd.Timestamp("1899-12-30") + pd.to_timedelta((days * 86400).round(), unit="s")
                out[se.index] = v.astype("datetime64[us]")
                todo[se.index] = False

    has_offset = offset.notna() & out.notna()
    if timezone and has_offset.any():
        utc = out[has_offset] - pd.to_timedelta(offset[has_offset], unit="m")
        conv = utc.dt.tz_localize("UTC").dt.tz_convert(timezone).dt.tz_localize(None)
        out[has_offset] = conv.astype("datetime64[us]")
    bad = present & out.isna()
    return out, bad
