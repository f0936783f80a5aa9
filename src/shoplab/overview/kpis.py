"""The overview's numbers, computed in the engine: monthly KPIs, the daily trend, the refund window.

Numbers only (DataFrames and small dataclasses); the words are in :mod:`.text`, the chart in :mod:`.plots`.

Definitions (the report states them too):

* **GMV** (成交额): amount of orders placed in the month, excluding cancelled orders; refunded orders count
  (they were sold), as in the usual 成交GMV. **Net sales** is net money (:mod:`shoplab.orders`): paid orders
  less partial refunds (``orders.refund_amount``), refunded orders 0.
* **Orders**: orders placed in the month that were not cancelled. **Buyers**: distinct users with such an order.
* **AOV** (客单价): GMV / orders.
* **New users**: users whose ``signup_ts`` falls in the month; without ``users.signup_ts``, users whose first
  non-cancelled order falls in the month (first-time buyers).
* **Active users** (MAU): distinct users with any event in the month; without events, buyers.
  **DAU** is the mean over the month's days of distinct users with an event that day; **stickiness** = DAU / MAU.
* **Visit-to-buy conversion**: share of active users (with an event in the month) who were buyers that month.
* **Repurchase rate** (复购率): share of the month's buyers with two or more orders in the month.
* **Refund rate**: refunded orders / (paid + refunded) orders placed in the month. Refunds arrive after the
  month: while the data ends less than :data:`~shoplab.orders.REFUND_SETTLE_DAYS` days after the month (the
  month is the data's latest), its refund rate is still incomplete (:func:`refunds_incomplete`), and the report
  says so (:func:`refund_rate_note`).

Orders whose status is unknown (neither paid, cancelled nor refunded) are left out; validation warns about them.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import ibis
import pandas as pd

from .. import labels
from ..callshape import keyword_only
from ..data import Shop
from ..orders import REFUND_SETTLE_DAYS, gross_orders, is_refunded, net_amount
from ..periods import Period

__all__ = [
    "KPI_UNITS",
    "HEADLINES",
    "month_kpis",
    "kpi_summary",
    "kpi_history",
    "daily_trend",
    "TrendSummary",
    "trend_summary",
    "RefundWindow",
    "refund_window",
    "refunds_incomplete",
]

#: KPI code -> unit ("yuan", "count" or "rate"); the KPIs in the order of the report's table. Names are in the
#: glossary (``metric.<code>``, src/shoplab/glossary/overview.toml).
KPI_UNITS: dict[str, str] = {
    "gmv": "yuan",
    "net_sales": "yuan",
    "orders": "count",
    "buyers": "count",
    "aov": "yuan",
    "new_users": "count",
    "active_users": "count",
    "dau": "count",
    "stickiness": "rate",
    "conversion": "rate",
    "repurchase_rate": "rate",
    "refund_rate": "rate",
}

#: the KPIs the index page shows (metrics.json ``overview.<code>``)
HEADLINES = ("gmv", "orders", "buyers", "aov", "new_users", "repurchase_rate")


def _sold(shop: Shop):
    return gross_orders(shop.orders)


@keyword_only("periods")
def month_kpis(shop: Shop, *, periods: list[Period | str]) -> pd.DataFrame:
    """KPIs for each given period: one row per period (index ``period``, its label), one column per KPI in
    :data:`KPI_UNITS`. Months are computed together; a quarter, a year or a date range on its own (the same
    definitions over its days: "the month" reads "the period").

    KPIs that the data cannot support (no events, no signup dates) are NaN.
    """
    periods = sorted({Period.parse(p) for p in periods})
    if not all(p.is_month for p in periods):
        return pd.concat([_kpis(shop, [p], _whole(p)) for p in periods])
    return _kpis(shop, periods, lambda ts: ts.truncate("M"))


def _whole(p: Period):
    """The bucket of a single period: every timestamp in it maps to its start."""
    start = ibis.literal(pd.Timestamp(p.start)).cast("timestamp")
    return lambda ts: start


def _kpis(shop: Shop, periods: list[Period], month) -> pd.DataFrame:
    """:func:`month_kpis` of periods that do not overlap, ``month(ts)`` giving the start of a timestamp's period."""
    lo, hi = periods[0].start, periods[-1].end

    o = _sold(shop)
    o = o.filter((o.ts >= lo) & (o.ts < hi))
    o = o.mutate(m=month(o.ts), net=net_amount(o), refunded=is_refunded(o))
    per_user = o.group_by(["m", "user_id"]).aggregate(n=o.count(), gmv=o.amount.sum())
    users_agg = per_user.group_by("m").aggregate(
        buyers=per_user.count(), repeat_buyers=(per_user.n >= 2).cast("int64").sum()
    )
    ord_agg = o.group_by("m").aggregate(
        gmv=o.amount.sum(),
        net_sales=o.net.sum(),
        orders=o.count(),
        refunded=o.refunded.cast("int64").sum(),
    )
    df = ord_agg.join(users_agg, "m").execute().set_index("m")

    out = pd.DataFrame(index=pd.Index([pd.Timestamp(p.start) for p in periods], name="m"))
    out = out.join(df)
    for c in ("gmv", "net_sales", "orders", "refunded", "buyers", "repeat_buyers"):
        out[c] = out[c].astype("float64").fillna(0.0)
    out["aov"] = out.gmv / out.orders.where(out.orders > 0)
    out["repurchase_rate"] = out.repeat_buyers / out.buyers.where(out.buyers > 0)
    out["refund_rate"] = out.refunded / out.orders.where(out.orders > 0)

    # new users
    if shop.has("users") and "signup_ts" in shop.users.columns:
        u = shop.users
        u = u.filter((u.signup_ts >= lo) & (u.signup_ts < hi))
        nu = u.group_by(m=month(u.signup_ts)).aggregate(new_users=u.user_id.nunique()).execute()
    else:
        s = _sold(shop)
        first = s.group_by("user_id").aggregate(first=s.ts.min())
        first = first.filter((first["first"] >= lo) & (first["first"] < hi))
        nu = first.group_by(m=month(first["first"])).aggregate(new_users=first.count()).execute()
    out = out.join(nu.set_index("m"))
    out["new_users"] = out["new_users"].astype("float64").fillna(0.0)

    # activity from events
    if shop.has("events"):
        e = shop.events
        e = e.filter((e.ts >= lo) & (e.ts < hi))
        daily = e.group_by(d=e.ts.date()).aggregate(dau=e.user_id.nunique())
        dau = daily.group_by(m=month(daily.d.cast("timestamp"))).aggregate(dau_sum=daily.dau.sum())
        visitors = e.select(m=month(e.ts), user_id=e.user_id).distinct()
        buyers = per_user.select("m", "user_id").mutate(bought=ibis.literal(1))
        vb = visitors.left_join(buyers, ["m", "user_id"])
        act = vb.group_by("m").aggregate(active_users=vb.count(), visiting_buyers=vb.bought.count())
        act = act.execute().set_index("m").join(dau.execute().set_index("m"))
        out = out.join(act)
        out["active_users"] = out["active_users"].astype("float64").fillna(0.0)
        days = pd.Series([p.days for p in periods], index=out.index, dtype="float64")
        out["dau"] = out["dau_sum"].astype("float64").fillna(0.0) / days
        out["stickiness"] = out.dau / out.active_users.where(out.active_users > 0)
        out["conversion"] = out.visiting_buyers.astype("float64") / out.active_users.where(
            out.active_users > 0
        )
    else:
        out["active_users"] = out["buyers"]
        out["dau"] = math.nan
        out["stickiness"] = math.nan
        out["conversion"] = math.nan
    out.index = pd.Index([p.label for p in periods], name="period")
    return out[list(KPI_UNITS)]


