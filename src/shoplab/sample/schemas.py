"""Arrow schemas of the sample shop's tables, and which tables are written as folders of parts."""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us")


_SCHEMAS = {
    "users": pa.schema(
        [
            ("user_id", pa.int64()),
            ("signup_ts", _TS),
            ("gender", pa.string()),
            ("birth_year", pa.int64()),
            ("city", pa.string()),
            ("city_tier", pa.string()),
            ("channel", pa.string()),
            ("platform", pa.string()),
        ]
    ),
    "events": pa.schema(
        [
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("event", pa.string()),
            ("session_id", pa.int64()),
            ("item_id", pa.int64()),
            ("page", pa.string()),
            ("channel", pa.string()),
            ("platform", pa.string()),
            ("campaign_id", pa.string()),
        ]
    ),
    "orders": pa.schema(
        [
            ("order_id", pa.int64()),
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("amount", pa.float64()),
            ("discount", pa.float64()),
            ("status", pa.string()),
            ("refund_amount", pa.float64()),  # empty: sample refunds are whole orders (status refunded)
            ("channel", pa.string()),
            ("campaign_id", pa.string()),
            ("coupon_id", pa.string()),
        ]
    ),
    "order_items": pa.schema(
        [
            ("order_id", pa.int64()),
            ("item_id", pa.int64()),
            ("quantity", pa.int64()),
            ("price", pa.float64()),
            ("category", pa.string()),
        ]
    ),
    "items": pa.schema(
        [("item_id", pa.int64()), ("category", pa.string()), ("price", pa.float64()), ("cost", pa.float64())]
    ),
    "members": pa.schema([("user_id", pa.int64()), ("tier", pa.string()), ("joined_ts", _TS)]),
    "tier_history": pa.schema([("user_id", pa.int64()), ("ts", _TS), ("tier", pa.string())]),
    "points": pa.schema(
        [("user_id", pa.int64()), ("ts", _TS), ("points", pa.int64()), ("kind", pa.string())]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", pa.string()),
            ("start_ts", _TS),
            ("end_ts", _TS),
            ("name", pa.string()),
            ("type", pa.string()),
            ("cost", pa.float64()),
            ("channel", pa.string()),
            ("treatment_share", pa.float64()),
        ]
    ),
    "campaign_assignments": pa.schema(
        [("campaign_id", pa.string()), ("user_id", pa.int64()), ("group", pa.string()), ("assigned_ts", _TS)]
    ),
    "marketing_spend": pa.schema(
        [
            ("date", pa.date32()),
            ("channel", pa.string()),
            ("spend", pa.float64()),
            ("impressions", pa.int64()),
            ("clicks", pa.int64()),
        ]
    ),
    "feedback": pa.schema(
        [
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("kind", pa.string()),
            ("score", pa.float64()),
            ("order_id", pa.int64()),
            ("text", pa.string()),
        ]
    ),
    "_truth_users": pa.schema(
        [
            ("user_id", pa.int64()),
            ("archetype", pa.string()),
            ("satisfaction", pa.float64()),
            ("visits_per_month", pa.float64()),
            ("churn_ts", _TS),
            ("member", pa.bool_()),
        ]
    ),
}


#: Tables written as folders of parts (one part per chunk of users); the others are single files.
PART_TABLES = ("events", "orders", "order_items", "points", "feedback")


_STREAMED_FILES = ("users", "members", "tier_history", "campaign_assignments", "_truth_users")
