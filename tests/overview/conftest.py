"""The overview tests' tiny shop: three users, six orders, six events, hand-checkable."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import write_tables

import shoplab


@pytest.fixture
def tiny(tmp_path):
    users = pd.DataFrame(
        {"user_id": [1, 2, 3], "signup_ts": pd.to_datetime(["2024-10-03", "2024-09-10", "2024-10-20"])}
    )
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6],
            "user_id": [1, 1, 2, 3, 2, 2],
            "ts": pd.to_datetime(
                [
                    "2024-10-03 10:00",
                    "2024-10-04 00:00",
                    "2024-10-10 00:00",
                    "2024-10-21 00:00",
                    "2024-10-31 23:00",
                    "2024-09-01 00:30",
                ]
            ),
            "amount": [100.0, 50.0, 30.0, 70.0, 20.0, 40.0],
            "status": ["paid", "paid", "refunded", "cancelled", "paid", "paid"],
        }
    )
    events = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2, 3, 4],
            "ts": pd.to_datetime(
                [
                    "2024-10-01 09:00",
                    "2024-10-01 10:00",
                    "2024-10-02 00:00",
                    "2024-10-01 00:00",
                    "2024-10-05 00:00",
                    "2024-10-06 00:00",
                ]
            ),
            "event": ["home"] * 6,
        }
    )
    return shoplab.connect(write_tables(tmp_path / "s", "parquet", users=users, orders=orders, events=events))
