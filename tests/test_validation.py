"""One test per validation check, asserting the message names table, column, row count and an example."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_tables

import shoplab


def orders(**over):
    df = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "user_id": [10, 11, 12, 10],
            "ts": ["2024-10-01 10:00:00", "2024-10-02T11:00:00", "2024-10-03", "2024-10-04 09:30:00"],
            "amount": [100.5, 20.0, 30.0, 40.0],
            "status": ["paid", "paid", "refunded", "cancelled"],
        }
    )
    for k, v in over.items():
        df[k] = v
    return df


USERS = pd.DataFrame({"user_id": [10, 11, 12], "city": ["上海", "北京", "杭州"]})


def issues(tmp_path, fmt="csv", **tables):
    shop = shoplab.connect(write_tables(tmp_path / "src", fmt, **tables), now="2026-01-01")
    return shop.validation


def only(report, check):
    found = [i for i in report.issues if i.check == check]
    assert len(found) == 1, report
    return found[0]


def test_clean_data_has_no_issues(tmp_path):
    v = issues(tmp_path, orders=orders(), users=USERS)
    assert v.ok and not v.issues, v
    assert v.row_counts == {"users": 3, "orders": 4}


def test_missing_required_column(tmp_path):
    v = issues(tmp_path, orders=orders().drop(columns="amount"))
    i = only(v, "missing_column")
    assert i.level == "error" and i.table == "orders" and i.column == "amount"
    assert "required column 'amount' is missing" in str(i)
    assert "order_id, user_id, ts, status" in str(i)


def test_unreadable_timestamp(tmp_path):
    v = issues(tmp_path, orders=orders(ts=["2024-10-01", "yesterday", "2024-10-03", "2024-13-45"]))
    i = only(v, "unreadable")
    assert (i.level, i.table, i.column, i.n_rows) == ("error", "orders", "ts", 2)
    assert str(i).startswith("orders.ts: 2 of 4 rows cannot be read as a timestamp")
    assert "example row: order_id=2, ts='yesterday'" in str(i)


def test_unreadable_number(tmp_path):
    v = issues(tmp_path, orders=orders(amount=["1", "2", "abc", "4"]))
    i = only(v, "unreadable")
    assert (i.table, i.column, i.n_rows) == ("orders", "amount", 1)
    assert "cannot be read as a number" in str(i) and "amount='abc'" in str(i)


def test_null_in_required_column(tmp_path):
    v = issues(tmp_path, orders=orders(user_id=[10, None, None, 12]))
    i = only(v, "null")
    assert (i.level, i.column, i.n_rows) == ("error", "user_id", 2)
    assert "2 of 4 rows are empty (null) in a required column" in str(i)
    assert "example row: order_id=2" in str(i)


def test_duplicate_order_id(tmp_path):
    v = issues(tmp_path, orders=orders(order_id=[1, 2, 2, 2]))
    i = only(v, "duplicate")
    assert (i.level, i.table, i.n_rows) == ("error", "orders", 3)
    assert "order_id=2 appears 3 times" in str(i)


def test_negative_amount(tmp_path):
    v = issues(tmp_path, orders=orders(amount=[1.0, -5.0, 3.0, 4.0]))
    i = only(v, "negative")
    assert (i.level, i.column, i.n_rows) == ("error", "amount", 1)
    assert "1 of 4 rows are negative; example row: order_id=2, amount=-5.0" in str(i)


def test_future_timestamp(tmp_path):
    v = issues(tmp_path, orders=orders(ts=["2024-10-01", "2030-01-01", "2024-10-03", "2024-10-04"]))
    i = only(v, "future")
    assert (i.level, i.column, i.n_rows) == ("error", "ts", 1)
    assert "are in the future (after 2026-01-01 00:00)" in str(i)


def test_campaign_ending_before_start(tmp_path):
    camps = pd.DataFrame(
        {
            "campaign_id": ["A", "B"],
            "start_ts": ["2024-06-01", "2024-06-10"],
            "end_ts": ["2024-06-18", "2024-06-01"],
        }
    )
    i = only(issues(tmp_path, campaigns=camps), "end_before_start")
    assert i.level == "error" and "campaign_id='B'" in str(i)


def test_unknown_user_is_a_warning(tmp_path):
    v = issues(tmp_path, orders=orders(user_id=[10, 11, 99, 98]), users=USERS)
    i = only(v, "unknown_reference")
    assert (i.level, i.table, i.column, i.n_rows) == ("warning", "orders", "user_id", 2)
    assert "refer to a user_id that is not in users" in str(i)
    assert v.ok  # warnings only


def test_unknown_status_and_group_are_warnings(tmp_path):
    assign = pd.DataFrame(
        {
            "campaign_id": ["A", "A", "A"],
            "user_id": [10, 11, 12],
            "group": ["treatment", "control", "holdout"],
        }
    )
    v = issues(tmp_path, orders=orders(status=["paid", "shipped", "paid", None]), campaign_assignments=assign)
    st = [i for i in v.warnings if i.column == "status"]
    gr = [i for i in v.warnings if i.column == "group"]
    assert len(st) == 1 and st[0].n_rows == 1 and "status='shipped'" in str(st[0])
    assert len(gr) == 1 and "group='holdout'" in str(gr[0])
    assert v.ok


def test_missing_status_defaults_to_paid(tmp_path):
    shop = shoplab.connect(
        write_tables(tmp_path / "s", orders=orders(status=["paid", None, None, "refunded"]))
    )
    assert shop.orders.status.execute().tolist() == ["paid", "paid", "paid", "refunded"]
    shop2 = shoplab.connect(write_tables(tmp_path / "s2", orders=orders().drop(columns="status")))
    assert set(shop2.orders.status.execute()) == {"paid"}


def test_require_raises_with_the_errors(tmp_path):
    shop = shoplab.connect(write_tables(tmp_path / "s", orders=orders(amount=[1.0, -5.0, 3.0, 4.0])))
    with pytest.raises(shoplab.DataContractError, match="orders.amount: 1 of 4 rows are negative"):
        shop.require("orders")
    with pytest.raises(shoplab.MissingTableError, match="lacks; tables present: orders"):
        shop.require("events")


def test_validate_cli_exit_code_and_no_traceback(tmp_path):
    src = write_tables(tmp_path / "s", orders=orders(amount=[1.0, -5.0, 3.0, 4.0]))
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(src)], capture_output=True, text=True
    )
    assert p.returncode == 1
    assert "orders.amount: 1 of 4 rows are negative" in p.stdout
    assert "Traceback" not in p.stdout + p.stderr
    ok = write_tables(tmp_path / "ok", orders=orders())
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(ok)], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "All tables pass" in p.stdout
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "does not exist" in p.stderr and "Traceback" not in p.stderr


def test_helpers_refuse_frames_with_empty_required_values():
    """A pandas frame handed to a helper directly gets the validator's rule for required columns."""
    from shoplab import membership
    from shoplab.campaigns import did
    from shoplab.errors import DataContractError

    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "user_id": [1, 2, 2],
            "ts": pd.to_datetime(["2026-10-01", None, "2026-10-03"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    with pytest.raises(
        DataContractError, match=r"orders: column 'ts' is empty \(null\) in 1 of 3 rows, e\.g\. row 1"
    ):
        membership.cohort_retention(orders, start="2026-10-01", end="2026-11-01")
    with pytest.raises(DataContractError, match=r"orders: column 'ts' is empty \(null\) in 1 of 3 rows"):
        did.did_frame(orders, start_ts="2026-10-01", end_ts="2026-10-02")
    # an optional column may be empty: campaign_id is not required in orders
    ok = orders.dropna(subset=["ts"]).assign(campaign_id=[None, "c1"])
    assert len(did.did_frame(ok, start_ts="2026-10-02", end_ts="2026-10-03")) == 1  # user 1 was active before


SHOP_WORDS = ["交易成功"] * 3 + ["交易关闭"] * 2 + ["等待买家付款"]


def shop_status_orders(statuses=SHOP_WORDS):
    n = len(statuses)
    return pd.DataFrame(
        {
            "order_id": range(1, n + 1),
            "user_id": [10, 11, 12] * (n // 3) + [10] * (n % 3),
            "ts": [f"2024-10-{d:02d} 10:00:00" for d in range(1, n + 1)],
            "amount": [10.0] * n,
            "status": statuses,
        }
    )


def test_a_shops_own_status_words_are_an_error_naming_them_and_how_to_map(tmp_path):
    v = issues(tmp_path, orders=shop_status_orders(), users=USERS)
    i = only(v, "unknown_value")
    assert (i.level, i.table, i.column, i.n_rows) == ("error", "orders", "status", 6)
    assert not v.ok and v.tables_with_errors() == {"orders"}
    text = str(i)
    assert text.startswith("orders.status: 6 of 6 rows (100%) have a value outside paid, cancelled, refunded")
    # the unknown values with their row counts, most frequent first, and an example row
    assert "'交易成功' (3), '交易关闭' (2), '等待买家付款' (1)" in text
    assert "example row: order_id=1, status='交易成功'" in text
    assert "map your own status values to paid / cancelled / refunded" in text.lower()
    assert "交易成功 -> paid, 交易关闭 -> cancelled" in text
    assert "a profile can rename columns but not values yet" in text
    assert i.params["top"] == [["交易成功", 3], ["交易关闭", 2], ["等待买家付款", 1]]
    zh = i.text("zh")
    assert "6 行中有 6 行" in zh and "'交易成功'（3 行）" in zh and "交易成功 -> paid" in zh


def test_unknown_values_are_an_error_only_in_more_than_half_of_the_rows(tmp_path):
    half = issues(tmp_path / "half", orders=shop_status_orders(["paid"] * 3 + ["交易成功"] * 3), users=USERS)
    assert only(half, "unknown_value").level == "warning" and half.ok
    more = issues(tmp_path / "more", orders=shop_status_orders(["paid"] * 2 + ["交易成功"] * 4), users=USERS)
    assert only(more, "unknown_value").level == "error" and not more.ok
    # nulls are not unknown: a missing status means paid
    nulls = issues(tmp_path / "nulls", orders=shop_status_orders([None] * 4 + ["交易成功"] * 2), users=USERS)
    assert only(nulls, "unknown_value").level == "warning"


def _majority_tables(table: str, column: str) -> dict[str, pd.DataFrame]:
    n = 4
    base = {"user_id": [10, 11, 12, 10], "ts": ["2024-10-01"] * n}
    if table == "campaign_assignments":
        t = pd.DataFrame(
            {"campaign_id": ["A"] * n, "user_id": [10, 11, 12, 13], "group": ["实验组"] * 3 + ["B"]}
        )
        camp = pd.DataFrame({"campaign_id": ["A"], "start_ts": ["2024-10-01"], "end_ts": ["2024-10-08"]})
        return {"campaign_assignments": t, "campaigns": camp, "users": USERS}
    if table == "points":
        t = pd.DataFrame({**base, "points": [5, -2, 3, 1], "kind": ["获得", "兑换", "获得", "earn"]})
        return {"points": t}
    t = pd.DataFrame({**base, "kind": ["评价", "评价", "star", "nps"], "score": [5, 4, 3, 9]})
    return {"feedback": t, "users": USERS}


@pytest.mark.parametrize(
    ("table", "column", "top", "hint"),
    [
        ("campaign_assignments", "group", "'实验组' (3), 'B' (1)", "实验组 -> treatment"),
        ("points", "kind", "'获得' (2), '兑换' (1)", "获得 -> earn, 兑换 -> redeem"),
        ("feedback", "kind", "'评价' (2), 'star' (1)", "评价 -> review"),
    ],
)
def test_other_values_the_analyses_rely_on(tmp_path, table, column, top, hint):
    v = issues(tmp_path, **_majority_tables(table, column))
    [i] = [i for i in v.issues if i.check == "unknown_value"]
    assert (i.level, i.table, i.column) == ("error", table, column)
    assert top in str(i) and hint in str(i) and f"map your own {column} values" in str(i).lower()


def test_many_unknown_values_list_the_top_ones_and_how_many_more(tmp_path):
    words = [f"s{k}" for k in range(8) for _ in range(8 - k)]  # s0 x8, s1 x7, ... s7 x1
    i = only(issues(tmp_path, orders=shop_status_orders(words)), "unknown_value")
    assert "'s0' (8), 's1' (7), 's2' (6), 's3' (5), 's4' (4) and 3 more" in str(i)


def test_validate_cli_refuses_a_shops_own_status_words(tmp_path):
    src = write_tables(tmp_path / "s", orders=shop_status_orders(), users=USERS)
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "validate", "--source", str(src)], capture_output=True, text=True
    )
    assert p.returncode != 0, p.stdout
    assert "ERROR   orders.status: 6 of 6 rows" in p.stdout and "Traceback" not in p.stdout + p.stderr


def test_report_on_a_shops_own_status_words_is_not_an_ok_report(tmp_path):
    """The issue's case: every order's status in the shop's own words; the overview must not say GMV was ¥0."""
    import json

    src = write_tables(tmp_path / "s", orders=shop_status_orders(), users=USERS)
    out = tmp_path / "out"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "shoplab",
            "report",
            "--source",
            str(src),
            "--out",
            str(out),
            "--only",
            "overview",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode != 0, p.stdout + p.stderr
    assert "Traceback" not in p.stdout + p.stderr
    assert "orders.status" in p.stdout + p.stderr
    for status in out.glob("*/status.json"):
        reports = {r["name"]: r for r in json.loads(status.read_text())["reports"]}
        assert reports.get("overview", {}).get("status") != "ok"
    assert not list(out.glob("*/overview.html"))


def english_sentences(page: str) -> list[str]:
    """Runs of English words left in a Chinese data-quality section once the identifiers it quotes (tags,
    quoted values, example rows, table.column names, the contract's allowed values) are taken out."""
    body = re.sub(r"<[^>]+>|(&#x27;|')[^'&]*(&#x27;|')|\b[a-z_]+=[^,；<]+|[a-z_]+\.[a-z_]+", " ", page)
    for word in ("paid", "cancelled", "refunded", "treatment_share", "nps", "null", "ISO", "status", "group"):
        body = body.replace(word, " ")
    return re.findall(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,})+", body)


