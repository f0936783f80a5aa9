"""Channels and attribution: which channels bring orders, at what cost, credited five ways side by side.

* **Channel performance** (:func:`channel_performance`): impressions, clicks and spend from
  ``marketing_spend``; paid orders, GMV, buyers and new buyers (first paid order ever) by ``orders.channel``.
  CTR = clicks / impressions, CVR = orders / clicks, CAC = spend / new buyers, ROAS = GMV / spend,
  ROI = (gross margin − spend) / spend when item costs are known.
* **Journeys** (:func:`touch_paths`): a user's sessions (channel of each session) in the ``lookback_days``
  before their first paid order in the period are the touches of a converting journey; users with sessions
  in the period and no paid order are non-converting journeys (needed by the Markov model).
* **Models** (:func:`attribute`): first touch, last touch, linear, time decay (weight ``2^(-age/half_life)``
  with age the days from touch to conversion) and the Markov-chain removal effect (first-order chain over
  channels; a channel's credit is proportional to the drop in conversion probability when it is removed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..callshape import period_range
from ._util import paid, table, ts

__all__ = [
    "channel_performance",
    "touch_table",
    "touch_paths",
    "attribute",
    "markov_removal_effects",
    "attribution_table",
    "AttributionSpread",
    "attribution_spread",
    "best_roas_channel",
]

MODELS = ("first_touch", "last_touch", "linear", "time_decay", "markov")


def channel_performance(
    orders, marketing_spend=None, *, period=None, start=None, end=None, order_costs=None
) -> pd.DataFrame:
    """One row per channel for orders in ``[start, end)`` and spend on the days in between (see module doc)."""
    start, end = period_range(period, start, end, what="campaigns.channel_performance")
    o = paid(table(orders, "orders", ["user_id", "ts", "amount", "channel"]))
    first = o.group_by("user_id").aggregate(first_ts=o.ts.min())
    per = o.filter((o.ts >= ts(start)) & (o.ts < ts(end)))
    per = per.left_join(first, per.user_id == first.user_id).select(
        per, new=(per.ts == first.first_ts).cast("int64")
    )
    if order_costs is not None and "order_id" in per.columns:
        per = per.left_join(order_costs, "order_id").select(per, cogs=order_costs.cogs.fill_null(0))
    else:
        per = per.mutate(cogs=ibis_null())
    agg = per.group_by("channel").aggregate(
        orders=per.count(),
        gmv=per.amount.sum(),
        buyers=per.user_id.nunique(),
        new_buyers=per.user_id.nunique(where=per.new == 1),
        margin=(per.amount - per.cogs).sum(),
    )
    df = agg.execute()
    if marketing_spend is not None:
        m = table(marketing_spend, "marketing_spend", ["date", "channel", "spend"])
        m = m.filter((m.date >= pd.Timestamp(start).date()) & (m.date < pd.Timestamp(end).date()))
        aggs = dict(spend=m.spend.sum())
        for c in ("impressions", "clicks"):
            if c in m.columns:
                aggs[c] = m[c].sum()
        df = m.group_by("channel").aggregate(**aggs).execute().merge(df, on="channel", how="outer")
    for c in ("spend", "impressions", "clicks"):
        if c not in df:
            df[c] = np.nan
    num = ["orders", "gmv", "buyers", "new_buyers"]
    df[num] = df[num].fillna(0)
    df["ctr"] = df["clicks"] / df["impressions"].where(df["impressions"] > 0)
    df["cvr"] = df["orders"] / df["clicks"].where(df["clicks"] > 0)
    df["cac"] = df["spend"] / df["new_buyers"].where(df["new_buyers"] > 0)
    df["roas"] = df["gmv"] / df["spend"].where(df["spend"] > 0)
    df["roi"] = (df["margin"] - df["spend"]) / df["spend"].where(df["spend"] > 0)
    cols = ["channel", "impressions", "clicks", "ctr", "spend", "orders", "cvr", "gmv", "buyers", "new_buyers",
            "cac", "roas", "margin", "roi"]  # fmt: skip
    return df[cols].sort_values("gmv", ascending=False, ignore_index=True)


def ibis_null():
    import ibis

    return ibis.null().cast("float64")


def touch_table(
    events, orders, *, period=None, start=None, end=None, lookback_days: int = 30, gap_minutes: float = 30
):
    """Journeys of users active in ``[start, end)`` as a lazy Ibis table, one row per touch (session).

    Columns: ``journey_id`` (the user id), ``ts`` (session start), ``channel``, ``converted`` (bool),
    ``conversion_ts`` (null when not converted), ``value`` (amount of the converting order, 0 when none). It
    stays in the engine; :func:`attribute` and :func:`attribution_table` aggregate it there. Events without a
    ``session_id`` column are cut into sessions at ``gap_minutes`` of inactivity, as the contract says.
    """
    start, end = period_range(period, start, end, what="campaigns.touch_table")
    e = table(events, "events", ["user_id", "ts", "channel"])
    o = paid(table(orders, "orders", ["user_id", "ts", "amount"]))
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    look = lo - pd.Timedelta(days=lookback_days)
    e = e.filter((e.ts >= ts(look)) & (e.ts < ts(hi)))
    if "session_id" not in e.columns:
        from ..paths.sessions import add_sessions

        e = add_sessions(e, gap_minutes=gap_minutes)
    # a session's channel is the channel of its first event (the smallest name when several share that instant),
    # so every engine gives the same answer
    first = e.group_by(["user_id", "session_id"]).aggregate(ts=e.ts.min())
    at_first = e.join(first, ["user_id", "session_id", "ts"])
    sess = at_first.group_by(["user_id", "session_id", "ts"]).aggregate(channel=at_first.channel.min())
    o = o.filter((o.ts >= ts(lo)) & (o.ts < ts(hi)))
    conv = o.group_by("user_id").aggregate(conversion_ts=o.ts.min())
    first_amt = o.join(conv, (o.user_id == conv.user_id) & (o.ts == conv.conversion_ts))
    first_amt = first_amt.group_by(o.user_id).aggregate(value=first_amt.amount.sum())
    j = sess.left_join(conv, sess.user_id == conv.user_id).select(sess, conv.conversion_ts)
    cts = j.conversion_ts
    keep = (cts.notnull() & (j.ts <= cts) & (j.ts >= cts - pd.Timedelta(days=lookback_days))) | (
        cts.isnull() & (j.ts >= ts(lo))
    )
    j = j.filter(keep)
    j = j.left_join(first_amt, j.user_id == first_amt.user_id).select(j, first_amt.value)
    return j.select(
        journey_id=j.user_id,
        ts=j.ts,
        channel=j.channel,
        converted=j.conversion_ts.notnull(),
        conversion_ts=j.conversion_ts,
        value=j.value.fill_null(0.0),
    )


def touch_paths(
    events, orders, *, period=None, start=None, end=None, lookback_days: int = 30
) -> pd.DataFrame:
    """:func:`touch_table` brought back as pandas, sorted by journey and time (for small data and tests; the
    report keeps the touches in the engine)."""
    start, end = period_range(period, start, end, what="campaigns.touch_paths")
    df = touch_table(events, orders, start=start, end=end, lookback_days=lookback_days).execute()
    df["converted"] = df["converted"].astype(bool)
    return df.sort_values(["journey_id", "ts"], ignore_index=True)[
        ["journey_id", "ts", "channel", "converted", "conversion_ts", "value"]
    ]


def _touches(touches):
    import ibis.expr.types as ir

    from ..data import as_table

    t = touches if isinstance(touches, ir.Table) else as_table(touches)
    need = ["journey_id", "ts", "channel", "converted"]
    missing = [c for c in need if c not in t.columns]
    if missing:
        raise ValueError(f"touches lack column(s) {', '.join(missing)}; present: {', '.join(t.columns)}")
    return t


def attribute(touches, *, model: str = "last_touch", half_life_days: float = 7.0) -> pd.Series:
    """Conversions credited to each channel by ``model`` (one of first_touch, last_touch, linear, time_decay,
    markov); the credits of every converting journey sum to one. ``touches`` is :func:`touch_table`'s table
    (or a DataFrame with its columns); the credits are summed in the engine. Touches at the same time are
    ordered by channel name."""
    import ibis

    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    t = _touches(touches)
    if model == "markov":
        re = markov_removal_effects(t)
        conv = t.filter(t.converted)
        total = int(conv.journey_id.nunique().execute())
        return (re / re.sum() * total if re.sum() > 0 else re * 0).rename("conversions")
    t = t.filter(t.converted & t.channel.notnull())
    journey = ibis.window(group_by="journey_id")
    if model in ("first_touch", "last_touch"):
        order = [t.ts, t.channel] if model == "first_touch" else [t.ts.desc(), t.channel.desc()]
        rank = ibis.row_number().over(ibis.window(group_by="journey_id", order_by=order))
        w = (rank == 0).cast("float64")
    elif model == "linear":
        w = 1.0 / t.count().over(journey).cast("float64")
    else:  # time_decay
        age = (t.conversion_ts.epoch_seconds() - t.ts.epoch_seconds()) / 86400.0
        t = t.mutate(_raw=ibis.literal(2.0).pow(-age / half_life_days))
        w = t._raw / t._raw.sum().over(journey)
    t = t.mutate(_w=w)
    df = t.group_by("channel").aggregate(conversions=t._w.sum()).execute()
    out = df.set_index("channel")["conversions"].astype("float64").sort_index()
    out.index.name = None
    return out.rename("conversions")


def markov_removal_effects(touches) -> pd.Series:
    """Removal effect of each channel in a first-order Markov chain of journeys (start → channels → conv/null).

    The transition counts are aggregated in the engine; only the channel-by-channel matrix comes back."""
    import ibis

    t = _touches(touches)
    t = t.filter(t.channel.notnull())
    w = ibis.window(group_by="journey_id", order_by=[t.ts, t.channel])
    t = t.mutate(_prev=t.channel.lag().over(w), _next=t.channel.lead().over(w))
    pairs = t.group_by([t._prev, t.channel]).aggregate(n=t.count()).execute()
    last = t.filter(t._next.isnull())
    ends = last.group_by([last.channel, last.converted]).aggregate(n=last.count()).execute()
    chans = sorted(set(pairs["channel"]))
    idx = {c: i + 1 for i, c in enumerate(chans)}  # 0 start, 1..k channels, k+1 conv, k+2 null
    k = len(chans)
    counts = np.zeros((k + 3, k + 3))
    for prev, ch, n in zip(pairs["_prev"], pairs["channel"], pairs["n"], strict=True):
        counts[0 if prev is None or pd.isna(prev) else idx[prev], idx[ch]] += n
    for ch, conv, n in zip(ends["channel"], ends["converted"], ends["n"], strict=True):
        counts[idx[ch], k + 1 if bool(conv) else k + 2] += n
    rows = counts.sum(axis=1, keepdims=True)
    P = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)

    def p_conv(removed: int | None) -> float:
        Q = P[: k + 1, : k + 1].copy()
        R = P[: k + 1, k + 1].copy()
        if removed is not None:  # entering the removed channel ends the journey without conversion
            Q[:, removed] = 0.0
            R[removed] = 0.0
            Q[removed, :] = 0.0
        absorb = np.linalg.solve(np.eye(k + 1) - Q, R)
        return float(absorb[0])

    base = p_conv(None)
    eff = {c: (1 - p_conv(idx[c]) / base) if base > 0 else 0.0 for c in chans}
    return pd.Series(eff, name="removal_effect", dtype="float64")


def attribution_table(touches, *, half_life_days: float = 7.0) -> pd.DataFrame:
    """Conversions credited to each channel by all five models, side by side (plus each model's share)."""
    t = _touches(touches)
    if not isinstance(touches, pd.DataFrame):
        t = t.cache()  # the journeys are computed once in the engine, then credited five ways
    cols = {m: attribute(t, model=m, half_life_days=half_life_days) for m in MODELS}
    df = pd.DataFrame(cols).fillna(0.0)
    df.index.name = "channel"
    df = df.sort_values("markov", ascending=False)
    return df.reset_index()


@dataclass(frozen=True)
class AttributionSpread:
    """How far the attribution models agree on a month's orders (from :func:`attribution_spread`).

    Attributes
    ----------
    tops
        The channel with the most credit under each model (one name when they all agree).
    top, top_share_low, top_share_high
        That channel when every model agrees (else None) and its lowest and highest share of the orders
        across the models (NaN without agreement).
    widest, widest_spread
        The channel whose share depends most on the model, and its highest minus lowest share (0-1).
    """

    tops: frozenset
    top: str | None
    top_share_low: float
    top_share_high: float
    widest: str
    widest_spread: float


def attribution_spread(table: pd.DataFrame | None) -> AttributionSpread | None:
    """The agreement of the models of :func:`attribution_table`: the top channel under each, and the channel
    whose share of the credited orders moves most between models. None when no order was credited."""
    if table is None or table.empty:
        return None
    models = [m for m in MODELS if m in table]
    if not table[models].to_numpy().sum() > 0:  # journeys, but none converted
        return None
    tops = frozenset(table.loc[table[m].idxmax(), "channel"] for m in models)
    shares = table[models] / table[models].sum()
    spread = shares.max(axis=1) - shares.min(axis=1)
    top = next(iter(tops)) if len(tops) == 1 else None
    lo = hi = float("nan")
    if top is not None:
        sh = shares.loc[table["channel"] == top]
        lo, hi = float(sh.min(axis=1).iloc[0]), float(sh.max(axis=1).iloc[0])
    return AttributionSpread(
        tops=tops,
        top=top,
        top_share_low=lo,
        top_share_high=hi,
        widest=table.loc[spread.idxmax(), "channel"],
        widest_spread=float(spread.max()),
    )


def best_roas_channel(channels: pd.DataFrame | None) -> pd.Series | None:
    """The paid channel of :func:`channel_performance` with the highest ROAS (its row); None when no channel has
    spend."""
    if channels is None or not len(channels) or not channels["roas"].notna().any():
        return None
    return channels.loc[channels["roas"].idxmax()]
