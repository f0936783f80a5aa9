"""Campaign effect against a randomised control group, computed from per-user outcomes built in the engine.

Definitions (the report states them too):

* **Assigned users**: rows of ``campaign_assignments`` for the campaign; each user counts once, in its group.
* **Campaign window**: ``start_ts`` to ``end_ts`` inclusive. **Pre-period** (the CUPED covariate): the
  ``pre_days`` days before each user's ``min(assigned_ts, start_ts)`` (before ``start_ts`` when
  ``campaign_assignments.assigned_ts`` is absent or empty), so nothing the assignment may have changed is in it.
* **Conversion**: share of assigned users with at least one paid order in the window.
* **Revenue per assigned user**: paid GMV (``orders.amount`` of paid orders) in the window, averaged over all
  assigned users (buyers and non-buyers). **Orders per user** likewise. **AOV**: window GMV / window orders
  of each group (a ratio metric, delta-method interval over users). AOV is conditional on ordering: it compares
  the orders of whoever bought, and a campaign that brings in extra (smaller) buyers lowers it, so it is not the
  effect on any one user's basket.
* **Margin per assigned user** (when ``order_items`` and ``items.cost`` exist): paid GMV minus the cost of the
  goods sold (``quantity * items.cost``) in the window; ``pre_margin`` likewise in the pre-period.

Multiplicity: the **decision metrics** (:data:`DECISION_METRICS`, conversion and revenue per user, on which the
verdict rests) form one family of ``m`` tests. Their intervals are at level ``1 - (1 - confidence) / m`` and
their p-values Bonferroni-adjusted, so "significant" is exactly "the interval shown excludes 0". The other
metrics are **secondary**: reported with plain ``confidence`` intervals and unadjusted p-values, outside the
family, and labelled so.
"""

from __future__ import annotations

import math
import warnings

import ibis
import numpy as np
import pandas as pd

from ..periods import Period
from . import stats as st
from ._util import paid, table, ts

__all__ = [
    "METRICS",
    "DECISION_METRICS",
    "campaigns_in_period",
    "assigned_outcomes",
    "effect_table",
    "srm_check",
    "METHOD_CODES",
    "metric_code",
    "method_code",
]

# metric -> (label, unit, method)
METRICS: dict[str, tuple[str, str, str]] = {
    "conversion": ("Conversion (≥1 paid order)", "rate", "two-proportion z (unpooled)"),
    "revenue_per_user": (
        "Revenue per assigned user (CUPED-adjusted means)",
        "yuan",
        "Welch t on CUPED-adjusted spend",
    ),
    "orders_per_user": ("Orders per assigned user", "count", "Welch t"),
    "aov": ("AOV (GMV / orders), conditional on ordering", "yuan", "delta method over users"),
}
#: metric -> the code of the test behind its row (``campaign_method.<code>`` in the glossary)
METHOD_CODES: dict[str, str] = {
    "conversion": "two_proportion_z",
    "revenue_per_user": "welch_cuped",
    "orders_per_user": "welch",
    "aov": "delta_method",
}


def metric_code(metric: str, *, cuped: bool = True) -> str:
    """The glossary code (``campaign_metric.<code>``) of an effect-table row: revenue per user compared on
    CUPED-adjusted means is ``revenue_per_user_cuped``."""
    return "revenue_per_user_cuped" if metric == "revenue_per_user" and cuped else metric


def method_code(metric: str, *, cuped: bool = True) -> str:
    """The glossary code (``campaign_method.<code>``) of the test behind an effect-table row."""
    return "welch" if metric == "revenue_per_user" and not cuped else METHOD_CODES[metric]


#: the metrics the verdict rests on: the default multiplicity family of :func:`effect_table`
DECISION_METRICS: tuple[str, ...] = ("conversion", "revenue_per_user")


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


