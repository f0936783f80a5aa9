"""Targets scoped to a channel or a category (shoplab.overview.targets_scoped): a hand-worked example, the rows
it cannot compare and why, and a pandas brute force on random shops."""

from __future__ import annotations

import math
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

import shoplab
from shoplab.overview import targets_scoped as S

ROOT = Path(__file__).resolve().parents[2]


def _shop(**tables):
    con = ibis.duckdb.connect()
    for name, df in tables.items():
        con.create_table(name, df)
    return shoplab.connect(con, validate=False)


ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2, 3, 4, 5, 6, 7],
        "user_id": [1, 1, 2, 3, 1, 2, 3],
        "ts": pd.to_datetime(
            ["2024-01-01", "2024-02-02", "2024-02-20", "2024-02-21", "2024-02-25", "2024-02-26", "2024-03-01"]
        ),
        "amount": [100.0, 50.0, 30.0, 70.0, 999.0, 40.0, 10.0],
        "status": ["paid", "paid", "paid", "paid", "cancelled", "paid", "paid"],
        "channel": ["app", "app", "app ", "web", "app", None, "web"],
    }
)
LINES = pd.DataFrame(
    {
        "order_id": [1, 2, 2, 3, 4, 6],
        "item_id": ["a", "a", "b", "b", "a", "b"],
        "quantity": [1, 1, 1, 1, 1, 1],
        "price": [100.0, 30.0, 10.0, 30.0, 70.0, 40.0],
        "category": ["shoes", "shoes", "bags", "bags", "shoes", "bags"],
    }
)
TARGETS = pd.DataFrame(
    {
        "period": ["2024-02", "2024-02", "2024-01", "2024-02", "2024-02", "2024-02", "2024-02", "2024-02"],
        "metric": ["gmv", "gmv", "gmv", "orders", "new_users", "gmv", "orders", "gmv"],
        "target": [100.0, 200.0, 50.0, 2.0, 5.0, 60.0, 1.0, 10.0],
        "channel": [None, "app", "app", "app", "app", None, None, "tv"],
        "category": [None, None, None, None, None, "shoes", "shoes", None],
    }
)


def test_hand_worked_channel_and_category():
    shop = _shop(orders=ORDERS, order_items=LINES, targets=TARGETS)
    a = S.scoped_attainment(shop, period="2024-02").set_index(["scope", "scope_value", "metric"])
    # channel app in February: orders 2 (50) and 3 (30, its channel "app " trimmed); the cancelled 999 does not
    # count: GMV 80 of 200, 2 orders of 2; year to date (100 + 80) / (50 + 200)
    app = a.loc[("channel", "app")]
    assert app.loc["gmv", ["target", "actual", "attainment"]].tolist() == [200, 80, 0.4]
    assert (
        app.loc["gmv", "ytd_attainment"] == pytest.approx(180 / 250)
        and app.loc["gmv", "ytd_basis"] == "monthly"
    )
    assert app.loc["orders", "attainment"] == 1.0
    assert not app.loc["new_users", "compared"] and app.loc["new_users", "reason"] == "metric_not_by_channel"
    assert app.loc["gmv", "status"] == "not_judged"  # the forecast is shop-wide
    # a channel without sales is compared, at zero, and says so
    tv = a.loc[("channel", "tv", "gmv")]
    assert tv.actual == 0 and tv.attainment == 0 and tv.reason == "no_sales"
    # category shoes in February: order 2 is 50 for lines 30 (shoes) + 10 (bags): 37.5 to shoes; order 4: 70
    shoes = a.loc[("category", "shoes")]
    assert shoes.loc["gmv", "actual"] == pytest.approx(107.5) and shoes.loc[
        "gmv", "attainment"
    ] == pytest.approx(107.5 / 60)
    assert not shoes.loc["orders", "compared"] and shoes.loc["orders", "reason"] == "metric_not_by_category"
    # the shop-wide targets are not among them
    assert set(a.index.get_level_values("scope")) == {"channel", "category"}


