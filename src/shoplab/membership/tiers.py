"""Tiers, tier migration, members against non-members, and the points economy.

* A member's tier at a moment is the tier of their latest ``tier_history`` row before it; without
  ``tier_history``, the current ``members.tier`` from ``joined_ts`` on.
* **Member comparison**: over a window, *members* joined before it starts, *non-members* had not joined by its
  end (members who joined inside the window are a third group, so that pre-joining orders do not blur the
  comparison). Repurchase rate = buyers with two or more orders in the window / buyers.
* **Points**: the ledger is signed; issued = earned points, redeemed and expired are shown positive.
  Outstanding balance = sum of all points up to the moment (a liability). Redemption rate = redeemed / issued,
  breakage = expired / (redeemed + expired), both over a window.
"""

from __future__ import annotations

import math

import ibis
import pandas as pd

from .. import stats
from ..callshape import period_end, period_range
from ..data import require_columns
from ..orders import gross_orders
from ..periods import Period
from ._common import months_table, tier_order_of, to_ts

__all__ = [
    "tiers_at",
    "tier_counts",
    "tier_migration",
    "migration_summary",
    "member_comparison",
    "points_monthly",
    "points_balances",
    "points_summary",
    "member_growth",
    "repurchase_test",
]


def _tier_events(members, tier_history=None):
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    if tier_history is None:
        return m.select(user_id=m.user_id, ts=m.joined_ts, tier=m.tier)
    th = require_columns(tier_history, "tier_history", ["user_id", "ts", "tier"])
    return th.select("user_id", "ts", "tier")


def _tier_at(members, tier_history, moment) -> ibis.Table:
    """Per user: tier of the latest tier event strictly before ``moment``."""
    ev = _tier_events(members, tier_history)
    ev = ev.filter(ev.ts < moment)
    return ev.group_by("user_id").aggregate(tier=ev.tier.argmax(ev.ts))


def tiers_at(members, tier_history=None, *, period=None, at=None) -> pd.Series:
    """Tier of each current member at ``at`` (a Series indexed by user id; members who joined later are absent)."""
    at = period_end(period, at, what="membership.tiers_at", name="at")
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    t = _tier_at(members, tier_history, to_ts(at)).join(m.select("user_id"), "user_id")
    return t.execute().set_index("user_id")["tier"].sort_index()


def tier_counts(members, tier_history=None, *, periods: list[Period | str]) -> pd.DataFrame:
    """Members by tier at the end of each month: one row per month (``period``), one column per tier.

    Only current members (the ``members`` table) are counted.
    """
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    ev = _tier_events(members, tier_history)
    ev = ev.join(m.select("user_id"), "user_id")
    ps = sorted({Period.parse(p) for p in periods})
    months = months_table(ps)
    j = ev.cross_join(months).filter(lambda t: t.ts < t.m_end)
    last = j.group_by(["mi", "user_id"]).aggregate(tier=j.tier.argmax(j.ts))
    df = last.group_by(["mi", "tier"]).aggregate(members=last.count()).execute()
    wide = df.pivot_table(index="mi", columns="tier", values="members", aggfunc="sum").reindex(range(len(ps)))
    wide = wide.fillna(0).astype("int64")
    wide = wide[tier_order_of(wide.columns)]
    wide.index = pd.Index([p.label for p in ps], name="period")
    wide.columns.name = None
    return wide


def tier_migration(members, tier_history=None, *, period=None, start=None, end=None) -> pd.DataFrame:
    """Tier migration matrix: rows = tier at ``start`` (or ``not a member``), columns = tier at ``end``.

    Users with a tier at ``start`` who are no longer in ``members`` at the end land in column ``left``.
    Returns counts; ``migration_summary`` turns them into upgrade / stay / downgrade / left / joined.
    """
    start, end = period_range(period, start, end, what="membership.tier_migration")
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    a = _tier_at(members, tier_history, to_ts(start)).rename(tier_from="tier")
    cur = m.select("user_id")
    b = _tier_at(members, tier_history, to_ts(end)).join(cur, "user_id").rename(tier_to="tier")
    j = a.outer_join(b, "user_id")
    j = j.select(
        tier_from=j.tier_from.fill_null("not a member"),
        tier_to=j.tier_to.fill_null("left"),
    )
    df = j.group_by(["tier_from", "tier_to"]).aggregate(members=j.count()).execute()
    tiers = tier_order_of(list(df.tier_from) + list(df.tier_to))
    tiers = [t for t in tiers if t not in ("not a member", "left")]
    wide = df.pivot_table(index="tier_from", columns="tier_to", values="members", aggfunc="sum")
    rows = [t for t in tiers + ["not a member"] if t in wide.index]
    cols = [t for t in tiers + ["left"] if t in wide.columns]
    wide = wide.reindex(index=rows, columns=cols).fillna(0).astype("int64")
    wide.index.name, wide.columns.name = "tier at start", "tier at end"
    return wide