def select_campaigns(
    shop, campaigns=None, *, period=None, campaign_id: str = "", until=None, what: str
) -> pd.DataFrame:
    """The campaigns a function of the shop evaluates: ``campaigns`` (rows of :func:`campaigns_in_period`) when
    given, else those :func:`campaigns_in_period` selects from ``shop.campaigns`` by ``period=``,
    ``campaign_id=`` or ``until=``. ``what`` names the function in the error when neither or both are given."""
    chosen = period is not None or bool(campaign_id) or until is not None
    if campaigns is not None:
        if chosen:
            raise TypeError(f"{what}: give campaigns= or period= / campaign_id= / until=, not both")
        return campaigns
    if not chosen:
        raise TypeError(f"{what} needs period= (e.g. period='2026-10'), campaign_id=, until= or campaigns=")
    return campaigns_in_period(shop.campaigns, period=period, campaign_id=campaign_id, until=until)


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
        ``assignments``: campaign_id, user_id, group[, assigned_ts]).
    campaign_id, start_ts, end_ts
        The campaign and its window (both ends inclusive).
    pre_days
        Length of the pre-period whose spend is the CUPED covariate. It ends at each user's
        ``min(assigned_ts, start_ts)`` (at ``start_ts`` where ``assigned_ts`` is missing); a
        ``UserWarning`` says how many users were assigned after ``start_ts``.
    order_items, items
        When both are given (and ``items.cost`` exists), margin per user is added.

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``group`` (treatment/control), ``converted`` (0/1), ``orders``, ``revenue``, ``pre_orders``,
        ``pre_revenue``, ``assigned_after_start`` (0/1) and, with costs, ``margin`` and ``pre_margin``.
    """
    o = table(orders, "orders", ["user_id", "ts", "amount"])
    a = table(assignments, "campaign_assignments", ["campaign_id", "user_id", "group"])
    a = a.filter(a.campaign_id.cast("string") == str(campaign_id))
    start, end = ts(start_ts), ts(end_ts)
    aggs = dict(group=a["group"].min())  # a user listed twice keeps one group
    if "assigned_ts" in a.columns:
        aggs["assigned_ts"] = a.assigned_ts.cast("timestamp").min()
    a = a.group_by("user_id").aggregate(**aggs)
    if "assigned_ts" in a.columns:
        pre_end = ibis.least(a.assigned_ts.fill_null(start), start)
        late = (a.assigned_ts.fill_null(start) > start).cast("int64")
    else:
        pre_end, late = start, ibis.literal(0)
    a = a.select("user_id", "group", pre_end=pre_end, assigned_after_start=late)
    o = paid(o)
    with_margin = order_items is not None and items is not None and "order_id" in o.columns
    if with_margin:
        costs = _order_costs(order_items, items)
        o = o.left_join(costs, "order_id").select(
            "user_id", "ts", "amount", margin=o.amount - costs.cogs.fill_null(0)
        )
    win = o.filter((o.ts >= start) & (o.ts <= end))
    aggs = dict(orders=win.count(), revenue=win.amount.sum())
    if with_margin:
        aggs["margin"] = win.margin.sum()
    w = win.group_by("user_id").aggregate(**aggs)
    before = o.filter(o.ts < start)
    pj = before.join(a.select("user_id", "pre_end"), "user_id")
    pj = pj.filter((pj.ts < pj.pre_end) & (pj.ts >= pj.pre_end - ibis.interval(days=pre_days)))
    pre_aggs = dict(pre_orders=pj.count(), pre_revenue=pj.amount.sum())
    if with_margin:
        pre_aggs["pre_margin"] = pj.margin.sum()
    pre = pj.group_by("user_id").aggregate(**pre_aggs)
    j = a.left_join(w, a.user_id == w.user_id).left_join(pre, a.user_id == pre.user_id)
    cols = dict(
        user_id=a.user_id,
        group=a.group,
        converted=(w.orders.fill_null(0) > 0).cast("int64"),
        orders=w.orders.fill_null(0),
        revenue=w.revenue.fill_null(0.0),
        pre_orders=pre.pre_orders.fill_null(0),
        pre_revenue=pre.pre_revenue.fill_null(0.0),
        assigned_after_start=a.assigned_after_start,
    )
    if with_margin:
        cols["margin"] = w.margin.fill_null(0.0)
        cols["pre_margin"] = pre.pre_margin.fill_null(0.0)
    df = j.select(**cols).execute()
    n_late = int(df["assigned_after_start"].sum())
    if n_late:
        warnings.warn(
            f"campaign {campaign_id}: {n_late:,} of {len(df):,} assigned users were assigned after the campaign "
            f"start ({pd.Timestamp(start_ts)}); their pre-period ends at the start, and their window includes days "
            "before they were assigned",
            UserWarning,
            stacklevel=2,
        )
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
    """Treatment against control for each metric in :data:`METRICS`, with intervals matched to the verdict.

    Parameters
    ----------
    outcomes
        Per-user table from :func:`assigned_outcomes`.
    confidence
        Family-wise level: the decision family's intervals are at ``1 - (1 - confidence) / m``, secondary
        metrics' at ``confidence``.
    cuped
        Adjust revenue per user with pre-period spend (CUPED, :func:`~shoplab.campaigns.stats.cuped_welch`); the
        treatment and control columns then hold the CUPED-adjusted means (the plain ones are in
        ``treatment_raw``/``control_raw``) and the variance removed is in ``variance_reduction``. Without it
        the plain Welch interval is used.
    metrics
        The decision metrics, tested as one family (keys of :data:`METRICS`; default
        :data:`DECISION_METRICS`). Every other metric is still reported, as ``role = "secondary"``.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric``, ``label``, ``unit``, ``method``, ``role`` (decision/secondary),
        ``n_treatment``, ``n_control``, ``treatment``, ``control``, ``treatment_raw``, ``control_raw``,
        ``abs_lift``, ``ci_low``, ``ci_high``, ``ci_level``, ``rel_lift``, ``rel_ci_low``, ``rel_ci_high`` (same
        level), ``p_value`` (unadjusted), ``p_adjusted`` (Bonferroni over the family; NaN for secondary),
        ``p_holm`` (Holm over the family, for reference; NaN for secondary), ``significant`` (decision: adjusted
        p below ``1 - confidence``; secondary: unadjusted p below it; either way exactly "the interval shown
        excludes 0"), ``variance_reduction``, ``compared_with``.
    """
    missing = [c for c in ("group", "converted", "orders", "revenue", "pre_revenue") if c not in outcomes]
    if missing:
        raise ValueError(
            f"outcomes lack column(s) {', '.join(missing)}; present: {', '.join(outcomes.columns)}"
        )
    family = list(DECISION_METRICS if metrics is None else metrics)
    unknown = [m for m in family if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRICS)}")
    cols = [
        "metric", "label", "unit", "method", "role", "n_treatment", "n_control", "treatment", "control",
        "treatment_raw", "control_raw", "abs_lift", "ci_low", "ci_high", "ci_level", "rel_lift", "rel_ci_low",
        "rel_ci_high", "p_value", "p_adjusted", "p_holm", "significant", "variance_reduction", "compared_with",
    ]  # fmt: skip
    t = outcomes[outcomes["group"] == "treatment"]
    c = outcomes[outcomes["group"] == "control"]
    n_t, n_c = len(t), len(c)
    if n_t < 2 or n_c < 2:
        return pd.DataFrame(columns=cols)
    alpha = 1 - confidence
    levels = {k: (1 - alpha / len(family) if k in family else confidence) for k in METRICS}
    x_t, x_c = int(t.converted.sum()), int(c.converted.sum())
    results = {
        "conversion": st.two_proportion(x_t, n_t, x_c, n_c, confidence=levels["conversion"]),
        "orders_per_user": st.welch(t.orders, c.orders, confidence=levels["orders_per_user"]),
        "aov": st.ratio_of_sums(t.revenue, t.orders, c.revenue, c.orders, confidence=levels["aov"]),
    }
    if cuped:
        rev = st.cuped_welch(t.revenue, t.pre_revenue, c.revenue, c.pre_revenue,
                             confidence=levels["revenue_per_user"])  # fmt: skip
    else:
        rev = st.welch(t.revenue, c.revenue, confidence=levels["revenue_per_user"])
    results["revenue_per_user"] = rev
    rows = []
    for key, (label, unit, method) in METRICS.items():
        res = results[key]
        if key == "revenue_per_user" and not cuped:
            label, method = "Revenue per assigned user", "Welch t"
        rows.append(
            dict(metric=key, label=label, unit=unit, method=method,
                 role="decision" if key in family else "secondary", n_treatment=n_t, n_control=n_c)
            | {k: res[k] for k in ("treatment", "control", "abs_lift", "ci_low", "ci_high")}
            | dict(treatment_raw=res.get("treatment_raw", res["treatment"]),
                   control_raw=res.get("control_raw", res["control"]), ci_level=levels[key])
            | {k: res[k] for k in ("rel_lift", "rel_ci_low", "rel_ci_high", "p_value")}
            | dict(variance_reduction=res.get("variance_reduction", math.nan))
        )  # fmt: skip
    df = pd.DataFrame(rows)
    fam = df["role"] == "decision"
    df["p_adjusted"] = math.nan
    df["p_holm"] = math.nan
    df.loc[fam, "p_adjusted"] = st.bonferroni(df.loc[fam, "p_value"].to_numpy())
    df.loc[fam, "p_holm"] = st.holm(df.loc[fam, "p_value"].to_numpy())
    df["significant"] = df["p_adjusted"].where(fam, df["p_value"]) < alpha
    df["compared_with"] = f"randomised control group ({n_c:,} users) vs treatment ({n_t:,} users)"
    return df[cols]
