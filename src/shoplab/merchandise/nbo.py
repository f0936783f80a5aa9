"""Items viewed then bought, and a next-best-offer table per RFM segment.

* **Viewed then bought** (:func:`viewed_then_bought`): views are ``product_view`` events with an ``item_id``
  placed in the period (the views of :func:`.skus.item_views`); each user's **first view** of an item in the
  period is the one that counts. Purchases are the lines of counted orders (paid or refunded, item GMV > 0,
  :func:`.skus._all_lines`) placed at or after that first view and less than ``window_days`` after it (a
  purchase may fall after the period's end, so near the data's end the last views have incomplete windows).
  For a pair viewed item A -> bought item B:

  - ``viewers`` = users with a view of A in the period; ``users`` = those of them who bought B in the window
    after their first view of A; ``share`` = users / viewers, with its Wilson 95% interval;
  - ``base_buyers`` = users who bought B in the window after the first view of *some* item in the period (any
    A, B itself included), ``base_rate`` = base_buyers / all users with a view of an item in the period;
  - ``lift`` = share / base_rate: how much more likely viewers of A go on to buy B than viewers in general.
    Every pair's users are base buyers of B, so the base rate is never 0 beside a pair. ``lift_low`` /
    ``lift_high`` divide the share's interval by the base rate (taken as known: it is measured on all viewers).

  Rows with A == B are kept and flagged ``same_item``: their share is the item's view-to-purchase conversion
  within ``window_days`` (the ranking's ``view_conversion`` counts a purchase anywhere in the period instead).
  Pairs with at least ``min_users`` users, ranked by ``lift_low`` (the low end of the lift's interval: the pairs
  the data supports best first, not the noisiest high ratios of a few users), then ``lift``.

* **Next best offer** (:func:`next_best_offer`): the members of each RFM segment of
  :func:`shoplab.profiling.rfm.segments_at` as of the period's end (every user who ever paid before it). Over the
  same window as the RFM frequency (the ``window_months`` months up to the period's end), an item's
  ``segment_buyers`` are members with a counted line of it (item GMV > 0); ``segment_share`` = segment_buyers /
  members; ``overall_share`` = buyers of it among all members of all segments / all of them; ``lift`` =
  segment_share / overall_share (interval: the Wilson interval of the segment share / the overall share).
  ``candidates`` = members who never bought the item before the period's end (whom the offer could reach).
  Per segment, the ``top_n`` items with at least ``min_buyers`` segment buyers and at least one candidate,
  ranked by lift, then segment buyers, then item id.

Both tables carry the item names (``viewed_name``/``bought_name``, ``item_name``) when ``items.name`` exists.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from ..data import Shop, require_columns
from ..periods import Period
from ..stats import wilson, wilson_expr
from .skus import _all_lines

__all__ = ["VIEW_EVENT", "viewed_then_bought", "next_best_offer", "item_names"]

VIEW_EVENT = "product_view"

_VTB_COLUMNS = [
    "viewed_item",
    "bought_item",
    "same_item",
    "users",
    "viewers",
    "share",
    "share_low",
    "share_high",
    "base_buyers",
    "base_rate",
    "lift",
    "lift_low",
    "lift_high",
]
_NBO_COLUMNS = [
    "segment",
    "rank",
    "item_id",
    "segment_buyers",
    "members",
    "segment_share",
    "overall_buyers",
    "overall_share",
    "lift",
    "lift_low",
    "lift_high",
    "candidates",
]


def item_names(shop: Shop, ids) -> dict | None:
    """``item_id -> items.name`` for the given ids (None without ``items.name``)."""
    if not shop.has("items") or "name" not in shop.items.columns:
        return None
    ids = [i for i in pd.unique(pd.Series(list(ids))) if pd.notna(i)]
    if not ids:
        return {}
    it = shop.items
    t = it.filter(it.item_id.isin(ids)).select("item_id", "name").to_pandas()
    return {k: v for k, v in zip(t["item_id"], t["name"], strict=True) if pd.notna(v)}


def _add_names(df: pd.DataFrame, shop: Shop, cols: dict[str, str]) -> pd.DataFrame:
    ids = pd.concat([df[c] for c in cols]) if len(df) else []
    names = item_names(shop, ids)
    if names is None:
        return df
    for c, out in cols.items():
        df[out] = df[c].map(names)
    return df


def viewed_then_bought(
    shop: Shop, *, period: Period | str, window_days: int = 7, min_users: int = 5, top: int | None = None
) -> pd.DataFrame | None:
    """Pairs viewed item -> bought item within ``window_days`` of the first view (see the module for the
    definitions), ranked by the low end of the lift's interval; None without ``events`` or ``events.item_id``.

    Parameters
    ----------
    shop
        The shop (``orders``, ``order_items``; ``events`` with ``item_id``).
    period
        The period whose views count.
    window_days
        Days after a user's first view of an item in which a purchase counts (at least 1).
    min_users
        Pairs with fewer users are left out.
    top
        Keep only the first ``top`` rows (cut in the engine); ``attrs["pairs_total"]`` and
        ``attrs["same_item_total"]`` count all the pairs of different items and of the same item.

    Returns
    -------
    pandas.DataFrame or None
        viewed_item, bought_item, same_item, users, viewers, share (share_low, share_high), base_buyers,
        base_rate, lift (lift_low, lift_high), and viewed_name, bought_name with ``items.name``.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days!r}")
    if not shop.has("events") or "item_id" not in shop.events.columns:
        return None
    p = Period.parse(period)
    ev = require_columns(shop.events, "events", ["user_id", "ts", "event", "item_id"])
    v = ev.filter((ev.event == VIEW_EVENT) & ev.item_id.notnull() & (ev.ts >= p.start) & (ev.ts < p.end))
    fv = v.group_by(["user_id", "item_id"]).aggregate(fv=v.ts.min()).rename(a="item_id")
    n_viewers = int(fv.user_id.nunique().execute() or 0)
    lines = _all_lines(shop)
    lines = lines.filter(lines.gmv > 0).select("user_id", b="item_id", bts="ts")
    m = fv.join(lines, "user_id")
    m = m.filter((m.bts >= m.fv) & (m.bts < m.fv + ibis.interval(days=window_days)))
    m = m.select("user_id", "a", "b").distinct()
    pairs = (
        m.group_by(["a", "b"]).aggregate(users=ibis._.count()).filter(ibis._.users >= max(int(min_users), 1))
    )
    viewers = fv.group_by("a").aggregate(viewers=ibis._.count())
    base = m.select("user_id", "b").distinct().group_by("b").aggregate(base_buyers=ibis._.count())
    t = pairs.join(viewers, "a").join(base, "b")
    # scored and ranked in the engine (a large shop has millions of pairs); the share's interval is Wilson's
    low, high = wilson_expr(t.users, t.viewers)
    t = t.mutate(
        same_item=t.a == t.b,
        share=t.users.cast("float64") / t.viewers,
        share_low=low,
        share_high=high,
        base_rate=t.base_buyers.cast("float64") / max(n_viewers, 1),
    )
    t = t.mutate(
        lift=t.share / t.base_rate, lift_low=t.share_low / t.base_rate, lift_high=t.share_high / t.base_rate
    )
    counts = t.group_by("same_item").aggregate(n=ibis._.count()).to_pandas()
    by_kind = dict(zip(counts["same_item"].astype(bool), counts["n"].astype(int), strict=True))
    if not by_kind:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in _VTB_COLUMNS})
    # ranked by the interval's low end: among hundreds of pairs the highest point lifts are mostly pairs of five
    # users whose share is noise; the low end puts the pairs the data supports first
    t = t.order_by([ibis.desc("lift_low"), ibis.desc("lift"), ibis.desc("users"), "a", "b"])
    df = (t.limit(top) if top else t).to_pandas().rename(columns={"a": "viewed_item", "b": "bought_item"})
    df["same_item"] = df["same_item"].astype(bool)
    df = _add_names(
        df[_VTB_COLUMNS].reset_index(drop=True),
        shop,
        {"viewed_item": "viewed_name", "bought_item": "bought_name"},
    )
    df.attrs["pairs_total"] = by_kind.get(False, 0)  # pairs of different items
    df.attrs["same_item_total"] = by_kind.get(True, 0)
    return df


