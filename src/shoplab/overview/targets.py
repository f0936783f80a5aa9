"""Targets and attainment: the month's KPIs against the plan (the optional ``targets`` table), year to date, and
the full year's verdict from a projection with an interval.

Numbers only; the words are in :mod:`.text`.

Definitions (the report states them too):

* **Attainment** (达成率) of a metric for the period = actual / target, with the actual as the KPI table
  defines it (:mod:`.kpis`) and the target of the row whose ``period`` is the report's period. Every metric of
  :data:`~shoplab.contract.TARGET_METRICS` gets it. For ``refund_rate`` the target is a ceiling: below 100% is
  good (``lower_is_better``).
* **Year-to-date attainment**, only for the additive metrics :data:`YTD_METRICS` (gmv, net_sales, orders,
  new_users): the actual from 1 January to the period's end / the sum of the monthly targets of those months
  (``ytd_basis = "monthly"``; every month from January to the period's month needs a target). Without them,
  when the year has a yearly target, / the yearly target (``ytd_basis = "yearly"``: progress toward it).
  Rates, averages and distinct counts (buyers, AOV, active users, conversion, repurchase and refund rates) get
  monthly attainment only: their months do not add up. The YTD actual needs the orders to cover 1 January in
  full; otherwise it is NaN (``ytd_complete`` False).
* **Full year**: with a projection of the year's total and its interval (:class:`Projection`, from the
  forecast), the year is **on track** when the interval's lower end reaches the yearly target (the sum of the
  monthly targets, else the yearly target), **at risk** when its upper end falls short, and **uncertain** when
  the interval straddles the target. Without a projection the verdict is ``not_judged``: the report shows the
  YTD attainment and the share of the year's target that the plan expected by now, and claims neither.

Rows scoped to a channel or a category are compared apart, by :mod:`.targets_scoped`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..contract import TARGET_METRICS
from ..data import Shop, require_columns
from ..periods import Period
from .kpis import KPI_UNITS, month_kpis

__all__ = [
    "YTD_METRICS",
    "LOWER_IS_BETTER",
    "TargetTable",
    "Projection",
    "read_targets",
    "attainment",
    "attain",
    "year_to_date",
    "ATTAINMENT_COLUMNS",
    "full_year_status",
]

#: the additive metrics that get year-to-date attainment
YTD_METRICS = ("gmv", "net_sales", "orders", "new_users")
#: metrics whose target is a ceiling
LOWER_IS_BETTER = ("refund_rate",)


@dataclass(frozen=True)
class TargetTable:
    """The shop-wide targets (``period``, ``metric``, ``target``) and the count of scoped rows left aside."""

    rows: pd.DataFrame
    scoped: int = 0
    #: the rows scoped to a channel or a category: ``period``, ``metric``, ``target``, ``scope`` (channel /
    #: category), ``scope_value`` (:func:`.targets_scoped.scoped_attainment` compares them)
    scoped_rows: pd.DataFrame | None = None


@dataclass(frozen=True)
class Projection:
    """A projection of a metric's full-year total (the forecast's): point and interval at ``level``."""

    metric: str
    year: int
    point: float
    low: float
    high: float
    level: float = 0.95


def read_targets(shop: Shop) -> TargetTable | None:
    """The ``targets`` table as a :class:`TargetTable` (None when the shop has none).

    Raises ``ValueError`` naming the rows when a period, metric and scope has two targets.
    """
    if not shop.has("targets"):
        return None
    t = require_columns(
        shop.targets, "targets", ["period", "metric", "target"], what="targets and attainment"
    )
    cols = ["period", "metric", "target"] + [c for c in ("channel", "category") if c in t.columns]
    df = t.select(*cols).execute()
    df["period"] = df["period"].astype(str).str.strip()
    df["metric"] = df["metric"].astype(str).str.strip()
    scope = pd.Series(False, index=df.index)
    for c in ("channel", "category"):
        if c in df.columns:
            scope |= df[c].notna() & (df[c].astype(str).str.strip() != "")
    key = [c for c in cols if c != "target"]
    dup = df[df.duplicated(key, keep=False)]
    if len(dup):
        ex = dup.iloc[0]
        raise ValueError(
            f"targets: {len(dup):,} rows give the same {', '.join(key)} more than one target; e.g. period="
            f"{ex.period!r}, metric={ex.metric!r} ({dup[(dup.period == ex.period) & (dup.metric == ex.metric)].target.tolist()})"
        )
    rows = df[~scope & df.metric.isin(TARGET_METRICS) & (df.target > 0)][["period", "metric", "target"]]
    parts = []
    for c in ("channel", "category"):
        if c in df.columns:
            has = df[c].notna() & (df[c].astype(str).str.strip() != "")
            part = df[has & df.metric.isin(TARGET_METRICS) & (df.target > 0)]
            parts.append(
                part[["period", "metric", "target"]].assign(
                    scope=c, scope_value=part[c].astype(str).str.strip()
                )
            )
    scoped_rows = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["period", "metric", "target", "scope", "scope_value"])
    )
    return TargetTable(rows.reset_index(drop=True), int(scope.sum()), scoped_rows)


def _target(rows: pd.DataFrame, metric: str, period: str) -> float:
    hit = rows[(rows.metric == metric) & (rows.period == period)]
    return float(hit.target.iloc[0]) if len(hit) else math.nan


def attainment(
    shop: Shop,
    *,
    period: Period | str,
    targets: TargetTable | None = None,
    projections: Mapping[str, Projection] | None = None,
) -> pd.DataFrame:
    """Attainment of every metric with a target for ``period``: one row per metric of
    :data:`~shoplab.contract.TARGET_METRICS` that has a target for the period or the year (index ``metric``).

    Columns: ``unit``, ``target``, ``actual``, ``attainment`` (actual / target); for :data:`YTD_METRICS`
    ``ytd_actual``, ``ytd_target``, ``ytd_attainment``, ``ytd_basis`` (monthly / yearly), ``ytd_complete``;
    ``year_target`` (sum of the year's monthly targets when all twelve exist, else the yearly target),
    ``plan_share`` (the YTD monthly targets' share of the year's), and the full-year verdict
    (:func:`full_year_status`): ``status``, ``projection``, ``projection_low``, ``projection_high``. Empty
    without targets. Definitions: module docstring.
    """
    p = Period.parse(period)
    targets = targets if targets is not None else read_targets(shop)
    if targets is None or targets.rows.empty:
        return pd.DataFrame(columns=ATTAINMENT_COLUMNS, index=pd.Index([], name="metric"))
    ytd_months, ytd_complete = year_to_date(shop, p)
    asked = [p, *(q for q in ytd_months if q.label != p.label)]
    k = month_kpis(shop, periods=asked)
    return attain(
        targets.rows, p, k, ytd_months=ytd_months, ytd_complete=ytd_complete, projections=projections
    )


#: the columns of :func:`attainment`
ATTAINMENT_COLUMNS = [
    "unit", "target", "actual", "attainment", "ytd_actual", "ytd_target", "ytd_attainment", "ytd_basis",
    "ytd_complete", "year_target", "plan_share", "status", "projection", "projection_low", "projection_high",
    "lower_is_better",
]  # fmt: skip


def year_to_date(shop: Shop, p: Period) -> tuple[list[Period], bool]:
    """The months from January of the period's (last) year to its end, and whether the orders cover them in full.

    Year to date needs a period that ends on a month's last day (a month, a quarter, a year, or a range ending
    on a month end); otherwise no months."""
    ends_month = p.last == p.last_month.last
    ytd_months = [Period(p.year, m) for m in range(1, p.month + 1)] if ends_month else []
    first_ts, last_ts = shop.period_bounds("orders")
    ytd_complete = bool(
        ytd_months
        and pd.Timestamp(first_ts) < pd.Timestamp(ytd_months[0].start) + pd.Timedelta(days=1)
        and pd.Timestamp(last_ts) >= pd.Timestamp(p.end) - pd.Timedelta(days=1)
    )
    return ytd_months, ytd_complete


def attain(
    rows: pd.DataFrame,
    p: Period,
    k: pd.DataFrame,
    *,
    ytd_months: list[Period],
    ytd_complete: bool,
    projections: Mapping[str, Projection] | None = None,
    metrics=TARGET_METRICS,
) -> pd.DataFrame:
    """:func:`attainment` of the target ``rows`` (``period``, ``metric``, ``target``) from a KPI frame ``k``
    (index: period labels, ``p``'s and the year-to-date months'; a column per metric of ``metrics``)."""
    year = str(p.year)
    all_months = [f"{year}-{m:02d}" for m in range(1, 13)]
    k_ytd = k.loc[[q.label for q in ytd_months]] if ytd_months else k.iloc[0:0]
    out = []
    for metric in metrics:
        target = _target(rows, metric, p.label)
        yearly = _target(rows, metric, year)
        if math.isnan(target) and (metric not in YTD_METRICS or math.isnan(yearly)):
            continue
        actual = float(k.loc[p.label, metric])
        r = dict(
            metric=metric,
            unit=KPI_UNITS[metric],
            target=target,
            actual=actual,
            attainment=actual / target if target > 0 else math.nan,
            lower_is_better=metric in LOWER_IS_BETTER,
        )
        if metric in YTD_METRICS:
            monthly = [_target(rows, metric, q.label) for q in ytd_months]
            whole = [_target(rows, metric, m) for m in all_months]
            ytd_actual = float(k_ytd[metric].sum()) if ytd_complete else math.nan
            if not ytd_months:
                basis, ytd_target = None, math.nan
            elif not any(math.isnan(v) for v in monthly):
                basis, ytd_target = "monthly", float(sum(monthly))
            elif not math.isnan(yearly):
                basis, ytd_target = "yearly", yearly
            else:
                basis, ytd_target = None, math.nan
            year_target = float(sum(whole)) if not any(math.isnan(v) for v in whole) else yearly
            r.update(
                ytd_actual=ytd_actual,
                ytd_target=ytd_target,
                ytd_attainment=ytd_actual / ytd_target if ytd_target > 0 else math.nan,
                ytd_basis=basis,
                ytd_complete=ytd_complete,
                year_target=year_target,
                plan_share=float(sum(monthly)) / year_target
                if basis == "monthly" and year_target > 0
                else math.nan,
            )
            r.update(full_year_status(year_target, (projections or {}).get(metric)))
        out.append(r)
    return pd.DataFrame(out, columns=["metric", *ATTAINMENT_COLUMNS]).set_index("metric")


def full_year_status(year_target: float, projection: Projection | None) -> dict[str, float | str]:
    """The full year's verdict against ``year_target`` from a projection's interval: on_track (the interval's
    low end reaches the target), at_risk (its high end falls short), uncertain (it straddles the target);
    not_judged without a projection or a yearly target. The point alone never decides."""
    none = dict(status="not_judged", projection=math.nan, projection_low=math.nan, projection_high=math.nan)
    if projection is None or year_target is None or not year_target > 0:
        return none
    if projection.low >= year_target:
        status = "on_track"
    elif projection.high < year_target:
        status = "at_risk"
    else:
        status = "uncertain"
    return dict(
        status=status,
        projection=projection.point,
        projection_low=projection.low,
        projection_high=projection.high,
    )
