"""`shoplab import user-behavior` (the Tianchi UserBehavior layout, no header) on a small hand-made file."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

import shoplab

from .import_helpers import SALT, folder_digest, run_import

LINES = [
    "1,100,10,pv,1511544070",  # 2017-11-25 01:21:10 in Asia/Shanghai
    "1,100,10,cart,1511544100",
    "1,100,10,buy,1511544200",
    "2,100,11,pv,1511600000",  # item 100 seen in category 11 once, in 10 three times: 10 wins
    "2,200,20,fav,1511700000",
    "3,300,30,pv,abc",  # dropped: timestamp
    "3,300,30,click,1511700000",  # dropped: behaviour
    "1,2,3",  # dropped: malformed
    "4,400,40,pv,4102444800",  # dropped: 2100-01-01, in the future
]


@pytest.fixture(autouse=True)
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


@pytest.mark.parametrize("gz", [False, True])
def test_hand_worked(tmp_path, gz):
    text = "\n".join(LINES) + "\n"
    if gz:
        src = tmp_path / "UserBehavior.csv.gz"
        with gzip.open(src, "wt") as fh:
            fh.write(text)
    else:
        src = tmp_path / "UserBehavior.csv"
        src.write_text(text)
    out = tmp_path / "shop"
    assert run_import("user-behavior", src, "--out", out) == 0
    ev = pd.read_parquet(out / "events")
    assert ev.columns.tolist() == ["user_id", "ts", "event", "item_id"]
    assert ev.event.tolist() == ["product_view", "add_to_cart", "pay", "product_view", "favorite"]
    assert ev.ts.iloc[0] == pd.Timestamp("2017-11-25 01:21:10") and ev.ts.is_monotonic_increasing
    items = pd.read_parquet(out / "items.parquet")
    assert items.values.tolist() == [[100, "10"], [200, "20"]]
    (entry,) = json.loads((out / "_import.json").read_text())["imports"]
    assert (entry["rows_read"], entry["rows_imported"]) == (9, 5)
    assert {d["reason"]: d["rows"] for d in entry["rows_dropped"]} == {
        "malformed line (not five comma-separated fields)": 1,
        "behaviour not one of pv, fav, cart, buy": 1,
        "timestamp missing or not epoch seconds": 1,
        "timestamp in the future": 1,
    }
    assert entry["notes"] == [
        "1 items appear with more than one category; each was given its most frequent one"
    ]
    shop = shoplab.connect(out)
    assert not shop.validation.errors, str(shop.validation)
    assert sorted(p.name for p in (out / "events").iterdir()) == [f"part-{entry['sha256'][:12]}.parquet"]


def test_timezone_and_incremental(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("\n".join(LINES[:3]) + "\n")
    out = tmp_path / "shop"
    assert run_import("user-behavior", a, "--out", out, "--timezone", "UTC") == 0
    assert pd.read_parquet(out / "events").ts.iloc[0] == pd.Timestamp("2017-11-24 17:21:10")
    b = tmp_path / "b.csv"  # overlaps a: its rows replace the same rows, and one is new
    b.write_text("\n".join(LINES[1:5]) + "\n")
    assert run_import("user-behavior", b, "--out", out, "--timezone", "UTC") == 0
    ev = pd.read_parquet(out / "events")
    assert len(ev) == 5 and not ev.duplicated().any()
    before = folder_digest(out)
    assert run_import("user-behavior", b, a, "--out", out, "--timezone", "UTC") == 0
    assert folder_digest(out) == before


def test_a_header_file_is_not_user_behavior(tmp_path, capsys):
    src = tmp_path / "orders.csv"
    src.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,2,3,4,5,6,7,8\n"
    )
    assert run_import("user-behavior", src, "--out", tmp_path / "shop") == 2
    err = capsys.readouterr().err
    assert "first row is not user_id,item_id" in err and "most resembles online-retail" in err
    ub = tmp_path / "ub.csv"
    ub.write_text("\n".join(LINES[:2]) + "\n")
    assert run_import("online-retail", ub, "--out", tmp_path / "shop") == 2
    assert "most resembles user-behavior" in capsys.readouterr().err


def test_items_from_two_formats_share_one_table(tmp_path):
    # user-behavior writes integer item ids, taobao-items text ones: the merged items table holds both as text
    ub = tmp_path / "ub.csv"
    ub.write_text("\n".join(LINES[:5]) + "\n")
    out = tmp_path / "shop"
    assert run_import("user-behavior", ub, "--out", out) == 0
    items = tmp_path / "items.csv"
    items.write_text(
        "订单编号,标题,价格,购买数量,商家编码\n1,Dress,10,1,DRESS-01\n2,Shoe,5,1,100\n", encoding="utf-8"
    )
    assert run_import("taobao-items", items, "--out", out) == 0
    got = pd.read_parquet(out / "items.parquet").set_index("item_id")
    assert sorted(got.index) == ["100", "200", "DRESS-01"]
    assert got.name["100"] == "Shoe"  # the newer import's row for item 100 replaced the clickstream's
    assert not shoplab.connect(out).validation.errors
