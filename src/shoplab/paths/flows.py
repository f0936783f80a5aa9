"""Transitions between events within sessions, loops, top session paths and Sankey flows.

Within a session, events are ordered by time, ties broken by event name (so results do not depend on row
order). Paths are built from ``row_number`` and ``lag`` and pivoted to one column per position, never from
ordered arrays, so the same code runs on engines without order-sensitive ``collect``.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..callshape import keyword_only
from ._common import EXIT, OTHER, as_list, epoch_micros
from .sessions import sessions_in

__all__ = [
    "transitions",
    "transition_matrix",
    "compare_transitions",
    "loops",
    "session_paths",
    "top_paths",
    "paths_containing",
    "sankey_links",
]

SEP = " → "
KEYS = ["user_id", "session_id"]


def _ordered(t: ir.Table, extra_keys=()) -> ibis.Window:
    return ibis.window(group_by=[*KEYS, *extra_keys], order_by=["ts", "event"])


def transitions(
    events: Any,
    *,
    by: Any = None,
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
    include_exit: bool = True,
) -> pd.DataFrame:
    """Event → next event counts and probabilities within sessions (the step matrix in long form).

    Returns
    -------
    pandas.DataFrame
        The group columns, ``from_event``, ``to_event`` (``[exit]`` after a session's last event when
        ``include_exit``), ``count``, ``probability`` (share of the ``from_event`` occurrences followed by
        ``to_event``), sorted by group and count.
    """
    groups = as_list(by)
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end, by=groups)
    df = _coded_transitions(t, groups, include_exit)
    if df is None:  # too many distinct events to pack into the order key: order by (time, name)
        t = t.mutate(to_event=t.event.lead().over(_ordered(t)))
        if include_exit:
            t = t.mutate(to_event=t.to_event.fill_null(EXIT))
        else:
            t = t.filter(t.to_event.notnull())
        c = t.group_by([*groups, t.event.name("from_event"), "to_event"]).aggregate(count=t.count())
        df = c.execute()
    df["count"] = df["count"].astype("int64")
    tot = df.groupby([*groups, "from_event"], dropna=False)["count"].transform("sum")
    df["probability"] = df["count"] / tot
    return df.sort_values(
        [*groups, "count", "from_event", "to_event"], ascending=[*[True] * len(groups), False, True, True]
    ).reset_index(drop=True)


_CODE_BITS = 6


def _coded_transitions(t: ir.Table, groups: list[str], include_exit: bool) -> pd.DataFrame | None:
    """Transition counts with events coded as small integers packed into one order key per row.

    The key is microseconds * 64 + the event's rank in name order, so ordering by it is ordering by (time,
    name), and the window sorts and carries one integer instead of a timestamp and a string (about half the
    memory and faster). None when the event names are too many (64 or more) or include nulls.
    """
    names = t.select("event").distinct().execute()["event"]
    if names.isna().any() or len(names) >= 1 << _CODE_BITS:
        return None
    names = sorted(names.tolist())
    if not names:
        return pd.DataFrame({**{g: [] for g in groups}, "from_event": [], "to_event": [], "count": []})
    code = ibis.cases(*[(t.event == e, i) for i, e in enumerate(names)], else_=None)
    k = t.select(*KEYS, *groups, _k=(epoch_micros(t) << _CODE_BITS) + code.cast("int64"))
    mask = (1 << _CODE_BITS) - 1
    k = k.mutate(_to=(k._k.lead().over(ibis.window(group_by=KEYS, order_by="_k")) & mask))
    if not include_exit:
        k = k.filter(k._to.notnull())
    k = k.mutate(_from=k._k & mask)
    df = k.group_by([*groups, "_from", "_to"]).aggregate(count=k.count()).execute()
    lookup = dict(enumerate(names))
    df["from_event"] = df.pop("_from").map(lookup)
    to = df.pop("_to")
    df["to_event"] = to.map(lookup).where(to.notna(), EXIT)
    return df[[*groups, "from_event", "to_event", "count"]]


def transition_matrix(table: pd.DataFrame, *, top: int = 12, value: str = "probability") -> pd.DataFrame:
    """Pivot a :func:`transitions` table into a from × to matrix of the ``top`` most frequent events."""
    busiest = table.groupby("from_event")["count"].sum().sort_values(ascending=False).head(top).index
    cols = [e for e in busiest] + ([EXIT] if EXIT in set(table.to_event) else [])
    m = table[table.from_event.isin(busiest)].pivot_table(
        index="from_event", columns="to_event", values=value, aggfunc="sum", fill_value=0.0
    )
    return m.reindex(index=list(busiest), columns=cols, fill_value=0.0)


def compare_transitions(a: pd.DataFrame, b: pd.DataFrame, *, min_count: int = 30) -> pd.DataFrame:
    """Difference of transition probabilities from ``a`` to ``b`` (two periods or groups), biggest first.

    Only transitions with at least ``min_count`` occurrences in one of the two are kept.
    """
    m = a.merge(b, on=["from_event", "to_event"], how="outer", suffixes=("_a", "_b"))
    for c in ("count_a", "count_b", "probability_a", "probability_b"):
        m[c] = m[c].fillna(0)
    m = m[(m.count_a >= min_count) | (m.count_b >= min_count)].copy()
    m["difference"] = m.probability_b - m.probability_a
    m = m.reindex(m.difference.abs().sort_values(ascending=False).index)
    m[["count_a", "count_b"]] = m[["count_a", "count_b"]].astype("int64")
    return m[
        ["from_event", "to_event", "count_a", "count_b", "probability_a", "probability_b", "difference"]
    ].reset_index(drop=True)


def loops(
    events: Any, *, gap_minutes: float = 30, period: Any = None, start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Loops: an event returning to one already visited earlier in the session (not a plain repeat).

    Returns
    -------
    pandas.DataFrame
        One row per event: ``event``, ``sessions`` (visiting it), ``returns`` (occurrences that come back to it
        after another event), ``sessions_with_return``, ``return_rate`` (``sessions_with_return / sessions``),
        most looping first.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    w = _ordered(t)
    occ = ibis.row_number().over(ibis.window(group_by=[*KEYS, "event"], order_by=["ts"]))
    t = t.mutate(_prev=t.event.lag().over(w), _occ=occ)
    ret = (t._occ > 0) & t._prev.notnull() & (t._prev != t.event)
    t = t.mutate(_ret=ret.cast("int64"))
    per = t.group_by([*KEYS, "event"]).aggregate(returns=t._ret.sum())
    out = per.group_by("event").aggregate(
        sessions=per.count(),
        returns=per.returns.sum(),
        sessions_with_return=(per.returns > 0).cast("int64").sum(),
    )
    df = out.execute()
    for c in ("sessions", "returns", "sessions_with_return"):
        df[c] = df[c].astype("int64")
    df["return_rate"] = df.sessions_with_return / df.sessions
    return df.sort_values(["sessions_with_return", "event"], ascending=[False, True]).reset_index(drop=True)


def session_paths(
    events: Any,
    *,
    max_steps: int = 6,
    target: str | None = "pay",
    entry: str | None = None,
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
) -> ir.Table:
    """One row per session (lazy): its first ``max_steps`` events with repeats collapsed, as ``e1`` .. ``eN``.

    With ``target``, the path stops at the first ``target`` event; ``converted`` says whether the session has
    one; ``n_steps`` is the length of the collapsed (and cut) path. With ``entry``, the path starts at the
    session's first ``entry`` event and sessions without it are left out.
    """
    t = sessions_in(events, gap_minutes=gap_minutes, period=period, start=start, end=end)
    w = _ordered(t)
    if entry is not None:
        is_e = (t.event == entry).cast("int64")
        t = t.mutate(
            _seen=is_e.sum().over(ibis.window(group_by=KEYS, order_by=["ts", "event"], rows=(None, 0)))
        )
        t = t.filter(t._seen > 0).drop("_seen")
    conv = None
    if target is not None:
        is_t = (t.event == target).cast("int64")
        cum = is_t.sum().over(ibis.window(group_by=KEYS, order_by=["ts", "event"], rows=(None, -1)))
        t = t.mutate(_before=cum.fill_null(0), _is_t=is_t)
        conv = t.group_by(KEYS).aggregate(converted=t._is_t.max() > 0)
        t = t.filter(t._before == 0).drop("_before", "_is_t")
    t = t.mutate(_prev=t.event.lag().over(w))
    t = t.filter(t._prev.isnull() | (t._prev != t.event))
    t = t.mutate(_pos=ibis.row_number().over(w) + 1)
    cols = {f"e{i}": t.event.max(where=t._pos == i) for i in range(1, max_steps + 1)}
    p = t.group_by(KEYS).aggregate(n_steps=t._pos.max(), **cols)
    if conv is not None:
        p = p.join(conv, KEYS)
    else:
        p = p.mutate(converted=ibis.literal(False))
    return p


def _path_string(p: ir.Table, max_steps: int) -> ir.StringValue:
    s = p.e1
    for i in range(2, max_steps + 1):
        s = s + (ibis.literal(SEP) + p[f"e{i}"]).fill_null("")
    return s + ibis.ifelse(p.n_steps > max_steps, ibis.literal(SEP + "…"), ibis.literal(""))


def top_paths(
    events: Any,
    *,
    max_steps: int = 6,
    target: str = "pay",
    top: int = 10,
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
    contains: Any = None,
) -> pd.DataFrame:
    """Most frequent session paths (repeats collapsed, cut at the first ``target`` and at ``max_steps``).

    Returns
    -------
    pandas.DataFrame
        ``outcome`` (``purchase`` when the path ends at ``target``; ``exit`` when the session ends without it;
        ``longer`` when the path goes on past ``max_steps``), ``path``, ``steps``,
        ``sessions``, ``share`` (of all sessions), ``conversion`` (share of these sessions reaching
        ``target``), the ``top`` paths of each outcome, most frequent first. ``contains`` keeps only paths
        containing that event sequence (consecutive, e.g. ``["search", "product_view"]``).
    """
    p = session_paths(
        events,
        max_steps=max_steps,
        target=target,
        gap_minutes=gap_minutes,
        period=period,
        start=start,
        end=end,
    )
    p = p.mutate(path=_path_string(p, max_steps))
    reached = ibis.literal(False)
    for i in range(1, max_steps + 1):
        reached = reached | (p[f"e{i}"] == target).fill_null(False)
    p = p.mutate(outcome=ibis.cases((reached, "purchase"), (p.n_steps > max_steps, "longer"), else_="exit"))
    total = p.count()
    if contains is not None:
        pat = SEP.join([contains] if isinstance(contains, str) else list(contains))
        q = p.mutate(_padded=SEP + p.path + SEP)
        p = q.filter(q._padded.contains(SEP + pat + SEP)).drop("_padded")
    g = p.group_by(["outcome", "path"]).aggregate(
        steps=p.n_steps.min(), sessions=p.count(), converted=p.converted.cast("int64").sum()
    )
    rank = ibis.row_number().over(ibis.window(group_by="outcome", order_by=[g.sessions.desc(), g.path]))
    g = g.filter(rank < top)  # only the top paths of each outcome come back
    n_total = int(total.execute())
    df = g.execute()
    df["sessions"] = df["sessions"].astype("int64")
    df["share"] = df.sessions / n_total if n_total else float("nan")
    df["conversion"] = df.converted / df.sessions
    df["steps"] = df["steps"].clip(upper=max_steps).astype("int64")
    df["_o"] = df.outcome.map({"purchase": 0, "exit": 1, "longer": 2})
    df = df.sort_values(["_o", "sessions", "path"], ascending=[True, False, True])
    df = df.groupby("outcome", sort=False).head(top)
    return df[["outcome", "path", "steps", "sessions", "share", "conversion"]].reset_index(drop=True)


@keyword_only("pattern")
def paths_containing(events: Any, *, pattern: Any, **kw) -> pd.DataFrame:
    """Top paths (as :func:`top_paths`) that contain the consecutive event sequence ``pattern``."""
    return top_paths(events, contains=pattern, **kw)


def sankey_links(
    events: Any,
    *,
    entry: str | None = "home",
    depth: int = 4,
    top_nodes: int = 6,
    gap_minutes: float = 30,
    period: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Flows of the first ``depth`` steps of sessions from their first ``entry`` event (repeats collapsed).

    Returns
    -------
    pandas.DataFrame
        ``layer`` (0-based position of the source), ``source``, ``target``, ``sessions``. Past a session's end
        the target is ``[exit]`` (and the flow stops); events outside the ``top_nodes`` busiest of a layer are
        merged into ``[other]``.
    """
    p = session_paths(
        events,
        max_steps=depth,
        target=None,
        entry=entry,
        gap_minutes=gap_minutes,
        period=period,
        start=start,
        end=end,
    )
    parts = []
    for i in range(1, depth):
        a, b = p[f"e{i}"], p[f"e{i + 1}"]
        q = p.filter(a.notnull()).mutate(layer=ibis.literal(i - 1), source=a, target=b.fill_null(EXIT))
        parts.append(q.group_by(["layer", "source", "target"]).aggregate(sessions=q.count()))
    u = parts[0]
    for q in parts[1:]:
        u = u.union(q)
    df = u.execute()
    df["sessions"] = df["sessions"].astype("int64")
    df["layer"] = df["layer"].astype("int64")
    # keep the busiest nodes of each layer, merge the rest
    keep: dict[int, set] = {}
    for layer in range(depth):
        if layer == 0:
            vol = df[df.layer == 0].groupby("source")["sessions"].sum()
        else:
            vol = df[df.layer == layer - 1].groupby("target")["sessions"].sum()
        keep[layer] = set(vol.sort_values(ascending=False).head(top_nodes).index) | {EXIT}
    df["source"] = [s if s in keep[lay] else OTHER for s, lay in zip(df.source, df.layer, strict=True)]
    df["target"] = [s if s in keep[lay + 1] else OTHER for s, lay in zip(df.target, df.layer, strict=True)]
    df = df.groupby(["layer", "source", "target"], as_index=False)["sessions"].sum()
    return df.sort_values(["layer", "sessions"], ascending=[True, False]).reset_index(drop=True)
