"""Spark through Ibis' pyspark backend: sessions, ``spark://`` sources and loading tables on Spark.

Everything after loading is the same Ibis code as on DuckDB (casting to the contract's types in
:mod:`shoplab.casting`, validation, every analysis); this module only opens a SparkSession and registers the
contract tables, either from a folder laid out like a DuckDB folder source or from a (Hive) database.

Source strings (``shoplab.connect(...)``, ``shoplab report --source ...``):

* ``spark://local[2]?path=/some/folder``: a local SparkSession (2 threads) reading ``<table>.parquet``,
  ``<table>.csv`` or ``<table>/`` folders of Parquet parts;
* ``spark://<master-host>:<port>?database=<db>``: a session on a cluster reading the contract tables from a
  Hive database (``hive=false`` to use Spark's own catalog instead);
* further query parameters starting with ``spark.`` are Spark configuration (``spark.executor.memory=4g``).

pyspark is imported only when a Spark source is opened, so the DuckDB path needs neither pyspark nor Java.
Importing this module (``import shoplab`` does) also installs :func:`install_fixes`, which closes an Ibis/Spark
SQL gap (float literals read as decimals) for every Spark query, whatever the source.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import ibis
import ibis.expr.types as ir

from .contract import TABLES, TableSpec
from .errors import SourceError

__all__ = [
    "LOCAL_DEFAULTS",
    "SparkTarget",
    "install_fixes",
    "is_session",
    "is_url",
    "parse_url",
    "require_spark",
    "session",
    "backend_for",
    "read_folder",
    "read_database",
    "open_target",
]

SCHEME = "spark://"
# Settings for a local session on a laptop or a CI machine; a cluster keeps its own defaults.
LOCAL_DEFAULTS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}
_CSV_TEXT_KINDS = {"timestamp", "date", "number", "integer"}  # as in data.py: read as text, cast lazily
_URL_KEYS = {"path", "database", "hive", "app_name"}


@dataclass
class SparkTarget:
    """Where a Spark source lives: the master, a local folder or a database, and Spark configuration."""

    master: str
    path: str | None = None
    database: str | None = None
    hive: bool | None = None
    conf: dict[str, str] = field(default_factory=dict)
    app_name: str = "shoplab"

    @property
    def local(self) -> bool:
        return self.master.startswith("local")

    def describe(self) -> str:
        """A label without configuration values (they may hold credentials)."""
        where = f"path={self.path}" if self.path else f"database={self.database}"
        return f"spark {self.master} {where}"


def install_fixes() -> None:
    """Make Ibis' Spark SQL keep floating-point literals as doubles (idempotent; done on import).

    Ibis 12 renders ``x / 60000.0`` for Spark as ``x / 60000.0``, and Spark SQL reads ``60000.0`` as a
    DECIMAL(6, 1) literal: the division then runs in decimal arithmetic with a result scale of 6-8 digits
    (``49774 / 60000.0`` gives 0.8295667 instead of 0.8295666666666667). DuckDB divides in double precision.
    Rendering the literal as ``CAST(60000.0 AS DOUBLE)`` gives Spark the double arithmetic the Ibis expression
    means (the cast is constant-folded), so results agree with DuckDB.
    """
    try:
        import sqlglot.expressions as sge
        from ibis.backends.sql.compilers.pyspark import PySparkCompiler
    except ImportError:  # pragma: no cover - ibis without its SQL compilers
        return
    original = PySparkCompiler.visit_NonNullLiteral
    if getattr(original, "_shoplab_double_literals", False):
        return

    def visit_NonNullLiteral(self, op, *, value, dtype):
        result = original(self, op, value=value, dtype=dtype)
        if dtype.is_floating() and isinstance(result, sge.Literal) and math.isfinite(value):
            return self.cast(result, dtype)
        return result

    visit_NonNullLiteral._shoplab_double_literals = True
    PySparkCompiler.visit_NonNullLiteral = visit_NonNullLiteral


install_fixes()


def is_session(obj: Any) -> bool:
    """Whether ``obj`` is a live ``pyspark.sql.SparkSession`` (checked without importing pyspark)."""
    cls = type(obj)
    return cls.__name__ == "SparkSession" and cls.__module__.startswith("pyspark.")


def is_url(text: str) -> bool:
    return str(text).strip().lower().startswith(SCHEME)


def _flag(value: str, what: str) -> bool:
    v = str(value).strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise SourceError(f"{what} must be true or false, got {value!r}")


def parse_url(text: str) -> SparkTarget:
    """Parse ``spark://local[2]?path=DIR`` or ``spark://host:port?database=DB`` (``${ENV}`` already expanded)."""
    from .data import redact

    shown = redact(text)
    rest = str(text).strip()[len(SCHEME) :]
    head, _, query = rest.partition("?")
    head = head.rstrip("/")
    if not head:
        raise SourceError(
            f"spark source {shown} names no master: use spark://local[2]?path=DIR or spark://HOST:PORT?database=DB"
        )
    master = head if head.startswith("local") else SCHEME + head
    target = SparkTarget(master=master)
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.startswith("spark."):
            target.conf[key] = value
        elif key == "path":
            target.path = value
        elif key == "database":
            target.database = value
        elif key == "hive":
            target.hive = _flag(value, "hive")
        elif key == "app_name":
            target.app_name = value
        else:
            raise SourceError(
                f"spark source {shown}: unknown parameter {key!r}; known: {', '.join(sorted(_URL_KEYS))} "
                "and Spark settings spark.*"
            )
    check_target(target, shown)
    return target


