"""`shoplab import mapping` with a TOML mapping file, on a small JD-style export (the worked example of
docs/importing.md). Hand-worked: September JD1 (100, 完成) sold, JD2 cancelled: 1 order, 1 buyer, GMV 100;
October JD3 (80, 退款成功: refunded, still in GMV) and JD4 (1,000): 2 orders, 2 buyers, GMV 1080; JD5 has no
buyer account: dropped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from .import_helpers import SALT, kpis, run_import, write_xlsx, written_text

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["订单号", "下单帐号", "客户姓名", "客户地址", "联系电话", "下单时间", "应付金额", "订单状态"]
ROWS = [
    [
        "JD1",
        "jd_zhang",
        "张三",
        "北京 北京市 朝阳区 建国路1号",
        "13800000001",
        "05.09.2024 10:00",
        "100.00",
        "完成",
    ],
    [
        "JD2",
        "jd_li",
        "李四",
        "江苏省 南京市 玄武区 中山路2号",
        "13800000002",
        "10.09.2024 11:00",
        "50.00",
        "已取消",
    ],
    [
        "JD3",
        "jd_zhang",
        "张三",
        "北京 北京市 朝阳区 建国路1号",
        "13800000001",
        "01.10.2024 09:30",
        "80.00",
        "退款成功",
    ],
    [
        "JD4",
        "jd_wang",
        "王五",
        "广东省 广州市 天河区 天河路3号",
        "13800000003",
        "15.10.2024 20:00",
        "¥1,000.00",
        "完成",
    ],
    ["JD5", "", "赵六", "广东省 广州市 天河区", "13800000004", "16.10.2024 20:00", "10.00", "完成"],
]


def _worked_example() -> str:
    """The mapping file printed in docs/importing.md (the test uses the documented one)."""
    doc = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    m = re.search(r"```toml\n# jd-orders\.toml\n(.*?)```", doc, re.S)
    assert m, "docs/importing.md lost its worked mapping example"
    return m.group(1)


@pytest.fixture(autouse=True)
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


def test_worked_example(tmp_path):
    mapping = tmp_path / "jd-orders.toml"
    mapping.write_text(_worked_example(), encoding="utf-8")
    src = write_xlsx(tmp_path / "jd_export.xlsx", [HEADER, *ROWS])
    out = tmp_path / "shop"
    assert run_import("mapping", src, "--mapping", mapping, "--out", out) == 0
    k = kpis(out, ["2024-09", "2024-10"])
    assert k.loc["2024-09"].tolist() == [1, 1, 100.0]
    assert k.loc["2024-10"].tolist() == [2, 2, 1080.0]
    o = pd.read_parquet(out / "orders.parquet").set_index("order_id")
    assert o.status.to_dict() == {"JD1": "paid", "JD2": "cancelled", "JD3": "refunded", "JD4": "paid"}
    assert o.ts["JD1"] == pd.Timestamp("2024-09-05 10:00")
    users = pd.read_parquet(out / "users.parquet").set_index("user_id")
    assert len(users) == 3 and users.index.str.startswith("u_").all()
    assert users.loc[o.user_id["JD4"], ["province", "city"]].tolist() == ["广东省", "广州市"]
    (entry,) = json.loads((out / "_import.json").read_text())["imports"]
    assert {d["reason"]: d["rows"] for d in entry["rows_dropped"]} == {"no user_id (下单帐号)": 1}
    text = written_text(out)
    leaked = [p for p in ("张三", "王五", "1380000000", "建国路", "jd_zhang") if p in text]
    assert not leaked, leaked


def test_personal_columns_are_refused(tmp_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        _worked_example().replace('status = "订单状态"', 'status = "订单状态"\nphone = "联系电话"'),
        encoding="utf-8",
    )
    src = write_xlsx(tmp_path / "jd_export.xlsx", [HEADER, *ROWS])
    assert run_import("mapping", src, "--mapping", mapping, "--out", tmp_path / "shop") == 2
    assert "looks like personal data" in capsys.readouterr().err


def test_mapping_errors_name_what_is_wrong(tmp_path, capsys):
    src = write_xlsx(tmp_path / "jd_export.xlsx", [HEADER, *ROWS])
    bad = tmp_path / "bad.toml"
    bad.write_text('[tables.orders.columns]\norder_id = "订单号"\n', encoding="utf-8")
    assert run_import("mapping", src, "--mapping", bad, "--out", tmp_path / "shop") == 2
    assert "lacks the required contract column(s) user_id, ts, amount" in capsys.readouterr().err
    other = tmp_path / "other.toml"
    other.write_text(_worked_example().replace('"应付金额"', '"实付金额"'), encoding="utf-8")
    assert run_import("mapping", src, "--mapping", other, "--out", tmp_path / "shop") == 2
    assert "lacks the column(s) 实付金额" in capsys.readouterr().err
    assert run_import("mapping", src, "--out", tmp_path / "shop") == 2
    assert "--mapping" in capsys.readouterr().err
