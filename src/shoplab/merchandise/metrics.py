"""The metrics.json keys of the merchandise report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from
these. Definitions in :mod:`.skus`, :mod:`.stock` and :mod:`.tiers`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..metrics import Metric, record
from .tiers import TIERS

if TYPE_CHECKING:
    from .report import MerchandiseResults

__all__ = ["METRICS", "record_headlines"]

_P = "shoplab.merchandise"


def _m(key: str, unit: str, source: str, *, index: bool = False, note: str = "") -> Metric:
    code = key.split(".", 1)[1].replace(".", "_")
    return Metric(
        key,
        labels.name(f"merch_metric.{code}", "en"),
        labels.name(f"merch_metric.{code}", "zh"),
        unit,
        index=index,
        source=source,
        note=note,
    )


METRICS: tuple[Metric, ...] = (
    _m(
        "merchandise.skus_sold",
        "count",
        f"{_P}.skus.concentration",
        index=True,
        note="(distinct items with item GMV > 0 in the period's paid or refunded orders)",
    ),
    _m(
        "merchandise.sell_through",
        "rate",
        f"{_P}.skus.sell_through",
        index=True,
        note="(sold items / items on sale, among the items of items; on sale: sold, or launched, not retired and "
        "in stock on some inventory date of the period)",
    ),
    _m(
        "merchandise.top20_sku_gmv_share",
        "rate",
        f"{_P}.skus.concentration",
        index=True,
        note="(item GMV of the top ceil(0.2 x skus_sold) items / item GMV of all items)",
    ),
    _m(
        "merchandise.turnover_annual",
        "ratio",
        f"{_P}.stock.inventory_summary",
        index=True,
        note="(cost of goods / mean stock value at cost over the period's inventory dates, annualised)",
    ),
    _m(
        "merchandise.days_of_cover",
        "days",
        f"{_P}.stock.inventory_summary",
        note="(stock value on the last inventory date / (cost of goods / days in the period))",
    ),
    _m(
        "merchandise.slow_stock_share",
        "rate",
        f"{_P}.stock.inventory_summary",
        index=True,
        note="(share of the last stock value in items with no sale in the 90 days up to the period's end)",
    ),
    *(
        _m(
            f"merchandise.tier_share.{t}",
            "rate",
            f"{_P}.tiers.tier_mix",
            note=f"(share of item GMV in the {t} tier of the 4321 rule)",
        )
        for t in TIERS
    ),
)


def record_headlines(results: MerchandiseResults) -> dict[str, float]:
    """Record the merchandise numbers for metrics.json and the index page (keys whose number the data does not
    allow, e.g. turnover without ``inventory``, are left out)."""
    c, st, inv = results.concentration, results.sell_through, results.inventory
    values = {
        "merchandise.skus_sold": c.skus_sold,
        "merchandise.sell_through": st.rate if st is not None else None,
        "merchandise.top20_sku_gmv_share": c.top20_share,
        "merchandise.turnover_annual": inv.turnover_annual if inv is not None else None,
        "merchandise.days_of_cover": inv.days_of_cover if inv is not None else None,
        "merchandise.slow_stock_share": inv.slow_stock_share if inv is not None else None,
    }
    if c.skus_sold:
        values.update({f"merchandise.tier_share.{t}": v for t, v in results.tier_share.items()})
    return {k: record(k, v) for k, v in values.items() if v is not None}
