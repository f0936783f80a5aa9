"""Member activity, cohort retention and lifecycle stages (生命周期), computed in the engine.

* **Active member rate**: members (joined before the period ends) with an order or an event in the period,
  divided by all those members.
* **DAU/MAU** for members: mean over the period's days of distinct members with an event that day, divided by
  the distinct members with an event in the period.
* **Cohort retention**: users grouped by the month of their signup, joining or first order (``basis``); for each
  month since, the share of the cohort with the chosen activity (``order`` or ``event``) and the cohort's net
  money (paid orders less refunds, :func:`shoplab.orders.net_amount`) relative to its month-0 net money (revenue
  retention; above 100% when survivors spend more).
* **Lifecycle stage** of a buyer at the end of each month, from the days since their last order (recency)::

      new          first order in the month
      reactivated  ordered in the month after being dormant or churned at the end of the previous month
      active       ordered in the month, or recency <= at_risk_days
      at_risk      at_risk_days < recency <= dormant_days         (沉睡)
      dormant      dormant_days < recency <= churned_days
      churned      recency > churned_days
"""

from __future__ import annotations

import ibis
import pandas as pd

from ..callshape import period_end, period_range
from ..data import require_columns
from ..orders import gross_orders, net_amount
from ..periods import Period
from ._common import is_midnight, month_grid, months_table, to_ts, user_days

__all__ = [
    "STAGES",
    "active_rate",
    "member_dau_mau",
    "days_between_orders",
    "order_gap_summary",
    "cohort_retention",
    "retention_matrix",
    "lifecycle_table",
    "lifecycle_stages",
    "stage_at",
    "lifecycle_counts",
    "lifecycle_flows",
]

STAGES = ("new", "active", "reactivated", "at_risk", "dormant", "churned")


def active_rate(members, orders, events=None, *, period=None, start=None, end=None) -> dict:
    """Members (joined before ``end``), active members (an order or event in ``[start, end)``) and their ratio."""
    start, end = period_range(period, start, end, what="membership.active_rate")
    m = require_columns(members, "members", ["user_id", "joined_ts"])
    o = gross_orders(require_columns(orders, "orders", ["user_id", "ts"]))
    lo, hi = to_ts(start), to_ts(end)
    act = o.filter((o.ts >= lo) & (o.ts < hi)).select("user_id")
    if events is not None:
        act = act.union(_event_users(events, lo, hi))
    act = act.distinct().mutate(active=ibis.literal(1))
    mm = m.filter(m.joined_ts < hi).select("user_id")
    j = mm.left_join(act, "user_id")
    r = j.aggregate(members=j.count(), active=j.active.count()).execute().iloc[0]
    n, a = int(r["members"]), int(r["active"])
    return {"members": n, "active": a, "active_rate": a / n if n else float("nan")}


def _event_users(events, lo, hi):
    """Users with an event in ``[lo, hi)``: from the shared per-user-day table when the bounds are midnights."""
    if is_midnight(lo, hi):
        ud = user_days(events)
        return ud.filter((ud.d >= lo.date()) & (ud.d < hi.date())).select("user_id")
    e = require_columns(events, "events", ["user_id", "ts"])
    return e.filter((e.ts >= lo) & (e.ts < hi)).select("user_id")


