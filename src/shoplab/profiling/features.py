"""The per-user feature table, computed in the engine as of the end of a reporting period.

Definitions (the report states them too):

* **As of** the end of the period (exclusive): nothing at or after ``period.end`` is seen.
* **Users**: rows of ``users`` that signed up before the end (or have no signup time); without a ``users``
  table, every user with an order or event before the end.
* **Paid orders** are orders with status ``paid`` (cancelled and refunded orders are not spend); their
  **spend** is net money, the amount less any partial refund (:mod:`shoplab.orders`).
* **Window**: the ``window_months`` calendar months ending with the period (default 12), the look-back of
  frequency, monetary and behaviour.
* Money sums (``monetary``, ``spend_period``) are rounded to cents.
* ``recency_days``: whole days from the last paid order (any time before the end) to the end; NaN for users
  who never paid. ``frequency`` and ``monetary``: paid orders and their spend in the window.
* ``aov``: monetary / frequency. ``orders_period`` / ``spend_period``: paid orders and spend in the period.
* ``tenure_days``: whole days from signup (else the first order or event) to the end.
* ``active_days``, ``sessions``: distinct event days and sessions in the window; ``view_to_buy``: sessions
  with a ``pay`` event / sessions with a ``product_view`` event, in the window.
* ``discount_share``: share of the window's paid orders with a discount above zero or a coupon.
* ``refund_rate``: refunded / (paid + refunded) orders in the window.
* ``preferred_platform`` / ``preferred_channel``: the platform / channel of most events in the window (ties
  go to the alphabetically first). ``app_share`` / ``web_share``: share of the window's events on them.
* ``cat_<category>``: share of the window's paid item spend (price x quantity) in each category.
* ``member_tier``: tier held at the end (from ``tier_history`` if present, else ``members``); NaN for
  non-members.
"""

from __future__ import annotations

import datetime as _dt

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..callshape import keyword_only
from ..data import Shop, connect
from ..orders import is_paid, is_refunded, net_amount
from ..periods import Period

__all__ = ["user_features", "AGE_BANDS", "age_band"]

AGE_BANDS = [(0, 18, "<18"), (18, 25, "18-24"), (25, 30, "25-29"), (30, 35, "30-34"), (35, 40, "35-39")]
AGE_BANDS += [(40, 50, "40-49"), (50, 200, "50+")]


def age_band(age: pd.Series) -> pd.Series:
    """Age bands used in reports (``18-24``, ``25-29`` ...); NaN ages stay NaN."""
    out = pd.Series(pd.NA, index=age.index, dtype="object")
    for lo, hi, label in AGE_BANDS:
        out[(age >= lo) & (age < hi)] = label
    return out


def _epoch(ts) -> float:
    return (pd.Timestamp(ts) - pd.Timestamp("1970-01-01")).total_seconds()


def _days_before(end: _dt.datetime, col: ir.TimestampValue) -> ir.NumericValue:
    """Whole days from ``col`` to ``end`` (floor), portable across engines."""
    return ((ibis.literal(_epoch(end)) - col.epoch_seconds()) / 86400).floor()


def _preferred(t: ir.Table, col: str, key: str = "user_id") -> ir.Table:
    """Most frequent value of ``col`` per user from counts ``n`` by user and value; ties go to the
    alphabetically first value (deterministic)."""
    t = t.filter(t[col].notnull())
    c = t.group_by([key, col]).aggregate(n=t.n.sum())
    w = ibis.window(group_by=c[key], order_by=[ibis.desc(c.n), c[col]])
    c = c.mutate(rk=ibis.row_number().over(w))
    return c.filter(c.rk == 0).select(key, **{f"preferred_{col}": c[col]})


