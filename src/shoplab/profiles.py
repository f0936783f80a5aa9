"""Named connection profiles (``profile:NAME``) and the sources ``shoplab.connect`` opens beyond a folder.

A profile lives in a TOML file: ``shoplab.toml`` in the working directory, or the file named by the
environment variable ``SHOPLAB_CONFIG``. See docs/scaling.md for the format. Example::

    [profiles.warehouse]
    engine = "spark"
    master = "spark://spark-master.internal:7077"
    database = "dw"

    [profiles.warehouse.conf]
    "spark.executor.memory" = "8g"
    "spark.hadoop.javax.jdo.option.ConnectionPassword" = "${METASTORE_PASSWORD}"

    [profiles.warehouse.tables]          # contract table -> warehouse table
    orders = "dwd_trade_order_di"

    [profiles.warehouse.columns.orders]  # contract column -> warehouse column
    order_id = "ord_no"
    amount = "pay_amt"

    [profiles.warehouse.values.orders.status]  # warehouse value -> contract value
    "交易成功" = "paid"

``${ENV_VAR}`` references anywhere in the profile are expanded from the environment when the profile is used.
Configuration values are never shown in labels or errors (they may hold credentials); URLs are redacted.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from . import spark as _spark
from .contract import TABLES
from .data import _configure_duckdb, _read_folder, expand_env, redact
from .errors import SourceError

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILE",
    "PREFIX",
    "ENGINES",
    "Profile",
    "config_path",
    "load_profile",
    "open_profile",
    "open_source",
    "apply_columns",
    "apply_values",
]

CONFIG_ENV = "SHOPLAB_CONFIG"
CONFIG_FILE = "shoplab.toml"
PREFIX = "profile:"
ENGINES = ("spark", "duckdb", "ibis")
_KEYS = {"engine", "master", "url", "path", "database", "hive", "app_name", "conf", "tables", "columns"}
_KEYS |= {"values"}  # value mappings (docs/scaling.md)


@dataclass(frozen=True)
class Profile:
    """One ``[profiles.NAME]`` entry, with ``${ENV}`` references expanded."""

    name: str
    file: Path
    engine: str
    master: str | None = None
    url: str | None = None
    path: str | None = None
    database: str | None = None
    hive: bool | None = None
    app_name: str = "shoplab"
    conf: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def describe(self) -> str:
        """``profile:NAME (engine, where)``, redacted and without configuration values."""
        where = self.path or self.url or self.master or ""
        if self.database:
            where = f"{where} database {self.database}".strip()
        return redact(f"{PREFIX}{self.name} ({self.engine} {where})".replace(" )", ")"))


def config_path() -> Path:
    """``$SHOPLAB_CONFIG`` if set, else ``shoplab.toml`` in the working directory."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env).expanduser() if env else Path.cwd() / CONFIG_FILE


def _expand(value: Any) -> Any:
    if isinstance(value, str):
        return expand_env(value)
    if isinstance(value, Mapping):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


