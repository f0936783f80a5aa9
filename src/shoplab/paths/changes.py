"""Comparisons the path report tests and names: step-by-step changes between two funnels (periods or weeks),
the gap between the best and the worst group of a breakdown, and the picks a sentence names. Numbers only; the
words are in :mod:`shoplab.paths.text`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ._common import EXIT, as_list

__all__ = [
    "two_proportion_test",
    "compare_funnels",
    "named_change",
    "largest_change",
    "weekly_change",
    "breakdown_gap",
    "present_columns",
    "stack_breakdowns",
    "best_and_worst_channel",
    "top_exit_node",
    "top_exit_step",
    "MOST_SHARE",
    "is_most",
    "changed_steps",
    "busiest_transition",
    "top_first_move",
]


def _two_proportions(xa, na, xb, nb, *, confidence: float, tests: Any) -> dict[str, np.ndarray]:
    """:func:`shoplab.stats.two_proportions` of ``b - a`` (b passed first) on arrays, under this module's keys
    (``p_a``, ``p_b``, ``difference`` = b - a, ``ci_low``, ``ci_high``, ``z``, ``p_value``, ``p_adjusted``)."""
    r = stats.two_proportions(xb, nb, xa, na, confidence=confidence, tests=tests)
    return dict(
        p_a=r["p2"], p_b=r["p1"], difference=r["difference"], ci_low=r["ci_low"], ci_high=r["ci_high"],
        z=r["z"], p_value=r["p_value"], p_adjusted=r["p_adjusted"],
    )  # fmt: skip


def two_proportion_test(
    successes_a: float,
    n_a: float,
    successes_b: float,
    n_b: float,
    *,
    confidence: float = 0.95,
    tests: int = 1,
) -> dict[str, float]:
    """Two-proportion z-test of ``p_b - p_a`` with a Wald confidence interval for the difference.

    Returns ``p_a``, ``p_b``, ``difference`` (b - a), ``ci_low``, ``ci_high``, ``z``, two-sided ``p_value``
    and ``p_adjusted``. The test and the interval use the same unpooled standard error (as the campaign
    lifts do), so ``p_adjusted < 1 - confidence`` exactly when the interval excludes 0. NaN when a group is
    empty.

    ``tests`` is the number of comparisons this one was picked from (the steps of a funnel, the pairs of
    groups): ``p_adjusted`` is the Bonferroni-adjusted p-value ``min(1, tests * p_value)`` and the interval is
    widened to confidence ``1 - (1 - confidence) / tests`` (simultaneous over the tests). With ``tests=1`` (the
    default) both are the plain ones.
    """
    r = _two_proportions(successes_a, n_a, successes_b, n_b, confidence=confidence, tests=tests)
    return {k: float(v) for k, v in r.items()}


def compare_funnels(
    a: pd.DataFrame, b: pd.DataFrame, *, by: Any = None, confidence: float = 0.95
) -> pd.DataFrame:
    """Step-by-step change of ``conversion_from_previous`` from funnel ``a`` to funnel ``b`` (two periods or groups).

    ``a`` and ``b`` are :func:`funnel` tables with the same steps (and groups ``by``). Returns per (group,
    step > 1): ``from_step`` (the previous step), ``users_a``, ``users_b``, ``conversion_a``, ``conversion_b``,
    ``difference`` (b - a), ``ci_low``, ``ci_high``, ``p_value`` (each step on its own), and the same test
    allowing for the number of steps compared: ``tests`` (steps compared in the group), ``p_adjusted``
    (Bonferroni), ``ci_low_adjusted``, ``ci_high_adjusted`` (the interval at ``1 - (1 - confidence) / tests``)
    and ``significant`` (``p_adjusted < 1 - confidence``). A report that names one step's change out of several
    uses the adjusted columns: testing the four moves of a five-step funnel each at 5%, some step "changes"
    about one month in five when nothing changed.
    """
    groups = as_list(by)
    keys = [*groups, "step_number", "step"]
    cols = [*keys, "from_step", "users_a", "users_b", "conversion_a", "conversion_b", "difference", "ci_low",
            "ci_high", "p_value", "tests", "p_adjusted", "ci_low_adjusted", "ci_high_adjusted",
            "significant"]  # fmt: skip
    m = a.merge(b, on=keys, suffixes=("_a", "_b"), how="inner")
    # the base of step k: the units at step k-1 of the same group (or, without that row, units / conversion)
    prev = m[[*groups, "step_number", "step", "users_a", "users_b"]].rename(
        columns={"step": "from_step", "users_a": "_base_a", "users_b": "_base_b"}
    )
    m = m.merge(prev.assign(step_number=prev.step_number + 1), on=[*groups, "step_number"], how="left")
    m = m[m.step_number > 1].sort_values([*groups, "step_number"], kind="stable").reset_index(drop=True)
    if m.empty:
        return pd.DataFrame(columns=cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        for s in ("a", "b"):
            conv = m[f"conversion_from_previous_{s}"]
            implied = (m[f"users_{s}"] / conv).where(conv > 0, 0.0)
            m[f"_base_{s}"] = m[f"_base_{s}"].fillna(implied)
    # the steps compared in a group are one Bonferroni family
    m["tests"] = (
        m.groupby(groups, sort=False, dropna=False)["step_number"].transform("size") if groups else len(m)
    )
    m["tests"] = m["tests"].astype("int64")
    res = _two_proportions(m.users_a, m._base_a, m.users_b, m._base_b, confidence=confidence, tests=1)
    adj = _two_proportions(m.users_a, m._base_a, m.users_b, m._base_b, confidence=confidence, tests=m.tests)
    out = m[[*keys, "from_step"]].copy()
    out["users_a"], out["users_b"] = m.users_a.astype("int64"), m.users_b.astype("int64")
    out["conversion_a"], out["conversion_b"], out["difference"] = res["p_a"], res["p_b"], res["difference"]
    out["ci_low"], out["ci_high"], out["p_value"] = res["ci_low"], res["ci_high"], res["p_value"]
    out["tests"], out["p_adjusted"] = m.tests, adj["p_adjusted"]
    out["ci_low_adjusted"], out["ci_high_adjusted"] = adj["ci_low"], adj["ci_high"]
    out["significant"] = out.p_adjusted < 1 - confidence
    return out[cols]


def named_change(change: pd.DataFrame, *, direction: str | None = None) -> pd.Series | None:
    """The step change a report names, from a :func:`compare_funnels` table: among the steps whose change is
    beyond noise (``significant``, Bonferroni-adjusted for the steps compared), the one that moved most in
    ``direction`` (``"down"``, ``"up"`` or either, ``None``); ``None`` when no step qualifies.

    Naming the largest move only when it passes the adjusted test keeps the chance of naming a change when no
    step changed at most ``1 - confidence`` (5%), however many steps it was picked from.
    """
    if direction not in (None, "down", "up"):
        raise ValueError(f"direction must be 'down', 'up' or None, got {direction!r}")
    c = change[change["significant"].astype(bool)].dropna(subset=["difference"])
    if direction == "down":
        c = c[c.difference < 0]
    elif direction == "up":
        c = c[c.difference > 0]
    if c.empty:
        return None
    return c.loc[c.difference.abs().idxmax()]


def largest_change(change: pd.DataFrame) -> pd.Series | None:
    """The step whose conversion moved most (largest absolute ``difference``), significant or not, from a
    :func:`compare_funnels` table: what the report mentions when no step changed beyond noise; None when no
    step has a difference."""
    c = change.dropna(subset=["difference"])
    return c.loc[c.difference.abs().idxmax()] if len(c) else None


def weekly_change(table: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Each step's change of conversion from the first to the last full week of a ``funnel(by="week")`` table.

    The first and the last week of the table are left out (the period's edges may cut them short); the
    remaining first and last weeks are compared with :func:`compare_funnels`, whose ``significant`` and
    adjusted columns allow for the number of steps compared. Returns its table with ``week_a`` and ``week_b``
    in front, empty (same columns) when fewer than two weeks remain (fewer than four in the table). The weekly
    trend title names a step only through :func:`named_change` of this table.
    """
    weeks = sorted(pd.to_datetime(pd.Series(table["week"].unique())))
    empty = compare_funnels(table.iloc[:0], table.iloc[:0], confidence=confidence)
    empty.insert(0, "week_b", pd.Series(dtype="datetime64[ns]"))
    empty.insert(0, "week_a", pd.Series(dtype="datetime64[ns]"))
    if len(weeks) < 4:
        return empty
    wk = pd.to_datetime(table["week"])
    a = table[wk == weeks[1]].drop(columns="week")
    b = table[wk == weeks[-2]].drop(columns="week")
    out = compare_funnels(a, b, confidence=confidence)
    out.insert(0, "week_b", weeks[-2])
    out.insert(0, "week_a", weeks[1])
    return out


