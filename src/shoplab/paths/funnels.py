"""Ordered funnels with a conversion window (ClickHouse ``windowFunnel`` semantics), built from window functions.

How a unit (user or session) reaches step k: some occurrence of step 1 inside the period (the *anchor*) is
followed by occurrences of steps 2..k in that order, the step-k occurrence no later than ``window`` after the
anchor (the window edge counts). Any step-1 occurrence may anchor, not only the first. Events at the same
timestamp are taken in step order, so a tie counts as "in order". Other events may come in between unless
``strict=True``, where step k must be the very next event of the unit after step k-1.

The engine formulation needs only window functions, so it runs on DuckDB and on Spark: each step-k occurrence
inherits the latest valid step-(k-1) anchor before it (the best one, since anchors never decrease in time) and
is valid when it lies within the window of that anchor. The default (non-strict) funnel does this with one
``lag`` per level over a single integer order key (see ``_valid_rows``); strict funnels and
``keep_other_events`` use lags and running maxima over every event.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..callshape import keyword_only
from . import changes
from ._common import (
    EPOCH,
    EXIT,
    PathContext,
    as_list,
    canonical,
    epoch_micros,
    in_bounds,
    interval,
    normalize_steps,
    parse_window,
    wilson_interval,
    with_groups,
)
from .sessions import add_sessions

__all__ = [
    "funnel",
    "funnel_levels",
    "dropoff_destinations",
    "funnel_intervals",
    "biggest_dropoff",
]


def _units(t: ir.Table, per: str, gap_minutes: float) -> tuple[ir.Table, list[str]]:
    if per == "user":
        return t, ["user_id"]
    if per == "session":
        return add_sessions(t, gap_minutes=gap_minutes), ["user_id", "session_id"]
    raise ValueError(f"per must be 'user' or 'session', got {per!r}")


def _prepare(ctx: PathContext, steps, *, step_events_only, by=None):
    """The events a funnel looks at, with units: (table, partition columns, lo, hi, K, window).

    With ``step_events_only`` the table has every event still (``_step_keys`` keeps and numbers the step
    events in one join); otherwise it has ``_k``, the step number of each event (null for other events).
    """
    st = normalize_steps(steps)
    win_td = parse_window(ctx.window)
    groups = as_list(by)
    t = canonical(ctx.events, user_col=ctx.user_col, ts_col=ctx.ts_col, event_col=ctx.event_col)
    t = with_groups(t, groups)
    if ctx.per == "session" and "session_id" in t.columns:
        t = t.select(*dict.fromkeys([*groups, "user_id", "session_id", "ts", "event"]))
    else:
        t = t.select(*dict.fromkeys([*groups, "user_id", "ts", "event"]))
    t, unit = _units(t, ctx.per, ctx.gap_minutes)
    lo, hi = ctx.bounds
    if hi is not None:  # later steps may complete after the period, within the window of an anchor inside it
        t = t.filter(t.ts < ibis.literal(hi) + interval(win_td))
    if lo is not None:
        t = t.filter(t.ts >= lo)
    if not step_events_only:
        t = t.mutate(_k=_step_case(t, st))
    return t, [*groups, *unit], lo, hi, len(st), win_td


def _step_case(t, st):
    """The step number of each event, null for other events."""
    k = ibis.cases(*[(t.event.isin(list(evs)), i + 1) for i, (_, evs) in enumerate(st)], else_=None)
    return k.cast("int32")


def _step_keys(t, steps, part, hi):
    """The step events as ``part``, ``_tk`` (order key) and ``_s`` (step number, int8): one join with a small
    event -> step table keeps the step events and numbers them. Step-1 events at or after ``hi`` anchor nothing
    and are left out (``t`` starts at the period's start already).

    The join and the key columns are one SELECT on purpose: DuckDB pushes the union of the levels' filters on
    ``_s`` into the shared result, and on a single SELECT it lands on the five-row table instead of every row.
    """
    codes = {e: i + 1 for i, (_, evs) in enumerate(normalize_steps(steps)) for e in evs}  # one step per event
    if hi is not None:
        t = t.filter((t.ts < hi) | ~t.event.isin([e for e, k in codes.items() if k == 1]))
    m = ibis.memtable({"_ev": list(codes), "_s": list(codes.values())}, schema=dict(_ev="string", _s="int8"))
    j = t.join(m, t.event == m._ev)
    return j.select(*part, _tk=(epoch_micros(j) << _KEY_BITS) + j._s.cast("int64"), _s=j._s)


@keyword_only("steps")
def funnel_levels(
    events: Any,
    *,
    steps: Any,
    window: Any = "7D",
    by: Any = None,
    per: str = "user",
    strict: bool = False,
    period: Any = None,
    start: Any = None,
    end: Any = None,
    gap_minutes: float = 30,
    keep_other_events: bool = False,
    user_col: str = "user_id",
    ts_col: str = "ts",
    event_col: str = "event",
) -> ir.Table:
    """The events with the funnel step each one validly completes (lazy Ibis table; the engine of :func:`funnel`).

    Adds ``_k`` (step number 1..K of the event, null for other events) and ``_anchor`` (timestamp of the
    latest step-1 occurrence whose chain this event validly extends, null when it extends none). By default
    only valid step occurrences come back, those that can matter (see ``_valid_rows``: a unit's level and its
    first valid time per step are kept), with ``_tk``, ``_atk`` and ``_ptk``, the integer order keys of the row,
    of its anchor and of the previous step it extends; ``keep_other_events`` returns every event instead (strict
    funnels always look at every event, and add ``_pts``, the time of the previous step a valid row extends).
    """
    return _levels(PathContext.bind(locals()), steps, by=by, keep_other_events=keep_other_events)


def _levels(ctx: PathContext, steps, *, by=None, keep_other_events: bool = False) -> ir.Table:
    """:func:`funnel_levels` in a context."""
    strict = ctx.strict
    t, part, lo, hi, k_max, win_td = _prepare(
        ctx, steps, by=by, step_events_only=not (strict or keep_other_events)
    )
    if not (strict or keep_other_events):
        return _valid_rows(_step_keys(t, steps, part, hi), k_max, win_td, part)
    win = interval(win_td)
    anchor_ok = (t._k == 1) & in_bounds(t.ts, lo, hi)
    if strict:
        return _strict_levels(t, k_max, win, part, anchor_ok)
    null_ts = ibis.null(t.ts.type())
    t = t.mutate(_a1=ibis.ifelse(anchor_ok, t.ts, null_ts), _kk=t._k.fill_null(k_max + 1))
    w = ibis.window(group_by=part, order_by=["ts", "_kk"], rows=(None, 0))
    for j in range(2, k_max + 1):
        t = t.mutate(_best=t[f"_a{j - 1}"].max().over(w))
        ok = (t._k == j) & t._best.notnull() & (t.ts <= t._best + win)
        t = t.mutate(**{f"_a{j}": ibis.ifelse(ok, t._best, null_ts)}).drop("_best")
    anchors = [t[f"_a{j}"] for j in range(1, k_max + 1)]
    t = t.mutate(_anchor=ibis.coalesce(*anchors) if k_max > 1 else t._a1)
    return t.drop("_kk", *[f"_a{j}" for j in range(1, k_max + 1)])


_KEY_BITS = 6  # the order key packs the step number into the low bits of the event's microsecond timestamp


def _valid_rows(base, k_max, win_td, part):
    """Valid step occurrences only, level by level, each level one cheap ``lag`` pass (no running aggregates).

    ``base`` holds the step events as the unit columns, ``_tk`` and ``_s`` (see ``_step_keys``).

    Rows are ordered within the unit by one integer key, ``_tk`` = microseconds * 64 + step number (a tie in
    time is taken in step order). Level 1 is every step-1 occurrence in the period, its own anchor. Level j
    orders the valid level-(j-1) rows together with the step-j occurrences; a step-j occurrence is kept when
    the row just before it is a valid level-(j-1) row, inheriting that row's anchor, and it lies within the
    window of the anchor.

    Why this keeps every unit's level and its first valid time per step: valid level-(j-1) anchors never
    decrease in time, so the latest valid level-(j-1) row before a step-j occurrence carries the best anchor
    it can inherit; among the step-j occurrences between two such rows all inherit the same anchor and the
    first is the earliest, so the later ones can neither be valid when the first is not nor lead to anything
    the first does not. Dropping them keeps the result and makes each level's input small.

    Returns the unit columns, ``_k``, ``_tk``, ``_atk`` (the anchor's key) and ``_ptk`` (the key of the
    valid level-(j-1) row it extends, its previous step in the same chain; null at level 1), plus ``ts`` and
    ``_anchor`` as timestamps (derived from the keys, computed only when selected).
    """
    if k_max >= 1 << _KEY_BITS:
        raise ValueError(f"a funnel may have at most {(1 << _KEY_BITS) - 1} steps, got {k_max}")
    win_key = (win_td // _dt.timedelta(microseconds=1)) << _KEY_BITS
    mask = (1 << _KEY_BITS) - 1
    w = ibis.window(group_by=part, order_by="_tk")
    cur = base.filter(base._s == 1).select(*part, "_tk", _atk=base._tk, _ptk=ibis.null("int64"))
    levels = [cur.mutate(_k=ibis.literal(1, "int32"))]
    for j in range(2, k_max + 1):
        # tk - atk = (us_j - us_anchor) * 64 + (j - 1): within the window iff tk - atk <= window * 64 + (j - 1)
        if j == 2:  # anchors are their own anchor key, so one ordered pass over steps 1 and 2 suffices
            u = base.filter(base._s <= 2).select(*part, "_tk")
            u = u.mutate(_pa=u._tk.lag().over(w))
            prev_ok = (u._pa & mask) == 1
            prev_tk = u._pa  # the step-1 row is the anchor and the previous step
        else:  # valid level-(j-1) rows carry their anchor key, the step-j occurrences carry none
            cand = base.filter(base._s == j).select(*part, "_tk", _atk=ibis.null("int64"))
            u = cur.select(*part, "_tk", "_atk").union(cand, distinct=False)
            u = u.mutate(_pa=u._atk.lag().over(w), _pt=u._tk.lag().over(w))
            prev_ok = u._pa.notnull()
            prev_tk = u._pt
        ok = ((u._tk & mask) == j) & prev_ok & (u._tk - u._pa <= win_key + (j - 1))
        cur = u.filter(ok).select(*part, "_tk", _atk=u._pa, _ptk=prev_tk)
        levels.append(cur.mutate(_k=ibis.literal(j, "int32")))
    out = levels[0]
    for lv in levels[1:]:
        out = out.union(lv, distinct=False)
    epoch = ibis.literal(EPOCH)
    return out.mutate(
        ts=epoch + (out._tk >> _KEY_BITS).as_interval("us"),
        _anchor=epoch + (out._atk >> _KEY_BITS).as_interval("us"),
    )


def _strict_levels(t, k_max, win, part, anchor_ok):
    t = t.mutate(_kk=t._k.fill_null(k_max + 1), _ok1=anchor_ok)
    w = ibis.window(group_by=part, order_by=["ts", "_kk", "event"])
    lags = {}
    for j in range(1, k_max):
        lags[f"_lk{j}"] = t._k.lag(j).over(w)
        lags[f"_lt{j}"] = t.ts.lag(j).over(w)
        lags[f"_lo{j}"] = t._ok1.lag(j).over(w)
    t = t.mutate(**lags)
    anchor = ibis.ifelse(anchor_ok, t.ts, ibis.null(t.ts.type()))
    prev_ts = ibis.null(t.ts.type())
    for j in range(2, k_max + 1):
        cond = t._k == j
        for i in range(1, j):
            cond = cond & (t[f"_lk{i}"] == j - i)
        a = t[f"_lt{j - 1}"]
        cond = cond & t[f"_lo{j - 1}"] & (t.ts <= a + win)
        anchor = ibis.ifelse(cond, a, anchor)
        prev_ts = ibis.ifelse(cond, t._lt1, prev_ts)  # strict: the previous step is the event just before
    t = t.mutate(_anchor=anchor, _pts=prev_ts)
    return t.drop("_kk", "_ok1", *lags)


def _unit_times(ctx: PathContext, steps, groups) -> ir.Table:
    """Per unit and step reached (lazy): the group columns, the unit columns, ``_k``, ``from_prev`` and
    ``from_start``: minutes from the previous step and from the anchor (step 1) of the chain that first reaches
    step k, both measured at the unit's first valid step-k occurrence (``from_prev`` is null for step 1).

    One chain for both: the previous step is the step-(k-1) occurrence that this step-k occurrence extends (the
    latest valid one before it), so ``from_prev <= from_start <= window``."""
    t = _levels(ctx, steps, by=groups)
    unit, strict = ctx.unit, ctx.strict
    if strict:
        v = t.filter(t._anchor.notnull())
        v = v.mutate(
            _from_start=v.ts.delta(v._anchor, unit="microsecond") / 60e6,
            _from_prev=v.ts.delta(v._pts, unit="microsecond") / 60e6,
        )
        per_unit = v.group_by([*groups, *unit, "_k"]).aggregate(
            _first=v.ts.min(), from_start=v._from_start.argmin(v.ts), from_prev=v._from_prev.argmin(v.ts)
        )
    else:  # integer order keys: key = microseconds * 64 + step, anchor key = anchor microseconds * 64 + 1
        # a unit's valid step-k rows have anchors and previous steps that never decrease in time (each extends
        # the latest valid step-(k-1) row before it), so the first valid row also has the smallest anchor and
        # previous-step keys: three plain minimums give its time, its anchor and its previous step
        per_unit = t.group_by([*groups, *unit, "_k"]).aggregate(
            _first=t._tk.min(), _afirst=t._atk.min(), _pfirst=t._ptk.min()
        )
        per_unit = per_unit.mutate(
            _first=per_unit._first >> _KEY_BITS,
            from_start=((per_unit._first >> _KEY_BITS) - (per_unit._afirst >> _KEY_BITS)) / 60e6,
            from_prev=((per_unit._first >> _KEY_BITS) - (per_unit._pfirst >> _KEY_BITS)) / 60e6,
        )
    return per_unit


@keyword_only("steps")
def funnel(
    events: Any,
    *,
    steps: Any,
    window: Any = "7D",
    by: Any = None,
    per: str = "user",
    strict: bool = False,
    period: Any = None,
    start: Any = None,
    end: Any = None,
    gap_minutes: float = 30,
    user_col: str = "user_id",
    ts_col: str = "ts",
    event_col: str = "event",
) -> pd.DataFrame:
    """Users (or sessions) reaching each step of an ordered funnel within a conversion window.

    Parameters
    ----------
    events
        Ibis table or pandas DataFrame with ``user_id``, ``ts``, ``event`` (and ``session_id`` for
        ``per="session"``, else sessions are cut at ``gap_minutes``).
    steps
        Ordered steps: event names, lists of event names (any one counts), or a mapping label -> event(s).
    window
        Conversion window measured from the step-1 occurrence: ``"7D"``, ``"1h"``, seconds or a timedelta.
        A step exactly at the window edge counts.
    by
        Breakdown column(s) of the events (``platform``, ``channel`` ...; ``"week"`` is the event's week).
        The funnel is computed within each group.
    per
        ``"user"`` or ``"session"``: what is counted (the ``users`` column counts sessions for ``"session"``).
    strict
        Step k must be the unit's very next event after step k-1 (no other events in between).
    period, start, end
        Step-1 occurrences must fall in ``[start, end)`` (or in the month ``period``); later steps may complete
        after ``end`` within the window.
    gap_minutes
        Session inactivity gap when sessions are cut (``per="session"`` without ``session_id``).

    Returns
    -------
    pandas.DataFrame
        One row per (group, step), in step order: the group columns, ``step_number``, ``step``, ``users``,
        ``conversion_from_start``, ``conversion_from_previous``, ``dropoff`` (units lost since the previous
        step), ``median_minutes_from_previous``, ``p25_minutes_from_previous``, ``p75_minutes_from_previous``
        (per unit, at its first valid step-k occurrence, where valid means completing a chain within the window:
        the time since the step-(k-1) occurrence it follows in that chain, the latest valid one before it) and
        ``median_minutes_from_start`` (at the same occurrence, the time since its chain's step 1).

    Examples
    --------
    >>> funnel(shop, steps=["home", "product_view", "pay"], window="1D", by="platform")  # doctest: +SKIP
    """
    st = normalize_steps(steps)
    groups = as_list(by)
    per_unit = _unit_times(PathContext.bind(locals()), steps, groups)
    agg = per_unit.group_by([*groups, "_k"]).aggregate(
        users=per_unit.count(),
        median_minutes_from_previous=per_unit.from_prev.median(),
        p25_minutes_from_previous=per_unit.from_prev.quantile(0.25),
        p75_minutes_from_previous=per_unit.from_prev.quantile(0.75),
        median_minutes_from_start=per_unit.from_start.median(),
    )
    df = agg.execute()
    return _finish(df, st, groups)


def _finish(df: pd.DataFrame, st, groups: list[str]) -> pd.DataFrame:
    labels = [lab for lab, _ in st]
    steps_df = pd.DataFrame({"_k": range(1, len(st) + 1), "step": labels})
    if groups:
        keys = df[groups].drop_duplicates()
        grid = keys.merge(steps_df, how="cross")
    else:
        grid = steps_df
    df = df.copy()
    df["_k"] = df["_k"].astype("int64")
    out = grid.merge(df, on=[*groups, "_k"], how="left")
    out["users"] = out["users"].fillna(0).astype("int64")
    out = out.sort_values([*groups, "_k"], kind="stable").reset_index(drop=True)
    g = out.groupby(groups, sort=False, dropna=False) if groups else None
    first = g["users"].transform("first") if groups else pd.Series(out["users"].iloc[0], index=out.index)
    prev = g["users"].shift(1) if groups else out["users"].shift(1)
    prev = prev.fillna(out["users"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["conversion_from_start"] = out["users"] / first.where(first > 0)
        out["conversion_from_previous"] = out["users"] / prev.where(prev > 0)
    out["dropoff"] = (prev - out["users"]).astype("int64")
    for c in ("median_minutes_from_previous", "p25_minutes_from_previous", "p75_minutes_from_previous"):
        out.loc[out["_k"] == 1, c] = math.nan
    out = out.rename(columns={"_k": "step_number"})
    cols = [
        *groups,
        "step_number",
        "step",
        "users",
        "conversion_from_start",
        "conversion_from_previous",
        "dropoff",
        "median_minutes_from_previous",
        "p25_minutes_from_previous",
        "p75_minutes_from_previous",
        "median_minutes_from_start",
    ]
    for c in cols:
        if c not in out.columns:
            out[c] = math.nan
    out = out[cols]
    for c in cols[len(groups) + 3 :]:
        if c != "dropoff":
            out[c] = out[c].astype("float64")
    return out


@keyword_only("steps")
def dropoff_destinations(
    events: Any,
    *,
    steps: Any,
    window: Any = "7D",
    per: str = "session",
    period: Any = None,
    start: Any = None,
    end: Any = None,
    gap_minutes: float = 30,
    top: int = 5,
) -> pd.DataFrame:
    """Where units that stop at a step go instead: the next different event after their first valid step-k event.

    Units that reach step k but not step k+1 are followed from their first occurrence of step k that completes
    a chain; the next event that differs from it (repeats of the same event are skipped; ``[exit]`` when there
    is none) is counted.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``next_event``, ``units``, ``share`` (of the units that stopped at that step), the ``top``
        destinations per step and ``[other]`` for the rest.
    """
    st = normalize_steps(steps)
    ctx = PathContext(
        events, window=window, per=per, period=period, start=start, end=end, gap_minutes=gap_minutes
    )
    t, unit, lo, hi, k_max, win_td = _prepare(ctx, steps, step_events_only=False)
    lv = _valid_rows(_step_keys(t, steps, unit, hi), k_max, win_td, unit)
    # each unit's highest step and the first valid occurrence of it
    first = lv.group_by([*unit, "_k"]).aggregate(_first=lv._tk.min())
    highest = first.group_by(unit).aggregate(_top=first._k.max())
    stopped = (
        first.join(highest, unit)
        .filter(lambda x: (x._k == x._top) & (x._top < k_max))
        .select(*unit, "_k", "_first")
    )
    # the next different event after it: over the stopped units' events, runs of one event are cut to their
    # first row (the first valid occurrence always starts a run: an earlier row of the same run would inherit
    # the same anchor and be valid too), and each run start looks at the next run start
    e = t.semi_join(stopped, unit)
    e = e.mutate(_kk=e._k.fill_null(k_max + 1))
    w = ibis.window(group_by=unit, order_by=["ts", "_kk", "event"])
    e = e.mutate(_prev=e.event.lag().over(w))
    r = e.filter(e._prev.isnull() | (e._prev != e.event))
    r = r.mutate(_next=r.event.lead().over(w).fill_null(EXIT), _us=epoch_micros(r))
    m = r.join(stopped, [*unit, r._us == (stopped._first >> _KEY_BITS), r._kk == stopped._k])
    stopped = m.group_by([*unit, "_k"]).aggregate(_next=m._next.argmin(m.event))
    df = stopped.group_by(["_k", "_next"]).aggregate(units=stopped.count()).execute()
    rows = []
    labels = [lab for lab, _ in st]
    for k, d in df.groupby("_k"):
        d = d.sort_values(["units", "_next"], ascending=[False, True])
        total = d.units.sum()
        head, tail = d.head(top), d.iloc[top:]
        for _, r in head.iterrows():
            rows.append((labels[int(k) - 1], r["_next"], int(r["units"]), r["units"] / total))
        if len(tail):
            rows.append((labels[int(k) - 1], "[other]", int(tail.units.sum()), tail.units.sum() / total))
    out = pd.DataFrame(rows, columns=["step", "next_event", "units", "share"])
    out["_o"] = out.step.map({lab: i for i, lab in enumerate(labels)})
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def funnel_intervals(table: pd.DataFrame, *, by: Any = None, confidence: float = 0.95) -> pd.DataFrame:
    """A :func:`funnel` table with Wilson confidence intervals of its two conversions.

    Adds ``ci_low_from_start`` / ``ci_high_from_start`` (units at the step out of the group's step-1 units) and
    ``ci_low_from_previous`` / ``ci_high_from_previous`` (out of the group's units at the previous step; step 1
    has none). A small group's wide interval is what keeps its extreme rate from being read as a finding.
    """
    groups = as_list(by)
    t = table.reset_index(drop=True).rename_axis("_pos").reset_index()
    t = t.sort_values([*groups, "step_number"], kind="stable")
    g = t.groupby(groups, sort=False, dropna=False)["users"] if groups else None
    first = g.transform("first") if groups else pd.Series(t["users"].iloc[0], index=t.index)
    prev = g.shift(1) if groups else t["users"].shift(1)
    t["ci_low_from_start"], t["ci_high_from_start"] = wilson_interval(
        t["users"], first, confidence=confidence
    )
    lo, hi = wilson_interval(t["users"], prev.fillna(0), confidence=confidence)
    t["ci_low_from_previous"], t["ci_high_from_previous"] = lo, hi
    return t.sort_values("_pos").drop(columns="_pos").set_index(table.index)


def biggest_dropoff(table: pd.DataFrame) -> pd.Series:
    """The step (after the first) with the lowest ``conversion_from_previous`` in a single funnel table."""
    t = table[table.step_number > 1].dropna(subset=["conversion_from_previous"])
    return t.loc[t.conversion_from_previous.idxmin()]


# the comparisons moved to :mod:`shoplab.paths.changes`; their old home keeps the names
two_proportion_test = changes.two_proportion_test
compare_funnels = changes.compare_funnels
named_change = changes.named_change
weekly_change = changes.weekly_change
