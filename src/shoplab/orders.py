"""Which orders count, and for how much: the one place that decides it (next to the contract's status list).

Every analysis picks its orders with these helpers; no module compares ``status`` itself.

* **Status**: ``orders.status`` is one of :data:`~shoplab.contract.ORDER_STATUSES`; a missing status (no column,
  or an empty value) means ``paid``. Unknown statuses count nowhere (validation warns about them).
* **Gross orders** (成交订单; GMV): paid and refunded orders, each at its ``amount``. A refunded order was sold
  and counts in GMV, orders and buyers; cancelled orders do not.
* **Net money** (净额): ``amount - refund_amount`` for a paid order, 0 for a refunded one (refunded in full),
  nothing for any other order. ``orders.refund_amount`` is optional (missing or empty means no refund); a
  refund above the amount counts as a refund of the whole amount.
* **Paid orders**: status ``paid``. Campaign outcomes (conversion, revenue) count paid orders at their amount.
* **Purchases** (for CLV): paid orders that were not refunded in full (a ``refund_amount`` of the whole
  ``amount`` is a full refund), valued at their net money. A refunded order is not a purchase: it adds neither
  to how often a customer buys nor to what they spend; a partial refund lowers the order's value.
* **Refunds arrive late**: the contract has no refund time, only an order's final status, so a refund seen in
  the data may have happened long after the order. Analyses that need the status as known at a moment assume
  that refunds are settled within :data:`REFUND_SETTLE_DAYS` of the order.

The helpers take an Ibis table of orders (``amount`` needed for the money helpers) and return Ibis expressions
or filtered tables, so they run in the engine.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .contract import GROSS_STATUSES

__all__ = [
    "REFUND_SETTLE_DAYS",
    "GROSS_STATUSES",
    "status",
    "is_gross",
    "is_paid",
    "is_refunded",
    "is_purchase",
    "refund_amount",
    "net_amount",
    "gross_orders",
    "paid_orders",
    "purchases",
]

#: Days after an order within which its refund, if any, is assumed to have happened (status is final then).
REFUND_SETTLE_DAYS = 30


def status(orders: ir.Table) -> ir.StringValue:
    """Each order's status, with a missing status (no column, or an empty value) read as ``paid``."""
    if "status" in orders.columns:
        return orders.status.fill_null("paid")
    return ibis.literal("paid")


def is_gross(orders: ir.Table) -> ir.BooleanValue:
    """Whether an order counts in GMV: paid or refunded (cancelled and unknown statuses do not)."""
    return status(orders).isin(GROSS_STATUSES)


def is_paid(orders: ir.Table) -> ir.BooleanValue:
    """Whether an order is paid (and not refunded in full by its status)."""
    return status(orders) == "paid"


def is_refunded(orders: ir.Table) -> ir.BooleanValue:
    """Whether an order's status is ``refunded``."""
    return status(orders) == "refunded"


def refund_amount(orders: ir.Table, *, amount_col: str = "amount") -> ir.FloatingValue:
    """The money refunded on an order, between 0 and its amount: all of it for a refunded order,
    ``refund_amount`` (missing = 0, capped at the amount) for any other."""
    amount = orders[amount_col].cast("float64")
    if "refund_amount" in orders.columns:
        partial = ibis.least(orders.refund_amount.cast("float64").fill_null(0.0), amount)
    else:
        partial = ibis.literal(0.0)
    return ibis.ifelse(is_refunded(orders), amount, partial)


def net_amount(orders: ir.Table, *, amount_col: str = "amount") -> ir.FloatingValue:
    """Net money of an order: ``amount - refund_amount`` when paid, 0 when refunded, NULL for other statuses."""
    net = orders[amount_col].cast("float64") - refund_amount(orders, amount_col=amount_col)
    return ibis.ifelse(is_gross(orders), net, ibis.null("float64"))


def is_purchase(orders: ir.Table, *, amount_col: str = "amount") -> ir.BooleanValue:
    """Whether an order is a purchase for CLV: paid and not refunded in full."""
    if "refund_amount" not in orders.columns:
        return is_paid(orders)
    r = orders.refund_amount.cast("float64").fill_null(0.0)
    full = (r > 0) & (r >= orders[amount_col].cast("float64"))
    return is_paid(orders) & ~full


def gross_orders(orders: ir.Table) -> ir.Table:
    """The orders that count in GMV (paid and refunded)."""
    return orders.filter(is_gross(orders)) if "status" in orders.columns else orders


def paid_orders(orders: ir.Table) -> ir.Table:
    """Paid orders only (campaign outcomes; profiling's frequency)."""
    return orders.filter(is_paid(orders)) if "status" in orders.columns else orders


def purchases(orders: ir.Table, *, amount_col: str = "amount", value_col: str = "net_amount") -> ir.Table:
    """Purchases for CLV (paid, not refunded in full) with their net money in column ``value_col``."""
    t = orders.mutate(**{value_col: net_amount(orders, amount_col=amount_col)})
    return t.filter(is_purchase(t, amount_col=amount_col))
