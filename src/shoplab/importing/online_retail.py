"""``online-retail``: the UCI Online Retail data set (Chen, Sain & Guo 2012, UCI ML Repository id 352:
InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country) and Online Retail II
(id 502: Invoice, Price, Customer ID; the workbook's two yearly sheets are read together).

Rules: one order per invoice with a customer; amount = the sum of Quantity x Price over its lines; ts = the
invoice's earliest InvoiceDate; rows without a customer are dropped (counted). Cancellation invoices (numbers
starting with C) are not orders: each cancelled line becomes a refund on the same customer's latest earlier
(or same-time) invoice that holds the same StockCode, capped at that order's amount; what cannot be matched is
reported in ``_import.json``. An invoice that received a cancellation stays an order and stays in GMV; it is
``refunded`` when its refunds reach its amount, else ``paid`` with ``refund_amount``. users.country from
Country. Customer ids are already anonymous numbers in the data set and are kept (``12346.0`` -> ``12346``).
Prices are in pounds sterling: pass ``--currency GBP``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .common import Context, Converted, Drops, Format, blank_rows, columns_of, latest_known
from .parsing import RawFile, clean_text, parse_id, parse_number, parse_timestamp, read_table

__all__ = ["ONLINE_RETAIL"]

_COLUMNS = (
    ("InvoiceNo", "Invoice"),
    ("StockCode",),
    ("Description",),
    ("Quantity",),
    ("InvoiceDate",),
    ("UnitPrice", "Price"),
    ("CustomerID", "Customer ID"),
    ("Country",),
)
_EXAMPLE = (
    "InvoiceNo",
    "Invoice",
    "StockCode",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "Price",
    "CustomerID",
    "Customer ID",
)
UNMATCHED = (
    "cancellation line with no earlier invoice of the same customer holding the same StockCode",
    "取消行找不到同一客户更早且含相同 StockCode 的发票",
)


def _read(path, ctx: Context, sha: str) -> RawFile:
    return read_table(
        path, all_sheets=True, legacy=ONLINE_RETAIL.legacy_encodings, expect=ONLINE_RETAIL.expected
    )


def _earlier(ctx: Context, customers: set, current: set) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders of earlier imports into the output folder for these customers (not re-exported in this file), and
    which StockCodes each holds: (orders, [user_id, item_id, order_id, ts])."""
    out = Path(ctx.options.get("_out", "")) if ctx.options.get("_out") else None
    empty = pd.DataFrame({"user_id": [], "item_id": [], "order_id": [], "ts": []}).astype(
        {"user_id": "object", "item_id": "object", "order_id": "object", "ts": "datetime64[us]"}
    )
    if out is None or not (out / "orders.parquet").exists() or not (out / "order_items.parquet").exists():
        return pd.DataFrame(columns=["order_id"]), empty
    orders = pd.read_parquet(out / "orders.parquet")
    orders = orders[orders.user_id.astype(str).isin(customers) & ~orders.order_id.astype(str).isin(current)]
    if orders.empty:
        return pd.DataFrame(columns=["order_id"]), empty
    lines = pd.read_parquet(out / "order_items.parquet", columns=["order_id", "item_id"])
    held = lines[lines.order_id.isin(set(orders.order_id))].drop_duplicates()
    held = held.merge(orders[["order_id", "user_id", "ts"]], on="order_id")
    return orders, held.astype({"ts": "datetime64[us]"})[["user_id", "item_id", "order_id", "ts"]]