@keyword_only("period")
def user_features(
    shop: Shop | str,
    *,
    period: Period | str,
    window_months: int = 12,
    categories: bool = True,
) -> pd.DataFrame:
    """One row per user with recency, frequency, monetary, behaviour, preferences and demographics.

    Parameters
    ----------
    shop
        A :class:`~shoplab.data.Shop` (or a source to connect to); needs ``orders``, uses ``users``, ``events``,
        ``order_items``, ``items``, ``members`` and ``tier_history`` when present.
    period
        Reporting month (``"2026-10"``); features are as of its end.
    window_months
        Look-back of frequency, monetary and behaviour, in calendar months ending with the period.
    categories
        Add ``cat_<category>`` spend shares (needs ``order_items``).

    Returns
    -------
    pandas.DataFrame
        Indexed by nothing; column ``user_id`` first, see the module docstring for every column.
        Export with ``df.to_parquet(path)``.
    """
    shop = connect(shop) if not isinstance(shop, Shop) else shop
    shop.require("orders")
    p = Period.parse(period)
    end, pstart = p.end, p.start
    wstart = p.shift(-(window_months - 1)).start

    o = shop.orders
    o = o.filter(o.ts < end)
    o = o.mutate(net=net_amount(o))
    paid = is_paid(o)
    in_w = o.ts >= wstart
    disc = o.discount.fill_null(0) > 0 if "discount" in o.columns else ibis.literal(False)
    if "coupon_id" in o.columns:
        disc = disc | o.coupon_id.notnull()
    oagg = o.group_by("user_id").aggregate(
        first_order_ts=o.ts.min(where=paid),
        last_order_ts=o.ts.max(where=paid),
        frequency=(paid & in_w).cast("int64").sum(),
        monetary=o.net.sum(where=paid & in_w),
        orders_period=(paid & (o.ts >= pstart)).cast("int64").sum(),
        spend_period=o.net.sum(where=paid & (o.ts >= pstart)),
        discounted=(paid & in_w & disc).cast("int64").sum(),
        refunded=(is_refunded(o) & in_w).cast("int64").sum(),
        first_seen_o=o.ts.min(),
    )

    # the user base
    if shop.has("users"):
        u = shop.users
        if "signup_ts" in u.columns:
            u = u.filter(u.signup_ts.isnull() | (u.signup_ts < end))
        cols = [
            c
            for c in ("signup_ts", "gender", "birth_year", "city_tier", "channel", "platform")
            if c in u.columns
        ]
        base = u.select("user_id", *cols)
        ren = {"signup_channel": "channel", "signup_platform": "platform"}
        base = base.rename({k: v for k, v in ren.items() if v in base.columns})
    else:
        ids = o.select("user_id")
        if shop.has("events"):
            e0 = shop.events
            ids = ids.union(e0.filter(e0.ts < end).select("user_id"))
        base = ids.distinct()
    t = base.left_join(oagg, "user_id").drop("user_id_right")

    has_events = shop.has("events")
    if has_events:
        e = shop.events
        e = e.filter(e.ts < end)
        ew = e.filter(e.ts >= wstart)
        aggs = dict(
            last_visit_ts=e.ts.max(),
            first_seen_e=e.ts.min(),
            active_days=e.ts.date().nunique(where=e.ts >= wstart),
        )
        if "session_id" in e.columns:
            aggs.update(
                sessions=e.session_id.nunique(where=e.ts >= wstart),
                view_sessions=e.session_id.nunique(where=(e.ts >= wstart) & (e.event == "product_view")),
                buy_sessions=e.session_id.nunique(where=(e.ts >= wstart) & (e.event == "pay")),
            )
        eagg = e.group_by("user_id").aggregate(**aggs)
        t = t.left_join(eagg, "user_id").drop("user_id_right")
        # one pass over the window's events for counts by platform and channel; preferences come from it
        keys = [c for c in ("platform", "channel") if c in ew.columns]
        pc = ew.group_by(["user_id", *keys]).aggregate(n=ew.count())
        pagg = dict(events=pc.n.sum())
        if "platform" in keys:
            pagg.update(
                app_events=pc.n.sum(where=pc.platform == "app"),
                web_events=pc.n.sum(where=pc.platform == "web"),
            )
        t = t.left_join(pc.group_by("user_id").aggregate(**pagg), "user_id").drop("user_id_right")
        for col in keys:
            t = t.left_join(_preferred(pc, col), "user_id").drop("user_id_right")

    if shop.has("tier_history"):
        th = shop.tier_history
        th = th.filter(th.ts < end)
        w = ibis.window(group_by=th.user_id, order_by=[ibis.desc(th.ts), ibis.desc(th.tier)])
        th = th.mutate(rk=ibis.row_number().over(w))
        tiers = th.filter(th.rk == 0).select("user_id", member_tier=th.tier)
        t = t.left_join(tiers, "user_id").drop("user_id_right")
    elif shop.has("members"):
        m = shop.members
        m = m.filter(m.joined_ts < end)
        t = t.left_join(m.select("user_id", member_tier=m.tier), "user_id").drop("user_id_right")

    cat_cols: list[str] = []
    if categories and shop.has("order_items"):
        oi = shop.order_items
        if "category" not in oi.columns and shop.has("items") and "category" in shop.items.columns:
            it = shop.items
            oi = oi.left_join(it.select("item_id", "category"), "item_id").drop("item_id_right")
        if "category" in oi.columns:
            po = o.filter(paid & in_w).select("order_id", "user_id")
            lines = oi.join(po, "order_id").mutate(value=oi.price * oi.quantity)
            cats = sorted(lines.select(c=lines.category.fill_null("(none)")).distinct().execute()["c"])
            lc = lines.mutate(category=lines.category.fill_null("(none)"))
            cat_cols = [f"cat_{c}" for c in cats]
            cagg = lc.group_by("user_id").aggregate(
                item_spend=lc.value.sum(),
                **{f"cat_{c}": lc.value.sum(where=lc.category == c) for c in cats},
            )
            t = t.left_join(cagg, "user_id").drop("user_id_right")

    # to_pyarrow().to_pandas(): ibis' execute() converts columns holding nulls through Python lists (slow)
    df = t.to_pyarrow().to_pandas()
    return _derive(df, end=end, has_events=has_events, cat_cols=cat_cols)


