"""``user-behavior``: the Alibaba / Tianchi UserBehavior clickstream (Zhu et al. 2018, "Learning Tree-based Deep
Model for Recommender Systems"; tianchi.aliyun.com data set 649).

No header; five columns: user_id, item_id, category_id, behavior_type, timestamp (epoch seconds); behaviours
``pv``, ``fav``, ``cart``, ``buy``. The real file has 100,150,807 rows (3.5 GB), so the import runs in DuckDB,
streaming from the CSV with a memory limit (spilling to the output folder's temporary space): the file is parsed
once into a temporary on-disk table, then the events are written in time order and the items' categories are
counted, all in the engine.

Written: ``events`` (user_id, ts, event, item_id; events product_view, favorite, add_to_cart, pay) and
``items`` (item_id, category: the category an item appears with most often; ties go to the smaller id).
Epoch times are converted to ``--timezone``, default Asia/Shanghai (the shop's local time).
"""

from __future__ import annotations

import os
import uuid

import duckdb
import pandas as pd

from .common import Context, Converted, Drops, Format
from .parsing import RawFile

__all__ = ["USER_BEHAVIOR", "EVENT_NAMES", "looks_like_user_behavior"]

EVENT_NAMES = {"pv": "product_view", "fav": "favorite", "cart": "add_to_cart", "buy": "pay"}
MEMORY_LIMIT_ENV = "SHOPLAB_IMPORT_MEMORY"  # DuckDB memory limit for the streamed import (default 2GB)


def looks_like_user_behavior(line: str) -> bool:
    """Whether a file's first line is a UserBehavior row (``1,2268318,2520377,pv,1511544070``)."""
    parts = [p.strip() for p in line.strip().split(",")]
    return (
        len(parts) == 5
        and parts[3] in EVENT_NAMES
        and all(p.lstrip("-").isdigit() for i, p in enumerate(parts) if i != 3)
    )


def _read(path, ctx: Context, sha: str) -> RawFile:
    return RawFile(path=path, sha256=sha, frame=pd.DataFrame(), encoding="utf-8", kind="csv", first_line=1)


_REASONS = {
    1: ("user_id missing or not a whole number", "user_id 缺失或不是整数"),
    2: ("item_id missing or not a whole number", "item_id 缺失或不是整数"),
    3: ("category_id missing or not a whole number", "category_id 缺失或不是整数"),
    4: ("behaviour not one of pv, fav, cart, buy", "行为不是 pv、fav、cart、buy 之一"),
    5: ("timestamp missing or not epoch seconds", "时间戳缺失或不是 Unix 秒"),
    6: ("timestamp in the future", "时间戳在未来"),
}


