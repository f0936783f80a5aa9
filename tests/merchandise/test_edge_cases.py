"""The report on thin data: no sale in the period, no inventory date in it, no order lines, only the required
tables. It computes, words its findings in both languages and records only the numbers the data allows."""

from __future__ import annotations

import pandas as pd
import pytest

from shoplab import merchandise as m

from .conftest import PERIOD, random_shop, shop_of

T = random_shop(5)
CASES = {
    "no_sale_in_period": dict(T, orders=T["orders"].assign(ts=pd.Timestamp("2026-01-05"))),
    "no_inventory_date_in_period": dict(
        T, inventory=T["inventory"].assign(date=pd.Timestamp("2025-01-01").date())
    ),
    "no_order_lines": dict(T, order_items=T["order_items"].iloc[:0]),
    "required_tables_only": {k: v for k, v in T.items() if k in ("orders", "order_items")},
}


@pytest.mark.parametrize("case", list(CASES))
def test_thin_data(case):
    r = m.compute_report(shop_of(**CASES[case]), period=PERIOD)
    for lang in ("en", "zh"):
        assert m.text.findings(r, lang=lang)
        m.text.key_numbers(r, lang=lang)
        m.text.tier_table(r.tier_mix, lang=lang)
        m.text.category_table(r.categories, lang=lang)
        m.text.band_table(r.price_bands, lang=lang)
        m.text.stage_table(r.lifecycle, lang=lang)
        m.text.pairs_table(r.bought_together, names=r.item_names, lang=lang)
        assert m.text.launch_note(r.launches, lang=lang) or len(r.launches.items)
        if r.launches is not None:
            m.text.launch_table(r.launches, names=r.item_names, lang=lang)
        if r.hit_rate is not None:
            m.text.hit_rate_sentence(r.hit_rate, lang=lang)
        if r.stock is not None:
            m.text.alert_table(r.alerts, names=r.item_names, lang=lang)
            m.text.stockout_table(r.stock, names=r.item_names, lang=lang)
            m.text.inventory_table(r.inventory, lang=lang)
    h = m.metrics.record_headlines(r)
    assert "merchandise.skus_sold" in h
    if case in ("no_sale_in_period", "no_order_lines"):
        assert h["merchandise.skus_sold"] == 0 and "merchandise.tier_share.core" not in h
