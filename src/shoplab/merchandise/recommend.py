"""Recommendations: items bought together by the same buyers, and an offline check of a co-purchase recommender.

* **Bought together** (buyer level, over the counted orders placed in ``[start, end)``): each buyer is one
  transaction holding the items they bought (item GMV > 0). For a pair A -> B: ``co_buyers`` = buyers of both;
  ``support`` = co_buyers / buyers; ``confidence`` = co_buyers / buyers of A; ``lift`` = confidence / (buyers of
  B / buyers). Pairs with at least ``min_co_buyers`` co-buyers; the same definitions as mlxtend's
  ``association_rules`` on a one-hot buyer x item table (a test checks it).
* **Offline hit rate**: for every buyer with two or more counted orders in the window, hold out their last order
  and train on everything before it (all buyers' earlier orders). The recommender scores each item the user has
  not bought by the sum, over the items they bought, of the training confidence of that item -> candidate (ties:
  more buyers first, then item id); the **most-popular baseline** recommends the items with the most training
  buyers that the user has not bought. A hit at K: the held-out order holds one of the K items. Both rates come
  with a Wilson interval (:func:`shoplab.stats.wilson`), and their difference is what the recommender adds:
  scored on the same buyers, it is a paired difference (:func:`shoplab.stats.paired_proportions`: Agresti-Min
  interval, exact McNemar test).
  Above :data:`MAX_EVAL_USERS` eligible buyers the held-out orders of a seeded random sample of them are scored
  (the training still uses every buyer); ``HitRate.eligible`` says how many there were.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from ..data import Shop
from ..stats import paired_proportions, wilson
from .skus import _all_lines

__all__ = ["bought_together", "HitRate", "hit_rate", "evaluation_users", "MAX_EVAL_USERS", "PAIRS_KEPT"]


def _baskets(shop: Shop, start, end):
    j = _all_lines(shop)
    j = j.filter((j.ts >= start) & (j.ts < end) & (j.gmv > 0))
    return j


def bought_together(
    shop: Shop, *, start, end, min_co_buyers: int = 5, top: int | None = None
) -> pd.DataFrame:
    """Item pairs A -> B bought by the same buyers in ``[start, end)``: co_buyers, support, confidence, lift
    (both directions of each pair), strongest lift first (ties: more co-buyers, then the item ids).

    Computed and ranked in the engine; ``top`` keeps the strongest pairs only (a large shop has millions), and
    ``attrs["pairs_total"]`` says how many pairs had at least ``min_co_buyers`` co-buyers."""
    j = _baskets(shop, start, end)
    ui = j.select("user_id", "item_id").distinct()
    n = ui.user_id.nunique().execute()
    per = ui.group_by("item_id").aggregate(buyers=ui.count())
    a = ui.rename(a="item_id")
    b = ui.rename(b="item_id")
    pairs = a.join(b, "user_id").filter(ibis._.a != ibis._.b)
    pairs = (
        pairs.group_by(["a", "b"])
        .aggregate(co_buyers=ibis._.count())
        .filter(ibis._.co_buyers >= min_co_buyers)
    )
    pa_ = per.rename(a="item_id", buyers_a="buyers")
    pb_ = per.rename(b="item_id", buyers_b="buyers")
    t = pairs.join(pa_, "a").join(pb_, "b")
    t = t.mutate(
        support=t.co_buyers / n,
        confidence=t.co_buyers / t.buyers_a,
        lift=(t.co_buyers * n) / (t.buyers_a * t.buyers_b),
    )
    total = int(t.count().execute()) if top else None
    t = t.order_by([ibis.desc("lift"), ibis.desc("co_buyers"), "a", "b"])
    df = (t.limit(top) if top else t).to_pandas()
    df = df.rename(columns={"a": "antecedent", "b": "consequent"})
    df = df[
        ["antecedent", "consequent", "co_buyers", "buyers_a", "buyers_b", "support", "confidence", "lift"]
    ]
    df = df.reset_index(drop=True)
    df.attrs["pairs_total"] = total if total is not None else len(df)
    return df


@dataclass(frozen=True)
class HitRate:
    """Offline hit rates of the co-purchase recommender and the most-popular baseline."""

    users: int  #: buyers with a held-out last order that were evaluated
    k: tuple[int, ...]
    recommender: dict  #: k -> hit rate
    baseline: dict  #: k -> hit rate
    recommender_ci: dict  #: k -> (low, high), Wilson 95%
    baseline_ci: dict
    #: buyers with a held-out last order; above ``users`` when a random sample of them was evaluated
    eligible: int | None = None
    #: k -> recommender minus baseline hit rate, paired on the same buyers (:func:`shoplab.stats.paired_proportions`)
    difference: dict | None = None

    @property
    def sampled(self) -> bool:
        """Whether the rates rest on a random sample of the eligible buyers (their intervals say how much)."""
        return self.eligible is not None and self.eligible > self.users


#: most bought-together pairs the report keeps (the strongest; ``attrs["pairs_total"]`` counts them all)
PAIRS_KEPT = 5_000

#: most buyers the offline evaluation scores (a seeded random sample above it: the cost grows with buyers x
#: items, and 20,000 buyers put the hit rate within about +-0.6 pp at 95%)
MAX_EVAL_USERS = 20_000


def evaluation_users(users, max_users: int | None = MAX_EVAL_USERS, random_state: int = 0) -> np.ndarray:
    """The eligible buyers the hit rate scores: all of them (sorted), or a seeded random sample of
    ``max_users`` of them (sorted) when there are more."""
    users = np.sort(np.asarray(users))
    if max_users is None or len(users) <= max_users:
        return users
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(users, size=int(max_users), replace=False))


def _holdout(shop: Shop, start, end) -> pd.DataFrame:
    j = _baskets(shop, start, end)
    lines = j.select("user_id", "order_id", "ts", "item_id").distinct().to_pandas()
    last = lines.sort_values(["ts", "order_id"]).groupby("user_id").tail(1)[["user_id", "order_id", "ts"]]
    last = last.rename(columns={"order_id": "last_order", "ts": "last_ts"})
    lines = lines.merge(last, on="user_id")
    lines["held_out"] = lines["order_id"] == lines["last_order"]
    n_orders = lines.groupby("user_id")["order_id"].nunique()
    lines["eligible"] = lines["user_id"].map(n_orders >= 2)
    return lines


def hit_rate(
    shop: Shop,
    *,
    start,
    end,
    k: tuple[int, ...] = (5, 10),
    max_users: int | None = MAX_EVAL_USERS,
    random_state: int = 0,
) -> HitRate:
    """Hit rate at each K of the co-purchase recommender and the most-popular baseline (see the module).

    The model is trained on every buyer's earlier orders; the held-out orders scored are those of every eligible
    buyer, or of a seeded random sample of ``max_users`` of them (:func:`evaluation_users`; None: all), so the
    cost stays flat on a large shop while the Wilson intervals widen to what the sample supports."""
    lines = _holdout(shop, start, end)
    train = lines[~lines["held_out"]][["user_id", "item_id"]].drop_duplicates()
    buyers = train.groupby("item_id")["user_id"].nunique()
    pop = (
        buyers.reset_index().sort_values(["user_id", "item_id"], ascending=[False, True])["item_id"].tolist()
    )
    held = lines[lines["held_out"] & lines["eligible"]][["user_id", "item_id"]].drop_duplicates()
    eligible = held["user_id"].nunique()
    users = evaluation_users(held["user_id"].unique(), max_users, random_state)
    held = held[held["user_id"].isin(users)]
    kmax = max(k)
    if not len(users):  # no repeat buyer: nothing to evaluate
        none = {kk: None for kk in k}
        return HitRate(
            0, tuple(k), none, dict(none), {kk: (None, None) for kk in k}, {kk: (None, None) for kk in k}, 0
        )
    owned = train[train["user_id"].isin(users)]
    own_key = set(zip(owned["user_id"], owned["item_id"], strict=True))
    # the recommender, in DuckDB: item-to-item confidence over the training buyers, summed over each user's
    # items, unowned candidates only (scores rounded to 12 decimals so that ties do not hang on summation order)
    tr_ = ibis.memtable(train)
    a, b = tr_.rename(x="item_id"), tr_.rename(y="item_id")
    co = a.join(b, "user_id").filter(ibis._.x != ibis._.y).group_by(["x", "y"]).aggregate(co=ibis._.count())
    nb = ibis.memtable(buyers.rename("n_buyers").reset_index().rename(columns={"item_id": "x"}))
    co = co.join(nb, "x").mutate(conf=ibis._.co / ibis._.n_buyers)
    own = ibis.memtable(owned.rename(columns={"item_id": "x"}))
    sc = own.join(co, "x").group_by(["user_id", "y"]).aggregate(conf=ibis._.conf.sum())
    own2 = ibis.memtable(owned.rename(columns={"item_id": "y"}))
    sc = sc.anti_join(own2, ["user_id", "y"]).mutate(conf=ibis._.conf.round(12))
    pr = ibis.memtable(pd.DataFrame({"y": pop, "pop_rank": np.arange(len(pop))}))
    sc = sc.left_join(pr, "y").drop("y_right")
    w = ibis.window(group_by="user_id", order_by=[ibis.desc("conf"), "pop_rank", "y"])
    sc = sc.mutate(pos=ibis.row_number().over(w)).filter(ibis._.pos < kmax)
    sc = sc.select("user_id", item="y", pos="pos").to_pandas()
    # the baseline: the most popular unowned items (kmax + the most a user owns is enough)
    depth = kmax + int(owned.groupby("user_id").size().max() if len(owned) else 0)
    top_pop = pd.DataFrame({"item": pop[:depth], "pop_rank": np.arange(min(depth, len(pop)))})
    base = pd.DataFrame({"user_id": users}).merge(top_pop, how="cross")
    base = base[[(u, i) not in own_key for u, i in zip(base["user_id"], base["item"], strict=True)]]
    base = base.sort_values(["user_id", "pop_rank"]).groupby("user_id").head(kmax)
    base["pos"] = base.groupby("user_id").cumcount()
    # fill the recommender's list up with the popular items it does not hold yet
    fill = base.merge(sc[["user_id", "item"]], on=["user_id", "item"], how="left", indicator=True)
    fill = fill[fill["_merge"] == "left_only"].drop(columns="_merge")
    n_sc = sc.groupby("user_id").size()
    fill["pos"] = fill.groupby("user_id").cumcount() + fill["user_id"].map(n_sc).fillna(0).astype(int)
    rec = pd.concat([sc[["user_id", "item", "pos"]], fill[["user_id", "item", "pos"]]])
    rec = rec[rec["pos"] < kmax]
    target = held.rename(columns={"item_id": "item"})

    def first_hit(lists: pd.DataFrame) -> pd.Series:
        hit = lists.merge(target, on=["user_id", "item"])
        return hit.groupby("user_id")["pos"].min()

    rec_first, base_first = first_hit(rec), first_hit(base)
    rec_hits = {kk: int((rec_first < kk).sum()) for kk in k}
    base_hits = {kk: int((base_first < kk).sum()) for kk in k}
    m = len(users)
    difference = {}
    for kk in k:  # the two lists are scored on the same buyers: their difference is a paired one
        r_set, b_set = set(rec_first.index[rec_first < kk]), set(base_first.index[base_first < kk])
        difference[kk] = paired_proportions(len(r_set - b_set), len(b_set - r_set), m)

    def rates(h):
        return {kk: (h[kk] / m if m else None) for kk in k}

    def cis(h):
        return {kk: tuple(float(x) for x in wilson(h[kk], m)) if m else (None, None) for kk in k}

    return HitRate(
        m, tuple(k), rates(rec_hits), rates(base_hits), cis(rec_hits), cis(base_hits), eligible, difference
    )
