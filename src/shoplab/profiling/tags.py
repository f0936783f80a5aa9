"""The tag table (用户标签体系): a long table ``user_id, tag_group, tag`` for campaign targeting.

Tag rules (each a parameter of :func:`user_tags`):

* ``demographic``: gender, age band, city tier (as recorded);
* ``behaviour``: ``active`` (last visit under ``active_days`` days ago), ``cooling`` (under
  ``lapsed_days``), ``lapsed`` (otherwise, or never visited); ``<platform> first`` (preferred platform);
* ``value``: the value tier, the RFM segment, the member tier;
* ``preference``: ``likes <category>`` when the category holds at least ``category_share`` of the user's
  spend; ``price sensitive`` when at least ``price_sensitive_share`` of two or more orders had a discount or
  coupon; ``frequent returner`` when the refund rate is at least ``high_refund_rate`` over two or more orders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import require_columns

__all__ = ["user_tags", "tag_coverage", "TAG_GROUPS"]

TAG_GROUPS = ["demographic", "behaviour", "value", "preference"]


def _long(user_id: pd.Series, values: pd.Series, group: str) -> pd.DataFrame:
    keep = values.notna()
    return pd.DataFrame(
        {"user_id": user_id[keep].to_numpy(), "tag_group": group, "tag": values[keep].astype(str).to_numpy()}
    )


def user_tags(
    features: pd.DataFrame,
    *,
    segments: pd.DataFrame | None = None,
    tiers: pd.DataFrame | None = None,
    active_days: int = 30,
    lapsed_days: int = 90,
    category_share: float = 0.5,
    price_sensitive_share: float = 0.5,
    high_refund_rate: float = 0.3,
) -> pd.DataFrame:
    """Tags of every user, one row per (user, tag); see the module docstring for the rules.

    ``segments`` (``user_id, segment``) and ``tiers`` (``user_id, tier``) add value tags when given.
    Export with ``to_csv`` / ``to_parquet``.
    """
    require_columns(features, "user features", ["user_id"], what="user features (user_tags)")
    f = features.reset_index(drop=True)
    uid = f["user_id"]
    parts = []
    for col, prefix in (("gender", "gender "), ("age_band", "age "), ("city_tier", "")):
        if col in f.columns:
            parts.append(_long(uid, prefix + f[col].astype("string"), "demographic"))
    if "last_visit_days" in f.columns:
        lv = f["last_visit_days"].to_numpy(dtype="float64")
        act = np.where(lv < active_days, "active", np.where(lv < lapsed_days, "cooling", "lapsed"))
        parts.append(_long(uid, pd.Series(act), "behaviour"))
    if "preferred_platform" in f.columns:
        parts.append(_long(uid, f["preferred_platform"].astype("string") + " first", "behaviour"))
    if tiers is not None:
        t = f[["user_id"]].merge(tiers[["user_id", "tier"]], on="user_id", how="left")
        parts.append(_long(t.user_id, t.tier.astype("string"), "value"))
    if segments is not None:
        s = f[["user_id"]].merge(segments[["user_id", "segment"]], on="user_id", how="left")
        parts.append(_long(s.user_id, s.segment.astype("string"), "value"))
    if "member_tier" in f.columns:
        parts.append(_long(uid, f["member_tier"].astype("string"), "value"))
    cats = [c for c in f.columns if c.startswith("cat_")]
    for c in cats:
        v = f[c].to_numpy(dtype="float64")
        parts.append(
            _long(uid, pd.Series(np.where(v >= category_share, "likes " + c[4:], None)), "preference")
        )
    if {"discount_share", "frequency"} <= set(f.columns):
        hit = (f.discount_share >= price_sensitive_share) & (f.frequency >= 2)
        parts.append(_long(uid, pd.Series(np.where(hit, "price sensitive", None)), "preference"))
    if {"refund_rate", "frequency"} <= set(f.columns):
        hit = (f.refund_rate >= high_refund_rate) & (f.frequency >= 2)
        parts.append(_long(uid, pd.Series(np.where(hit, "frequent returner", None)), "preference"))
    if not parts:
        return pd.DataFrame(columns=["user_id", "tag_group", "tag"])
    out = pd.concat(parts, ignore_index=True)
    out["tag_group"] = pd.Categorical(out.tag_group, categories=TAG_GROUPS, ordered=True)
    return out.sort_values(["user_id", "tag_group", "tag"], kind="stable").reset_index(drop=True)


def tag_coverage(tags: pd.DataFrame, *, n_users: int | None = None) -> pd.DataFrame:
    """Users and share of users holding each tag, plus one ``(any)`` row per group (users with any tag in it).

    ``n_users`` is the denominator (default: distinct users in ``tags``).
    """
    require_columns(tags, "tags", ["user_id", "tag_group", "tag"], what="tags (tag_coverage)")
    n = n_users or tags.user_id.nunique()
    per_tag = (
        tags.groupby(["tag_group", "tag"], observed=True).user_id.nunique().rename("users").reset_index()
    )
    per_group = tags.groupby("tag_group", observed=True).user_id.nunique().rename("users").reset_index()
    per_group["tag"] = "(any)"
    out = pd.concat([per_group, per_tag], ignore_index=True)
    out["share"] = out.users / n if n else np.nan
    out["tag_group"] = pd.Categorical(out.tag_group.astype(str), categories=TAG_GROUPS, ordered=True)
    out["_any"] = out.tag != "(any)"
    out = out.sort_values(["tag_group", "_any", "users"], ascending=[True, True, False], kind="stable")
    return out.drop(columns="_any").reset_index(drop=True)[["tag_group", "tag", "users", "share"]]
