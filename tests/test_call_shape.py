"""One call shape across the analyses (shoplab.callshape): the shop or a table first, then keyword-only
options with ``period=`` among them. Every older shape still works, with a DeprecationWarning naming the new
one where the shape had to change, and gives the same result as the new shape."""

from __future__ import annotations

import dataclasses
import warnings

import pandas as pd
import pytest

from shoplab import campaigns, membership, overview, paths, profiling
from shoplab.callshape import keyword_only, period_end, period_range, table_of
from shoplab.periods import Period

P = "2026-10"
STEPS = ["home", "product_view", "add_to_cart", "checkout", "pay"]


def same(a, b):
    """Equal results: frames and series exactly (values, dtypes, index), dataclasses field by field."""
    if hasattr(a, "execute"):  # a lazy Ibis table: compare its rows in one order
        a, b = a.execute(), b.execute()
        a = a.sort_values(list(a.columns)).reset_index(drop=True)
        b = b.sort_values(list(b.columns)).reset_index(drop=True)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b)
        for f in dataclasses.fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if isinstance(x, (pd.DataFrame, pd.Series, dict, int, float, str, bool, type(None))):
                same(x, y)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            same(a[k], b[k])
    elif isinstance(a, float) and a != a:
        assert b != b
    else:
        assert a == b


def old(call, match):
    """The result of an older call shape, checking the DeprecationWarning names the new shape."""
    with pytest.warns(DeprecationWarning, match=match):
        return call()


