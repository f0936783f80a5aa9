"""The metrics.json keys of the overview report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these.

The six headline KPIs, ``overview.<code>``, each labelled with its glossary name (``metric.<code>``), so the index
page shows the same name as the report's KPI table; the driver split of the GMV change as detail keys
(:data:`DRIVER_METRICS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import labels
from ..contract import TARGET_METRICS
from ..metrics import Metric, record
from .kpis import HEADLINES, KPI_UNITS
from .targets import YTD_METRICS

if TYPE_CHECKING:
    from .report import OverviewResults

__all__ = [
    "METRICS",
    "DRIVER_METRICS",
    "record_headlines",
    "record_drivers",
    "record_targets",
    "TARGET_KEYS",
    "SCORECARD_KEYS",
    "FORECAST_METRICS",
    "record_forecast",
]

_NOTES = {
    "gmv": "(amount of the month's orders, not cancelled; refunded orders count)",
    "orders": "(orders placed in the month, not cancelled)",
    "buyers": "(distinct users with a non-cancelled order in the month)",
    "aov": "(GMV / orders)",
    "new_users": "(signed up in the month; first-time buyers without users.signup_ts)",
    "repurchase_rate": "(share of the month's buyers with two or more orders in the month)",
}

_DRV = "shoplab.overview.drivers.gmv_drivers"
_VS = {
    "mom": ("against the previous month", "较上月"),
    "yoy": ("against the same month last year", "较去年同月"),
}

_TGT = "shoplab.overview.targets.attainment"


def _target_metrics() -> tuple[Metric, ...]:
    out = []
    for key in TARGET_METRICS:
        en, zh = labels.name(f"metric.{key}", "en"), labels.name(f"metric.{key}", "zh")
        out.append(
            Metric(
                f"overview.{key}_target",
                f"{en} target",
                f"{zh}目标",
                KPI_UNITS[key],
                index=False,
                source=_TGT,
                note="(the targets table's row for the period)",
            )
        )
        out.append(
            Metric(
                f"overview.{key}_attainment",
                f"{en} attainment",
                f"{zh}达成率",
                "rate",
                index=key == "gmv",
                source=_TGT,
                note="(actual / target)",
            )
        )
        if key in YTD_METRICS:
            out.append(
                Metric(
                    f"overview.{key}_ytd_attainment",
                    f"{en} attainment year to date",
                    f"{zh}年累计达成率",
                    "rate",
                    index=key == "gmv",
                    source=_TGT,
                    note="(actual from 1 January to the period's end / the sum of the monthly targets of those "
                    "months; when only a yearly target exists, / the yearly target)",
                )
            )
    return tuple(out)


#: targets and attainment (present only when the shop has a target for the metric)
TARGET_KEYS: tuple[Metric, ...] = _target_metrics()

_SC = "shoplab.overview.scorecard.scorecard"
#: the scorecard beside the sales KPIs (detail keys; absent when its tables are missing)
SCORECARD_KEYS: tuple[Metric, ...] = tuple(
    Metric(
        f"overview.{code}",
        labels.name(f"scorecard.{code}", "en"),
        labels.name(f"scorecard.{code}", "zh"),
        unit,
        index=False,
        source=_SC,
        note=note,
    )
    for code, unit, note in (
        (
            "retention_12m",
            "rate",
            "(of the first-time buyers of the month a year before, the share who ordered "
            "in the month; membership's cohort_retention)",
        ),
        (
            "churn_rate",
            "rate",
            "(of the buyers not churned at the previous month's end, the share churned at "
            "this month's end: no order for over 180 days; membership's lifecycle stages)",
        ),
        ("nps", "score", "(promoters 9-10 minus detractors 0-6 among the month's NPS answers, x 100)"),
        ("gross_margin", "rate", "((amount - items.cost x quantity) / amount over the month's paid orders)"),
        (
            "marketing_roi",
            "rate",
            "((gross margin of the orders in channels with marketing spend - that spend) / spend over the month; "
            "orders in channels without spend are left out; channel-level, not incremental: the campaigns "
            "report measures lift)",
        ),
    )
)

#: the forecast, backtest and early warning (detail keys; absent when the section skips)
FORECAST_METRICS: tuple[Metric, ...] = (
    Metric(
        "overview.gmv_forecast_next_month",
        "GMV forecast, next month",
        "下月成交额预测",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
        note="(the median of simulated totals of the month after the period; absent with too little history)",
    ),
    Metric(
        "overview.gmv_forecast_next_month_low",
        "GMV forecast, next month: 95% interval, low",
        "下月成交额预测 95% 区间下限",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
    ),
    Metric(
        "overview.gmv_forecast_next_month_high",
        "GMV forecast, next month: 95% interval, high",
        "下月成交额预测 95% 区间上限",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
    ),
    Metric(
        "overview.gmv_backtest_mape",
        "GMV forecast backtest: MAPE of daily values",
        "成交额预测回测：日值平均绝对百分比误差 (MAPE)",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
        note="(six rolling origins, one per month of the last six, each forecasting that month's days)",
    ),
    Metric(
        "overview.gmv_backtest_naive_mape",
        "GMV forecast backtest: MAPE of the weekly seasonal naive baseline",
        "成交额预测回测：周季节性朴素基准的 MAPE",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
    ),
    Metric(
        "overview.gmv_backtest_coverage95",
        "GMV forecast backtest: daily values inside their 95% intervals",
        "成交额预测回测：日值落入 95% 区间的比例",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
    ),
    Metric(
        "overview.warning_days",
        "Early warning: days outside the 99% band",
        "预警：超出 99% 区间的天数",
        "count",
        index=False,
        source="shoplab.overview.warning.early_warning",
        note="(days of the period on which GMV, orders or conversion fell outside the band)",
    ),
)

#: why GMV moved (detail keys): the effect in money of each driver, split, and comparison (mom: the previous
#: month, yoy: the same month last year); within a split the effects sum to the GMV change
DRIVER_METRICS: tuple[Metric, ...] = tuple(
    m
    for c, (en, zh) in _VS.items()
    for m in (
        Metric(
            f"overview.gmv_change_{c}",
            f"GMV change {en}",
            f"成交额变化（{zh}）",
            "yuan",
            index=False,
            source=_DRV,
            note="(GMV of the month less GMV of the comparison month)",
        ),
        Metric(
            f"overview.gmv_driver_{c}.<driver>",
            f"GMV effect of a driver {en}",
            f"驱动因素对成交额的影响（{zh}）",
            "yuan",
            index=False,
            source=_DRV,
            note="(<driver>: visitors, conversion, buyers, orders_per_buyer, aov (LMDI split of GMV = [visitors x "
            "conversion or buyers] x orders per buyer x AOV), new or returning (GMV change of first-time and "
            "returning buyers); each set sums to the change)",
        ),
        Metric(
            f"overview.gmv_channel_{c}.<channel>",
            f"GMV contribution of a channel {en}",
            f"渠道对成交额变化的贡献（{zh}）",
            "yuan",
            index=False,
            source=_DRV,
            note="(the channel's GMV change, orders.channel; the channels sum to the change)",
        ),
        Metric(
            f"overview.gmv_category_{c}.<category>",
            f"GMV contribution of a category {en}",
            f"品类对成交额变化的贡献（{zh}）",
            "yuan",
            index=False,
            source=_DRV,
            note="(the category's GMV change, orders' amounts allocated to categories by line value; sums to "
            "the change)",
        ),
    )
)

METRICS: tuple[Metric, ...] = (
    tuple(
        Metric(
            f"overview.{key}",
            labels.name(f"metric.{key}", "en"),
            labels.name(f"metric.{key}", "zh"),
            KPI_UNITS[key],
            index=True,
            source="shoplab.overview.kpis.kpi_summary",
            note=_NOTES[key],
        )
        for key in HEADLINES
    )
    + DRIVER_METRICS
    + TARGET_KEYS
    + SCORECARD_KEYS
    + FORECAST_METRICS
)

_COMP = {"previous": "mom", "last_year": "yoy"}
_DIM_KEY = {"factor": "driver", "buyer_type": "driver", "channel": "channel", "category": "category"}


def record_headlines(
    results: OverviewResults | pd.DataFrame, history: pd.DataFrame | None = None
) -> dict[str, float]:
    """Record the overview's headline numbers (``overview.gmv`` ...) for metrics.json and the index page.

    ``results`` is :func:`shoplab.overview.compute_report`'s result (its history gives the index page its
    sparklines); a KPI summary table (:func:`~shoplab.overview.kpis.kpi_summary`) with an optional ``history``
    (:func:`~shoplab.overview.kpis.kpi_history`) still works.
    """
    if isinstance(results, pd.DataFrame):
        summary = results
    else:
        summary, history = results.summary, results.history
    out = {}
    for key in HEADLINES:
        r = summary.loc[key]
        hist = history[key].to_dict() if history is not None else None
        out[f"overview.{key}"] = record(f"overview.{key}", r["value"], previous=r["previous"], history=hist)
    if not isinstance(results, pd.DataFrame):
        out.update(record_drivers(results.drivers))
        out.update(record_targets(results.targets))
        for code, r in results.scorecard.iterrows():
            if not isinstance(r["missing"], str) and not pd.isna(r["value"]):
                out[f"overview.{code}"] = record(f"overview.{code}", float(r["value"]))
        out.update(record_forecast(results))
    return out


def record_targets(att: pd.DataFrame) -> dict[str, float]:
    """Record target and attainment keys (:func:`shoplab.overview.targets.attainment`) for the metrics with a
    target; a key whose number is missing (no target for the period, YTD not computable) is not written."""
    out = {}
    for metric, r in att.iterrows():
        values = {f"overview.{metric}_target": r["target"], f"overview.{metric}_attainment": r["attainment"]}
        if metric in YTD_METRICS:
            values[f"overview.{metric}_ytd_attainment"] = r["ytd_attainment"]
        for key, v in values.items():
            if v is not None and not pd.isna(v):
                out[key] = record(key, float(v))
    return out


def record_drivers(drivers: pd.DataFrame) -> dict[str, float]:
    """Record the driver split (:func:`shoplab.overview.drivers.gmv_drivers`) as detail keys."""
    out = {}
    for comp, g in drivers.groupby("comparison", sort=False):
        c = _COMP[comp]
        out[f"overview.gmv_change_{c}"] = record(f"overview.gmv_change_{c}", float(g.change.iloc[0]))
        for _, r in g.iterrows():
            key = f"overview.gmv_{_DIM_KEY[r['dimension']]}_{c}.{str(r['driver']).replace(' ', '_')}"
            out[key] = record(key, float(r["effect"]))
    return out


def record_forecast(results: OverviewResults) -> dict[str, float]:
    """Record the forecast, backtest and early-warning keys; each is absent when its section skipped."""
    out = {}
    fc, bt, w = results.forecast, results.backtest, results.warning
    if fc is not None:
        nm = fc.total("month", "gmv")
        for suffix, col in (("", "forecast"), ("_low", "low95"), ("_high", "high95")):
            key = f"overview.gmv_forecast_next_month{suffix}"
            out[key] = record(key, float(nm[col]))
    if bt is not None:
        for key, v in (("mape", bt.mape), ("naive_mape", bt.naive_mape), ("coverage95", bt.coverage95)):
            out[f"overview.gmv_backtest_{key}"] = record(f"overview.gmv_backtest_{key}", float(v))
    if w is not None:
        out["overview.warning_days"] = record("overview.warning_days", int(w.flags.date.nunique()))
    return out