def next_best_offer(
    shop: Shop,
    *,
    period: Period | str,
    top_n: int = 5,
    min_buyers: int = 5,
    window_months: int = 12,
    min_lift: float = 1.0,
) -> pd.DataFrame:
    """Per RFM segment, the ``top_n`` items its members buy more than the shop's buyers do, among those some
    member has not bought yet (see the module for the definitions).

    Parameters
    ----------
    shop
        The shop (``orders``, ``order_items``; ``users`` for the RFM user base when present).
    period
        The segments are as of the period's end.
    top_n
        Items per segment.
    min_buyers
        Items with fewer buyers in the segment are left out.
    window_months
        The RFM window: months up to the period's end whose purchases count.
    min_lift
        Only items the segment buys more than the shop's buyers do (``lift`` above it; 0: every item, the
        segment's most bought first by lift). A segment whose members buy nothing above the shop's rate gets no
        row: an offer it is no likelier to take than anyone is not a next best offer.

    Returns
    -------
    pandas.DataFrame
        segment (the RFM segment code), rank, item_id, segment_buyers, members, segment_share, overall_buyers,
        overall_share, lift (lift_low, lift_high), candidates; item_name with ``items.name``. Segments in the
        order of :data:`shoplab.profiling.rfm.SEGMENTS`.
    """
    from ..profiling.rfm import SEGMENTS, segments_at

    p = Period.parse(period)
    seg = segments_at(shop, period=p, window_months=window_months)
    empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in _NBO_COLUMNS})
    if seg.empty:
        return empty
    seg = pd.DataFrame(
        {"user_id": seg["user_id"].to_numpy(), "segment": seg["segment"].astype(str).to_numpy()}
    )
    members = seg.groupby("segment").size()
    n_all = len(seg)
    wstart = p.shift(-(window_months - 1)).start
    lines = _all_lines(shop)
    lines = lines.filter((lines.gmv > 0) & (lines.ts < p.end))
    s = ibis.memtable(seg)
    ever = lines.select("user_id", "item_id").distinct().join(s, "user_id")
    win = lines.filter(lines.ts >= wstart).select("user_id", "item_id").distinct().join(s, "user_id")
    sb = win.group_by(["segment", "item_id"]).aggregate(segment_buyers=ibis._.count()).to_pandas()
    ob = win.group_by("item_id").aggregate(overall_buyers=ibis._.count()).to_pandas()
    eb = ever.group_by(["segment", "item_id"]).aggregate(ever_buyers=ibis._.count()).to_pandas()
    df = sb.merge(ob, on="item_id").merge(eb, on=["segment", "item_id"], how="left")
    df["members"] = df["segment"].map(members).astype("int64")
    df["candidates"] = df["members"] - df["ever_buyers"].fillna(0).astype("int64")
    df = df[(df["segment_buyers"] >= min_buyers) & (df["candidates"] > 0)].copy()
    if df.empty:
        return empty
    df["segment_share"] = df["segment_buyers"] / df["members"]
    df["overall_share"] = df["overall_buyers"] / n_all
    df["lift"] = df["segment_share"] / df["overall_share"]
    df = df[df["lift"] > min_lift].copy()
    if df.empty:
        return empty
    lo, hi = wilson(df["segment_buyers"].to_numpy(), df["members"].to_numpy())
    df["lift_low"] = np.asarray(lo, dtype=float) / df["overall_share"]
    df["lift_high"] = np.asarray(hi, dtype=float) / df["overall_share"]
    order = {name: i for i, name in enumerate(SEGMENTS)}
    df["_seg"] = df["segment"].map(order)
    df = df.sort_values(
        ["_seg", "lift", "segment_buyers", "item_id"], ascending=[True, False, False, True], kind="stable"
    )
    df["rank"] = df.groupby("segment").cumcount() + 1
    df = df[df["rank"] <= top_n][_NBO_COLUMNS].reset_index(drop=True)
    return _add_names(df, shop, {"item_id": "item_name"})