def test_validation_messages_are_worded_in_chinese(tmp_path):
    """Every message code has a Chinese wording; a zh data-quality section holds no English sentence."""
    from shoplab import notebook as nbk

    orders_ = pd.DataFrame(
        {
            "order_id": [1, 2, 2, 4],
            "user_id": [10, 11, 99, 10],
            "ts": ["2024-10-01", "yesterday", "2030-01-01", "2024-10-04"],
            "amount": [1.0, -5.0, 3.0, None],
            "status": ["paid", "shipped", "paid", None],
        }
    )
    camp = pd.DataFrame(
        {
            "campaign_id": ["A", "B"],
            "start_ts": ["2024-10-05", "2024-10-01"],
            "end_ts": ["2024-10-01", "2024-10-02"],
            "treatment_share": [0.5, 1.5],
        }
    )
    fb = pd.DataFrame(
        {"user_id": [10, 11], "ts": ["2024-10-01"] * 2, "kind": ["nps", "评价"], "score": [11, 3]}
    )
    pts = pd.DataFrame({"user_id": [10], "ts": ["2024-10-01"], "points": [1], "kind": ["获得"]})
    assign = pd.DataFrame({"campaign_id": ["A"], "user_id": [10]})
    plan = pd.DataFrame({"period": ["2024-13", "2024"], "metric": ["gmv", "gmv"], "target": [1.0, 0.0]})
    sess = pd.DataFrame({"session_id": [1], "user_id": [10], "start_ts": ["2024-10-02"],
                         "first_response_ts": ["2024-10-01"], "score": [9.0]})  # fmt: skip
    shop = shoplab.connect(
        write_tables(
            tmp_path / "s",
            orders=orders_,
            campaigns=camp,
            feedback=fb,
            users=USERS,
            points=pts,
            campaign_assignments=assign,
            targets=plan,
            service_sessions=sess,
        ),
        now="2026-01-01",
    )
    page = nbk.data_quality(shop, shop.table_names, lang="zh").data
    assert not english_sentences(page), english_sentences(page)
    assert "错误" in page and "警告" in page
    from shoplab.messages import MESSAGES

    v = shop.validation
    codes = {i.code for i in v.issues}
    # every message but a backend type clash and non-finite numbers (a CSV source cannot carry them)
    assert codes == set(MESSAGES) - {"reference_type", "not_finite"}, codes
    assert "无穷大" in MESSAGES["not_finite"][1]({"bad": 1, "n": 2})
    for i in v.issues:
        assert i.text("zh") != i.message and i.describe("en") not in page


