"""``shopify-orders``: Shopify's orders export (Admin > Orders > Export, ``orders_export.csv``).

The export has one row per line item. Order-level fields (Financial Status, Paid at, Currency, Total, Discount
Amount, Refunded Amount, Cancelled at, Source) are filled only on an order's first row; Name, Email, Created at
and the Lineitem fields are on every row.

Rules: one order per Name; amount = Total; discount = Discount Amount; channel = Source; ts = Created at (a time
written with an offset such as ``-0500`` keeps its wall-clock time unless ``--timezone`` converts it); status:
Cancelled at set, or Financial Status voided, pending, authorized or expired -> ``cancelled``; refunded ->
``refunded``; otherwise ``paid`` with refund_amount = Refunded Amount (partially_refunded). user_id = salted
pseudonym of the lower-cased Email. order_items from every line row (item_id = Lineitem sku, else Lineitem name).
The shop currency is the Currency column. Billing and shipping names, streets, zip codes and phone numbers are
never written; city, province and country (shipping, else billing) are kept on users.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import Context, Converted, Drops, Format, blank_rows, columns_of, latest_known, pseudonymise_ids
from .errors import ImportFormatError
from .parsing import RawFile, clean_text, parse_id, parse_number, parse_timestamp

__all__ = ["SHOPIFY_ORDERS"]

_COLUMNS = tuple(
    (c,)
    for c in (
        "Name",
        "Email",
        "Financial Status",
        "Paid at",
        "Created at",
        "Currency",
        "Total",
        "Discount Amount",
        "Refunded Amount",
        "Cancelled at",
        "Source",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Lineitem sku",
    )
)
_OPTIONAL = tuple(
    (c,)
    for c in (
        "Shipping City",
        "Shipping Province",
        "Shipping Country",
        "Billing City",
        "Billing Province",
        "Billing Country",
    )
)
_EXAMPLE = (
    "Name",
    "Financial Status",
    "Paid at",
    "Created at",
    "Currency",
    "Total",
    "Refunded Amount",
    "Cancelled at",
    "Lineitem quantity",
    "Lineitem price",
    "Lineitem sku",
)
_NOT_PAID = {"voided", "pending", "authorized", "expired"}


def _convert(raw: RawFile, ctx: Context) -> Converted:
    f = raw.frame
    col = columns_of(SHOPIFY_ORDERS, f, optional=_OPTIONAL)
    d = Drops(raw, _EXAMPLE)
    d.drop(("blank row", "空行"), blank_rows(f))
    name = clean_text(f[col["Name"]])
    d.drop(("no order Name", "无订单 Name"), name.isna())
    key = name.where(d.keep)
    first = d.keep & ~key.duplicated() & key.notna()

    def order_value(series: pd.Series) -> pd.Series:
        """The value on each order's first row, on every row of the order."""
        return series.where(first).groupby(key).transform("first")

    email = clean_text(f[col["Email"]]).str.lower()
    order_email = email.where(d.keep).groupby(key).transform("first")
    d.drop(("no Email: the buyer cannot be identified", "无 Email：无法识别买家"), order_email.isna())
    created, bad_created = parse_timestamp(f[col["Created at"]], timezone=ctx.timezone)
    d.drop(
        ("Created at unreadable", "Created at 无法识别"),
        order_value(bad_created.astype(float)).fillna(0).astype(bool),
    )
    ts = order_value(created)
    d.drop(("no Created at", "无 Created at"), ts.isna())
    d.drop(("Created at in the future", "Created at 在未来"), ts > ctx.now)
    total, bad_total = parse_number(f[col["Total"]])
    d.drop(
        ("Total is not a number", "Total 不是数字"),
        order_value(bad_total.astype(float)).fillna(0).astype(bool),
    )
    amount = order_value(total)
    d.drop(("no Total on the order's first row", "订单首行无 Total"), amount.isna())
    d.drop(("negative Total", "Total 为负"), amount < 0)
    refunded_amt, bad_ref = parse_number(f[col["Refunded Amount"]])
    d.drop(
        ("Refunded Amount is not a number", "Refunded Amount 不是数字"),
        order_value(bad_ref.astype(float)).fillna(0).astype(bool),
    )
    discount, bad_disc = parse_number(f[col["Discount Amount"]])
    d.drop(
        ("Discount Amount is not a number", "Discount Amount 不是数字"),
        order_value(bad_disc.astype(float)).fillna(0).astype(bool),
    )
    paid_at, _ = parse_timestamp(f[col["Paid at"]], timezone=ctx.timezone)
    cancelled_at, _ = parse_timestamp(f[col["Cancelled at"]], timezone=ctx.timezone)
    cancelled_text = clean_text(f[col["Cancelled at"]])

    # line rows: a bad line drops that row's line only (the order keeps its other lines)
    qty, bad_qty = parse_number(f[col["Lineitem quantity"]])
    d.drop(
        ("line dropped: Lineitem quantity is not a whole number", "舍弃商品行：Lineitem quantity 不是整数"),
        bad_qty | (qty.notna() & (qty % 1 != 0)),
    )
    d.drop(("line dropped: no Lineitem quantity", "舍弃商品行：无 Lineitem quantity"), qty.isna())
    d.drop(("line dropped: negative Lineitem quantity", "舍弃商品行：Lineitem quantity 为负"), qty < 0)
    price, bad_price = parse_number(f[col["Lineitem price"]])
    d.drop(("line dropped: Lineitem price is not a number", "舍弃商品行：Lineitem price 不是数字"), bad_price)
    d.drop(("line dropped: no Lineitem price", "舍弃商品行：无 Lineitem price"), price.isna())
    d.drop(("line dropped: negative Lineitem price", "舍弃商品行：Lineitem price 为负"), price < 0)
    sku, _ = parse_id(f[col["Lineitem sku"]])
    line_name = clean_text(f[col["Lineitem name"]])
    item_id = sku.where(sku.notna(), line_name)
    d.drop(
        (
            "line dropped: neither Lineitem sku nor Lineitem name",
            "舍弃商品行：既无 Lineitem sku 也无 Lineitem name",
        ),
        item_id.isna(),
    )

    # an order is written when its first row survived the order-level checks (they drop whole orders)
    keep = d.keep.to_numpy()
    o = first.to_numpy() & order_email.notna().to_numpy() & ts.notna().to_numpy() & amount.notna().to_numpy()
    o &= ~(ts > ctx.now).to_numpy() & ~(amount < 0).to_numpy()
    o &= ~order_value(bad_ref.astype(float)).fillna(0).astype(bool).to_numpy()
    o &= ~order_value(bad_disc.astype(float)).fillna(0).astype(bool).to_numpy()
    o &= ~order_value(bad_created.astype(float)).fillna(0).astype(bool).to_numpy()
    o &= ~order_value(bad_total.astype(float)).fillna(0).astype(bool).to_numpy()

    fin = clean_text(f[col["Financial Status"]]).str.lower()[o]
    amt = amount[o].round(2)
    ref = refunded_amt[o].fillna(0.0).round(2)
    cancelled = (cancelled_text[o].notna() | fin.isin(_NOT_PAID)).to_numpy()
    refunded = ~cancelled & (fin == "refunded").to_numpy()
    status = np.where(cancelled, "cancelled", np.where(refunded, "refunded", "paid"))
    refund_amount = np.where(
        cancelled, 0.0, np.where(refunded, np.where(ref > 0, np.minimum(ref, amt), amt), np.minimum(ref, amt))
    )
    users = pseudonymise_ids(order_email[o], ctx.salt)
    orders = pd.DataFrame(
        {
            "order_id": name[o].to_numpy(),
            "user_id": users.to_numpy(),
            "ts": ts[o].to_numpy(),
            "amount": amt.to_numpy(),
            "discount": discount[o].round(2).to_numpy(),
            "status": status,
            "refund_amount": refund_amount,
            "channel": clean_text(f[col["Source"]])[o].to_numpy(),
            "paid_ts": paid_at[o].to_numpy(),
            "cancelled_ts": cancelled_at[o].to_numpy(),
            "financial_status": fin.to_numpy(),
        }
    )
    currencies = sorted(set(clean_text(f[col["Currency"]])[o].dropna().str.upper()))
    if len(currencies) > 1:
        raise ImportFormatError(
            f"{raw.path.name}: orders in several currencies ({', '.join(currencies)}); money in two currencies "
            "cannot be added up: export one currency per file and import each into its own folder"
        )
    u = pd.DataFrame({"user_id": users.to_numpy(), "ts": ts[o].to_numpy()})
    for out_name, choices in (
        ("city", ("Shipping City", "Billing City")),
        ("province", ("Shipping Province", "Billing Province")),
        ("country", ("Shipping Country", "Billing Country")),
    ):
        val = pd.Series([None] * len(f), index=f.index, dtype="object")
        for c in reversed(choices):
            if c in col:
                v = clean_text(f[col[c]])
                val = v.where(v.notna(), val)
        u[out_name] = val[o].to_numpy()
    u = latest_known(u)

    order_ok = pd.Series(o, index=f.index).groupby(key).transform("max").fillna(False).astype(bool).to_numpy()
    # lines of orders dropped at order level were already dropped with their order's reason
    lines_k = keep & order_ok
    lines = pd.DataFrame(
        {
            "order_id": name[lines_k].to_numpy(),
            "item_id": item_id[lines_k].to_numpy(),
            "quantity": qty[lines_k].astype("int64").to_numpy(),
            "price": price[lines_k].round(2).to_numpy(),
        }
    )
    items = pd.DataFrame(
        {"item_id": lines.item_id, "name": line_name[lines_k].to_numpy(), "price": lines.price}
    )
    items = items.drop_duplicates("item_id", keep="last").reset_index(drop=True)
    return Converted(
        tables={"orders": orders, "users": u.reset_index(drop=True), "order_items": lines, "items": items},
        rows_read=len(f),
        rows_imported=int(lines_k.sum()),
        drops=d,
        currency=currencies[0] if currencies else None,
    )


SHOPIFY_ORDERS = Format(
    name="shopify-orders",
    summary="Shopify orders_export.csv (one row per line item): orders, users, order_items, items; Currency",
    columns=_COLUMNS,
    tables=("orders", "users", "order_items", "items"),
    convert=_convert,
    legacy_encodings=("cp1252", "gb18030"),
    optional=_OPTIONAL,
)
