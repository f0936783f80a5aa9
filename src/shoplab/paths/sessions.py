"""Sessions: cut at an inactivity gap when the log has no ``session_id``, and summarise them."""

from __future__ import annotations

import datetime as _dt
from collections import OrderedDict
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..callshape import table_of
from ..data import require_columns
from ._common import (
    as_table,
    canonical,
    epoch_micros,
    in_bounds,
    interval,
    parse_window,
    period_bounds,
)

__all__ = [
    "add_sessions",
    "add_user_type",
    "session_keys",
    "sessions_table",
    "session_summary",
    "entry_exit_pages",
]


def add_sessions(
    events: Any,
    *,
    gap_minutes: float = 30,
    session_col: str = "session_id",
    use_existing: bool = True,
    user_col: str = "user_id",
    ts_col: str = "ts",
    event_col: str = "event",
) -> ir.Table:
    """Give every event a session: a new session starts at a user's first event and after ``gap_minutes`` idle.

    Parameters
    ----------
    events
        Ibis table or pandas DataFrame with ``user_id``, ``ts``, ``event``.
    gap_minutes
        Inactivity that ends a session: the next event starts a new one when it comes strictly more than
        ``gap_minutes`` after the previous event of the same user.
    session_col
        Name of the session column. When it exists and ``use_existing`` is true it is kept as is.
    use_existing
        Keep an existing session column (default); False recomputes sessions from the gap.

    Returns
    -------
    ibis.Table
        The events (columns renamed to ``user_id``, ``ts``, ``event``) with an integer ``session_id``
        numbering each user's sessions 1, 2, ... in time order. A session is identified by
        (``user_id``, ``session_id``).
    """
    t = canonical(events, user_col=user_col, ts_col=ts_col, event_col=event_col)
    if session_col in t.columns and use_existing:
        return t.rename({"session_id": session_col}) if session_col != "session_id" else t
    if session_col in t.columns:
        t = t.drop(session_col)
    gap_us = parse_window(pd.Timedelta(minutes=gap_minutes)) // _dt.timedelta(microseconds=1)
    # integer order keys sort faster than timestamps: microseconds, then (microseconds, not a start) packed
    # into one key so that a session's first event comes first among events at the same instant
    t = t.mutate(_us=epoch_micros(t))
    prev = t._us.lag().over(ibis.window(group_by="user_id", order_by="_us"))
    new = (prev.isnull() | (t._us - prev > gap_us)).cast("int64")
    t = t.mutate(_key=t._us * 2 + (1 - new))
    cum = ibis.window(group_by="user_id", order_by="_key", rows=(None, 0))
    return t.mutate(session_id=(1 - (t._key & 1)).sum().over(cum)).drop("_us", "_key")


def session_keys(t: ir.Table) -> list[str]:
    return ["user_id", "session_id"]


_SLICES: OrderedDict = OrderedDict()
_SLICES_KEEP = 4  # a report looks at this month and the previous one


def sessions_in(
    events: Any, *, gap_minutes: float = 30, period=None, start=None, end=None, by=()
) -> ir.Table:
    """Events of the sessions that start in the period, with ``session_id`` (lazy Ibis table).

    Only what can matter reaches the window functions: when sessions are cut at the gap, events before
    ``start - gap`` cannot change a session that starts in the period (a session reaching into the period from
    before has an event within one gap before ``start``, so it still starts before it), and they are dropped
    first. With the data's own ``session_id``, the period's sessions are those with an event in it and none before
    its start (found by probing the history with the period's sessions, not by grouping the whole history).

    The result for a period is materialised once in the engine (``Table.cache``) and shared by the helpers that
    ask for the same events, period and gap: a report's session, transition, path and node tables then read the
    period's events instead of scanning the whole log each time.
    """
    from ._common import with_groups

    t0 = canonical(events)
    lo, hi = period_bounds(period, start, end)
    if lo is None and hi is None:
        return with_groups(add_sessions(t0, gap_minutes=gap_minutes), list(by))
    own = "session_id" in t0.columns
    key = (id(t0._find_backend(use_default=True)), t0.op(), lo, hi, None if own else float(gap_minutes))
    hit = _SLICES.get(key)
    if hit is not None:
        _SLICES.move_to_end(key)
        return with_groups(hit, list(by))
    keys = ["user_id", "session_id"]
    if lo is not None and own:
        # the data's own sessions: a session with an event in the period starts in it unless it also has an
        # event before the start; only the period's sessions are grouped, the history is only probed
        during = t0.filter(in_bounds(t0.ts, lo, hi)).select(*keys).distinct()
        earlier = t0.filter(t0.ts < lo).semi_join(during, keys).select(*keys).distinct()
        starting = during.anti_join(earlier, keys)
        out = t0.filter(t0.ts >= lo).semi_join(starting, keys)
    else:
        if lo is not None:
            t0 = t0.filter(
                t0.ts >= ibis.literal(lo) - interval(parse_window(pd.Timedelta(minutes=gap_minutes)))
            )
        t = add_sessions(t0, gap_minutes=gap_minutes)
        first = t.group_by(keys).aggregate(_start=t.ts.min())
        first = first.filter(in_bounds(first._start, lo, hi)).select(*keys)
        out = t.semi_join(first, keys)
    out = out.cache()
    _SLICES[key] = out
    while len(_SLICES) > _SLICES_KEEP:
        _SLICES.popitem(last=False)
    return with_groups(out, list(by))


