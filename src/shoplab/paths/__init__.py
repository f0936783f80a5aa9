"""Path analysis (行为路径): sessions, funnels, transitions, top paths, Sankey flows and key nodes, in the engine."""

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
