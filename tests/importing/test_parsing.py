"""Shared parsing of `shoplab import`: encodings, Excel, gzip, ids, money and times (hand-worked values)."""

from __future__ import annotations

import datetime
import gzip

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shoplab.importing.parsing import (
    clean_text,
    detect_encoding,
    input_files,
    parse_id,
    parse_number,
    parse_timestamp,
    read_table,
)

CSV = '订单编号,金额,时间\n="202409270000000001","¥1,294.00",2024年9月27日 12:30\n'


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_encodings_are_detected_and_read(tmp_path, encoding, expected):
    text = CSV.replace("¥", "￥") if encoding == "gbk" else CSV
    p = tmp_path / "x.csv"
    p.write_bytes(text.encode(encoding))
    assert detect_encoding(p) == expected
    raw = read_table(p)
    assert list(raw.frame.columns) == ["订单编号", "金额", "时间"]
    assert parse_id(raw.frame["订单编号"])[0].tolist() == ["202409270000000001"]
    assert parse_number(raw.frame["金额"])[0].tolist() == [1294.0]


def test_western_legacy_encoding(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("name,price\nCafé Crème,£5\n".encode("cp1252"))
    assert detect_encoding(p) == "cp1252"  # not valid GB18030 either
    assert detect_encoding(p, legacy=("cp1252", "gb18030")) == "cp1252"
    assert read_table(p).frame["name"].tolist() == ["Café Crème"]


def test_gbk_beyond_the_first_block_is_detected(tmp_path):
    # the first invalid UTF-8 byte comes after 5 MB of ASCII: the whole file is checked, not a sample
    p = tmp_path / "late.csv"
    p.write_bytes(b"a,b\n" + b"1,2\n" * 1_300_000 + "3,杭州\n".encode("gbk"))
    assert detect_encoding(p) == "gb18030"


def test_gzip_tsv_and_blank_lines(tmp_path):
    p = tmp_path / "x.tsv.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write("a\tb\n1\t2\n\n\t\n3\t4\n")
    raw = read_table(p)
    assert raw.kind == "tsv" and len(raw.frame) == 4  # blank rows are kept here, for the formats to count
    assert raw.frame["a"].tolist() == ["1", "", "", "3"]
    assert input_files([tmp_path]) == [p.resolve()]


def test_xlsx_keeps_text_ids_and_reads_dates(tmp_path):
    p = tmp_path / "x.xlsx"
    df = pd.DataFrame(
        {
            "订单编号": ["202409270000000001", "7"],
            "时间": [pd.Timestamp("2024-09-27 12:30"), pd.Timestamp("2024-10-01")],
            "金额": [1294.0, 5.5],
        }
    )
    df.to_excel(p, index=False)
    raw = read_table(p)
    assert raw.kind == "xlsx"
    assert parse_id(raw.frame["订单编号"])[0].tolist() == ["202409270000000001", "7"]
    ts, bad = parse_timestamp(raw.frame["时间"])
    assert ts.tolist() == [pd.Timestamp("2024-09-27 12:30"), pd.Timestamp("2024-10-01")] and not bad.any()
    assert parse_number(raw.frame["金额"])[0].tolist() == [1294.0, 5.5]


def test_text_cleaning():
    s = pd.Series(['="0012"', "'0034", "  x  ", "", "null", "-", "\t56\t"])
    t = clean_text(s)
    assert t.isna().tolist() == [False, False, False, True, True, True, False]
    assert t.dropna().tolist() == ["0012", "0034", "x", "56"]


def test_ids_stay_text_and_lost_digits_are_flagged():
    ids, bad = parse_id(pd.Series(["202409270000000001", "123.0", "2.02409E+17", '="0009"']))
    assert ids.fillna("-").tolist() == ["202409270000000001", "123", "-", "0009"]
    assert bad.tolist() == [False, False, True, False]


def test_money():
    v, bad = parse_number(
        pd.Series(["¥1,294.00", "$1,294.00", "￥12.5", "(3.00)", "12元", "USD 7", "", "abc", "-4"])
    )
    assert v.tolist()[:6] == [1294.0, 1294.0, 12.5, -3.0, 12.0, 7.0]
    assert pd.isna(v[6]) and pd.isna(v[7]) and v[8] == -4.0
    assert bad.tolist() == [False] * 7 + [True, False]


def test_time_formats():
    s = pd.Series(
        [
            "2024-09-27 12:30:45",
            "2024/9/27 12:30",
            "2024年9月27日 12:30",
            "2024年9月27日",
            "45562.5",  # Excel serial: 2024-09-27 12:00
            "20240927",
            "2024-09-27T12:30:45.250",
            "yesterday",
            "",
        ]
    )
    ts, bad = parse_timestamp(s)
    assert ts.tolist()[:7] == [
        pd.Timestamp("2024-09-27 12:30:45"),
        pd.Timestamp("2024-09-27 12:30"),
        pd.Timestamp("2024-09-27 12:30"),
        pd.Timestamp("2024-09-27"),
        pd.Timestamp("2024-09-27 12:00"),
        pd.Timestamp("2024-09-27"),
        pd.Timestamp("2024-09-27 12:30:45.250"),
    ]
    assert bad.tolist() == [False] * 7 + [True, False]


def test_day_first_or_month_first_per_column():
    us, _ = parse_timestamp(pd.Series(["12/1/2010 8:26", "1/2/2011 9:00"]))
    assert us.tolist() == [pd.Timestamp("2010-12-01 08:26"), pd.Timestamp("2011-01-02 09:00")]
    eu, _ = parse_timestamp(pd.Series(["27/09/2024 12:30", "01/10/2024 09:00"]))
    assert eu.tolist() == [pd.Timestamp("2024-09-27 12:30"), pd.Timestamp("2024-10-01 09:00")]


def test_offsets_keep_wall_clock_unless_a_timezone_is_given():
    s = pd.Series(
        [
            "2024-09-27 12:30:00 -0500",
            "2024-09-27 23:30:00 +08:00",
            "2024-09-27 10:00:00Z",
            "2024-09-27 10:00",
        ]
    )
    kept, _ = parse_timestamp(s)
    assert kept.tolist() == [
        pd.Timestamp("2024-09-27 12:30"),
        pd.Timestamp("2024-09-27 23:30"),
        pd.Timestamp("2024-09-27 10:00"),
        pd.Timestamp("2024-09-27 10:00"),
    ]
    sh, _ = parse_timestamp(s, timezone="Asia/Shanghai")
    assert sh.tolist() == [
        pd.Timestamp("2024-09-28 01:30"),  # 12:30 -05:00 = 17:30 UTC = 01:30 next day in Shanghai
        pd.Timestamp("2024-09-27 23:30"),
        pd.Timestamp("2024-09-27 18:00"),
        pd.Timestamp("2024-09-27 10:00"),  # no offset written: taken as it is
    ]
    ny, _ = parse_timestamp(pd.Series(["2024-09-27 12:30:00 -0500"]), timezone="America/New_York")
    assert ny.tolist() == [pd.Timestamp("2024-09-27 13:30")]  # EDT is -04:00 in September


def test_epoch_times_go_to_the_timezone_default_shanghai():
    s = pd.Series(["1511544070", "1511544070000"])
    sh, bad = parse_timestamp(s)
    assert sh.tolist() == [pd.Timestamp("2017-11-25 01:21:10")] * 2 and not bad.any()
    utc, _ = parse_timestamp(s, timezone="UTC")
    assert utc.tolist() == [pd.Timestamp("2017-11-24 17:21:10")] * 2


def test_explicit_format():
    ts, bad = parse_timestamp(pd.Series(["27.09.2024 12:30", "x"]), fmt="%d.%m.%Y %H:%M")
    assert ts[0] == pd.Timestamp("2024-09-27 12:30") and bad.tolist() == [False, True]


def test_xls_workbook(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    sh = wb.add_sheet("订单")
    for j, h in enumerate(["订单编号", "时间", "金额"]):
        sh.write(0, j, h)
    sh.write(1, 0, "202409270000000001")
    sh.write(1, 1, datetime.datetime(2024, 9, 27, 12, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
    sh.write(1, 2, 1294.0)
    p = tmp_path / "x.xls"
    wb.save(str(p))
    raw = read_table(p)
    assert raw.kind == "xls"
    assert parse_id(raw.frame["订单编号"])[0].tolist() == ["202409270000000001"]
    assert parse_timestamp(raw.frame["时间"])[0].tolist() == [pd.Timestamp("2024-09-27 12:30")]
    assert parse_number(raw.frame["金额"])[0].tolist() == [1294.0]


def _render(t: pd.Timestamp, style: str) -> str:
    if style == "iso":
        return f"{t:%Y-%m-%d %H:%M:%S}"
    if style == "slash":
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t:%M:%S}"
    if style == "chinese":
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M:%S}"
    if style == "serial":  # Excel: days since 1899-12-30, to the second
        return repr((t - pd.Timestamp("1899-12-30")).total_seconds() / 86400)
    if (
        style == "epoch"
    ):  # seconds since 1970 UTC of the Shanghai wall-clock time t (UTC+8, no DST since 1991)
        return str(int((t - pd.Timestamp("1970-01-01 08:00")).total_seconds()))
    return f"{t:%Y-%m-%d %H:%M:%S} -0500"  # offset: wall clock kept without --timezone


@given(
    st.lists(
        st.tuples(
            st.datetimes(datetime.datetime(1995, 1, 1), datetime.datetime(2035, 12, 31)).map(
                lambda d: pd.Timestamp(d).floor("s")
            ),
            st.sampled_from(["iso", "slash", "chinese", "serial", "epoch", "offset"]),
        ),
        min_size=1,
        max_size=20,
    )
)
@settings(max_examples=60, deadline=None)
def test_time_formats_against_the_written_time(cases):
    ts, bad = parse_timestamp(pd.Series([_render(t, style) for t, style in cases]))
    assert not bad.any()
    assert ts.tolist() == [t for t, _ in cases]
