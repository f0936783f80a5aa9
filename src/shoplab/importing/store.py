"""The output folder of an import: contract tables as Parquet, ``_import.json`` and ``_shop.json``.

Incremental by key: rows a new file brings replace the rows with the same key already in the folder (the newer
file wins; for ``users`` an empty value of the newer row keeps the older known one, so an order shipped without
an address does not erase a city), other rows stay. Keys: ``orders.order_id``, ``users.user_id``, ``items.item_id``, all lines of an
``order_items.order_id``, and ``events`` rows by (user_id, item_id, event, ts). A file whose sha256 is already in
``_import.json`` is skipped, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import TABLES
from .errors import ImportFormatError, SaltError

__all__ = ["MANIFEST", "SHOP_FILE", "KEYS", "Store", "read_manifest"]

MANIFEST = "_import.json"
SHOP_FILE = "_shop.json"
KEYS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id",),
    "users": ("user_id",),
    "items": ("item_id",),
    "order_items": ("order_id",),
    "events": ("user_id", "item_id", "event", "ts"),
}
_ORDER = {
    "orders": "ts, order_id",
    "users": "user_id",
    "items": "item_id",
    "order_items": "order_id, item_id",
}


#: tables whose rows describe an entity over time: a newer row's empty values keep the older known ones
_COALESCE = ("users",)


def _columns(con, path: Path) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]


def read_manifest(folder: str | Path) -> dict | None:
    """``folder/_import.json`` as a dict, or None when the folder has none (or it is unreadable)."""
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _arrow(df: pd.DataFrame, table: str) -> pa.Table:
    """A frame as Arrow with contract types: ids and strings as text, timestamps naive microseconds."""
    spec = TABLES.get(table)
    fields, arrays = [], []
    for c in df.columns:
        col = spec.column(c) if spec else None
        kind = col.kind if col else None
        s = df[c]
        if kind == "id" and pd.api.types.is_integer_dtype(s):
            arr = pa.array(s.astype("int64"), type=pa.int64())
        elif kind in ("id", "string") or (
            kind is None and (s.dtype == object or pd.api.types.is_string_dtype(s))
        ):
            arr = pa.array(s.astype("object").where(s.notna(), None), type=pa.string())
        elif kind == "timestamp" or pd.api.types.is_datetime64_any_dtype(s):
            arr = pa.array(pd.to_datetime(s).astype("datetime64[us]"), type=pa.timestamp("us"))
        elif kind == "integer":
            arr = pa.array(pd.to_numeric(s).astype("Int64"), type=pa.int64())
        elif kind == "number":
            arr = pa.array(pd.to_numeric(s).astype(float), type=pa.float64(), from_pandas=True)  # NaN -> null
        else:
            arr = pa.array(s, from_pandas=True)
        fields.append(pa.field(c, arr.type))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _aligned(con, new_path: Path, old_path: Path) -> tuple[str, str]:
    """The two Parquet files as subqueries whose shared columns have one type: a column that is text in one and
    a number in the other (ids from two formats) is text in both."""

    def types(p):
        return {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{p}')").fetchall()}

    tn, to = types(new_path), types(old_path)
    text = [c for c in tn.keys() & to.keys() if tn[c] != to[c] and "VARCHAR" in (tn[c], to[c])]

    def src(p):
        if not text:
            return f"read_parquet('{p}')"
        cast = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in sorted(text))
        return f"(SELECT * REPLACE ({cast}) FROM read_parquet('{p}'))"

    return src(new_path), src(old_path)


class Store:
    """An import's output folder (created when missing)."""

    def __init__(self, out: str | Path):
        self.out = Path(out).expanduser()
        if self.out.exists() and not self.out.is_dir():
            raise ImportFormatError(f"--out {self.out} is a file, not a folder")
        self.out.mkdir(parents=True, exist_ok=True)
        m = read_manifest(self.out)
        if m is None and (self.out / MANIFEST).exists():
            raise ImportFormatError(
                f"{self.out / MANIFEST} is not valid JSON; remove it or import into a new folder"
            )
        if m is None and any((self.out / f"{t}.parquet").exists() or (self.out / t).is_dir() for t in TABLES):
            raise ImportFormatError(
                f"{self.out} already holds tables that no import wrote (no {MANIFEST}); import into a new folder"
            )
        self.manifest = m or {"version": 1, "imports": [], "tables": {}}
        self._tmp = self.out / ".import-tmp"

    # -- manifest ------------------------------------------------------------------------------------------
    def check_salt(self, check: str) -> None:
        prev = self.manifest.get("salt_check")
        if prev and prev != check:
            raise SaltError(
                f"the salt differs from the one used for the earlier imports into {self.out}: the same buyer would "
                "get another id. Set the salt used before, or import into a new folder"
            )
        self.manifest["salt_check"] = check

    def imported(self, sha256: str) -> dict | None:
        for e in self.manifest["imports"]:
            if e.get("sha256") == sha256:
                return e
        return None

    @property
    def currency(self) -> str | None:
        try:
            return json.loads((self.out / SHOP_FILE).read_text(encoding="utf-8")).get("currency")
        except (OSError, ValueError):
            return None

    def set_currency(self, code: str) -> None:
        prev = self.currency
        if prev and prev != code:
            raise ImportFormatError(
                f"{self.out} holds amounts in {prev}; this import is in {code}. Money in two currencies cannot be "
                "added up: import it into another folder"
            )
        if prev != code:
            self._write_text(SHOP_FILE, json.dumps({"currency": code}, indent=2) + "\n")

    def record(self, entry: dict) -> None:
        self.manifest["imports"].append(entry)

    def save(self) -> None:
        self.manifest["tables"] = self.row_counts()
        self._write_text(
            MANIFEST, json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        )
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _write_text(self, name: str, text: str) -> None:
        tmp = self.out / f".{name}.{uuid.uuid4().hex[:8]}"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.out / name)

    def row_counts(self) -> dict[str, int]:
        con = duckdb.connect()
        out = {}
        for t in TABLES:
            src = self._source(t)
            if src is not None:
                out[t] = int(con.execute(f"SELECT count(*) FROM read_parquet('{src}')").fetchone()[0])
        return out

    def _source(self, table: str) -> str | None:
        f = self.out / f"{table}.parquet"
        if f.is_file():
            return str(f)
        d = self.out / table
        if d.is_dir() and any(d.glob("*.parquet")):
            return str(d / "*.parquet")
        return None

    # -- tables --------------------------------------------------------------------------------------------
    @property
    def tmp_dir(self) -> Path:
        self._tmp.mkdir(exist_ok=True)
        return self._tmp

    def tmp_path(self, suffix: str = ".parquet") -> Path:
        self._tmp.mkdir(exist_ok=True)
        return self._tmp / f"{uuid.uuid4().hex}{suffix}"

    def write(self, table: str, new: pd.DataFrame) -> int:
        """Merge ``new`` rows into ``table`` (newer wins by key); returns how many existing rows it replaced."""
        if table == "events":
            path = self.tmp_path()
            pq.write_table(_arrow(new, table), path)
            return self.write_events(path, part_name=f"part-{uuid.uuid4().hex[:12]}.parquet")
        final = self.out / f"{table}.parquet"
        new_path = self.tmp_path()
        pq.write_table(_arrow(new, table), new_path)
        if not final.exists():
            self._copy_sorted(f"SELECT * FROM read_parquet('{new_path}')", table, final)
            return 0
        keys = KEYS[table]
        con = duckdb.connect()
        n_src, o_src = _aligned(con, new_path, final)
        on = " AND ".join(f"n.{k} IS NOT DISTINCT FROM o.{k}" for k in keys)
        replaced = con.execute(
            f"SELECT count(*) FROM {o_src} o WHERE EXISTS (SELECT 1 FROM {n_src} n WHERE {on})"
        ).fetchone()[0]
        newer = f"SELECT * FROM {n_src}"
        if table in _COALESCE:
            # a user's newer row updates what it knows and keeps the rest: an order shipped without an address
            # must not erase the city an earlier export gave
            cn, co = _columns(con, new_path), _columns(con, final)
            sel = ", ".join(
                f'COALESCE(n."{c}", o."{c}") AS "{c}"' if c in co and c not in keys else f'n."{c}"'
                for c in cn
            )
            sel += "".join(f', o."{c}"' for c in co if c not in cn)
            newer = f"SELECT {sel} FROM {n_src} n LEFT JOIN {o_src} o ON {on}"
        query = (
            f"{newer} UNION ALL BY NAME "
            f"SELECT * FROM {o_src} o WHERE NOT EXISTS (SELECT 1 FROM {n_src} n WHERE {on})"
        )
        self._copy_sorted(query, table, final, con=con)
        return int(replaced)

    def _copy_sorted(self, query: str, table: str, final: Path, con=None) -> None:
        con = con or duckdb.connect()
        order = _ORDER.get(table)
        tmp = self.tmp_path()
        con.execute(f"COPY ({query}{' ORDER BY ' + order if order else ''}) TO '{tmp}' (FORMAT parquet)")
        os.replace(tmp, final)

    def write_events(self, new_path: Path, *, part_name: str, con=None) -> int:
        """Add an events part (a Parquet file sorted by time); existing parts overlapping its time range lose
        the rows whose key it holds. Returns how many existing rows were replaced."""
        folder = self.out / "events"
        folder.mkdir(exist_ok=True)
        con = con or duckdb.connect()
        lo, hi = con.execute(f"SELECT min(ts), max(ts) FROM read_parquet('{new_path}')").fetchone()
        keys = KEYS["events"]
        on = " AND ".join(f"n.{k} IS NOT DISTINCT FROM o.{k}" for k in keys)
        replaced = 0
        for part in sorted(folder.glob("*.parquet")):
            plo, phi = con.execute(f"SELECT min(ts), max(ts) FROM read_parquet('{part}')").fetchone()
            if lo is None or plo is None or phi < lo or plo > hi:
                continue
            semi = f"EXISTS (SELECT 1 FROM read_parquet('{new_path}') n WHERE {on})"
            n = con.execute(f"SELECT count(*) FROM read_parquet('{part}') o WHERE {semi}").fetchone()[0]
            if not n:
                continue
            replaced += int(n)
            tmp = self.tmp_path()
            con.execute(
                f"COPY (SELECT * FROM read_parquet('{part}') o WHERE NOT {semi} ORDER BY ts) TO '{tmp}' "
                "(FORMAT parquet, ROW_GROUP_SIZE 131072)"
            )
            os.replace(tmp, part)
        os.replace(new_path, folder / part_name)
        return replaced
