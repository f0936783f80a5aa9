"""Why GMV moved (shoplab.overview.drivers): the LMDI split on hand-worked numbers, every split summing to the
change on random small shops (hypothesis) against a pandas brute force, and the zero rule."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shoplab
from shoplab.overview import drivers, text


def test_hand_worked_lmdi():
    # base: 10 buyers x 2 orders x 50 = 1000; now 12 buyers x 2 orders x 62.5 = 1500
    e = drivers.lmdi_effects(
        {"buyers": 12, "orders_per_buyer": 2, "aov": 62.5}, {"buyers": 10, "orders_per_buyer": 2, "aov": 50}
    )
    w = 500 / math.log(1.5)  # L(1500, 1000) = 1233.15
    assert e["buyers"] == pytest.approx(w * math.log(1.2)) == pytest.approx(224.83, abs=0.01)
    assert e["aov"] == pytest.approx(275.17, abs=0.01) and e["orders_per_buyer"] == 0
    assert sum(e.values()) == pytest.approx(500, abs=1e-9)


def test_zero_sides_give_the_change_to_the_first_zero_factor():
    e = drivers.lmdi_effects(
        {"buyers": 0, "orders_per_buyer": math.nan, "aov": math.nan},
        {"buyers": 4, "orders_per_buyer": 1, "aov": 5},
    )
    assert e == {"buyers": -20, "orders_per_buyer": 0, "aov": 0}
    e = drivers.lmdi_effects({"a": 3, "b": 0.0}, {"a": 1, "b": math.nan})
    assert e == {"a": 0, "b": 0}
    e = drivers.lmdi_effects({"a": 2, "b": 3}, {"a": 2, "b": 0})
    assert e == {"a": 0, "b": 6}


@given(
    st.lists(st.floats(0.01, 1e4), min_size=1, max_size=5).flatmap(
        lambda a: st.tuples(st.just(a), st.lists(st.floats(0.01, 1e4), min_size=len(a), max_size=len(a)))
    )
)
def test_lmdi_sums_to_the_change(pair):
    a, b = pair
    cur, base = dict(enumerate(a)), dict(enumerate(b))
    e = drivers.lmdi_effects(cur, base)
    change = math.prod(a) - math.prod(b)
    assert sum(e.values()) == pytest.approx(change, rel=1e-9, abs=1e-6 * max(1, math.prod(a), math.prod(b)))


def _shop(orders, lines=None, events=None):
    con = ibis.duckdb.connect()
    con.create_table("orders", orders)
    if lines is not None:
        con.create_table("order_items", lines)
    if events is not None:
        con.create_table("events", events)
    return shoplab.connect(con, validate=False)


MONTHS = ["2024-01", "2024-02", "2024-03"]

orders_st = st.lists(
    st.tuples(
        st.integers(1, 6),  # user
        st.sampled_from(MONTHS),
        st.integers(1, 28),  # day
        st.sampled_from([0.0, 5.0, 12.5, 40.0, 99.9]),
        st.sampled_from(["paid", "paid", "refunded", "cancelled"]),
        st.sampled_from(["app", "web", None]),
        st.lists(
            st.tuples(st.sampled_from(["A", "B", None]), st.integers(1, 3), st.sampled_from([0.0, 1.0, 7.5])),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=25,
)


def _frames(rows):
    o, li = [], []
    for i, (u, m, d, amt, status, ch, lines) in enumerate(rows):
        o.append(
            dict(
                order_id=i,
                user_id=u,
                ts=pd.Timestamp(f"{m}-{d:02d} 12:00"),
                amount=amt,
                status=status,
                channel=ch,
            )
        )
        for cat, q, price in lines:
            li.append(dict(order_id=i, item_id=1, quantity=q, price=price, category=cat))
    # an order on the first day so that every month is covered
    o.append(
        dict(
            order_id=len(o),
            user_id=9,
            ts=pd.Timestamp("2024-01-01"),
            amount=1.0,
            status="paid",
            channel="app",
        )
    )
    lines = pd.DataFrame(li, columns=["order_id", "item_id", "quantity", "price", "category"])
    lines = lines.astype({"order_id": "int64", "item_id": "int64", "quantity": "int64", "price": "float64"})
    lines["category"] = lines["category"].astype("string")  # typed even when empty or all missing
    orders = pd.DataFrame(o)
    orders["channel"] = orders["channel"].astype("string")
    return orders, lines


def _oracle(o: pd.DataFrame, li: pd.DataFrame, month: str, dim: str) -> pd.Series:
    """GMV of the month by group, brute force in pandas."""
    s = o[o.status != "cancelled"].copy()
    s["m"] = s.ts.dt.strftime("%Y-%m")
    first = s.groupby("user_id").ts.min().dt.strftime("%Y-%m")
    s = s[s.m == month]
    if dim == "buyer_type":
        return s.groupby(s.user_id.map(first).eq(month).map({True: "new", False: "returning"})).amount.sum()
    if dim == "channel":
        return s.groupby(s.channel.fillna("unknown")).amount.sum()
    out: dict[str, float] = {}
    for _, r in s.iterrows():
        mine = li[li.order_id == r.order_id]
        value = (mine.quantity * mine.price).sum()
        if value <= 0:
            out["unknown"] = out.get("unknown", 0.0) + r.amount
            continue
        for _, ln in mine.iterrows():
            c = "unknown" if pd.isna(ln.category) else ln.category
            out[c] = out.get(c, 0.0) + r.amount * ln.quantity * ln.price / value
    return pd.Series(out, dtype="float64")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders_st, st.booleans())
def test_every_split_sums_to_the_change_on_random_shops(rows, with_events):
    o, li = _frames(rows)
    ev = None
    if with_events:
        ev = o[["user_id", "ts"]].iloc[::2].assign(event="home").reset_index(drop=True)
    t = drivers.gmv_drivers(_shop(o, li, ev), period="2024-03")
    assert set(t.comparison) == {"previous"}  # no 2023-03 data
    gmv = {m: o[(o.status != "cancelled") & (o.ts.dt.strftime("%Y-%m") == m)].amount.sum() for m in MONTHS}
    change = gmv["2024-03"] - gmv["2024-02"]
    for dim, g in t.groupby("dimension"):
        # groups are kept to a millionth of a yuan (drivers._segment_gmv), the factors exactly
        assert g.effect.sum() == pytest.approx(change, abs=1e-7 if dim == "factor" else 1e-5), dim
        assert g.change.iloc[0] == pytest.approx(change)
        if dim != "factor":
            for month, col in (("2024-03", "value"), ("2024-02", "base_value")):
                want = _oracle(o, li, month, dim)
                got = g.set_index("driver")[col]
                for code in set(want.index) | set(got.index):
                    assert got.get(code, 0.0) == pytest.approx(want.get(code, 0.0), abs=1e-6), (dim, code)
    if gmv["2024-03"] or gmv["2024-02"]:  # with no sales in either month the groups have no rows
        assert set(t.dimension) == {"factor", "buyer_type", "channel", "category"}
    f = t[t.dimension == "factor"].driver.tolist()
    assert f[-2:] == ["orders_per_buyer", "aov"] and f[0] in ("visitors", "buyers")


def test_hand_worked_shop():
    o = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5],
            "user_id": [1, 2, 1, 3, 3],
            "ts": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-03", "2024-02-10", "2024-02-11"]),
            "amount": [100.0, 100.0, 150.0, 60.0, 90.0],
            "channel": ["app", "web", "app", "web", "web"],
        }
    )
    li = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 3, 4, 5],
            "item_id": [1, 1, 1, 2, 2, 2],
            "quantity": [1, 1, 1, 1, 2, 1],
            "price": [10.0, 10.0, 20.0, 10.0, 5.0, 10.0],
            "category": ["A", "A", "A", "B", "B", "B"],
        }
    )
    t = drivers.gmv_drivers(_shop(o, li), period="2024-02").set_index(["dimension", "driver"])
    # Jan: 2 buyers, 1 order each, AOV 100 -> 200; Feb: 2 buyers, 1.5 orders each, AOV 100 -> 300
    assert t.loc[("factor", "buyers"), "effect"] == pytest.approx(0)
    assert t.loc[("factor", "aov"), "effect"] == pytest.approx(0)
    assert t.loc[("factor", "orders_per_buyer"), "effect"] == pytest.approx(100)
    # user 3 is new in Feb (150), user 1 returning (150 vs 0 in Jan, when users 1 and 2 were new: 200)
    assert t.loc[("buyer_type", "new"), ["value", "base_value", "effect"]].tolist() == [150, 200, -50]
    assert t.loc[("buyer_type", "returning"), "effect"] == 150
    assert t.loc[("channel", "web"), "effect"] == 50 and t.loc[("channel", "app"), "effect"] == 50
    # order 3 (150) splits 2:1 between A and B
    assert t.loc[("category", "A"), "value"] == pytest.approx(100)
    assert t.loc[("category", "B"), "value"] == pytest.approx(200)
    assert (
        t.history_months == 0
    ).all()  # January is the data's first month: its "first-time" buyers may not be
    assert "overstates new buyers" in text.drivers_notes(t.reset_index(), lang="en")[0]
    top = drivers.largest_drivers(t.reset_index()).set_index("dimension")
    assert (
        top.loc["factor", "driver"] == "orders_per_buyer" and top.loc["buyer_type", "driver"] == "returning"
    )


def test_without_a_comparable_month_the_table_is_empty():
    o = pd.DataFrame({"order_id": [1], "user_id": [1], "ts": pd.to_datetime(["2024-02-05"]), "amount": [5.0]})
    assert drivers.gmv_drivers(_shop(o), period="2024-02").empty


def test_words_name_the_largest_driver():
    t = pd.DataFrame(
        [
            (
                "previous",
                "2024-02",
                "2024-01",
                "factor",
                "buyers",
                12,
                10,
                224.83,
                1500,
                1000,
                500,
                0.45,
                False,
            ),
            (
                "previous",
                "2024-02",
                "2024-01",
                "factor",
                "aov",
                62.5,
                50,
                275.17,
                1500,
                1000,
                500,
                0.55,
                False,
            ),
            ("previous", "2024-02", "2024-01", "channel", "app", 900, 400, 500, 1500, 1000, 500, 1.0, False),
        ],
        columns=[
            "comparison",
            "period",
            "base",
            "dimension",
            "driver",
            "value",
            "base_value",
            "effect",
            "gmv",
            "base_gmv",
            "change",
            "share_of_change",
            "visitors_used",
        ],
    )
    top = drivers.largest_drivers(t)
    en = text.driver_sentence(top, lang="en")
    assert en == (
        "Against the previous month (GMV +¥500), the largest driver was AOV (+¥275, 55% of the change); "
        "the largest contributions: channel app +¥500."
    )
    assert text.driver_sentence(top, lang="zh").startswith(
        "较上月（成交额 +¥500），最大的驱动因素是客单价（+¥275"
    )
    assert (
        text.drivers_title(top, lang="en")
        == "GMV +¥500 against the previous month: largest driver AOV (+¥275)"
    )
    assert text.driver_sentence(top.iloc[0:0]) is None
