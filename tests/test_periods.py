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
