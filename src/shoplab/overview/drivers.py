"""Why GMV moved: a split of the month's GMV change against a comparison month (the previous month, the same
month last year) into drivers whose effects add up exactly to the change.

Numbers only; the words are in :mod:`.text`, the chart in :mod:`.plots`.

Four splits, each summing to the change ``GMV(period) - GMV(base)``:

* **factor**: GMV = buyers x orders per buyer x AOV, and, when the shop has events,
  GMV = visitors x conversion x orders per buyer x AOV with conversion = buyers / visitors (so visitors and
  conversion together give the buyers effect). The multiplicative identity is turned into an additive one with
  the **LMDI** (log-mean Divisia index, type I; Ang 2004): the effect of factor *x* is
  ``L(V1, V0) * ln(x1 / x0)`` with ``L(a, b) = (a - b) / (ln a - ln b)`` (``L(a, a) = a``), V = GMV. As
  ``ln(V1/V0)`` is the sum of the factors' log ratios, the effects sum to ``V1 - V0`` exactly (no residual).
  **Zeros**: when GMV is 0 on one side (no buyers, or only zero-amount orders), the logs are undefined; the
  split uses the LMDI limit with the zero replaced by a vanishing value (Ang & Liu 2007): the whole change goes
  to the first factor of the chain that is zero (or undefined) on that side (buyers when there were no buyers;
  visitors when there were no visitors), the others get 0. Both sides 0: every effect is 0.
  With events, a month with buyers but no visitors (orders without any event) makes buyers / visitors
  undefined; that comparison falls back to the three-factor chain (``visitors_used`` says which).
  Conversion here is buyers / visitors (every buyer counts), which equals the KPI table's visit-to-buy
  conversion when every buyer had an event in the month.
* **buyer_type**: GMV of first-time buyers (first non-cancelled order ever in the month) and of returning
  buyers (ordered before); the effect is each group's GMV change.
* **channel**: GMV by ``orders.channel`` (missing: ``unknown``); the effect is each channel's GMV change.
* **category**: each order's amount allocated to its categories in proportion to its lines' value
  (quantity x price; the category from ``order_items.category``, else ``items.category``); orders without lines,
  without a line value or without a category count as ``unknown``. The effect is each category's GMV change.

GMV is the overview's: the amount of non-cancelled orders placed in the month (:mod:`.kpis`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ibis
import pandas as pd

from ..data import Shop
from ..orders import gross_orders
from ..periods import Period
from .kpis import month_kpis

__all__ = [
    "COMPARISONS",
    "FACTORS",
    "log_mean",
    "lmdi_effects",
    "driver_table",
    "gmv_drivers",
    "largest_drivers",
]

#: comparison code -> how the base month is found from the period
COMPARISONS = ("previous", "last_year")

#: the factor chains, in order (the zero rule gives the change to the first zero factor)
FACTORS = ("visitors", "conversion", "buyers", "orders_per_buyer", "aov")

_UNKNOWN = "unknown"


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean ``(a - b) / (ln a - ln b)`` of two positive numbers (``a`` when they are equal)."""
    r = a / b
    if abs(r - 1) < 1e-6:  # (a - b) / ln(a / b) = b (1 + (r-1)/2 - (r-1)^2/12 + ...): avoid 0 / 0
        return b * (1 + (r - 1) / 2 - (r - 1) ** 2 / 12)
    return (a - b) / math.log(r)


def lmdi_effects(current: dict[str, float], base: dict[str, float]) -> dict[str, float]:
    """LMDI-I additive effects of the factors of a product (``current`` and ``base``: factor -> value, in chain
    order). The effects sum to ``prod(current) - prod(base)``; see the module docstring for zeros.

    >>> e = lmdi_effects({"a": 2.0, "b": 3.0}, {"a": 1.0, "b": 3.0})
    >>> round(e["a"], 12), e["b"]
    (3.0, 0.0)
    """
    names = list(current)

    def total(side):
        if any(_bad(v) or v == 0 for v in side.values()):
            return 0.0
        return math.prod(side.values())

    v1, v0 = total(current), total(base)
    out = dict.fromkeys(names, 0.0)
    if v1 == 0 and v0 == 0:
        return out
    if v1 == 0 or v0 == 0:
        side = current if v1 == 0 else base
        first = next(n for n in names if _bad(side[n]) or side[n] == 0)
        out[first] = v1 - v0
        return out
    w = log_mean(v1, v0)
    for n in names:
        out[n] = w * math.log(current[n] / base[n])
    return out


def _bad(v) -> bool:
    return v is None or (isinstance(v, float) and not math.isfinite(v))


