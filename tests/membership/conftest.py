"""Fixtures of the membership tests: a tiny hand-worked shop."""

from __future__ import annotations

import pandas as pd
import pytest

TS = pd.to_datetime


@pytest.fixture
def tiny():
    members = pd.DataFrame(
        {
            "user_id": [1, 2, 3],
            "tier": ["银卡会员", "普通会员", "金卡会员"],
            "joined_ts": TS(["2024-01-05", "2024-02-10", "2024-03-20"]),
        }
    )
    tier_history = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 1, 3, 3],
            "ts": TS(["2024-01-05", "2024-02-10", "2024-03-20", "2024-02-15", "2024-03-25", "2024-04-02"]),
            "tier": ["普通会员", "普通会员", "普通会员", "银卡会员", "钻石会员", "金卡会员"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": range(1, 9),
            "user_id": [1, 1, 1, 2, 4, 4, 5, 3],
            "ts": TS(
                [
                    "2024-03-02",
                    "2024-03-10",
                    "2024-03-11",
                    "2024-03-05",
                    "2024-03-01",
                    "2024-03-30",
                    "2024-03-15",
                    "2024-03-21",
                ]
            ),
            "amount": [100.0, 50.0, 30.0, 20.0, 10.0, 40.0, 60.0, 90.0],
            "status": ["paid", "paid", "cancelled", "refunded", "paid", "paid", "paid", "paid"],
        }
    )
    points = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2, 2, 3],
            "ts": TS(["2024-02-01", "2024-03-02", "2024-03-20", "2024-02-11", "2024-03-31", "2024-03-21"]),
            "points": [100, 150, -200, 20, -20, 90],
            "kind": ["earn", "earn", "redeem", "earn", "expire", "earn"],
        }
    )
    return members, tier_history, orders, points
