"""The whole paths report computed in one call: :func:`compute_report` returns one :class:`PathsResults`, which the
notebook words (:mod:`~shoplab.paths.text`, :mod:`~shoplab.paths.findings`, :mod:`~shoplab.paths.tables`), draws
(:mod:`~shoplab.paths.plots`) and records (:func:`shoplab.paths.metrics.record_headlines`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..periods import Period
from ._common import absent_events
from .changes import compare_funnels, present_columns, weekly_change
from .flows import compare_transitions, loops, sankey_links, top_paths, transition_matrix, transitions
from .funnels import dropoff_destinations, funnel
from .nodes import channel_conversion, event_conversion, key_nodes
from .sessions import add_user_type, entry_exit_pages, session_summary
from .steptimes import step_time_distribution

__all__ = ["PathsResults", "compute_report", "DEFAULT_STEPS", "DEFAULT_BREAKDOWNS"]

DEFAULT_STEPS = ("home", "product_view", "add_to_cart", "checkout", "pay")
DEFAULT_BREAKDOWNS = ("platform", "channel", "user_type")


@dataclass
class PathsResults:
    """Every number the paths report shows, as small tables (see :func:`compute_report` for what each holds)."""

    period: Period
    previous_period: Period
    params: dict[str, Any]
    unit: str
    has_session_id: bool
    absent: list[str]
    summary: pd.DataFrame
    summary_prev: pd.DataFrame
    pages: pd.DataFrame
    current: pd.DataFrame
    previous: pd.DataFrame
    change: pd.DataFrame
    times: pd.DataFrame
    channels: pd.DataFrame | None
    nodes: pd.DataFrame
    present: list[str]
    missing: list[str]
    by_group: dict[str, pd.DataFrame] = field(default_factory=dict)
    weekly: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    drops: pd.DataFrame | None = None
    trans: pd.DataFrame | None = None
    matrix: pd.DataFrame | None = None
    trans_prev: pd.DataFrame | None = None
    trans_change: pd.DataFrame | None = None
    loops: pd.DataFrame | None = None
    top: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    searched: pd.DataFrame | None = None


def compute_report(
    shop: Any,
    *,
    period: Any,
    funnel_steps: Any = DEFAULT_STEPS,
    window: Any = "7D",
    per: str = "user",
    breakdowns: Any = DEFAULT_BREAKDOWNS,
    session_gap_minutes: float = 30,
    sankey_entry: str = "home",
    sankey_depth: int = 5,
    path_steps: int = 8,
    target_event: str = "pay",
) -> PathsResults:
    """The paths report of ``period`` (``"2026-10"`` or a :class:`~shoplab.Period`) on ``shop`` (a
    :class:`~shoplab.data.Shop`, or an events table), with the notebook's parameters.

    Holds: the session summary of the month and the month before (``summary``, ``summary_prev``), entry and exit
    pages, the funnel of both months (``current``, ``previous``) and its step-by-step ``change``
    (:func:`~shoplab.paths.compare_funnels`), the time between steps (``times``), the channel table (None when
    the events have no ``channel``), key nodes, the funnel by each ``present`` breakdown column (``by_group``;
    ``missing`` lists the absent ones), the weekly session funnel over both months and its tested ``trend``,
    drop-off destinations, transitions (this month, its matrix, the month before and their change), loops, top
    paths, the Sankey links and the conversion of sessions with and without search.
    """
    events = shop.events if hasattr(shop, "events") else shop
    this = Period.parse(period)
    last = this.previous()
    steps, gap = list(funnel_steps), session_gap_minutes
    ctx = dict(window=window, per=per, gap_minutes=gap)
    typed = add_user_type(events, period=this)
    present, missing = present_columns(typed, breakdowns)
    trans = transitions(events, gap_minutes=gap, period=this)
    trans_prev = transitions(events, gap_minutes=gap, period=last)
    current = funnel(events, steps=steps, period=this, **ctx)
    previous = funnel(events, steps=steps, period=last, **ctx)
    weekly = funnel(
        events,
        steps=steps,
        window=window,
        per="session",
        by="week",
        start=last.start,
        end=this.end,
        gap_minutes=gap,
    )
    return PathsResults(
        period=this,
        previous_period=last,
        params=dict(
            funnel_steps=steps,
            window=window,
            per=per,
            breakdowns=list(breakdowns),
            session_gap_minutes=gap,
            sankey_entry=sankey_entry,
            sankey_depth=sankey_depth,
            path_steps=path_steps,
            target_event=target_event,
        ),  # fmt: skip
        unit=per + "s",
        has_session_id="session_id" in events.columns,
        absent=absent_events(events, [*steps, sankey_entry, target_event], period=this),
        summary=session_summary(events, gap_minutes=gap, period=this),
        summary_prev=session_summary(events, gap_minutes=gap, period=last),
        pages=entry_exit_pages(events, gap_minutes=gap, period=this),
        current=current,
        previous=previous,
        change=compare_funnels(previous, current),
        times=step_time_distribution(events, steps=steps, period=this, **ctx),
        channels=channel_conversion(events, target=target_event, gap_minutes=gap, period=this)
        if "channel" in events.columns
        else None,
        nodes=key_nodes(events, target=target_event, gap_minutes=gap, period=this),
        present=present,
        missing=missing,
        by_group={col: funnel(typed, steps=steps, by=col, period=this, **ctx) for col in present},
        weekly=weekly,
        trend=weekly_change(weekly),
        drops=dropoff_destinations(
            events, steps=steps, window=window, per="session", period=this, gap_minutes=gap
        ),
        trans=trans,
        matrix=transition_matrix(trans),
        trans_prev=trans_prev,
        trans_change=compare_transitions(trans_prev, trans),
        loops=loops(events, gap_minutes=gap, period=this),
        top=top_paths(events, max_steps=path_steps, target=target_event, gap_minutes=gap, period=this),
        links=sankey_links(events, entry=sankey_entry, depth=sankey_depth, gap_minutes=gap, period=this),
        searched=event_conversion(events, event="search", target=target_event, gap_minutes=gap, period=this),
    )