def quiet(call):
    """The result of a call shape that is still current: no call-shape DeprecationWarning (upstream ones aside)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".* is deprecated: call ", category=DeprecationWarning)
        return call()


# ------------------------------------------------------------------------------------------------ the helpers


def test_keyword_only_maps_positional_options_with_a_warning():
    @keyword_only("period", "months")
    def f(shop, *, period, months=12):
        return shop, period, months

    assert quiet(lambda: f("s", period=P)) == ("s", P, 12)
    with pytest.warns(DeprecationWarning) as w:
        assert f("s", P) == ("s", P, 12)
        assert f("s", P, 3) == ("s", P, 3)
    assert str(w[0].message) == "f(shop, period) is deprecated: call f(shop, period=...)"
    assert str(w[1].message) == "f(shop, period, months) is deprecated: call f(shop, period=..., months=...)"
    with pytest.raises(TypeError, match="multiple values for argument 'period'"):
        f("s", P, period=P)
    with pytest.raises(TypeError, match="positional"):
        f("s", P, 3, 4)
    assert list(__import__("inspect").signature(f).parameters) == ["shop", "period", "months"]


def test_the_warning_names_the_public_function():
    with pytest.warns(DeprecationWarning) as w:
        try:
            overview.kpi_summary(None, P)
        except Exception:  # noqa: BLE001 - no shop: the warning came first
            pass
    assert str(w[0].message) == (
        "shoplab.overview.kpi_summary(shop, period) is deprecated: call shoplab.overview.kpi_summary(shop, period=...)"
    )


def test_period_range_and_period_end():
    p = Period.parse(P)
    assert period_range(P, None, None, what="f") == (p.start, p.end)
    assert period_range(p, None, None, what="f") == (p.start, p.end)
    assert period_range(None, "2026-01-01", "2026-02-01", what="f") == ("2026-01-01", "2026-02-01")
    assert period_end(P, None, what="f") == p.end
    assert period_end(None, "2026-10-15", what="f") == "2026-10-15"
    with pytest.raises(TypeError, match="f: give period= or start= and end=, not both"):
        period_range(P, p.start, None, what="f")
    with pytest.raises(TypeError, match=r"f needs period= \(e.g. period='2026-10'\) or both start= and end="):
        period_range(None, p.start, None, what="f")
    with pytest.raises(TypeError, match="give period= or at=, not both"):
        period_end(P, p.end, what="f", name="at")
    with pytest.raises(TypeError, match="needs period="):
        membership.nps(pd.DataFrame())


def test_table_of(sample_shop):
    assert table_of(sample_shop, "events") is sample_shop.events
    df = pd.DataFrame({"a": [1]})
    assert table_of(df, "events") is df


# ------------------------------------------------------------------------------------------------ overview


@pytest.mark.parametrize(
    "name, kw",
    [
        ("kpi_summary", {}),
        ("kpi_history", {"months": 6}),
        ("daily_trend", {"compare_previous": True}),
        ("refund_window", {"settle_days": 30}),
        ("refunds_incomplete", {}),
    ],
)
def test_overview_positional_period(sample_shop, name, kw):
    fn = getattr(overview, name)
    new = quiet(lambda: fn(sample_shop, period=P, **kw))
    same(old(lambda: fn(sample_shop, P, **kw), rf"{name}\(shop, period=\.\.\.\)"), new)
    same(quiet(lambda: fn(sample_shop, period=Period.parse(P), **kw)), new)


def test_overview_month_kpis(sample_shop):
    months = ["2026-09", P]
    new = quiet(lambda: overview.month_kpis(sample_shop, periods=months))
    same(old(lambda: overview.month_kpis(sample_shop, months), r"month_kpis\(shop, periods=\.\.\.\)"), new)


# ------------------------------------------------------------------------------------------------ profiling


def test_profiling_positional_period(sample_shop):
    new = quiet(lambda: profiling.user_features(sample_shop, period=P, window_months=6))
    same(old(lambda: profiling.user_features(sample_shop, P, window_months=6), r"period=\.\.\."), new)
    new = quiet(lambda: profiling.segments_at(sample_shop, period="2026-09"))
    same(
        old(lambda: profiling.segments_at(sample_shop, "2026-09"), r"segments_at\(shop, period=\.\.\.\)"), new
    )
    new = quiet(lambda: profiling.basket_lines(sample_shop, period=P, window_months=3))
    same(old(lambda: profiling.basket_lines(sample_shop, P, window_months=3), r"period=\.\.\."), new)


# ------------------------------------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    "name, kw",
    [
        ("funnel", {"window": "1D", "by": "platform"}),
        ("step_time_distribution", {}),
        ("dropoff_destinations", {"top": 3}),
        ("funnel_levels", {}),
    ],
)
def test_paths_steps_keyword_and_the_shop_first(sample_shop, name, kw):
    fn = getattr(paths, name)
    events = sample_shop.events
    new = quiet(lambda: fn(sample_shop, steps=STEPS, period=P, **kw))
    same(old(lambda: fn(events, STEPS, period=P, **kw), rf"{name}\(events, steps=\.\.\.\)"), new)
    same(quiet(lambda: fn(events, steps=STEPS, period=P, **kw)), new)


def test_paths_shop_first_without_steps(sample_shop):
    events = sample_shop.events
    for fn, kw in (
        (paths.transitions, {}),
        (paths.top_paths, {"max_steps": 4}),
        (paths.key_nodes, {}),
        (paths.session_summary, {}),
        (paths.sessions_table, {}),
        (paths.entry_exit_pages, {}),
        (paths.loops, {}),
        (paths.session_paths, {}),
        (paths.sankey_links, {}),
        (paths.channel_conversion, {}),
        (paths.event_conversion, {}),
    ):
        same(quiet(lambda fn=fn, kw=kw: fn(sample_shop, period=P, **kw)), fn(events, period=P, **kw))
    assert paths.absent_events(sample_shop, ["home", "no_such_event"]) == ["no_such_event"]
    types = [
        paths.add_user_type(x, period=P).select("user_id", "user_type").distinct()
        for x in (sample_shop, events)
    ]
    same(*types)
    new = quiet(lambda: paths.paths_containing(sample_shop, pattern=["home", "product_view"], period=P))
    same(old(lambda: paths.paths_containing(events, ["home", "product_view"], period=P), "pattern="), new)


# ------------------------------------------------------------------------------------------------ campaigns


def test_evaluate_campaigns_by_period(sample_shop):
    camps = campaigns.campaigns_in_period(sample_shop.campaigns, period=P)
    assert len(camps)
    new = quiet(lambda: campaigns.evaluate_campaigns(sample_shop, period=P, cuped=False))
    assert new.summary.campaign_id.tolist() == camps.campaign_id.astype(str).tolist()
    same(
        old(
            lambda: campaigns.evaluate_campaigns(sample_shop, camps, cuped=False),
            r"evaluate_campaigns\(shop, campaigns=\.\.\.\)",
        ),
        new,
    )
    same(quiet(lambda: campaigns.evaluate_campaigns(sample_shop, campaigns=camps, cuped=False)), new)
    with pytest.raises(TypeError, match="not both"):
        campaigns.evaluate_campaigns(sample_shop, period=P, campaigns=camps)
    with pytest.raises(TypeError, match="needs period="):
        campaigns.evaluate_campaigns(sample_shop)


def test_kpi_report_by_period(sample_shop):
    camps = campaigns.campaigns_in_period(sample_shop.campaigns, period=P)
    new = quiet(lambda: campaigns.kpi_report(sample_shop, period=P))
    same(old(lambda: campaigns.kpi_report(sample_shop, camps), r"kpi_report\(shop, campaigns=\.\.\.\)"), new)
    same(quiet(lambda: campaigns.kpi_report(sample_shop, campaigns=camps)), new)


def test_campaign_ranges_take_a_period(sample_shop):
    p = Period.parse(P)
    s = sample_shop
    spend = s.marketing_spend
    same(
        campaigns.channel_performance(s.orders, spend, period=P),
        campaigns.channel_performance(s.orders, spend, start=p.start, end=p.end),
    )
    same(
        campaigns.touch_paths(s.events, s.orders, period=P),
        campaigns.touch_paths(s.events, s.orders, start=p.start, end=p.end),
    )
    same(
        campaigns.touch_table(s.events, s.orders, period=P),
        campaigns.touch_table(s.events, s.orders, start=p.start, end=p.end),
    )


# ------------------------------------------------------------------------------------------------ membership


def test_membership_ranges_take_a_period(sample_shop):
    p = Period.parse(P)
    s = sample_shop
    th = s.tier_history
    r = {"start": p.start, "end": p.end}
    for new, older in (
        (lambda: membership.active_rate(s.members, s.orders, s.events, period=P),
         lambda: membership.active_rate(s.members, s.orders, s.events, **r)),
        (lambda: membership.member_comparison(s.orders, s.members, period=P),
         lambda: membership.member_comparison(s.orders, s.members, **r)),
        (lambda: membership.tier_migration(s.members, th, period=P),
         lambda: membership.tier_migration(s.members, th, **r)),
        (lambda: membership.satisfaction_by_tier(s.feedback, s.members, th, period=P),
         lambda: membership.satisfaction_by_tier(s.feedback, s.members, th, **r)),
        (lambda: membership.nps(s.feedback, period=P), lambda: membership.nps(s.feedback, **r)),
        (lambda: membership.points_summary(s.points, s.members, period=P),
         lambda: membership.points_summary(s.points, s.members, **r)),
        (lambda: membership.cohort_retention(s.orders, period=P, max_months=3),
         lambda: membership.cohort_retention(s.orders, max_months=3, **r)),
        (lambda: membership.days_between_orders(s.orders, s.members, period=P),
         lambda: membership.days_between_orders(s.orders, s.members, end=p.end)),
        (lambda: membership.order_gap_summary(s.orders, s.members, period=P),
         lambda: membership.order_gap_summary(s.orders, s.members, end=p.end)),
        (lambda: membership.tiers_at(s.members, th, period=P), lambda: membership.tiers_at(s.members, th, at=p.end)),
        (lambda: membership.points_balances(s.points, s.members, th, period=P),
         lambda: membership.points_balances(s.points, s.members, th, at=p.end)),
        (lambda: membership.churn_features(s, period=P), lambda: membership.churn_features(s, cutoff=p.end)),
        (lambda: membership.churn_dataset(s, period="2026-06"),
         lambda: membership.churn_dataset(s, cutoff=Period.parse("2026-06").end)),
    ):  # fmt: skip
        same(quiet(new), quiet(older))
    users = pd.Index(membership.churn_features(s, cutoff=p.end).index)
    same(
        membership.churn_labels(s, users, period="2026-06"),
        membership.churn_labels(s, users, cutoff=Period.parse("2026-06").end),
    )


def test_cohort_retention_over_a_range_keeps_start_and_end(sample_shop):
    """A range that is not one period keeps its older keywords, without a warning (the report's 12 months)."""
    start, end = Period.parse("2025-11").start, Period.parse(P).end
    got = quiet(lambda: membership.cohort_retention(sample_shop.orders, start=start, end=end, max_months=3))
    assert len(got) and got.cohort.nunique() > 1


def test_clv_summary_period_is_its_last_day(sample_shop):
    """``clv_summary(orders, period=P)`` is the calibration window ending with the period's last day."""
    o = sample_shop.orders
    new = quiet(lambda: membership.clv_summary(o, period=P))
    same(quiet(lambda: membership.clv_summary(o, calibration_end="2026-10-31")), new)
    same(
        membership.clv_summary(o, period="2026-04", observation_end="2026-10-31"),
        membership.clv_summary(o, calibration_end="2026-04-30", observation_end="2026-10-31"),
    )
    with pytest.raises(TypeError, match="give period= or calibration_end=, not both"):
        membership.clv_summary(o, period=P, calibration_end="2026-10-31")


def test_clv_and_churn_models_take_a_period(sample_shop):
    p = Period.parse(P)
    a = membership.clv_analysis(sample_shop.orders, period=P, holdout_months=3)
    b = membership.clv_analysis(sample_shop.orders, end=p.end, holdout_months=3)
    same(a.values, b.values)
    same(a.holdout, b.holdout)
    assert a.calibration_end == b.calibration_end
    kw = dict(n_repeats=1, max_train=2000, max_importance=500)
    a = membership.churn_model(sample_shop, period=P, **kw)
    b = membership.churn_model(sample_shop, as_of=p.end, **kw)
    assert (a.auc, a.precision, a.recall, a.n_train, a.n_test) == (
        b.auc,
        b.precision,
        b.recall,
        b.n_train,
        b.n_test,
    )
    same(a.calibration, b.calibration)
