"""The sample shop's merchandise data (random stream 3): item attributes, extra catalogue items and daily inventory.

The sales of the sample come from the existing streams (orders and order_items stay byte-identical), so this
module builds around them, after the orders are written:

* **Item attributes** of every item: ``name``, ``brand``, ``launch_ts``, ``role`` (the shop's plan), ``status``.
  The existing items keep their ``item_id``, ``category``, ``price`` and ``cost`` (the same values, in the same
  rows, first); the new columns follow them.
* **Extra catalogue items** (new ids after the existing ones) that never sell in the window: *dead stock*
  (launched long before the window, on sale, a stock that never moves), *new launches* (launched in the last two
  weeks, stocked, not sold yet) and *retired* items (retired before the window, no stock).
* **Daily inventory** (end-of-day snapshots) of every stocked item: a reorder-point policy on the item's known
  mean demand keeps stock above zero, except in the **planted stock-outs** (runs of days on which the item sold
  nothing; the generator writes ``on_hand = 0`` on them) and with the **planted overstock** (a large delivery two
  months before the end).
* **Planned roles**: by the item's GMV rank over the window (top 20% core, next 30% potential, the rest test, the
  bottom 20% and the dead stock clearance, new launches test), with **planted disagreements**: a few bottom
  sellers planned as core and a few top sellers planned as clearance.

Everything planted goes to ``_truth.json["merchandise"]``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ._common import _money, _strings
from .design import _CAT_NAMES, CATEGORIES
from .schemas import _TS

_STREAM_MERCH = 3

BRANDS = ("禾木", "云栖", "青柠", "北岸", "拾光", "山茶", "初见", "知遇", "鹿野", "星川", "南风", "木子")
ROLES = ("core", "potential", "test", "clearance")

#: Extra catalogue items per 300 existing items: never sold in the window.
_DEAD, _NEW, _RETIRED = 24, 10, 12
_N_STOCKOUTS, _N_OVERSTOCK, _N_DISAGREE = 6, 6, 5
_STOCKOUT_MIN_DAYS = 4

INVENTORY_SCHEMA = pa.schema(
    [
        ("date", pa.date32()),
        ("item_id", pa.int64()),
        ("on_hand", pa.int64()),
        ("on_order", pa.int64()),
        ("unit_cost", pa.float64()),
    ]
)
ITEM_COLUMNS = (("name", pa.string()), ("brand", pa.string()), ("launch_ts", _TS), ("role", pa.string()))
ITEM_COLUMNS += (("status", pa.string()),)


def _daily_units(tmp: Path, ctx: SimpleNamespace) -> np.ndarray:
    """Units sold per day and existing item (gross orders: paid and refunded), read back from the written parts."""
    o = pq.read_table(tmp / "orders", columns=["order_id", "ts", "status"])
    oid = o.column("order_id").to_numpy()
    ts = o.column("ts").to_numpy().astype("datetime64[us]").astype(np.int64)
    day = (ts - ctx.start_us) // 86_400_000_000
    gross = np.isin(o.column("status").to_numpy(zero_copy_only=False), ["paid", "refunded"])
    day_of = np.full(int(oid.max()) + 1 if len(oid) else 1, -1, dtype=np.int64)
    day_of[oid[gross]] = day[gross]
    li = pq.read_table(tmp / "order_items", columns=["order_id", "item_id", "quantity"])
    d = day_of[li.column("order_id").to_numpy()]
    idx = li.column("item_id").to_numpy() - int(ctx.items.item_id[0])
    q = li.column("quantity").to_numpy()
    keep = d >= 0
    units = np.zeros((ctx.cal.n_days, ctx.items.n), dtype=np.int64)
    np.add.at(units, (d[keep], idx[keep]), q[keep])
    return units


def _zero_run(col: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """The longest run of zeros in col[lo:hi] as (first day, days)."""
    best, start, run = (0, 0), 0, 0
    for d in range(lo, hi):
        if col[d] == 0:
            start = d if run == 0 else start
            run += 1
            if run > best[1]:
                best = (start, run)
        else:
            run = 0
    return best


def merchandise(tmp: Path, ctx: SimpleNamespace, base: pa.Table) -> tuple[pa.Table, pa.Table, dict]:
    """The items table (``base``, the existing items table, unchanged in its rows and columns, then the extra items'
    rows and the new columns), the inventory table and the merchandise truths."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_MERCH]))
    it, n_days = ctx.items, ctx.cal.n_days
    units = _daily_units(tmp, ctx)
    n0 = it.n
    scale = max(1.0, n0 / 300)
    n_dead, n_new, n_ret = (max(2, round(k * scale)) for k in (_DEAD, _NEW, _RETIRED))
    n_extra = n_dead + n_new + n_ret
    kind = np.array(["sold"] * n0 + ["dead"] * n_dead + ["new"] * n_new + ["retired"] * n_ret)
    n = n0 + n_extra

    # extra items: category, price and cost like the catalogue's
    cat_x = rng.choice(len(_CAT_NAMES), size=n_extra, p=_shares())
    median = np.array([CATEGORIES[c][1] for c in _CAT_NAMES])[cat_x]
    raw = np.clip(np.exp(np.log(median) + 0.5 * rng.normal(size=n_extra)), 8.0, 9999.0)
    price_x = np.where(raw < 20, np.ceil(raw) * 100 - 10, np.ceil(raw / 10) * 1000 - 10).astype(np.int64)
    lo = np.array([CATEGORIES[c][2][0] for c in _CAT_NAMES])[cat_x]
    hi = np.array([CATEGORIES[c][2][1] for c in _CAT_NAMES])[cat_x]
    cost_x = np.rint(price_x * (1 - (lo + (hi - lo) * rng.random(n_extra)))).astype(np.int64)
    category = np.r_[it.category, cat_x]
    price_c = np.r_[it.price_c, price_x]
    cost_c = np.r_[it.cost_c, cost_x]
    item_id = int(it.item_id[0]) + np.arange(n, dtype=np.int64)

    # launch dates (days relative to the window start) and status
    first = np.where(units.any(axis=0), (units > 0).argmax(axis=0), n_days)  # first day with a sale
    launch = np.empty(n)
    launch[:n0] = np.where(
        first > 45, first - rng.integers(0, 6, n0), -rng.uniform(30, 720, n0)
    )  # sold from the start: launched before the window
    launch[n0 : n0 + n_dead] = -rng.uniform(200, 720, n_dead)
    launch[n0 + n_dead : n0 + n_dead + n_new] = n_days - rng.uniform(3, 14, n_new)
    launch[n0 + n_dead + n_new :] = -rng.uniform(400, 900, n_ret)
    launch_day = np.floor(launch).astype(np.int64)
    launch_ms = np.floor(launch * 86_400_000).astype(np.int64)
    status = np.where(kind == "retired", "retired", "on_sale")

    # planned roles by GMV rank over the window, with planted disagreements
    gmv = (units * price_c[:n0][None, :]).sum(axis=0)
    order = np.argsort(-gmv, kind="stable")
    rank = np.empty(n0, dtype=np.int64)
    rank[order] = np.arange(n0)
    role = np.full(n, "test", dtype=object)
    role[:n0] = np.where(rank < 0.20 * n0, "core", np.where(rank < 0.50 * n0, "potential", "test"))
    role[:n0][rank >= 0.80 * n0] = "clearance"
    role[kind == "dead"] = "clearance"
    role[kind == "retired"] = "clearance"
    k = max(1, round(_N_DISAGREE * min(1.0, scale)))
    bottom = rng.choice(order[int(0.9 * n0) :], size=k, replace=False)
    top = rng.choice(order[: max(k, int(0.05 * n0))], size=k, replace=False)
    role[bottom], role[top] = "core", "clearance"

    # inventory: a reorder-point policy on the known mean demand; stock never runs out unless planted
    stocked = np.flatnonzero(kind != "retired")
    rate = np.r_[units.mean(axis=0), np.zeros(n_extra)]
    lead = rng.integers(3, 11, n)
    cover = rng.uniform(20, 40, n)
    reorder = rate * (lead + 7)
    qty = np.maximum(2, np.ceil(rate * cover)).astype(np.int64)
    on_hand = np.where(kind == "sold", qty + np.ceil(reorder).astype(np.int64), 0)
    on_hand[kind == "dead"] = rng.integers(40, 300, n_dead)
    on_hand[kind == "new"] = rng.integers(30, 120, n_new)
    over = rng.choice(order[int(0.4 * n0) : int(0.8 * n0)], size=min(_N_OVERSTOCK, n0 // 10), replace=False)
    over_day = n_days - 61
    over_units = np.ceil(rate[over] * rng.uniform(200, 400, len(over))).astype(np.int64) + 50
    # planted stock-outs: the longest run of no sales, half of them in the last month, among middling sellers
    months = np.asarray(ctx.cal.days, dtype="datetime64[M]")
    last_month = int(np.flatnonzero(months == months[-1])[0])
    taken = set(over) | set(top) | set(bottom)
    cand = list(rng.permutation([i for i in order[int(0.35 * n0) : int(0.8 * n0)] if i not in taken]))
    outs: list[tuple[int, int, int]] = []
    for i in cand:
        if len(outs) >= _N_STOCKOUTS:
            break
        recent = len(outs) < _N_STOCKOUTS // 2
        lo_d, hi_d = (last_month, n_days) if recent else (max(0, n_days - 200), last_month - 1)
        s, run = _zero_run(units[:, i], lo_d, hi_d)
        if run >= _STOCKOUT_MIN_DAYS and s >= 28:
            outs.append((int(i), s, min(run, 10)))
    pending = np.zeros(n, dtype=np.int64)  # units on order
    due = np.full(n, -1, dtype=np.int64)  # arrival day of the open order
    snap = np.zeros((n_days, n), dtype=np.int64)
    snap_order = np.zeros((n_days, n), dtype=np.int64)
    out_mask = np.zeros((n_days, n), dtype=bool)
    for i, s, run in outs:
        out_mask[s : s + run, i] = True
    sold = np.zeros(n, dtype=np.int64)
    reg = kind == "sold"
    for d in range(n_days):
        arrive = due == d
        on_hand[arrive] += pending[arrive]
        pending[arrive], due[arrive] = 0, -1
        if d == over_day:
            on_hand[over] += over_units
        sold[:n0] = units[d]
        on_hand -= sold
        short = reg & (on_hand <= 0)  # an expedited delivery the same day: the policy never runs dry
        on_hand = np.maximum(on_hand, 0)
        on_hand[short] += qty[short]
        low = reg & (on_hand <= reorder) & (due < 0)
        pending[low], due[low] = qty[low], d + lead[low]
        snap[d] = on_hand
        snap_order[d] = pending
    snap[out_mask] = 0
    days = np.asarray(ctx.cal.days, dtype="datetime64[D]")
    rows_d, rows_i = [], []
    for i in stocked:
        d0 = max(0, launch_day[i])
        rows_d.append(np.arange(d0, n_days))
        rows_i.append(np.full(n_days - d0, i))
    rd, ri = np.concatenate(rows_d), np.concatenate(rows_i)
    inventory = pa.table(
        {
            "date": pa.array(days[rd]),
            "item_id": item_id[ri],
            "on_hand": snap[rd, ri],
            "on_order": snap_order[rd, ri],
            "unit_cost": _money(cost_c[ri]),
        },
        schema=INVENTORY_SCHEMA,
    )
    brand_code = rng.integers(0, len(BRANDS), n)
    brand = [BRANDS[b] for b in brand_code]
    names = [f"{brand[k]} {_CAT_NAMES[c]} {k + 1:03d}" for k, c in enumerate(category)]
    extra = pa.table(
        {
            "item_id": item_id[n0:],
            "category": _strings(cat_x, _CAT_NAMES),
            "price": _money(price_x),
            "cost": _money(cost_x),
        },
        schema=base.schema,
    )
    items = pa.concat_tables([base, extra])
    new_columns = {
        "name": names,
        "brand": brand,
        "launch_ts": (ctx.start_us + launch_ms * 1000).view("datetime64[us]"),
        "role": list(role),
        "status": list(status),
    }
    for name, typ in ITEM_COLUMNS:
        items = items.append_column(pa.field(name, typ), pa.array(new_columns[name], typ))
    truth = _truths(
        ctx, item_id, kind, role, rank, bottom, top, outs, units, price_c, over, over_units, over_day
    )
    return items, inventory, truth


def _shares() -> np.ndarray:
    s = np.array([CATEGORIES[c][0] for c in _CAT_NAMES])
    return s / s.sum()


def _truths(
    ctx, item_id, kind, role, rank, bottom, top, outs, units, price_c, over, over_units, over_day
) -> dict:
    day = lambda d: str(ctx.cal.days[d])  # noqa: E731
    stockouts = []
    for i, s, run in outs:
        before = units[max(0, s - 28) : s, i]
        rate = float(before.mean())
        stockouts.append(
            dict(
                item_id=int(item_id[i]),
                first_day=day(s),
                last_day=day(s + run - 1),
                days=int(run),
                units_per_day_before=rate,
                expected_lost_units=rate * run,
                expected_lost_gmv=rate * run * float(price_c[i]) / 100,
            )
        )
    ids = lambda mask: [int(x) for x in item_id[mask]]  # noqa: E731
    n0 = len(rank)
    return dict(
        design=(
            "items.item_id/category/price/cost of the existing items are unchanged (same rows first); the sales "
            "come from the existing streams; stream 3 adds item attributes, extra items that never sell, daily "
            "end-of-day inventory with a reorder-point policy that never runs dry except the planted stock-outs "
            "(runs of days without sales set to on_hand = 0), planted overstock (a large delivery on one day), "
            "planned roles by GMV rank over the window (top 10% core, to 35% potential, to 80% test, the rest "
            "clearance) with planted disagreements"
        ),
        catalogue_items=int(len(item_id)),
        items_with_sales=int(n0),
        dead_stock_items=ids(kind == "dead"),
        new_launch_items=ids(kind == "new"),
        retired_items=ids(kind == "retired"),
        role_counts={r: int((role == r).sum()) for r in ROLES},
        planned_core_but_bottom_sellers=[int(item_id[i]) for i in sorted(bottom)],
        planned_clearance_but_top_sellers=[int(item_id[i]) for i in sorted(top)],
        stockouts=stockouts,
        overstock=[
            dict(item_id=int(item_id[i]), delivery_day=day(over_day), extra_units=int(u))
            for i, u in zip(over, over_units, strict=True)
        ],
        inventory_snapshot="end of day, every day from the launch (or the window start); retired items: none",
    )