def breakdown_gap(table: pd.DataFrame, by: str, *, min_units: int = 30) -> dict | None:
    """The group that converts best and the one that converts worst to the last step of a ``funnel(by=by)``
    table, and whether the gap between them is more than chance: a two-proportion test (best minus worst) and
    the 95% interval of the difference, both Bonferroni-adjusted for the number of pairs the two were picked
    from. Groups with fewer than ``min_units`` units at step 1 are left out: their rates are too noisy to rank.

    Returns ``best`` and ``worst`` (rows of the last step), ``pairs`` (the Bonferroni family), ``test`` (the
    :func:`two_proportion_test` result) and ``significant`` (adjusted p below 5%); None when fewer than two
    groups qualify.
    """
    last = table[table.step_number == table.step_number.max()].reset_index(drop=True)
    start = table[table.step_number == 1].set_index(by)["users"]
    last = last[last[by].map(start).fillna(0) >= min_units].reset_index(drop=True)
    if len(last) < 2 or last.conversion_from_start.isna().all():
        return None
    best = last.loc[last.conversion_from_start.idxmax()]
    worst = last.loc[last.conversion_from_start.idxmin()]
    # the best and the worst of n groups are picked from n(n-1)/2 pairs: Bonferroni keeps the 5% level honest
    pairs = len(last) * (len(last) - 1) // 2
    test = two_proportion_test(worst.users, start[worst[by]], best.users, start[best[by]], tests=pairs)
    return {
        "best": best,
        "worst": worst,
        "pairs": pairs,
        "test": test,
        "significant": test["p_adjusted"] < 0.05,
    }