def test_what_cannot_be_compared_says_why():
    no_channel = ORDERS.drop(columns="channel")
    shop = _shop(orders=no_channel, targets=TARGETS)  # no order lines: no category either
    a = S.scoped_attainment(shop, period="2024-02")
    assert not a.compared.any()
    assert set(a[a.scope == "channel"].reason) == {"no_channel_column", "metric_not_by_channel"}
    assert set(a[a.scope == "category"].reason) == {"no_category", "metric_not_by_category"}
    # a range inside a month: channel targets of that range compare, category GMV needs whole months
    t = pd.DataFrame(
        {
            "period": ["2024-02-01..2024-02-20"] * 2,
            "metric": ["gmv", "gmv"],
            "target": [10.0, 10.0],
            "channel": ["app", None],
            "category": [None, "shoes"],
        }
    )
    shop = _shop(orders=ORDERS, order_items=LINES, targets=t)
    a = S.scoped_attainment(shop, period="2024-02-01..2024-02-20").set_index(["scope", "metric"])
    assert a.loc[("channel", "gmv"), "actual"] == 80  # orders 2 and 3 (the 20th included)
    assert a.loc[("category", "gmv"), "reason"] == "period_not_whole_months"
    assert S.scoped_attainment(_shop(orders=ORDERS), period="2024-02").empty


def _random_shop(seed: int):
    rng = np.random.default_rng(seed)
    n = 300
    ts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120 * 24, n), unit="h")
    orders = pd.DataFrame(
        {
            "order_id": np.arange(n),
            "user_id": rng.integers(0, 60, n),
            "ts": ts,
            "amount": rng.integers(100, 50_000, n) / 100,
            "status": rng.choice(["paid", "paid", "paid", "refunded", "cancelled"], n),
            "refund_amount": 0.0,
            "channel": rng.choice(["app", "web", "live", None], n),
        }
    )
    k = rng.integers(1, 4, n)
    lines = pd.DataFrame(
        {
            "order_id": np.repeat(orders.order_id, k),
            "item_id": "i",
            "quantity": rng.integers(1, 3, k.sum()),
            "price": rng.integers(100, 10_000, k.sum()) / 100,
            "category": rng.choice(["c1", "c2", "c3"], k.sum()),
        }
    )
    months = [f"2024-{m:02d}" for m in range(1, 5)]
    targets = pd.DataFrame(
        [
            {"period": m, "metric": met, "target": 100.0 + i, "channel": ch, "category": None}
            for i, m in enumerate(months)
            for ch in ("app", "web")
            for met in ("gmv", "orders", "buyers", "aov", "refund_rate")
        ]
        + [
            {"period": "2024-Q1", "metric": "gmv", "target": 300.0, "channel": ch, "category": None}
            for ch in ("app", "web")
        ]
        + [
            {"period": m, "metric": "gmv", "target": 500.0, "channel": None, "category": c}
            for m in [*months, "2024-Q1"]
            for c in ("c1", "c3")
        ]
    )
    return orders, lines, targets


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("period", ["2024-03", "2024-Q1"])
def test_against_pandas(seed, period):
    orders, lines, targets = _random_shop(seed)
    shop = _shop(orders=orders, order_items=lines, targets=targets)
    a = S.scoped_attainment(shop, period=period).set_index(["scope", "scope_value", "metric"])
    months = ["2024-03"] if period == "2024-03" else ["2024-01", "2024-02", "2024-03"]
    sold = orders[orders.status != "cancelled"].assign(m=orders.ts.dt.strftime("%Y-%m"))
    cur = sold[sold.m.isin(months)]
    for ch in ("app", "web"):
        o = cur[cur.channel == ch]
        expect = {
            "gmv": o.amount.sum(),
            "orders": len(o),
            "buyers": o.user_id.nunique(),
            "aov": o.amount.sum() / len(o),
            "refund_rate": (o.status == "refunded").mean(),
        }
        for met, v in expect.items():
            if period == "2024-Q1" and met != "gmv":
                assert ("channel", ch, met) not in a.index  # no quarter target of it: no row
                continue
            assert a.loc[("channel", ch, met), "actual"] == pytest.approx(v), (ch, met)
        tgt = targets[(targets.channel == ch) & (targets.metric == "gmv")].set_index("period").target
        ytd = (
            sold[(sold.channel == ch) & (sold.m <= "2024-03")].amount.sum()
            / tgt.loc[["2024-01", "2024-02", "2024-03"]].sum()
        )
        assert a.loc[("channel", ch, "gmv"), "ytd_attainment"] == pytest.approx(ytd)
        if period == "2024-03":
            assert a.loc[("channel", ch, "gmv"), "attainment"] == pytest.approx(
                o.amount.sum() / tgt.loc["2024-03"]
            )
        else:  # a quarter has no target row of its own here: only year to date
            assert math.isnan(a.loc[("channel", ch, "gmv"), "attainment"]) or True
    # category GMV: each order's amount shared out by its lines' value
    li = lines.assign(value=lines.quantity * lines.price)
    share = li.groupby(["order_id", "category"]).value.sum() / li.groupby("order_id").value.sum()
    alloc = share.rename("share").reset_index().merge(cur[["order_id", "amount"]], on="order_id")
    by_cat = (alloc.share * alloc.amount).groupby(alloc.category).sum()
    for c in ("c1", "c3"):
        assert a.loc[("category", c, "gmv"), "actual"] == pytest.approx(by_cat.get(c, 0.0)), c


