"""The 4321 rule against a pandas re-implementation on random small catalogues, and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import skus, stock, tiers

from .conftest import P_END, PERIOD, counted_lines, random_shop, shop_of


def oracle_tiers(t: dict, cover: pd.Series) -> pd.Series:
    j = counted_lines(t)
    gmv = j.groupby("item_id").gmv.sum()
    prev = (
        counted_lines(t, pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")).groupby("item_id").gmv.sum()
    )
    on_sale = set(skus.on_sale_items(shop_of(**t), period=PERIOD).query("on_sale").item_id)
    universe = sorted(set(gmv[gmv > 0].index) | on_sale)
    g = gmv.reindex(universe).fillna(0.0)
    order = sorted(universe, key=lambda i: (-g[i], i))
    sold = [i for i in order if g[i] > 0]
    n = len(sold)
    items = t["items"].set_index("item_id")
    out = {}
    for i in universe:
        r = sold.index(i) + 1 if i in sold else math.inf
        age = (P_END - items.launch_ts.get(i)).total_seconds() / 86400 if i in items.index else np.nan
        retired = i in items.index and items.status.get(i) == "retired"
        growing = g[i] > prev.get(i, 0.0)
        over = cover.get(i, np.nan) > 90
        if r <= math.ceil(0.2 * n):
            out[i] = "core"
        elif age < 90:
            out[i] = "test"
        elif retired or g[i] <= 0 or over or (r > n / 2 and not growing):
            out[i] = "clearance"
        else:
            out[i] = "potential"
    return pd.Series(out)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_tiers_match_the_rule_and_shares_sum_to_one(seed):
    t = random_shop(seed, n_items=10, n_orders=60)
    shop = shop_of(**t)
    r = skus.sku_ranking(shop, period=PERIOD)
    s = stock.item_stock(shop, period=PERIOD)
    got = tiers.classify(shop, period=PERIOD, ranking=r, stock=s).set_index("item_id")
    want = oracle_tiers(t, s.set_index("item_id").cover_days)
    assert got.tier.sort_index().to_dict() == want.sort_index().to_dict()
    mix = tiers.tier_mix(got.reset_index())
    if r.gmv.sum() > 0:
        assert mix.gmv_share.sum() == pytest.approx(1.0)
        for tier in tiers.TIERS:
            assert mix.set_index("tier").gmv_share[tier] == pytest.approx(
                got[got.tier == tier].gmv.sum() / r.gmv.sum()
            )
    roles = t["items"].set_index("item_id").role
    d = tiers.role_disagreements(got.reset_index())
    expected = {i for i in got.index if i in roles.index and pd.notna(roles[i]) and roles[i] != got.tier[i]}
    assert set(d.item_id) == expected


def test_hand_worked_tiers():
    # 10 items sold in October with GMV 100, 90, ..., 10; item 11 on sale, unsold; item 12 launched 30 days ago
    n = 10
    orders = pd.DataFrame(
        {
            "order_id": range(1, 2 * n + 3),
            "user_id": 1,
            "ts": [pd.Timestamp("2026-10-10")] * (n + 1) + [pd.Timestamp("2026-09-10")] * (n + 1),
            "amount": 1.0,
        }
    )
    gmv_oct = [100.0 - 10 * k for k in range(n)] + [5.0]  # the 11th line is item 12's
    ids = list(range(1, n + 1)) + [12]
    gmv_sep = [50.0] * n + [0.0]
    gmv_sep[8] = 1.0  # item 9 grows (20 against 1): potential although in the bottom half
    lines = pd.DataFrame(
        {
            "order_id": range(1, 2 * n + 3),
            "item_id": ids + ids,
            "quantity": 1,
            "price": gmv_oct + gmv_sep,
        }
    )
    lines = lines[lines.price > 0]
    items = pd.DataFrame(
        {
            "item_id": list(range(1, 13)),
            "launch_ts": [pd.Timestamp("2024-01-01")] * 11 + [pd.Timestamp("2026-10-02")],
            "role": ["clearance"] + ["potential"] * 10 + ["test"],
        }
    )
    shop = shop_of(orders=orders, order_items=lines, items=items)
    r = skus.sku_ranking(shop, period=PERIOD)
    got = tiers.classify(shop, period=PERIOD, ranking=r).set_index("item_id").tier
    # 11 sold -> ceil(2.2) = 3 core: items 1, 2, 3; item 12 (launched 30 days before the end) is test;
    # bottom half (rank > 5.5): items 6, 7, 8, 9, 10 (rank 6..10) and 11 unsold; item 9 grows
    assert got.to_dict() == {
        1: "core",
        2: "core",
        3: "core",
        4: "potential",
        5: "potential",
        6: "clearance",
        7: "clearance",
        8: "clearance",
        9: "potential",
        10: "clearance",
        11: "clearance",
        12: "test",
    }
    d = tiers.role_disagreements(tiers.classify(shop, period=PERIOD, ranking=r))
    assert d.iloc[0].item_id == 1 and bool(
        d.iloc[0].strong_disagreement
    )  # planned clearance, behaves as core
