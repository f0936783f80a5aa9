"""Category contribution (additive, sums exactly), price bands and lifecycle stages against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import structure

from .conftest import P_END, P_START, PERIOD, counted_lines, random_shop, shop_of


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.booleans())
def test_category_contribution_sums_exactly_and_matches_pandas(seed, on_lines):
    t = random_shop(seed, n_items=9, n_orders=80, inventory=False, events=False)
    cats = np.random.default_rng(seed).choice(["美妆", "服饰", "食品", None], len(t["items"]))
    t["items"]["category"] = cats
    t["orders"]["ts"] = t["orders"]["ts"] - pd.Timedelta(days=100)  # some orders fall a year before October
    t["orders"] = pd.concat(
        [
            t["orders"],
            t["orders"].assign(
                order_id=t["orders"].order_id + 1000, ts=t["orders"].ts - pd.DateOffset(years=1)
            ),
        ]
    )
    t["order_items"] = pd.concat(
        [t["order_items"], t["order_items"].assign(order_id=t["order_items"].order_id + 1000)]
    )
    if on_lines:
        t["order_items"]["category"] = t["order_items"].item_id.map(t["items"].set_index("item_id").category)
    c = structure.category_contribution(shop_of(**t), period=PERIOD).set_index("category")
    for name in ("previous", "last_year"):
        total_before = c[name].sum()
        assert c[f"change_{name}"].sum() == pytest.approx(c["gmv"].sum() - total_before, abs=1e-9)
        if total_before:
            assert c[f"contribution_{name}"].sum() == pytest.approx(
                c["gmv"].sum() / total_before - 1, abs=1e-12
            )
    # pandas oracle of the current and previous month per category
    cat = t["items"].set_index("item_id").category.fillna("(none)")
    for col, (lo, hi) in (("gmv", (P_START, P_END)), ("previous", (pd.Timestamp("2026-09-01"), P_START))):
        j = counted_lines(t, lo, hi)
        want = j.gmv.groupby(j.item_id.map(cat)).sum()
        got = c[col][c[col] != 0]
        want = want[want != 0]
        assert got.sort_index().to_dict() == pytest.approx(want.sort_index().to_dict())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_price_bands_match_pandas(seed):
    t = random_shop(seed, inventory=False, events=False)
    b = structure.price_bands(shop_of(**t), period=PERIOD, edges=(0, 6, 10, np.inf))
    j = counted_lines(t)
    j = j[j.gmv > 0]
    band = pd.cut(j.price, [0, 6, 10, np.inf], right=False, labels=False)
    want = j.gmv.groupby(band).sum().reindex(range(3)).fillna(0)
    np.testing.assert_allclose(b.gmv.to_numpy(), want.to_numpy())
    assert b.lines.sum() == len(j)
    if len(j):
        assert b.share.sum() == pytest.approx(1.0)


def test_lifecycle_stages_by_hand():
    end = pd.Timestamp("2026-11-01")
    # item: (GMV in the previous 90 days, GMV in the last 90 days)
    cases = {
        1: (100.0, 130.0),
        2: (100.0, 70.0),
        3: (100.0, 110.0),
        4: (100.0, 0.0),
        5: (0.0, 40.0),
        6: (0.0, 50.0),
    }
    rows, lines = [], []
    oid = 0
    for item, (before, after) in cases.items():
        for value, ts in ((before, end - pd.Timedelta(days=120)), (after, end - pd.Timedelta(days=30))):
            if value:
                oid += 1
                rows.append((oid, 1, ts))
                lines.append((oid, item, 1, value))
    orders = pd.DataFrame(rows, columns=["order_id", "user_id", "ts"]).assign(amount=1.0)
    oi = pd.DataFrame(lines, columns=["order_id", "item_id", "quantity", "price"])
    items = pd.DataFrame(
        {
            "item_id": range(1, 7),
            "launch_ts": [pd.Timestamp("2024-01-01")] * 5 + [end - pd.Timedelta(days=40)],
        }
    )
    got = structure.lifecycle(shop_of(orders=orders, order_items=oi, items=items), period=PERIOD)
    stage = got.set_index("item_id").stage.to_dict()
    assert stage == {1: "growth", 2: "decline", 3: "maturity", 4: "decline", 5: "growth", 6: "introduction"}