def migration_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """Counts and shares of members who upgraded, stayed, downgraded or left, and of new members."""
    tiers = [t for t in matrix.columns if t != "left"]
    rank = {t: i for i, t in enumerate(tiers)}
    out = dict.fromkeys(["upgraded", "stayed", "downgraded", "left"], 0)
    joined = 0
    for f in matrix.index:
        for t in matrix.columns:
            n = int(matrix.loc[f, t])
            if f == "not a member":
                joined += n if t != "left" else 0
            elif t == "left":
                out["left"] += n
            elif rank.get(t, 0) > rank.get(f, 0):
                out["upgraded"] += n
            elif rank.get(t, 0) < rank.get(f, 0):
                out["downgraded"] += n
            else:
                out["stayed"] += n
    base = sum(out.values())
    rows = [
        {"movement": k, "members": v, "share_of_start": v / base if base else float("nan")}
        for k, v in out.items()
    ]
    rows.append(
        {"movement": "joined", "members": joined, "share_of_start": joined / base if base else float("nan")}
    )
    return pd.DataFrame(rows)


def member_comparison(orders, members, *, period=None, start=None, end=None) -> pd.DataFrame:
    """Members vs non-members over ``[start, end)``: buyers, repurchase rate, orders per buyer, AOV, GMV share.

    One row per group: ``member`` (joined before ``start``), ``joined in window``, ``non-member``.
    """
    start, end = period_range(period, start, end, what="membership.member_comparison")
    o = gross_orders(require_columns(orders, "orders", ["user_id", "ts", "amount"]))
    m = require_columns(members, "members", ["user_id", "joined_ts"])
    lo, hi = to_ts(start), to_ts(end)
    o = o.filter((o.ts >= lo) & (o.ts < hi))
    per = o.group_by("user_id").aggregate(n=o.count(), gmv=o.amount.sum())
    j = per.left_join(m.select("user_id", "joined_ts"), "user_id")
    grp = ibis.cases(
        (j.joined_ts.isnull() | (j.joined_ts >= hi), "non-member"),
        (j.joined_ts < lo, "member"),
        else_="joined in window",
    )
    j = j.mutate(group=grp)
    g = j.group_by("group").aggregate(
        buyers=j.count(),
        repeat_buyers=(j.n >= 2).cast("int64").sum(),
        orders=j.n.sum(),
        gmv=j.gmv.sum(),
    )
    df = g.execute().set_index("group")
    df = df.reindex(["member", "joined in window", "non-member"]).fillna(0)
    df["repurchase_rate"] = df.repeat_buyers / df.buyers.where(df.buyers > 0)
    df["orders_per_buyer"] = df.orders / df.buyers.where(df.buyers > 0)
    df["aov"] = df.gmv / df.orders.where(df.orders > 0)
    df["gmv_per_buyer"] = df.gmv / df.buyers.where(df.buyers > 0)
    df["gmv_share"] = df.gmv / df.gmv.sum()
    for c in ("buyers", "repeat_buyers", "orders"):
        df[c] = df[c].astype("int64")
    return df.reset_index()


def points_monthly(points, *, periods: list[Period | str]) -> pd.DataFrame:
    """Points issued, redeemed and expired per month (positive numbers) and the outstanding balance at month end.

    Without a ``kind`` column, positive rows are issued and negative rows redeemed.
    """
    p = require_columns(points, "points", ["user_id", "ts", "points"])
    ps = sorted({Period.parse(x) for x in periods})
    if "kind" in p.columns:
        kind = p.kind.fill_null(ibis.ifelse(p.points >= 0, "earn", "redeem"))
    else:
        kind = ibis.ifelse(p.points >= 0, "earn", "redeem")
    p = p.mutate(kind=kind, m=p.ts.truncate("M"))
    hi = ps[-1].end
    before = p.filter(p.ts < ps[0].start).aggregate(b=p.points.sum()).execute()["b"].iloc[0]
    before = 0 if before is None or pd.isna(before) else int(before)
    q = p.filter((p.ts >= ps[0].start) & (p.ts < hi))
    g = (
        q.group_by("m")
        .aggregate(
            issued=q.points.sum(where=q.kind == "earn"),
            redeemed=-q.points.sum(where=q.kind == "redeem"),
            expired=-q.points.sum(where=q.kind == "expire"),
            net=q.points.sum(),
            redeemers=q.user_id.nunique(where=q.kind == "redeem"),
        )
        .execute()
    )
    g["m"] = pd.to_datetime(g["m"])
    idx = pd.DatetimeIndex([pd.Timestamp(x.start) for x in ps], name="m")
    out = g.set_index("m").reindex(idx).fillna(0).astype("int64")
    out["outstanding"] = before + out["net"].cumsum()
    out["redemption_rate"] = out.redeemed / out.issued.where(out.issued > 0)
    out.index = pd.Index([x.label for x in ps], name="period")
    return out.reset_index()


