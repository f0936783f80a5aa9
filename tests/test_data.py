"""Loaders (CSV, Parquet, partitioned folder, .duckdb, Ibis backend), table access, secrets."""

from __future__ import annotations

import ibis
import pandas as pd
import pandas.testing as pdt
import pytest
from conftest import write_tables

import shoplab
from shoplab.contract import TABLES, to_markdown
from shoplab.data import redact

ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2, 3],
        "user_id": ["u1", "u2", "u1"],
        "ts": pd.to_datetime(["2024-10-01 10:00", "2024-10-02 11:30", "2024-10-05 09:00"]),
        "amount": [100.0, 25.5, 30.0],
        "channel": ["直通车", "自然搜索", "直通车"],  # an optional column
        "store": ["A", "B", "A"],  # an extra column, kept
    }
)


def _frame(shop):
    return shop.orders.order_by("order_id").to_pandas().reset_index(drop=True)


def test_csv_parquet_and_partitioned_folder_load_the_same(tmp_path):
    csv = shoplab.connect(write_tables(tmp_path / "csv", "csv", orders=ORDERS))
    pq = shoplab.connect(write_tables(tmp_path / "pq", "parquet", orders=ORDERS))
    part = tmp_path / "part" / "orders"
    part.mkdir(parents=True)
    ORDERS.iloc[:2].to_parquet(part / "part-0.parquet")
    ORDERS.iloc[2:].to_parquet(part / "part-1.parquet")
    parts = shoplab.connect(tmp_path / "part")
    a, b, c = _frame(csv), _frame(pq), _frame(parts)
    expected = ORDERS.assign(status="paid")
    for got in (a, b, c):
        assert list(got.columns) == list(expected.columns)
        pdt.assert_frame_equal(got, expected, check_dtype=False)
        assert got.ts.dtype.kind == "M"
    assert csv.files["orders"].endswith("orders.csv")


def test_duckdb_file_and_ibis_backend(tmp_path):
    path = tmp_path / "shop.duckdb"
    con = ibis.duckdb.connect(str(path))
    con.create_table("orders", ORDERS)
    con.disconnect()
    shop = shoplab.connect(str(path))
    assert shop.table_names == ["orders"]
    assert shop.orders.count().execute() == 3
    be = ibis.duckdb.connect()
    be.create_table("orders", ORDERS)
    be.create_table("not_a_contract_table", ORDERS)
    shop2 = shoplab.connect(be)
    assert shop2.table_names == ["orders"]
    assert shop2.orders.amount.sum().execute() == pytest.approx(155.5)


def test_absent_table_gives_a_clear_error(tmp_path):
    shop = shoplab.connect(write_tables(tmp_path / "s", orders=ORDERS))
    assert shop.has("orders") and not shop.has("events")
    with pytest.raises(shoplab.MissingTableError, match="table 'events' is not in the data source.*orders"):
        shop.events  # noqa: B018
    with pytest.raises(AttributeError):
        shop.not_a_table  # noqa: B018


def test_mixed_id_types_are_compared_as_text(tmp_path):
    users = pd.DataFrame({"user_id": ["u1", "u2"]})
    ev = pd.DataFrame(
        {"user_id": [1, 2], "ts": pd.to_datetime(["2024-01-01", "2024-01-02"]), "event": ["home"] * 2}
    )
    shop = shoplab.connect(write_tables(tmp_path / "s", "parquet", users=users, events=ev))
    assert shop.events.schema()["user_id"].is_string()
    assert [i.check for i in shop.validation.issues] == ["unknown_reference"]


def test_a_table_given_twice_is_an_error(tmp_path):
    src = write_tables(tmp_path / "s", "csv", orders=ORDERS)
    write_tables(src, "parquet", orders=ORDERS)
    with pytest.raises(shoplab.SourceError, match="given more than once"):
        shoplab.connect(src)


def test_env_references_and_redaction(tmp_path, monkeypatch):
    src = write_tables(tmp_path / "s", orders=ORDERS)
    monkeypatch.setenv("SHOPLAB_TEST_SRC", str(src))
    shop = shoplab.connect("${SHOPLAB_TEST_SRC}")
    assert shop.orders.count().execute() == 3
    assert shop.source == "${SHOPLAB_TEST_SRC}"
    with pytest.raises(shoplab.SourceError, match="SHOPLAB_NOPE is referenced"):
        shoplab.connect("${SHOPLAB_NOPE}")
    assert redact("postgres://ana:s3cret@db:5432/shop") == "postgres://ana:***@db:5432/shop"
    assert redact("data/sample") == "data/sample"


def test_contract_doc_is_in_sync():
    from conftest import ROOT

    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert to_markdown() in doc, "regenerate the tables section of docs/data-contract.md from to_markdown()"
    assert set(TABLES) == {
        "users",
        "events",
        "orders",
        "order_items",
        "items",
        "members",
        "tier_history",
        "points",
        "campaigns",
        "campaign_assignments",
        "marketing_spend",
        "feedback",
        "targets",
        "service_sessions",
        "shipments",
        "returns",
        "inventory",
    }


def test_report_requirements_in_the_contract_doc_are_in_sync():
    from conftest import ROOT

    from shoplab.runner import requirements_markdown

    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert requirements_markdown(ROOT / "notebooks") in doc, (
        "update 'Which report needs what' from requirements_markdown()"
    )


def test_as_table_accepts_pandas_nanosecond_timestamps():
    from shoplab.data import as_table

    df = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01 00:00:00.123456789"]), "x": [1]})
    got = as_table(df).execute()
    assert got.ts.iloc[0] == pd.Timestamp("2024-01-01 00:00:00.123456") and df.ts.iloc[0].nanosecond == 789


def test_engine_caps(tmp_path, monkeypatch):
    src = write_tables(tmp_path / "s", orders=ORDERS)
    shop = shoplab.connect(src, memory_limit="1GB", threads=1)
    con = shop.backend.con
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"  # 1 GB
    monkeypatch.setenv("SHOPLAB_THREADS", "1")
    assert shoplab.connect(src).backend.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    with pytest.raises(shoplab.SourceError, match="memory_limit must look like"):
        shoplab.connect(src, memory_limit="lots")


def test_validation_is_shared_through_the_cache_only_while_files_are_unchanged(tmp_path, monkeypatch):
    from shoplab.data import write_validation_cache

    src = tmp_path / "shop"
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2"],
            "user_id": ["u1", "u2"],
            "ts": pd.to_datetime(["2026-01-01", "2026-01-02"]),
            "amount": [10.0, -5.0],
        }  # fmt: skip
    )
    write_tables(src, "parquet", orders=orders)
    shop = shoplab.connect(src)
    assert shop.validation.errors  # the negative amount
    cache = tmp_path / "validation.json"
    assert write_validation_cache(cache, shop)
    monkeypatch.setenv("SHOPLAB_VALIDATION_CACHE", str(cache))
    again = shoplab.connect(src)
    assert again.validation.to_json() == shop.validation.to_json()
    assert [str(i) for i in again.validation.issues] == [str(i) for i in shop.validation.issues]
    # change the data: the cache no longer applies and validation runs again
    write_tables(src, "parquet", orders=orders.assign(amount=[10.0, 5.0]))
    fresh = shoplab.connect(src)
    assert not fresh.validation.errors
