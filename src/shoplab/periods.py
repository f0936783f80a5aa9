"""Reporting periods (calendar months) and the comparisons reports make: previous month, same month last year."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .errors import PeriodError

__all__ = ["Period", "latest_complete_month", "covered_days"]

_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month. ``start`` is inclusive, ``end`` exclusive (the first instant of the next month)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        if isinstance(text, Period):
            return text
        m = _RE.match(str(text).strip())
        if not m:
            raise PeriodError(f"period {str(text)!r} is not a month: use the form YYYY-MM, e.g. 2026-10")
        if not 1 <= int(m.group(2)) <= 12:
            raise PeriodError(
                f"period {str(text)!r} is not a month (the month must be 01 to 12): use the form YYYY-MM, "
                "e.g. 2026-10"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def start(self) -> _dt.datetime:
        return _dt.datetime(self.year, self.month, 1)

    @property
    def end(self) -> _dt.datetime:
        return self.shift(1).start

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shift(self, months: int) -> Period:
        k = self.year * 12 + (self.month - 1) + months
        return Period(k // 12, k % 12 + 1)

    def previous(self) -> Period:
        return self.shift(-1)

    def year_ago(self) -> Period:
        return self.shift(-12)

    def __str__(self) -> str:
        return self.label


def latest_complete_month(last_ts) -> Period:
    """The latest month that the data covers to its last day.

    ``last_ts`` is the latest timestamp in the data: if it falls on the last day of its month, that month is
    complete; otherwise the month before is the latest complete one.
    """
    ts = _dt.datetime.fromisoformat(str(last_ts)) if not isinstance(last_ts, _dt.datetime) else last_ts
    p = Period(ts.year, ts.month)
    if (ts + _dt.timedelta(days=1)).month != ts.month:
        return p
    return p.previous()


def _as_datetime(ts) -> _dt.datetime:
    if isinstance(ts, _dt.datetime):
        return ts.replace(tzinfo=None)
    if hasattr(ts, "to_pydatetime"):  # pandas Timestamp
        return ts.to_pydatetime().replace(tzinfo=None)
    if isinstance(ts, _dt.date):
        return _dt.datetime(ts.year, ts.month, ts.day)
    return _dt.datetime.fromisoformat(str(ts)).replace(tzinfo=None)


def covered_days(period: Period | str, first_ts, last_ts) -> tuple[_dt.date, _dt.date] | None:
    """The first and last day of ``period`` that data running from ``first_ts`` to ``last_ts`` touches.

    None when the data and the month do not overlap at all. The result is the whole month, ``(1st, last day)``,
    when the data covers it; a later first day or an earlier last day means the month is only partly covered.
    """
    p = Period.parse(period)
    lo, hi = _as_datetime(first_ts), _as_datetime(last_ts)
    if hi < p.start or lo >= p.end:
        return None
    last_day = (p.end - _dt.timedelta(days=1)).date()
    return max(lo.date(), p.start.date()), min(hi.date(), last_day)
