"""Helpers of the service tests: a shop from in-memory frames, and random small service tables."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

import shoplab

PERIOD = "2024-10"
P_START, P_END = pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-01")


def shop_of(**frames: pd.DataFrame):
    con = ibis.duckdb.connect()
    for name, df in frames.items():
        df = df.astype({c: "string" for c in df.columns if df[c].dtype == object})
        con.create_table(name, df)
    return shoplab.connect(con, validate=False)


def _times(rng, n, lo="2024-04-01", hi="2024-11-05"):
    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    span = (hi - lo).total_seconds()
    # a third of the times sit on a period bound, to test inclusive/exclusive ends
    t = lo + pd.to_timedelta(rng.uniform(0, span, n).round(3), unit="s")
    edge = rng.random(n) < 0.3
    bounds = np.array([P_START, P_END, P_END - pd.Timedelta(microseconds=1)], dtype="datetime64[us]")
    return pd.Series(np.where(edge, bounds[rng.integers(0, 3, n)], t.to_numpy("datetime64[us]")))


def random_tables(seed: int, n: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    no = max(n, 1)
    orders = pd.DataFrame(
        {
            "order_id": np.arange(no, dtype=np.int64),
            "user_id": rng.integers(0, 5, no),
            "ts": _times(rng, no),
            "amount": rng.uniform(1, 100, no).round(2),
            "status": rng.choice(np.array(["paid", "refunded", "cancelled", None], dtype=object), no),
        }
    )
    start = _times(rng, n)
    frt = pd.to_timedelta(rng.exponential(40, n).round(3), unit="s")
    sessions = pd.DataFrame(
        {
            "session_id": np.arange(n, dtype=np.int64),
            "user_id": rng.integers(0, 5, n),
            "start_ts": start,
            "first_response_ts": (start + frt).where(rng.random(n) > 0.2),
            "is_bot": rng.random(n) < 0.4,
            "agent_id": pd.Series(rng.choice(np.array(["a", "b", None], dtype=object), n), dtype=object),
            "resolved": pd.Series(
                rng.choice(np.array([True, False, None], dtype=object), n), dtype="boolean"
            ),
            "score": np.where(rng.random(n) < 0.5, rng.integers(1, 6, n), np.nan),
        }
    )
    shipped = _times(rng, n)
    ship_order = rng.integers(-1, no, n)  # -1: an order that does not exist
    shipments = pd.DataFrame(
        {
            "order_id": ship_order.astype(np.int64),
            "shipped_ts": shipped,
            "delivered_ts": (
                shipped + pd.to_timedelta(rng.uniform(0, 6 * 86400, n).round(3), unit="s")
            ).where(rng.random(n) > 0.2),
            "carrier": rng.choice(["顺丰", "中通"], n),
        }
    )
    # shipped relative to the order: sometimes exactly 48 h after
    exact = (rng.random(n) < 0.3) & (ship_order >= 0)
    ot = orders.set_index("order_id").ts
    shipments.loc[exact, "shipped_ts"] = ot.loc[ship_order[exact]].to_numpy() + np.timedelta64(48, "h")
    returns = pd.DataFrame(
        {
            "return_id": np.arange(n, dtype=np.int64),
            "order_id": rng.integers(0, no, n),
            "requested_ts": _times(rng, n),
        }
    )
    fb_n = 2 * n
    feedback = pd.DataFrame(
        {
            "user_id": rng.integers(0, 5, fb_n),
            "ts": _times(rng, fb_n),
            "kind": rng.choice(["review", "nps", "csat"], fb_n, p=[0.7, 0.15, 0.15]),
            "score": rng.integers(1, 6, fb_n).astype(float),
            "aspect": pd.Series(
                rng.choice(np.array([None, "description", "service", "logistics"], dtype=object), fb_n),
                dtype=object,
            ),
        }
    )
    return dict(
        orders=orders, service_sessions=sessions, shipments=shipments, returns=returns, feedback=feedback
    )


@pytest.fixture(scope="session")
def sample_shop(sample_dir):
    return shoplab.connect(sample_dir)