def _covered(shop: Shop, periods: Sequence[Period]) -> dict[str, bool]:
    first_ts, _ = shop.period_bounds("orders")
    first_ts = pd.Timestamp(first_ts)
    return {q.label: bool(first_ts < pd.Timestamp(q.start) + pd.Timedelta(days=1)) for q in periods}


def _month_expr(ts):
    return ts.truncate("M")


def _segment_gmv(shop: Shop, periods: Sequence[Period]) -> dict[str, pd.DataFrame]:
    """GMV per month and code for the buyer_type, channel and category splits (long tables: m, code, gmv)."""
    lo, hi = min(q.start for q in periods), max(q.end for q in periods)
    o = gross_orders(shop.orders)
    first = o.group_by("user_id").aggregate(first_ts=o.ts.min())
    cur = o.filter((o.ts >= lo) & (o.ts < hi)).mutate(m=_month_expr(o.ts))
    labels = {pd.Timestamp(q.start): q.label for q in periods}
    out: dict[str, pd.DataFrame] = {}

    j = cur.join(first, "user_id")
    j = j.mutate(
        code=ibis.ifelse(_month_expr(j.first_ts) == j.m, ibis.literal("new"), ibis.literal("returning"))
    )
    out["buyer_type"] = j.group_by(["m", "code"]).aggregate(gmv=j.amount.sum()).execute()

    if "channel" in cur.columns:
        c = cur.mutate(code=cur.channel.cast("string").fill_null(_UNKNOWN))
        c = c.mutate(code=ibis.ifelse(c.code.strip() == "", ibis.literal(_UNKNOWN), c.code))
        out["channel"] = c.group_by(["m", "code"]).aggregate(gmv=c.amount.sum()).execute()

    lines = _category_lines(shop)
    if lines is not None:
        ids = cur.select("order_id", "m", "amount")
        li = lines.join(ids.select("order_id"), "order_id")
        per_cat = li.group_by(["order_id", "category"]).aggregate(value=li.value.sum())
        per_order = li.group_by("order_id").aggregate(order_value=li.value.sum())
        alloc = per_cat.join(per_order, "order_id").join(ids, "order_id")
        alloc = alloc.filter(alloc.order_value > 0)
        alloc = alloc.mutate(gmv=alloc.amount * alloc.value / alloc.order_value)
        got = alloc.group_by(["m", "category"]).aggregate(gmv=alloc.gmv.sum()).rename(code="category")
        # orders with no line value at all go to unknown in full
        valued = per_order.filter(per_order.order_value > 0).select("order_id")
        rest = ids.anti_join(valued, "order_id")
        rest = rest.group_by("m").aggregate(gmv=rest.amount.sum()).mutate(code=ibis.literal(_UNKNOWN))
        out["category"] = pd.concat(
            [got.execute(), rest.select("m", "code", "gmv").execute()], ignore_index=True
        )
    for k, df in out.items():
        df = df.copy()
        df["m"] = pd.to_datetime(df["m"]).map(labels)
        g = df.groupby(["m", "code"], as_index=False)["gmv"].sum()
        # to a millionth of a yuan: the engine's parallel sums (and the category allocation) differ in the last
        # bits from run to run; the splits still sum to the change within n x 5e-7
        g["gmv"] = g["gmv"].round(6)
        out[k] = g
    return out


def _category_lines(shop: Shop):
    """Order lines with ``order_id``, ``category`` (missing: unknown) and ``value`` = quantity x price, or None
    when neither order_items nor items carries a category."""
    if not shop.has("order_items"):
        return None
    li = shop.order_items
    if not {"order_id", "quantity", "price"} <= set(li.columns):
        return None
    if "category" in li.columns:
        cat = li.category
    elif shop.has("items") and "category" in shop.items.columns and "item_id" in li.columns:
        it = shop.items.select(item_id="item_id", item_category="category")
        li = li.left_join(it, "item_id")
        cat = li.item_category
    else:
        return None
    li = li.mutate(category=cat.cast("string").fill_null(_UNKNOWN), value=li.quantity * li.price)
    li = li.mutate(category=ibis.ifelse(li.category.strip() == "", ibis.literal(_UNKNOWN), li.category))
    return li.select("order_id", "category", "value")


