"""Time between funnel steps: the distribution behind the funnel's median times, and the slowest step."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import ibis
import numpy as np
import pandas as pd

from ..callshape import keyword_only
from ._common import PathContext, as_list, normalize_steps, parse_window
from .funnels import _unit_times

__all__ = ["TIME_EDGES", "step_time_distribution", "slowest_step"]


TIME_EDGES = (1, 5, 30, 120, 1440, 4320)
"""Default upper edges (minutes) of the time-between-steps buckets: 1 min, 5 min, 30 min, 2 h, 1 day, 3 days."""


@keyword_only("steps")
def step_time_distribution(
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
    edges: Any = TIME_EDGES,
    user_col: str = "user_id",
    ts_col: str = "ts",
    event_col: str = "event",
) -> pd.DataFrame:
    """How long units take from one funnel step to the next: the distribution behind the funnel's median times.

    For every unit reaching step k (k >= 2), the time from the previous step to its first valid step-k
    occurrence, in the chain that occurrence completes (the times :func:`funnel` summarises as
    ``median_minutes_from_previous``), counted in buckets of minutes
    ``[0, e1], (e1, e2], ..., (e_last, window]``. Buckets that start at or beyond the window are left out (no
    unit can fall in them). Arguments as for :func:`funnel`; ``edges`` are the buckets' upper edges in minutes,
    increasing.

    Returns
    -------
    pandas.DataFrame
        One row per (group, step k >= 2, bucket), every bucket present (zeros included): the group columns,
        ``step_number``, ``from_step``, ``step``, ``bucket`` (0, 1, ...), ``lower_minutes``, ``upper_minutes``
        (the window's length for the last bucket), ``units``, ``share`` (of the units reaching step k in the
        group) and ``cumulative_share`` (reaching step k within ``upper_minutes``).
    """
    st = normalize_steps(steps)
    groups = as_list(by)
    ups = [float(e) for e in edges]
    if not ups or any(b <= a for a, b in zip(ups, ups[1:], strict=False)) or ups[0] <= 0:
        raise ValueError(f"edges must be increasing positive minutes, got {edges!r}")
    ctx = PathContext.bind(locals())
    win_min = parse_window(ctx.window) / _dt.timedelta(minutes=1)
    ups = [e for e in ups if e < win_min] + [win_min]
    per_unit = _unit_times(ctx, steps, groups)
    v = per_unit.filter(per_unit._k >= 2)
    # bucket i holds times in (ups[i-1], ups[i]]: the number of edges strictly below the time
    bucket = sum(((v.from_prev > e).cast("int32") for e in ups[:-1]), ibis.literal(0, "int32"))
    v = v.mutate(_b=bucket)
    df = v.group_by([*groups, "_k", "_b"]).aggregate(units=v.count()).execute()
    labels = [lab for lab, _ in st]
    grid = pd.DataFrame(
        [(k, b) for k in range(2, len(st) + 1) for b in range(len(ups))], columns=["_k", "_b"]
    )
    if groups:
        keys = df[groups].drop_duplicates()
        grid = keys.merge(grid, how="cross")
    df["_k"] = df["_k"].astype("int64")
    df["_b"] = df["_b"].astype("int64")
    out = grid.merge(df, on=[*groups, "_k", "_b"], how="left")
    out["units"] = out["units"].fillna(0).astype("int64")
    out = out.sort_values([*groups, "_k", "_b"], kind="stable").reset_index(drop=True)
    total = out.groupby([*groups, "_k"], sort=False, dropna=False)["units"].transform("sum")
    cum = out.groupby([*groups, "_k"], sort=False, dropna=False)["units"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = (out["units"] / total.where(total > 0)).astype("float64")
        out["cumulative_share"] = (cum / total.where(total > 0)).astype("float64")
    out["from_step"] = [labels[k - 2] for k in out["_k"]]
    out["step"] = [labels[k - 1] for k in out["_k"]]
    out["lower_minutes"] = [0.0 if b == 0 else ups[b - 1] for b in out["_b"]]
    out["upper_minutes"] = [ups[b] for b in out["_b"]]
    out = out.rename(columns={"_k": "step_number", "_b": "bucket"})
    cols = [*groups, "step_number", "from_step", "step", "bucket", "lower_minutes", "upper_minutes", "units",
            "share", "cumulative_share"]  # fmt: skip
    return out[cols]


def _slow_edge(dist: pd.DataFrame) -> float | None:
    """The edge beyond which a step counts as slow in sentences: one day, or the largest edge below it."""
    inner = sorted(set(dist.upper_minutes) - {dist.upper_minutes.max()})
    below = [e for e in inner if e <= 1440]
    return below[-1] if below else None


def slowest_step(dist: pd.DataFrame) -> dict | None:
    """The step with the largest share of units taking longer than the slow edge (one day by default), from
    :func:`shoplab.paths.step_time_distribution` (no groups): ``from_step``, ``step``, ``edge`` (minutes),
    ``share`` (slower than the edge), ``units`` (reaching the step). None when no step has units."""
    edge = _slow_edge(dist)
    if edge is None or dist.empty:
        return None
    rows = []
    for k, d in dist.groupby("step_number"):
        n = int(d.units.sum())
        if n:
            fast = d[d.upper_minutes <= edge].units.sum()
            rows.append((k, d.from_step.iloc[0], d.step.iloc[0], 1 - fast / n, n))
    if not rows:
        return None
    k, a, b, share, n = max(rows, key=lambda r: (r[3], -r[0]))
    return {"step_number": k, "from_step": a, "step": b, "edge": edge, "share": share, "units": n}