@keyword_only("period")
def kpi_summary(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """The overview's KPI table: this month, the previous month and the same month last year, with changes.

    Comparison months that the data does not cover in full are NaN (shown as "n/a"), never zero.
    Changes are relative (``change_mom = value / previous - 1``) except for rates, where the change is in
    percentage points (``value - previous``); column ``change_kind`` says which.
    """
    p = Period.parse(period)
    prev, ya = p.previous(), p.year_ago()
    first_ts, _ = shop.period_bounds("orders")
    first_ts = pd.Timestamp(first_ts)
    covered = {q.label: first_ts < pd.Timestamp(q.start) + pd.Timedelta(days=1) for q in (p, prev, ya)}
    k = month_kpis(shop, periods=[p, prev, ya])
    rows = []
    for key, unit in KPI_UNITS.items():
        v = k.loc[p.label, key]
        pv = k.loc[prev.label, key] if covered[prev.label] else math.nan
        yv = k.loc[ya.label, key] if covered[ya.label] else math.nan
        rows.append(
            {
                "kpi": key,
                "label": labels.name(f"metric.{key}"),
                "unit": unit,
                "value": v,
                "previous": pv,
                "change_mom": _change(v, pv, unit),
                "last_year": yv,
                "change_yoy": _change(v, yv, unit),
                "change_kind": "pp" if unit == "rate" else "relative",
            }
        )
    return pd.DataFrame(rows).set_index("kpi")


def _change(v: float, base: float, unit: str) -> float:
    if v is None or base is None or pd.isna(v) or pd.isna(base):
        return math.nan
    if unit == "rate":
        return float(v - base)
    if base == 0:
        return math.nan
    return float(v / base - 1)


@keyword_only("period")
def daily_trend(shop: Shop, *, period: Period | str, compare_previous: bool = True) -> pd.DataFrame:
    """Daily GMV, orders and buyers in the period (and the previous comparable period, aligned by day).

    Returns one row per (``period``, ``day``) with columns ``date``, ``gmv``, ``orders``, ``buyers``; ``day`` is
    the day of the period (for a month, the day of the month). A period longer than
    :data:`~shoplab.periods.DAILY_MAX_DAYS` days (a year) has one row per month instead: ``day`` is the month's
    number in the period, ``date`` its first day, ``buyers`` distinct in the month.
    """
    p = Period.parse(period)
    months = [p.previous(), p] if compare_previous else [p]
    o = _sold(shop)
    o = o.filter((o.ts >= months[0].start) & (o.ts < p.end))
    if not p.is_month:  # a quarter, a year, a range: its days or months outside the data are unknown, not 0
        return _outside_data_unknown(shop, _monthly_trend(o, months) if p.monthly else _daily(o, months), p)
    return _daily(o, months)


def _daily(o, months: list[Period]) -> pd.DataFrame:
    d = o.group_by(date=o.ts.date()).aggregate(
        gmv=o.amount.sum(), orders=o.count(), buyers=o.user_id.nunique()
    )
    df = d.execute()
    df["date"] = pd.to_datetime(df["date"])
    frames = []
    for q in months:
        days = pd.date_range(q.start, q.end - _dt.timedelta(days=1), freq="D")
        f = (
            pd.DataFrame({"date": days})
            .merge(df, on="date", how="left")
            .fillna({"gmv": 0.0, "orders": 0, "buyers": 0})
        )
        f.insert(0, "period", q.label)
        f.insert(1, "day", (f.date - pd.Timestamp(q.start)).dt.days + 1)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["orders"] = out["orders"].astype("int64")
    out["buyers"] = out["buyers"].astype("int64")
    return out


def _outside_data_unknown(shop: Shop, trend: pd.DataFrame, p: Period) -> pd.DataFrame:
    """NaN for the rows (days, or months for a long period) that lie wholly outside the orders data."""
    lo, hi = (pd.Timestamp(t).normalize() for t in shop.period_bounds("orders"))
    last = trend.date + (pd.offsets.MonthEnd(0) if p.monthly else pd.Timedelta(0))
    outside = (last < lo) | (trend.date > hi)
    if outside.any():
        trend = trend.astype({"orders": "float64", "buyers": "float64"})
        trend.loc[outside, ["gmv", "orders", "buyers"]] = float("nan")
    return trend


def _monthly_trend(o, periods: list[Period]) -> pd.DataFrame:
    """:func:`daily_trend` per calendar month of long periods (a month a range touches in part: its days in it)."""
    frames = []
    for q in periods:
        x = o.filter((o.ts >= q.start) & (o.ts < q.end))
        df = (
            x.group_by(date=x.ts.truncate("M"))
            .aggregate(gmv=x.amount.sum(), orders=x.count(), buyers=x.user_id.nunique())
            .execute()
        )
        df["date"] = pd.to_datetime(df["date"])
        f = (
            pd.DataFrame({"date": [pd.Timestamp(m.start) for m in q.months]})
            .merge(df, on="date", how="left")
            .fillna({"gmv": 0.0, "orders": 0, "buyers": 0})
        )
        f.insert(0, "period", q.label)
        f.insert(1, "day", range(1, len(f) + 1))
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["gmv"] = out["gmv"].astype("float64")
    out["orders"] = out["orders"].astype("int64")
    out["buyers"] = out["buyers"].astype("int64")
    return out


@keyword_only("period")
def kpi_history(shop: Shop, *, period: Period | str, months: int = 12) -> pd.DataFrame:
    """KPIs of the ``months`` months up to ``period`` (to its last month) that the data covers in full (one row
    per month)."""
    p = Period.parse(period)
    first_ts, _ = shop.period_bounds("orders")
    first_ts = pd.Timestamp(first_ts)
    periods = [p.shift(-k) for k in range(months - 1, -1, -1)]
    periods = [q for q in periods if first_ts < pd.Timestamp(q.start) + pd.Timedelta(days=1)] or [
        p.last_month
    ]
    return month_kpis(shop, periods=periods)


@dataclass(frozen=True)
class TrendSummary:
    """The daily trend of one metric in the month: total, peak day and the previous month's total."""

    metric: str
    period: str
    total: float
    peak_date: pd.Timestamp | None = None
    peak_day: int | None = None
    peak_value: float | None = None
    previous_period: str | None = None
    previous_total: float | None = None

    @property
    def peak_share(self) -> float:
        """The peak day's share of the month's total (NaN without sales)."""
        return self.peak_value / self.total if self.peak_value is not None and self.total else math.nan

    @property
    def change(self) -> float:
        """The month's total against the previous month's, relative (NaN when not comparable)."""
        return self.total / self.previous_total - 1 if self.previous_total else math.nan


def trend_summary(trend: pd.DataFrame, metric: str = "gmv") -> TrendSummary:
    """Total and peak day of ``metric`` in the last month of ``trend`` (from :func:`daily_trend`), and the first
    month's total when the trend has two (the previous month) and both lie wholly in the data (rows outside it,
    NaN, make the totals not comparable). The peak is the first day with the largest value.
    """
    periods = list(dict.fromkeys(trend["period"]))
    cur = trend[trend.period == periods[-1]]
    peak = {}
    if len(cur):
        top = cur.loc[cur[metric].idxmax()]
        peak = dict(peak_date=top["date"], peak_day=top["day"], peak_value=top[metric])
    prev = {}
    if len(periods) > 1 and not trend[metric].isna().any():  # both wholly in the data (a month: always so)
        prev = dict(
            previous_period=periods[0], previous_total=trend[trend.period == periods[0]][metric].sum()
        )
    return TrendSummary(metric, periods[-1], cur[metric].sum(), **peak, **prev)


@dataclass(frozen=True)
class RefundWindow:
    """Whether the month's refunds may still be coming (:func:`refund_window`)."""

    period: str
    incomplete: bool
    settle_days: int
    #: days the orders data runs past the month's end (None: the data ends inside the month, its latest)
    days_after: int | None


@keyword_only("period")
def refund_window(shop: Shop, *, period: Period | str, settle_days: int = REFUND_SETTLE_DAYS) -> RefundWindow:
    """Whether refunds of the month's orders may still be coming: the orders data ends less than
    ``settle_days`` days after the month ends (always so when the month is the data's latest).

    The contract has an order's final status but no refund time; a refund is assumed to be settled within
    ``settle_days`` of the order (:data:`shoplab.orders.REFUND_SETTLE_DAYS`).
    """
    p = Period.parse(period)
    _, last_ts = shop.period_bounds("orders")
    last, end = pd.Timestamp(last_ts), pd.Timestamp(p.end)
    days_after = None if last < end else (last.normalize() - end).days + 1
    return RefundWindow(p.label, bool(last < end + pd.Timedelta(days=settle_days)), settle_days, days_after)


@keyword_only("period")
def refunds_incomplete(shop: Shop, *, period: Period | str, settle_days: int = REFUND_SETTLE_DAYS) -> bool:
    """Whether refunds of the month's orders may still be coming (:func:`refund_window`)."""
    return refund_window(shop, period=period, settle_days=settle_days).incomplete
