"""Satisfaction from the feedback table: NPS and CSAT, overall, by month and by tier.

* **NPS** = share of promoters (9-10) minus share of detractors (0-6) among NPS answers, x 100.
* **CSAT** = share of CSAT answers of 4 or 5 (top-two box, 1-5 scale); the mean score is given too.
"""

from __future__ import annotations

import ibis
import pandas as pd

from .. import stats
from ..callshape import period_range
from ..data import require_columns
from ..periods import Period
from ._common import tier_order_of, to_ts

__all__ = ["nps", "nps_interval", "satisfaction_monthly", "satisfaction_by_tier"]


def _agg(f):
    is_nps, is_csat = f.kind == "nps", f.kind == "csat"
    return dict(
        nps_answers=f.count(where=is_nps),
        promoters=(f.score >= 9).cast("int64").sum(where=is_nps),
        detractors=(f.score <= 6).cast("int64").sum(where=is_nps),
        csat_answers=f.count(where=is_csat),
        csat_satisfied=(f.score >= 4).cast("int64").sum(where=is_csat),
        csat_mean=f.score.mean(where=is_csat),
    )


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("nps_answers", "promoters", "detractors", "csat_answers", "csat_satisfied"):
        df[c] = df[c].fillna(0).astype("int64")
    n = df.nps_answers.where(df.nps_answers > 0)
    df["nps"] = (df.promoters - df.detractors) / n * 100
    df["csat"] = df.csat_satisfied / df.csat_answers.where(df.csat_answers > 0)
    return df


def nps(feedback, *, period=None, start=None, end=None) -> dict:
    """NPS and CSAT over ``[start, end)`` with the number of answers behind each."""
    start, end = period_range(period, start, end, what="membership.nps")
    f = require_columns(feedback, "feedback", ["user_id", "ts", "kind", "score"])
    f = f.filter((f.ts >= to_ts(start)) & (f.ts < to_ts(end)))
    df = _finish(f.aggregate(**_agg(f)).execute())
    return df.iloc[0].to_dict()


def satisfaction_monthly(feedback, *, periods: list[Period | str]) -> pd.DataFrame:
    """NPS and CSAT per month."""
    f = require_columns(feedback, "feedback", ["user_id", "ts", "kind", "score"])
    ps = sorted({Period.parse(p) for p in periods})
    f = f.filter((f.ts >= ps[0].start) & (f.ts < ps[-1].end))
    g = f.group_by(m=f.ts.truncate("M")).aggregate(**_agg(f)).execute()
    g["m"] = pd.to_datetime(g["m"])
    idx = pd.DatetimeIndex([pd.Timestamp(p.start) for p in ps], name="m")
    out = _finish(g.set_index("m").reindex(idx))
    out.index = pd.Index([p.label for p in ps], name="period")
    return out.reset_index()


def satisfaction_by_tier(
    feedback, members, tier_history=None, *, period=None, start=None, end=None
) -> pd.DataFrame:
    """NPS and CSAT over ``[start, end)`` by the answering user's tier at answer time (``non-member`` otherwise)."""
    start, end = period_range(period, start, end, what="membership.satisfaction_by_tier")
    f = require_columns(feedback, "feedback", ["user_id", "ts", "kind", "score"])
    m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
    f = f.filter((f.ts >= to_ts(start)) & (f.ts < to_ts(end))).mutate(fid=ibis.row_number())
    if tier_history is not None:
        th = require_columns(tier_history, "tier_history", ["user_id", "ts", "tier"]).select(
            "user_id", t_ts="ts", tier="tier"
        )
    else:
        th = m.select("user_id", t_ts=m.joined_ts, tier=m.tier)
    j = f.left_join(th, [f.user_id == th.user_id, th.t_ts <= f.ts])
    j = j.group_by(["fid", "kind", "score"]).aggregate(tier=j.tier.argmax(j.t_ts))
    j = j.mutate(tier=j.tier.fill_null("non-member"))
    g = _finish(j.group_by("tier").aggregate(**_agg(j)).execute())
    order = tier_order_of(g.tier)
    order = [t for t in order if t != "non-member"] + (["non-member"] if "non-member" in set(g.tier) else [])
    return g.set_index("tier").reindex(order).reset_index()


#: 95% interval of an NPS in points from its counts: :func:`shoplab.stats.nps_interval` (unpacks as (lo, hi)).
nps_interval = stats.nps_interval
