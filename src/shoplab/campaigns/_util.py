"""Input checks and small helpers shared by the campaign modules."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..data import as_table, refuse_nulls
from ..errors import DataContractError
from ..orders import paid_orders


def table(data, name: str, columns: list[str]) -> ir.Table:
    """``as_table(data)`` after checking that ``columns`` are present (error names the missing ones) and, for a
    pandas DataFrame, that the contract's required ones among them are not empty."""
    t = as_table(data)
    missing = [c for c in columns if c not in t.columns]
    if missing:
        raise DataContractError(
            f"table '{name}' lacks column(s) {', '.join(missing)}; columns present: {', '.join(t.columns)}"
        )
    refuse_nulls(data, name, columns)
    return t


def paid(orders: ir.Table) -> ir.Table:
    """Paid orders only, at their amount (:func:`shoplab.orders.paid_orders`: campaign outcomes count these)."""
    return paid_orders(orders)


def ts(value) -> ibis.Value:
    return ibis.literal(pd.Timestamp(value).to_pydatetime())
