"""Data access: open a data source as a :class:`Shop` of Ibis tables on an embedded engine.

A data source is

* a folder holding one file per contract table (``orders.parquet``, ``orders.csv``) or a folder of Parquet
  parts (``events/part-0.parquet`` ...), read by an embedded in-memory DuckDB;
* a ``.duckdb`` database file whose tables carry the contract's names;
* an existing Ibis backend (``ibis.duckdb.connect(...)``, a pyspark backend ...), whose tables are used as-is.

Strings may reference environment variables as ``${NAME}``, so that credentials stay out of notebooks and
rendered reports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from .casting import id_text_columns, typed_table
from .contract import TABLES, TableSpec
from .empty_source import require_any_table
from .errors import DataContractError, MissingTableError, SourceError
from .spark import install_fixes
from .validation import ValidationReport, validate_tables

install_fixes()  # Spark SQL keeps float literals as doubles, also for Ibis tables passed straight to helpers

__all__ = ["Shop", "connect", "redact", "expand_env", "as_table", "refuse_nulls", "require_any_table"]

_CSV_TEXT_KINDS = {"timestamp", "date", "number", "integer", "boolean"}
_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PASSWORD_RE = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)(?P<tail>@)")


def expand_env(text: str) -> str:
    """Replace ``${NAME}`` with the value of environment variable NAME (a clear error if it is unset)."""

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in os.environ:
            raise SourceError(f"environment variable {name} is referenced by the source but is not set")
        return os.environ[name]

    return _ENV_RE.sub(sub, text)


def redact(text: str) -> str:
    """Hide passwords in connection URLs: ``postgres://me:secret@host`` -> ``postgres://me:***@host``."""
    return _PASSWORD_RE.sub(lambda m: m.group("head") + "***" + m.group("tail"), str(text))


def as_table(data: Any) -> ir.Table:
    """Accept an Ibis table (kept lazy) or a pandas DataFrame (wrapped with ``ibis.memtable``)."""
    if isinstance(data, ir.Table):
        return data
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(data, pd.DataFrame):
        # engines keep microseconds; pandas' nanosecond timestamps would not convert losslessly
        ns = [c for c in data.columns if str(data[c].dtype).startswith("datetime64[ns")]
        if ns:
            data = data.assign(
                **{c: data[c].dt.floor("us").astype(str(data[c].dtype).replace("ns", "us")) for c in ns}
            )
        return ibis.memtable(data)
    raise TypeError(f"expected an Ibis table or a pandas DataFrame, got {type(data).__name__}")


def require_columns(data: Any, table: str, columns: Iterable[str], *, what: str | None = None) -> ir.Table:
    """The one input check of the analyses: ``as_table(data)`` after checking that ``columns`` are present.

    Raises :class:`~shoplab.errors.DataContractError` naming the table, every missing column and the columns
    present. A pandas DataFrame must also have no empty values in the columns among ``columns`` that the data
    contract requires for ``table`` (:func:`refuse_nulls`). ``what`` describes the table in the message when
    it is not a contract table by name (``"events (breakdown columns)"``).
    """
    needed = list(dict.fromkeys(columns))
    t = as_table(data)
    missing = [c for c in needed if c not in t.columns]
    if missing:
        raise DataContractError(
            f"table '{what or table}' lacks column(s) {', '.join(repr(c) for c in missing)}; "
            f"columns present: {', '.join(t.columns)}"
        )
    refuse_nulls(data, table, needed)
    return t


