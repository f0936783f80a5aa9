"""Monthly KPIs for the overview report, computed in the engine.

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

import ibis
import pandas as pd

from ..data import Shop
from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_value, record
from ..orders import REFUND_SETTLE_DAYS, gross_orders, is_refunded, net_amount
from ..periods import Period

__all__ = [
    "KPIS",
    "HEADLINES",
    "month_kpis",
    "kpi_summary",
    "kpi_history",
    "daily_trend",
    "record_headlines",
    "findings",
    "refunds_incomplete",
    "refund_rate_note",
    "format_summary",
    "trend_title",
]

# name -> (label, unit): unit is "yuan", "count" or "rate"
KPIS: dict[str, tuple[str, str]] = {
    "gmv": ("GMV", "yuan"),
    "net_sales": ("Net sales", "yuan"),
    "orders": ("Orders", "count"),
    "buyers": ("Buyers", "count"),
    "aov": ("AOV", "yuan"),
    "new_users": ("New users", "count"),
    "active_users": ("Active users (MAU)", "count"),
    "dau": ("Average DAU", "count"),
    "stickiness": ("Stickiness (DAU/MAU)", "rate"),
    "conversion": ("Visit-to-buy conversion", "rate"),
    "repurchase_rate": ("Repurchase rate", "rate"),
    "refund_rate": ("Refund rate", "rate"),
}
KPI_LABELS_ZH = {
    "gmv": "成交额 (GMV)",
    "net_sales": "净销售额",
    "orders": "订单数",
    "buyers": "购买人数",
    "aov": "客单价",
    "new_users": "新用户",
    "active_users": "月活跃用户 (MAU)",
    "dau": "日均活跃 (DAU)",
    "stickiness": "粘性 (DAU/MAU)",
    "conversion": "访问-购买转化率",
    "repurchase_rate": "复购率",
    "refund_rate": "退款率",
}


def kpi_label(key: str, lang: str | None = None) -> str:
    """A KPI's display name in the report language."""
    return tr(KPIS[key][0], KPI_LABELS_ZH[key], lang)


def _sold(shop: Shop):
    return gross_orders(shop.orders)


def month_kpis(shop: Shop, periods: list[Period | str]) -> pd.DataFrame:
    """KPIs for each given month: one row per month (index ``period``), one column per KPI in :data:`KPIS`.

    KPIs that the data cannot support (no events, no signup dates) are NaN.
    """
    periods = sorted({Period.parse(p) for p in periods})
    lo, hi = periods[0].start, periods[-1].end
    month = lambda ts: ts.truncate("M")  # noqa: E731

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
        dau = daily.group_by(m=daily.d.truncate("M").cast("timestamp")).aggregate(dau_sum=daily.dau.sum())
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
    return out[list(KPIS)]


