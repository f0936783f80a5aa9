"""Key nodes: per page or event, visits, exit rate, dwell time and the conversion of sessions touching it."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd

from ..data import require_columns
from ._common import wilson_interval
from .changes import two_proportion_test
from .flows import KEYS, _ordered
from .sessions import sessions_in

__all__ = ["key_nodes", "channel_conversion", "event_conversion"]


def key_nodes(
    events: Any,
    *,
    node_col: str = "event",
    target: str = "pay",
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Per node (event, or page with ``node_col="page"``): traffic, exits, dwell time and session conversion.

    Returns
    -------
    pandas.DataFrame
        ``node``, ``visits`` (events), ``sessions`` (touching it), ``exits`` (sessions ending there),
        ``exit_rate`` (exits / visits), ``median_dwell_seconds`` (time to the next event of the session, last
        events excluded), ``conversion`` (share of the sessions touching it with a ``target`` event), busiest
        first.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    require_columns(t, "events", [node_col])
    w = _ordered(t)
    t = t.mutate(_next_ts=t.ts.lead().over(w))
    t = t.mutate(
        _dwell=t._next_ts.delta(t.ts, unit="millisecond") / 1000.0,
        _conv=(t.event == target).cast("int64").max().over(ibis.window(group_by=KEYS)),
        node=t[node_col],
    )
    per = t.group_by([*KEYS, "node"]).aggregate(
        visits=t.count(), exits=t._next_ts.isnull().cast("int64").sum(), conv=t._conv.max()
    )
    s = per.group_by("node").aggregate(
        visits=per.visits.sum(), sessions=per.count(), exits=per.exits.sum(), converted=per.conv.sum()
    )
    d = t.group_by("node").aggregate(median_dwell_seconds=t._dwell.median())
    df = s.join(d, "node").execute()
    for c in ("visits", "sessions", "exits", "converted"):
        df[c] = df[c].astype("int64")
    df["exit_rate"] = df.exits / df.visits
    df["conversion"] = df.converted / df.sessions
    cols = ["node", "visits", "sessions", "exits", "exit_rate", "median_dwell_seconds", "conversion"]
    return df.sort_values(["visits", "node"], ascending=[False, True])[cols].reset_index(drop=True)


def channel_conversion(
    events: Any,
    *,
    channel_col: str = "channel",
    target: str = "pay",
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Traffic channel → session conversion: ``channel``, ``sessions``, ``converted``, ``conversion``, 95% CI.

    A session's channel is the channel of its first event.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    require_columns(t, "events", [channel_col])
    w = _ordered(t)
    t = t.mutate(_rn=ibis.row_number().over(w))
    s = t.group_by(KEYS).aggregate(
        channel=t[channel_col].max(where=t._rn == 0), converted=(t.event == target).cast("int64").max()
    )
    g = s.group_by("channel").aggregate(sessions=s.count(), converted=s.converted.sum())
    df = g.execute()
    return _with_ci(df, "channel")


def event_conversion(
    events: Any,
    *,
    event: str = "search",
    target: str = "pay",
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Conversion of sessions with and without ``event`` (e.g. search → purchase), with a two-proportion test.

    Returns two rows (``with_event`` True/False): ``sessions``, ``converted``, ``conversion``, CI, and the
    ``difference``/``p_value`` of with minus without on the ``True`` row.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    s = t.group_by(KEYS).aggregate(
        with_event=(t.event == event).cast("int64").max() > 0,
        converted=(t.event == target).cast("int64").max(),
    )
    df = s.group_by("with_event").aggregate(sessions=s.count(), converted=s.converted.sum()).execute()
    df = _with_ci(df, "with_event")
    a = df[~df.with_event.astype(bool)]
    b = df[df.with_event.astype(bool)]
    df["difference"] = float("nan")
    df["p_value"] = float("nan")
    if len(a) and len(b):
        r = two_proportion_test(
            a.converted.iloc[0], a.sessions.iloc[0], b.converted.iloc[0], b.sessions.iloc[0]
        )
        df.loc[df.with_event.astype(bool), "difference"] = r["difference"]
        df.loc[df.with_event.astype(bool), "p_value"] = r["p_value"]
    return df.sort_values("with_event", ascending=False).reset_index(drop=True)


def _with_ci(df: pd.DataFrame, key: str) -> pd.DataFrame:
    df = df.copy()
    df["sessions"] = df["sessions"].astype("int64")
    df["converted"] = df["converted"].fillna(0).astype("int64")
    df["conversion"] = df.converted / df.sessions
    df["ci_low"], df["ci_high"] = wilson_interval(df.converted, df.sessions)
    # ties in sessions by key, so that the engine's row order never reorders the table
    return df.sort_values(["sessions", key], ascending=[False, True], kind="stable").reset_index(drop=True)