def _names(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise SourceError(f'{where} must map names to names (text), e.g. orders = "dwd_orders"')
    return {str(k): v for k, v in value.items()}


def load_profile(name: str, path: str | os.PathLike | None = None) -> Profile:
    """Read profile ``name`` from ``path`` (default :func:`config_path`) and check it.

    Errors name the file and, for an unknown profile, the profiles the file defines.
    """
    file = Path(path).expanduser() if path is not None else config_path()
    if not file.is_file():
        raise SourceError(
            f"profile '{name}': config file {file} does not exist (create {CONFIG_FILE} in the working "
            f"directory or set {CONFIG_ENV} to its path)"
        )
    try:
        with open(file, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"config file {file} is not valid TOML: {exc}") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, Mapping):
        raise SourceError(f"config file {file}: 'profiles' must be a table of [profiles.NAME] sections")
    if name not in profiles:
        raise SourceError(
            f"profile '{name}' is not in {file}; available profiles: {', '.join(sorted(profiles)) or 'none'}"
        )
    if path is None and not os.environ.get(CONFIG_ENV):
        # report notebooks run in another working directory: let them (child processes) find the same file
        os.environ[CONFIG_ENV] = str(file.resolve())
    where = f"[profiles.{name}] in {file}"
    raw = profiles[name]
    if not isinstance(raw, Mapping):
        raise SourceError(f"{where} must be a table of settings")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise SourceError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    p = _expand(dict(raw))  # only the profile in use: others may reference variables that are not set

    tables = _names(p.get("tables", {}), f"{where}: tables")
    columns_raw = p.get("columns", {})
    if not isinstance(columns_raw, Mapping):
        raise SourceError(f"{where}: columns must hold one [profiles.{name}.columns.TABLE] section per table")
    columns = {t: _names(c, f"{where}: columns.{t}") for t, c in columns_raw.items()}
    values_raw = p.get("values", {})
    if not isinstance(values_raw, Mapping) or not all(isinstance(v, Mapping) for v in values_raw.values()):
        raise SourceError(
            f"{where}: values must hold [profiles.{name}.values.TABLE.COLUMN] sections, "
            'e.g. [profiles.NAME.values.orders.status] "交易成功" = "paid"'
        )
    values = {
        t: {c: _names(m, f"{where}: values.{t}.{c}") for c, m in cols.items()}
        for t, cols in values_raw.items()
    }
    for section, keys in (("tables", tables), ("columns", columns), ("values", values)):
        bad = sorted(set(keys) - set(TABLES))
        if bad:
            raise SourceError(
                f"{where}: {section} names unknown contract table(s) {', '.join(bad)}; contract tables: "
                + ", ".join(TABLES)
            )
    conf = p.get("conf", {})
    if not isinstance(conf, Mapping):
        raise SourceError(f"{where}: conf must be a table of settings")
    conf = {str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in conf.items()}

    engine = p.get("engine")
    url, master = p.get("url"), p.get("master")
    if engine is None:
        if master or (isinstance(url, str) and _spark.is_url(url)):
            engine = "spark"
        elif url:
            engine = "ibis"
        else:
            engine = "duckdb"
    if engine not in ENGINES:
        raise SourceError(f"{where}: engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    hive = p.get("hive")
    if hive is not None and not isinstance(hive, bool):
        raise SourceError(f"{where}: hive must be true or false")
    prof = Profile(
        name=name,
        file=file,
        engine=engine,
        master=master,
        url=url,
        path=p.get("path"),
        database=p.get("database"),
        hive=hive,
        app_name=p.get("app_name", "shoplab"),
        conf=conf,
        tables=tables,
        columns=columns,
        values=values,
    )
    if engine == "duckdb" and not prof.path:
        raise SourceError(f"{where}: engine duckdb needs path (a folder of tables or a .duckdb file)")
    if engine == "ibis" and not prof.url:
        raise SourceError(f"{where}: engine ibis needs url (e.g. clickhouse://..., trino://...)")
    return prof


def _spark_target(prof: Profile) -> _spark.SparkTarget:
    if prof.url:
        t = _spark.parse_url(prof.url)
    else:
        t = _spark.SparkTarget(master=prof.master or "local[2]")
    t.path = prof.path or t.path
    t.database = prof.database or t.database
    t.hive = prof.hive if prof.hive is not None else t.hive
    t.app_name = prof.app_name
    t.conf = {**t.conf, **prof.conf}
    _spark.check_target(t, prof.describe())
    return t


def open_profile(
    prof: Profile, *, memory_limit: str | None = None, threads: int | None = None
) -> tuple[Any, dict[str, ir.Table], dict[str, str], str]:
    """Open a profile's source: (backend, raw contract tables with contract column names, files, label)."""
    label = prof.describe()
    if prof.engine == "spark":
        backend, raw, files = _spark.open_target(_spark_target(prof), prof.tables, what=label)
    elif prof.engine == "duckdb":
        path = Path(prof.path).expanduser()
        if path.is_dir():
            backend = ibis.duckdb.connect()
            _configure_duckdb(backend, memory_limit, threads)
            raw, files = _read_folder(backend, path, prof.tables)
        elif path.is_file():
            backend = ibis.duckdb.connect(str(path), read_only=True)
            raw, files = _spark.read_database(backend, prof.database, prof.tables, what=label)
        else:
            raise SourceError(f"{label}: {path} does not exist")
    else:
        try:
            backend = ibis.connect(prof.url)
        except Exception as exc:
            raise SourceError(f"{label}: cannot connect: {redact(str(exc).splitlines()[0])}") from None
        raw, files = _spark.read_database(backend, prof.database, prof.tables, what=label)
    return backend, apply_values(apply_columns(raw, prof.columns, label), prof.values, label), files, label


def apply_columns(
    raw: dict[str, ir.Table], columns: Mapping[str, Mapping[str, str]], what: str = "source"
) -> dict[str, ir.Table]:
    """Rename warehouse columns to contract names: ``columns[table][contract column] = warehouse column``.

    A mapped warehouse column that is absent is an error; a column that already carries the contract name is
    replaced by the mapped one (the mapping says which column is meant).
    """
    out = dict(raw)
    for name, mapping in columns.items():
        if name not in out or not mapping:
            continue
        t = out[name]
        absent = {c: w for c, w in mapping.items() if w not in t.columns}
        if absent:
            raise SourceError(
                f"{what}: table {name} has no column "
                + ", ".join(f"{w!r} (mapped to {c})" for c, w in absent.items())
                + f"; columns present: {', '.join(t.columns)}"
            )
        ren = {c: w for c, w in mapping.items() if c != w}
        clash = [c for c in ren if c in t.columns and c not in ren.values()]
        if clash:
            t = t.drop(*clash)
        out[name] = t.rename(ren) if ren else t
    return out


def apply_values(
    raw: dict[str, ir.Table], values: Mapping[str, Mapping[str, Mapping[str, str]]], what: str = "source"
) -> dict[str, ir.Table]:
    """Translate values: ``values[table][column][source value] = contract value`` (after column renaming), e.g.
    ``{"orders": {"status": {"交易成功": "paid"}}}``. Values not listed are kept as they are; a non-text column is
    compared as text (TOML keys are text). Lazy: a CASE expression in the engine."""
    out = dict(raw)
    for name, cols in values.items():
        if name not in out:
            continue
        t = out[name]
        absent = [c for c in cols if c not in t.columns]
        if absent:
            raise SourceError(
                f"{what}: values name column(s) {', '.join(absent)} that table {name} lacks; "
                f"columns present: {', '.join(t.columns)}"
            )
        repl = {}
        for c, mapping in cols.items():
            if not mapping:
                continue
            col = t[c] if t.schema()[c].is_string() else t[c].cast("string")
            repl[c] = col.substitute(dict(mapping))
        out[name] = t.mutate(**repl) if repl else t
    return out


def open_source(
    source: Any, *, memory_limit: str | None = None, threads: int | None = None
) -> tuple[Any, dict[str, ir.Table], dict[str, str], str] | None:
    """Open a SparkSession, a ``spark://`` URL or a ``profile:NAME``; None for every other source.

    Returns (backend, raw contract tables, files, label).
    """
    if _spark.is_session(source):
        backend = _spark.backend_for(source)
        raw, files = _spark.read_database(backend, None, what="SparkSession")
        return backend, raw, files, f"<SparkSession {source.sparkContext.master}>"
    if not isinstance(source, (str, os.PathLike)):
        return None
    text = str(source).strip()
    if text.startswith(PREFIX):
        prof = load_profile(text[len(PREFIX) :].strip())
        return open_profile(prof, memory_limit=memory_limit, threads=threads)
    expanded = expand_env(text)
    if _spark.is_url(expanded):
        target = _spark.parse_url(expanded)
        backend, raw, files = _spark.open_target(target, what=redact(text))
        return backend, raw, files, redact(text)
    return None