def test_issue_codes_and_parameters_survive_the_validation_cache(tmp_path):
    """The runner shares validation with its notebooks as JSON: the code and parameters come back, so a
    notebook can word the message in its own language; keys another version wrote are ignored."""
    import json

    from shoplab.validation import ValidationReport

    v = issues(tmp_path, orders=shop_status_orders(), users=USERS)
    again = ValidationReport.from_json(v.to_json())
    assert [(i.code, i.params, i.text("zh")) for i in again.issues] == [
        (i.code, i.params, i.text("zh")) for i in v.issues
    ]
    d = json.loads(v.to_json())
    d["issues"][0]["added_later"] = 1
    assert str(ValidationReport.from_json(json.dumps(d)).issues[0]) == str(v.issues[0])


def test_targets_checks_period_metric_and_target():
    import ibis

    import shoplab

    con = ibis.duckdb.connect()
    con.create_table(
        "targets",
        pd.DataFrame(
            {
                "period": ["2026-10", "2026-13", "2026-Q4", "2026", "26-1", "2026-Q5"],
                "metric": ["gmv", "gmvv", "orders", "gmv", "aov", "gmv"],
                "target": [1.0, 2.0, 0.0, -1.0, 3.0, 4.0],
            }
        ),
    )
    issues = {(i.column, i.check): i for i in shoplab.connect(con).validation.issues}
    assert issues[("period", "target_period")].n_rows == 3  # 2026-13, 26-1, 2026-Q5
    assert issues[("target", "target_not_positive")].n_rows == 2
    unknown = issues[("metric", "unknown_value")]
    assert unknown.level == "error" and unknown.n_rows == 1 and "'gmvv'" in unknown.text("en")
    assert all(i.level == "error" for i in issues.values())
    assert "YYYY-Qn" in issues[("period", "target_period")].text("en")
    assert "目标值必须大于 0" in issues[("target", "target_not_positive")].text("zh")
