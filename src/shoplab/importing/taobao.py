"""Taobao / Tmall seller exports: the order report (订单报表, ``taobao-orders``) and its line-item companion
(宝贝报表, ``taobao-items``), as the seller centre (千牛 / 卖家中心 > 交易管理 > 批量导出) writes them.

Order rules (status words are not used: they vary between exports and years):

* order_id = 订单编号 (text); user_id = the salted pseudonym of 买家会员名; ts = 订单创建时间;
  amount = 买家实际支付金额;
* no 订单付款时间, or an amount of 0: never paid, status ``cancelled``;
* paid and 退款金额 >= amount: ``refunded`` (refund_amount = amount); otherwise ``paid`` with
  refund_amount = 退款金额 (partial refunds; 0 when none);
* province and city: the first two tokens of 收货地址 (the rest of the address is never written);
  platform from 是否手机订单 (``mobile`` / ``web``) when present.

Receiver names, phone numbers, Alipay accounts and street addresses are never written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import Context, Converted, Drops, Format, blank_rows, columns_of, latest_known, pseudonymise_ids
from .parsing import RawFile, clean_text, parse_id, parse_number, parse_timestamp

__all__ = ["TAOBAO_ORDERS", "TAOBAO_ITEMS", "split_address"]

_ORDER_COLUMNS = (
    ("订单编号",),
    ("买家会员名", "买家昵称"),
    ("买家实际支付金额", "实付金额"),
    ("订单状态",),
    ("订单创建时间", "创建时间"),
    ("订单付款时间", "付款时间"),
    ("退款金额",),
    ("收货地址",),
)
_ORDER_OPTIONAL = (("是否手机订单",), ("宝贝标题",), ("宝贝总数量",))
_ORDER_EXAMPLE = ("订单编号", "订单状态", "买家实际支付金额", "订单创建时间", "订单付款时间", "退款金额")

_PROVINCE = r"^(?P<p>.+?(?:省|自治区|特别行政区|市))(?P<c>.+?(?:自治州|地区|盟|市|区|县))?"
_NOT_MOBILE = {"否", "0", "false", "no", "n", "非手机订单", "pc", "电脑"}


def split_address(address: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(province, city) from the first two tokens of a Chinese address.

    ``浙江省 杭州市 西湖区 文三路 1 号`` -> (浙江省, 杭州市); ``上海 上海市 浦东新区 ...`` -> (上海, 上海市);
    an address written without spaces is split after the province and city suffixes
    (``浙江省杭州市西湖区...`` -> 浙江省, 杭州市). Everything after the city is dropped.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pa.array(clean_text(address).array)
    t = t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t
    spaced = pc.extract_regex(t, r"^(?P<p>\S+)(?:\s+(?P<c>\S+))?")
    glued = pc.extract_regex(t, _PROVINCE)
    empty = pa.scalar(None, pa.large_string())

    def field(m, i):
        f = pc.cast(pc.struct_field(m, [i]), pa.large_string())
        return pc.if_else(pc.equal(f, ""), empty, f)

    p1, c1 = field(spaced, 0), field(spaced, 1)
    use_glued = pc.and_(pc.is_null(c1), glued.is_valid())
    province = pc.if_else(use_glued, field(glued, 0), p1)
    city = pc.if_else(use_glued, field(glued, 1), c1)
    province = pd.Series(province.to_pandas(), index=address.index, dtype="object")
    city = pd.Series(city.to_pandas(), index=address.index, dtype="object")
    return province.where(province.notna(), None), city.where(city.notna(), None)


def _convert_orders(raw: RawFile, ctx: Context) -> Converted:
    f = raw.frame
    col = columns_of(TAOBAO_ORDERS, f, optional=_ORDER_OPTIONAL)
    d = Drops(raw, _ORDER_EXAMPLE)
    d.drop(("blank row", "空行"), blank_rows(f))

    order_id, sci = parse_id(f[col["订单编号"]])
    d.drop(
        (
            "order number in scientific notation (a spreadsheet turned it into a float; re-export it)",
            "订单编号为科学计数法（被表格软件转成了小数，请重新导出）",
        ),
        sci,
    )
    d.drop(("no order number (订单编号)", "无订单编号"), order_id.isna())
    buyer = clean_text(f[col["买家会员名"]])
    d.drop(("no buyer (买家会员名)", "无买家会员名"), buyer.isna())
    ts, bad_ts = parse_timestamp(f[col["订单创建时间"]], timezone=ctx.timezone)
    d.drop(("order time (订单创建时间) unreadable", "订单创建时间无法识别"), bad_ts)
    d.drop(("no order time (订单创建时间)", "无订单创建时间"), ts.isna())
    d.drop(("order time in the future", "订单时间在未来"), ts > ctx.now)
    amount, bad_amount = parse_number(f[col["买家实际支付金额"]])
    d.drop(("amount (买家实际支付金额) is not a number", "买家实际支付金额不是数字"), bad_amount)
    d.drop(("no amount (买家实际支付金额)", "无买家实际支付金额"), amount.isna())
    d.drop(("negative amount", "金额为负"), amount < 0)
    paid_ts, bad_paid = parse_timestamp(f[col["订单付款时间"]], timezone=ctx.timezone)
    d.drop(("payment time (订单付款时间) unreadable", "订单付款时间无法识别"), bad_paid)
    refund, bad_refund = parse_number(f[col["退款金额"]])
    d.drop(("refund (退款金额) is not a number", "退款金额不是数字"), bad_refund)
    d.drop(("negative refund (退款金额)", "退款金额为负"), refund < 0)
    dup = order_id.where(d.keep).duplicated(keep="last") & d.keep
    d.drop(
        ("order number repeated in the file (the last row kept)", "文件中订单编号重复（保留最后一行）"), dup
    )

    k = d.keep.to_numpy()
    amount_k = amount[k].round(2)
    refund_k = refund[k].fillna(0.0).round(2)
    unpaid = paid_ts[k].isna() | (amount_k == 0)
    refunded = ~unpaid & (refund_k >= amount_k)
    status = np.where(unpaid, "cancelled", np.where(refunded, "refunded", "paid"))
    refund_amount = np.where(unpaid, 0.0, np.minimum(refund_k, amount_k))
    users = pseudonymise_ids(buyer[k], ctx.salt)
    orders = pd.DataFrame(
        {
            "order_id": order_id[k].to_numpy(),
            "user_id": users.to_numpy(),
            "ts": ts[k].to_numpy(),
            "amount": amount_k.to_numpy(),
            "status": status,
            "refund_amount": refund_amount,
            "paid_ts": paid_ts[k].to_numpy(),
            "source_status": clean_text(f[col["订单状态"]])[k].to_numpy(),
        }
    )
    if "是否手机订单" in col:
        mob = clean_text(f[col["是否手机订单"]])[k]
        orders["platform"] = np.where(mob.isna() | mob.str.lower().isin(_NOT_MOBILE), "web", "mobile")
    if "宝贝标题" in col:
        orders["items_title"] = clean_text(f[col["宝贝标题"]])[k].to_numpy()
    if "宝贝总数量" in col:
        q, _ = parse_number(f[col["宝贝总数量"]])
        orders["items_quantity"] = q[k].astype("Int64").to_numpy()

    province, city = split_address(f[col["收货地址"]])
    u = pd.DataFrame(
        {
            "user_id": users.to_numpy(),
            "ts": ts[k].to_numpy(),
            "province": province[k].to_numpy(),
            "city": city[k].to_numpy(),
        }
    )
    u = latest_known(u)
    return Converted(
        tables={"orders": orders, "users": u.reset_index(drop=True)},
        rows_read=len(f),
        rows_imported=int(k.sum()),
        drops=d,
    )


TAOBAO_ORDERS = Format(
    name="taobao-orders",
    summary="Taobao/Tmall seller order export (订单报表): orders (paid/cancelled/refunded, partial refunds) and users",
    columns=_ORDER_COLUMNS,
    tables=("orders", "users"),
    convert=_convert_orders,
    optional=_ORDER_OPTIONAL,
)


# -- 宝贝报表 ---------------------------------------------------------------------------------------------------
_ITEM_COLUMNS = (("订单编号",), ("标题", "宝贝标题", "商品标题"), ("价格", "单价"), ("购买数量", "数量"))
_ITEM_OPTIONAL = (("商家编码",), ("外部系统编号",), ("退款状态",), ("商品属性", "宝贝属性"))
_ITEM_EXAMPLE = ("订单编号", "标题", "价格", "购买数量", "商家编码", "外部系统编号", "退款状态")


def _convert_items(raw: RawFile, ctx: Context) -> Converted:
    f = raw.frame
    col = columns_of(TAOBAO_ITEMS, f, optional=_ITEM_OPTIONAL)
    d = Drops(raw, _ITEM_EXAMPLE)
    d.drop(("blank row", "空行"), blank_rows(f))
    order_id, sci = parse_id(f[col["订单编号"]])
    d.drop(
        (
            "order number in scientific notation (a spreadsheet turned it into a float; re-export it)",
            "订单编号为科学计数法（被表格软件转成了小数，请重新导出）",
        ),
        sci,
    )
    d.drop(("no order number (订单编号)", "无订单编号"), order_id.isna())
    title = clean_text(f[col["标题"]])
    # the item: 商家编码 (the seller's own code), else 外部系统编号, else the title
    item_id = pd.Series([None] * len(f), index=f.index, dtype="object")
    for c in ("外部系统编号", "商家编码"):
        if c in col:
            v, _ = parse_id(f[col[c]])
            item_id = v.where(v.notna(), item_id)
    item_id = item_id.where(item_id.notna(), title)
    d.drop(
        (
            "no item (商家编码, 外部系统编号 and 标题 all empty)",
            "无商品（商家编码、外部系统编号和标题均为空）",
        ),
        item_id.isna(),
    )
    price, bad_price = parse_number(f[col["价格"]])
    d.drop(("price (价格) is not a number", "价格不是数字"), bad_price)
    d.drop(("no price (价格)", "无价格"), price.isna())
    d.drop(("negative price", "价格为负"), price < 0)
    qty, bad_qty = parse_number(f[col["购买数量"]])
    d.drop(
        ("quantity (购买数量) is not a whole number", "购买数量不是整数"),
        bad_qty | (qty.notna() & (qty % 1 != 0)),
    )
    d.drop(("no quantity (购买数量)", "无购买数量"), qty.isna())
    d.drop(("negative quantity", "数量为负"), qty < 0)

    k = d.keep.to_numpy()
    lines = pd.DataFrame(
        {
            "order_id": order_id[k].to_numpy(),
            "item_id": item_id[k].to_numpy(),
            "quantity": qty[k].astype("int64").to_numpy(),
            "price": price[k].round(2).to_numpy(),
        }
    )
    if "退款状态" in col:
        lines["refund_status"] = clean_text(f[col["退款状态"]])[k].to_numpy()
    items = pd.DataFrame({"item_id": lines.item_id, "name": title[k].to_numpy(), "price": lines.price})
    items = items.drop_duplicates("item_id", keep="last").reset_index(drop=True)
    return Converted(
        tables={"order_items": lines, "items": items}, rows_read=len(f), rows_imported=int(k.sum()), drops=d
    )


TAOBAO_ITEMS = Format(
    name="taobao-items",
    summary="Taobao/Tmall line-item export (宝贝报表), joined to the orders by 订单编号: order_items and items",
    columns=_ITEM_COLUMNS,
    tables=("order_items", "items"),
    convert=_convert_items,
    optional=_ITEM_OPTIONAL,
)
