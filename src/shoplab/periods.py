"""Reporting periods and the comparisons reports make.

A period is a calendar month (``2026-10``), a quarter (``2026-Q2``), a year (``2026``) or a date range with
both days included (``2026-06-01..2026-06-20``, a 618 or 双11 window). Every period compares with two others:

* :meth:`Period.previous`, the comparable period just before: the previous month, quarter or year; for a range,
  the same number of days ending the day before it starts.
* :meth:`Period.year_ago`, the same window last year: the same month or quarter, the previous year; for a range,
  the same dates a year earlier (29 February becomes 28 February).

``start`` is inclusive and ``end`` exclusive (the first instant after the last day) for every kind.
:meth:`Period.shift` counts calendar months from the period's last month (for a month, itself), so a look-back
window "12 months to the period" is ``p.shift(-11).start`` to ``p.end`` whatever the kind.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re

from .errors import PeriodError
from .i18n import tr

__all__ = ["Period", "latest_complete_month", "covered_days", "PERIOD_FORMS", "DAILY_MAX_DAYS"]

#: The accepted forms, for help texts and error messages.
PERIOD_FORMS = (
    "YYYY-MM (a month), YYYY-Qn (a quarter), YYYY (a year) or YYYY-MM-DD..YYYY-MM-DD (days, both included)"
)

#: A period longer than this many days reads better as monthly series than daily ones.
DAILY_MAX_DAYS = 92

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq](\d+)$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\S+?)\s*(?:\.\.|/)\s*(\S+)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KINDS = ("month", "quarter", "year", "range")
_QUARTER_ZH = ("一", "二", "三", "四")


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + months
    return k // 12, k % 12 + 1


def _month_last_day(year: int, month: int) -> _dt.date:
    y, m = _add_months(year, month, 1)
    return _dt.date(y, m, 1) - _dt.timedelta(days=1)


def _check_year(year: int, text: str) -> None:
    if not 1 <= year <= 9998:
        raise PeriodError(f"period {text!r} has year {year}: the year must be 0001 to 9998")


@functools.total_ordering
class Period:
    """A reporting period: a month, a quarter, a year or a date range (both days included).

    ``Period(2026, 10)`` is the month 2026-10; :meth:`quarter`, :meth:`whole_year` and :meth:`days_between` make
    the others, :meth:`parse` reads any of their labels. Immutable, hashable and ordered by (first day, last day).
    """

    __slots__ = ("kind", "first", "last")
    kind: str
    first: _dt.date
    last: _dt.date

    def __init__(self, year: int, month: int) -> None:
        year, month = int(year), int(month)
        if not 1 <= month <= 12:
            raise PeriodError(f"month {month} of {year} is not a month: the month must be 01 to 12")
        self._set("month", _dt.date(year, month, 1), _month_last_day(year, month))

    def _set(self, kind: str, first: _dt.date, last: _dt.date) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)

    @classmethod
    def _make(cls, kind: str, first: _dt.date, last: _dt.date) -> Period:
        p = object.__new__(cls)
        p._set(kind, first, last)
        return p

    def __setattr__(self, name, value):
        raise AttributeError(f"Period is immutable: cannot set {name}")

    def __reduce__(self):
        return (Period._make, (self.kind, self.first, self.last))

    # -- making periods -------------------------------------------------------------------------------
    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        """Quarter ``q`` (1 to 4) of ``year``."""
        if not 1 <= int(q) <= 4:
            raise PeriodError(f"quarter {q} of {year} is not a quarter: the quarter must be Q1 to Q4")
        first_month = 3 * (int(q) - 1) + 1
        return cls._make("quarter", _dt.date(year, first_month, 1), _month_last_day(year, first_month + 2))

    @classmethod
    def whole_year(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls._make("year", _dt.date(year, 1, 1), _dt.date(year, 12, 31))

    @classmethod
    def days_between(cls, first: _dt.date | str, last: _dt.date | str) -> Period:
        """The days from ``first`` to ``last``, both included."""
        a, b = (d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d)) for d in (first, last))
        a = a.date() if isinstance(a, _dt.datetime) else a
        b = b.date() if isinstance(b, _dt.datetime) else b
        if b < a:
            raise PeriodError(
                f"period {a}..{b} ends before it starts: write the earlier day first, e.g. {b}..{a}"
            )
        return cls._make("range", a, b)

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """``2026-10``, ``2026-Q2``, ``2026`` or ``2026-06-01..2026-06-20`` (or a :class:`Period`, returned).

        Raises :class:`~shoplab.errors.PeriodError` with a one-line message naming the accepted forms.
        """
        if isinstance(text, Period):
            return text
        s = str(text).strip()
        if m := _MONTH.match(s):
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                raise PeriodError(
                    f"period {s!r} is not a month (the month must be 01 to 12): use the form YYYY-MM, e.g. 2026-10"
                )
            _check_year(y, s)
            return cls(y, mo)
        if m := _QUARTER.match(s):
            y, q = int(m.group(1)), int(m.group(2))
            if not 1 <= q <= 4:
                raise PeriodError(
                    f"period {s!r} is not a quarter (the quarter must be Q1 to Q4): use the form YYYY-Qn, "
                    "e.g. 2026-Q2"
                )
            _check_year(y, s)
            return cls.quarter(y, q)
        if m := _YEAR.match(s):
            y = int(m.group(1))
            _check_year(y, s)
            return cls.whole_year(y)
        if (m := _RANGE.match(s)) and _DAY.match(m.group(1)) and _DAY.match(m.group(2)):
            days = []
            for part in (m.group(1), m.group(2)):
                try:
                    days.append(_dt.date.fromisoformat(part))
                except ValueError as e:
                    raise PeriodError(
                        f"period {s!r} is not a date range ({part} is not a day: {e}): use the form "
                        "YYYY-MM-DD..YYYY-MM-DD, e.g. 2026-06-01..2026-06-20"
                    ) from None
            for d in days:
                _check_year(d.year, s)
            if days[1] < days[0]:
                raise PeriodError(
                    f"period {s!r} ends before it starts: write the earlier day first, "
                    f"e.g. {days[1]}..{days[0]}"
                )
            return cls._make("range", days[0], days[1])
        raise PeriodError(
            f"period {s!r} is not a month, quarter, year or date range: use the form YYYY-MM, "
            f"e.g. 2026-10, or YYYY-Qn (2026-Q2), YYYY (2026) or YYYY-MM-DD..YYYY-MM-DD "
            "(2026-06-01..2026-06-20, both days included)"
        )

    # -- what it covers -------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        """The year of the period's last month."""
        return self.last.year

    @property
    def month(self) -> int:
        """The period's last month (for a month, the month)."""
        return self.last.month

    @property
    def is_month(self) -> bool:
        return self.kind == "month"

    @property
    def start(self) -> _dt.datetime:
        """The first instant of the period (inclusive)."""
        return _dt.datetime(self.first.year, self.first.month, self.first.day)

    @property
    def end(self) -> _dt.datetime:
        """The first instant after the period (exclusive)."""
        return self.start + _dt.timedelta(days=self.days)

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.last - self.first).days + 1

    @property
    def first_month(self) -> Period:
        """The calendar month of the period's first day."""
        return Period(self.first.year, self.first.month)

    @property
    def last_month(self) -> Period:
        """The calendar month of the period's last day (for a month, itself)."""
        return Period(self.last.year, self.last.month)

    @property
    def last_full_month(self) -> Period:
        """The latest calendar month that ends on or before the period's end: the last month of a month, quarter
        or year; for a range ending inside a month, the month before that one (monthly views stop there)."""
        m = self.last_month
        return m if m.last == self.last else m.previous()

    @property
    def months(self) -> list[Period]:
        """The calendar months the period touches, in order (a range may touch a month only in part)."""
        out, p = [], self.first_month
        while p.first <= self.last:
            out.append(p)
            p = p.shift(1)
        return out

    @property
    def monthly(self) -> bool:
        """True when series over the period read better per month than per day (longer than ~a quarter)."""
        return self.days > DAILY_MAX_DAYS

    def __contains__(self, day) -> bool:
        d = day.date() if isinstance(day, _dt.datetime) else day
        return self.first <= d <= self.last

    # -- comparisons ----------------------------------------------------------------------------------
    def shift(self, months: int) -> Period:
        """The calendar month ``months`` months after the period's last month (for a month: from itself)."""
        y, m = _add_months(self.last.year, self.last.month, months)
        return Period(y, m)

    def previous(self) -> Period:
        """The comparable period just before: previous month, quarter or year; a range's same length before it."""
        if self.kind == "month":
            return self.shift(-1)
        if self.kind == "quarter":
            y, m = _add_months(self.first.year, self.first.month, -3)
            return Period.quarter(y, (m - 1) // 3 + 1)
        if self.kind == "year":
            return Period.whole_year(self.first.year - 1)
        n = _dt.timedelta(days=self.days)
        return Period._make("range", self.first - n, self.last - n)

    def year_ago(self) -> Period:
        """The same window last year: same month, same quarter, the previous year, a range's dates a year before."""
        if self.kind == "month":
            return self.shift(-12)
        if self.kind == "quarter":
            return Period.quarter(self.first.year - 1, (self.first.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.whole_year(self.first.year - 1)
        return Period._make("range", _year_before(self.first), _year_before(self.last))

    # -- words ----------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """The machine label, also the name of the report folder: 2026-10, 2026-Q2, 2026, 2026-06-01..2026-06-20."""
        if self.kind == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{self.first.year:04d}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.first.year:04d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def title(self, lang: str | None = None) -> str:
        """The period as a reader sees it: 2026-10, 2026 Q2 / 2026年第二季度, 2026 / 2026年, 2026-06-01 to 2026-06-20 /
        2026-06-01至2026-06-20."""
        if self.kind == "month":
            return self.label
        if self.kind == "quarter":
            q = (self.first.month - 1) // 3 + 1
            return tr(f"{self.first.year} Q{q}", f"{self.first.year}年第{_QUARTER_ZH[q - 1]}季度", lang)
        if self.kind == "year":
            return tr(f"{self.first.year}", f"{self.first.year}年", lang)
        return tr(f"{self.first} to {self.last}", f"{self.first}至{self.last}", lang)

    def noun(self, lang: str | None = None) -> str:
        """month / quarter / year / period (月 / 季度 / 年度 / 期间)."""
        en, zh = {"month": ("month", "月"), "quarter": ("quarter", "季度"), "year": ("year", "年度")}.get(
            self.kind, ("period", "期间")
        )
        return tr(en, zh, lang)

    def this_name(self, lang: str | None = None) -> str:
        """this month / this quarter / this year / this period (本月 / 本季度 / 本年 / 本期)."""
        zh = {"month": "本月", "quarter": "本季度", "year": "本年"}.get(self.kind, "本期")
        return tr(f"this {self.noun('en')}", zh, lang)

    def previous_name(self, lang: str | None = None) -> str:
        """the previous month / quarter / year, the previous 20 days (上月 / 上季度 / 上年 / 前 20 天)."""
        if self.kind == "range":
            return tr(f"the previous {self.days} days", f"前 {self.days} 天", lang)
        zh = {"month": "上月", "quarter": "上季度", "year": "上年"}[self.kind]
        return tr(f"the previous {self.kind}", zh, lang)

    def year_ago_name(self, lang: str | None = None) -> str:
        """the same month / quarter last year, last year, the same window last year (去年同月 / 去年同季度 / 去年 / 去年同期)."""
        en, zh = {
            "month": ("the same month last year", "去年同月"),
            "quarter": ("the same quarter last year", "去年同季度"),
            "year": ("last year", "去年"),
        }.get(self.kind, ("the same window last year", "去年同期"))
        return tr(en, zh, lang)

    def vs_previous(self, lang: str | None = None) -> str:
        """vs previous month / quarter / year, vs the previous 20 days (环比上月 / 环比上季度 / 比上年 / 比前 20 天)."""
        if self.kind == "range":
            return tr(f"vs the previous {self.days} days", f"比前 {self.days} 天", lang)
        zh = {"month": "环比上月", "quarter": "环比上季度", "year": "比上年"}[self.kind]
        return tr(f"vs previous {self.kind}", zh, lang)

    def vs_year_ago(self, lang: str | None = None) -> str:
        """vs the same month / quarter last year, vs last year, vs the same window last year (同比 ...)."""
        if self.kind == "range":
            return tr("vs the same window last year", "同比去年同期", lang)
        return tr(f"vs {self.year_ago_name('en')}", f"同比{self.year_ago_name('zh')}", lang)

    def scope_text(self, lang: str | None = None, *, compared: bool = True) -> str | None:
        """A sentence for a report of a quarter, a year or a range (None for a month): what it covers, how to read
        "month" in the report's text, and (``compared``) what it is compared with."""
        if self.is_month:
            return None
        prev, ya = self.previous(), self.year_ago()
        series_en = " Series over it run per month." if self.monthly else ""
        series_zh = "其中的走势按月展示。" if self.monthly else ""
        if prev == ya:
            comp_en = f"it is compared with {self.previous_name('en')} ({prev.title('en')})"
            comp_zh = f"对比对象为{self.previous_name('zh')}（{prev.title('zh')}）"
        else:
            comp_en = (
                f"it is compared with {self.previous_name('en')} ({prev.title('en')}) and with "
                f"{self.year_ago_name('en')} ({ya.title('en')})"
            )
            comp_zh = (
                f"对比对象为{self.previous_name('zh')}（{prev.title('zh')}）和{self.year_ago_name('zh')}"
                f"（{ya.title('zh')}）"
            )
        span_en = f"{self.days} days, both included"
        span_zh = f"共 {self.days} 天，含首尾两天"
        if self.kind != "range":
            span_en, span_zh = (
                f"{self.first} to {self.last}, {span_en}",
                f"{self.first} 至 {self.last}，{span_zh}",
            )
        if not compared:
            return tr(
                f'This report covers {self.title("en")} ({span_en}): where the text says "month", read '
                f'"{self.noun("en")}".{series_en}',
                f"本报告覆盖 {self.title('zh')}（{span_zh}）：文中的“本月”即{self.this_name('zh')}。{series_zh}",
                lang,
            )
        return tr(
            f"This report covers {self.title('en')} ({span_en}): "
            f'where the text says "month", read "{self.noun("en")}"; {comp_en}.{series_en}',
            f"本报告覆盖 {self.title('zh')}（{span_zh}）："
            f"文中的“本月”“上月”即{self.this_name('zh')}与{self.previous_name('zh')}；{comp_zh}。{series_zh}",
            lang,
        )

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Period.parse({self.label!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.kind, self.first, self.last) == (other.kind, other.first, other.last)

    def __lt__(self, other) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.first, self.last, _KINDS.index(self.kind)) < (
            other.first,
            other.last,
            _KINDS.index(other.kind),
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.first, self.last))


def _year_before(d: _dt.date) -> _dt.date:
    if d.month == 2 and d.day == 29:
        return _dt.date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


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

    None when the data and the period do not overlap at all. The result is the whole period, ``(first day, last
    day)``, when the data covers it; a later first day or an earlier last day means it is only partly covered.
    """
    p = Period.parse(period)
    lo, hi = _as_datetime(first_ts), _as_datetime(last_ts)
    if hi < p.start or lo >= p.end:
        return None
    return max(lo.date(), p.first), min(hi.date(), p.last)
