"""Basket affinities (关联规则): frequent pairs and rules with support, confidence, lift, leverage, conviction.

Counting happens in the engine (distinct item per transaction, a self-join on the transaction for pairs,
apriori pruning of infrequent items first); only the frequent pairs come back. Metrics follow mlxtend's
definitions, for rules between single items (itemsets of size two):

* ``support(A->C) = n(A and C) / N``; ``confidence = support / support(A)``;
* ``lift = confidence / support(C)``; ``leverage = support - support(A) * support(C)``;
* ``conviction = (1 - support(C)) / (1 - confidence)`` (infinite when confidence is 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..callshape import keyword_only
from ..data import Shop, require_columns
from ..orders import paid_orders
from ..periods import Period

__all__ = ["association_rules", "basket_lines"]

RULE_COLUMNS = [
    "antecedent",
    "consequent",
    "antecedent_support",
    "consequent_support",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
    "transactions",
]


@keyword_only("period")
def basket_lines(
    shop: Shop, *, period: Period | str, window_months: int = 12, level: str = "category", by: str = "order"
):
    """Ibis table ``basket, item`` of paid orders in the window ending with the period.

    ``level`` is ``"category"`` (from ``order_items.category``, else ``items.category``) or ``"item"``;
    ``by`` is ``"order"`` (a basket is an order) or ``"user"`` (a basket is everything a user bought in the
    window: "customers who buy A also buy B").
    """
    if level not in ("category", "item") or by not in ("order", "user"):
        raise ValueError(
            f"level must be 'category' or 'item' and by 'order' or 'user'; got {level!r}, {by!r}"
        )
    shop.require("orders", "order_items")
    p = Period.parse(period)
    o = paid_orders(shop.orders)
    o = o.filter((o.ts >= p.shift(-(window_months - 1)).start) & (o.ts < p.end))
    oi = shop.order_items
    if level == "item":
        col = oi.item_id.cast("string")
    else:
        if "category" not in oi.columns:
            shop.require("items")
            oi = oi.left_join(shop.items.select("item_id", "category"), "item_id")
        col = oi.category
    lines = oi.select("order_id", item=col).join(o.select("order_id", "user_id"), "order_id")
    return lines.select(basket=lines.order_id if by == "order" else lines.user_id, item=lines.item)


def association_rules(
    data,
    *,
    min_support: float = 0.01,
    min_lift: float = 0.0,
    min_confidence: float = 0.0,
    transaction_col: str = "basket",
    item_col: str = "item",
) -> pd.DataFrame:
    """Rules A -> C between single items (or categories) that occur together in transactions.

    Parameters
    ----------
    data
        Ibis table or pandas DataFrame of transaction lines (one row per item in a transaction; repeats and
        null items are ignored).
    min_support
        Minimum support of the pair (share of transactions holding both).
    min_lift, min_confidence
        Keep rules at or above these.

    Returns
    -------
    pandas.DataFrame
        Columns ``antecedent, consequent, antecedent_support, consequent_support, support, confidence, lift,
        leverage, conviction, transactions`` (``transactions``: transactions holding both), sorted by lift,
        then support, descending, then antecedent and consequent.
    """
    t = require_columns(
        data, "basket lines", [transaction_col, item_col], what="basket lines (association_rules)"
    )
    t = t.select(tx=t[transaction_col], item=t[item_col].cast("string"))
    t = t.filter(t.item.notnull()).distinct()
    n = int(t.tx.nunique().execute())
    if n == 0:
        return pd.DataFrame(columns=RULE_COLUMNS)
    counts = t.group_by("item").aggregate(cnt=t.count())
    frequent = counts.filter(counts.cnt.cast("float64") / n >= min_support)
    tf = t.semi_join(frequent, "item")
    a = tf.rename(a="item")
    b = tf.rename(b="item", tx_b="tx")
    pairs = a.join(b, (a.tx == b.tx_b) & (a.a < b.b))
    pc = pairs.group_by(["a", "b"]).aggregate(both=pairs.count())
    pc = pc.filter(pc.both.cast("float64") / n >= min_support)
    pc_df = pc.execute()
    cnt = frequent.execute().set_index("item")["cnt"].astype("float64")
    if pc_df.empty:
        return pd.DataFrame(columns=RULE_COLUMNS)
    fwd = pd.DataFrame({"antecedent": pc_df.a, "consequent": pc_df.b, "both": pc_df.both})
    rev = pd.DataFrame({"antecedent": pc_df.b, "consequent": pc_df.a, "both": pc_df.both})
    r = pd.concat([fwd, rev], ignore_index=True)
    r["antecedent_support"] = r.antecedent.map(cnt).to_numpy(dtype="float64") / n
    r["consequent_support"] = r.consequent.map(cnt).to_numpy(dtype="float64") / n
    r["support"] = r.both.astype("float64") / n
    r["confidence"] = r.support / r.antecedent_support
    r["lift"] = r.confidence / r.consequent_support
    r["leverage"] = r.support - r.antecedent_support * r.consequent_support
    with np.errstate(divide="ignore", invalid="ignore"):
        conv = (1 - r.consequent_support) / (1 - r.confidence)
    r["conviction"] = np.where(r.confidence >= 1, np.inf, conv)
    r["transactions"] = r.both.astype("int64")
    r = r[(r.lift >= min_lift) & (r.confidence >= min_confidence)]
    r = r.sort_values(
        ["lift", "support", "antecedent", "consequent"], ascending=[False, False, True, True], kind="stable"
    )
    return r[RULE_COLUMNS].reset_index(drop=True)
