"""Reading platform exports and cleaning their values, shared by every import format.

Files: CSV and TSV (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030), XLSX/XLSM and XLS
(python-calamine, else openpyxl for XLSX), each optionally gzip'd. Everything is read as text, so that 18-digit
order numbers stay exact; the parsers in :mod:`shoplab.importing.values` turn text into ids, numbers and
timestamps and say which non-empty values they could not read (those rows are dropped by the format, with the
reason, never silently).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ImportFormatError
from .values import clean_text, parse_id, parse_number, parse_timestamp

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


@dataclass
class RawFile:
    """One input file read as text: ``frame`` has one column per header name, all values ``str``."""

    path: Path
    sha256: str
    frame: pd.DataFrame
    encoding: str | None  # None for Excel files
    kind: str  # csv, tsv, xlsx, xls
    first_line: int = 2  # file line (1-based) of the frame's first row, for examples
    header: list[str] | None = None  # every column of the file (the frame may hold only those a format uses)


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


def _sniff_sep(path: Path, encoding: str, line: int = 0) -> str:
    with _open_bytes(path) as fh:
        wrapper = io.TextIOWrapper(fh, encoding=encoding, errors="replace")
        for _ in range(line):
            wrapper.readline()
        text = wrapper.readline()
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
    expect: tuple[str, ...] = (),
    keep: tuple[str, ...] | None = None,
) -> RawFile:
    """Read one export file as text (see the module docstring for what it understands).

    ``header=False`` with ``names``: a file without a header row. ``all_sheets``: an Excel workbook's sheets are
    stacked (those whose header matches the first sheet's). ``legacy``: encodings tried, in order, for a text
    file that is not UTF-8 (see :func:`detect_encoding`). ``expect``: column names the header should hold; when
    a later one of the first 20 rows holds more of them (report exports start with a title or a date range), the
    header is that row and the rows above it are skipped. ``keep``: the only columns to hold in memory (header
    names, ASCII compared case-insensitively); ``RawFile.header`` still lists every column.
    """
    wanted = {k.strip().casefold() for k in keep} if keep else None

    def use(name) -> bool:
        return wanted is None or _header_name(name).casefold() in wanted

    path = Path(path)
    skip = 0
    suffix = _base_suffix(path)
    sha = file_sha256(path)
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            with _open_bytes(path) as fh:
                data = fh.read()
            kw = dict(
                sheet_name=None if all_sheets else 0,
                dtype=str,
                keep_default_na=False,
                header=0 if header else None,
                names=None if header else names,
            )
            try:  # python-calamine (Rust) reads a workbook about 9x faster than openpyxl; pandas dropped xlrd
                sheets = pd.read_excel(io.BytesIO(data), engine="calamine", **kw)
            except ImportError:
                if suffix == ".xls":
                    raise ImportFormatError(
                        f"{path.name}: reading .xls files needs python-calamine (pip install python-calamine)"
                    ) from None
                sheets = pd.read_excel(io.BytesIO(data), engine="openpyxl", **kw)
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
            if header and expect:
                skip = _header_line(path, encoding, expect)
                if skip:
                    sep = "\t" if suffix == ".tsv" else _sniff_sep(path, encoding, skip)
            csv_kw = dict(
                sep=sep,
                dtype=str,
                keep_default_na=False,
                encoding=encoding,
                compression="gzip" if path.name.lower().endswith(".gz") else None,
                index_col=False,
                skiprows=skip,
            )
            full = (
                [_header_name(c) for c in pd.read_csv(path, nrows=0, **csv_kw).columns]
                if header
                else list(names or [])
            )
            frame = pd.read_csv(
                path,
                usecols=use if header and wanted else None,
                skip_blank_lines=False,
                header=0 if header else None,
                names=None if header else names,
                **csv_kw,
            )
            kind = "tsv" if sep == "\t" else "csv"
    except ImportFormatError:
        raise
    except pd.errors.EmptyDataError:
        raise ImportFormatError(
            f"{path.name} is empty: no header row and no data (an export saved blank?)"
        ) from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ImportFormatError(f"{path.name} could not be read: {str(exc).splitlines()[0]}") from None
    frame.columns = [_header_name(c) for c in frame.columns]
    frame = frame.fillna("")
    if header and expect and encoding is None:  # a workbook: look for a later header row
        i = _header_row(frame, expect)
        if i is not None:
            frame.columns = [_header_name(c) for c in frame.iloc[i]]
            frame = frame.iloc[i + 1 :].reset_index(drop=True)
            skip = i + 1
    if encoding is None:
        full = list(frame.columns)
        if wanted:
            frame = frame[[c for c in frame.columns if use(c)]]
    return RawFile(
        header=full,
        path=path,
        sha256=sha,
        frame=frame,
        encoding=encoding,
        kind=kind,
        first_line=(2 if header else 1) + skip,
    )


def _score(cells, expect: tuple[str, ...]) -> int:
    names = {_header_name(c).casefold() for c in cells}
    return sum(e.casefold() in names for e in expect)


def _header_row(frame: pd.DataFrame, expect: tuple[str, ...]) -> int | None:
    """The row among the first 20 that holds more of ``expect`` than the header does, if any."""
    best, at = _score(frame.columns, expect), None
    for i in range(min(20, len(frame))):
        sc = _score(frame.iloc[i].tolist(), expect)
        if sc > best:
            best, at = sc, i
    return at


def _header_line(path: Path, encoding: str, expect: tuple[str, ...]) -> int:
    """How many lines precede the header of a CSV (a title, a date range ...): 0 unless one of the first 20 lines
    holds more of ``expect`` than the first."""
    with _open_bytes(path) as fh:
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace")
        lines = [text.readline() for _ in range(20)]
    best, at = -1, 0
    for i, line in enumerate(lines):
        cells = next(csv.reader([line], delimiter=max(("\t", ","), key=line.count))) if line.strip() else []
        sc = _score(cells, expect)
        if sc > best:
            best, at = sc, i
    return at if best > 0 else 0


def find_column(columns, *alternatives: str) -> str | None:
    """The first of ``alternatives`` present in ``columns`` (ASCII names compared case-insensitively)."""
    norm = {str(c).strip().casefold(): c for c in columns}
    for a in alternatives:
        c = norm.get(a.strip().casefold())
        if c is not None:
            return c
    return None
