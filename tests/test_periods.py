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


@pytest.mark.parametrize("text", ["2026/10", "202610", "2026-13", "2026-00", "Oct 2026", ""])
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