def member_dau_mau(members, events, *, periods: list[Period | str]) -> pd.DataFrame:
    """Per month: members' average DAU, MAU (members with an event) and stickiness = DAU / MAU."""
    m = require_columns(members, "members", ["user_id", "joined_ts"])
    ps = sorted({Period.parse(p) for p in periods})
    # one row per user and day (the latest event of the day decides whether the user was a member then)
    ud = user_days(events)
    ud = ud.filter((ud.d >= to_ts(ps[0].start).date()) & (ud.d < to_ts(ps[-1].end).date()))
    ud = ud.select("user_id", "d", "last").join(m.select("user_id", "joined_ts"), "user_id")
    ud = ud.filter(ud["last"] >= ud.joined_ts)
    daily = ud.group_by("d").aggregate(dau=ud.count())
    dau = (
        daily.group_by(m=daily.d.truncate("M").cast("timestamp")).aggregate(dau_sum=daily.dau.sum()).execute()
    )
    mau = ud.group_by(m=ud.d.truncate("M").cast("timestamp")).aggregate(mau=ud.user_id.nunique()).execute()
    idx = pd.DatetimeIndex([pd.Timestamp(p.start) for p in ps])
    dau["m"], mau["m"] = pd.to_datetime(dau["m"]), pd.to_datetime(mau["m"])
    out = pd.DataFrame(index=idx)
    out = out.join(dau.set_index("m")).join(mau.set_index("m")).fillna(0)
    out["dau"] = out.dau_sum / pd.Series([p.days for p in ps], index=idx, dtype="float64")
    out["stickiness"] = out.dau / out.mau.where(out.mau > 0)
    out.index = pd.Index([p.label for p in ps], name="period")
    return out[["dau", "mau", "stickiness"]].reset_index()


def _order_gaps(orders, members, end):
    """Lazy table of days between consecutive sold orders before ``end`` (``member`` when ``members`` given)."""
    o = gross_orders(require_columns(orders, "orders", ["user_id", "ts"]))
    o = o.filter(o.ts < to_ts(end))
    w = ibis.window(group_by="user_id", order_by="ts")
    g = o.mutate(prev=o.ts.lag().over(w))
    g = g.filter(g.prev.notnull())
    g = g.mutate(gap_days=(g.ts.epoch_seconds() - g.prev.epoch_seconds()) / 86400.0)
    if members is None:
        return g.mutate(member=ibis.null("boolean"))
    m = require_columns(members, "members", ["user_id", "joined_ts"]).select("user_id", "joined_ts")
    g = g.left_join(m, "user_id")
    return g.mutate(member=g.joined_ts.notnull() & (g.joined_ts <= g.prev))


def days_between_orders(orders, members=None, *, period=None, end=None) -> pd.DataFrame:
    """Days between consecutive sold orders (before ``end``), per user and gap; ``member`` flags members."""
    end = period_end(period, end, what="membership.days_between_orders", name="end")
    g = _order_gaps(orders, members, end)
    return g.select("user_id", "gap_days", *(["member"] if members is not None else [])).execute()


def order_gap_summary(orders, members=None, *, period=None, end=None) -> pd.DataFrame:
    """Days between consecutive sold orders (before ``end``), summarised in the engine: one row per ``member``
    flag (all gaps when ``members`` is None) with ``gaps``, ``median_days``, ``p25_days``, ``p75_days`` and
    ``mean_days``. The gaps themselves (one per order) stay in the engine; :func:`days_between_orders` returns
    them for small data."""
    end = period_end(period, end, what="membership.order_gap_summary", name="end")
    g = _order_gaps(orders, members, end)
    df = (
        g.group_by("member")
        .aggregate(
            gaps=g.count(),
            median_days=g.gap_days.median(),
            p25_days=g.gap_days.quantile(0.25),
            p75_days=g.gap_days.quantile(0.75),
            mean_days=g.gap_days.mean(),
        )
        .execute()
    )
    return df.sort_values("member", ascending=False, ignore_index=True)


def _cohorts(basis: str, *, users=None, members=None, orders=None):
    if basis == "signup":
        u = require_columns(users, "users", ["user_id", "signup_ts"])
        return u.filter(u.signup_ts.notnull()).select(user_id=u.user_id, c_ts=u.signup_ts)
    if basis == "join":
        m = require_columns(members, "members", ["user_id", "joined_ts"])
        return m.select(user_id=m.user_id, c_ts=m.joined_ts)
    if basis == "first_order":
        o = gross_orders(require_columns(orders, "orders", ["user_id", "ts"]))
        return o.group_by("user_id").aggregate(c_ts=o.ts.min())
    raise ValueError(f"basis must be 'signup', 'join' or 'first_order', got {basis!r}")


