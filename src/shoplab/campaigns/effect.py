"""Campaign effect against a randomised control group, computed from per-user outcomes built in the engine.

Definitions (the report states them too):

* **Assigned users**: rows of ``campaign_assignments`` for the campaign; each user counts once, in its group.
* **Campaign window**: ``start_ts`` to ``end_ts`` inclusive. **Pre-period**: the ``pre_days`` days before
  ``start_ts``.
* **Conversion**: share of assigned users with at least one paid order in the window.
* **Revenue per assigned user**: paid GMV (``orders.amount`` of paid orders) in the window, averaged over all
  assigned users (buyers and non-buyers). **Orders per user** likewise. **AOV**: window GMV / window orders
  of each group (a ratio metric, delta-method interval over users).
* **Margin per assigned user** (when ``order_items`` and ``items.cost`` exist): paid GMV minus the cost of the
  goods sold (``quantity * items.cost``) in the window.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..periods import Period
from . import stats as st
from ._util import paid, table, ts

__all__ = [
    "METRICS",
    "campaigns_in_period",
    "assigned_outcomes",
    "effect_table",
    "srm_check",
]

# metric -> (label, unit, method)
METRICS: dict[str, tuple[str, str, str]] = {
    "conversion": ("Conversion (≥1 paid order)", "rate", "two-proportion z"),
    "revenue_per_user": ("Revenue per assigned user (CUPED)", "yuan", "Welch t on CUPED-adjusted spend"),
    "orders_per_user": ("Orders per assigned user", "count", "Welch t"),
    "aov": ("AOV (GMV / orders)", "yuan", "delta method over users"),
}


def campaigns_in_period(
    campaigns, *, period: str | Period | None = None, campaign_id: str = "", until: str | Period | None = None
) -> pd.DataFrame:
    """The campaigns to evaluate: ``campaign_id`` if given, else every campaign active in ``period``.

    A campaign is active in a month when its window overlaps the month. With ``until`` (and no period), every
    campaign that ended before the end of that month (the history an uplift model learns from). ``treatment_share`` defaults to 0.5 and
    ``cost`` to NaN (unknown) when absent. Returns one row per campaign, ordered by start.
    """
    t = table(campaigns, "campaigns", ["campaign_id", "start_ts", "end_ts"])
    if campaign_id:
        t = t.filter(t.campaign_id.cast("string") == str(campaign_id))
    elif period is not None:
        p = Period.parse(period)
        t = t.filter((t.start_ts < ts(p.end)) & (t.end_ts >= ts(p.start)))
    elif until is not None:
        t = t.filter(t.end_ts < ts(Period.parse(until).end))
    df = t.execute().sort_values(["start_ts", "campaign_id"]).reset_index(drop=True)
    if campaign_id and df.empty:
        raise ValueError(f"campaign_id {campaign_id!r} is not in the campaigns table")
    for col, default in (("name", None), ("type", None), ("channel", None), ("cost", math.nan)):
        if col not in df.columns:
            df[col] = default
    share = df["treatment_share"] if "treatment_share" in df.columns else pd.Series(np.nan, index=df.index)
    df["treatment_share"] = share.astype("float64").fillna(0.5)
    df["name"] = df["name"].fillna(df["campaign_id"].astype(str))
    df["cost"] = df["cost"].astype("float64")
    return df


def _order_costs(order_items, items):
    oi = table(order_items, "order_items", ["order_id", "item_id", "quantity"])
    it = table(items, "items", ["item_id", "cost"])
    j = oi.join(it.select("item_id", unit_cost=it.cost), "item_id")
    return j.group_by("order_id").aggregate(
        cogs=(j.quantity * j.unit_cost).sum(),
        lines_without_cost=j.unit_cost.isnull().cast("int64").sum(),
    )


def assigned_outcomes(
    orders,
    assignments,
    *,
    campaign_id: str,
    start_ts,
    end_ts,
    pre_days: int = 28,
    order_items=None,
    items=None,
) -> pd.DataFrame:
    """One row per assigned user: group and outcomes in the window, pre-period spend, computed in the engine.

    Parameters
    ----------
    orders, assignments
        Ibis tables or pandas DataFrames (``orders``: user_id, ts, amount[, status, order_id];
        ``assignments``: campaign_id, user_id, group).
    campaign_id, start_ts, end_ts
        The campaign and its window (both ends inclusive).
    pre_days
        Length of the pre-period before ``start_ts`` whose spend is the CUPED covariate.
    order_items, items
        When both are given (and ``items.cost`` exists), margin per user is added.

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``group`` (treatment/control), ``converted`` (0/1), ``orders``, ``revenue``, ``pre_orders``,
        ``pre_revenue`` and, with costs, ``margin``.
    """
    o = table(orders, "orders", ["user_id", "ts", "amount"])
    a = table(assignments, "campaign_assignments", ["campaign_id", "user_id", "group"])
    a = a.filter(a.campaign_id.cast("string") == str(campaign_id))
    a = a.group_by("user_id").aggregate(group=a["group"].min())  # a user listed twice keeps one group
    o = paid(o)
    start, end = ts(start_ts), ts(end_ts)
    pre_start = ts(pd.Timestamp(start_ts) - pd.Timedelta(days=pre_days))
    win = o.filter((o.ts >= start) & (o.ts <= end))
    with_margin = order_items is not None and items is not None and "order_id" in o.columns
    if with_margin:
        costs = _order_costs(order_items, items)
        win = win.left_join(costs, "order_id").select(
            "user_id", "amount", margin=win.amount - costs.cogs.fill_null(0)
        )
    aggs = dict(orders=win.count(), revenue=win.amount.sum())
    if with_margin:
        aggs["margin"] = win.margin.sum()
    w = win.group_by("user_id").aggregate(**aggs)
    pre = o.filter((o.ts >= pre_start) & (o.ts < start))
    pre = pre.group_by("user_id").aggregate(pre_orders=pre.count(), pre_revenue=pre.amount.sum())
    j = a.left_join(w, a.user_id == w.user_id).left_join(pre, a.user_id == pre.user_id)
    cols = dict(
        user_id=a.user_id,
        group=a.group,
        converted=(w.orders.fill_null(0) > 0).cast("int64"),
        orders=w.orders.fill_null(0),
        revenue=w.revenue.fill_null(0.0),
        pre_orders=pre.pre_orders.fill_null(0),
        pre_revenue=pre.pre_revenue.fill_null(0.0),
    )
    if with_margin:
        cols["margin"] = w.margin.fill_null(0.0)
    df = j.select(**cols).execute()
    return df.sort_values("user_id", kind="stable").reset_index(drop=True)


def srm_check(outcomes: pd.DataFrame, *, treatment_share: float = 0.5) -> dict:
    """Sample-ratio mismatch of an outcomes table (see :func:`shoplab.campaigns.stats.srm_test`)."""
    n_t = int((outcomes["group"] == "treatment").sum())
    n_c = int((outcomes["group"] == "control").sum())
    return dict(n_treatment=n_t, n_control=n_c, treatment_share=treatment_share) | st.srm_test(
        n_t, n_c, treatment_share=treatment_share
    )


def effect_table(
    outcomes: pd.DataFrame, *, confidence: float = 0.95, cuped: bool = True, metrics: list[str] | None = None
) -> pd.DataFrame:
    """Treatment against control for each metric in :data:`METRICS`, with intervals and Holm-adjusted p-values.

    Parameters
    ----------
    outcomes
        Per-user table from :func:`assigned_outcomes`.
    confidence
        Level of the two-sided intervals.
    cuped
        Adjust revenue per user with pre-period spend (CUPED); the variance removed is in
        ``variance_reduction``. Without it the plain Welch interval is used.
    metrics
        The metrics to test (keys of :data:`METRICS`; default all); Holm corrects for exactly these.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric``, ``label``, ``unit``, ``method``, ``n_treatment``, ``n_control``,
        ``treatment``, ``control``, ``abs_lift``, ``ci_low``, ``ci_high``, ``rel_lift``, ``rel_ci_low``,
        ``rel_ci_high``, ``p_value``, ``p_holm``, ``significant`` (Holm-adjusted p below 1 - confidence),
        ``variance_reduction``, ``compared_with``.
    """
    missing = [c for c in ("group", "converted", "orders", "revenue", "pre_revenue") if c not in outcomes]
    if missing:
        raise ValueError(
            f"outcomes lack column(s) {', '.join(missing)}; present: {', '.join(outcomes.columns)}"
        )
    t = outcomes[outcomes["group"] == "treatment"]
    c = outcomes[outcomes["group"] == "control"]
    n_t, n_c = len(t), len(c)
    rows = []
    if n_t >= 2 and n_c >= 2:
        conv = st.two_proportion(
            int(t.converted.sum()), n_t, int(c.converted.sum()), n_c, confidence=confidence
        )
        y = outcomes["revenue"].to_numpy(float)
        red = math.nan
        if cuped:
            y, _, red = st.cuped_adjust(y, outcomes["pre_revenue"].to_numpy(float))
        is_t = (outcomes["group"] == "treatment").to_numpy()
        rev = st.welch(y[is_t], y[~is_t], confidence=confidence)
        if cuped:  # report the raw group means; the lift and interval are CUPED's, relative to raw control
            rev["treatment"], rev["control"] = float(t.revenue.mean()), float(c.revenue.mean())
            mc = rev["control"]
            for k, a in (("rel_lift", "abs_lift"), ("rel_ci_low", "ci_low"), ("rel_ci_high", "ci_high")):
                rev[k] = rev[a] / mc if mc else math.nan
        ords = st.welch(t.orders, c.orders, confidence=confidence)
        aov = st.ratio_of_sums(t.revenue, t.orders, c.revenue, c.orders, confidence=confidence)
        for key, res, vr in (
            ("conversion", conv, math.nan),
            ("revenue_per_user", rev, red),
            ("orders_per_user", ords, math.nan),
            ("aov", aov, math.nan),
        ):
            label, unit, method = METRICS[key]
            if key == "revenue_per_user" and not cuped:
                label, method = "Revenue per assigned user", "Welch t"
            rows.append(
                dict(metric=key, label=label, unit=unit, method=method, n_treatment=n_t, n_control=n_c)
                | {k: res[k] for k in ("treatment", "control", "abs_lift", "ci_low", "ci_high")}
                | {k: res[k] for k in ("rel_lift", "rel_ci_low", "rel_ci_high", "p_value")}
                | dict(variance_reduction=vr)
            )
    cols = [
        "metric", "label", "unit", "method", "n_treatment", "n_control", "treatment", "control", "abs_lift",
        "ci_low", "ci_high", "rel_lift", "rel_ci_low", "rel_ci_high", "p_value", "p_holm", "significant",
        "variance_reduction", "compared_with",
    ]  # fmt: skip
    df = pd.DataFrame(rows)
    if metrics is not None:
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRICS)}")
        df = df[df["metric"].isin(metrics)].reset_index(drop=True) if len(df) else df
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["p_holm"] = st.holm(df["p_value"].to_numpy())
    df["significant"] = df["p_holm"] < (1 - confidence)
    df["compared_with"] = f"randomised control group ({n_c:,} users) vs treatment ({n_t:,} users)"
    return df[cols]
