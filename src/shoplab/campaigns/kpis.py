"""The four-layer KPI system of a campaign: participation, sales, brand and feedback.

Each KPI is measured in the campaign window and in a **baseline window** of the same length just before it.
The change between them is a plain before/after comparison, labelled as such: it mixes the campaign with
seasonality and trends and is not the campaign's effect (the effect section compares against a control group).

* **Participation**: campaign page views (``events.event == "campaign_page"``), participants (users with such
  a view), interactions (add_to_cart, favorite, share and coupon_center events of participants), shares.
* **Sales**: paid GMV, paid orders, buyers and AOV.
* **Brand**: exposure (``marketing_spend.impressions`` on the campaign's channel), shares, reviews written
  (``feedback.kind == "review"``) and their mean rating.
* **Feedback**: NPS (promoters 9–10 minus detractors 0–6) and mean CSAT (1–5) of participants against other
  users, over the window plus ``post_days`` days after it.
"""

from __future__ import annotations

import math

import pandas as pd

from ..data import Shop
from ..labels import name
from ._util import paid, ts

__all__ = ["kpi_layers", "INTERACTIONS"]

INTERACTIONS = ("add_to_cart", "favorite", "share", "coupon_center")


def _kpi_name(code: str, **fmt) -> str:
    """The English name of KPI ``code`` (``campaign_kpi.<code>`` in glossary/campaigns.toml)."""
    return name(f"campaign_kpi.{code}", "en").format(**fmt)


def _windows(start_ts, end_ts, baseline_days: int | None = None):
    start, end = pd.Timestamp(start_ts), pd.Timestamp(end_ts)
    length = pd.Timedelta(days=baseline_days) - pd.Timedelta(seconds=1) if baseline_days else end - start
    return (start, end), (start - length - pd.Timedelta(seconds=1), start - pd.Timedelta(seconds=1))


def _sales(shop: Shop, lo, hi) -> dict:
    o = paid(shop.orders)
    o = o.filter((o.ts >= ts(lo)) & (o.ts <= ts(hi)))
    r = o.aggregate(gmv=o.amount.sum(), orders=o.count(), buyers=o.user_id.nunique()).execute().iloc[0]
    # no order in the window: the engine's float sum is NULL, read as NaN (and NaN or 0 is NaN): GMV 0
    gmv, n = (0.0 if pd.isna(r.gmv) else float(r.gmv)), float(r.orders)
    return dict(gmv=gmv, orders=n, buyers=float(r.buyers), aov=gmv / n if n else math.nan)


def _events(shop: Shop, lo, hi) -> dict:
    e = shop.events
    e = e.filter((e.ts >= ts(lo)) & (e.ts <= ts(hi)))
    part = e.filter(e.event == "campaign_page").select("user_id").distinct()
    ei = e.filter(e.event.isin(list(INTERACTIONS))).semi_join(part, "user_id")
    r = (
        e.aggregate(
            page_views=(e.event == "campaign_page").cast("int64").sum(),
            participants=e.user_id.nunique(where=e.event == "campaign_page"),
            shares=(e.event == "share").cast("int64").sum(),
        )
        .execute()
        .iloc[0]
    )
    return dict(
        page_views=float(r.page_views or 0),
        participants=float(r.participants or 0),
        interactions=float(ei.count().execute()),
        shares=float(r.shares or 0),
    )


def _brand(shop: Shop, lo, hi, channel) -> dict:
    out = dict(exposure=math.nan, reviews=math.nan, review_rating=math.nan)
    if shop.has("marketing_spend") and "impressions" in shop.marketing_spend.columns and channel:
        m = shop.marketing_spend
        m = m.filter((m.date >= lo.date()) & (m.date <= hi.date()) & (m.channel == channel))
        r = m.aggregate(n=m.count(), imp=m.impressions.sum()).execute().iloc[0]
        out["exposure"] = float(r.imp) if r.n else math.nan  # channel without spend rows: unknown, not zero
    if shop.has("feedback"):
        f = shop.feedback
        f = f.filter((f.ts >= ts(lo)) & (f.ts <= ts(hi)) & (f.kind == "review"))
        if "aspect" in f.columns:  # a review's DSR aspect scores are not reviews of their own
            f = f.filter(f.aspect.isnull())
        r = f.aggregate(n=f.count(), s=f.score.mean()).execute().iloc[0]
        out["reviews"], out["review_rating"] = (
            float(r.n),
            float(r.s) if r.s == r.s and r.s is not None else math.nan,
        )
    return out


