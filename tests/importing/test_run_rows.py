"""No input row is lost silently: for random messy exports, rows in = rows written + rows dropped with a reason.

The counts are checked from outside the importer: rows in is the number of rows the test wrote, rows written is
what the Parquet files hold.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.importing import import_files

from .import_helpers import SALT, write_csv

ids = st.one_of(
    st.integers(10**17, 10**18 - 1).map(lambda i: f'="{i}"'),
    st.integers(1, 40).map(str),  # small ids: repeats (duplicates) are likely
    st.just(""),
    st.just("2.02409E+17"),
)
money = st.one_of(
    st.decimals(0, 5000, places=2).map(lambda d: f"¥{d:,}"),
    st.decimals(0, 5000, places=2).map(str),
    st.sampled_from(["", "abc", "-5", "0", "0.00", " 12.5 "]),
)
times = st.one_of(
    st.datetimes(pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")).map(
        lambda t: f"{t:%Y-%m-%d %H:%M:%S}"
    ),
    st.datetimes(pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")).map(
        lambda t: f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
    ),
    st.floats(44000, 46000).map(lambda x: f"{x:.4f}"),
    st.sampled_from(["", "yesterday", "2099-01-01 00:00:00", "2024-13-01 00:00:00"]),
)
buyers = st.sampled_from(["", "小明", "小红 ", "大卫", "buyer_1"])
blank = st.just(None)

HEADER = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
    "订单创建时间",
    "订单付款时间",
    "退款金额",
    "收货地址",
]
row = st.one_of(
    blank,
    st.tuples(ids, buyers, money, st.just("交易成功"), times, times, money, st.just("浙江省 杭州市 西湖区")),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25))
def test_taobao_rows_in_equal_rows_written_plus_dropped(monkeypatch_rows):
    rows = [list(r) if r is not None else [""] * len(HEADER) for r in monkeypatch_rows]
    with tempfile.TemporaryDirectory() as d:
        src = write_csv(Path(d) / "x.csv", [HEADER, *rows])
        out = Path(d) / "out"
        import os

        os.environ["SHOPLAB_SALT"] = SALT
        try:
            m = import_files("taobao-orders", [src], out, now=pd.Timestamp("2026-01-01"))
        finally:
            del os.environ["SHOPLAB_SALT"]
        (entry,) = m["imports"]
        written = len(pd.read_parquet(out / "orders.parquet")) if (out / "orders.parquet").exists() else 0
        dropped = sum(x["rows"] for x in entry["rows_dropped"])
        assert entry["rows_read"] == len(rows)
        assert written == entry["rows_imported"] == entry["rows_written"]["orders"]
        assert written + dropped == len(rows)
        assert all(x["reason"] and x["rows"] > 0 and "line" in x["example"] for x in entry["rows_dropped"])
        assert json.loads((out / "_import.json").read_text(encoding="utf-8")) == m


SHOPIFY = ["Name", "Email", "Financial Status", "Paid at", "Created at", "Currency", "Total", "Discount Amount",
           "Refunded Amount", "Cancelled at", "Source", "Lineitem quantity", "Lineitem name", "Lineitem price",
           "Lineitem sku"]  # fmt: skip
line = st.tuples(
    st.sampled_from(["#1", "#2", "#3", "", "#4"]),
    st.sampled_from(["a@x.com", "b@x.com", ""]),
    st.sampled_from(["paid", "refunded", "pending", "partially_refunded", ""]),
    times,
    money,
    money,
    st.sampled_from(["1", "2", "x", "", "-1"]),
    money,
    st.sampled_from(["S1", "", "S2"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(blank, line), min_size=1, max_size=25))
def test_shopify_rows_in_equal_lines_written_plus_dropped(lines):
    rows = []
    for r in lines:
        if r is None:
            rows.append([""] * len(SHOPIFY))
            continue
        name, email, fin, created, total, refunded, qty, price, sku = r
        rows.append(
            [name, email, fin, "", created, "USD", total, "0", refunded, "", "web", qty, "Item", price, sku]
        )
    with tempfile.TemporaryDirectory() as d:
        src = write_csv(Path(d) / "x.csv", [SHOPIFY, *rows])
        out = Path(d) / "out"
        import os

        os.environ["SHOPLAB_SALT"] = SALT
        try:
            m = import_files("shopify-orders", [src], out, now=pd.Timestamp("2026-01-01"))
        finally:
            del os.environ["SHOPLAB_SALT"]
        (entry,) = m["imports"]
        f = out / "order_items.parquet"
        written = len(pd.read_parquet(f)) if f.exists() else 0
        assert entry["rows_read"] == len(rows)
        assert written == entry["rows_imported"]
        assert written + sum(x["rows"] for x in entry["rows_dropped"]) == len(rows)
