"""Merchandise: which products carry the shop, which stock is stuck (商品与库存分析).

- :func:`compute_report`: every number of the report for one month, as :class:`MerchandiseResults`.
- :func:`sku_ranking`: one row per item sold: GMV, units, buyers, margin, refund share, 90-day repurchase, views.
- :func:`concentration`: the top-20% share, ABC classes and the Pareto curve of a ranking.
- :func:`sell_through`: sold items / items on sale (动销率).
- :func:`classify`, :func:`tier_mix`, :func:`role_disagreements`: the 4321 tiers against the plan and the roles.
- :func:`item_stock`, :func:`inventory_summary`, :func:`alerts`: turnover, cover, slow stock, stock-outs, alerts.
- :func:`category_contribution`, :func:`price_bands`, :func:`lifecycle`, :func:`launch_curves`: product structure.
- :func:`launch_comparison`: the period's and recent launches' first 30/60/90 days against earlier launches.
- :func:`bought_together`, :func:`hit_rate`: items bought by the same buyers; the offline hit rate at 5 and 10.
- :func:`viewed_then_bought`, :func:`next_best_offer`: items bought after viewing an item; the items to offer
  each RFM segment.

Submodules: :mod:`.skus`, :mod:`.tiers`, :mod:`.stock`, :mod:`.recommend`, :mod:`.nbo`, :mod:`.launches` (the numbers;
definitions there), :mod:`.report`, :mod:`.text`, :mod:`.plots`, :mod:`.metrics`.
"""

from __future__ import annotations

from . import launches as launches
from . import metrics as metrics  # submodules
from . import nbo as nbo
from . import plots as plots
from . import recommend as recommend
from . import report as report
from . import skus as skus
from . import stock as stock
from . import structure as structure
from . import text as text
from . import tiers as tiers
from .launches import launch_comparison
from .nbo import next_best_offer, viewed_then_bought
from .recommend import bought_together, hit_rate
from .report import MerchandiseResults, compute_report
from .skus import concentration, sell_through, sku_ranking
from .stock import alerts, inventory_summary, item_stock
from .structure import category_contribution, launch_curves, lifecycle, price_bands
from .tiers import classify, role_disagreements, tier_mix

__all__ = [
    "MerchandiseResults",
    "compute_report",
    "sku_ranking",
    "concentration",
    "sell_through",
    "classify",
    "tier_mix",
    "role_disagreements",
    "item_stock",
    "inventory_summary",
    "alerts",
    "bought_together",
    "hit_rate",
    "viewed_then_bought",
    "next_best_offer",
    "category_contribution",
    "price_bands",
    "lifecycle",
    "launch_curves",
    "launch_comparison",
]
