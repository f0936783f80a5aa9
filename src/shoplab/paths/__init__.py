"""Path analysis (行为路径): sessions, funnels, transitions, top paths, Sankey flows and key nodes, in the engine.

Analyses (``__all__``; the events first, a table or the shop, then keyword-only options such as ``steps=``,
``period=``, ``window=``, ``by=``):

- :func:`compute_report`: the whole paths report for a period, as one :class:`PathsResults`.
- :class:`PathsResults`: what :func:`compute_report` returns.
- :class:`PathContext`: the events, their schema, the unit counted and the time frame of a funnel, bound once.
- :func:`absent_events`: the event names that never occur in the events (of the period).
- :func:`add_sessions`: the events with a session id (a new session after ``gap_minutes`` idle).
- :func:`add_user_type`: the events with ``user_type``, new or returning in the period.
- :func:`sessions_table`: one row per session: start, end, length, events, entry and exit.
- :func:`session_summary`: sessions, users, events per session, median length, bounce rate.
- :func:`entry_exit_pages`: sessions entering and leaving at each page (or event).
- :func:`funnel`: users (or sessions) reaching each step of an ordered funnel within a conversion window.
- :func:`funnel_intervals`: a funnel table with Wilson intervals of its conversions.
- :func:`funnel_levels`: the events with the funnel step each validly completes (the engine of :func:`funnel`).
- :func:`step_time_distribution`: how long units take from one funnel step to the next.
- :func:`dropoff_destinations`: where units that stop at a step go instead.
- :func:`two_proportion_test`: the two-proportion z-test of a conversion change, with its interval.
- :func:`compare_funnels`: the step-by-step change of conversion between two funnels (periods or groups).
- :func:`named_change`: the step change a report names: beyond noise, the one that moved most.
- :func:`weekly_change`: each step's change from the first to the last full week.
- :func:`biggest_dropoff`: the step with the lowest conversion from the previous one.
- :func:`transitions`: event -> next event counts and probabilities within sessions.
- :func:`transition_matrix`: a transitions table as a from x to matrix of the most frequent events.
- :func:`compare_transitions`: the change of transition probabilities between two tables.
- :func:`loops`: events returning to one already visited earlier in the session.
- :func:`session_paths`: each session's first events, repeats collapsed (lazy).
- :func:`top_paths`: the most frequent session paths, cut at the target event.
- :func:`paths_containing`: the top paths that contain an event sequence (``pattern=``).
- :func:`sankey_links`: the flows of the first steps of sessions from an entry event.
- :func:`key_nodes`: per event (or page): traffic, exits, dwell time and session conversion.
- :func:`channel_conversion`: session conversion by traffic channel, with intervals.
- :func:`event_conversion`: conversion of sessions with and without an event (e.g. search), with a test.

Words and charts are submodules, imported on first use: :mod:`.text` (names, titles, labels), :mod:`.findings`
(the findings), :mod:`.tables` (display tables), :mod:`.plots` (charts), :mod:`.metrics` (the metrics.json keys).
The older call shape with positional steps (``funnel(events, steps, period=...)``) still works, with a
DeprecationWarning.
"""

from .._lazy import submodule_getattr
from ._common import PathContext, absent_events
from .changes import compare_funnels, named_change, two_proportion_test, weekly_change
from .flows import (
    compare_transitions,
    loops,
    paths_containing,
    sankey_links,
    session_paths,
    top_paths,
    transition_matrix,
    transitions,
)
from .funnels import biggest_dropoff, dropoff_destinations, funnel, funnel_intervals, funnel_levels
from .nodes import channel_conversion, event_conversion, key_nodes
from .results import PathsResults, compute_report
from .sessions import add_sessions, add_user_type, entry_exit_pages, session_summary, sessions_table
from .steptimes import step_time_distribution

__all__ = [
    "compute_report",
    "PathsResults",
    "PathContext",
    "absent_events",
    "add_sessions",
    "add_user_type",
    "sessions_table",
    "session_summary",
    "entry_exit_pages",
    "funnel",
    "funnel_intervals",
    "funnel_levels",
    "step_time_distribution",
    "dropoff_destinations",
    "two_proportion_test",
    "compare_funnels",
    "named_change",
    "weekly_change",
    "biggest_dropoff",
    "transitions",
    "transition_matrix",
    "compare_transitions",
    "loops",
    "session_paths",
    "top_paths",
    "paths_containing",
    "sankey_links",
    "key_nodes",
    "channel_conversion",
    "event_conversion",
]

#: the words and charts, imported on first use (``shoplab.paths.plots``)
__getattr__ = submodule_getattr(__name__, ("text", "findings", "tables", "plots", "metrics"))
