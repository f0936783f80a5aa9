"""Per format, the hand-worked totals of its fixture (each test_import_<format>.py's docstring: orders, buyers,
GMV, net sales per month) equal what the overview report shows for each month: ``overview.compute_report``,
the numbers the notebook renders and records in metrics.json (the GMV of the Shopify fixture is also checked
through `shoplab report` in test_import_report.py). The importer's tests check the written rows; this file
checks the report's reading of them, net sales included (refund_amount subtracted, GMV gross)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shoplab
from shoplab.overview import compute_report

from . import test_mapping as jd
from . import test_online_retail as uci
from . import test_shopify as shopify
from . import test_taobao as taobao
from .import_helpers import SALT, run_import, write_csv, write_xlsx

KEYS = ["orders", "buyers", "gmv", "net_sales"]


def _shown(out, months):
    for f in out.glob("*.parquet"):  # timestamps are written naive (wall-clock), as the issue asks
        stamps = [c for c in pq.read_schema(f) if pa.types.is_timestamp(c.type)]
        assert all(c.type.tz is None for c in stamps), f"{f.name}: {stamps}"
    shop = shoplab.connect(out)
    assert not shop.validation.errors, str(shop.validation)
    summary = {m: compute_report(shop, period=m).summary for m in months}
    return {m: [float(s.loc[k, "value"]) for k in KEYS] for m, s in summary.items()}


@pytest.fixture(autouse=True)
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


def test_taobao_orders(tmp_path):
    src = write_csv(tmp_path / "订单报表.csv", [taobao.HEADER, *taobao.SEPT, *taobao.OCT], encoding="gbk")
    assert run_import("taobao-orders", src, "--out", tmp_path / "shop") == 0
    assert _shown(tmp_path / "shop", ["2024-09", "2024-10"]) == {
        "2024-09": [2, 1, 1494.0, 1444.0],  # 1294 + 200 (50 refunded)
        "2024-10": [2, 2, 358.0, 58.0],  # 300 refunded in full + 58
    }


def test_shopify_orders(tmp_path):
    src = write_csv(tmp_path / "orders_export.csv", [shopify.HEADER, *shopify.ROWS], encoding="utf-8-sig")
    assert run_import("shopify-orders", src, "--out", tmp_path / "shop") == 0
    assert _shown(tmp_path / "shop", ["2024-09", "2024-10"]) == {
        "2024-09": [2, 2, 1494.0, 1444.0],  # #1001 1294, #1002 200 (50 refunded)
        "2024-10": [2, 2, 110.0, 30.0],  # #1003 80 refunded in full, #1007 30
    }


def test_online_retail(tmp_path):
    src = write_csv(tmp_path / "Online Retail.csv", [uci.HEADER, *uci.ROWS], encoding="latin-1")
    assert run_import("online-retail", src, "--out", tmp_path / "shop", "--currency", "GBP") == 0
    shown = _shown(tmp_path / "shop", ["2010-12", "2011-01"])
    # 35.64 - 6.78 + 11.10 - 1.85 + 54.08 - 54.08 = 38.11
    assert shown["2010-12"] == pytest.approx([3, 2, 100.82, 38.11])
    assert shown["2011-01"] == pytest.approx([1, 1, 3.70, 3.70])


def test_mapping(tmp_path):
    mapping = tmp_path / "jd-orders.toml"
    mapping.write_text(jd._worked_example(), encoding="utf-8")
    src = write_xlsx(tmp_path / "jd_export.xlsx", [jd.HEADER, *jd.ROWS])
    assert run_import("mapping", src, "--mapping", mapping, "--out", tmp_path / "shop") == 0
    assert _shown(tmp_path / "shop", ["2024-09", "2024-10"]) == {
        "2024-09": [1, 1, 100.0, 100.0],  # JD1; JD2 cancelled
        "2024-10": [2, 2, 1080.0, 1000.0],  # JD3 80 refunded (in GMV, not in net), JD4 1,000
    }
