import base64
import re

import pandas as pd

from shoplab import notebook as nbk


def test_data_table_embeds_the_full_csv_and_handles_empty_tables():
    df = pd.DataFrame({"城市": ["上海", "北京"], "gmv": [1234.5, 10.0]})
    html = nbk.data_table(df, "GMV by city", max_rows=1).data
    csv = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)).decode("utf-8-sig")
    assert csv.splitlines() == ["城市,gmv", "上海,1234.5", "北京,10.0"]  # all rows, though one is shown
    assert 'download="gmv_by_city.csv"' in html and "first 1 of 2 rows shown" in html
    empty = nbk.data_table(df.iloc[:0], "Nothing").data
    assert "(no rows)" in empty and "download" not in empty


def test_data_table_caps_the_embedded_csv_and_says_so():
    df = pd.DataFrame({"pair": [f"p{i}" for i in range(30)], "lift": range(30, 0, -1)})
    html = nbk.data_table(df, "pairs", max_rows=5, max_csv_rows=10).data
    csv = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)).decode("utf-8-sig")
    assert csv.splitlines()[1:] == [f"p{i},{30 - i}" for i in range(10)]  # the first (strongest) ten
    assert "first 5 of 30 rows shown; the CSV holds the first 10" in html and "(30 rows)" in html
    zh = nbk.data_table(df, "pairs", max_rows=5, max_csv_rows=10, lang="zh").data
    assert "CSV 包含前 10 行" in zh


def test_seconds_carry_their_unit():
    assert nbk.fmt_value(19.19, "s") == "19.2 s" and nbk.fmt_value(114.77, "s", lang="zh") == "114.8 秒"


def test_formatting():
    assert nbk.fmt_value(1234567.8, "yuan") == "¥1,234,568" and nbk.fmt_value(12.345, "yuan") == "¥12.35"
    assert nbk.fmt_value(0.1234, "rate") == "12.3%" and nbk.fmt_value(float("nan"), "count") == "n/a"
    assert nbk.fmt_change(0.05) == "+5.0%" and nbk.fmt_change(-0.013, "pp") == "-1.3 pp"
    assert nbk.fmt_change(None) == "n/a"
    assert nbk.fmt_value(0.075, "pp") == "+7.5 pp" and nbk.fmt_value(-0.001, "pp") == "-0.1 pp"
    assert nbk.fmt_value(-4442.4, "yuan") == "-¥4,442" and nbk.fmt_value(-0.001, "yuan") == "¥0.00"
    # a money difference: the sign before the currency, and no "-¥0.00"
    assert [nbk.fmt_change(v, "yuan") for v in (21.014, -14.34, 12345.6, -0.004, -99.996, -250.5)] == [
        "+¥21.01",
        "-¥14.34",
        "+¥12,346",  # whole units from 100 up, as fmt_value
        "+¥0.00",
        "-¥100",
        "-¥250",  # round half to even, as fmt_value
    ]


def test_fmt_p_in_a_sentence():
    # one implementation for every report (membership's _p and paths' _p_text are this function)
    from shoplab.membership import text as mtext
    from shoplab.paths import text as ptext

    assert (
        nbk.fmt_p(0.0004) == "p < 0.001"
        and nbk.fmt_p(0.001) == "p = 0.001"
        and nbk.fmt_p(0.0426) == "p = 0.043"
    )
    assert mtext._p is nbk.fmt_p and ptext._p_text is nbk.fmt_p
