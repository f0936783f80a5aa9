"""Shared helpers of the path analyses: input checks, step lists, windows, periods and the unit of analysis."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from .. import stats
from ..callshape import table_of
from ..data import as_table, refuse_nulls, require_columns
from ..periods import Period

EXIT = "[exit]"
OTHER = "[other]"

EPOCH = _dt.datetime(1970, 1, 1)


def epoch_micros(t: ir.Table, col: str = "ts") -> ir.IntegerColumn:
    """Microseconds since 1970 of a timestamp column (DuckDB's ``epoch_us``; a portable date difference on
    other engines). Used to build single integer order keys, which sort much faster than (time, name) pairs."""
    try:
        name = t._find_backend(use_default=True).name
    except Exception:  # noqa: BLE001 - an unbound table compiles the portable form
        name = None
    if name == "duckdb":
        return _epoch_us(t[col])
    return t[col].delta(ibis.literal(EPOCH), unit="microsecond")


@ibis.udf.scalar.builtin(name="epoch_us")
def _epoch_us(ts: dt.timestamp) -> dt.int64:  # pragma: no cover - compiled, never called
    ...


def canonical(
    events: Any,
    *,
    user_col: str = "user_id",
    ts_col: str = "ts",
    event_col: str = "event",
    extra: Sequence[str] = (),
) -> ir.Table:
    """The events as an Ibis table with canonical names ``user_id``, ``ts``, ``event`` (other columns kept).

    A pandas DataFrame with empty (null) users, times or event names is refused: an event without a time
    cannot be ordered, and one without a user or a name cannot be counted, so dropping them quietly would
    change the numbers. (Tables of a shop opened with :func:`shoplab.connect` were checked when it was opened.)
    """
    events = table_of(events, "events")  # a shop: its events
    t = require_columns(as_table(events), "events", [user_col, ts_col, event_col, *extra])
    refuse_nulls(events, "events", [user_col, ts_col, event_col], contract_required=False)
    ren = {
        new: old for new, old in (("user_id", user_col), ("ts", ts_col), ("event", event_col)) if new != old
    }
    if ren:
        t = t.drop(*[c for c in ren if c in t.columns]).rename(ren)
    return t


def normalize_steps(steps: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Steps as ``[(label, (event, ...)), ...]``.

    A step is an event name, a list of event names (any of them counts; the label joins them with ``/``), or
    the steps are a mapping ``{label: event or [events]}``. An event may belong to one step only.
    """
    if isinstance(steps, str):
        raise ValueError("steps must be a list of event names (or a mapping label -> events), not a string")
    items: list[tuple[str, tuple[str, ...]]] = []
    pairs = steps.items() if isinstance(steps, Mapping) else [(None, s) for s in steps]
    for label, s in pairs:
        evs = (s,) if isinstance(s, str) else tuple(s)
        if not evs or not all(isinstance(e, str) for e in evs):
            raise ValueError(f"each step must be an event name or a list of event names, got {s!r}")
        items.append((str(label) if label is not None else "/".join(evs), evs))
    if len(items) < 1:
        raise ValueError("a funnel needs at least one step")
    seen: dict[str, str] = {}
    for label, evs in items:
        for e in evs:
            if e in seen:
                raise ValueError(
                    f"event {e!r} appears in two steps ({seen[e]!r} and {label!r}); each event may define one "
                    "step only"
                )
            seen[e] = label
    return items


def parse_window(window: Any) -> _dt.timedelta:
    """A conversion window: ``"7D"``, ``"30min"``, ``"2h"``, a number of seconds, or a timedelta."""
    try:
        if isinstance(window, (int, float)) and not isinstance(window, bool):
            td = pd.Timedelta(seconds=window)
        else:
            td = pd.Timedelta(window)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"window must be a duration such as '7D', '2h' or '30min', a number of seconds or a timedelta; "
            f"got {window!r}"
        ) from e
    if pd.isna(td) or td < pd.Timedelta(0):
        raise ValueError(f"window must be a non-negative duration, got {window!r}")
    return td.to_pytimedelta()


