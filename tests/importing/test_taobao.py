"""`shoplab import taobao-orders` / `taobao-items` on small hand-made exports (GBK CSV and XLSX).

Expected numbers are worked out by hand from the rows below, independently of the importer:

========================  ======  =====================  =========  =============
order                      month   amount (status)        refund     buyer
========================  ======  =====================  =========  =============
202409270000000001         09      1294.00 paid           0          小明同学
202409280000000002         09      99.50 cancelled (unpaid)  -       小红
(blank row)
202409300000000003         09      200.00 paid            50 (part)  小明同学
202410020000000004         10      300.00 refunded        300        大卫
202410050000000005         10      58.00 paid             0          小红
202410060000000006         10      0.00 cancelled (0)     -          阿强
202410070000000007         -       "abc": dropped         -          阿强
========================  ======  =====================  =========  =============

September: 2 sold orders (1294 + 200 = GMV 1494), 1 buyer, net sales 1294 + 150 = 1444.
October: 2 sold orders (300 + 58 = GMV 358), 2 buyers, net sales 0 + 58 = 58.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from shoplab.cli import main

from .import_helpers import (
    SALT,
    folder_digest,
    kpis,
    net_sales,
    run_import,
    write_csv,
    write_xlsx,
    written_text,
)

HEADER = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家实际支付金额",
    "订单状态",
    "收货人姓名",
    "收货地址 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "退款金额",
    "宝贝标题 ",
    "宝贝总数量",
    "是否手机订单",
]
ADDR_XM = "浙江省 杭州市 西湖区 文三路100号"
SEPT = [
    ['="202409270000000001"', "小明同学", "xm@alipay.com", "￥1,294.00", "交易成功", "王小明", ADDR_XM,
     "13800138000", "2024-09-27 12:30:00", "2024-09-27 12:31:00", "0.00", "连衣裙", "1", "手机订单"],
    ['="202409280000000002"', "小红 ", "xh@alipay.com", "￥99.50", "交易关闭", "李小红",
     "上海 上海市 浦东新区 世纪大道1号", "13900139000", "2024年9月28日 08:05", "", "0", "T恤", "2", ""],
    [""] * 14,
    ["'202409300000000003", "小明同学", "xm@alipay.com", "200", "交易成功", "王小明",
     "浙江省杭州市西湖区文三路100号", "13800138000", "45565.5", "45565.5", "50", "鞋", "1", "手机订单"],
]  # fmt: skip
OCT = [
    ['="202410020000000004"', "大卫", "d@alipay.com", "￥300.00", "交易关闭", "张大卫",
     "广东省 深圳市 南山区 科技园", "13700137000", "2024/10/2 9:00", "2024/10/2 9:01", "300", "包", "1", ""],
    ['="202410050000000005"', "小红", "xh@alipay.com", "58", "交易成功", "李小红",
     "上海 上海市 浦东新区 世纪大道1号", "13900139000", "2024-10-05 20:00:00", "2024-10-05 20:01:00", "", "袜子", "3", ""],
    ['="202410060000000006"', "阿强", "aq@alipay.com", "0.00", "交易关闭", "赵阿强", "四川省 成都市 武侯区 一环路",
     "13600136000", "2024-10-06 10:00:00", "2024-10-06 10:00:00", "0", "帽子", "1", ""],
    ['="202410070000000007"', "阿强", "aq@alipay.com", "abc", "交易成功", "赵阿强", "四川省 成都市 武侯区 一环路",
     "13600136000", "2024-10-07 10:00:00", "2024-10-07 10:00:00", "0", "帽子", "1", ""],
]  # fmt: skip
PERSONAL = [
    "王小明",
    "李小红",
    "张大卫",
    "13800138000",
    "13900139000",
    "文三路",
    "世纪大道",
    "xm@alipay",
    "小明同学",
    "大卫",
]


@pytest.fixture
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


def _expected(folder):
    k = kpis(folder, ["2024-09", "2024-10"])
    assert k.loc["2024-09"].tolist() == [2, 1, 1494.0]
    assert k.loc["2024-10"].tolist() == [2, 2, 358.0]
    orders = pd.read_parquet(folder / "orders.parquet")
    assert net_sales(orders).to_dict() == {"2024-09": 1444.0, "2024-10": 58.0}
    o = orders.set_index("order_id")
    assert o.status.to_dict() == {
        "202409270000000001": "paid",
        "202409280000000002": "cancelled",
        "202409300000000003": "paid",
        "202410020000000004": "refunded",
        "202410050000000005": "paid",
        "202410060000000006": "cancelled",
    }
    assert o.refund_amount["202409300000000003"] == 50.0 and o.refund_amount["202410020000000004"] == 300.0
    assert o.ts["202409300000000003"] == pd.Timestamp("2024-09-30 12:00")  # Excel serial 45565.5
    assert o.ts["202409280000000002"] == pd.Timestamp("2024-09-28 08:05")  # 2024年9月28日 08:05
    assert o.platform["202409270000000001"] == "mobile" and o.platform["202410020000000004"] == "web"
    users = pd.read_parquet(folder / "users.parquet").set_index("user_id")
    assert len(users) == 4 and users.index.str.startswith("u_").all()
    xm = o.user_id["202409270000000001"]
    assert o.user_id["202409300000000003"] == xm
    assert (
        o.user_id["202409280000000002"] == o.user_id["202410050000000005"]
    )  # "小红 " and "小红" are one buyer
    assert (users.province[xm], users.city[xm]) == ("浙江省", "杭州市")  # address written without spaces
    assert users.city[o.user_id["202410050000000005"]] == "上海市"
    text = written_text(folder)
    leaked = [p for p in PERSONAL if p in text]
    assert not leaked, f"personal data written: {leaked}"


def test_gbk_csv_hand_worked(tmp_path, salt, capsys):
    src = write_csv(tmp_path / "订单报表.csv", [HEADER, *SEPT, *OCT], encoding="gbk")
    out = tmp_path / "shop"
    assert run_import("taobao-orders", src, "--out", out) == 0
    assert main(["validate", "--source", str(out)]) == 0
    assert "All tables pass the data contract" in capsys.readouterr().out
    _expected(out)
    m = json.loads((out / "_import.json").read_text(encoding="utf-8"))
    (entry,) = m["imports"]
    assert entry["encoding"] == "gb18030" and entry["rows_read"] == 8 and entry["rows_imported"] == 6
    assert entry["rows_written"] == {"orders": 6, "users": 4}
    drops = {d["reason"]: d for d in entry["rows_dropped"]}
    assert {r: d["rows"] for r, d in drops.items()} == {
        "blank row": 1,
        "amount (买家实际支付金额) is not a number": 1,
    }
    ex = drops["amount (买家实际支付金额) is not a number"]["example"]
    assert ex["line"] == 9 and ex["订单编号"] == '="202410070000000007"' and ex["买家实际支付金额"] == "abc"
    assert json.loads((out / "_shop.json").read_text()) == {"currency": "CNY"}
    assert m["tables"] == {"users": 4, "orders": 6}


def test_xlsx_hand_worked(tmp_path, salt):
    rows = [HEADER] + [[c.removeprefix('="').removesuffix('"') for c in r] for r in [*SEPT, *OCT]]
    # in a workbook ids are text cells (="..." is the CSV trick for the same), times may be serial numbers
    rows[4][8] = rows[4][9] = 45565.5  # a real number cell: Excel's serial date
    src = write_xlsx(tmp_path / "ExportOrderList.xlsx", rows)
    out = tmp_path / "shop"
    assert run_import("taobao-orders", src, "--out", out) == 0
    _expected(out)


def test_incremental_months_reexport_and_idempotent(tmp_path, salt):
    sept = write_csv(tmp_path / "2024-09.csv", [HEADER, *SEPT])
    octo = write_csv(tmp_path / "2024-10.csv", [HEADER, *OCT])
    out = tmp_path / "shop"
    assert run_import("taobao-orders", sept, "--out", out) == 0
    assert run_import("taobao-orders", octo, "--out", out) == 0
    _expected(out)
    # October re-exported later: order 5 was refunded in full since, and a new order 8 came in
    re_oct = [r[:] for r in OCT]
    re_oct[1][10] = "58.00"
    re_oct.append(['="202410300000000008"', "大卫", "d@alipay.com", "10", "交易成功", "张大卫", "广东省 深圳市 南山区",
                   "1", "2024-10-30 10:00:00", "2024-10-30 10:00:00", "0", "笔", "1", ""])  # fmt: skip
    again = write_csv(tmp_path / "2024-10-reexport.csv", [HEADER, *re_oct])
    assert run_import("taobao-orders", again, "--out", out) == 0
    o = pd.read_parquet(out / "orders.parquet").set_index("order_id")
    assert len(o) == 7 and o.status["202410050000000005"] == "refunded"
    assert kpis(out, ["2024-10"]).loc["2024-10"].tolist() == [3, 2, 368.0]  # 300 + 58 + 10; 大卫 and 小红
    m = json.loads((out / "_import.json").read_text(encoding="utf-8"))
    assert m["imports"][-1]["rows_replaced"] == {"orders": 3, "users": 3}  # 大卫, 小红, 阿强
    before = folder_digest(out)
    assert run_import("taobao-orders", again, "--out", out) == 0
    assert run_import("taobao-orders", sept, octo, "--out", out) == 0  # older files again: nothing changes
    assert folder_digest(out) == before


def test_newer_file_wins_within_one_command(tmp_path, salt):
    import os

    old = write_csv(tmp_path / "b-old.csv", [HEADER, OCT[1]])
    re = OCT[1][:]
    re[10] = "58"
    new = write_csv(tmp_path / "a-new.csv", [HEADER, re])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_100, 1_700_000_100))
    out = tmp_path / "shop"
    assert (
        run_import("taobao-orders", new, old, "--out", out) == 0
    )  # order on the command line does not matter
    assert pd.read_parquet(out / "orders.parquet").status.tolist() == ["refunded"]


def test_refuses_without_salt(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SHOPLAB_SALT", raising=False)
    src = write_csv(tmp_path / "x.csv", [HEADER, *SEPT])
    assert run_import("taobao-orders", src, "--out", tmp_path / "shop") == 2
    err = capsys.readouterr().err
    assert "no salt" in err and "SHOPLAB_SALT" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "shop").exists()
    monkeypatch.setenv("MY_SALT", "abc")
    assert run_import("taobao-orders", src, "--out", tmp_path / "shop", "--salt-env", "MY_SALT") == 0
    monkeypatch.setenv("MY_SALT", "another")
    again = write_csv(tmp_path / "y.csv", [HEADER, *OCT])
    assert run_import("taobao-orders", again, "--out", tmp_path / "shop", "--salt-env", "MY_SALT") == 2
    assert "salt differs" in capsys.readouterr().err


def test_wrong_format_names_missing_columns_and_the_likely_format(tmp_path, salt, capsys):
    src = write_csv(tmp_path / "x.csv", [HEADER, *SEPT])
    assert run_import("shopify-orders", src, "--out", tmp_path / "shop") == 2
    err = capsys.readouterr().err
    assert "lacks the column(s) Name, Email" in err and "most resembles taobao-orders" in err
    items = write_csv(
        tmp_path / "items.csv", [["订单编号", "标题", "价格", "购买数量"], ["1", "a", "1", "1"]]
    )
    assert run_import("taobao-orders", items, "--out", tmp_path / "shop") == 2
    err = capsys.readouterr().err
    assert "买家会员名" in err and "most resembles taobao-items" in err


ITEMS_HEADER = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
    "退款状态",
]
ITEMS = [
    ['="202409270000000001"', "连衣裙 红色", "￥647.00", "2", "", "颜色:红", "", "", "交易成功", "DRESS-01", ""],
    ['="202409300000000003"', "鞋", "150", "1", "", "", "", "", "交易成功", "SHOE-01", "退款成功"],
    ['="202409300000000003"', "鞋垫", "50", "1", "", "", "", "", "交易成功", "", ""],
    ['="202410020000000004"', "包", "300", "x", "", "", "", "", "交易关闭", "BAG-01", ""],
]  # fmt: skip


def test_items_join_the_orders(tmp_path, salt):
    orders = write_csv(tmp_path / "orders.csv", [HEADER, *SEPT, *OCT], encoding="gbk")
    items = write_csv(tmp_path / "items.csv", [ITEMS_HEADER, *ITEMS], encoding="gbk")
    out = tmp_path / "shop"
    assert run_import("taobao-orders", orders, "--out", out) == 0
    assert run_import("taobao-items", items, "--out", out) == 0
    lines = pd.read_parquet(out / "order_items.parquet")
    assert lines[["order_id", "item_id", "quantity", "price"]].values.tolist() == [
        ["202409270000000001", "DRESS-01", 2, 647.0],
        ["202409300000000003", "SHOE-01", 1, 150.0],
        ["202409300000000003", "鞋垫", 1, 50.0],  # no seller code: the title is the item
    ]
    import shoplab

    shop = shoplab.connect(out)
    assert not shop.validation.errors and not shop.validation.warnings, str(shop.validation)
    m = json.loads((out / "_import.json").read_text(encoding="utf-8"))
    assert m["imports"][-1]["rows_dropped"][0]["reason"] == "quantity (购买数量) is not a whole number"


def test_a_folder_of_mixed_exports(tmp_path, salt, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "orders.csv", [HEADER, *SEPT, *OCT], encoding="gbk")
    write_csv(folder / "items.csv", [ITEMS_HEADER, *ITEMS], encoding="gbk")
    (folder / "README.txt").write_text("exported from 千牛\n", encoding="utf-8")
    out = tmp_path / "shop"
    assert run_import("taobao-orders", folder, "--out", out) == 0
    said = capsys.readouterr().out
    assert "items.csv: skipped" in said and "most resembles taobao-items" in said
    assert "README.txt: skipped" in said
    assert run_import("taobao-items", folder, "--out", out) == 0
    _expected(out)
    assert len(pd.read_parquet(out / "order_items.parquet")) == 3
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "a.csv").write_text("x,y\n1,2\n")
    assert run_import("taobao-orders", empty, "--out", tmp_path / "shop2") == 2
    assert "no taobao-orders export among the files found" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_title_lines_above_the_header(tmp_path, salt, kind):
    title = [["订单报表"] + [""] * 13, ["导出时间：2024-10-31 09:00"] + [""] * 13]
    rows = [*title, HEADER] + [[c.removeprefix('="').removesuffix('"') for c in r] for r in [*SEPT, *OCT]]
    if kind == "csv":
        src = write_csv(
            tmp_path / "订单报表.csv", [[r[0]] if i < 2 else r for i, r in enumerate(rows)], encoding="gbk"
        )
    else:
        src = write_xlsx(tmp_path / "订单报表.xlsx", [["" for _ in HEADER], *rows])
    out = tmp_path / "shop"
    assert run_import("taobao-orders", src, "--out", out) == 0
    _expected(out)
    (entry,) = json.loads((out / "_import.json").read_text(encoding="utf-8"))["imports"]
    bad = next(d for d in entry["rows_dropped"] if d["reason"].startswith("amount"))
    assert bad["example"]["line"] == (11 if kind == "csv" else 12)  # file line of the "abc" row


def test_an_order_without_address_keeps_the_known_city(tmp_path, salt):
    """Newer wins, but an empty value does not erase a known one: within one file and across imports."""
    first = [r[:] for r in SEPT[:1]]  # 小明同学, 杭州 (September)
    later = [r[:] for r in SEPT[:1]]
    later[0][0], later[0][6] = (
        '="202410090000000009"',
        "",
    )  # a later order of hers, shipped without an address
    later[0][8] = later[0][9] = "2024-10-09 09:00:00"
    out = tmp_path / "shop"
    both = write_csv(tmp_path / "both.csv", [HEADER, *first, *later])
    assert run_import("taobao-orders", both, "--out", out) == 0
    assert pd.read_parquet(out / "users.parquet").city.tolist() == ["杭州市"]
    out2 = tmp_path / "shop2"
    assert run_import("taobao-orders", write_csv(tmp_path / "a.csv", [HEADER, *first]), "--out", out2) == 0
    assert run_import("taobao-orders", write_csv(tmp_path / "b.csv", [HEADER, *later]), "--out", out2) == 0
    assert pd.read_parquet(out2 / "users.parquet").city.tolist() == ["杭州市"]
    moved = [r[:] for r in later]
    moved[0][0], moved[0][6] = '="202411010000000010"', "上海 上海市 徐汇区 漕溪北路1号"
    moved[0][8] = moved[0][9] = "2024-11-01 09:00:00"
    assert run_import("taobao-orders", write_csv(tmp_path / "c.csv", [HEADER, *moved]), "--out", out2) == 0
    u = pd.read_parquet(out2 / "users.parquet")
    assert u.city.tolist() == ["上海市"] and len(u) == 1
