"""`shoplab import online-retail` on small files in the UCI Online Retail (CSV) and Online Retail II (two-sheet
workbook) layouts. Hand-worked:

* 536365 (17850): 6 x 2.55 + 6 x 3.39 = 35.64; C536379 cancels 2 lanterns (6.78): partial refund
* 536366 (17850): 6 x 1.85 = 11.10; in January C536392 cancels one hand warmer (1.85): the latest earlier
  invoice of 17850 holding 22633 is this one (536365 has no hand warmer)
* 536367 (13047): 32 x 1.69 = 54.08; C536380 cancels 40 x 1.69 = 67.60, capped at 54.08: refunded
* 536368: no customer, dropped; C536381: stock code 99999 was never sold to 13047, unmatched (dropped)
* 536390 (12583, France, January): 2 x 1.85 = 3.70; 536391 has a negative quantity outside a C-invoice: dropped

December 2010: 3 orders, 2 buyers, GMV 100.82, net sales 28.86 + 9.25 + 0 = 38.11; January 2011: 1 order,
1 buyer, GMV 3.70.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from .import_helpers import SALT, kpis, net_sales, run_import, write_csv

HEADER = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]
ROWS = [
    ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "6", "12/1/2010 8:26", "2.55", "17850.0", "United Kingdom"],
    ["536365", "71053", "WHITE METAL LANTERN", "6", "12/1/2010 8:26", "3.39", "17850.0", "United Kingdom"],
    ["536366", "22633", "HAND WARMER UNION JACK", "6", "12/1/2010 8:28", "1.85", "17850.0", "United Kingdom"],
    ["536367", "84879", "CAFÉ BIRD ORNAMENT", "32", "12/1/2010 8:34", "1.69", "13047.0", "United Kingdom"],
    ["536368", "22960", "JAM MAKING SET WITH JARS", "6", "12/1/2010 8:34", "4.25", "", "United Kingdom"],
    ["C536379", "71053", "WHITE METAL LANTERN", "-2", "12/1/2010 9:41", "3.39", "17850.0", "United Kingdom"],
    ["C536380", "84879", "ASSORTED COLOUR BIRD ORNAMENT", "-40", "12/1/2010 9:45", "1.69", "13047.0", "United Kingdom"],
    ["C536381", "99999", "UNKNOWN", "-1", "12/1/2010 9:50", "5.00", "13047.0", "United Kingdom"],
    ["536390", "22633", "HAND WARMER UNION JACK", "2", "1/5/2011 10:00", "1.85", "12583.0", "France"],
    ["536391", "22633", "HAND WARMER UNION JACK", "-1", "1/5/2011 10:05", "1.85", "12583.0", "France"],
    ["C536392", "22633", "HAND WARMER UNION JACK", "-1", "1/6/2011 11:00", "1.85", "17850.0", "United Kingdom"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


def _check(out):
    k = kpis(out, ["2010-12", "2011-01"])
    assert k.loc["2010-12"].tolist() == pytest.approx([3, 2, 100.82])
    assert k.loc["2011-01"].tolist() == pytest.approx([1, 1, 3.70])
    orders = pd.read_parquet(out / "orders.parquet")
    ns = net_sales(orders)
    assert ns["2010-12"] == pytest.approx(38.11) and ns["2011-01"] == pytest.approx(3.70)
    o = orders.set_index("order_id")
    assert o.refund_amount.to_dict() == pytest.approx(
        {"536365": 6.78, "536366": 1.85, "536367": 54.08, "536390": 0.0}
    )
    assert o.status.to_dict() == {"536365": "paid", "536366": "paid", "536367": "refunded", "536390": "paid"}
    assert o.user_id.to_dict() == {"536365": "17850", "536366": "17850", "536367": "13047", "536390": "12583"}
    assert o.ts["536365"] == pd.Timestamp("2010-12-01 08:26")
    users = pd.read_parquet(out / "users.parquet").set_index("user_id")
    assert users.country.to_dict() == {
        "12583": "France",
        "13047": "United Kingdom",
        "17850": "United Kingdom",
    }
    assert len(pd.read_parquet(out / "order_items.parquet")) == 5
    (entry,) = json.loads((out / "_import.json").read_text())["imports"]
    assert (entry["rows_read"], entry["rows_imported"]) == (11, 8)
    drops = {d["reason"]: d for d in entry["rows_dropped"]}
    assert {r: d["rows"] for r, d in drops.items()} == {
        "no customer id (a guest sale: not attributable to a buyer)": 1,
        "negative Quantity outside a cancellation invoice": 1,
        "cancellation line with no earlier invoice of the same customer holding the same StockCode": 1,
    }
    unmatched = drops[
        "cancellation line with no earlier invoice of the same customer holding the same StockCode"
    ]
    assert (
        unmatched["example"]["InvoiceNo" if "InvoiceNo" in unmatched["example"] else "Invoice"] == "C536381"
    )
    assert any("capped" in n for n in entry["notes"])


def test_uci_csv(tmp_path):
    src = write_csv(tmp_path / "Online Retail.csv", [HEADER, *ROWS], encoding="latin-1")
    out = tmp_path / "shop"
    assert run_import("online-retail", src, "--out", out, "--currency", "GBP") == 0
    _check(out)
    assert json.loads((out / "_shop.json").read_text()) == {"currency": "GBP"}
    items = pd.read_parquet(out / "items.parquet").set_index("item_id")
    assert items.name["84879"] == "CAFÉ BIRD ORNAMENT"  # a Latin-1 file is read as Western, not as GBK


def test_online_retail_ii_workbook_with_two_sheets(tmp_path):
    header = [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    df = pd.DataFrame(ROWS, columns=header)
    df["InvoiceDate"] = pd.to_datetime(df.InvoiceDate, format="%m/%d/%Y %H:%M")
    df["Quantity"] = df.Quantity.astype(int)
    df["Price"] = df.Price.astype(float)
    df["Customer ID"] = pd.to_numeric(df["Customer ID"])  # numbers with NaN, as in the published workbook
    src = tmp_path / "online_retail_II.xlsx"
    with pd.ExcelWriter(src) as xw:
        df[df.InvoiceDate < "2011-01-01"].to_excel(xw, sheet_name="Year 2009-2010", index=False)
        df[df.InvoiceDate >= "2011-01-01"].to_excel(xw, sheet_name="Year 2010-2011", index=False)
    out = tmp_path / "shop"
    assert run_import("online-retail", src, "--out", out) == 0
    _check(out)


def test_monthly_files_refund_invoices_of_earlier_imports(tmp_path):
    # the January file's C536392 cancels a hand warmer of invoice 536366, imported from the December file
    dec = write_csv(tmp_path / "2010-12.csv", [HEADER, *[r for r in ROWS if r[4].startswith("12/")]])
    jan = write_csv(tmp_path / "2011-01.csv", [HEADER, *[r for r in ROWS if r[4].startswith("1/")]])
    out = tmp_path / "shop"
    assert run_import("online-retail", dec, "--out", out) == 0
    assert run_import("online-retail", jan, "--out", out) == 0
    o = pd.read_parquet(out / "orders.parquet").set_index("order_id")
    assert o.refund_amount.to_dict() == pytest.approx(
        {"536365": 6.78, "536366": 1.85, "536367": 54.08, "536390": 0.0}
    )
    assert o.status["536366"] == "paid" and len(o) == 4
    k = kpis(out, ["2010-12", "2011-01"])
    assert k.loc["2010-12"].tolist() == pytest.approx([3, 2, 100.82])
    assert net_sales(o.reset_index())["2010-12"] == pytest.approx(38.11)
    entry = json.loads((out / "_import.json").read_text())["imports"][-1]
    assert (
        entry["rows_replaced"] == {"orders": 1, "users": 1, "items": 1}
        and entry["rows_written"]["orders"] == 2
    )
    assert entry["notes"] == ["1 orders of earlier imports received refunds from this file's cancellations"]
