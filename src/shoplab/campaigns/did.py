"""Without a control group: difference-in-differences against comparable non-participants.

* **Participants**: users with a paid order carrying the campaign (``orders.campaign_id``) in the window, or,
  with events, a campaign-page view in the window.
* **Comparable non-participants**: all other users with activity, reweighted so that their pre-period activity
  (cells of pre-period order count 0/1/2+ and spend tercile) matches the participants' (coarsened exact
  matching; cells without comparison users are dropped and counted).
* **Estimate**: change in paid GMV per user from the pre window (same length, just before) to the campaign
  window, participants minus matched non-participants. It assumes the two groups would have moved in
  parallel without the campaign; the **pre-trend check** repeats the estimate on the two windows before the
  campaign (a placebo that should be near zero). Participants choose to take part, so selection can remain.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._util import paid, table, ts

__all__ = ["participants", "did_frame", "did_from_frame", "did_estimate"]


def participants(orders, *, campaign_id: str, start_ts, end_ts, events=None) -> pd.DataFrame:
    """User ids that took part in the campaign (see module docstring), as a one-column frame."""
    o = paid(table(orders, "orders", ["user_id", "ts", "campaign_id"]))
    o = o.filter(
        (o.ts >= ts(start_ts)) & (o.ts <= ts(end_ts)) & (o.campaign_id.cast("string") == str(campaign_id))
    )
    ids = o.select("user_id")
    if events is not None:
        e = table(events, "events", ["user_id", "ts", "event"])
        e = e.filter((e.ts >= ts(start_ts)) & (e.ts <= ts(end_ts)) & (e.event == "campaign_page"))
        ids = ids.union(e.select("user_id"))
    return ids.distinct().execute()


def _window_spend(orders, lo, hi, name):
    o = paid(orders)
    o = o.filter((o.ts >= ts(lo)) & (o.ts <= ts(hi)))
    return o.group_by("user_id").aggregate(**{f"{name}_orders": o.count(), name: o.amount.sum()})


def did_frame(orders, *, start_ts, end_ts) -> pd.DataFrame:
    """Per-user paid GMV in four same-length windows: ``pre2``, ``pre1`` (just before), ``during`` (the campaign)."""
    o = table(orders, "orders", ["user_id", "ts", "amount"])
    start, end = pd.Timestamp(start_ts), pd.Timestamp(end_ts)
    length = end - start + pd.Timedelta(seconds=1)
    wins = {
        "pre2": (start - 2 * length, start - length),
        "pre1": (start - length, start),
        "during": (start, end),
    }
    base = o.select("user_id").distinct()
    for name, (lo, hi) in wins.items():
        hi = hi if name == "during" else hi - pd.Timedelta(microseconds=1)
        w = _window_spend(o, lo, hi, name)
        base = base.left_join(w, base.user_id == w.user_id).select(base, w[name], w[f"{name}_orders"])
    df = base.execute()
    return df.fillna({c: 0 for c in df.columns if c != "user_id"})


def did_from_frame(frame: pd.DataFrame, part_ids, *, confidence: float = 0.95) -> dict:
    """DiD estimate and pre-trend placebo from a :func:`did_frame` table and participant ids."""
    from scipy import stats

    df = frame.copy()
    df["participant"] = df["user_id"].isin(set(pd.Series(part_ids)))
    spend = df["pre1"] + df["pre2"]
    orders = (df["pre1_orders"] + df["pre2_orders"]).clip(upper=2)
    buyers = spend > 0
    terc = pd.Series(0, index=df.index)
    if buyers.sum() >= 3:
        terc[buyers] = pd.qcut(spend[buyers].rank(method="first"), 3, labels=False) + 1
    df["cell"] = orders.astype(str) + "-" + terc.astype(str)
    p, c = df[df.participant], df[~df.participant]
    share_p = p["cell"].value_counts(normalize=True)
    cnt_c = c["cell"].value_counts()
    common = share_p.index.intersection(cnt_c.index)
    dropped = int(p["cell"].isin(share_p.index.difference(cnt_c.index)).sum())
    p = p[p["cell"].isin(common)]
    share_p = p["cell"].value_counts(normalize=True)
    c = c[c["cell"].isin(common)]
    w = c["cell"].map(share_p / cnt_c[common]).to_numpy()
    z = stats.norm.ppf(0.5 + confidence / 2)

    def est(after, before):
        dp = (p[after] - p[before]).to_numpy(float)
        dc = (c[after] - c[before]).to_numpy(float)
        if len(dp) < 2 or len(dc) < 2:
            return math.nan, math.nan, math.nan
        mc = float(np.sum(w * dc))
        var_c = float(np.sum(w**2 * (dc - mc) ** 2))
        d = float(dp.mean() - mc)
        se = math.sqrt(dp.var(ddof=1) / len(dp) + var_c)
        return d, float(d - z * se), float(d + z * se)

    d, lo, hi = est("during", "pre1")
    pd_, plo, phi = est("pre1", "pre2")
    return dict(
        n_participants=len(p),
        n_comparison=len(c),
        participants_dropped=dropped,
        participants_before=float(p["pre1"].mean()) if len(p) else math.nan,
        participants_during=float(p["during"].mean()) if len(p) else math.nan,
        did_revenue_per_user=d,
        ci_low=lo,
        ci_high=hi,
        pretrend_placebo=pd_,
        pretrend_ci_low=plo,
        pretrend_ci_high=phi,
        parallel_trends_plausible=bool(plo <= 0 <= phi) if plo == plo else False,
        compared_with="non-participants matched on pre-period orders and spend (difference-in-differences)",
    )


def did_estimate(
    orders, *, campaign_id: str, start_ts, end_ts, events=None, confidence: float = 0.95
) -> dict:
    """Difference-in-differences for a campaign without a control group (see the module docstring)."""
    part = participants(orders, campaign_id=campaign_id, start_ts=start_ts, end_ts=end_ts, events=events)
    frame = did_frame(orders, start_ts=start_ts, end_ts=end_ts)
    if events is not None:  # participants without any order still count (zero spend)
        extra = part[~part.user_id.isin(frame.user_id)]
        frame = pd.concat([frame, extra.assign(**{c: 0.0 for c in frame.columns if c != "user_id"})])
    return dict(campaign_id=campaign_id) | did_from_frame(frame, part.user_id, confidence=confidence)
