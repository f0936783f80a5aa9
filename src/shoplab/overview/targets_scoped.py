"""Targets scoped to a channel or a category (``targets.channel`` / ``targets.category``): the period's actual of
that channel or category against its target, year to date as for the shop-wide targets (:mod:`.targets`).

Numbers only; the words are in :mod:`.text_plan`.

* **Channel** (``orders.channel``): the KPIs of the orders whose channel is the target's (its text, trimmed),
  with the overview's definitions (:mod:`.kpis`): GMV, net sales, orders, buyers, AOV, repurchase rate and
  refund rate (:data:`CHANNEL_METRICS`). New users, active users and conversion are not properties of an
  order's channel: their rows are not compared (``reason`` ``metric_not_by_channel``).
* **Category**: GMV only (:data:`CATEGORY_METRICS`), each order's amount allocated to its categories in proportion
  to its lines' value, as the overview's category driver split does (:func:`.drivers._segment_gmv`): the
  categories' GMV adds up to the shop's GMV. Category GMV is built from whole months, so a date range that
  starts or ends inside a month is not compared (``period_not_whole_months``).
* Year to date as for the shop-wide targets: January to the period's end, only when the orders cover it in full
  (the shop's orders, not the scope's: a channel that opened in March has no sales before). No full-year verdict:
  the forecast is shop-wide (``status`` ``not_judged``).
"""

from __future__ import annotations

import math

import pandas as pd

from ..data import Shop
from ..periods import Period
from .drivers import _category_lines, _segment_gmv
from .kpis import KPI_UNITS, month_kpis
from .targets import ATTAINMENT_COLUMNS, TargetTable, attain, read_targets, year_to_date

__all__ = ["CHANNEL_METRICS", "CATEGORY_METRICS", "SCOPED_COLUMNS", "scoped_attainment"]

#: the KPIs a channel target is compared on
CHANNEL_METRICS = ("gmv", "net_sales", "orders", "buyers", "aov", "repurchase_rate", "refund_rate")
#: the KPIs a category target is compared on
CATEGORY_METRICS = ("gmv",)

#: the columns of :func:`scoped_attainment`
SCOPED_COLUMNS = ["scope", "scope_value", "metric", *ATTAINMENT_COLUMNS, "compared", "reason"]


def _channel_shop(shop: Shop, value: str) -> Shop:
    """The shop reduced to the orders of one channel (no other table: only order KPIs are read)."""
    o = shop.orders
    o = o.filter(o.channel.cast("string").strip() == value)
    return Shop(shop.backend, {"orders": o}, {"orders": o}, shop.source)


def _category_kpis(shop: Shop, p: Period, ytd_months: list[Period]) -> pd.DataFrame:
    """GMV per category (columns) for ``p`` and each year-to-date month (index: period labels)."""
    months = sorted({*p.months, *ytd_months})
    g = _segment_gmv(shop, months)["category"].pivot_table(
        index="m", columns="code", values="gmv", aggfunc="sum"
    )
    g = g.reindex([q.label for q in months]).fillna(0.0)
    if not p.is_month:
        g.loc[p.label] = g.loc[[q.label for q in p.months]].sum()
    return g


def _not_compared(group: pd.DataFrame, scope: str, value: str, reason: str) -> list[dict]:
    return [
        {
            "scope": scope,
            "scope_value": value,
            "metric": m,
            "unit": KPI_UNITS[m],
            "compared": False,
            "reason": reason,
        }
        for m in dict.fromkeys(group.metric)
    ]


def scoped_attainment(
    shop: Shop, *, period: Period | str, targets: TargetTable | None = None
) -> pd.DataFrame:
    """Attainment of the targets scoped to a channel or a category for ``period``: one row per scope, scope value
    and metric that has a target for the period or its year (columns :data:`SCOPED_COLUMNS`: those of
    :func:`.targets.attainment` plus ``scope``, ``scope_value``, ``compared`` and ``reason``, a code of the
    glossary's ``scoped_not_compared`` when a row is not compared). Empty without scoped targets. Definitions:
    module docstring."""
    p = Period.parse(period)
    targets = targets if targets is not None else read_targets(shop)
    empty = pd.DataFrame(columns=SCOPED_COLUMNS)
    if targets is None or targets.scoped_rows is None or targets.scoped_rows.empty:
        return empty
    rows = targets.scoped_rows
    year = str(p.year)
    rows = rows[
        rows.period.isin(
            [p.label, year, *(q.label for q in p.months), *(f"{year}-{m:02d}" for m in range(1, 13))]
        )
    ]
    if rows.empty:
        return empty
    ytd_months, ytd_complete = year_to_date(shop, p)
    asked = [p, *(q for q in ytd_months if q.label != p.label)]
    has_channel = "channel" in shop.orders.columns
    has_category = _category_lines(shop) is not None
    whole_months = p.first == p.first_month.first and p.last == p.last_month.last
    cat_k = None
    out: list[dict] = []
    for (scope, value), group in rows.groupby(["scope", "scope_value"], sort=True):
        allowed = CHANNEL_METRICS if scope == "channel" else CATEGORY_METRICS
        rest = group[~group.metric.isin(allowed)]
        if len(rest):
            out += _not_compared(rest, scope, value, f"metric_not_by_{scope}")
        group = group[group.metric.isin(allowed)]
        if group.empty:
            continue
        if scope == "channel" and not has_channel:
            out += _not_compared(group, scope, value, "no_channel_column")
            continue
        if scope == "category" and not has_category:
            out += _not_compared(group, scope, value, "no_category")
            continue
        if scope == "category" and not whole_months:
            out += _not_compared(group, scope, value, "period_not_whole_months")
            continue
        if scope == "channel":
            k = month_kpis(_channel_shop(shop, value), periods=asked)[list(CHANNEL_METRICS)]
        else:
            if cat_k is None:
                cat_k = _category_kpis(shop, p, ytd_months)
            gmv = cat_k[value] if value in cat_k.columns else pd.Series(0.0, index=cat_k.index)
            k = pd.DataFrame({"gmv": gmv})
        att = attain(group, p, k, ytd_months=ytd_months, ytd_complete=ytd_complete, metrics=allowed)
        for metric, r in att.iterrows():
            sales = float(k.loc[p.label, "gmv"]) if "gmv" in k.columns else math.nan
            out.append(
                {
                    **r.to_dict(),
                    "scope": scope,
                    "scope_value": value,
                    "metric": metric,
                    "compared": True,
                    "reason": "no_sales" if sales == 0 else None,
                }
            )
    if not out:
        return empty
    df = pd.DataFrame(out).reindex(columns=SCOPED_COLUMNS)
    order = {"channel": 0, "category": 1}
    metric_order = {m: i for i, m in enumerate(KPI_UNITS)}
    df = df.sort_values(
        ["scope", "scope_value", "metric"],
        key=lambda c: (
            c.map(order) if c.name == "scope" else (c.map(metric_order) if c.name == "metric" else c)
        ),
    )
    return df.reset_index(drop=True)
