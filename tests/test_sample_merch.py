"""The sample shop's merchandise stream (3): existing tables unchanged, item attributes, inventory, planted truths."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shoplab.sample as sample
from shoplab.sample import generate_shop
from shoplab.sample.merch import INVENTORY_SCHEMA

NEW_FILES = {"items.parquet", "inventory.parquet", "_truth.json"}


def _files(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shops(tmp_path_factory):
    """The same shop generated with and without the merchandise stream."""
    root = tmp_path_factory.mktemp("merch")
    with_merch = root / "with"
    generate_shop(with_merch, users=400, seed=11)
    mp = pytest.MonkeyPatch()
    mp.setattr(sample, "merchandise", lambda tmp, ctx, base: (base, INVENTORY_SCHEMA.empty_table(), {}))
    try:
        generate_shop(root / "without", users=400, seed=11)
    finally:
        mp.undo()
    return with_merch, root / "without"


def test_every_existing_file_is_byte_identical_and_items_keep_their_columns(shops):
    new, old = shops
    a, b = _files(new), _files(old)
    assert set(a) == set(b)
    assert {k for k in a if a[k] != b[k]} <= NEW_FILES
    items, base = pq.read_table(new / "items.parquet"), pq.read_table(old / "items.parquet")
    assert items.column_names[: base.num_columns] == base.column_names
    assert items.select(base.column_names).slice(0, base.num_rows).equals(base)
    t_new = json.loads((new / "_truth.json").read_text(encoding="utf-8"))
    t_old = json.loads((old / "_truth.json").read_text(encoding="utf-8"))
    assert set(t_new) == set(t_old) and t_new["merchandise"] and t_old.pop("merchandise") == {}
    assert {k: v for k, v in t_new.items() if k != "merchandise"} == t_old


def _sales(shop):
    o = pq.read_table(shop / "orders").to_pandas()
    li = pq.read_table(shop / "order_items").to_pandas()
    j = li.merge(o[o.status.isin(["paid", "refunded"])][["order_id", "ts"]], on="order_id")
    return j.assign(date=j.ts.dt.date)


def test_planted_stockouts_are_the_only_zero_stock_days_and_no_sale_happens_on_them(shops):
    shop, _ = shops
    truth = json.loads((shop / "_truth.json").read_text(encoding="utf-8"))["merchandise"]
    inv = pq.read_table(shop / "inventory.parquet").to_pandas()
    zero = inv[inv.on_hand == 0]
    got = zero.groupby("item_id").date.agg(["min", "max", "count"])
    want = pd.DataFrame(
        {
            "min": [pd.Timestamp(s["first_day"]).date() for s in truth["stockouts"]],
            "max": [pd.Timestamp(s["last_day"]).date() for s in truth["stockouts"]],
            "count": [s["days"] for s in truth["stockouts"]],
        },
        index=pd.Index([s["item_id"] for s in truth["stockouts"]], name="item_id"),
    ).sort_index()
    assert len(want) >= 3
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    sales = _sales(shop)
    hit = sales.merge(zero[["item_id", "date"]], on=["item_id", "date"])
    assert hit.empty


def test_catalogue_roles_status_and_dead_stock(shops):
    shop, _ = shops
    truth = json.loads((shop / "_truth.json").read_text(encoding="utf-8"))["merchandise"]
    items = pq.read_table(shop / "items.parquet").to_pandas()
    assert len(items) == truth["catalogue_items"] and items.item_id.is_unique
    assert items.role.value_counts().to_dict() == {k: v for k, v in truth["role_counts"].items() if v}
    assert set(items.loc[items.status == "retired", "item_id"]) == set(truth["retired_items"])
    sales = _sales(shop)
    never = set(truth["dead_stock_items"]) | set(truth["new_launch_items"]) | set(truth["retired_items"])
    assert not never & set(sales.item_id)
    gmv = (sales.quantity * sales.price).groupby(sales.item_id).sum().sort_values(ascending=False)
    rank = pd.Series(np.arange(len(gmv)), index=gmv.index)
    assert (rank[truth["planned_core_but_bottom_sellers"]] >= 0.9 * len(gmv) - 1).all()
    assert (rank[truth["planned_clearance_but_top_sellers"]] < max(5, 0.05 * len(gmv))).all()
    inv = pq.read_table(shop / "inventory.parquet").to_pandas()
    assert not set(inv.item_id) & set(truth["retired_items"])
    new = items[items.item_id.isin(truth["new_launch_items"])]
    first = inv.groupby("item_id").date.min()
    assert (first[new.item_id].values == new.launch_ts.dt.date.values).all()
    assert (
        items.launch_ts.dt.date.values
        <= sales.groupby("item_id").date.min().reindex(items.item_id).fillna(pd.Timestamp.max.date()).values
    ).all()


def test_planted_overstock_has_months_of_cover(shops):
    shop, _ = shops
    truth = json.loads((shop / "_truth.json").read_text(encoding="utf-8"))["merchandise"]
    inv = pq.read_table(shop / "inventory.parquet").to_pandas()
    last = inv[inv.date == inv.date.max()].set_index("item_id").on_hand
    sales = _sales(shop)
    recent = sales[sales.date > inv.date.max() - pd.Timedelta(days=30)]
    per_day = recent.groupby("item_id").quantity.sum() / 30
    for o in truth["overstock"]:
        assert last[o["item_id"]] / per_day.get(o["item_id"], 1e-9) > 90


def test_inventory_schema_is_the_contracts():
    from shoplab.contract import TABLES

    assert INVENTORY_SCHEMA.names == [c.name for c in TABLES["inventory"].columns]
    assert pa.types.is_date32(INVENTORY_SCHEMA.field("date").type)