def present_columns(events, columns: Any) -> tuple[list[str], list[str]]:
    """Split wanted breakdown columns into those the events have and those they lack (``week`` is derived)."""
    cols = as_list(columns)
    have = set(events.columns) | {"week"}
    return [c for c in cols if c in have], [c for c in cols if c not in have]


def stack_breakdowns(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One long table from ``{column: funnel(by=column)}``: ``breakdown``, ``group`` and the funnel columns."""
    parts = []
    for col, t in tables.items():
        d = t.rename(columns={col: "group"}).copy()
        d.insert(0, "breakdown", col)
        d["group"] = d["group"].astype(str)
        parts.append(d)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def best_and_worst_channel(channels: pd.DataFrame, *, min_sessions: int = 200) -> dict:
    """The channels a finding compares, from :func:`shoplab.paths.channel_conversion`: those with at least
    ``min_sessions`` sessions (``eligible``, their number), the best and the worst by conversion and whether
    their 95% intervals are apart (``apart``: the best's lower bound above the worst's upper bound); ``best`` is
    None when fewer than two channels are eligible."""
    c = channels[channels.sessions >= min_sessions]
    if len(c) < 2:
        return {"eligible": len(c), "best": None, "worst": None, "apart": False}
    best, worst = c.loc[c.conversion.idxmax()], c.loc[c.conversion.idxmin()]
    return {"eligible": len(c), "best": best, "worst": worst, "apart": bool(best.ci_low > worst.ci_high)}


def top_exit_node(nodes: pd.DataFrame, *, target: str = "pay", min_visits: int = 200) -> pd.Series | None:
    """The node (other than ``target``) with the highest exit rate among those with at least ``min_visits``
    visits, from :func:`shoplab.paths.key_nodes`; None when none qualifies."""
    n = nodes[(nodes.node != target) & (nodes.visits >= min_visits)]
    if not len(n):
        return None
    return n.loc[n.exit_rate.idxmax()]


#: an exit share at or above this is "most" of those who stop at the step
MOST_SHARE = 0.5


def is_most(share: float) -> bool:
    """Whether a share is at least :data:`MOST_SHARE` (half): the report then says "most"."""
    return bool(share >= MOST_SHARE)


def changed_steps(change: pd.DataFrame) -> int:
    """How many steps of a :func:`compare_funnels` or :func:`weekly_change` table changed beyond noise
    (``significant``, Bonferroni-adjusted for the steps compared)."""
    return int(change.significant.sum())


def top_exit_step(dropoffs: pd.DataFrame) -> pd.Series | None:
    """The step whose drop-offs most often leave the session (the exit row with the largest ``share`` of
    :func:`shoplab.paths.dropoff_destinations`); None without exits."""
    ex = dropoffs[dropoffs.next_event == EXIT].reset_index(drop=True)
    return ex.loc[ex.share.idxmax()] if len(ex) else None


def busiest_transition(transitions: pd.DataFrame) -> pd.Series | None:
    """The most frequent move between two different events (not to the exit) of
    :func:`shoplab.paths.transitions`; None when there is none."""
    t = transitions[(transitions.from_event != transitions.to_event) & (transitions.to_event != EXIT)]
    return None if t.empty else t.loc[t["count"].idxmax()]


def top_first_move(links: pd.DataFrame) -> tuple[pd.Series, float] | None:
    """The first move most sessions of :func:`shoplab.paths.sankey_links` make (its link, layer 0) and its share
    of the sessions; None without a first move."""
    first = links[links.layer == 0]
    if first.empty:
        return None
    top = first.loc[first.sessions.idxmax()]
    return top, top.sessions / first.sessions.sum()
