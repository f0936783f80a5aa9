"""The shoplab data contract: which tables exist, their columns and the types those columns must read as.

This module is the single source of truth for ``docs/data-contract.md``; the validator, the loaders and the
sample-shop generator all read it.

Column kinds
------------
``id``
    integer or string identifier (``user_id``, ``order_id``, ...). Both are accepted; a table keeps its own.
``timestamp``
    a point in time; CSV files carry ISO-8601 text (``2024-10-01 12:30:00`` or ``2024-10-01T12:30:00``).
``date``
    a calendar day (ISO ``YYYY-MM-DD``); a timestamp is accepted and truncated to its day.
``number``
    a real number (money, scores).
``integer``
    a whole number (quantities, points).
``string``
    free text or a label.
``boolean``
    true or false (``true``/``false``, ``1``/``0`` in CSV files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Column",
    "TableSpec",
    "TABLES",
    "ORDER_STATUSES",
    "GROSS_STATUSES",
    "ASSIGNMENT_GROUPS",
    "POINT_KINDS",
    "FEEDBACK_KINDS",
    "TARGET_METRICS",
    "TARGET_PERIOD_PATTERN",
    "FEEDBACK_ASPECTS",
    "RETURN_TYPES",
    "RETURN_STATUSES",
    "ITEM_ROLES",
    "ITEM_STATUSES",
]

ORDER_STATUSES = ("paid", "cancelled", "refunded")
#: Statuses of the orders that count in GMV (sold orders); ``shoplab.orders`` holds every "which orders count" rule.
GROSS_STATUSES = ("paid", "refunded")
ASSIGNMENT_GROUPS = ("treatment", "control")
POINT_KINDS = ("earn", "redeem", "expire")
FEEDBACK_KINDS = ("nps", "csat", "review")
#: the overview metrics a ``targets`` row may set (``shoplab.overview.targets``)
TARGET_METRICS = (
    "gmv",
    "net_sales",
    "orders",
    "buyers",
    "aov",
    "new_users",
    "active_users",
    "conversion",
    "repurchase_rate",
    "refund_rate",
)
#: the form of ``targets.period``: a month YYYY-MM, a quarter YYYY-Qn or a year YYYY
TARGET_PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
#: Taobao's three DSR (detailed seller rating) aspects of a review: 描述相符, 服务态度, 物流服务.
FEEDBACK_ASPECTS = ("description", "service", "logistics")
RETURN_TYPES = ("refund_only", "return_refund", "exchange")
RETURN_STATUSES = ("approved", "rejected", "pending")
#: The shop's planned role of an item (the "4321" structure: 爆款, 潜力款, 测试款, 清仓款).
ITEM_ROLES = ("core", "potential", "test", "clearance")
ITEM_STATUSES = ("on_sale", "retired")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id | timestamp | date | number | integer | string | boolean
    required: bool = True
    doc: str = ""
    allowed: tuple[str, ...] | None = None  # unknown values: warnings; in over half the rows, an error
    non_negative: bool = False  # negative values are errors


@dataclass(frozen=True)
class TableSpec:
    name: str
    doc: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()  # columns whose duplicates are errors
    references: dict[str, str] = field(default_factory=dict)  # column -> "table.column"; misses are warnings

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


def _c(name, kind, required=True, doc="", **kw):
    return Column(name, kind, required, doc, **kw)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "users",
            "One row per user (customer or visitor) known to the shop.",
            (
                _c("user_id", "id", doc="user identifier, integer or string"),
                _c("signup_ts", "timestamp", False, "registration time"),
                _c("gender", "string", False, "e.g. F, M, unknown"),
                _c("birth_year", "integer", False, "year of birth"),
                _c("city", "string", False, "city name, e.g. 上海"),
                _c("city_tier", "string", False, "city tier, e.g. 一线, 新一线, 二线 ..."),
                _c("channel", "string", False, "acquisition channel"),
                _c("platform", "string", False, "platform of signup: app, mini_program, web ..."),
            ),
            unique=("user_id",),
        ),
        TableSpec(
            "events",
            "Behavioural log: one row per event (page view, click, add to cart, pay ...).",
            (
                _c("user_id", "id"),
                _c("ts", "timestamp", doc="event time"),
                _c(
                    "event",
                    "string",
                    doc="event name: home, search, product_view, add_to_cart, checkout, pay ...",
                ),
                _c(
                    "session_id",
                    "id",
                    False,
                    "session identifier; sessions are cut at an inactivity gap if absent",
                ),
                _c("item_id", "id", False, "item the event concerns"),
                _c("page", "string", False, "page name"),
                _c("channel", "string", False, "traffic channel of the session"),
                _c("platform", "string", False, "app, mini_program, web ..."),
                _c(
                    "campaign_id",
                    "id",
                    False,
                    "campaign a campaign_page view belongs to; empty or absent: every campaign running then",
                ),
            ),
            references={"user_id": "users.user_id", "campaign_id": "campaigns.campaign_id"},
        ),
        TableSpec(
            "orders",
            "One row per order.",
            (
                _c("order_id", "id"),
                _c("user_id", "id"),
                _c("ts", "timestamp", doc="order time"),
                _c("amount", "number", doc="paid amount in the shop currency", non_negative=True),
                _c("discount", "number", False, "discount granted, in the shop currency", non_negative=True),
                _c(
                    "status",
                    "string",
                    False,
                    "paid, cancelled or refunded; missing means paid",
                    allowed=ORDER_STATUSES,
                ),
                _c(
                    "refund_amount",
                    "number",
                    False,
                    "money refunded on a paid order (a partial refund), in the shop currency; missing means "
                    "none; a refunded order is refunded in full",
                    non_negative=True,
                ),
                _c("channel", "string", False, "channel the order is attributed to"),
                _c("campaign_id", "id", False, "campaign the order belongs to"),
                _c("coupon_id", "id", False, "coupon used"),
            ),
            unique=("order_id",),
            references={"user_id": "users.user_id", "campaign_id": "campaigns.campaign_id"},
        ),
        TableSpec(
            "order_items",
            "Order lines.",
            (
                _c("order_id", "id"),
                _c("item_id", "id"),
                _c("quantity", "integer", non_negative=True),
                _c("price", "number", doc="unit price paid", non_negative=True),
                _c("category", "string", False, "item category, e.g. 美妆"),
            ),
            references={"order_id": "orders.order_id", "item_id": "items.item_id"},
        ),
        TableSpec(
            "items",
            "Catalogue.",
            (
                _c("item_id", "id"),
                _c("category", "string", False, "category, e.g. 美妆, 服饰"),
                _c("price", "number", False, "list price", non_negative=True),
                _c("cost", "number", False, "unit cost, for margins", non_negative=True),
                _c("name", "string", False, "product name"),
                _c("brand", "string", False, "brand"),
                _c("launch_ts", "timestamp", False, "time the item went on sale"),
                _c("role", "string", False, "the shop's planned role (4321 structure)", allowed=ITEM_ROLES),
                _c(
                    "status",
                    "string",
                    False,
                    "on_sale or retired; missing means on_sale",
                    allowed=ITEM_STATUSES,
                ),
            ),
            unique=("item_id",),
        ),
        TableSpec(
            "inventory",
            "Stock snapshots per item, daily or weekly.",
            (
                _c("date", "date", doc="snapshot day"),
                _c("item_id", "id"),
                _c("on_hand", "integer", doc="units in stock", non_negative=True),
                _c(
                    "on_order",
                    "integer",
                    False,
                    "units ordered from suppliers, not yet received",
                    non_negative=True,
                ),
                _c("unit_cost", "number", False, "unit cost; missing means items.cost", non_negative=True),
            ),
            unique=("date", "item_id"),
            references={"item_id": "items.item_id"},
        ),
        TableSpec(
            "members",
            "Current members of the loyalty programme.",
            (
                _c("user_id", "id"),
                _c("tier", "string", doc="current tier, e.g. 普通会员, 银卡会员"),
                _c("joined_ts", "timestamp", doc="time the user joined the programme"),
            ),
            unique=("user_id",),
            references={"user_id": "users.user_id"},
        ),
        TableSpec(
            "tier_history",
            "Tier changes: one row each time a member enters a tier (the first row is the joining tier).",
            (_c("user_id", "id"), _c("ts", "timestamp"), _c("tier", "string")),
            references={"user_id": "members.user_id"},
        ),
        TableSpec(
            "points",
            "Points ledger; points are signed (earn positive, redeem and expire negative).",
            (
                _c("user_id", "id"),
                _c("ts", "timestamp"),
                _c("points", "integer", doc="signed number of points"),
                _c("kind", "string", False, "earn, redeem or expire", allowed=POINT_KINDS),
            ),
            references={"user_id": "members.user_id"},
        ),
        TableSpec(
            "campaigns",
            "Campaigns (满减, 折扣, 秒杀, 拼团, 优惠券 ...).",
            (
                _c("campaign_id", "id"),
                _c("start_ts", "timestamp"),
                _c("end_ts", "timestamp"),
                _c("name", "string", False),
                _c("type", "string", False, "满减, 折扣, 秒杀, 拼团, 优惠券 ..."),
                _c(
                    "cost",
                    "number",
                    False,
                    "cost of running the campaign (media, creative, messages, prizes) in the shop currency, "
                    "excluding price discounts, which orders.amount already nets out",
                    non_negative=True,
                ),
                _c("channel", "string", False),
                _c(
                    "treatment_share",
                    "number",
                    False,
                    "planned share of assigned users in treatment (default 0.5)",
                ),
            ),
            unique=("campaign_id",),
        ),
        TableSpec(
            "campaign_assignments",
            "Randomised assignment of users to a campaign's treatment or control group.",
            (
                _c("campaign_id", "id"),
                _c("user_id", "id"),
                _c("group", "string", doc="treatment or control", allowed=ASSIGNMENT_GROUPS),
                _c("assigned_ts", "timestamp", False),
            ),
            unique=("campaign_id", "user_id"),
            references={"campaign_id": "campaigns.campaign_id", "user_id": "users.user_id"},
        ),
        TableSpec(
            "marketing_spend",
            "Marketing spend per day and channel.",
            (
                _c("date", "date"),
                _c("channel", "string"),
                _c("spend", "number", non_negative=True),
                _c("impressions", "integer", False, non_negative=True),
                _c("clicks", "integer", False, non_negative=True),
            ),
        ),
        TableSpec(
            "feedback",
            "Survey answers and reviews: NPS (0-10), CSAT (1-5), review ratings (1-5).",
            (
                _c("user_id", "id"),
                _c("ts", "timestamp"),
                _c("kind", "string", doc="nps, csat or review", allowed=FEEDBACK_KINDS),
                _c("score", "number"),
                _c("order_id", "id", False),
                _c("text", "string", False),
                _c(
                    "aspect",
                    "string",
                    False,
                    "review rows only: empty for a review's overall rating; description, service or logistics "
                    "for its DSR scores (描述相符, 服务态度, 物流服务)",
                    allowed=FEEDBACK_ASPECTS,
                ),
            ),
            references={"user_id": "users.user_id"},
        ),
        TableSpec(
            "targets",
            "Plan: one row per period, metric and optional scope (a channel or a category); the overview compares "
            "the actual with it (attainment).",
            (
                _c("period", "string", doc="YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY (a year)"),
                _c("metric", "string", doc="the overview metric the target is for", allowed=TARGET_METRICS),
                _c(
                    "target",
                    "number",
                    doc="the planned value (money in the shop currency, rates as shares: "
                    "0.05 for 5%); must be greater than 0",
                ),
                _c("channel", "string", False, "scope: the target is for this orders.channel only"),
                _c("category", "string", False, "scope: the target is for this category only"),
            ),
        ),
        TableSpec(
            "service_sessions",
            "Customer-service conversations (旺旺, online chat, phone ...): one row per session.",
            (
                _c("session_id", "id"),
                _c("user_id", "id"),
                _c("start_ts", "timestamp", doc="the customer's first message"),
                _c("first_response_ts", "timestamp", False, "first reply (bot or agent); empty: none"),
                _c("end_ts", "timestamp", False, "end of the session"),
                _c("order_id", "id", False, "order the session concerns"),
                _c("agent_id", "id", False, "human agent who handled it (after a bot handover too)"),
                _c("is_bot", "boolean", False, "the session started with the bot (机器人客服)"),
                _c("channel", "string", False, "旺旺, 在线, 电话 ..."),
                _c("resolved", "boolean", False, "the problem was solved"),
                _c("topic", "string", False, "what it was about, e.g. 物流, 尺码, 退换货"),
                _c("score", "number", False, "the customer's rating of the session, 1-5"),
            ),
            unique=("session_id",),
            references={"user_id": "users.user_id", "order_id": "orders.order_id"},
        ),
        TableSpec(
            "shipments",
            "Shipments: one row per shipped order (or parcel).",
            (
                _c("order_id", "id"),
                _c("shipped_ts", "timestamp", doc="handed to the carrier (发货)"),
                _c("delivered_ts", "timestamp", False, "delivered (签收); empty: not yet"),
                _c("carrier", "string", False, "e.g. 顺丰, 中通, 京东物流"),
                _c("province", "string", False, "destination province"),
            ),
            references={"order_id": "orders.order_id"},
        ),
        TableSpec(
            "returns",
            "After-sales requests (售后): refunds, returns and exchanges.",
            (
                _c("return_id", "id"),
                _c("order_id", "id"),
                _c("requested_ts", "timestamp", doc="the customer's request"),
                _c("item_id", "id", False, "item returned"),
                _c("responded_ts", "timestamp", False, "the shop's first response"),
                _c("resolved_ts", "timestamp", False, "closed (refunded, exchanged or rejected)"),
                _c("type", "string", False, "kind of request", allowed=RETURN_TYPES),
                _c("reason", "string", False, "the customer's reason, e.g. 尺码不合适, 质量问题"),
                _c("amount", "number", False, "money refunded, in the shop currency", non_negative=True),
                _c("status", "string", False, "outcome so far", allowed=RETURN_STATUSES),
            ),
            unique=("return_id",),
            references={"order_id": "orders.order_id", "item_id": "items.item_id"},
        ),
    ]
}


def to_markdown() -> str:
    """The contract's tables as Markdown (docs/data-contract.md embeds this; a test keeps them in sync)."""
    lines = []
    for spec in TABLES.values():
        lines.append(f"### `{spec.name}`\n\n{spec.doc}\n")
        lines.append("| column | required | type | meaning |")
        lines.append("|---|---|---|---|")
        for c in spec.columns:
            extra = f" Allowed: {', '.join(c.allowed)}." if c.allowed else ""
            extra += " Must not be negative." if c.non_negative else ""
            lines.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.kind} | {c.doc}{extra} |")
        notes = []
        if spec.unique:
            notes.append(f"Unique key: `{'+'.join(spec.unique)}` (duplicates are errors).")
        for col, ref in spec.references.items():
            notes.append(f"`{col}` should exist in `{ref}` (unknown values are warnings).")
        if notes:
            lines.append("\n" + " ".join(notes))
        lines.append("")
    return "\n".join(lines)