def points_balances(points, members, tier_history=None, *, period=None, at=None) -> pd.DataFrame:
    """Each current member's points balance at ``at`` with their tier then (members without points have 0)."""
    at = period_end(period, at, what="membership.points_balances", name="at")
    p = require_columns(points, "points", ["user_id", "ts", "points"])
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    at = to_ts(at)
    p = p.filter(p.ts < at)
    bal = p.group_by("user_id").aggregate(balance=p.points.sum())
    tiers = _tier_at(members, tier_history, at)
    cur = m.filter(m.joined_ts < at).select("user_id")
    j = cur.left_join(tiers, "user_id").select("user_id", "tier")
    j = j.left_join(bal, "user_id").select("user_id", "tier", "balance")
    df = j.execute()
    df["balance"] = df["balance"].fillna(0).astype("int64")
    return df.sort_values("user_id").reset_index(drop=True)


def points_summary(points, members, *, period=None, start=None, end=None) -> dict:
    """Points headline numbers over ``[start, end)``: issued, redeemed, expired, redemption rate, breakage,
    share of members (joined before ``end``) who redeemed, and the outstanding balance at ``end``."""
    start, end = period_range(period, start, end, what="membership.points_summary")
    p = require_columns(points, "points", ["user_id", "ts", "points"])
    m = require_columns(members, "members", ["user_id", "joined_ts"])
    lo, hi = to_ts(start), to_ts(end)
    kind = p.kind if "kind" in p.columns else ibis.ifelse(p.points >= 0, "earn", "redeem")
    p = p.mutate(kind=kind)
    w = p.filter((p.ts >= lo) & (p.ts < hi))
    r = (
        w.aggregate(
            issued=w.points.sum(where=w.kind == "earn"),
            redeemed=-w.points.sum(where=w.kind == "redeem"),
            expired=-w.points.sum(where=w.kind == "expire"),
            redeemers=w.user_id.nunique(where=w.kind == "redeem"),
        )
        .execute()
        .iloc[0]
    )
    outstanding = p.filter(p.ts < hi).aggregate(b=p.points.sum()).execute()["b"].iloc[0]
    n_members = m.filter(m.joined_ts < hi).count().execute()
    vals = {
        k: (0 if r[k] is None or pd.isna(r[k]) else int(r[k]))
        for k in ("issued", "redeemed", "expired", "redeemers")
    }
    used = vals["redeemed"] + vals["expired"]
    return {
        **vals,
        "members": int(n_members),
        "outstanding": 0 if outstanding is None or pd.isna(outstanding) else int(outstanding),
        "redemption_rate": vals["redeemed"] / vals["issued"] if vals["issued"] else float("nan"),
        "breakage": vals["expired"] / used if used else float("nan"),
        "share_redeemed": vals["redeemers"] / n_members if n_members else float("nan"),
    }


def member_growth(tier_counts: pd.DataFrame) -> tuple:
    """Members at the last month end of ``tier_counts`` against three months before: ``(now, before, label of
    that month, relative change)``; ``before`` and ``label`` are None (change NaN) with fewer than four months."""
    tc = tier_counts.sum(axis=1)
    now = int(tc.iloc[-1])
    if len(tc) >= 4:
        before, label = int(tc.iloc[-4]), str(tc.index[-4])
        return now, before, label, (now / before - 1 if before else math.nan)
    return now, None, None, math.nan


def repurchase_test(comparison: pd.DataFrame, a: str = "member", b: str = "non-member") -> dict:
    """Repurchase rate of group ``a`` minus group ``b`` of ``member_comparison``: :func:`shoplab.stats.two_proportion`
    (unpooled z test with its 95% Wald interval).

    Returns ``n_a``, ``n_b``, ``rate_a``, ``rate_b``, ``diff`` (a - b, as a share), ``ci_low``, ``ci_high`` (its
    interval) and ``p`` (two-sided); NaN when a group has no buyers.
    """
    c = comparison.set_index("group")
    n1, n2 = int(c.loc[a, "buyers"]), int(c.loc[b, "buyers"])
    x1, x2 = int(c.loc[a, "repeat_buyers"]), int(c.loc[b, "repeat_buyers"])
    out = {"n_a": n1, "n_b": n2} | dict.fromkeys(
        ("rate_a", "rate_b", "diff", "ci_low", "ci_high", "p"), math.nan
    )
    if n1 == 0 or n2 == 0:
        return out
    r = stats.two_proportion(x1, n1, x2, n2)
    return out | dict(
        rate_a=r["treatment"],
        rate_b=r["control"],
        diff=r.estimate,
        ci_low=r.ci_low,
        ci_high=r.ci_high,
        p=r.p_value,
    )
