"""The overview's scorecard (shoplab.overview.scorecard) on a hand-worked shop, and each number skipped with a
reason when its table is missing."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest

import shoplab
from shoplab.overview import scorecard as S
from shoplab.overview import text

ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2, 3, 4, 5, 6],
        "user_id": [1, 2, 3, 4, 5, 1],
        "ts": pd.to_datetime(
            ["2023-01-01", "2023-01-20", "2023-06-01", "2023-08-15", "2023-07-20", "2024-01-05"]
        ),
        "amount": [100.0, 50.0, 10.0, 20.0, 30.0, 200.0],
        "status": ["paid"] * 6,
        "channel": ["app", "web", "web", "web", "app", "app"],
    }
)
LINES = pd.DataFrame({"order_id": [6], "item_id": [7], "quantity": [2], "price": [100.0]})
ITEMS = pd.DataFrame({"item_id": [7], "cost": [30.0]})
FEEDBACK = pd.DataFrame(
    {
        "user_id": [1, 2, 3, 4, 5],
        "ts": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2023-12-30"]),
        "kind": ["nps"] * 5,
        "score": [10.0, 9.0, 7.0, 3.0, 0.0],
    }
)
SPEND = pd.DataFrame(
    {
        "date": pd.to_datetime(["2024-01-03", "2024-01-04", "2023-12-01"]).date,
        "channel": ["app", "web", "app"],
        "spend": [20.0, 50.0, 999.0],
    }
)


def _shop(**tables):
    con = ibis.duckdb.connect()
    for name, df in tables.items():
        con.create_table(name, df)
    return shoplab.connect(con, validate=False)


def test_hand_worked_scorecard():
    shop = _shop(orders=ORDERS, order_items=LINES, items=ITEMS, feedback=FEEDBACK, marketing_spend=SPEND)
    sc = S.scorecard(shop, period="2024-01")
    # the January 2023 first-time buyers are users 1 and 2; user 1 ordered in January 2024
    assert sc.loc["retention_12m", ["value", "n"]].tolist() == [0.5, 2]
    # not churned at the end of December: users 4 (last order 2023-08-15) and 5 (2023-07-20); by the end of
    # January user 5 is past 180 days without an order
    assert sc.loc["churn_rate", ["value", "n"]].tolist() == [0.5, 2]
    # January's NPS answers 10, 9, 7, 3: (2 - 1) / 4 x 100 (the December 0 is another month)
    assert sc.loc["nps", "value"] == 25 and sc.loc["nps", "n"] == 4
    assert sc.loc["nps", "ci_low"] < 25 < sc.loc["nps", "ci_high"]
    # January's paid order: 200 less 2 x 30 of cost -> margin 140, 70%; spend 70 -> ROI (140 - 70) / 70
    assert sc.loc["gross_margin", "value"] == pytest.approx(0.7)
    assert sc.loc["marketing_roi", "value"] == pytest.approx(1.0)
    assert sc.missing.isna().all()
    # an order in a channel without spend (direct) adds to the margin but not to the return on marketing
    direct = pd.DataFrame(
        {"order_id": [7], "user_id": [2], "ts": pd.to_datetime(["2024-01-10"]), "amount": [500.0],
         "status": ["paid"], "channel": ["direct"]}
    )  # fmt: skip
    more = _shop(
        orders=pd.concat([ORDERS, direct], ignore_index=True), order_items=LINES, items=ITEMS,
        feedback=FEEDBACK, marketing_spend=SPEND,
    )  # fmt: skip
    sc2 = S.scorecard(more, period="2024-01")
    assert sc2.loc["marketing_roi", "value"] == pytest.approx(1.0)
    assert sc2.loc["gross_margin", "value"] != pytest.approx(0.7)
    table = text.format_scorecard(sc, lang="en")
    assert table.iloc[2, 0] == f"25.0 [{sc.loc['nps', 'ci_low']:.1f}, {sc.loc['nps', 'ci_high']:.1f}]"


def test_each_number_skips_with_a_reason():
    sc = S.scorecard(_shop(orders=ORDERS.drop(columns="channel")), period="2024-01")
    assert sc.loc["retention_12m", "value"] == 0.5  # orders are enough for retention and churn
    for code in ("nps", "gross_margin", "marketing_roi"):
        assert math.isnan(sc.loc[code, "value"]) and sc.loc[code, "missing"]
    notes = text.scorecard_notes(sc, lang="en")
    assert "NPS is skipped: no feedback table." in notes
    assert any(
        n.startswith("Gross margin is skipped: needs order_items and items.cost, orders.channel")
        for n in notes
    )
    assert all("已跳过" in n for n in text.scorecard_notes(sc, lang="zh"))
    # a period whose cohort month the orders do not cover
    late = S.scorecard(_shop(orders=ORDERS[ORDERS.ts >= "2023-06-01"]), period="2024-01")
    assert late.loc["retention_12m", "missing"] == "orders do not cover 2023-01"
