"""`shoplab import shopify-orders` on a small hand-made orders_export.csv (one row per line item).

Hand-worked from the rows below (order-level fields only on an order's first row):

=====  =================  ===================  ==========================  ======================
order  buyer              status               Created at                  Total (refund)
=====  =================  ===================  ==========================  ======================
#1001  alice              paid                 2024-09-27 12:30 -0500      1294.00, 2 lines
#1002  bob                partially_refunded   2024-09-30 22:00 -0500      200.00 (50 refunded)
#1003  Alice (same)       refunded             2024-10-03 09:00 -0400      80.00 (80)
#1004  carol              pending: cancelled   2024-10-04 10:00 -0400      45.00
#1005  dave               voided + Cancelled   2024-10-05 10:00 -0400      60.00
#1006  (no Email)         dropped, 2 rows      2024-10-06                  70.00
#1007  eve                paid                 2024-10-20 10:00 -0400      30.00, 2nd line "two": dropped
=====  =================  ===================  ==========================  ======================

Without --timezone (wall clock kept): September 2 orders, 2 buyers, GMV 1494, net 1444; October 2 orders
(#1003, #1007), 2 buyers, GMV 110, net 30. With --timezone Asia/Shanghai #1002 becomes 2024-10-01 11:00:
September 1 order, GMV 1294; October 3 orders, 3 buyers, GMV 310.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from .import_helpers import SALT, kpis, net_sales, run_import, write_csv, written_text

HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal", "Total",
          "Discount Code", "Discount Amount", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
          "Lineitem sku", "Billing Name", "Billing Street", "Billing City", "Billing Zip", "Billing Province",
          "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street", "Shipping City", "Shipping Zip",
          "Shipping Province", "Shipping Country", "Shipping Phone", "Cancelled at", "Refunded Amount", "Source"]  # fmt: skip


def _row(name, email, created, qty, lname, price, sku, **order):
    r = dict.fromkeys(HEADER, "")
    r.update({"Name": name, "Email": email, "Created at": created, "Lineitem quantity": qty})
    r.update({"Lineitem name": lname, "Lineitem price": price, "Lineitem sku": sku})
    r.update(order)
    return [r[h] for h in HEADER]


def _order(
    fin, paid, total, *, refunded="0.00", cancelled="", discount="0.00", city="Austin", who="Alice Smith"
):
    return {
        "Financial Status": fin,
        "Paid at": paid,
        "Currency": "USD",
        "Total": total,
        "Discount Amount": discount,
        "Refunded Amount": refunded,
        "Cancelled at": cancelled,
        "Source": "web",
        "Billing Name": who,
        "Billing Street": "1 Main St",
        "Billing City": city,
        "Billing Zip": "78701",
        "Billing Province": "TX",
        "Billing Country": "US",
        "Billing Phone": "+1 555 0100",
        "Shipping Name": who,
        "Shipping Street": "1 Main St",
        "Shipping City": city,
        "Shipping Province": "TX",
        "Shipping Country": "US",
        "Shipping Phone": "+1 555 0100",
    }


ROWS = [
    _row("#1001", "alice@example.com", "2024-09-27 12:30:00 -0500", "2", "Widget", "600.00", "W-1",
         **_order("paid", "2024-09-27 12:31:00 -0500", "$1,294.00", discount="10.00")),
    _row("#1001", "alice@example.com", "2024-09-27 12:30:00 -0500", "1", "Gadget", "104.00", "G-1"),
    _row("#1002", "bob@example.com", "2024-09-30 22:00:00 -0500", "1", "Widget", "200.00", "W-1",
         **_order("partially_refunded", "2024-09-30 22:01:00 -0500", "200.00", refunded="50.00", who="Bob Jones")),
    _row("#1003", "Alice@Example.com", "2024-10-03 09:00:00 -0400", "1", "Gizmo", "80.00", "Z-1",
         **_order("refunded", "2024-10-03 09:01:00 -0400", "80.00", refunded="80.00")),
    _row("#1004", "carol@example.com", "2024-10-04 10:00:00 -0400", "1", "Gizmo", "45.00", "Z-1",
         **_order("pending", "", "45.00", who="Carol White")),
    _row("#1005", "dave@example.com", "2024-10-05 10:00:00 -0400", "1", "Gizmo", "60.00", "Z-1",
         **_order("voided", "", "60.00", cancelled="2024-10-05 11:00:00 -0400", who="Dave Brown")),
    _row("#1006", "", "2024-10-06 10:00:00 -0400", "1", "Gizmo", "70.00", "Z-1", **_order("paid", "2024-10-06", "70.00")),
    _row("#1006", "", "2024-10-06 10:00:00 -0400", "1", "Gizmo", "0.00", "Z-1"),
    _row("#1007", "eve@example.com", "2024-10-20 10:00:00 -0400", "1", "Widget", "30.00", "",
         **_order("paid", "2024-10-20 10:01:00 -0400", "30.00", who="Eve Green", city="Boston")),
    _row("#1007", "eve@example.com", "2024-10-20 10:00:00 -0400", "two", "Sticker", "0.00", "S-1"),
]  # fmt: skip


@pytest.fixture
def export(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)
    return write_csv(tmp_path / "orders_export.csv", [HEADER, *ROWS], encoding="utf-8-sig")


def test_hand_worked(export, tmp_path):
    out = tmp_path / "shop"
    assert run_import("shopify-orders", export, "--out", out) == 0
    k = kpis(out, ["2024-09", "2024-10"])
    assert k.loc["2024-09"].tolist() == [2, 2, 1494.0]
    assert k.loc["2024-10"].tolist() == [2, 2, 110.0]
    orders = pd.read_parquet(out / "orders.parquet")
    assert net_sales(orders).to_dict() == {"2024-09": 1444.0, "2024-10": 30.0}
    o = orders.set_index("order_id")
    assert o.status.to_dict() == {
        "#1001": "paid",
        "#1002": "paid",
        "#1003": "refunded",
        "#1004": "cancelled",
        "#1005": "cancelled",
        "#1007": "paid",
    }
    assert o.ts["#1001"] == pd.Timestamp("2024-09-27 12:30")  # offset dropped, wall clock kept
    assert o.user_id["#1001"] == o.user_id["#1003"]  # e-mail compared without case
    assert o.discount["#1001"] == 10.0 and o.refund_amount["#1002"] == 50.0 and o.channel["#1001"] == "web"
    lines = pd.read_parquet(out / "order_items.parquet")
    assert lines[["order_id", "item_id", "quantity", "price"]].values.tolist() == [
        ["#1001", "G-1", 1, 104.0],
        ["#1001", "W-1", 2, 600.0],
        ["#1002", "W-1", 1, 200.0],
        ["#1003", "Z-1", 1, 80.0],
        ["#1004", "Z-1", 1, 45.0],
        ["#1005", "Z-1", 1, 60.0],
        ["#1007", "Widget", 1, 30.0],  # no sku: the line's name is the item
    ]
    users = pd.read_parquet(out / "users.parquet").set_index("user_id")
    assert len(users) == 5 and users.city[o.user_id["#1007"]] == "Boston"
    assert json.loads((out / "_shop.json").read_text()) == {"currency": "USD"}
    (entry,) = json.loads((out / "_import.json").read_text())["imports"]
    assert (entry["rows_read"], entry["rows_imported"]) == (10, 7)
    assert {d["reason"]: d["rows"] for d in entry["rows_dropped"]} == {
        "no Email: the buyer cannot be identified": 2,
        "line dropped: Lineitem quantity is not a whole number": 1,
    }
    text = written_text(out)
    leaked = [
        p for p in ("alice@", "example.com", "Alice Smith", "Main St", "555 0100", "78701") if p in text
    ]
    assert not leaked, leaked


def test_timezone_converts_offset_times(export, tmp_path):
    out = tmp_path / "shop"
    assert run_import("shopify-orders", export, "--out", out, "--timezone", "Asia/Shanghai") == 0
    o = pd.read_parquet(out / "orders.parquet").set_index("order_id")
    assert o.ts["#1002"] == pd.Timestamp("2024-10-01 11:00")  # 22:00 -05:00 = 03:00 UTC = 11:00 +08:00
    k = kpis(out, ["2024-09", "2024-10"])
    assert k.loc["2024-09"].tolist() == [1, 1, 1294.0]
    assert k.loc["2024-10"].tolist() == [3, 3, 310.0]


def test_currency_column_wins_and_mixing_is_refused(export, tmp_path, capsys):
    out = tmp_path / "shop"
    assert run_import("shopify-orders", export, "--out", out, "--currency", "EUR") == 0
    assert json.loads((out / "_shop.json").read_text()) == {"currency": "USD"}
    eur = [r[:] for r in ROWS[:1]]
    eur[0][HEADER.index("Currency")] = "EUR"
    eur[0][0] = "#2001"
    other = write_csv(tmp_path / "eur.csv", [HEADER, *eur])
    assert run_import("shopify-orders", other, "--out", out) == 2
    assert "holds amounts in USD" in capsys.readouterr().err