def _convert(raw: RawFile, ctx: Context) -> Converted:
    tmpdir = raw.path.parent if ctx.options.get("_tmp") is None else ctx.options["_tmp"]
    os.makedirs(tmpdir, exist_ok=True)
    dbfile = os.path.join(tmpdir, f"ub-{uuid.uuid4().hex[:8]}.duckdb")
    con = duckdb.connect(dbfile)
    try:
        con.execute(f"SET memory_limit = '{os.environ.get(MEMORY_LIMIT_ENV, '2GB')}'")
        con.execute(f"SET temp_directory = '{tmpdir}'")
        con.execute("SET preserve_insertion_order = false")
        zone = ctx.timezone or "Asia/Shanghai"
        now_epoch = int(pd.Timestamp(ctx.now).tz_localize(zone).timestamp())
        path = str(raw.path).replace("'", "''")
        con.execute(
            f"""
            CREATE TABLE parsed AS
            WITH src AS (
                SELECT * FROM read_csv('{path}', header = false, delim = ',', quote = '', escape = '',
                    columns = {{'u': 'VARCHAR', 'i': 'VARCHAR', 'c': 'VARCHAR', 'b': 'VARCHAR', 'e': 'VARCHAR'}},
                    store_rejects = true, rejects_table = 'rejects', rejects_scan = 'reject_scans')
            ), typed AS (
                SELECT TRY_CAST(trim(u) AS BIGINT) AS user_id, TRY_CAST(trim(i) AS BIGINT) AS item_id,
                       TRY_CAST(trim(c) AS BIGINT) AS category, trim(b) AS b, TRY_CAST(trim(e) AS BIGINT) AS e,
                       u, i, c, e AS e_raw
                FROM src
            )
            SELECT user_id, item_id, category, b, e,
                CASE WHEN user_id IS NULL THEN 1 WHEN item_id IS NULL THEN 2 WHEN category IS NULL THEN 3
                     WHEN b NOT IN ('pv', 'fav', 'cart', 'buy') OR b IS NULL THEN 4
                     WHEN e IS NULL OR e <= 0 THEN 5 WHEN e > {now_epoch} THEN 6 END::TINYINT AS reason,
                CASE WHEN user_id IS NULL OR item_id IS NULL OR category IS NULL OR e IS NULL OR e <= 0
                          OR e > {now_epoch} OR b IS NULL OR b NOT IN ('pv', 'fav', 'cart', 'buy')
                     THEN concat_ws(',', u, i, c, b, e_raw) END AS bad_line
            FROM typed
            """
        )
        d = Drops()
        rejects = con.execute(
            "SELECT count(DISTINCT line), min(line), arg_min(csv_line, line) FROM rejects"  # a row per error
        ).fetchone()
        if rejects[0]:
            d.add_count(
                (
                    "malformed line (not five comma-separated fields)",
                    "格式错误的行（不是逗号分隔的五个字段）",
                ),
                rejects[0],
                {"line": int(rejects[1]), "text": str(rejects[2])[:200]},
            )
        total = con.execute("SELECT count(*) FROM parsed").fetchone()[0] + int(rejects[0] or 0)
        for code, n, example in con.execute(
            "SELECT reason, count(*), any_value(bad_line) FROM parsed WHERE reason IS NOT NULL GROUP BY reason "
            "ORDER BY reason"
        ).fetchall():
            d.add_count(_REASONS[int(code)], int(n), {"text": str(example)[:200]})
        cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in EVENT_NAMES.items())
        out = os.path.join(tmpdir, f"events-{uuid.uuid4().hex[:8]}.parquet")
        con.execute(
            f"""
            COPY (
                SELECT user_id, (to_timestamp(e) AT TIME ZONE '{zone}')::TIMESTAMP AS ts,
                       CASE b {cases} END AS event, item_id
                FROM parsed WHERE reason IS NULL ORDER BY ts, user_id
            ) TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 131072)
            """
        )
        n_events = con.execute("SELECT count(*) FROM parsed WHERE reason IS NULL").fetchone()[0]
        items = con.execute(
            """
            WITH counts AS (
                SELECT item_id, category, count(*) AS n FROM parsed WHERE reason IS NULL GROUP BY item_id, category
            ), ranked AS (
                SELECT item_id, category, count(*) OVER (PARTITION BY item_id) AS k,
                       row_number() OVER (PARTITION BY item_id ORDER BY n DESC, category) AS r
                FROM counts
            )
            SELECT item_id, category::VARCHAR AS category, k > 1 AS disagreed FROM ranked WHERE r = 1
            ORDER BY item_id
            """
        ).df()
    finally:
        con.close()
        for f in (dbfile, dbfile + ".wal"):
            if os.path.exists(f):
                os.remove(f)
    notes = []
    n_dis = int(items.disagreed.sum())
    if n_dis:
        notes.append(
            f"{n_dis:,} items appear with more than one category; each was given its most frequent one"
        )
    items = items.drop(columns="disagreed")
    items["item_id"] = items.item_id.astype("int64")
    return Converted(
        tables={"events": out, "items": items},
        rows_read=int(total),
        rows_imported=int(n_events),
        drops=d,
        notes=notes,
        row_counts={"events": int(n_events)},
    )


USER_BEHAVIOR = Format(
    name="user-behavior",
    summary="Alibaba/Tianchi UserBehavior clickstream (no header; pv/fav/cart/buy; epoch seconds): events, items",
    columns=(),
    tables=("events", "items"),
    convert=_convert,
    header=False,
    read=_read,
)
