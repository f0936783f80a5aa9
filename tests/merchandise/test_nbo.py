"""Viewed-then-bought pairs and the next-best-offer table against pandas brute force and hand-worked shops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import nbo
from shoplab.profiling import rfm
from shoplab.stats import wilson

from .conftest import P_END, P_START, PERIOD, random_shop, shop_of

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _counted(t: dict) -> pd.DataFrame:
    """Every counted line with item GMV > 0, any date."""
    o = t["orders"]
    o = o[o.status.isna() | o.status.isin(["paid", "refunded"])] if "status" in o else o
    j = t["order_items"].merge(o[["order_id", "user_id", "ts"]], on="order_id")
    return j[j.quantity * j.price > 0]


def _busy_shop(seed: int, *, users: int = 12, n_events: int = 400):
    """A random shop with many product views of few users, so that pairs repeat."""
    rng = np.random.default_rng(seed)
    t = random_shop(seed, n_items=6, n_orders=120, inventory=False, events=False)
    n = len(t["orders"])
    t["orders"]["user_id"] = rng.integers(1, users + 1, n)
    t["orders"]["ts"] = (pd.Timestamp("2026-09-28") + pd.to_timedelta(rng.uniform(0, 45, n), unit="D")).floor(
        "h"
    )
    t["events"] = pd.DataFrame(
        {
            "user_id": rng.integers(1, users + 1, n_events),
            "ts": (
                pd.Timestamp("2026-09-25") + pd.to_timedelta(rng.uniform(0, 45, n_events), unit="D")
            ).floor("h"),
            "event": rng.choice(["product_view", "product_view", "add_to_cart", "home"], n_events),
            "item_id": pd.array(rng.choice([1, 2, 3, 4, 5, 6, None], n_events), dtype="Int64"),
        }
    )
    return t


# -- viewed then bought -------------------------------------------------------------------------------------


def brute_force_vtb(t: dict, window_days: int = 7) -> pd.DataFrame:
    ev = t["events"]
    ev = ev[(ev.event == "product_view") & ev.item_id.notna() & (ev.ts >= P_START) & (ev.ts < P_END)]
    first = {}
    for u, a, ts in zip(ev.user_id, ev.item_id, ev.ts, strict=True):
        k = (u, int(a))
        first[k] = min(first.get(k, ts), ts)
    lines = _counted(t)
    bought_after = {}  # (u, a) -> items bought in the window after the first view of a
    for (u, a), fv in first.items():
        mine = lines[lines.user_id == u]
        ok = mine[(mine.ts >= fv) & (mine.ts < fv + pd.Timedelta(days=window_days))]
        bought_after[(u, a)] = set(int(i) for i in ok.item_id)
    all_viewers = {u for u, _ in first}
    rows = []
    for a in sorted({a for _, a in first}):
        viewers = [u for u, aa in first if aa == a]
        for b in sorted(set().union(*bought_after.values())):
            users = sum(b in bought_after[(u, a)] for u in viewers)
            if not users:
                continue
            base = sum(any(b in bought_after[(u, x)] for (uu, x) in first if uu == u) for u in all_viewers)
            share, base_rate = users / len(viewers), base / len(all_viewers)
            rows.append((a, b, users, len(viewers), share, base, base_rate, share / base_rate))
    return pd.DataFrame(
        rows,
        columns=[
            "viewed_item",
            "bought_item",
            "users",
            "viewers",
            "share",
            "base_buyers",
            "base_rate",
            "lift",
        ],
    )


@SETTINGS
@given(st.integers(0, 10_000), st.sampled_from([1, 3, 7]))
def test_viewed_then_bought_matches_a_brute_force_loop(seed, window):
    t = _busy_shop(seed)
    got = nbo.viewed_then_bought(shop_of(**t), period=PERIOD, window_days=window, min_users=1)
    want = brute_force_vtb(t, window)
    key = ["viewed_item", "bought_item"]
    g = got.sort_values(key).reset_index(drop=True)
    w = want.sort_values(key).reset_index(drop=True)
    assert len(w) > 0
    assert g[key].astype(int).values.tolist() == w[key].values.tolist()
    for c in ("users", "viewers", "base_buyers"):
        assert g[c].astype(int).tolist() == w[c].tolist(), c
    for c in ("share", "base_rate", "lift"):
        np.testing.assert_allclose(g[c].to_numpy(float), w[c].to_numpy(float), err_msg=c)
    assert (g.same_item == (g.viewed_item == g.bought_item)).all()
    assert ((g.share_low <= g.share) & (g.share <= g.share_high)).all()
    # the best-supported lift first (the low end of its interval); min_users keeps exactly the pairs with that many users
    assert got["lift_low"].is_monotonic_decreasing
    few = nbo.viewed_then_bought(shop_of(**t), period=PERIOD, window_days=window, min_users=3)
    assert len(few) == int((want.users >= 3).sum()) and (few.users >= 3).all()


def test_viewed_then_bought_by_hand():
    def ts(x):
        return pd.to_datetime(x, format="mixed")

    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7],
            "user_id": [1, 1, 2, 2, 3, 3, 4],
            "ts": ts(
                [
                    "2026-10-05 00:00:00",  # u1 buys 20, 3 days after the first view of 10
                    "2026-10-20",  # u1 buys 10: 18 days after the first view (the second view does not count)
                    "2026-10-03 12:00:00",  # u2 buys 20 and 10 within a day of viewing 10
                    "2026-10-04",
                    "2026-10-17",  # u3 buys 20 exactly 7 days after viewing it: outside the window
                    "2026-10-11",  # u3 buys 30 in a cancelled order: not counted
                    "2026-11-02",  # u4 buys 20 after the period, 3 days after viewing 30: counted
                ]
            ),
            "amount": 1.0,
            "status": ["paid", "paid", "paid", "refunded", "paid", "cancelled", "paid"],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7],
            "item_id": [20, 10, 20, 10, 20, 30, 20],
            "quantity": 1,
            "price": 5.0,
        }
    )
    events = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 3, 4, 5, 2],
            "ts": ts(
                [
                    "2026-10-02",
                    "2026-10-15",
                    "2026-10-03",
                    "2026-10-10",
                    "2026-10-30",
                    "2026-09-28",
                    "2026-10-03",
                ]
            ),
            "event": ["product_view"] * 6 + ["add_to_cart"],
            "item_id": [10, 10, 10, 20, 30, 10, 40],
        }
    )
    shop = shop_of(orders=orders, order_items=lines, events=events)
    got = nbo.viewed_then_bought(shop, period=PERIOD, min_users=1).set_index(["viewed_item", "bought_item"])
    assert sorted(got.index) == [(10, 10), (10, 20), (30, 20)]
    # viewers: 10 -> u1, u2; 30 -> u4 (u5 viewed before the period); all viewers u1-u4
    assert got.loc[(10, 20), "users"] == 2 and got.loc[(10, 20), "viewers"] == 2
    assert got.loc[(10, 20), "base_rate"] == pytest.approx(3 / 4)  # 20 bought after a view by u1, u2, u4
    assert got.loc[(10, 20), "lift"] == pytest.approx(1 / (3 / 4))
    assert got.loc[(10, 10), "share"] == pytest.approx(1 / 2) and got.loc[(10, 10), "same_item"]
    assert got.loc[(10, 10), "lift"] == pytest.approx((1 / 2) / (1 / 4))
    assert got.loc[(30, 20), "share"] == 1.0 and got.loc[(30, 20), "lift"] == pytest.approx(4 / 3)
    # ranked by the low end of the lift's interval: 2 of 2 viewers (lift 4/3) before 1 of 2 (lift 2) and 1 of 1
    assert list(got.index) == [(10, 20), (10, 10), (30, 20)]
    assert nbo.viewed_then_bought(shop, period=PERIOD, min_users=2).users.tolist() == [2]


def test_viewed_then_bought_needs_events_item_id():
    t = random_shop(1, events=False)
    assert nbo.viewed_then_bought(shop_of(**t), period=PERIOD) is None
    t = random_shop(1)
    t["events"] = t["events"].drop(columns="item_id")
    assert nbo.viewed_then_bought(shop_of(**t), period=PERIOD) is None


def test_item_names_are_attached():
    t = _busy_shop(3)
    t["items"] = t["items"].assign(name=[f"item {i}" for i in t["items"].item_id])
    got = nbo.viewed_then_bought(shop_of(**t), period=PERIOD, min_users=1)
    assert (got.viewed_name == "item " + got.viewed_item.astype(str)).all()
    assert (got.bought_name == "item " + got.bought_item.astype(str)).all()


# -- next best offer ----------------------------------------------------------------------------------------


def brute_force_nbo(
    t: dict, seg: pd.DataFrame, *, top_n, min_buyers, window_months, min_lift=1.0
) -> pd.DataFrame:
    start = pd.Timestamp("2026-11-01") - pd.DateOffset(months=window_months)
    lines = _counted(t)
    lines = lines[lines.ts < P_END]
    inw = lines[lines.ts >= start]
    of = dict(zip(seg.user_id, seg.segment.astype(str), strict=True))
    n = len(of)
    rows = []
    for s in rfm.SEGMENTS:
        members = {u for u, x in of.items() if x == s}
        if not members:
            continue
        cand = []
        for i in sorted(set(inw.item_id)):
            buyers_all = set(inw[inw.item_id == i].user_id) & set(of)
            buyers = buyers_all & members
            ever = set(lines[lines.item_id == i].user_id) & members
            if len(buyers) < min_buyers or len(members - ever) == 0:
                continue
            share, overall = len(buyers) / len(members), len(buyers_all) / n
            if not share / overall > min_lift:
                continue
            cand.append((s, i, len(buyers), share, overall, share / overall, len(members - ever)))
        cand.sort(key=lambda r: (-r[5], -r[2], r[1]))
        for k, r in enumerate(cand[:top_n]):
            rows.append((r[0], k + 1, *r[1:]))
    return pd.DataFrame(
        rows,
        columns=[
            "segment",
            "rank",
            "item_id",
            "segment_buyers",
            "segment_share",
            "overall_share",
            "lift",
            "candidates",
        ],
    )


@SETTINGS
@given(
    st.integers(0, 10_000), st.sampled_from([1, 2]), st.sampled_from([2, 3, 12]), st.sampled_from([0.0, 1.0])
)
def test_next_best_offer_matches_a_brute_force_loop(seed, min_buyers, window_months, min_lift):
    rng = np.random.default_rng(seed)
    t = random_shop(seed, n_items=10, n_orders=160, inventory=False, events=False)
    t["orders"]["user_id"] = rng.integers(1, 40, len(t["orders"]))
    shop = shop_of(**t)
    got = nbo.next_best_offer(
        shop, period=PERIOD, top_n=3, min_buyers=min_buyers, window_months=window_months, min_lift=min_lift
    )
    seg = rfm.segments_at(shop, period=PERIOD, window_months=window_months)
    want = brute_force_nbo(
        t, seg, top_n=3, min_buyers=min_buyers, window_months=window_months, min_lift=min_lift
    )
    assert len(want) > 0 or min_lift > 0  # (above lift 1 a shop of one segment has no offer at all)
    assert got["segment"].tolist() == want["segment"].tolist()
    for c in ("rank", "item_id", "segment_buyers", "candidates"):
        assert got[c].astype(int).tolist() == want[c].tolist(), c
    for c in ("segment_share", "overall_share", "lift"):
        np.testing.assert_allclose(got[c].to_numpy(float), want[c].to_numpy(float), err_msg=c)
    assert ((got.lift_low <= got.lift) & (got.lift <= got.lift_high)).all()


def test_next_best_offer_by_hand(monkeypatch):
    def ts(x):
        return pd.to_datetime(x, format="mixed")

    # (user, item, time, status): segment A = users 1-3, B = users 4-5
    buys = [
        (1, 100, "2026-10-05", "paid"),
        (2, 100, "2026-06-01", "refunded"),
        (4, 100, "2026-03-01", "paid"),
        (1, 200, "2026-09-01", "paid"),
        (4, 200, "2026-02-01", "paid"),
        (5, 200, "2026-10-30", "paid"),
        (3, 300, "2025-01-10", "paid"),  # before the 12-month window: not a buyer, but not a candidate either
        (1, 300, "2026-08-08", "paid"),
        (3, 100, "2026-11-03", "paid"),  # after the period: does not count
        (3, 200, "2026-10-10", "cancelled"),  # cancelled: does not count
    ]
    orders = pd.DataFrame(
        {
            "order_id": range(1, len(buys) + 1),
            "user_id": [b[0] for b in buys],
            "ts": ts([b[2] for b in buys]),
            "amount": 5.0,
            "status": [b[3] for b in buys],
        }
    )
    lines = pd.DataFrame(
        {"order_id": range(1, len(buys) + 1), "item_id": [b[1] for b in buys], "quantity": 1, "price": 5.0}
    )
    seg = pd.DataFrame({"user_id": [1, 2, 3, 4, 5], "segment": ["Champions"] * 3 + ["At Risk"] * 2})
    monkeypatch.setattr(rfm, "segments_at", lambda shop, **kw: seg)
    got = nbo.next_best_offer(
        shop_of(orders=orders, order_items=lines), period=PERIOD, min_buyers=1, min_lift=0
    )
    a = got[got.segment == "Champions"].set_index("item_id")
    # overall (5 members): 100 -> u1, u2, u4 (3/5); 200 -> u1, u4, u5 (3/5); 300 -> u1 (1/5)
    assert a.index.tolist() == [300, 100, 200]
    assert a["rank"].tolist() == [1, 2, 3]
    assert a.loc[300, "lift"] == pytest.approx((1 / 3) / (1 / 5)) and a.loc[300, "candidates"] == 1
    assert a.loc[100, "lift"] == pytest.approx((2 / 3) / (3 / 5)) and a.loc[100, "candidates"] == 1
    assert a.loc[200, "segment_share"] == pytest.approx(1 / 3) and a.loc[200, "candidates"] == 2
    b = got[got.segment == "At Risk"].set_index("item_id")
    # 200: both members bought it, nobody left to offer it to
    assert b.index.tolist() == [100] and b.loc[100, "lift"] == pytest.approx((1 / 2) / (3 / 5))
    assert got.segment.tolist()[:3] == ["Champions"] * 3  # the order of rfm.SEGMENTS
    two = nbo.next_best_offer(
        shop_of(orders=orders, order_items=lines), period=PERIOD, min_buyers=2, min_lift=0
    )
    assert two.item_id.tolist() == [100]  # Champions' 100 (2 buyers); At Risk's 200 has no candidate
    # by default only what a segment buys more than the shop does: Champions 300 (5/3) and 100 (10/9); At Risk's
    # 100 (5/6) and Champions' 200 (5/9) are no better than offering them to anyone
    above = nbo.next_best_offer(shop_of(orders=orders, order_items=lines), period=PERIOD, min_buyers=1)
    assert above[["segment", "item_id"]].values.tolist() == [["Champions", 300], ["Champions", 100]]
    assert (above.lift > 1).all()


def test_the_report_carries_both_tables_and_words_for_them():
    from shoplab.merchandise import compute_report, text

    t = _busy_shop(5)
    t["items"] = t["items"].assign(name=[f"item {i}" for i in t["items"].item_id])
    r = compute_report(
        shop_of(**t), period=PERIOD, evaluate_recommender=False, min_view_users=1, min_segment_buyers=1
    )
    assert len(r.viewed_then_bought) and len(r.next_best_offer)
    vt = text.viewed_then_bought_table(r.viewed_then_bought, top_n=1000, lang="zh")
    assert len(vt) == int((~r.viewed_then_bought.same_item.astype(bool)).sum())
    assert vt.iloc[0, 0].startswith("item ")
    ot = text.offer_table(r.next_best_offer)
    from shoplab.profiling.names import segment_name

    assert ot["segment"].tolist() == [segment_name(s) for s in r.next_best_offer["segment"]]
    assert any(f.section == "viewed-then-bought" for f in text.findings(r))
    # without events: no viewed-then-bought, and nothing in the words breaks on empty tables
    t2 = {k: v for k, v in t.items() if k != "events"}
    r2 = compute_report(shop_of(**t2), period=PERIOD, evaluate_recommender=False, min_segment_buyers=10_000)
    assert r2.viewed_then_bought is None and r2.next_best_offer.empty
    assert text.offer_table(r2.next_best_offer).empty
    assert not any(f.section == "viewed-then-bought" for f in text.findings(r2))
    empty = nbo.viewed_then_bought(shop_of(**t), period=PERIOD, min_users=10_000)
    assert empty.empty and text.viewed_then_bought_table(empty).empty
    assert "No item pair" in text.viewed_then_bought_note(empty, window_days=7)


def test_the_report_keeps_the_best_supported_pairs_and_counts_them_all():
    from shoplab.merchandise import text

    shop = shop_of(**_busy_shop(3))
    every = nbo.viewed_then_bought(shop, period=PERIOD, min_users=1)
    top = nbo.viewed_then_bought(shop, period=PERIOD, min_users=1, top=4)
    assert len(every) > 4
    pd.testing.assert_frame_equal(top, every.head(4))  # the same ranking, cut in the engine
    assert top.attrs == every.attrs
    assert every.attrs["pairs_total"] == int((~every.same_item).sum())
    assert every.attrs["same_item_total"] == int(every.same_item.sum())
    note = text.viewed_then_bought_note(top, window_days=7, lang="en")
    assert (
        f"{every.attrs['pairs_total']:,} pairs of different items" in note
        and "holds the 4 best-supported" in note
    )
    assert "best-supported" not in text.viewed_then_bought_note(every, window_days=7, lang="en")
    # the engine's interval is stats.wilson's
    lo, hi = wilson(every.users.to_numpy(), every.viewers.to_numpy())
    np.testing.assert_allclose(every.share_low, lo, rtol=1e-9)
    np.testing.assert_allclose(every.share_high, hi, rtol=1e-9)