def refuse_nulls(data: Any, name: str, columns: Iterable[str], *, contract_required: bool = True) -> None:
    """Refuse a pandas DataFrame with empty (null) values in ``columns`` (a shop's tables were validated on
    opening; this covers frames handed to a helper directly). With ``contract_required`` only the columns the
    data contract requires for table ``name`` are checked, the same rule the validator applies.

    The error names the table, the column, how many rows and an example row. Nothing is dropped quietly: an
    order without a time or an event without a user would change the numbers.
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return
    if not isinstance(data, pd.DataFrame):
        return
    cols = [c for c in dict.fromkeys(columns) if c in data.columns]
    if contract_required:
        spec = TABLES.get(name)
        if spec is None:
            return
        cols = [c for c in cols if c in spec.required]
    for c in cols:
        bad = data[c].isna().to_numpy()
        n = int(bad.sum())
        if n:
            i = int(bad.nonzero()[0][0])
            example = ", ".join(f"{k}={data[k].iloc[i]}" for k in cols)
            raise DataContractError(
                f"{name}: column {c!r} is empty (null) in {n:,} of {len(data):,} rows, "
                f"e.g. row {i} ({example}); fill or drop those rows first"
            )


class Shop:
    """A data source opened under the data contract: one Ibis table per contract table present.

    Tables are attributes (``shop.orders``) and items (``shop["orders"]``). Asking for a contract table the
    source lacks raises :class:`MissingTableError`. ``shop.validation`` holds the validation report.
    :meth:`require` sets aside the other tables that break the contract (:attr:`set_aside`): a report then runs
    without them, as without an absent optional table.
    """

    def __init__(
        self, backend, tables: dict[str, ir.Table], raw: dict[str, ir.Table], source: str, files=None
    ):
        self.backend = backend
        self._tables = tables
        self._raw = raw
        self.source = redact(source)
        self.files = files or {}
        self.validation: ValidationReport | None = None
        self._aside: dict[str, ir.Table] = {}  # tables with contract errors, set aside by require()

    # -- table access -------------------------------------------------------------------------------
    @property
    def table_names(self) -> list[str]:
        """Contract tables present in the source, in contract order."""
        return [t for t in TABLES if t in self._tables]

    def has(self, *names: str) -> bool:
        return all(n in self._tables for n in names)

    def __getattr__(self, name: str) -> ir.Table:
        if name.startswith("_"):
            raise AttributeError(name)
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name]
        if name in self.__dict__.get("_aside", {}):
            errors = [i for i in self.validation.errors if i.table == name] if self.validation else []
            raise MissingTableError(
                f"table '{name}' breaks the data contract and was set aside (see the data-quality section)"
                + (f": {errors[0]}" if errors else "")
            )
        if name in TABLES:
            raise MissingTableError(
                f"table '{name}' is not in the data source {self.__dict__.get('source', '')!s}; "
                f"tables present: {', '.join(self.table_names) or 'none'}"
            )
        raise AttributeError(name)

    def __getitem__(self, name: str) -> ir.Table:
        return getattr(self, name)

    def __dir__(self) -> Iterable[str]:
        return list(super().__dir__()) + list(self._tables)

    def __repr__(self) -> str:
        return f"Shop(source={self.source!r}, tables={self.table_names})"

    # -- contract -----------------------------------------------------------------------------------
    def validate(self, *, now=None) -> ValidationReport:
        """Check every table against the contract; the report is also kept as ``shop.validation``.

        The report runner validates the source once and shares the result with its notebooks through the file
        named by ``SHOPLAB_VALIDATION_CACHE``; it is used only while the source's files are unchanged.
        """
        cache = os.environ.get("SHOPLAB_VALIDATION_CACHE")
        if cache and now is None:
            cached = read_validation_cache(cache, self)
            if cached is not None:
                self.validation = cached
                return cached
        self.validation = validate_tables(self._raw, now=now)
        return self.validation

    def fingerprint(self) -> str | None:
        """The source's identity for caching: its label and the size and modification time of every file it
        reads (None when the source is not made of local files)."""
        import hashlib

        if not self.files:
            return None
        h = hashlib.sha256(self.source.encode())
        for name in sorted(self.files):
            path = Path(self.files[name])
            parts = sorted(path.rglob("*")) if path.is_dir() else [path]
            for f in parts:
                if f.is_file():
                    st = f.stat()
                    h.update(f"{name}|{f}|{st.st_size}|{st.st_mtime_ns}".encode())
        return h.hexdigest()

    @property
    def set_aside(self) -> list[str]:
        """Tables left out because they break the contract (set aside by :meth:`require`), in contract order."""
        return [t for t in TABLES if t in self._aside]

    def require(self, *names: str) -> None:
        """Raise a clear error if a table is absent or has contract errors; warnings pass.

        The other tables with contract errors are then set aside (:attr:`set_aside`; :meth:`has` is False for
        them and reading one raises :class:`MissingTableError` naming its first error), so that what needs
        only these tables runs without the broken optional ones instead of computing on data it cannot read.
        """
        missing = [n for n in names if n not in self._tables and n not in self._aside]
        if missing:
            raise MissingTableError(
                f"this needs table(s) {', '.join(missing)}, which the data source {self.source} lacks; "
                f"tables present: {', '.join(self.table_names) or 'none'}"
            )
        if self.validation is not None:
            errors = [i for i in self.validation.errors if i.table in names]
            if errors:
                raise DataContractError(
                    "the data breaks the contract (docs/data-contract.md):\n"
                    + "\n".join(f"- {e}" for e in errors)
                )
            for name in {i.table for i in self.validation.errors} - set(names):
                if name in self._tables:
                    self._aside[name] = self._tables.pop(name)

    def period_bounds(self, *tables: str) -> tuple[Any, Any]:
        """Earliest and latest timestamp over the given tables (default: orders and events)."""
        tables = tables or tuple(t for t in ("orders", "events") if t in self._tables)
        lows, highs = [], []
        for name in tables:
            t = self._tables[name]
            col = "ts" if "ts" in t.columns else None
            if col is None:
                continue
            lo, hi = t.aggregate(lo=t[col].min(), hi=t[col].max()).execute().iloc[0]
            if lo is not None and lo == lo:
                lows.append(lo)
                highs.append(hi)
        if not lows:
            raise MissingTableError("no timestamped table (orders or events) to take the period from")
        return min(lows), max(highs)


# --------------------------------------------------------------------------------------------------
def connect(
    source: Any,
    *,
    validate: bool = True,
    now=None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> Shop:
    """Open a data source under the data contract.

    Parameters
    ----------
    source
        A folder of ``<table>.parquet`` / ``<table>.csv`` files or ``<table>/`` Parquet folders, a ``.duckdb``
        file, an Ibis backend (DuckDB, pyspark, ClickHouse, Trino ...), a live ``pyspark.sql.SparkSession``,
        ``spark://local[2]?path=DIR`` or ``spark://HOST:PORT?database=DB`` (see :mod:`shoplab.spark`), or
        ``profile:NAME`` from ``shoplab.toml`` / ``$SHOPLAB_CONFIG`` (see :mod:`shoplab.profiles` and
        docs/scaling.md). Strings may contain ``${ENV_VAR}`` references.
    validate
        Run contract validation now (default). Errors do not raise here: they are kept in
        ``shop.validation`` and raised by :meth:`Shop.require` for the tables a report needs.
    now
        Timestamps after ``now`` are errors (default: the current time).
    memory_limit, threads
        Caps for the embedded DuckDB (e.g. ``"4GB"``, ``2``); default from the environment variables
        ``SHOPLAB_MEMORY_LIMIT`` and ``SHOPLAB_THREADS``, else DuckDB's own defaults (80% of RAM, all cores).

    Returns
    -------
    Shop
    """
    if isinstance(source, Shop):
        return source
    from .profiles import open_source  # a SparkSession, spark://..., profile:NAME (see docs/scaling.md)

    opened = open_source(source, memory_limit=memory_limit, threads=threads)
    if opened is not None:
        backend, raw, files, label = opened
    elif hasattr(source, "list_tables") and hasattr(source, "table"):
        kind = getattr(source, "name", None) or type(source).__module__.split(".")[-1]
        backend, label, files = source, f"<{kind} backend>", {}
        raw = {name: backend.table(name) for name in backend.list_tables() if name in TABLES}
    else:
        text = str(source)
        label = text
        path = Path(expand_env(text)).expanduser()
        if path.suffix in (".duckdb", ".ddb", ".db") and path.is_file():
            backend = ibis.duckdb.connect(str(path), read_only=True)
            raw = {name: backend.table(name) for name in backend.list_tables() if name in TABLES}
            files = {name: str(path) for name in raw}
        elif path.is_dir():
            backend = ibis.duckdb.connect()
            _configure_duckdb(backend, memory_limit, threads)
            raw, files = _read_folder(backend, path)
        elif not path.exists():
            raise SourceError(
                f"data source {redact(text)} does not exist (expected a folder of tables or a .duckdb file)"
            )
        else:
            raise SourceError(f"data source {redact(text)} is neither a folder of tables nor a .duckdb file")
    id_text = id_text_columns(raw)
    tables = {name: typed_table(name, t, id_text) for name, t in raw.items()}
    shop = Shop(backend, tables, raw, label, files)
    from .currency import set_currency, shop_currency

    set_currency(shop_currency(shop))  # reports format money in the shop's currency (_shop.json; CNY)
    if validate:
        shop.validate(now=now)
    return shop


def write_validation_cache(path: str | Path, shop: Shop) -> bool:
    """Save ``shop.validation`` for notebooks that open the same, unchanged source (see :meth:`Shop.validate`)."""
    fp = shop.fingerprint()
    if fp is None or shop.validation is None:
        return False
    import json

    Path(path).write_text(
        json.dumps({"fingerprint": fp, "report": shop.validation.to_json()}), encoding="utf-8"
    )
    return True


def read_validation_cache(path: str | Path, shop: Shop) -> ValidationReport | None:
    import json

    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fp = shop.fingerprint()
    if fp is None or d.get("fingerprint") != fp:
        return None
    return ValidationReport.from_json(d["report"])


def _configure_duckdb(backend, memory_limit: str | None, threads: int | None) -> None:
    memory_limit = memory_limit or os.environ.get("SHOPLAB_MEMORY_LIMIT")
    threads = threads or (int(os.environ["SHOPLAB_THREADS"]) if os.environ.get("SHOPLAB_THREADS") else None)
    if memory_limit:
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", str(memory_limit).strip(), re.I):
            raise SourceError(f"memory_limit must look like '4GB' or '512MB', got {memory_limit!r}")
        backend.raw_sql(f"SET memory_limit = '{memory_limit}'")
    if threads:
        backend.raw_sql(f"SET threads = {int(threads)}")


def _read_folder(
    backend, folder: Path, names: dict[str, str] | None = None
) -> tuple[dict[str, ir.Table], dict[str, str]]:
    names = names or {}  # contract table -> file name stem (profiles)
    raw: dict[str, ir.Table] = {}
    files: dict[str, str] = {}
    for name, spec in TABLES.items():
        stem = names.get(name, name)
        candidates = [folder / f"{stem}.parquet", folder / f"{stem}.csv", folder / stem]
        found = [p for p in candidates if p.exists()]
        if len(found) > 1:
            raise SourceError(
                f"table '{name}' is given more than once in {folder}: {', '.join(p.name for p in found)}; keep one"
            )
        if not found:
            if name in names:
                raise SourceError(f"table '{name}' is mapped to '{stem}', which {folder} does not hold")
            continue
        p = found[0]
        view = f"_raw_{name}"
        try:
            if p.is_dir():
                parts = sorted(p.rglob("*.parquet"))
                if not parts:
                    raise SourceError(f"table folder {p} holds no .parquet parts")
                raw[name] = backend.read_parquet(
                    str(p / "**" / "*.parquet"), table_name=view, union_by_name=True, hive_partitioning=False
                )
            elif p.suffix == ".parquet":
                raw[name] = backend.read_parquet(str(p), table_name=view)
            else:
                raw[name] = _read_csv(backend, p, spec, view)
        except SourceError:
            raise
        except Exception as exc:  # duckdb's own message is the most precise we have
            raise SourceError(f"table '{name}' could not be read from {p}: {exc}") from None
        files[name] = str(p)
    return raw, files


def _read_csv(backend, path: Path, spec: TableSpec, view: str) -> ir.Table:
    # Contract columns that need parsing are read as text, so that a bad value becomes a counted
    # validation error instead of a read failure; the whole file is sniffed so ids get one type.
    with open(path, encoding="utf-8-sig") as fh:
        header = fh.readline().strip().split(",")
    header = [h.strip().strip('"') for h in header]
    types = {c.name: "VARCHAR" for c in spec.columns if c.kind in _CSV_TEXT_KINDS and c.name in header}
    return backend.read_csv(str(path), table_name=view, types=types or None, header=True, sample_size=-1)