def check_target(target: SparkTarget, shown: str) -> None:
    """Clear errors before a session is started: exactly one of path and database, and an existing folder."""
    if target.path and target.database:
        raise SourceError(f"spark source {shown}: give either path (a folder) or database, not both")
    if not target.path and not target.database:
        raise SourceError(
            f"spark source {shown} needs ?path=FOLDER (files in a folder) or ?database=DB (tables of a database)"
        )
    if target.path:
        p = Path(target.path).expanduser()
        if not p.exists():
            raise SourceError(f"spark source {shown}: folder {p} does not exist")
        if not p.is_dir():
            raise SourceError(f"spark source {shown}: {p} is not a folder of tables")


def require_spark() -> None:
    """Raise a clear :class:`SourceError` when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SourceError(
            "Spark sources need pyspark: pip install 'shoplab[spark]' (and Java 17 on the PATH)"
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SourceError("Spark needs Java 17: install it (e.g. apt-get install openjdk-17-jre-headless)")


def session(
    master: str = "local[2]",
    conf: Mapping[str, Any] | None = None,
    *,
    hive: bool = False,
    app_name: str = "shoplab",
):
    """Get or create a SparkSession (``local[2]``, ``spark://host:7077``, ``yarn`` ...).

    Local sessions get :data:`LOCAL_DEFAULTS` (no web UI, few shuffle partitions) unless ``conf`` says
    otherwise. As with ``SparkSession.builder.getOrCreate``, an already running session is reused; then only
    runtime settings of ``conf`` take effect.
    """
    require_spark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name)
    settings = {**(LOCAL_DEFAULTS if master.startswith("local") else {}), **(conf or {})}
    for key, value in settings.items():
        builder = builder.config(key, str(value))
    if hive:
        builder = builder.enableHiveSupport()
    s = builder.getOrCreate()
    if master.startswith("local"):
        s.sparkContext.setLogLevel("ERROR")
    return s


def backend_for(spark_session):
    """The Ibis pyspark backend of a session (Ibis sets the session time zone to UTC)."""
    require_spark()
    return ibis.pyspark.connect(spark_session)


def _view_name(name: str) -> str:
    # unique per load, so that two shops opened in one session never share (and overwrite) views
    return f"_shoplab_{name}_{uuid.uuid4().hex[:8]}"


def read_folder(
    backend, folder: Path, names: Mapping[str, str] | None = None
) -> tuple[dict[str, ir.Table], dict[str, str]]:
    """Register the folder's contract tables as temporary views of the backend's session.

    Accepts what the DuckDB folder source accepts: ``<table>.parquet``, ``<table>.csv`` or a folder
    ``<table>/`` of Parquet parts (any depth). ``names`` maps a contract table to another file name stem.
    """
    spark_session = backend._session
    names = names or {}
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
                raise SourceError(
                    f"table '{name}' is mapped to '{stem}', but {folder} has no {stem}.parquet, {stem}.csv "
                    f"or {stem}/ folder"
                )
            continue
        p = found[0]
        try:
            if p.is_dir():
                if not any(p.rglob("*.parquet")):
                    raise SourceError(f"table folder {p} holds no .parquet parts")
                df = (
                    spark_session.read.option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", "*.parquet")
                    .option("mergeSchema", "true")
                    .parquet(str(p))
                )
            elif p.suffix == ".parquet":
                df = spark_session.read.parquet(str(p))
            else:
                df = _read_csv(spark_session, p, spec)
            view = _view_name(name)
            df.createOrReplaceTempView(view)
            raw[name] = backend.table(view)
        except SourceError:
            raise
        except Exception as exc:  # Spark's own message is the most precise we have
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SourceError(f"table '{name}' could not be read from {p}: {first}") from None
        files[name] = str(p)
    return raw, files


def _read_csv(spark_session, path: Path, spec: TableSpec):
    """A CSV with a header; contract columns that need parsing are read as text (bad values become
    validation errors, as on DuckDB), the other columns' types are inferred from the whole file."""
    from pyspark.sql.types import StringType, StructField, StructType

    probe = spark_session.read.options(header="true", inferSchema="true", encoding="UTF-8").csv(str(path))
    text = {c.name for c in spec.columns if c.kind in _CSV_TEXT_KINDS}
    fields = []
    for f in probe.schema.fields:
        col = f.name.lstrip("\ufeff").strip()
        fields.append(StructField(col, StringType() if col in text else f.dataType, True))
    return (
        spark_session.read.schema(StructType(fields)).options(header="true", encoding="UTF-8").csv(str(path))
    )


def read_database(
    backend, database: str | None, names: Mapping[str, str] | None = None, *, what: str = "source"
) -> tuple[dict[str, ir.Table], dict[str, str]]:
    """The contract tables of a database of any Ibis backend; ``names`` maps contract table -> table name.

    A mapped table that does not exist is an error naming it; unmapped contract names are taken when present.
    """
    names = names or {}
    try:
        present = set(backend.list_tables(database=database) if database else backend.list_tables())
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(f"{what}: cannot list the tables of database {database!r}: {first}") from None
    missing = {t: n for t, n in names.items() if n not in present}
    if missing:
        where = f"database {database}" if database else "the current database"
        raise SourceError(
            f"{what}: {where} has no table "
            + ", ".join(f"{n!r} (mapped to {t})" for t, n in missing.items())
            + f"; tables present: {', '.join(sorted(present)) or 'none'}"
        )
    raw: dict[str, ir.Table] = {}
    files: dict[str, str] = {}
    for name in TABLES:
        tbl = names.get(name, name)
        if tbl in present:
            raw[name] = backend.table(tbl, database=database) if database else backend.table(tbl)
            files[name] = f"{database}.{tbl}" if database else tbl
    return raw, files


def open_target(
    target: SparkTarget, names: Mapping[str, str] | None = None, *, what: str = "spark source"
) -> tuple[Any, dict[str, ir.Table], dict[str, str]]:
    """Start (or reuse) the session of a target and register its contract tables: (backend, raw, files)."""
    hive = target.hive if target.hive is not None else (bool(target.database) and not target.local)
    conf = dict(target.conf)
    if target.local and target.path:  # files only: keep Spark's empty spark-warehouse/ out of the working dir
        conf.setdefault(
            "spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "shoplab-spark-warehouse")
        )
    s = session(target.master, conf, hive=hive, app_name=target.app_name)
    backend = backend_for(s)
    if target.path:
        raw, files = read_folder(backend, Path(target.path).expanduser(), names)
    else:
        raw, files = read_database(backend, target.database, names, what=what)
    return backend, raw, files
