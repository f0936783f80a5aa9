"""Validation of the service tables (service_sessions, shipments, returns) and feedback.aspect."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import write_tables

import shoplab

ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2],
        "user_id": [10, 11],
        "ts": ["2024-10-01 10:00:00", "2024-10-02"],
        "amount": [10.0, 20.0],
    }
)


def sessions(**over):
    df = pd.DataFrame(
        {
            "session_id": [1, 2, 3],
            "user_id": [10, 11, 10],
            "start_ts": ["2024-10-01 10:00:00", "2024-10-01 11:00:00", "2024-10-02 09:00:00"],
            "first_response_ts": ["2024-10-01 10:00:05", None, "2024-10-02 09:01:00"],
            "is_bot": ["true", "false", "1"],
            "resolved": [True, False, True],
            "score": [5.0, 4.0, None],
        }
    )
    for k, v in over.items():
        df[k] = v
    return df


def check(tmp_path, fmt, **tables):
    shop = shoplab.connect(write_tables(tmp_path / "src", fmt, orders=ORDERS, **tables), now="2026-01-01")
    return shop, shop.validation


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_clean_service_tables_have_no_issues(tmp_path, fmt):
    ships = pd.DataFrame(
        {"order_id": [1, 2], "shipped_ts": ["2024-10-02", "2024-10-03"], "delivered_ts": ["2024-10-04", None]}
    )
    rets = pd.DataFrame(
        {
            "return_id": [1],
            "order_id": [1],
            "requested_ts": ["2024-10-05"],
            "type": ["exchange"],
            "status": ["approved"],
            "amount": [0.0],
        }
    )
    shop, v = check(tmp_path, fmt, service_sessions=sessions(), shipments=ships, returns=rets)
    assert v.ok and not v.issues, v
    s = shop.service_sessions.order_by("session_id").execute()
    assert s.is_bot.tolist() == [True, False, True]


def test_unreadable_boolean_is_an_error(tmp_path):
    _, v = check(tmp_path, "csv", service_sessions=sessions(is_bot=["true", "maybe", "false"]))
    (i,) = [i for i in v.issues if i.check == "unreadable"]
    assert i.table == "service_sessions" and i.column == "is_bot" and i.n_rows == 1
    assert "true or false" in str(i) and "maybe" in str(i)


def test_response_before_start_is_an_error(tmp_path):
    s = sessions(first_response_ts=["2024-10-01 09:59:00", None, "2024-10-02 09:01:00"])
    _, v = check(tmp_path, "csv", service_sessions=s)
    (i,) = [i for i in v.issues if i.check == "before_start"]
    assert i.level == "error" and i.column == "first_response_ts" and i.n_rows == 1
    assert "1 of 3 rows have a first_response_ts before their start_ts" in str(i)


def test_session_score_outside_1_5_is_a_warning(tmp_path):
    _, v = check(tmp_path, "csv", service_sessions=sessions(score=[6.0, 4.0, 0.0]))
    (i,) = [i for i in v.issues if i.check == "session_score_range"]
    assert i.level == "warning" and i.n_rows == 2 and "outside 1-5" in str(i)


def test_delivery_before_shipment_and_unknown_return_values(tmp_path):
    ships = pd.DataFrame({"order_id": [1, 2], "shipped_ts": ["2024-10-02", "2024-10-03"],
                          "delivered_ts": ["2024-10-01", "2024-10-05"]})  # fmt: skip
    rets = pd.DataFrame(
        {
            "return_id": [1, 2, 3],
            "order_id": [1, 2, 9],
            "requested_ts": ["2024-10-05"] * 3,
            "type": ["refund_only", "退货", "exchange"],
            "status": ["approved", "pending", "done"],
            "amount": [5.0, -1.0, 0.0],
        }
    )
    _, v = check(tmp_path, "csv", shipments=ships, returns=rets)
    by = {(i.table, i.column, i.check): i for i in v.issues}
    assert by[("shipments", "delivered_ts", "before_start")].n_rows == 1
    assert by[("returns", "type", "unknown_value")].level == "warning"
    assert "退货" in str(by[("returns", "type", "unknown_value")])
    assert by[("returns", "status", "unknown_value")].n_rows == 1
    assert by[("returns", "amount", "negative")].level == "error"
    assert by[("returns", "order_id", "unknown_reference")].n_rows == 1


def test_unknown_feedback_aspect_is_a_warning(tmp_path):
    fb = pd.DataFrame(
        {
            "user_id": [10, 10, 10],
            "ts": ["2024-10-03"] * 3,
            "kind": ["review"] * 3,
            "score": [5.0, 4.0, 3.0],
            "aspect": [None, "logistics", "快递"],
        }
    )
    _, v = check(tmp_path, "csv", feedback=fb)
    (i,) = [i for i in v.issues if i.check == "unknown_value"]
    assert i.table == "feedback" and i.column == "aspect" and i.n_rows == 1 and "快递" in str(i)
