import datetime as dt

import pytest

from shoplab.periods import Period, latest_complete_month


def test_period_arithmetic():
    p = Period.parse("2026-01")
    assert p.start == dt.datetime(2026, 1, 1) and p.end == dt.datetime(2026, 2, 1)
    assert p.previous().label == "2025-12" and p.year_ago().label == "2025-01"
    assert Period.parse("2024-02").days == 29 and str(p.shift(13)) == "2027-02"
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse("2026-13")


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("2026-10-31 23:59:59", "2026-10"),
        ("2026-10-31 00:00:00", "2026-10"),
        ("2026-10-30 23:00", "2026-09"),
        ("2024-02-29 12:00", "2024-02"),
        ("2026-01-15", "2025-12"),
    ],
)
def test_latest_complete_month(last, expected):
    assert latest_complete_month(last).label == expected


@pytest.mark.parametrize("text", ["2026/10", "202610", "2026-13", "2026-00", "Oct 2026", "", "2026-10-01"])
def test_a_malformed_period_names_the_accepted_form(text):
    from shoplab.errors import PeriodError, ShoplabError

    with pytest.raises(PeriodError, match=r"is not a month.*use the form YYYY-MM, e.g. 2026-10") as err:
        Period.parse(text)
    assert isinstance(err.value, ShoplabError) and isinstance(err.value, ValueError)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("first", "last", "period", "expected"),
    [
        ("2025-09-01 00:10", "2026-10-31 23:59", "2026-10", ("2026-10-01", "2026-10-31")),  # whole month
        ("2025-09-01", "2026-10-31 00:00", "2026-10", ("2026-10-01", "2026-10-31")),  # last day touched
        ("2025-09-01", "2026-10-15 12:00", "2026-10", ("2026-10-01", "2026-10-15")),  # ends mid-month
        ("2025-09-12 08:00", "2026-10-31", "2025-09", ("2025-09-12", "2025-09-30")),  # starts mid-month
        ("2024-02-10", "2024-02-20", "2024-02", ("2024-02-10", "2024-02-20")),  # both ends inside
        ("2025-09-01", "2026-11-01 00:00", "2026-11", ("2026-11-01", "2026-11-01")),  # one instant in it
        ("2025-09-01", "2026-10-31 23:59", "2026-11", None),  # after the data
        ("2025-09-01", "2026-10-31 23:59", "2025-08", None),  # before the data
        ("2025-09-01", "2026-10-31 23:59", "2027-03", None),
    ],
)
def test_covered_days(first, last, period, expected):
    from shoplab.periods import covered_days

    got = covered_days(period, first, last)
    assert got == (None if expected is None else tuple(dt.date.fromisoformat(d) for d in expected))


# -- quarters, years and date ranges ---------------------------------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shoplab.errors import PeriodError  # noqa: E402

days = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31))


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "previous", "year_ago", "en", "zh"),
    [
        ("2026-10", "2026-10", "2026-10-01", "2026-10-31", "2026-09", "2025-10", "2026-10", "2026-10"),
        ("2026-Q2", "2026-Q2", "2026-04-01", "2026-06-30", "2026-Q1", "2025-Q2", "2026 Q2", "2026年第二季度"),
        ("2026q1", "2026-Q1", "2026-01-01", "2026-03-31", "2025-Q4", "2025-Q1", "2026 Q1", "2026年第一季度"),
        ("2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31", "2026-Q3", "2025-Q4", "2026 Q4", "2026年第四季度"),
        ("2026", "2026", "2026-01-01", "2026-12-31", "2025", "2025", "2026", "2026年"),
        (
            "2026-06-01..2026-06-20",
            "2026-06-01..2026-06-20",
            "2026-06-01",
            "2026-06-20",
            "2026-05-12..2026-05-31",
            "2025-06-01..2025-06-20",
            "2026-06-01 to 2026-06-20",
            "2026-06-01至2026-06-20",
        ),
        (
            "2026-11-01 .. 2026-11-11",
            "2026-11-01..2026-11-11",
            "2026-11-01",
            "2026-11-11",
            "2026-10-21..2026-10-31",
            "2025-11-01..2025-11-11",
            "2026-11-01 to 2026-11-11",
            "2026-11-01至2026-11-11",
        ),
        (
            "2024-02-29..2024-02-29",
            "2024-02-29..2024-02-29",
            "2024-02-29",
            "2024-02-29",
            "2024-02-28..2024-02-28",
            "2023-02-28..2023-02-28",
            "2024-02-29 to 2024-02-29",
            "2024-02-29至2024-02-29",
        ),
    ],
)
def test_every_kind_of_period(text, label, first, last, previous, year_ago, en, zh):
    p = Period.parse(text)
    assert p.label == label and str(p) == label and Period.parse(label) == p
    assert (p.first, p.last) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    assert p.start == dt.datetime.fromisoformat(first)
    assert p.end == dt.datetime.fromisoformat(last) + dt.timedelta(days=1)
    assert p.previous().label == previous and p.year_ago().label == year_ago
    assert p.title("en") == en and p.title("zh") == zh


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "2026-Q5",
            r"^period '2026-Q5' is not a quarter \(the quarter must be Q1 to Q4\): use the form YYYY-Qn",
        ),
        ("2026-Q0", r"is not a quarter"),
        ("2026-13", r"^period '2026-13' is not a month \(the month must be 01 to 12\)"),
        (
            "2026-06-20..2026-06-01",
            r"^period '2026-06-20..2026-06-01' ends before it starts.*2026-06-01..2026-06-20",
        ),
        ("2026-02-30..2026-03-05", r"is not a date range \(2026-02-30 is not a day"),
        ("2026-06-01..", r"is not a month, quarter, year or date range"),
        ("0000", r"the year must be 0001 to 9998"),
    ],
)
def test_bad_periods_are_one_line_errors(text, match):
    with pytest.raises(PeriodError, match=match) as err:
        Period.parse(text)
    assert "\n" not in str(err.value)


