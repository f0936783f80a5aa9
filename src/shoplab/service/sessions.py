"""Customer service (客服) from ``service_sessions``, computed in the engine.

A session belongs to the period by its ``start_ts``. The first-response time is ``first_response_ts -
start_ts`` in seconds, over sessions with a first response (bot sessions included); percentiles are linear-
interpolated (numpy's default). The resolution rate is resolved sessions / sessions with a known ``resolved``.
A bot session handed over is one with ``is_bot`` and an ``agent_id`` (a human took it over).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from .. import stats
from ..data import Shop, require_columns
from ..periods import Period
from ..privacy import pseudonymise
from ._common import in_period, promotion_days, seconds_between

__all__ = [
    "CustomerService",
    "customer_service",
    "response_by_hour",
    "response_by_day",
    "promotion_effect",
    "agents",
    "topics",
]


@dataclass(frozen=True)
class CustomerService:
    """The period's headline numbers of customer service."""

    sessions: int
    answered: int  #: sessions with a first response
    first_response_median_s: float
    first_response_p90_s: float
    within_target: float  #: share of answered sessions answered within ``target_s``
    target_s: float
    resolution_rate: float  #: resolved / sessions with a known ``resolved`` (NaN without the column)
    resolution_known: int
    bot_share: float  #: sessions started by the bot / sessions (NaN without ``is_bot``)
    handover_share: float  #: bot sessions taken over by an agent / bot sessions (NaN without the columns)
    mean_score: float  #: mean session rating (1-5; NaN without ``score``)


def _sessions(shop_or_table, period: Period | str):
    s = shop_or_table.service_sessions if isinstance(shop_or_table, Shop) else shop_or_table
    s = require_columns(s, "service_sessions", ["session_id", "start_ts"])
    s = s.filter(in_period(s.start_ts, period))
    if "first_response_ts" in s.columns:
        s = s.mutate(frt=seconds_between(s.start_ts, s.first_response_ts))
    else:
        s = s.mutate(frt=ibis.null("float64"))
    return s


def customer_service(shop, *, period: Period | str, target_s: float = 30.0) -> CustomerService:
    """Sessions, first-response median/p90 and share within ``target_s`` seconds, resolution, bot share and
    handover, mean rating of the period's sessions (``shop``: a Shop or the service_sessions table)."""
    s = _sessions(shop, period)
    cols = s.columns
    aggs = dict(
        n=s.count(),
        answered=s.frt.count(),
        med=s.frt.quantile(0.5),
        p90=s.frt.quantile(0.9),
        within=(s.frt <= target_s).cast("int64").sum(),
    )
    if "resolved" in cols:
        aggs |= dict(res=s.resolved.cast("int64").sum(), res_n=s.resolved.count())
    if "is_bot" in cols:
        aggs |= dict(bot=s.is_bot.cast("int64").sum(), bot_n=s.is_bot.count())
        if "agent_id" in cols:
            aggs |= dict(hand=(s.is_bot & s.agent_id.notnull()).cast("int64").sum())
    if "score" in cols:
        aggs |= dict(score=s.score.mean())
    r = s.aggregate(**aggs).execute().iloc[0]

    def f(key, default=math.nan):
        v = r.get(key, default)
        return default if v is None or pd.isna(v) else float(v)

    answered = int(r.answered)
    res_n = int(f("res_n", 0))
    bot = f("bot", math.nan)
    return CustomerService(
        sessions=int(r.n),
        answered=answered,
        first_response_median_s=f("med"),
        first_response_p90_s=f("p90"),
        within_target=f("within", 0) / answered if answered else math.nan,
        target_s=float(target_s),
        resolution_rate=f("res", 0) / res_n if res_n else math.nan,
        resolution_known=res_n,
        bot_share=bot / f("bot_n") if f("bot_n", 0) else math.nan,
        handover_share=f("hand") / bot if bot and bot == bot and "hand" in r else math.nan,
        mean_score=f("score"),
    )


def response_by_hour(shop, *, period: Period | str, target_s: float = 30.0) -> pd.DataFrame:
    """First response by hour of day (0-23) of the session start: sessions, median, p90, share within target."""
    s = _sessions(shop, period)
    s = s.mutate(hour=s.start_ts.hour())
    g = s.group_by("hour").aggregate(
        sessions=s.count(),
        median_s=s.frt.quantile(0.5),
        p90_s=s.frt.quantile(0.9),
        within=(s.frt <= target_s).cast("int64").sum() / s.frt.count().nullif(0),
    )
    df = g.execute().set_index("hour").sort_index()
    return df.reindex(range(24)).assign(sessions=lambda d: d.sessions.fillna(0).astype(int))


def response_by_day(shop, *, period: Period | str, target_s: float = 30.0) -> pd.DataFrame:
    """First response by day of the period with ``promotion`` (a campaign runs that day, :func:`promotion_days`)."""
    s = _sessions(shop, period)
    s = s.mutate(day=s.start_ts.date())
    g = s.group_by("day").aggregate(
        sessions=s.count(),
        median_s=s.frt.quantile(0.5),
        p90_s=s.frt.quantile(0.9),
        within=(s.frt <= target_s).cast("int64").sum() / s.frt.count().nullif(0),
    )
    df = g.execute().sort_values("day").reset_index(drop=True)
    promo = promotion_days(shop) if isinstance(shop, Shop) else set()
    df["day"] = pd.to_datetime(df["day"]).dt.date
    df["promotion"] = df["day"].isin(promo)
    return df