def sessions_table(
    events: Any, *, gap_minutes: float = 30, page_col: str | None = None, period=None, start=None, end=None
) -> ir.Table:
    """One row per session (lazy Ibis table): start, end, length, events, entry and exit page or event.

    Sessions are assigned to the period by their first event; ``page_col`` (default: ``page`` when present,
    else ``event``) names the column used for entry and exit.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    page_col = page_col or ("page" if "page" in t.columns else "event")
    keys = session_keys(t)
    # one ordered pass: the entry is the row with no previous row, the exit the row with no next one
    w = ibis.window(group_by=keys, order_by=["ts", "event"])
    t = t.mutate(_first=ibis.row_number().over(w) == 0, _last=t.ts.lead().over(w).isnull())
    s = t.group_by(keys).aggregate(
        start=t.ts.min(),
        end=t.ts.max(),
        events=t.count(),
        entry=t[page_col].max(where=t._first),
        exit=t[page_col].max(where=t._last),
    )
    return s.mutate(length_seconds=s.end.delta(s.start, unit="millisecond") / 1000.0)


def session_summary(
    events: Any, *, gap_minutes: float = 30, period=None, start=None, end=None
) -> pd.DataFrame:
    """Headline session numbers: sessions, users, events per session, median length, bounce rate.

    Returns
    -------
    pandas.DataFrame
        One row with ``sessions``, ``users``, ``events``, ``events_per_session``, ``median_length_seconds``,
        ``mean_length_seconds``, ``bounces`` (one-event sessions) and ``bounce_rate``.
    """
    s = sessions_table(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    agg = s.aggregate(
        sessions=s.count(),
        users=s.user_id.nunique(),
        events=s.events.sum(),
        median_length_seconds=s.length_seconds.median(),
        mean_length_seconds=s.length_seconds.mean(),
        bounces=(s.events == 1).cast("int64").sum(),
    ).execute()
    agg["events"] = agg["events"].fillna(0).astype("int64")
    agg["bounces"] = agg["bounces"].fillna(0).astype("int64")
    n = agg["sessions"].astype("float64")
    agg["events_per_session"] = agg["events"] / n.where(n > 0)
    agg["bounce_rate"] = agg["bounces"] / n.where(n > 0)
    return agg[
        [
            "sessions",
            "users",
            "events",
            "events_per_session",
            "median_length_seconds",
            "mean_length_seconds",
            "bounces",
            "bounce_rate",
        ]
    ]


def entry_exit_pages(
    events: Any, *, gap_minutes: float = 30, period=None, start=None, end=None, page_col: str | None = None
) -> pd.DataFrame:
    """Sessions entering and leaving at each page (or event): ``page``, ``entries``, ``exits``, shares."""
    s = sessions_table(
        events, gap_minutes=gap_minutes, period=period, start=start, end=end, page_col=page_col
    )
    # one query: the session table is computed once for both counts
    both = s.select(page=s.entry, _en=ibis.literal(1), _ex=ibis.literal(0)).union(
        s.select(page=s.exit, _en=ibis.literal(0), _ex=ibis.literal(1)), distinct=False
    )
    df = both.group_by("page").aggregate(entries=both._en.sum(), exits=both._ex.sum()).execute()
    df = df.fillna({"entries": 0, "exits": 0})
    df[["entries", "exits"]] = df[["entries", "exits"]].astype("int64")
    total = df.entries.sum()
    df["entry_share"] = df.entries / total if total else float("nan")
    df["exit_share"] = df.exits / total if total else float("nan")
    return df.sort_values(["entries", "page"], ascending=[False, True]).reset_index(drop=True)


def add_user_type(
    events: Any,
    *,
    period=None,
    start=None,
    column: str = "user_type",
    user_col: str = "user_id",
    ts_col: str = "ts",
) -> ir.Table:
    """Add ``user_type``: ``new`` for users whose first event in the data is on or after the period start,
    ``returning`` for the others (a breakdown column for funnels)."""
    t = require_columns(as_table(table_of(events, "events")), "events", [user_col, ts_col])
    lo, _ = period_bounds(period, start, None)
    if lo is None:
        raise ValueError("add_user_type needs period or start")
    first = t.group_by(user_col).aggregate(_first_ts=t[ts_col].min())
    first = first.mutate(**{column: ibis.ifelse(first._first_ts >= lo, "new", "returning")}).drop("_first_ts")
    return t.join(first, user_col)
