"""What reports make of an imported folder: the shop's currency (_shop.json) and the import summary in the
data-quality section; one end-to-end `shoplab report --only overview` on an imported Shopify export (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import shoplab
from shoplab.currency import get_currency, set_currency, shop_currency
from shoplab.notebook import data_quality, fmt_change, fmt_value
from shoplab.overview import daily_trend
from shoplab.plots import plot_daily_trend, yuan_formatter

from .import_helpers import SALT, run_import, write_csv
from .test_shopify import HEADER, ROWS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def usd_shop(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)
    src = write_csv(tmp_path / "orders_export.csv", [HEADER, *ROWS])
    out = tmp_path / "shop"
    assert run_import("shopify-orders", src, "--out", out) == 0
    yield out
    set_currency(None)  # other tests expect the default


def test_shop_currency_reader(tmp_path, usd_shop):
    assert shop_currency(usd_shop) == "USD"
    assert shop_currency(str(usd_shop)) == "USD"
    assert shop_currency(tmp_path / "nowhere") == "CNY"
    (tmp_path / "bare").mkdir()
    assert shop_currency(tmp_path / "bare") == "CNY"
    (tmp_path / "bare" / "_shop.json").write_text("not json")
    assert shop_currency(tmp_path / "bare") == "CNY"


def test_money_is_formatted_in_the_shops_currency(usd_shop, sample_dir):
    assert fmt_value(1294.0, "yuan") == "¥1,294"
    shop = shoplab.connect(usd_shop)
    assert shop_currency(shop) == "USD" and get_currency() == "USD"
    assert fmt_value(1294.0, "yuan") == "$1,294" and fmt_value(-12.5, "yuan") == "-$12.50"
    assert fmt_value(0, "yuan") == "$0" and fmt_change(-14.34, "yuan") == "-$14.34"
    assert yuan_formatter("en")(1234, 0) == "$1,234"
    ax = plot_daily_trend(daily_trend(shop, "2024-10"), lang="en")
    assert ax.get_ylabel() == "GMV ($ per day)"
    plt.close(ax.figure)
    set_currency("EUR")
    assert fmt_value(5.0, "yuan") == "€5.00"
    shoplab.connect(sample_dir)  # a folder without _shop.json: yuan again
    assert fmt_value(1294.0, "yuan") == "¥1,294"


def test_data_quality_shows_the_import_summary(usd_shop, sample_dir):
    shop = shoplab.connect(usd_shop)
    en = data_quality(shop, lang="en").data
    assert (
        "Imported with shoplab import (shopify-orders) from 1 file(s): 10 rows read, 7 imported, 3 left out "
        "(2 no Email: the buyer cannot be identified; 1 line dropped: Lineitem quantity is not a whole number)"
    ) in en
    zh = data_quality(shop, lang="zh").data
    assert "数据由 shoplab import（shopify-orders）从 1 个文件导入：读取 10 行，导入 7 行，舍弃 3 行" in zh
    # the reasons in Chinese too (the manifest keeps both)
    assert "（无 Email：无法识别买家 2 行；舍弃商品行：Lineitem quantity 不是整数 1 行）" in zh
    assert "Email: the buyer" not in zh
    assert "shoplab import" not in data_quality(shoplab.connect(sample_dir), lang="en").data


@pytest.mark.slow
def test_report_on_an_imported_export(usd_shop, tmp_path):
    out = tmp_path / "reports"
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "report", "--source", str(usd_shop), "--period", "2024-10",
         "--only", "overview", "--out", str(out), "--notebooks", str(ROOT / "notebooks")],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr
    html = (out / "2024-10" / "overview.html").read_text(encoding="utf-8")
    assert "$110" in html and "¥110" not in html  # October GMV (hand-worked in test_shopify), in dollars
    assert "Imported with shoplab import (shopify-orders)" in html
    metrics = json.loads((out / "2024-10" / "metrics.json").read_text())
    assert metrics["overview.gmv"] == 110.0 and metrics["overview.orders"] == 2