def _feedback(shop: Shop, start, end, post_days: int) -> list[dict]:
    e = shop.events
    part = e.filter((e.ts >= ts(start)) & (e.ts <= ts(end)) & (e.event == "campaign_page"))
    part = part.select("user_id").distinct().mutate(participant=1)
    f = shop.feedback
    f = f.filter((f.ts >= ts(start)) & (f.ts <= ts(end + pd.Timedelta(days=post_days))))
    f = f.left_join(part, "user_id").select(f.kind, f.score, participant=part.participant.fill_null(0))
    g = (
        f.group_by(["participant", "kind"])
        .aggregate(
            n=f.count(),
            mean=f.score.mean(),
            promoters=(f.score >= 9).cast("int64").sum(),
            detractors=(f.score <= 6).cast("int64").sum(),
        )
        .execute()
    )
    rows = []
    for kind, kpi, unit in (("nps", _kpi_name("nps"), "score"), ("csat", _kpi_name("csat"), "score")):
        vals = {}
        for who in (1, 0):
            r = g[(g.participant == who) & (g.kind == kind)]
            if r.empty:
                vals[who] = (math.nan, 0)
                continue
            r = r.iloc[0]
            v = 100 * (r.promoters - r.detractors) / r.n if kind == "nps" else r["mean"]
            vals[who] = (float(v), int(r.n))
        rows.append(dict(layer="feedback", kpi=kpi, kpi_code=kind, unit=unit, campaign=vals[1][0],
                         baseline=vals[0][0], comparison_code="participants", n_campaign=vals[1][1],
                         n_baseline=vals[0][1],
                         comparison=f"participants (n={vals[1][1]}) vs other users (n={vals[0][1]})"))  # fmt: skip
    return rows


def kpi_layers(
    shop: Shop, campaign: dict | pd.Series, *, post_days: int = 14, baseline_days: int | None = None
) -> pd.DataFrame:
    """The four KPI layers of one campaign (a row of :func:`campaigns_in_period`).

    The baseline window is the ``baseline_days`` before the campaign (default: as long as the campaign);
    counts over windows of different lengths are compared as totals, so keep the default unless you know why.

    Returns
    -------
    pandas.DataFrame
        ``layer``, ``kpi``, ``unit``, ``campaign`` (value in the window), ``baseline`` (the same-length window
        before, or non-participants for feedback), ``change`` (relative; NaN when not comparable) and
        ``comparison`` (what the baseline is, in words), then the same by code for the words of the report:
        ``kpi_code`` (``campaign_kpi.<code>`` in the glossary; ``channel`` on the exposure row), ``comparison_code`` (``before_after`` with
        ``baseline_days``, or ``participants`` for the feedback layer with ``n_campaign`` participants and
        ``n_baseline`` other users answering). Layers whose tables are absent are left out.
    """
    c = dict(campaign)
    (s, e), (bs, be) = _windows(c["start_ts"], c["end_ts"], baseline_days)
    days = round((be - bs).total_seconds() / 86400)
    before = f"before/after: the {days} days before the campaign (not an effect estimate)"
    rows = []

    def add(layer, code, unit, cur, base, **fmt):
        rows.append(dict(layer=layer, kpi=_kpi_name(code, **fmt), kpi_code=code, unit=unit, campaign=cur,
                         baseline=base, comparison_code="before_after", baseline_days=days,
                         channel=fmt.get("channel"), comparison=before))  # fmt: skip

    if shop.has("events"):
        cur, base = _events(shop, s, e), _events(shop, bs, be)
        for k in ("page_views", "participants", "interactions", "shares"):
            add("participation", k, "count", cur[k], base[k])
    cur, base = _sales(shop, s, e), _sales(shop, bs, be)
    for k, unit in (("gmv", "yuan"), ("orders", "count"), ("buyers", "count"), ("aov", "yuan")):
        add("sales", k, unit, cur[k], base[k])
    channel = c.get("channel")
    cur, base = _brand(shop, s, e, channel), _brand(shop, bs, be, channel)
    if cur["exposure"] == cur["exposure"] or base["exposure"] == base["exposure"]:
        add("brand", "exposure", "count", cur["exposure"], base["exposure"], channel=channel)
    if shop.has("events"):
        add("brand", "shares", "count", rows[3]["campaign"], rows[3]["baseline"])
    if cur["reviews"] == cur["reviews"]:
        add("brand", "reviews", "count", cur["reviews"], base["reviews"])
        add("brand", "review_rating", "score", cur["review_rating"], base["review_rating"])
    if shop.has("feedback", "events"):
        rows += _feedback(shop, s, e, post_days)
    df = pd.DataFrame(rows)
    b = df["baseline"].astype(float)
    df["change"] = (df["campaign"].astype(float) / b.where(b != 0) - 1).where(df["unit"] != "score")
    df.loc[df["unit"] == "score", "change"] = math.nan
    cols = ["layer", "kpi", "unit", "campaign", "baseline", "change", "comparison"]
    codes = ["kpi_code", "channel", "comparison_code", "baseline_days", "n_campaign", "n_baseline"]
    return df.reindex(columns=cols + codes).astype(
        {"baseline_days": "Int64", "n_campaign": "Int64", "n_baseline": "Int64"}
    )
