"""Random small catalogues for the merchandise oracles: a shop held in an in-memory DuckDB, and its frames."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

import shoplab

PERIOD = "2026-10"
P_START, P_END = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01")


def shop_of(**tables: pd.DataFrame):
    con = ibis.duckdb.connect()
    for name, df in tables.items():
        con.create_table(name, df)
    return shoplab.connect(con, validate=False)


def random_shop(
    seed: int, *, n_items: int = 8, n_orders: int = 40, inventory: bool = True, events: bool = True
):
    """Orders from 2026-06 to 2026-12 (so the 90-day windows reach out of October), 1-3 lines each."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n_items + 1)
    ts = pd.Timestamp("2026-06-15") + pd.to_timedelta(rng.uniform(0, 200, n_orders), unit="D")
    ts = ts.floor("s")
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, n_orders + 1),
            "user_id": rng.integers(1, 7, n_orders),
            "ts": ts,
            "amount": 1.0,
            "status": rng.choice(["paid", "paid", "refunded", "cancelled", None], n_orders),
        }
    )
    rows = []
    for o in orders.order_id:
        for it in rng.choice(ids, rng.integers(1, 4), replace=False):
            rows.append((o, int(it), int(rng.integers(0, 4)), float(rng.choice([0.0, 5.0, 9.9, 20.0]))))
    items_lines = pd.DataFrame(rows, columns=["order_id", "item_id", "quantity", "price"])
    launch = (pd.Timestamp("2026-11-01") - pd.to_timedelta(rng.uniform(-10, 400, n_items), unit="D")).floor(
        "s"
    )
    items = pd.DataFrame(
        {
            "item_id": ids,
            "cost": rng.choice([1.0, 2.5, 4.0], n_items),
            "launch_ts": launch.where(rng.random(n_items) > 0.2),
            "status": rng.choice(["on_sale", "on_sale", "retired", None], n_items),
            "role": rng.choice(["core", "potential", "test", "clearance", None], n_items),
        }
    )
    tables = dict(orders=orders, order_items=items_lines, items=items)
    if inventory:
        dates = pd.date_range("2026-09-25", "2026-11-03", freq=f"{int(rng.integers(1, 8))}D")
        inv = pd.DataFrame(
            [(d, i) for d in dates for i in ids if rng.random() < 0.8], columns=["date", "item_id"]
        )
        inv["on_hand"] = rng.choice([0, 0, 1, 3, 10], len(inv))
        inv["unit_cost"] = np.where(rng.random(len(inv)) < 0.3, np.nan, rng.choice([1.5, 3.0], len(inv)))
        inv["date"] = inv["date"].dt.date
        tables["inventory"] = inv
    if events:
        n = 60
        ev = pd.DataFrame(
            {
                "user_id": rng.integers(1, 7, n),
                "ts": (pd.Timestamp("2026-09-20") + pd.to_timedelta(rng.uniform(0, 50, n), unit="D")).floor(
                    "s"
                ),
                "event": rng.choice(["product_view", "home", "product_view"], n),
                "item_id": pd.array(rng.choice(list(ids) + [None], n), dtype="Int64"),
            }
        )
        tables["events"] = ev
    return tables


def counted_lines(t: dict, start=P_START, end=P_END) -> pd.DataFrame:
    """The oracle's counted lines: paid, refunded or missing status, placed in [start, end)."""
    o = t["orders"]
    o = o[o.status.isna() | o.status.isin(["paid", "refunded"])]
    o = o[(o.ts >= start) & (o.ts < end)]
    j = t["order_items"].merge(o[["order_id", "user_id", "ts", "status"]], on="order_id")
    return j.assign(gmv=j.quantity * j.price)
