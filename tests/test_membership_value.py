"""What a customer is worth and what is at risk: refunds in CLV, refunds known at the churn cutoff, the
Gamma-Gamma independence check and its frequency-group value model, and value at risk without double counting.

Oracles: hand-worked tables, numerical integration over the BG/NBD posterior, and simulations with a known
spend per purchase.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shoplab import membership as ms

TS = pd.to_datetime


# -- refunds in CLV ---------------------------------------------------------------------------------------------


def test_refunded_orders_are_not_purchases_and_partial_refunds_lower_value():
    o = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1, 1, 2, 2, 2],
            "ts": TS(
                [
                    "2024-01-01",  # first purchase
                    "2024-01-05",  # refunded: neither a repeat nor value
                    "2024-01-08",  # paid, 20 of 60 back: worth 40
                    "2024-01-10",  # paid with all of it back: not a purchase
                    "2024-01-12",  # cancelled
                    "2024-01-02",  # user 2: first purchase refunded, so the first purchase is the 2nd order
                    "2024-01-04",
                    "2024-01-09",
                ]
            ),
            "amount": [10.0, 500.0, 60.0, 30.0, 70.0, 99.0, 15.0, 25.0],
            "status": ["paid", "refunded", "paid", "paid", "cancelled", "refunded", "paid", None],
            "refund_amount": [None, None, 20.0, 30.0, None, None, 0.0, 5.0],
        }
    )
    s = ms.clv_summary(o, calibration_end="2024-01-15", time_unit="D")
    assert s.loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 7.0, 14.0, 40.0]
    assert s.loc[2, ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 5.0, 11.0, 20.0]
    # without refund_amount, only status counts: a paid order keeps its whole amount
    s2 = ms.clv_summary(o.drop(columns="refund_amount"), calibration_end="2024-01-15", time_unit="D")
    assert s2.loc[1, ["frequency", "monetary_value"]].tolist() == [2.0, 45.0]


# -- refunds as known at the churn cutoff -------------------------------------------------------------------------


def _churn_orders(young_status: str) -> pd.DataFrame:
    cut = pd.Timestamp("2024-06-01")
    days = [60, 10, 40, 5, 3, 100]
    return pd.DataFrame(
        {
            "order_id": range(1, 7),
            "user_id": [1, 1, 2, 2, 3, 3],
            "ts": [cut - pd.Timedelta(days=d) for d in days],
            "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            # orders 2, 4, 5 are younger than 30 days at the cutoff: their final status may come from later
            "status": ["paid", young_status, "refunded", young_status, young_status, "paid"],
            "coupon_id": ["c1", None, None, "c2", None, None],
        }
    )


def test_churn_refund_share_uses_only_settled_orders():
    f = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01")
    assert (
        f.loc[1, "refund_share"] == 0.0
    )  # the 60-day-old order was kept; the 10-day-old refund is not known
    assert f.loc[2, "refund_share"] == 1.0  # the 40-day-old order is settled and refunded
    assert f.loc[3, "refund_share"] == 0.0  # the 100-day-old order is settled and paid
    assert f.loc[1, "orders_lookback"] == 2 and f.loc[3, "orders_lookback"] == 2  # sold orders all count
    assert f.loc[1, "gmv_lookback"] == 30.0


def test_churn_features_do_not_depend_on_refunds_that_may_come_after_the_cutoff():
    a = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01")
    b = ms.churn_features({"orders": _churn_orders("paid")}, cutoff="2024-06-01")
    pd.testing.assert_frame_equal(a, b)
    # a user whose only orders are young has no settled order: unknown, not 0
    o = _churn_orders("refunded")
    f = ms.churn_features({"orders": o[o.order_id == 5]}, cutoff="2024-06-01")
    assert np.isnan(f.loc[3, "refund_share"])
    # a settling time of 0 days trusts every status (the old behaviour, for data whose status is as of then)
    g = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01", refund_settle_days=0)
    assert g.loc[1, "refund_share"] == 0.5 and g.loc[2, "refund_share"] == 1.0
