"""The merchandise report's computation in one call: :func:`compute_report` returns every number the notebook
shows, as one :class:`MerchandiseResults` (numbers only; words in :mod:`.text`, charts in :mod:`.plots`,
metrics.json in :mod:`.metrics`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Shop
from ..periods import Period
from .launches import LaunchComparison, launch_comparison
from .nbo import item_names, next_best_offer, viewed_then_bought
from .recommend import PAIRS_KEPT, HitRate, bought_together, hit_rate
from .skus import REPURCHASE_DAYS, Concentration, SellThrough, concentration, sell_through, sku_ranking
from .stock import InventorySummary, alerts, inventory_summary, item_stock
from .structure import category_contribution, lifecycle, price_bands
from .tiers import classify, role_disagreements, tier_mix

__all__ = ["MerchandiseResults", "compute_report"]


@dataclass(frozen=True)
class MerchandiseResults:
    """Everything the merchandise report shows for one period."""

    period: str
    #: :func:`.skus.sku_ranking`: one row per item sold, best first
    ranking: pd.DataFrame
    #: :func:`.skus.concentration`: top-20% share, ABC classes, Pareto curve
    concentration: Concentration
    #: :func:`.skus.sell_through` (None without ``items``)
    sell_through: SellThrough | None
    #: :func:`.tiers.classify`: one row per item sold or on sale, with its tier
    tiers: pd.DataFrame
    #: :func:`.tiers.tier_mix`: per tier, share of GMV, stock value and views against 4321
    tier_mix: pd.DataFrame
    #: :func:`.tiers.role_disagreements` (empty without ``items.role``)
    disagreements: pd.DataFrame
    #: :func:`.stock.item_stock` (None without ``inventory``)
    stock: pd.DataFrame | None
    #: :func:`.stock.inventory_summary` (None without ``inventory``)
    inventory: InventorySummary | None
    #: :func:`.stock.alerts` (None without ``inventory``)
    alerts: pd.DataFrame | None
    has_items: bool
    has_roles: bool
    has_views: bool
    overstock_days: float
    #: the data ends less than 90 days after the period: repurchase rates still incomplete
    repurchase_incomplete: bool
    #: :func:`.recommend.bought_together` over the ``basket_months`` up to the period's end
    bought_together: pd.DataFrame | None = None
    #: :func:`.recommend.hit_rate` over the same window (None when not evaluated)
    hit_rate: HitRate | None = None
    basket_months: int = 6
    #: :func:`.structure.category_contribution`: GMV change by category against the previous month and last year
    categories: pd.DataFrame | None = None
    #: :func:`.structure.price_bands`
    price_bands: pd.DataFrame | None = None
    #: :func:`.structure.lifecycle`: stage per item
    lifecycle: pd.DataFrame | None = None
    #: :func:`.nbo.viewed_then_bought` over the period (None without ``events.item_id``)
    viewed_then_bought: pd.DataFrame | None = None
    view_window_days: int = 7
    #: :func:`.nbo.next_best_offer`: per RFM segment as of the period's end, the items to offer
    next_best_offer: pd.DataFrame | None = None
    #: :func:`.launches.launch_comparison`: the period's and recent launches against earlier ones (None without
    #: ``items.launch_ts`` or too few earlier launches)
    launches: LaunchComparison | None = None
    #: ``item_id -> items.name`` for the items the tables show (None without ``items.name``)
    item_names: dict | None = None
    #: ``items.launch_ts`` exists (without it there is no launch comparison)
    has_launch_ts: bool = False

    @property
    def tier_share(self) -> dict[str, float]:
        """Share of item GMV by tier (metrics.json ``merchandise.tier_share.<tier>``)."""
        return dict(zip(self.tier_mix["tier"], self.tier_mix["gmv_share"], strict=True))


def compute_report(
    shop: Shop,
    *,
    period: Period | str,
    overstock_days: float = 90,
    low_cover_days: float = 7,
    test_days: int = 90,
    top_n: int = 20,
    basket_months: int = 6,
    min_co_buyers: int = 5,
    evaluate_recommender: bool = True,
    view_window_days: int = 7,
    min_view_users: int = 5,
    offers_per_segment: int = 5,
    min_segment_buyers: int = 5,
    min_earlier_launches: int = 5,
) -> MerchandiseResults:
    """The merchandise numbers for ``period``.

    Parameters
    ----------
    shop
        The shop (``orders`` and ``order_items`` required; ``items``, ``inventory`` and ``events`` optional).
    period
        The month, ``YYYY-MM``.
    overstock_days
        Days of cover above which an item is overstocked.
    low_cover_days
        Days of cover below which a selling item should be restocked.
    test_days
        Items launched less than this many days before the period's end are test items.
    top_n
        Items per action in the alert list.
    basket_months
        Months up to the period's end whose buyers make the bought-together pairs and the offline evaluation.
    min_co_buyers
        Pairs bought by fewer buyers are left out.
    evaluate_recommender
        Run the offline hit-rate evaluation (the slowest step; pandas on the window's lines).
    view_window_days
        Days after a user's first view of an item in which a purchase counts as viewed-then-bought.
    min_view_users
        Viewed-then-bought pairs with fewer users are left out.
    offers_per_segment
        Items in the next-best-offer table per RFM segment.
    min_segment_buyers
        Items with fewer buyers in a segment are not offered to it.
    min_earlier_launches
        Earlier launches needed to benchmark the new ones at a horizon (30/60/90 days).
    """
    p = Period.parse(period)
    ranking = sku_ranking(shop, period=p)
    stock = item_stock(shop, period=p, overstock_days=overstock_days, low_cover_days=low_cover_days)
    has_views = "views" in ranking.columns
    views = None
    if has_views:
        from .skus import item_views

        views = item_views(shop, p)
    tiers = classify(
        shop,
        period=p,
        ranking=ranking,
        stock=stock,
        views=views,
        test_days=test_days,
        overstock_days=overstock_days,
    )
    has_items = shop.has("items")
    b_start = p.shift(-(basket_months - 1)).start if hasattr(p, "shift") else p.start
    last_ts = shop.orders.ts.max().execute()
    incomplete = (
        last_ts is not None
        and pd.notna(last_ts)
        and (pd.Timestamp(last_ts) < pd.Timestamp(p.end) + pd.Timedelta(days=REPURCHASE_DAYS))
    )
    alert_list = alerts(stock, top_n=top_n)
    pairs = bought_together(shop, start=b_start, end=p.end, min_co_buyers=min_co_buyers, top=PAIRS_KEPT)
    disagreements = role_disagreements(tiers)
    launches = launch_comparison(shop, period=p, min_earlier=min_earlier_launches)
    shown = [ranking["item_id"], disagreements["item_id"]]
    shown += [
        t["item_id"] for t in (stock, alert_list, launches.items if launches else None) if t is not None
    ]
    if pairs is not None and len(pairs):
        shown += [pairs["antecedent"], pairs["consequent"]]
    names = item_names(shop, pd.concat([pd.Series(s_, dtype=object) for s_ in shown]))
    return MerchandiseResults(
        period=p.label,
        ranking=ranking,
        concentration=concentration(ranking),
        sell_through=sell_through(shop, period=p),
        tiers=tiers,
        tier_mix=tier_mix(tiers),
        disagreements=disagreements,
        stock=stock,
        inventory=inventory_summary(shop, period=p, stock=stock, overstock_days=overstock_days),
        alerts=alert_list,
        has_items=has_items,
        has_roles=has_items and "role" in shop.items.columns,
        has_views=has_views,
        overstock_days=overstock_days,
        repurchase_incomplete=bool(incomplete),
        bought_together=pairs,
        hit_rate=hit_rate(shop, start=b_start, end=p.end) if evaluate_recommender else None,
        basket_months=basket_months,
        categories=category_contribution(shop, period=p),
        price_bands=price_bands(shop, period=p),
        lifecycle=lifecycle(shop, period=p),
        viewed_then_bought=viewed_then_bought(
            shop, period=p, window_days=view_window_days, min_users=min_view_users, top=PAIRS_KEPT
        ),
        view_window_days=view_window_days,
        next_best_offer=next_best_offer(
            shop, period=p, top_n=offers_per_segment, min_buyers=min_segment_buyers
        ),
        launches=launches,
        item_names=names,
        has_launch_ts=has_items and "launch_ts" in shop.items.columns,
    )
