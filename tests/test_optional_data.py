"""The helpers behind "optional means optional" and behind the fuzz test's clear refusals, on tiny inputs.

Each test pins one fix: an analysis that needed an optional table or column (or read a broken one) and now
runs without it, or bad input that is now refused by validation with the table, column, count and an example.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import write_tables
from nbrun import read_table, table_files, variant

import shoplab
from shoplab import campaigns, profiling
from shoplab.errors import DataContractError, MissingTableError
from shoplab.membership import churn_features
from shoplab.notebook import missing_columns_note, missing_tables_note


# -- profiling -----------------------------------------------------------------------------------------
def test_category_shares_come_from_items_without_order_items_category(small_shop_dir, tmp_path):
    """order_items without ``category`` (the contract's optional column): the shares come from items.category;
    the sample's lines carry their item's category, so the features must be exactly the same."""
    with_cat = profiling.user_features(shoplab.connect(small_shop_dir), "2026-10")
    src = variant(small_shop_dir, tmp_path / "src", drop_columns=["order_items.category"])
    without = profiling.user_features(shoplab.connect(src), "2026-10")
    assert [c for c in with_cat if c.startswith("cat_")]  # the comparison is about something
    pd.testing.assert_frame_equal(without[with_cat.columns], with_cat)


FEATURES = pd.DataFrame(
    {
        "user_id": [1, 2, 3, 4],
        "sessions": [10, 0, 0, 2],
        "active_days": [5, 1, 0, 2],
        "frequency": [2, 0, 1, 0],
        "aov": [50.0, np.nan, 20.0, np.nan],
        "discount_share": [0.5, np.nan, 0.0, np.nan],
        "refund_rate": [0.0, np.nan, 0.0, np.nan],
        "tenure_days": [400.0, 10.0, 30.0, 60.0],
        "last_visit_days": [3.0, 9.0, np.nan, 20.0],
        "app_share": [0.8, 1.0, np.nan, 0.0],
    }
)


def test_persona_matrix_leaves_out_what_the_events_cannot_give():
    full = profiling.persona_matrix(FEATURES)
    assert list(full.index) == [1, 3, 4]  # user 2: no session and no order
    assert full.loc[1, "visits_per_month"] == pytest.approx(np.log1p(10 / (365 / 30.4)))
    no_sessions = profiling.persona_matrix(FEATURES.drop(columns="sessions"))
    # without sessions, any event day counts as a visit; visits and conversion are left out, the rest is equal
    assert list(no_sessions.index) == [1, 2, 3, 4]
    assert "visits_per_month" not in no_sessions and "conversion" not in no_sessions
    pd.testing.assert_frame_equal(
        no_sessions.loc[[1, 3, 4]], full.drop(columns=["visits_per_month", "conversion"])
    )
    no_platform = profiling.persona_matrix(FEATURES.drop(columns="app_share"))
    pd.testing.assert_frame_equal(no_platform, full.drop(columns="app_share"))
    fitted = profiling.Personas(k_range=(2, 2)).fit(no_sessions)
    assert set(fitted.feature_names_) == set(no_sessions.columns)


# -- campaigns -----------------------------------------------------------------------------------------
EVENTS = pd.DataFrame(
    {
        "user_id": [1, 1, 1, 2, 2],
        "ts": pd.to_datetime(
            [
                "2026-10-01 10:00",  # session 1 of user 1 (ads)
                "2026-10-01 10:20",  # same session: 20 min later
                "2026-10-03 09:00",  # session 2 (search), more than 30 min later
                "2026-10-02 12:00",
                "2026-10-02 12:05",
            ]
        ),
        "event": ["home", "product_view", "home", "home", "pay"],
        "channel": ["ads", "search", "search", "push", "push"],
        "session_id": [1, 1, 2, 7, 7],
    }
)
PAID = pd.DataFrame(
    {
        "order_id": [1],
        "user_id": [1],
        "ts": pd.to_datetime(["2026-10-03 09:30"]),
        "amount": [80.0],
        "status": ["paid"],
    }
)


def test_touches_without_session_ids_are_cut_at_the_inactivity_gap():
    from shoplab.campaigns.attribution import touch_paths

    window = dict(start="2026-10-01", end="2026-11-01", lookback_days=30)
    want = touch_paths(EVENTS, PAID, **window)
    got = touch_paths(EVENTS.drop(columns="session_id"), PAID, **window)
    pd.testing.assert_frame_equal(got, want)
    assert got["channel"].tolist() == ["ads", "search", "push"]  # the first event's channel of each session


def test_channel_and_attribution_sections_are_skipped_without_their_columns(small_shop_dir, tmp_path):
    no_channel = shoplab.connect(variant(small_shop_dir, tmp_path / "a", drop_columns=["orders.channel"]))
    assert campaigns.channel_report(no_channel, period="2026-10") is None
    no_events = shoplab.connect(variant(small_shop_dir, tmp_path / "b", drop_tables=["events"]))
    assert campaigns.period_touches(no_events, period="2026-10") is None
    no_ev_channel = shoplab.connect(variant(small_shop_dir, tmp_path / "c", drop_columns=["events.channel"]))
    assert campaigns.period_touches(no_ev_channel, period="2026-10") is None
    full = shoplab.connect(small_shop_dir)
    assert len(campaigns.channel_report(full, period="2026-10")) > 0


# -- membership ----------------------------------------------------------------------------------------
def test_churn_features_without_coupon_ids_leave_out_the_coupon_share():
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "user_id": [1, 1, 2],
            "ts": pd.to_datetime(["2026-09-01", "2026-09-20", "2026-09-10"]),
            "amount": [10.0, 20.0, 30.0],
            "status": ["paid", "paid", "refunded"],
            "coupon_id": ["c1", None, None],
        }
    )
    full = churn_features({"orders": orders}, cutoff="2026-10-01", lookback_days=90)
    assert full.loc[1, "coupon_share"] == pytest.approx(0.5)
    without = churn_features(
        {"orders": orders.drop(columns="coupon_id")}, cutoff="2026-10-01", lookback_days=90
    )
    assert "coupon_share" not in without
    pd.testing.assert_frame_equal(without, full.drop(columns="coupon_share"))


# -- validation refuses what the analyses cannot read -----------------------------------------------------
def test_non_finite_and_out_of_range_numbers_are_contract_errors(tmp_path):
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "user_id": [1, 1, 2],
            "ts": pd.to_datetime(["2026-10-01"] * 3),
            "amount": [1.0, np.inf, 3.0],
        }
    )
    lines = pd.DataFrame(
        {"order_id": [1, 2, 3], "item_id": [1, 1, 1], "quantity": [1e300, 1.0, 2.0], "price": 1.0}
    )
    shop = shoplab.connect(write_tables(tmp_path / "src", "parquet", orders=orders, order_items=lines))
    errors = {(i.table, i.column, i.check): i for i in shop.validation.errors}
    amount = errors[("orders", "amount", "not_finite")]
    assert amount.n_rows == 1 and amount.example["amount"] == np.inf and amount.example["order_id"] == 2
    qty = errors[("order_items", "quantity", "unreadable")]  # was a raw DuckDB ConversionException
    assert qty.n_rows == 1 and qty.example["quantity"] == 1e300
    with pytest.raises(DataContractError, match=r"orders\.amount: 1 of 3 rows are NaN or infinite"):
        shop.require("orders")


# -- broken optional tables are set aside ------------------------------------------------------------------
def _broken_events(small_shop_dir, tmp_path):
    ev = read_table(table_files(small_shop_dir)["events"]).to_pandas()
    ev.loc[:9, "user_id"] = None  # nulls in a required column: a contract error
    return shoplab.connect(variant(small_shop_dir, tmp_path / "src", replace={"events": ev}))


def test_require_sets_aside_the_other_tables_that_break_the_contract(small_shop_dir, tmp_path):
    shop = _broken_events(small_shop_dir, tmp_path)
    assert shop.has("events") and shop.set_aside == []
    shop.require("orders")
    assert not shop.has("events") and shop.set_aside == ["events"]
    with pytest.raises(MissingTableError, match=r"events.*breaks the data contract.*events\.user_id: 10 of"):
        _ = shop.events
    with pytest.raises(DataContractError, match="events.user_id"):
        shop.require("events")  # still refused when a report needs it
    html = missing_tables_note(shop, ["events", "feedback"], "x").data
    assert "events breaks the data contract and is left out" in html


def test_missing_columns_note_names_absent_columns_even_where_loading_fills_a_default(
    small_shop_dir, tmp_path
):
    shop = shoplab.connect(
        variant(small_shop_dir, tmp_path / "src", drop_columns=["orders.status", "orders.channel"])
    )
    assert "status" in shop.orders.columns  # filled with the contract's default, paid
    html = missing_columns_note(
        shop, {"orders": ["status", "channel", "discount"], "points": ["kind"]}, "y"
    ).data
    assert "orders.status, orders.channel: y." in html and "discount" not in html and "points" not in html
    zh = missing_columns_note(shop, {"orders": ["channel"]}, lang="zh").data
    assert "数据源中没有 orders.channel 列" in zh
    assert missing_columns_note(shoplab.connect(small_shop_dir), {"orders": ["status"]}).data == ""


# -- found by the matrix: output that depended on the engine's row order ------------------------------------
def test_channel_conversion_orders_ties_by_channel():
    """Channels with as many sessions came back in either order, run to run (the paths report's channel table);
    ties are now ordered by name, whatever the order of the input rows."""
    from shoplab import paths

    names = ["小红书", "直通车", "ads", "push", "搜索", "email"]
    rows = [(u, c) for u, c in enumerate(names * 2)] + [(99, "zz")] * 3  # six channels tie at 2 sessions
    ev = pd.DataFrame(
        {
            "user_id": [u for u, _ in rows],
            "ts": pd.to_datetime(["2026-10-01 10:00"] * len(rows)),
            "event": "home",
            "session_id": range(len(rows)),
            "channel": [c for _, c in rows],
        }
    )
    rng = np.random.default_rng(0)
    for _ in range(6):
        got = paths.channel_conversion(ev.iloc[rng.permutation(len(ev))], period="2026-10")
        assert got["channel"].tolist() == ["zz", *sorted(names)]
        assert got["sessions"].tolist() == [3] + [2] * 6


# -- found by fuzzing: variance of a ratio below zero after cancellation --------------------------------------
def test_ratio_of_sums_when_every_user_has_the_same_ratio():
    """AOV of groups whose buyers all have the same order value: the delta-method variance is zero, and
    floating-point cancellation made it -4e-15, so the interval raised 'math domain error'."""
    from shoplab.campaigns.stats import ratio_of_sums

    den = np.array([4.0, 3.0, 3.0, 3.0, 3.0])
    num = den * 81.58535541215322  # every user at the same AOV
    r = ratio_of_sums(num, den, num / 2, den)
    assert r["treatment"] == pytest.approx(81.58535541215322) and r["abs_lift"] == pytest.approx(
        81.58535541215322 / 2
    )
    assert r["se"] == 0.0 and r["ci_low"] == r["ci_high"] == r["abs_lift"]