def driver_table(
    kpis: pd.DataFrame,
    segments: dict[str, pd.DataFrame],
    period: str,
    base: str,
    comparison: str,
    *,
    visitors: bool,
) -> pd.DataFrame:
    """The split of one comparison from monthly inputs (``kpis``: :func:`.kpis.month_kpis` rows with gmv, orders,
    buyers, active_users; ``segments``: long GMV tables per dimension). Pure pandas; see :func:`gmv_drivers`."""
    cur, bas = kpis.loc[period], kpis.loc[base]
    change = float(cur.gmv - bas.gmv)

    def chain(k, with_visitors):
        b, o, g = float(k.buyers), float(k.orders), float(k.gmv)
        f = {}
        if with_visitors:
            v = float(k.active_users)
            f["visitors"] = v
            f["conversion"] = b / v if v else math.nan
        else:
            f["buyers"] = b
        f["orders_per_buyer"] = o / b if b else math.nan
        f["aov"] = g / o if o else math.nan
        return f

    use_v = visitors and not any(float(k.active_users) == 0 and float(k.buyers) > 0 for k in (cur, bas))
    fc, fb = chain(cur, use_v), chain(bas, use_v)
    eff = lmdi_effects(fc, fb)
    rows = [dict(dimension="factor", driver=n, value=fc[n], base_value=fb[n], effect=eff[n]) for n in fc]
    for dim, df in segments.items():
        a = df[df.m == period].set_index("code")["gmv"]
        z = df[df.m == base].set_index("code")["gmv"]
        codes = sorted(set(a.index) | set(z.index), key=str)
        for c in codes:
            v1, v0 = float(a.get(c, 0.0)), float(z.get(c, 0.0))
            rows.append(dict(dimension=dim, driver=c, value=v1, base_value=v0, effect=v1 - v0))
    out = pd.DataFrame(rows, columns=["dimension", "driver", "value", "base_value", "effect"])
    out.insert(0, "comparison", comparison)
    out.insert(1, "period", period)
    out.insert(2, "base", base)
    out["gmv"] = float(cur.gmv)
    out["base_gmv"] = float(bas.gmv)
    out["change"] = change
    out["share_of_change"] = out.effect / change if change else math.nan
    out["visitors_used"] = use_v
    return out


def gmv_drivers(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """The GMV change of ``period`` split into drivers against the previous month and the same month last year.

    One row per (``comparison``, ``dimension``, ``driver``): ``comparison`` previous or last_year, ``base`` the
    comparison month, ``dimension`` factor / buyer_type / channel / category, ``value`` and ``base_value`` (the
    factor's value, or the group's GMV), ``effect`` (yuan; within a comparison and dimension the effects sum to
    ``change`` = ``gmv`` - ``base_gmv``), ``share_of_change`` (effect / change), ``visitors_used`` and
    ``history_months`` (whole months of orders before the base month: first-time buyers are first-time in the
    data). A comparison month the orders do
    not cover in full is left out; without a comparable month the table is empty. Method: module docstring.
    """
    p = Period.parse(period)
    bases = {"previous": p.previous(), "last_year": p.year_ago()}
    covered = _covered(shop, [p, *bases.values()])
    bases = {k: q for k, q in bases.items() if covered[q.label]}
    cols = [
        "comparison",
        "period",
        "base",
        "dimension",
        "driver",
        "value",
        "base_value",
        "effect",
        "gmv",
        "base_gmv",
        "change",
        "share_of_change",
        "visitors_used",
    ]
    if not bases:
        return pd.DataFrame(columns=[*cols, "history_months"])
    months = [p, *bases.values()]
    kpis = month_kpis(shop, periods=months)
    segments = _segment_gmv(shop, months)
    visitors = shop.has("events")
    frames = [driver_table(kpis, segments, p.label, q.label, k, visitors=visitors) for k, q in bases.items()]
    out = pd.concat(frames, ignore_index=True)[cols]
    # whole months of orders before each base month (first-time buyers are first-time in the data)
    first_ts = pd.Timestamp(shop.period_bounds("orders")[0])
    month0 = first_ts.to_period("M").start_time
    start = first_ts.year * 12 + first_ts.month - 1 + int(first_ts >= month0 + pd.Timedelta(days=1))
    hist = {q.label: q.start.year * 12 + q.start.month - 1 - start for q in bases.values()}
    out["history_months"] = out.base.map(hist).astype("int64")
    return out


def largest_drivers(drivers: pd.DataFrame) -> pd.DataFrame:
    """The selection the report's top finding names: per comparison and dimension, the driver with the largest
    absolute effect (first in table order on ties); rows of ``drivers``. Empty when nothing moved."""
    if drivers.empty:
        return drivers
    d = drivers[drivers.effect.abs() > 0]
    if d.empty:
        return d
    idx = d.effect.abs().groupby([d.comparison, d.dimension], sort=False).idxmax()
    return drivers.loc[idx.values].reset_index(drop=True)