def test_month_api_is_unchanged_for_months():
    p = Period(2026, 10)
    assert p == Period.parse("2026-10") and (p.year, p.month) == (2026, 10) and p.is_month
    assert p.shift(-12) == p.year_ago() and p.shift(-1) == p.previous() and p.months == [p]
    assert sorted({Period(2026, 3), Period(2025, 1), Period(2026, 3)}) == [Period(2025, 1), Period(2026, 3)]
    assert not p.monthly and Period.parse("2026").monthly and not Period.parse("2026-Q3").monthly  # 92 days
    assert Period.parse("2026-Q2").previous_name("en") == "the previous quarter"
    assert Period.parse("2026-06-01..2026-06-20").previous_name("zh") == "前 20 天"
    assert p.previous_name("zh") == "上月" and p.year_ago_name("zh") == "去年同月"


def test_shift_counts_months_from_the_last_month():
    q = Period.parse("2026-Q2")
    assert q.last_month == Period(2026, 6) and q.first_month == Period(2026, 4)
    assert q.shift(0) == Period(2026, 6) and q.shift(-11) == Period(2025, 7)
    assert [m.label for m in Period.parse("2026-01-20..2026-03-02").months] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert Period.parse("2026").shift(-11) == Period(2026, 1)


@given(days, days)
def test_a_range_includes_both_ends_and_its_previous_has_its_length(a, b):
    a, b = min(a, b), max(a, b)
    p = Period.parse(f"{a}..{b}")
    assert a in p and b in p and (a - dt.timedelta(days=1)) not in p and (b + dt.timedelta(days=1)) not in p
    assert p.days == (b - a).days + 1 == (p.end - p.start).days
    prev = p.previous()
    assert prev.days == p.days and prev.end == p.start and prev.kind == "range"
    ya = p.year_ago()
    assert ya.first.year == a.year - 1 and abs(ya.days - p.days) <= 1
    assert Period.parse(p.label) == p
    assert covered_days_whole(p)


def covered_days_whole(p):
    from shoplab.periods import covered_days

    return covered_days(p, p.start, p.end - dt.timedelta(seconds=1)) == (p.first, p.last)


@given(st.integers(2001, 2098), st.integers(1, 4))
def test_quarters_tile_their_year(year, q):
    p = Period.parse(f"{year}-Q{q}")
    assert p.first == dt.date(year, 3 * q - 2, 1) and (p.last + dt.timedelta(days=1)).day == 1
    assert [m.label for m in p.months] == [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    assert p.previous().end == p.start and p.previous().kind == "quarter"
    assert p.year_ago() == Period.quarter(year - 1, q)
    quarters = [Period.quarter(year, k) for k in range(1, 5)]
    y = Period.parse(str(year))
    assert (
        sum(x.days for x in quarters) == y.days and quarters[0].start == y.start and quarters[-1].end == y.end
    )
    assert y.days == (366 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 365)
    assert y.previous() == y.year_ago() == Period.whole_year(year - 1) and y.previous().end == y.start


@given(days)
def test_a_day_falls_in_its_month_quarter_and_year(d):
    m = Period(d.year, d.month)
    q = Period.parse(f"{d.year}-Q{(d.month - 1) // 3 + 1}")
    y = Period.parse(str(d.year))
    assert d in m and d in q and d in y
    assert y.start <= q.start <= m.start < m.end <= q.end <= y.end
