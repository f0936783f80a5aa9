"""SKU ranking, concentration and sell-through against pandas brute force on random small catalogues, and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import skus

from .conftest import P_END, P_START, PERIOD, counted_lines, random_shop, shop_of

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def oracle_ranking(t: dict) -> pd.DataFrame:
    j = counted_lines(t)
    g = j.groupby("item_id")
    df = pd.DataFrame(
        {
            "gmv": g.gmv.sum(),
            "units": g.quantity.sum(),
            "buyers": j[j.gmv > 0].groupby("item_id").user_id.nunique(),
            "refunded": j[j.status == "refunded"].groupby("item_id").gmv.sum(),
        }
    ).fillna({"refunded": 0.0})
    df = df[df.gmv > 0]
    cost = t["items"].set_index("item_id").cost
    df["cost"] = [(j[j.item_id == i].quantity * cost[i]).sum() for i in df.index]
    df["refund_share"] = df.refunded / df.gmv
    # 90-day repurchase, by brute force over every pair of lines
    allj = counted_lines(t, pd.Timestamp("2000-01-01"), pd.Timestamp("2100-01-01"))
    allj = allj[allj.gmv > 0]
    inp = j[j.gmv > 0]
    rep = {}
    for i in df.index:
        users = inp[inp.item_id == i].user_id.unique()
        n = 0
        for u in users:
            first = inp[(inp.item_id == i) & (inp.user_id == u)].ts.min()
            later = allj[(allj.item_id == i) & (allj.user_id == u)].ts
            n += bool(((later > first) & (later <= first + pd.Timedelta(days=90))).any())
        rep[i] = n / len(users)
    df["repurchase_rate"] = pd.Series(rep)
    ev = t["events"]
    v = ev[(ev.event == "product_view") & ev.item_id.notna() & (ev.ts >= P_START) & (ev.ts < P_END)]
    df["views"] = v.groupby("item_id").size().reindex(df.index).fillna(0)
    conv = {}
    for i in df.index:
        viewers = set(v[v.item_id == i].user_id)
        buyers = set(inp[inp.item_id == i].user_id)
        conv[i] = len(viewers & buyers) / len(viewers) if viewers else np.nan
    df["view_conversion"] = pd.Series(conv)
    return df


@SETTINGS
@given(st.integers(0, 10_000))
def test_ranking_matches_brute_force(seed):
    t = random_shop(seed)
    got = skus.sku_ranking(shop_of(**t), period=PERIOD).set_index("item_id")
    want = oracle_ranking(t)
    assert sorted(got.index) == sorted(want.index)
    for c in (
        "gmv",
        "units",
        "buyers",
        "cost",
        "refund_share",
        "repurchase_rate",
        "views",
        "view_conversion",
    ):
        np.testing.assert_allclose(got[c].astype(float), want.loc[got.index, c].astype(float), err_msg=c)
    assert list(got["rank"]) == list(range(1, len(got) + 1))
    assert (np.diff(got["gmv"].to_numpy()) <= 1e-9).all()
    np.testing.assert_allclose(got["margin"], got["gmv"] - got["cost"])


@SETTINGS
@given(st.integers(0, 10_000))
def test_concentration_and_sell_through_match_brute_force(seed):
    t = random_shop(seed)
    shop = shop_of(**t)
    r = skus.sku_ranking(shop, period=PERIOD)
    c = skus.concentration(r)
    j = counted_lines(t)
    gmv = j.groupby("item_id").gmv.sum()
    gmv = gmv[gmv > 0].sort_values(ascending=False)
    assert c.skus_sold == len(gmv)
    if len(gmv):
        k = math.ceil(0.2 * len(gmv))
        assert c.top20_share == pytest.approx(gmv.iloc[:k].sum() / gmv.sum())
        before = gmv.cumsum() / gmv.sum() - gmv / gmv.sum()
        before = before.clip(lower=0).round(12)
        assert c.abc_items["A"] == int((before < 0.8).sum())
        assert c.abc_items["B"] == int(((before >= 0.8) & (before < 0.95)).sum())
        assert sum(c.abc_items.values()) == len(gmv)
        assert c.pareto["gmv_share"].iloc[-1] == pytest.approx(1.0)
    # sell-through, the definition literally
    items, inv = t["items"], t["inventory"]
    sold = set(gmv.index) & set(items.item_id)
    d = pd.to_datetime(inv.date)
    stocked = set(inv[(d >= P_START) & (d < P_END) & (inv.on_hand > 0)].item_id)
    launched = items.launch_ts.isna() | (items.launch_ts < P_END)
    live = items.status.isna() | (items.status != "retired")
    on_sale = set(items[launched & live & items.item_id.isin(stocked)].item_id) | sold
    s = skus.sell_through(shop, period=PERIOD)
    assert (s.sold, s.on_sale) == (len(sold), len(on_sale))
    # without inventory: launched and not retired
    t2 = {k: v for k, v in t.items() if k != "inventory"}
    s2 = skus.sell_through(shop_of(**t2), period=PERIOD)
    assert s2.on_sale == len(set(items[launched & live].item_id) | sold)


def test_hand_worked_ranking():
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5],
            "user_id": [1, 1, 2, 3, 1],
            "ts": pd.to_datetime(["2026-10-01", "2026-10-05", "2026-10-07", "2026-10-09", "2026-12-20"]),
            "amount": 1.0,
            "status": ["paid", "paid", "refunded", "cancelled", "paid"],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": [1, 2, 2, 3, 4, 5],
            "item_id": [10, 10, 20, 20, 30, 10],
            "quantity": [1, 2, 1, 3, 5, 1],
            "price": [10.0, 10.0, 4.0, 4.0, 100.0, 10.0],
        }
    )
    items = pd.DataFrame({"item_id": [10, 20, 30, 40], "cost": [6.0, 1.0, 50.0, 1.0]})
    r = skus.sku_ranking(shop_of(orders=orders, order_items=lines, items=items), period=PERIOD)
    r = r.set_index("item_id")
    assert list(r.index) == [10, 20]  # the cancelled order's item 30 did not sell
    assert r.loc[10, ["gmv", "units", "buyers", "cost"]].tolist() == [30.0, 3, 1, 18.0]
    assert r.loc[20, "refund_share"] == pytest.approx(12 / 16)
    # user 1 bought 10 on 10-01 and again on 10-05 (the 12-20 order is 80 days after 10-01 too)
    assert r.loc[10, "repurchase_rate"] == 1.0 and r.loc[20, "repurchase_rate"] == 0.0
    c = skus.concentration(r.reset_index())
    assert c.skus_sold == 2 and c.top_n == 1 and c.top20_share == pytest.approx(30 / 46)
    assert r["abc"].tolist() == ["A", "A"]  # before item 20 the cumulative share is 65% < 80%: A too
