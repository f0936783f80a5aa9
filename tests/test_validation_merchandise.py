"""Validation of the merchandise columns of ``items`` and of the ``inventory`` table (issue 20)."""

from __future__ import annotations

import pandas as pd
from conftest import write_tables

import shoplab

ITEMS = pd.DataFrame(
    {
        "item_id": [1, 2, 3],
        "category": ["美妆", "服饰", "美妆"],
        "price": [10.0, 20.0, 30.0],
        "cost": [5.0, 8.0, 12.0],
        "name": ["面霜", "T恤", "口红"],
        "brand": ["A", "B", "A"],
        "launch_ts": ["2025-01-01", "2025-06-01 10:00:00", "2025-09-01"],
        "role": ["core", "test", "clearance"],
        "status": ["on_sale", "on_sale", "retired"],
    }
)
INVENTORY = pd.DataFrame(
    {
        "date": ["2025-10-01", "2025-10-01", "2025-10-02", "2025-10-02"],
        "item_id": [1, 2, 1, 2],
        "on_hand": [5, 0, 4, 10],
        "on_order": [0, 20, 0, 10],
        "unit_cost": [5.0, 8.0, 5.0, 8.0],
    }
)


def validate(tmp_path, **tables):
    return shoplab.connect(write_tables(tmp_path / "src", "csv", **tables), now="2026-01-01").validation


def found(report, check, table, column):
    hits = [i for i in report.issues if i.check == check and i.table == table and i.column == column]
    assert len(hits) == 1, report
    return hits[0]


def test_clean_items_and_inventory_have_no_issues(tmp_path):
    v = validate(tmp_path, items=ITEMS, inventory=INVENTORY)
    assert v.ok and not v.issues, v
    assert v.row_counts == {"items": 3, "inventory": 4}


def test_inventory_is_optional_and_its_optional_columns_too(tmp_path):
    v = validate(tmp_path, items=ITEMS, inventory=INVENTORY[["date", "item_id", "on_hand"]])
    assert v.ok and not v.issues, v


def test_negative_stock_is_an_error_naming_table_column_count_and_example(tmp_path):
    inv = INVENTORY.assign(on_hand=[5, -1, 4, -3])
    i = found(validate(tmp_path, items=ITEMS, inventory=inv), "negative", "inventory", "on_hand")
    assert i.level == "error" and i.n_rows == 2
    assert "inventory" in str(i) and "on_hand" in str(i) and "2 of 4" in str(i) and "-1" in str(i)


def test_negative_on_order_and_unit_cost_are_errors(tmp_path):
    inv = INVENTORY.assign(on_order=[0, -5, 0, 0], unit_cost=[5.0, 8.0, -1.0, 8.0])
    v = validate(tmp_path, items=ITEMS, inventory=inv)
    assert found(v, "negative", "inventory", "on_order").n_rows == 1
    assert found(v, "negative", "inventory", "unit_cost").n_rows == 1


def test_inventory_needs_date_item_and_stock(tmp_path):
    v = validate(tmp_path, items=ITEMS, inventory=INVENTORY.drop(columns="on_hand"))
    i = found(v, "missing_column", "inventory", "on_hand")
    assert i.level == "error" and "on_hand" in str(i)


def test_a_snapshot_twice_is_a_duplicate(tmp_path):
    inv = pd.concat([INVENTORY, INVENTORY.iloc[[0]]])
    i = found(validate(tmp_path, items=ITEMS, inventory=inv), "duplicate", "inventory", "date,item_id")
    assert i.level == "error" and "item_id=1" in str(i)


def test_unreadable_snapshot_date(tmp_path):
    inv = INVENTORY.assign(date=["2025-10-01", "someday", "2025-10-02", "2025-10-02"])
    i = found(validate(tmp_path, items=ITEMS, inventory=inv), "unreadable", "inventory", "date")
    assert i.n_rows == 1 and "someday" in str(i)


def test_stock_of_an_unknown_item_is_a_warning(tmp_path):
    inv = INVENTORY.assign(item_id=[1, 2, 1, 99])
    v = validate(tmp_path, items=ITEMS, inventory=inv)
    hits = [i for i in v.issues if i.table == "inventory" and i.column == "item_id"]
    assert len(hits) == 1 and hits[0].level == "warning" and hits[0].n_rows == 1 and "99" in str(hits[0])


def test_unknown_role_and_status_are_warnings_and_a_majority_is_an_error(tmp_path):
    v = validate(
        tmp_path, items=ITEMS.assign(role=["core", "hero", "test"], status=["on_sale", "gone", "gone"])
    )
    role = found(v, "unknown_value", "items", "role")
    assert role.level == "warning" and role.n_rows == 1 and "hero" in str(role)
    status = found(v, "unknown_value", "items", "status")
    assert status.level == "error" and status.n_rows == 2 and "gone" in str(status)


def test_unreadable_launch_time(tmp_path):
    v = validate(tmp_path, items=ITEMS.assign(launch_ts=["2025-01-01", "soon", "2025-09-01"]))
    assert found(v, "unreadable", "items", "launch_ts").n_rows == 1