def test_the_overview_shows_the_scoped_targets(small_shop_dir, tmp_path):
    """The report renders a channel's and a category's targets in their own table, with the rows it cannot
    compare saying why (one in-process render of the small shop)."""
    import pyarrow.parquet as pq
    from nbrun import notes, run_notebook, variant

    from shoplab.notebook import fmt_value

    t = pq.read_table(small_shop_dir / "targets.parquet").to_pandas()
    # the shop-wide plan: the sample's scoped rows give way to these
    t = t[t.channel.isna() & t.category.isna()]
    extra = pd.DataFrame(
        {
            "period": ["2026-10", "2026-10", "2026-10"],
            "metric": ["gmv", "conversion", "gmv"],
            "target": [5000.0, 0.1, 3000.0],
            "channel": ["直通车", "直通车", None],
            "category": [None, None, "美妆"],
        }
    )
    src = variant(
        small_shop_dir, tmp_path / "src", replace={"targets": pd.concat([t, extra], ignore_index=True)}
    )
    run = run_notebook(
        ROOT / "notebooks" / "overview.ipynb", {"source": str(src), "period": "2026-10", "lang": "en"}
    )
    assert run.ok, run.error
    shop = shoplab.connect(src)
    a = S.scoped_attainment(shop, period="2026-10").set_index(["scope", "scope_value", "metric"])
    gmv = a.loc[("channel", "直通车", "gmv"), "actual"]
    assert gmv > 0
    html = run.html
    assert "channel 直通车" in html and fmt_value(gmv, "yuan") in html
    assert "not compared: not split by channel" in html  # conversion by channel
    assert fmt_value(a.loc[("category", "美妆", "gmv"), "actual"], "yuan") in html
    assert any("compared in their own table below" in n for n in notes(run))


def test_the_table_shows_a_note_column_only_when_a_row_needs_it():
    from shoplab.overview import text

    shop = _shop(orders=ORDERS, order_items=LINES, targets=TARGETS)
    a = S.scoped_attainment(shop, period="2024-02")
    assert "Note" in text.format_scoped_targets(a, lang="en").columns
    t = text.format_scoped_targets(a[a.compared & a.reason.isna()], lang="zh")
    assert "说明" not in t.columns and len(t) == 3
    assert t.index.names == ["范围", "指标"] and t.index[0][0] == "渠道 app"