def cohort_retention(
    orders,
    *,
    basis: str = "first_order",
    activity: str = "order",
    users=None,
    members=None,
    events=None,
    period=None,
    start=None,
    end=None,
    max_months: int = 12,
) -> pd.DataFrame:
    """Monthly cohort retention, long format.

    Cohorts are the months in ``[start, end)`` of each user's ``basis`` date (``signup`` needs ``users``,
    ``join`` needs ``members``). Activity ``order`` counts sold orders, ``event`` any event (needs ``events``).
    Only cohort months fully observed (before ``end``) are returned. ``period=`` (a :class:`~shoplab.periods.Period`
    or ``"2026-10"``) stands for ``start=`` and ``end=`` of that period; ``start`` and ``end`` remain for a
    range of several months.

    Returns
    -------
    DataFrame with ``cohort`` (YYYY-MM), ``months_since``, ``cohort_size``, ``users`` (active), ``retention``
    (users / cohort_size), ``revenue`` (net money of the cohort's orders that month: paid orders less refunds,
    refunded orders 0) and ``revenue_retention`` (revenue / the cohort's month-0 revenue).
    """
    start, end = period_range(period, start, end, what="membership.cohort_retention")
    o = gross_orders(require_columns(orders, "orders", ["user_id", "ts", "amount"]))
    lo, hi = to_ts(start), to_ts(end)
    c = _cohorts(basis, users=users, members=members, orders=orders)
    c = c.filter((c.c_ts >= lo) & (c.c_ts < hi)).mutate(cm=c.c_ts.truncate("M"))
    sizes = c.group_by("cm").aggregate(cohort_size=c.count())

    def month_index(ts):
        return ts.year() * 12 + ts.month()

    if activity == "order":
        act = o.filter(o.ts < hi).select("user_id", "ts")
    elif activity == "event":
        if events is None:
            raise ValueError("activity='event' needs the events table")
        if is_midnight(hi):  # the month of an event is the month of its day
            ud = user_days(events)
            act = ud.filter(ud.d < hi.date()).select("user_id", ts=ud.d)
        else:
            e = require_columns(events, "events", ["user_id", "ts"])
            act = e.filter(e.ts < hi).select("user_id", "ts")
    else:
        raise ValueError(f"activity must be 'order' or 'event', got {activity!r}")
    a = act.join(c, "user_id")
    a = a.mutate(k=month_index(a.ts) - month_index(a.cm))
    a = a.filter((a.k >= 0) & (a.k <= max_months))
    users_k = a.group_by(["cm", "k"]).aggregate(users=a.user_id.nunique())
    r = o.filter(o.ts < hi)
    r = r.mutate(net=net_amount(r)).join(c, "user_id")
    r = r.mutate(k=month_index(r.ts) - month_index(r.cm))
    r = r.filter((r.k >= 0) & (r.k <= max_months))
    rev_k = r.group_by(["cm", "k"]).aggregate(revenue=r.net.sum())
    uk = users_k.execute()
    rk = rev_k.execute()
    sz = sizes.execute()
    # full grid of observed (cohort, k)
    rows = []
    for cm in sorted(pd.to_datetime(sz.cm)):
        cp = Period(cm.year, cm.month)
        for k in range(max_months + 1):
            if cp.shift(k).end > hi:  # month not fully observed
                break
            rows.append((cm, k))
    grid = pd.DataFrame(rows, columns=["cm", "k"])
    for d in (uk, rk, sz):
        d["cm"] = pd.to_datetime(d["cm"]).astype("datetime64[us]")
    grid["cm"] = grid["cm"].astype("datetime64[us]")
    out = grid.merge(sz, on="cm").merge(uk, on=["cm", "k"], how="left").merge(rk, on=["cm", "k"], how="left")
    out["users"] = out["users"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].astype("float64").fillna(0.0)
    out["cohort_size"] = out["cohort_size"].astype("int64")
    out["retention"] = out.users / out.cohort_size
    base = out[out.k == 0].set_index("cm")["revenue"]
    out["revenue_retention"] = out.revenue / out.cm.map(base).where(out.cm.map(base) > 0)
    out.insert(0, "cohort", out.cm.dt.strftime("%Y-%m"))
    out = out.drop(columns="cm").rename(columns={"k": "months_since"})
    return out.sort_values(["cohort", "months_since"]).reset_index(drop=True)