def _convert(raw: RawFile, ctx: Context) -> Converted:
    f = raw.frame
    col = columns_of(ONLINE_RETAIL, f)
    d = Drops(raw, _EXAMPLE)
    d.drop(("blank row", "空行"), blank_rows(f))
    invoice, _ = parse_id(f[col["InvoiceNo"]])
    d.drop(("no invoice number", "无发票号"), invoice.isna())
    customer, _ = parse_id(f[col["CustomerID"]])
    d.drop(
        (
            "no customer id (a guest sale: not attributable to a buyer)",
            "无客户编号（游客购买，无法归到买家）",
        ),
        customer.isna(),
    )
    stock = clean_text(f[col["StockCode"]])
    d.drop(("no StockCode", "无 StockCode"), stock.isna())
    qty, bad_qty = parse_number(f[col["Quantity"]])
    d.drop(("Quantity is not a whole number", "Quantity 不是整数"), bad_qty | qty.isna() | (qty % 1 != 0))
    price, bad_price = parse_number(f[col["UnitPrice"]])
    d.drop(("price is not a number", "价格不是数字"), bad_price | price.isna())
    ts, bad_ts = parse_timestamp(f[col["InvoiceDate"]], timezone=ctx.timezone)
    d.drop(("InvoiceDate unreadable", "InvoiceDate 无法识别"), bad_ts | ts.isna())
    d.drop(("InvoiceDate in the future", "InvoiceDate 在未来"), ts > ctx.now)
    cancel = invoice.str.upper().str.startswith("C").fillna(False).astype(bool)
    d.drop(("negative price", "价格为负"), price < 0)
    d.drop(("negative Quantity outside a cancellation invoice", "非取消发票上的负数量"), ~cancel & (qty < 0))
    d.drop(("positive Quantity on a cancellation invoice", "取消发票上的正数量"), cancel & (qty > 0))

    k = d.keep
    lines = pd.DataFrame(
        {
            "order_id": invoice,
            "user_id": customer,
            "item_id": stock,
            "quantity": qty,
            "price": price,
            "ts": ts,
            "country": clean_text(f[col["Country"]]),
            "name": clean_text(f[col["Description"]]),
        }
    )
    sales = lines[k & ~cancel].copy()
    sales["value"] = sales.quantity * sales.price
    orders = (
        sales.groupby("order_id", sort=False)
        .agg(
            user_id=("user_id", "first"),
            ts=("ts", "min"),
            amount=("value", "sum"),
            country=("country", "first"),
        )
        .reset_index()
    )
    orders["amount"] = orders.amount.round(2)
    orders["refund_prev"] = 0.0

    # cancellations: each line refunds the same customer's latest earlier invoice holding the same StockCode,
    # in this file or in an earlier import into the same folder
    canc = lines[k & cancel].copy()
    canc["value"] = -canc.quantity * canc.price
    canc["row"] = np.flatnonzero((k & cancel).to_numpy())
    held = sales[["user_id", "item_id", "order_id"]].drop_duplicates()
    held = held.merge(orders[["order_id", "ts"]], on="order_id")
    earlier_orders, earlier_held = _earlier(ctx, set(canc.user_id), set(orders.order_id))
    held = pd.concat([held, earlier_held], ignore_index=True)
    held = held.rename(columns={"order_id": "target", "ts": "order_ts"}).sort_values(["order_ts", "target"])
    text = {"user_id": "str", "item_id": "str"}
    matched = pd.merge_asof(
        canc.astype(text).sort_values("ts", kind="stable"),
        held.astype({**text, "target": "str", "order_ts": "datetime64[us]"}),
        left_on="ts",
        right_on="order_ts",
        by=["user_id", "item_id"],
        direction="backward",
        allow_exact_matches=True,
    )
    unmatched = matched.target.isna().to_numpy()
    if unmatched.any():
        mask = np.zeros(len(f), dtype=bool)
        mask[matched.row.to_numpy()[unmatched]] = True
        d.drop(UNMATCHED, mask)
    refunds = matched[~unmatched].groupby("target").value.sum()
    notes = []
    touched = earlier_orders[earlier_orders.order_id.isin(refunds.index)]
    if len(touched):  # rewritten with their new refunds (the newer import wins by key)
        touched = touched.assign(refund_prev=touched.refund_amount.fillna(0.0)).drop(columns="refund_amount")
        orders = pd.concat(
            [orders, touched[[c for c in touched.columns if c != "status"]]], ignore_index=True
        )
        notes.append(
            f"{len(touched):,} orders of earlier imports received refunds from this file's cancellations"
        )
    orders["refund_asked"] = (orders.refund_prev + orders.order_id.map(refunds).fillna(0.0)).round(2)
    orders["refund_amount"] = np.minimum(orders.refund_asked, orders.amount)
    over = orders.refund_asked - orders.refund_amount
    if (over > 0.005).any():
        notes.append(
            f"{int((over > 0.005).sum()):,} orders received cancellations worth more than the order "
            f"({over.sum():,.2f} in all); their refunds were capped at the order's amount"
        )
    orders["status"] = np.where(
        (orders.refund_amount >= orders.amount) & (orders.amount > 0) & (orders.refund_asked > 0),
        "refunded",
        "paid",
    )
    orders = orders.drop(columns=["refund_asked", "refund_prev"])

    order_items = sales[["order_id", "item_id", "quantity", "price"]].astype({"quantity": "int64"})
    items = sales.sort_values("ts", kind="stable").drop_duplicates("item_id", keep="last")
    items = items[["item_id", "name", "price"]].reset_index(drop=True)
    users = latest_known(orders[["user_id", "ts", "country"]])
    return Converted(
        tables={
            "orders": orders[["order_id", "user_id", "ts", "amount", "status", "refund_amount", "country"]],
            "users": users,
            "order_items": order_items.reset_index(drop=True),
            "items": items,
        },
        rows_read=len(f),
        rows_imported=int(d.keep.sum()),
        drops=d,
        notes=notes,
    )


ONLINE_RETAIL = Format(
    name="online-retail",
    summary="UCI Online Retail / Online Retail II (invoices; C-invoices become refunds): orders, users, lines, items",
    columns=_COLUMNS,
    tables=("orders", "users", "order_items", "items"),
    convert=_convert,
    legacy_encodings=("cp1252", "gb18030"),
    read=_read,
)