def kpi_summary(shop: Shop, period: Period | str) -> pd.DataFrame:
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
    k = month_kpis(shop, [p, prev, ya])
    rows = []
    for key, (_label, unit) in KPIS.items():
        v = k.loc[p.label, key]
        pv = k.loc[prev.label, key] if covered[prev.label] else math.nan
        yv = k.loc[ya.label, key] if covered[ya.label] else math.nan
        rows.append(
            {
                "kpi": key,
                "label": kpi_label(key),
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


def daily_trend(shop: Shop, period: Period | str, *, compare_previous: bool = True) -> pd.DataFrame:
    """Daily GMV, orders and buyers in the month (and the previous month, aligned by day of month).

    Returns one row per (``period``, ``day``) with columns ``date``, ``gmv``, ``orders``, ``buyers``.
    """
    p = Period.parse(period)
    months = [p.previous(), p] if compare_previous else [p]
    o = _sold(shop)
    o = o.filter((o.ts >= months[0].start) & (o.ts < p.end))
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
        f.insert(1, "day", f.date.dt.day)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["orders"] = out["orders"].astype("int64")
    out["buyers"] = out["buyers"].astype("int64")
    return out


def refunds_incomplete(shop: Shop, period: Period | str, *, settle_days: int = REFUND_SETTLE_DAYS) -> bool:
    """Whether refunds of the month's orders may still be coming: the orders data ends less than
    ``settle_days`` days after the month ends (always so when the month is the data's latest).

    The contract has an order's final status but no refund time; a refund is assumed to be settled within
    ``settle_days`` of the order (:data:`shoplab.orders.REFUND_SETTLE_DAYS`).
    """
    p = Period.parse(period)
    _, last_ts = shop.period_bounds("orders")
    return pd.Timestamp(last_ts) < pd.Timestamp(p.end) + pd.Timedelta(days=settle_days)


def refund_rate_note(
    shop: Shop, period: Period | str, *, settle_days: int = REFUND_SETTLE_DAYS, lang: str | None = None
) -> str | None:
    """A note for the report when the month's refund rate is still incomplete (else None)."""
    if not refunds_incomplete(shop, period, settle_days=settle_days):
        return None
    p = Period.parse(period)
    _, last_ts = shop.period_bounds("orders")
    last = pd.Timestamp(last_ts)
    if last < pd.Timestamp(p.end):
        where_en, where_zh = f"{p.label} is the latest month in the data", f"{p.label} 是数据中最新的月份"
    else:
        days = (last.normalize() - pd.Timestamp(p.end)).days + 1
        where_en = f"the data ends {days} day{'s' if days != 1 else ''} after {p.label}"
        where_zh = f"数据截止于 {p.label} 结束后第 {days} 天"
    return tr(
        f"Refund rate still incomplete: {where_en}, and refunds come in after the month (an order is taken as "
        f"settled {settle_days} days after it is placed). {p.label}'s refund rate will still rise, and its net "
        "sales fall, as late refunds arrive; compare it with earlier months with care.",
        f"退款率尚不完整：{where_zh}，而退款在下单后陆续发生（订单在下单 {settle_days} 天后才视为结清）。"
        f"随着后续退款到来，{p.label} 的退款率还会上升、净销售额还会下降；与此前月份比较时请谨慎。",
        lang,
    )


HEADLINES = ("gmv", "orders", "buyers", "aov", "new_users", "repurchase_rate")


def record_headlines(summary: pd.DataFrame, history: pd.DataFrame | None = None) -> dict[str, float]:
    """Record the overview's headline numbers (``overview.gmv`` ...) for metrics.json and the index page.

    ``history`` (from :func:`kpi_history`) gives the index page its sparklines.
    """
    out = {}
    for key in HEADLINES:
        r = summary.loc[key]
        hist = history[key].to_dict() if history is not None else None
        out[f"overview.{key}"] = record(
            f"overview.{key}",
            r["value"],
            label=r["label"],
            unit=r["unit"],
            previous=r["previous"],
            history=hist,
        )
    return out


def kpi_history(shop: Shop, period: Period | str, *, months: int = 12) -> pd.DataFrame:
    """KPIs of the ``months`` months up to ``period`` that the data covers in full (one row per month)."""
    p = Period.parse(period)
    first_ts, _ = shop.period_bounds("orders")
    first_ts = pd.Timestamp(first_ts)
    periods = [p.shift(-k) for k in range(months - 1, -1, -1)]
    periods = [q for q in periods if first_ts < pd.Timestamp(q.start) + pd.Timedelta(days=1)] or [p]
    return month_kpis(shop, periods)


def format_summary(summary: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The KPI table as a manager reads it: formatted values and changes, n/a where not comparable."""
    cols = [
        tr("This month", "本月", lang),
        tr("Previous month", "上月", lang),
        tr("Change", "环比", lang),
        tr("Same month last year", "去年同月", lang),
        tr("Change vs last year", "同比", lang),
    ]
    rows = []
    for _, r in summary.iterrows():
        values = [
            fmt_value(r["value"], r["unit"]),
            fmt_value(r["previous"], r["unit"]),
            fmt_change(r["change_mom"], r["change_kind"]),
            fmt_value(r["last_year"], r["unit"]),
            fmt_change(r["change_yoy"], r["change_kind"]),
        ]
        rows.append({tr("KPI", "指标", lang): r["label"], **dict(zip(cols, values, strict=True))})
    return pd.DataFrame(rows).set_index(tr("KPI", "指标", lang))


def findings(
    summary: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    *,
    period: str | None = None,
    refunds_incomplete: bool = False,
    lang: str | None = None,
) -> list[Finding]:
    """Plain sentences backed by the numbers of the KPI table (and the daily trend, if given).

    Each finding links to the section that shows its numbers (``key-numbers`` or ``daily-trend``).
    ``refunds_incomplete`` (from :func:`refunds_incomplete`) marks the refund rate as still incomplete.
    """

    def s(key):
        return summary.loc[key]

    def F(en: str, zh: str, section: str = "key-numbers") -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    g = s("gmv")
    gv = fmt_value(g["value"], "yuan")
    en = f"GMV was {gv}" + (f" in {period}" if period else "")
    zh = (f"{period} " if period else "本月") + f"成交额 {gv}"
    comps_en, comps_zh = [], []
    if not pd.isna(g["change_mom"]):
        comps_en.append(f"{fmt_change(g['change_mom'])} on the previous month")
        comps_zh.append(f"环比 {fmt_change(g['change_mom'])}")
    if not pd.isna(g["change_yoy"]):
        comps_en.append(f"{fmt_change(g['change_yoy'])} on the same month last year")
        comps_zh.append(f"同比 {fmt_change(g['change_yoy'])}")
    out.append(
        F(
            en + (", " + " and ".join(comps_en) if comps_en else "") + ".",
            zh + ("，" + "，".join(comps_zh) if comps_zh else "") + "。",
        )
    )
    b, a = s("buyers"), s("aov")
    nb, no, av = (
        fmt_value(b["value"], "count"),
        fmt_value(s("orders")["value"], "count"),
        fmt_value(a["value"], "yuan"),
    )
    out.append(
        F(
            f"{nb} buyers ({fmt_change(b['change_mom'])} on the previous month) placed {no} orders at {av} per order "
            f"({fmt_change(a['change_mom'])}).",
            f"{nb} 位买家（环比 {fmt_change(b['change_mom'])}）下单 {no} 笔，客单价 {av}（环比 {fmt_change(a['change_mom'])}）。",
        )
    )
    c = s("conversion")
    if not pd.isna(c["value"]):
        cv, act, ch = (
            fmt_value(c["value"], "rate"),
            fmt_value(s("active_users")["value"], "count"),
            fmt_change(c["change_mom"], "pp"),
        )
        out.append(
            F(
                f"{cv} of the month's {act} active users bought ({ch} vs previous month).",
                f"本月 {act} 位活跃用户中 {cv} 完成购买（环比 {ch}）。",
            )
        )
    r, rf = s("repurchase_rate"), s("refund_rate")
    rv, rc = fmt_value(r["value"], "rate"), fmt_change(r["change_mom"], "pp")
    fv, fc = fmt_value(rf["value"], "rate"), fmt_change(rf["change_mom"], "pp")
    open_en = ", still incomplete: late refunds are yet to come" if refunds_incomplete else ""
    open_zh = "，尚不完整：仍有退款未到" if refunds_incomplete else ""
    out.append(
        F(
            f"Repurchase rate: {rv} of buyers ordered twice or more ({rc}); refund rate {fv} ({fc}{open_en}).",
            f"复购率 {rv}：买家中下单两次及以上的占比（环比 {rc}）；退款率 {fv}（环比 {fc}{open_zh}）。",
        )
    )
    if trend is not None and len(trend):
        cur = trend[trend.period == trend.period.iloc[-1]]
        if cur.gmv.sum() > 0:
            top = cur.loc[cur.gmv.idxmax()]
            share = top.gmv / cur.gmv.sum()
            tv = fmt_value(top["gmv"], "yuan")
            out.append(
                F(
                    f"The best day was {top['date']:%Y-%m-%d} with {tv} GMV ({share:.0%} of the month).",
                    f"单日成交最高为 {top['date']:%Y-%m-%d}，成交额 {tv}（占全月 {share:.0%}）。",
                    "daily-trend",
                )
            )
    return out


_METRIC_NAMES = {"gmv": ("GMV", "成交额"), "orders": ("Orders", "订单数"), "buyers": ("Buyers", "购买人数")}


def trend_title(trend: pd.DataFrame, metric: str = "gmv", *, lang: str | None = None) -> str:
    """A chart title that states the finding of the daily trend."""
    periods = list(dict.fromkeys(trend.period))
    cur = trend[trend.period == periods[-1]]
    unit = "yuan" if metric in ("gmv", "net_sales") else "count"
    name = tr(*_METRIC_NAMES.get(metric, (metric, metric)), lang)
    if cur[metric].sum() == 0:
        return tr(f"{name} per day, {periods[-1]}: no sales", f"{periods[-1]} 每日{name}：无销售", lang)
    top = cur.loc[cur[metric].idxmax()]
    peak = fmt_value(top[metric], unit)
    title = tr(
        f"{name} per day, {periods[-1]}: peak {peak} on {top['date']:%m-%d}",
        f"{periods[-1]} 每日{name}：{top['date']:%m-%d} 达到峰值 {peak}",
        lang,
    )
    if len(periods) > 1:
        prev = trend[trend.period == periods[0]][metric].sum()
        if prev:
            ch = fmt_change(cur[metric].sum() / prev - 1)
            title += tr(f"; month total {ch} vs {periods[0]}", f"；全月合计较 {periods[0]} {ch}", lang)
    return title
