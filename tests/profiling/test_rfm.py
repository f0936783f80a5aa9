"""Profiling: feature table, RFM scores and segments, value tiers, tags, migration, Pareto.

Oracles: hand-worked tiny shops, a brute-force pure-Python RFM scorer on random tables (hypothesis), and a
pandas re-computation of the feature table on the generated sample shop.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from conftest import write_tables
from hypothesis import given, settings
from hypothesis import strategies as st

import shoplab
from shoplab import profiling as pf
from shoplab.profiling import report

END = datetime(2026, 11, 1)


def days(ts: str) -> float:
    return math.floor((END - datetime.fromisoformat(ts)).total_seconds() / 86400)


@pytest.fixture(scope="module")
def tiny_shop(tmp_path_factory):
    users = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4],
            "signup_ts": pd.to_datetime(["2025-01-01", "2026-10-20", "2026-11-05", "2024-01-01"]),
            "gender": ["F", "M", "F", None],
            "birth_year": [1990, 2001, 1980, 1970],
            "city_tier": ["一线", "二线", "一线", "三线及以下"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7],
            "user_id": [1, 1, 1, 1, 1, 2, 2],
            "ts": pd.to_datetime(
                [
                    "2026-10-31 12:00",
                    "2026-05-01 00:00",
                    "2026-06-01 00:00",
                    "2026-07-01 00:00",
                    "2025-06-01 00:00",
                    "2026-10-25 00:00",
                    "2026-11-02 00:00",
                ]
            ),
            "amount": [100.0, 50.0, 30.0, 20.0, 999.0, 200.0, 500.0],
            "discount": [10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "status": ["paid", "paid", "refunded", "cancelled", "paid", "paid", "paid"],
            "coupon_id": [None, "C1", None, None, None, None, None],
        }
    )
    events = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1, 1, 2, 2],
            "ts": pd.to_datetime(
                [
                    "2026-10-30 10:00",
                    "2026-10-30 10:01",
                    "2026-10-30 10:02",
                    "2026-10-29 09:00",
                    "2026-10-29 09:01",
                    "2026-10-26 08:00",
                    "2026-10-26 08:01",
                ]
            ),
            "event": ["product_view", "product_view", "pay", "product_view", "home", "product_view", "home"],
            "session_id": [1, 1, 1, 2, 2, 3, 3],
            "platform": ["app", "app", "app", "web", "web", "mini_program", "web"],
        }
    )
    order_items = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 6],
            "item_id": [10, 11, 10, 12, 12],
            "quantity": [2, 1, 1, 1, 1],
            "price": [40.0, 20.0, 50.0, 30.0, 200.0],
            "category": ["美妆", "食品", "美妆", "服饰", "服饰"],
        }
    )
    members = pd.DataFrame(
        {
            "user_id": [1, 2],
            "tier": ["银卡会员", "普通会员"],
            "joined_ts": pd.to_datetime(["2025-02-01", "2026-11-03"]),
        }
    )
    folder = write_tables(
        tmp_path_factory.mktemp("tiny") / "shop",
        "parquet",
        users=users,
        orders=orders,
        events=events,
        order_items=order_items,
        members=members,
    )
    return shoplab.connect(folder, now=datetime(2027, 1, 1))


def test_feature_table_hand_worked(tiny_shop):
    f = pf.user_features(tiny_shop, "2026-10").set_index("user_id")
    assert list(f.index) == [1, 2, 4]  # user 3 signed up after the end
    u1, u2, u4 = f.loc[1], f.loc[2], f.loc[4]
    assert u1.recency_days == 0 and u1.frequency == 2 and u1.monetary == pytest.approx(150.0)
    assert u1.aov == pytest.approx(75.0) and u1.orders_period == 1 and u1.spend_period == pytest.approx(100.0)
    assert u1.discount_share == pytest.approx(1.0)  # one discount, one coupon
    assert u1.refund_rate == pytest.approx(1 / 3)  # refunded / (paid + refunded) in the window
    assert u1.tenure_days == days("2025-01-01") and u1.first_order_days == days("2025-06-01")
    assert u1.sessions == 2 and u1.active_days == 2 and u1.view_to_buy == pytest.approx(0.5)
    assert (
        u1.preferred_platform == "app"
        and u1.app_share == pytest.approx(0.6)
        and u1.web_share == pytest.approx(0.4)
    )
    assert u1["cat_美妆"] == pytest.approx(130 / 150) and u1["cat_食品"] == pytest.approx(20 / 150)
    assert u1["cat_服饰"] == 0 and u1.member_tier == "银卡会员" and u1.age_band == "35-39"
    assert (
        u2.recency_days == 7 and u2.frequency == 1 and u2.monetary == pytest.approx(200.0)
    )  # order after end unseen
    assert u2.preferred_platform == "mini_program"  # 1-1 tie: alphabetically first
    assert u2.tenure_days == 12 and pd.isna(u2.member_tier)  # joined after the end
    assert np.isnan(u4.recency_days) and u4.frequency == 0 and u4.monetary == 0 and np.isnan(u4.aov)


def pandas_features(sample_dir, period="2026-10"):
    """Independent re-computation of recency, frequency, monetary and sessions with pandas."""
    o = pd.read_parquet(sample_dir / "orders")
    e = pd.read_parquet(sample_dir / "events", columns=["user_id", "ts", "session_id"])
    end, wstart = pd.Timestamp("2026-11-01"), pd.Timestamp("2025-11-01")
    paid = o[(o.status == "paid") & (o.ts < end)]
    w = paid[paid.ts >= wstart]
    out = pd.DataFrame(
        {
            "frequency": w.groupby("user_id").size(),
            "monetary": w.groupby("user_id").amount.sum(),
            "recency_days": np.floor((end - paid.groupby("user_id").ts.max()).dt.total_seconds() / 86400),
            "sessions": e[(e.ts >= wstart) & (e.ts < end)].groupby("user_id").session_id.nunique(),
        }
    )
    return out


def test_feature_table_matches_pandas(sample_dir, sample_shop):
    f = pf.user_features(sample_shop, "2026-10").set_index("user_id")
    want = pandas_features(sample_dir)
    users = pd.read_parquet(sample_dir / "users.parquet")
    assert len(f) == (users.signup_ts < END).sum()
    got = f.reindex(want.index)
    np.testing.assert_array_equal(got.frequency.fillna(0), want.frequency.fillna(0))
    np.testing.assert_allclose(got.monetary.fillna(0), want.monetary.fillna(0), rtol=1e-9)
    np.testing.assert_array_equal(got.recency_days.to_numpy(), want.recency_days.to_numpy())
    np.testing.assert_array_equal(got.sessions.fillna(0), want.sessions.fillna(0))
    assert f.frequency.sum() == want.frequency.sum()


def test_missing_column_is_named():
    df = pd.DataFrame({"user_id": [1], "recency_days": [3.0], "frequency": [1]})
    with pytest.raises(ValueError, match=r"monetary.*columns present: user_id, recency_days, frequency"):
        pf.rfm_scores(df)


# -- RFM scores ---------------------------------------------------------------------------------------
def brute_scores(values: list[float], bins: int) -> list[int]:
    n = len(values)
    return [1 + math.floor(bins * sum(1 for w in values if w < v) / n) for v in values]


def test_rfm_scores_hand_worked():
    df = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4, 5, 6],
            "recency_days": [1.0, 10.0, 10.0, 50.0, 300.0, np.nan],  # user 6 never paid: not scored
            "frequency": [9, 1, 1, 3, 1, 0],
            "monetary": [900.0, 10.0, 20.0, 300.0, 5.0, 0.0],
        }
    )
    s = pf.rfm_scores(df).set_index("user_id")
    assert list(s.index) == [1, 2, 3, 4, 5]
    # recency ranked best-first: 1 -> 5; 10,10 tie (2 worse values: 50, 300) -> 1 + floor(5*2/5) = 3
    assert s.r.tolist() == [5, 3, 3, 2, 1]
    assert s.f.tolist() == [5, 1, 1, 4, 1]  # three users tie at 1 order, all score 1
    assert s.m.tolist() == [5, 2, 3, 4, 1]
    assert s.loc[1, "rfm"] == "555"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 6), st.integers(0, 8)),
        min_size=1,
        max_size=25,
    ),
    st.integers(2, 6),
)
def test_rfm_scores_equal_brute_force(rows, bins):
    df = pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary"]).astype("float64")
    df.insert(0, "user_id", range(len(df)))
    got = pf.rfm_scores(df, bins=bins).set_index("user_id").reindex(df.user_id)
    assert got.r.tolist() == brute_scores([-x for x in df.recency_days], bins)
    assert got.f.tolist() == brute_scores(df.frequency.tolist(), bins)
    assert got.m.tolist() == brute_scores(df.monetary.tolist(), bins)
    # order of the rows does not change anyone's score
    shuffled = pf.rfm_scores(df.sample(frac=1, random_state=1), bins=bins).set_index("user_id")
    pd.testing.assert_frame_equal(shuffled.reindex(df.user_id), got)


# -- segments ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        (5, 5, 5, "Champions"),
        (4, 4, 5, "Champions"),
        (3, 5, 4, "Loyal Customers"),
        (5, 3, 3, "Loyal Customers"),
        (5, 2, 2, "Potential Loyalist"),
        (4, 1, 3, "Potential Loyalist"),  # FM = round-half-up(2) = 2
        (5, 1, 1, "New Customers"),
        (4, 1, 1, "Promising"),
        (3, 2, 2, "Need Attention"),
        (3, 1, 1, "About To Sleep"),
        (2, 3, 3, "At Risk"),
        (1, 3, 3, "At Risk"),
        (2, 5, 5, "At Risk"),
        (1, 5, 4, "Can't Lose Them"),
        (2, 1, 2, "Hibernating"),
        (1, 2, 1, "Lost"),
        (1, 1, 1, "Lost"),
    ],
)
def test_segment_rules_hand_made_users(r, f, m, segment):
    assert pf.segment_of(r, f, m) == segment
    df = pd.DataFrame({"user_id": [1], "r": [r], "f": [f], "m": [m]})
    assert pf.rfm_segments(df).segment.iloc[0] == segment


def test_every_score_gets_exactly_one_segment_and_every_segment_is_reachable():
    grid = pd.DataFrame(
        [(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)], columns=["r", "f", "m"]
    )
    seg = pf.rfm_segments(grid)
    assert seg.segment.notna().all()
    assert set(seg.segment.astype(str)) == set(pf.SEGMENTS)
    # the vectorised rule table and the scalar first-match agree on all 125 cells
    assert seg.segment.astype(str).tolist() == [pf.segment_of(*t) for t in grid.itertuples(index=False)]


def test_segment_summary_shares_and_aov():
    seg = pd.DataFrame(
        {
            "segment": pd.Categorical(["Champions", "Champions", "Lost"], categories=pf.SEGMENTS),
            "monetary": [300.0, 100.0, 100.0],
            "frequency": [3, 1, 2],
        }
    )
    s = pf.segment_summary(seg).set_index("segment")
    assert len(s) == 11 and s.loc["Promising", "users"] == 0
    assert s.loc["Champions", "revenue_share"] == pytest.approx(0.8)
    assert s.loc["Champions", "aov"] == pytest.approx(100.0) and s.loc["Lost", "aov"] == pytest.approx(50.0)
    assert s.loc["Champions", "user_share"] == pytest.approx(2 / 3)
    assert s.action.str.len().gt(0).all()


def test_value_tiers_rules():
    f = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4, 5, 6, 7],
            "recency_days": [5.0, 200.0, 10.0, 20.0, 30.0, 40.0, np.nan],
            "first_order_days": [10.0, 300.0, 400.0, 400.0, 400.0, 400.0, np.nan],
            "monetary": [50.0, 5000.0, 1000.0, 100.0, 200.0, 300.0, 0.0],
        }
    )
    t = pf.value_tiers(f, new_days=30, dormant_days=90, high_value_quantile=0.75).set_index("user_id").tier
    # active buyers 3..6 spend 1000, 100, 200, 300: the 75% quantile is 475
    assert t.astype(str).tolist() == [
        "new",
        "dormant",
        "high value",
        "potential",
        "potential",
        "potential",
        "prospect",
    ]


def test_pareto_and_top_share():
    v = [50.0, 30.0, 10.0, 5.0, 5.0, 0, 0, 0, 0, 0]
    assert pf.top_share(v, 0.2) == pytest.approx(0.8)  # 2 of 10 users hold 80
    c = pf.pareto_curve(v, points=10)
    assert c.user_share.iloc[0] == pytest.approx(0.1) and c.revenue_share.iloc[0] == pytest.approx(0.5)
    assert c.revenue_share.iloc[-1] == pytest.approx(1.0)


def test_segment_migration_counts():
    prev = pd.DataFrame({"user_id": [1, 2, 3], "segment": ["Champions", "Lost", "At Risk"]})
    now = pd.DataFrame(
        {"user_id": [1, 2, 3, 4], "segment": ["Loyal Customers", "Lost", "Champions", "New Customers"]}
    )
    m = pf.segment_migration(prev, now)
    assert m.loc["Champions", "Loyal Customers"] == 1 and m.loc["Lost", "Lost"] == 1
    assert m.loc["(not a buyer)", "New Customers"] == 1 and m.to_numpy().sum() == 4
    assert pf.migration_summary(m) == {"moved up": 1, "slipped": 1, "stayed": 1, "new buyers": 1}


# -- tags -------------------------------------------------------------------------------------------
def test_tag_rules_and_coverage():
    f = pd.DataFrame(
        {
            "user_id": [1, 2, 3],
            "gender": ["F", None, "M"],
            "last_visit_days": [3.0, 45.0, np.nan],
            "preferred_platform": ["app", "web", None],
            "frequency": [4, 1, 0],
            "discount_share": [0.5, 1.0, np.nan],
            "refund_rate": [0.25, 1.0, np.nan],
            "cat_美妆": [0.6, 0.5, np.nan],
            "cat_食品": [0.4, 0.5, np.nan],
        }
    )
    segs = pd.DataFrame({"user_id": [1, 2], "segment": ["Champions", "New Customers"]})
    tags = pf.user_tags(f, segments=segs)
    by = {u: set(g.tag) for u, g in tags.groupby("user_id")}
    assert by[1] == {"gender F", "active", "app first", "Champions", "likes 美妆", "price sensitive"}
    # one order is too few for price sensitivity or frequent returns
    assert by[2] == {"cooling", "web first", "New Customers", "likes 美妆", "likes 食品"}
    assert by[3] == {"gender M", "lapsed"}
    cov = pf.tag_coverage(tags, n_users=3).set_index(["tag_group", "tag"])
    assert cov.loc[("preference", "(any)"), "users"] == 2
    assert cov.loc[("preference", "likes 美妆"), "share"] == pytest.approx(2 / 3)
    assert cov.loc[("behaviour", "(any)"), "share"] == pytest.approx(1.0)


def test_findings_state_the_numbers():
    f = pd.DataFrame(
        {
            "user_id": range(1, 11),
            "frequency": [5, 1, 1, 1, 1, 0, 0, 0, 0, 0],
            "monetary": [800.0, 50.0, 50.0, 50.0, 50.0, 0, 0, 0, 0, 0],
        }
    )
    seg = pd.DataFrame(
        {
            "segment": pd.Categorical(["Champions"] + ["At Risk"] * 4, categories=pf.SEGMENTS),
            "monetary": [800.0, 50.0, 50.0, 50.0, 50.0],
            "frequency": [5, 1, 1, 1, 1],
        }
    )
    lines = report.findings(f, pf.segment_summary(seg), window_months=6, lang="en")
    # 1 of 5 buyers holds 800 of 1,000; five buyers are a small sample
    assert lines[0] == (
        "10 users; 5 (50.0%) paid in the last 6 months, spending ¥1,000; the top 20% of buyers bring 80.0% "
        "of it (a small sample: read shares with care)."
    )
    assert lines[1].startswith(
        "Champions (1 users, 20.0% of buyers) bring 80.0% of revenue at ¥160 per order"
    )
    assert "4 once-valuable buyers" in lines[2] and "20.0% of revenue" in lines[2]
    assert [x.section for x in lines] == ["concentration", "segments", "segments"]


def test_rfm_inputs_from_orders_alone_equal_the_feature_table(sample_shop):
    from shoplab.profiling import rfm

    f = pf.user_features(sample_shop, "2026-09", categories=False)
    want = f[f.recency_days.notna()][["user_id", "recency_days", "frequency", "monetary"]]
    got = rfm.rfm_inputs(sample_shop, "2026-09")
    pd.testing.assert_frame_equal(
        got.sort_values("user_id").reset_index(drop=True), want.sort_values("user_id").reset_index(drop=True)
    )
    a = rfm.segments_at(sample_shop, "2026-09")
    b = pf.rfm_segments(pf.rfm_scores(f))
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_spend_is_net_of_partial_refunds(tiny_shop, tmp_path):
    # the tiny shop with refunds: 40 back on order 1 (paid 100), 10 on the refunded order 3 (already 0)
    o = tiny_shop.orders.to_pandas()
    o["refund_amount"] = o.order_id.map({1: 40.0, 3: 10.0})
    shop = shoplab.connect(
        write_tables(tmp_path / "r", "parquet", orders=o, users=tiny_shop.users.to_pandas()),
        now=datetime(2027, 1, 1),
    )
    u1 = pf.user_features(shop, "2026-10").set_index("user_id").loc[1]
    assert u1.frequency == 2 and u1.monetary == pytest.approx(150.0 - 40.0)  # paid orders, their net money
    assert u1.spend_period == pytest.approx(60.0) and u1.aov == pytest.approx(55.0)
    assert u1.refund_rate == pytest.approx(1 / 3)  # refund rate counts refunded orders, as before
    from shoplab.profiling.rfm import rfm_inputs

    r = rfm_inputs(shop, "2026-10").set_index("user_id").loc[1]
    assert r.frequency == 2 and r.monetary == pytest.approx(110.0)  # the same numbers as the feature table