def retention_matrix(retention: pd.DataFrame, value: str = "retention") -> pd.DataFrame:
    """Cohorts as rows, months since as columns (the heatmap's data)."""
    return retention.pivot(index="cohort", columns="months_since", values=value)


def lifecycle_table(
    orders,
    *,
    periods: list[Period | str],
    at_risk_days: int = 60,
    dormant_days: int = 120,
    churned_days: int = 180,
    users=None,
):
    """Lifecycle stage of every buyer at the end of each month of ``periods``, as a lazy Ibis table with
    ``m`` (the month's first day), ``user_id`` and ``stage``. It stays in the engine: :func:`lifecycle_counts`,
    :func:`lifecycle_flows` and :func:`stage_at` aggregate or filter it there.

    Months run from the first order month in the data to the last of ``periods`` so that stages carry history.
    ``users`` (an Ibis table or DataFrame with ``user_id``) restricts the population, e.g. to members.
    """
    if not at_risk_days < dormant_days < churned_days:
        raise ValueError("thresholds must satisfy at_risk_days < dormant_days < churned_days")
    o = gross_orders(require_columns(orders, "orders", ["user_id", "ts"]))
    if users is not None:
        o = o.join(require_columns(users, "users", ["user_id"]).select("user_id").distinct(), "user_id")
    ps = sorted({Period.parse(p) for p in periods})
    o = o.filter(o.ts < ps[-1].end)
    first_ts = o.ts.min().execute()
    if first_ts is None or pd.isna(first_ts):
        return None
    first_ts = pd.Timestamp(first_ts)
    allp = month_grid(Period(first_ts.year, first_ts.month), ps[-1])
    months = months_table(allp)
    om = o.mutate(m=o.ts.truncate("M")).group_by(["user_id", "m"]).aggregate(last_in=o.ts.max())
    first = om.group_by("user_id").aggregate(first_m=om.m.min())
    grid = first.cross_join(months).filter(lambda t: t.m >= t.first_m)
    g = grid.left_join(om, ["user_id", "m"]).select("user_id", "m", "m_end", "mi", "first_m", "last_in")
    w = ibis.window(group_by="user_id", order_by="mi", preceding=None, following=0)
    g = g.mutate(last_ts=g.last_in.max().over(w))
    rec = (g.m_end.epoch_seconds() - g.last_ts.epoch_seconds()) / 86400.0
    base = ibis.cases(
        (rec <= at_risk_days, "active"),
        (rec <= dormant_days, "at_risk"),
        (rec <= churned_days, "dormant"),
        else_="churned",
    )
    g = g.mutate(base=base, ordered=g.last_in.notnull())
    w2 = ibis.window(group_by="user_id", order_by="mi")
    g = g.mutate(prev_base=g.base.lag().over(w2))
    stage = ibis.cases(
        (g.m == g.first_m, "new"),
        (g.ordered & g.prev_base.isin(["dormant", "churned"]), "reactivated"),
        (g.ordered, "active"),
        else_=g.base,
    )
    g = g.mutate(stage=stage)
    keep = [pd.Timestamp(p.start) for p in ps]
    g = g.filter(g.m.isin(keep))
    return g.select("m", "user_id", "stage")


def lifecycle_stages(
    orders,
    *,
    periods: list[Period | str],
    at_risk_days: int = 60,
    dormant_days: int = 120,
    churned_days: int = 180,
    users=None,
) -> pd.DataFrame:
    """:func:`lifecycle_table` brought back as pandas, long format (``period``, ``user_id``, ``stage``): one row
    per buyer and month, so keep it for small data and tests; reports use the lazy table."""
    g = lifecycle_table(
        orders,
        periods=periods,
        at_risk_days=at_risk_days,
        dormant_days=dormant_days,
        churned_days=churned_days,
        users=users,
    )
    if g is None:
        return pd.DataFrame(columns=["period", "user_id", "stage"])
    df = g.execute()
    df["period"] = pd.to_datetime(df["m"]).dt.strftime("%Y-%m")
    return df[["period", "user_id", "stage"]].sort_values(["period", "user_id"]).reset_index(drop=True)