def interval(td: _dt.timedelta) -> ir.IntervalScalar:
    us = td.days * 86_400_000_000 + td.seconds * 1_000_000 + td.microseconds
    if us % 1_000_000 == 0:
        return ibis.interval(seconds=us // 1_000_000)
    return ibis.interval(microseconds=us)


def period_bounds(
    period: Any = None, start: Any = None, end: Any = None
) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """``[start, end)`` from a period (``"2026-10"`` or :class:`Period`) or explicit bounds; None = unbounded."""
    if period is not None:
        p = Period.parse(period)
        return p.start, p.end
    s = pd.Timestamp(start).to_pydatetime() if start is not None else None
    e = pd.Timestamp(end).to_pydatetime() if end is not None else None
    return s, e


def in_bounds(ts: ir.Value, start, end) -> ir.BooleanValue:
    cond = ibis.literal(True)
    if start is not None:
        cond = cond & (ts >= start)
    if end is not None:
        cond = cond & (ts < end)
    return cond


def as_list(by: Any) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def with_groups(t: ir.Table, by: list[str]) -> ir.Table:
    """Add derived breakdown columns: ``week`` (Monday of the event's week) when asked for and absent."""
    if "week" in by and "week" not in t.columns:
        t = t.mutate(week=t.ts.truncate("W").date())
    require_columns(t, "events", by, what="events (breakdown columns)")
    return t


wilson_interval = stats.wilson
"""Wilson score interval of a proportion (:func:`shoplab.stats.wilson`, under the name paths has used)."""


def to_pandas(expr) -> pd.DataFrame:
    df = expr.execute()
    return df.reset_index(drop=True)


def absent_events(
    events: Any, names: Any, *, period: Any = None, start: Any = None, end: Any = None
) -> list[str]:
    """The event names among ``names`` that never occur in the events (of the period, when one is given).

    ``names`` may mix names and lists of names (funnel steps with alternatives), or map labels to them, as
    funnel steps do. A report warns with these: a misspelt funnel step would otherwise show as a silent zero.
    """
    if isinstance(names, Mapping):
        names = list(names.values())
    wanted: list[str] = []
    for n in [names] if isinstance(names, str) else names:
        for e in [n] if isinstance(n, str) else n:
            if e not in wanted:
                wanted.append(str(e))
    t = canonical(events)
    lo, hi = period_bounds(period, start, end)
    t = t.filter(in_bounds(t.ts, lo, hi))
    seen = set(t.filter(t.event.isin(wanted)).select("event").distinct().execute()["event"])
    return [e for e in wanted if e not in seen]


@dataclass(frozen=True)
class PathContext:
    """The events, their schema, the unit counted and the time frame of a funnel, bound once.

    :func:`shoplab.paths.funnel`, :func:`~shoplab.paths.funnel_levels` and
    :func:`~shoplab.paths.step_time_distribution` bind their keyword arguments into one of these
    (:meth:`bind`) and hand it on, instead of forwarding the same keywords. A context may also be passed as
    their ``events``: ``funnel(PathContext(shop.events, window="1D", period="2026-10"), steps=steps, by="platform")``
    (its settings are used then, not the keywords).
    """

    events: Any
    window: Any = "7D"
    per: str = "user"
    strict: bool = False
    period: Any = None
    start: Any = None
    end: Any = None
    gap_minutes: float = 30
    user_col: str = "user_id"
    ts_col: str = "ts"
    event_col: str = "event"

    @classmethod
    def bind(cls, arguments: Mapping[str, Any]) -> PathContext:
        """The context of a call from its arguments (``locals()``): ``events`` and the fields it names."""
        events = arguments["events"]
        if isinstance(events, cls):
            return events
        return cls(**{f.name: arguments[f.name] for f in fields(cls) if f.name in arguments})

    def replace(self, **changes: Any) -> PathContext:
        return replace(self, **changes)

    @property
    def bounds(self) -> tuple[_dt.datetime | None, _dt.datetime | None]:
        """``[start, end)`` of the period (None: unbounded)."""
        return period_bounds(self.period, self.start, self.end)

    @property
    def unit(self) -> list[str]:
        """The columns that identify a unit: ``user_id`` (and ``session_id`` per session)."""
        return ["user_id"] if self.per == "user" else ["user_id", "session_id"]