def _log_frt(shop, period, *, human_only: bool = True) -> pd.DataFrame:
    s = _sessions(shop, period)
    if human_only and "is_bot" in s.columns:
        s = s.filter(~s.is_bot.fill_null(False))
    s = s.filter(s.frt > 0)
    cols = [c for c in ("agent_id",) if c in s.columns]
    return s.select("start_ts", "frt", *cols).execute()


def promotion_effect(shop: Shop, *, period: Period | str) -> dict:
    """Agent (non-bot) first response on promotion days against other days of the period: the ratio of geometric
    means with Welch's interval on log seconds (``ratio``, ``ci_low``, ``ci_high``, ``n_promo``, ``n_other``);
    NaN when either group has fewer than two sessions."""
    df = _log_frt(shop, period)
    promo = promotion_days(shop)
    is_p = pd.to_datetime(df.start_ts).dt.date.isin(promo).to_numpy()
    y = np.log(df.frt.to_numpy(float))
    out = dict(n_promo=int(is_p.sum()), n_other=int((~is_p).sum()), ratio=math.nan, ci_low=math.nan,
               ci_high=math.nan, p_value=math.nan, method="Welch t test on log seconds")  # fmt: skip
    if min(out["n_promo"], out["n_other"]) < 2:
        return out
    r = stats.welch(y[is_p], y[~is_p])
    return out | dict(ratio=math.exp(r.estimate), ci_low=math.exp(r.ci_low), ci_high=math.exp(r.ci_high),
                      p_value=r.p_value)  # fmt: skip


def agents(
    shop, *, period: Period | str, target_s: float = 30.0, pseudonymous: bool = True, min_sessions: int = 20
) -> pd.DataFrame:
    """Per human agent: sessions, first-response median and geometric mean with its 95% t interval (on log
    seconds, the agent's own non-bot sessions), share within target, resolution rate, mean rating. ``agent``
    is a keyed pseudonym (``KF-...``) unless ``pseudonymous`` is False; slowest (by geometric mean) first;
    ``small`` marks agents with fewer than ``min_sessions`` answered sessions."""
    s = _sessions(shop, period)
    if "agent_id" not in s.columns:
        return pd.DataFrame(columns=["agent", "sessions"])
    s = s.filter(s.agent_id.notnull())
    own = s.frt if "is_bot" not in s.columns else ibis.ifelse(s.is_bot.fill_null(False), ibis.null(), s.frt)
    s = s.mutate(own=own, lf=(own.nullif(0)).ln())
    aggs = dict(
        sessions=s.count(),
        answered=s.own.count(),
        median_s=s.own.quantile(0.5),
        log_mean=s.lf.mean(),
        log_sd=s.lf.std(),
        log_n=s.lf.count(),
        within=(s.own <= target_s).cast("int64").sum() / s.own.count().nullif(0),
    )
    if "resolved" in s.columns:
        aggs["resolution_rate"] = s.resolved.cast("int64").sum() / s.resolved.count().nullif(0)
    if "score" in s.columns:
        aggs["mean_score"] = s.score.mean()
    df = s.group_by("agent_id").aggregate(**aggs).execute()
    from scipy import stats as st

    n = df.log_n.astype(float)
    tq = st.t.ppf(0.975, np.maximum(n - 1, 1))
    half = tq * df.log_sd / np.sqrt(n)
    df["geo_mean_s"] = np.exp(df.log_mean)
    df["geo_ci_low"] = np.exp(df.log_mean - half)
    df["geo_ci_high"] = np.exp(df.log_mean + half)
    df["small"] = df.answered < min_sessions
    df["agent"] = (
        pseudonymise(df.agent_id.tolist(), prefix="KF-") if pseudonymous else df.agent_id.astype(str)
    )
    df = df.sort_values(["geo_mean_s", "agent"], ascending=[False, True]).reset_index(drop=True)
    keep = ["agent", "sessions", "answered", "median_s", "geo_mean_s", "geo_ci_low", "geo_ci_high", "within"]
    keep += [c for c in ("resolution_rate", "mean_score") if c in df.columns] + ["small"]
    return df[keep]


def topics(shop, *, period: Period | str, months: int = 6) -> pd.DataFrame:
    """Sessions by topic and month over the ``months`` months up to ``period`` (columns: months, rows: topics,
    most frequent in ``period`` first); empty without ``topic``."""
    p = Period.parse(period)
    s = shop.service_sessions if isinstance(shop, Shop) else shop
    s = require_columns(s, "service_sessions", ["session_id", "start_ts"])
    if "topic" not in s.columns:
        return pd.DataFrame()
    first = p.shift(-(months - 1))
    s = s.filter((s.start_ts >= ibis.literal(first.start)) & (s.start_ts < ibis.literal(p.end)))
    s = s.mutate(month=s.start_ts.strftime("%Y-%m"), topic=s.topic.fill_null("-"))
    df = s.group_by(["topic", "month"]).aggregate(sessions=s.count()).execute()
    if df.empty:
        return pd.DataFrame()
    wide = df.pivot(index="topic", columns="month", values="sessions").fillna(0).astype(int)
    wide = wide.reindex(columns=[first.shift(i).label for i in range(months)], fill_value=0)
    return wide.sort_values(p.last_month.label, ascending=False, kind="stable")