def _is_lazy(stages) -> bool:
    return hasattr(stages, "execute") and hasattr(stages, "group_by")


def _month_start(period) -> pd.Timestamp:
    return pd.Timestamp(Period.parse(period).start)


def lifecycle_counts(stages, *, periods: list[Period | str] | None = None) -> pd.DataFrame:
    """Users per stage per month (rows = period, columns = :data:`STAGES`), for ``periods`` (default all).

    ``stages`` is :func:`lifecycle_table` (counted in the engine) or :func:`lifecycle_stages`' DataFrame."""
    if stages is None:
        return pd.DataFrame(columns=list(STAGES), index=pd.Index([], name="period"), dtype="int64")
    if _is_lazy(stages):
        s = stages
        if periods is not None:
            s = s.filter(s.m.isin([_month_start(p) for p in periods]))
        df = s.group_by(["m", "stage"]).aggregate(n=s.count()).execute()
        df["period"] = pd.to_datetime(df["m"]).dt.strftime("%Y-%m")
        t = df.pivot_table(index="period", columns="stage", values="n", aggfunc="sum", fill_value=0)
    else:
        if periods is not None:
            stages = stages[stages.period.isin([Period.parse(p).label for p in periods])]
        t = stages.pivot_table(
            index="period", columns="stage", values="user_id", aggfunc="count", fill_value=0
        )
    t = t.reindex(columns=list(STAGES), fill_value=0).astype("int64")
    t.columns.name = None
    return t


def stage_at(stages, period: Period | str) -> pd.Series:
    """Each buyer's stage at the end of ``period`` (index ``user_id``): a per-user table."""
    if _is_lazy(stages):
        s = stages.filter(stages.m == _month_start(period))
        df = s.select("user_id", "stage").execute()
    else:
        df = stages[stages.period == Period.parse(period).label]
    return df.set_index("user_id")["stage"]


def lifecycle_flows(stages, *, period: Period | str, since: Period | str | None = None) -> pd.DataFrame:
    """Flows between stages from the previous month (or the month ``since``) to ``period``: rows = stage last
    month (``none`` for users not yet buyers), columns = stage this month. Counted in the engine when ``stages``
    is the lazy table."""
    p = Period.parse(period)
    q = Period.parse(since) if since is not None else p.previous()
    if _is_lazy(stages):
        cur = stages.filter(stages.m == _month_start(p))
        prev = stages.filter(stages.m == _month_start(q))
        if int(prev.count().execute()) == 0 and int(cur.count().execute()) > 0:
            raise ValueError(f"lifecycle_flows needs stages for {q.label} as well")
        j = cur.left_join(prev, "user_id").select(to=cur.stage, **{"from": prev.stage.fill_null("none")})
        df = j.group_by(["from", "to"]).aggregate(n=j.count()).execute()
        t = df.pivot_table(index="from", columns="to", values="n", aggfunc="sum", fill_value=0)
    else:
        cur = stages[stages.period == p.label].set_index("user_id")["stage"]
        prev = stages[stages.period == q.label].set_index("user_id")["stage"]
        if prev.empty and not cur.empty:
            raise ValueError(f"lifecycle_flows needs stages for {q.label} as well")
        j = pd.DataFrame({"to": cur}).join(prev.rename("from"), how="left").fillna({"from": "none"})
        t = pd.crosstab(j["from"], j["to"])
    rows = [s for s in ("none", *STAGES) if s in t.index]
    t = t.reindex(index=rows, columns=list(STAGES), fill_value=0).astype("int64")
    t.index.name, t.columns.name = "stage last month", "stage this month"
    return t