def _days(end, ts: pd.Series) -> pd.Series:
    d = (pd.Timestamp(end) - pd.to_datetime(ts)).dt.total_seconds() / 86400
    return np.floor(d)


def _numeric_objects(df: pd.DataFrame) -> pd.DataFrame:
    """Engines may return integer sums as Decimal objects; make them floats."""
    import decimal

    for c in df.columns:
        if df[c].dtype == object and c != "user_id":
            first = df[c].dropna()
            if len(first) and isinstance(first.iloc[0], decimal.Decimal):
                df[c] = df[c].astype("float64")
    return df


def _derive(df: pd.DataFrame, *, end, has_events: bool, cat_cols: list[str]) -> pd.DataFrame:
    df = _numeric_objects(df)
    out = pd.DataFrame({"user_id": df["user_id"]})
    f = df["frequency"].fillna(0).astype("int64")
    # money sums are rounded to cents, so that equal spend ties exactly whatever the summation order
    m = df["monetary"].astype("float64").fillna(0.0).round(2)
    out["recency_days"] = _days(end, df["last_order_ts"])
    out["frequency"] = f
    out["monetary"] = m
    out["aov"] = m / f.where(f > 0)
    out["orders_period"] = df["orders_period"].fillna(0).astype("int64")
    out["spend_period"] = df["spend_period"].astype("float64").fillna(0.0).round(2)
    first = df["first_seen_o"]
    if has_events:
        first = pd.concat([pd.to_datetime(first), pd.to_datetime(df["first_seen_e"])], axis=1).min(axis=1)
    since = pd.to_datetime(df["signup_ts"]) if "signup_ts" in df.columns else pd.to_datetime(first)
    if "signup_ts" in df.columns:
        since = since.fillna(pd.to_datetime(first))
    out["tenure_days"] = _days(end, since)
    out["first_order_days"] = _days(end, df["first_order_ts"])
    if has_events:
        out["last_visit_days"] = _days(end, df["last_visit_ts"])
        out["active_days"] = df["active_days"].fillna(0).astype("int64")
        ev = df["events"].fillna(0).astype("float64")
        if "sessions" in df.columns:
            s = df["sessions"].fillna(0).astype("int64")
            out["sessions"] = s
            vs = df["view_sessions"].fillna(0).astype("float64")
            out["view_to_buy"] = df["buy_sessions"].fillna(0).astype("float64") / vs.where(vs > 0)
        if "app_events" in df.columns:
            out["app_share"] = df["app_events"].fillna(0) / ev.where(ev > 0)
            out["web_share"] = df["web_events"].fillna(0) / ev.where(ev > 0)
    sold = f + df["refunded"].fillna(0)
    out["discount_share"] = df["discounted"].fillna(0) / f.where(f > 0)
    out["refund_rate"] = df["refunded"].fillna(0) / sold.where(sold > 0)
    for c in ("preferred_platform", "preferred_channel", "member_tier"):
        if c in df.columns:
            out[c] = df[c]
    if cat_cols:
        spend = df["item_spend"].astype("float64")
        for c in cat_cols:
            out[c] = df[c].astype("float64").fillna(0.0) / spend.where(spend > 0)
    for c in ("gender", "city_tier", "signup_channel", "signup_platform"):
        if c in df.columns:
            out[c] = df[c]
    if "birth_year" in df.columns:
        age = (pd.Timestamp(end) - pd.Timedelta(days=1)).year - df["birth_year"].astype("float64")
        out["age"] = age
        out["age_band"] = age_band(age)
    return out.sort_values("user_id", kind="stable").reset_index(drop=True)
