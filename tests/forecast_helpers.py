"""Synthetic daily shops for the forecast, backtest and early-warning tests: known daily rates, optional step."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import write_tables

import shoplab

WEEKLY = np.array([0.95, 0.93, 0.95, 0.97, 1.02, 1.12, 1.10])  # Monday .. Sunday


def synthetic_shop(
    folder, *, start="2025-01-01", days=400, orders_per_day=80.0, step_day=None, step=1.0, seed=0
) -> shoplab.Shop:
    """Orders (and events: 10 visitors per buyer) with Poisson counts per day at ``orders_per_day`` times the
    weekday factor; from ``step_day`` (a date) on, the orders' rate is multiplied by ``step``. Each order is
    one new user's, amount lognormal around 100."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    rate = orders_per_day * WEEKLY[dates.day_of_week]
    if step_day is not None:
        rate = np.where(dates >= pd.Timestamp(step_day), rate * step, rate)
    n = rng.poisson(rate)
    day = np.repeat(dates.to_numpy(), n)
    k = len(day)
    ts = pd.to_datetime(day) + pd.to_timedelta(rng.uniform(0, 86_000, k), unit="s")
    orders = pd.DataFrame(
        {
            "order_id": np.arange(k),
            "user_id": np.arange(k),
            "ts": ts,
            "amount": np.round(rng.lognormal(np.log(100), 0.3, k), 2),
            "status": "paid",
        }
    )
    visitors = rng.poisson(10 * orders_per_day * WEEKLY[dates.day_of_week])
    vday = np.repeat(dates.to_numpy(), visitors)
    # buyers visit on the day they buy; the other visitors are new ids
    ev_users = np.concatenate([orders.user_id.to_numpy(), k + np.arange(len(vday))])
    ev_ts = np.concatenate([ts.to_numpy(), (pd.to_datetime(vday) + pd.Timedelta(hours=12)).to_numpy()])
    events = pd.DataFrame({"user_id": ev_users, "ts": ev_ts, "event": "home"})
    return shoplab.connect(write_tables(folder, "parquet", orders=orders, events=events))
