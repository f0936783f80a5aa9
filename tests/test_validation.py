"""One test per validation check, asserting the message names table, column, row count and an example."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_tables

import shoplab


def orders(**over):
    df = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "user_id": [10, 11, 12, 10],
            "ts": ["2024-10-01 10:00:00", "2024-10-02T11:00:00", "2024-10-03", "2024-10-04 09:30:00"],
            "amount": [100.5, 20.0, 30.0, 40.0],
            "status": ["paid", "paid", "refunded", "cancelled"],
        }
    )
    for k, v in over.items():
        df[k] = v
    return df


USERS = pd.DataFrame({"user_id": [10, 11, 12], "city": ["上海", "北京", "杭州"]})


def issues(tmp_path, fmt="csv", **tables):
    shop = shoplab.connect(write_tables(tmp_path / "src", fmt, **tables), now="2026-01-01")
    return shop.validation


def only(report, check):
    found = [i for i in report.issues if i.check == check]
    assert len(found) == 1, report
    return found[0]


def test_clean_data_has_no_issues(tmp_path):
    v = issues(tmp_path, orders=orders(), users=USERS)
    assert v.ok and not v.issues, v
    assert v.row_counts == {"users": 3, "orders": 4}


def test_missing_required_column(tmp_path):
    v = issues(tmp_path, orders=orders().drop(columns="amount"))
    i = only(v, "missing_column")
    assert i.level == "error" and i.table == "orders" and i.column == "amount"
    assert "required column 'amount' is missing" in str(i)
    assert "order_id, user_id, ts, status" in str(i)


def test_unreadable_timestamp(tmp_path):
    v = issues(tmp_path, orders=orders(ts=["2024-10-01", "yesterday", "2024-10-03", "2024-13-45"]))
    i = only(v, "unreadable")
    assert (i.level, i.table, i.column, i.n_rows) == ("error", "orders", "ts", 2)
    assert str(i).startswith("orders.ts: 2 of 4 rows cannot be read as a timestamp")
    assert "example row: order_id=2, ts='yesterday'" in str(i)


def test_unreadable_number(tmp_path):
    v = issues(tmp_path, orders=orders(amount=["1", "2", "abc", "4"]))
    i = only(v, "unreadable")
    assert (i.table, i.column, i.n_rows) == ("orders", "amount", 1)
    assert "cannot be read as a number" in str(i) and "amount='abc'" in str(i)


def test_null_in_required_column(tmp_path):
    v = issues(tmp_path, orders=orders(user_id=[10, None, None, 12]))
    i = only(v, "null")
    assert (i.level, i.column, i.n_rows) == ("error", "user_id", 2)
    assert "2 of 4 rows are empty (null) in a required column" in str(i)
    assert "example row: order_id=2" in str(i)


def test_duplicate_order_id(tmp_path):
    v = issues(tmp_path, orders=orders(order_id=[1, 2, 2, 2]))
    i = only(v, "duplicate")
    assert (i.level, i.table, i.n_rows) == ("error", "orders", 3)
    assert "order_id=2 appears 3 times" in str(i)


def test_negative_amount(tmp_path):
    v = issues(tmp_path, orders=orders(amount=[1.0, -5.0, 3.0, 4.0]))
    i = only(v, "negative")
    assert (i.level, i.column, i.n_rows) == ("error", "amount", 1)
    assert "1 of 4 rows are negative; example row: order_id=2, amount=-5.0" in str(i)


def test_future_timestamp(tmp_path):
    v = issues(tmp_path, orders=orders(ts=["2024-10-01", "2030-01-01", "2024-10-03", "2024-10-04"]))
    i = only(v, "future")
    assert (i.level, i.column, i.n_rows) == ("error", "ts", 1)
    assert "are in the future (after 2026-01-01 00:00)" in str(i)


def test_campaign_ending_before_start(tmp_path):
    camps = pd.DataFrame(
        {
            "campaign_id": ["A", "B"],
            "start_ts": ["2024-06-01", "2024-06-10"],
            "end_ts": ["2024-06-18", "2024-06-01"],
        }
    )
    i = only(issues(tmp_path, campaigns=camps), "end_before_start")
    assert i.level == "error" and "campaign_id='B'" in str(i)


def test_unknown_user_is_a_warning(tmp_path):
    v = issues(tmp_path, orders=orders(user_id=[10, 11, 99, 98]), users=USERS)
    i = only(v, "unknown_reference")
    assert (i.level, i.table, i.column, i.n_rows) == ("warning", "orders", "user_id", 2)
    assert "refer to a user_id that is not in users" in str(i)
    assert v.ok  # warnings only


def test_unknown_status_and_group_are_warnings(tmp_path):
    assign = pd.DataFrame(
        {
            "campaign_id": ["A", "A", "A"],
            "user_id": [10, 11, 12],
            "group": ["treatment", "control", "holdout"],
        }
    )
    v = issues(tmp_path, orders=orders(status=["paid", "shipped", "paid", None]), campaign_assignments=assign)
    st = [i for i in v.warnings if i.column == "status"]
    gr = [i for i in v.warnings if i.column == "group"]
    assert len(st) == 1 and st[0].n_rows == 1 and "status='shipped'" in str(st[0])
    assert len(gr) == 1 and "group='holdout'" in str(gr[0])
    assert v.ok


def test_missing_status_defaults_to_paid(tmp_path):
    shop = shoplab.connect(
        write_tables(tmp_path / "s", orders=orders(status=["paid", None, None, "refunded"]))
    )
    assert shop.orders.status.execute().tolist() == ["paid", "paid", "paid", "refunded"]
    shop2 = shoplab.connect(write_tables(tmp_path / "s2", orders=orders().drop(columns="status")))
    assert set(shop2.orders.status.execute()) == {"paid"}


def test_require_raises_with_the_errors(tmp_path):
    shop = shoplab.connect(write_tables(tmp_path / "s", orders=orders(amount=[1.0, -5.0, 3.0, 4.0])))
    with pytest.raises(shoplab.DataContractError, match="orders.amount: 1 of 4 rows are negative"):
        shop.require("orders")
    with pytest.raises(shoplab.MissingTableError, match="lacks; tables present: orders"):
        shop.require("events")


def test_validate_cli_exit_code_and_no_traceback(tmp_path):
    src = write_tables(tmp_path / "s", orders=orders(amount=[1.0, -5.0, 3.0, 4.0]))
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(src)], capture_output=True, text=True
    )
    assert p.returncode == 1
    assert "orders.amount: 1 of 4 rows are negative" in p.stdout
    assert "Traceback" not in p.stdout + p.stderr
    ok = write_tables(tmp_path / "ok", orders=orders())
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(ok)], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "All tables pass" in p.stdout
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "does not exist" in p.stderr and "Traceback" not in p.stderr


def test_helpers_refuse_frames_with_empty_required_values():
    """A pandas frame handed to a helper directly gets the validator's rule for required columns."""
    from shoplab import membership
    from shoplab.campaigns import did
    from shoplab.errors import DataContractError

    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "user_id": [1, 2, 2],
            "ts": pd.to_datetime(["2026-10-01", None, "2026-10-03"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    with pytest.raises(
        DataContractError, match=r"orders: column 'ts' is empty \(null\) in 1 of 3 rows, e\.g\. row 1"
    ):
        membership.cohort_retention(orders, start="2026-10-01", end="2026-11-01")
    with pytest.raises(DataContractError, match=r"orders: column 'ts' is empty \(null\) in 1 of 3 rows"):
        did.did_frame(orders, start_ts="2026-10-01", end_ts="2026-10-02")
    # an optional column may be empty: campaign_id is not required in orders
    ok = orders.dropna(subset=["ts"]).assign(campaign_id=[None, "c1"])
    assert len(did.did_frame(ok, start_ts="2026-10-02", end_ts="2026-10-03")) == 1  # user 1 was active before
