"""Without a control group: difference-in-differences from a timestamped exposure.

Who took part must not be decided by the outcome. A user with a campaign order in the window has, by
construction, spent in the window, so "buyers against everyone else" shows a large effect even when there is
none. Participation therefore comes from an **exposure** that is not a purchase, and the outcome is measured
only after it.

* **Exposure**: the user's first ``events`` row with ``event == "campaign_page"`` from ``start_ts`` to
  ``end_ts``. When ``events`` has a ``campaign_id`` column, a view tagged with another campaign does not count;
  an untagged (empty) one counts for every campaign running at the time.
* **Participants**: exposed users who were active before the start (an order or an event before
  ``start_ts``). Exposed users first seen during the campaign have no pre-period to match on and are left out
  (``participants_new``).
* **Cells**: users are grouped by their activity in the ``pre_days`` before the start: paid orders (0, 1, 2+)
  by spend tercile among the pool's buyers, and, with events, days with any event (0, 1-2, 3-7, 8+).
* **Windows**: a unit anchored at time ``a`` is measured from ``a`` to the end of the campaign (``post``) and
  over a window of the same length just before ``a`` (``pre``); its change is paid GMV ``post - pre``. A
  participant is anchored at its first exposure.
* **Comparison** (``comparison="visitors"``, the report's choice): a campaign page is seen during a visit, so
  an exposure is compared with visits that could have been one and were not: every visit in the window of a
  user active before the start and not yet exposed at it (all visits of users never exposed, and a
  participant's visits before the one in which it was first exposed), anchored at the visit's start. A visit
  starts at the first event of a ``session_id``, or without one at an event more than ``gap_minutes`` (30)
  after the user's previous one. Strata: pre-period cell, campaign day of the anchor and visit rank (earlier
  visits of the window: 0, 1, 2+). Participants of a stratum with fewer than two comparison visits are dropped
  (``participants_dropped``). With ``comparison="windows"`` (an exposure that needs no visit, such as a message
  received) every never-exposed user of the cell active before the start is measured over each participant's
  own two windows instead. Either comparison depends on exposures and visits, never on purchases.
* **Estimate**: the mean over participants of their change minus the mean change of their stratum's
  comparison units (paid GMV per participant). With no effect it is unbiased when, at a visit of a user not
  yet exposed (with ``"windows"``: for a user), whether the campaign page is seen does not depend on what the
  user would buy, given the stratum: users who see it on a later visit are compared at that visit's rank, so
  visiting more often does not by itself raise the estimate. With an effect, comparison visits of users exposed
  later carry part of it after their own exposure, which pulls the estimate towards zero (conservative).
* **Interval**: normal. With ``"visitors"`` the variance of the estimate's influence is summed within users
  (a user can give several comparison visits, and a participant's earlier visits are comparison units); with
  ``"windows"`` it is the per-participant differences' plus the comparison users' own (each comparison user's
  change averaged over the windows of its cell's participants).
* **Pre-trend placebo**: the same estimate with every anchor and window shifted back by the campaign's length,
  so that it lies wholly before the start. A placebo interval that excludes zero means the groups were already
  moving apart; one that includes zero does not prove parallel trends.

Where only purchases mark participation (no events, or no exposure in the window) no comparison avoids
conditioning on the outcome: :func:`did_estimate` then reports the campaign as not evaluable
(``did_evaluable = 0``, no estimate, no interval) with before/after descriptives of its buyers, which are not
an effect.
"""

from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd

from ..stats import _z
from ._util import paid, table, ts

__all__ = ["participants", "did_frame", "did_from_frame", "did_estimate"]

EXPOSURE_EVENT = "campaign_page"
COMPARISONS = ("visitors", "windows")
_US = pd.Timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_ACTIVE_DAYS_BINS = (1, 3, 8)  # pre-period days with an event: 0, 1-2, 3-7, 8+
_RANKS = 3  # visit rank strata: no earlier visit in the window, one, two or more


def participants(orders, *, campaign_id: str, start_ts, end_ts, events=None) -> pd.DataFrame:
    """Who was exposed to the campaign and who bought with it, one row per user.

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``exposure_ts`` (first campaign-page view in the window, see the module docstring; NaT
        without one) and ``bought`` (a paid order carrying the campaign's ``orders.campaign_id`` in the
        window). Buying marks a user here but never makes one a participant of the estimate.
    """
    cid = str(campaign_id)
    start, end = ts(start_ts), ts(end_ts)
    exposed = buyers = None
    if events is not None:
        e = table(events, "events", ["user_id", "ts", "event"])
        keep = (e.ts >= start) & (e.ts <= end) & (e.event == EXPOSURE_EVENT)
        if "campaign_id" in e.columns:
            keep &= e.campaign_id.isnull() | (e.campaign_id.cast("string") == cid)
        e = e.filter(keep)
        exposed = e.group_by("user_id").aggregate(exposure_ts=e.ts.min()).execute()
    o = table(orders, "orders", ["user_id", "ts"])
    if "campaign_id" in o.columns:
        o = paid(o)
        o = o.filter((o.ts >= start) & (o.ts <= end) & (o.campaign_id.cast("string") == cid))
        buyers = o.select("user_id").distinct().execute().assign(bought=True)
    if exposed is None and buyers is None:
        out = pd.DataFrame({"user_id": [], "exposure_ts": pd.Series(dtype="datetime64[us]"), "bought": False})
    elif buyers is None:
        out = exposed.assign(bought=False)
    elif exposed is None:
        out = buyers.assign(exposure_ts=pd.NaT)
    else:
        out = exposed.merge(buyers, on="user_id", how="outer")
    out["exposure_ts"] = pd.to_datetime(out["exposure_ts"])
    out["bought"] = out["bought"].fillna(False).astype(bool)
    return out[["user_id", "exposure_ts", "bought"]].sort_values("user_id", ignore_index=True)


def _length(start, end) -> pd.Timedelta:
    """The campaign's length with ``end_ts`` included (windows are half-open, ``[lo, hi)``)."""
    return pd.Timestamp(end) + _US - pd.Timestamp(start)


def _visit_starts(events, start, end, gap_minutes: float):
    """Visit starts in the window: the first event of each session (``session_id``), or without one an event
    more than ``gap_minutes`` after the user's previous event of the window (the first event always starts one)."""
    e = events.filter((events.ts >= ts(start)) & (events.ts <= ts(end)))
    if "session_id" in e.columns:
        return e.group_by(["user_id", "session_id"]).aggregate(ts=e.ts.min()).select("user_id", "ts")
    prev = e.ts.lag().over(ibis.window(group_by="user_id", order_by="ts"))
    e = e.select("user_id", "ts", prev=prev)
    return e.filter(e.prev.isnull() | (e.ts > e.prev + ibis.interval(minutes=gap_minutes))).select(
        "user_id", "ts"
    )


def did_frame(
    orders, *, start_ts, end_ts, events=None, pre_days: int = 28, gap_minutes: float = 30
) -> pd.DataFrame:
    """The users active before the start with their paid orders and visits around the campaign (input of
    :func:`did_from_frame`).

    Returns
    -------
    pandas.DataFrame
        A timeline of the users active before ``start_ts`` (an order or an event): one row per paid order from
        two campaign lengths before the start to the end (the windows of the estimate and of its placebo,
        ``kind`` "order"), one per visit start in the campaign window (``kind`` "visit", ``amount`` 0; the
        first event of a ``session_id``, or without one an event more than ``gap_minutes`` after the previous
        one), and one for a user with neither (``kind`` and ``ts`` empty). Columns ``user_id``, ``pre_orders``
        and ``pre_spend`` (paid orders and GMV in the ``pre_days`` before the start), with ``events`` also
        ``pre_active_days`` (days with an event then), then ``kind``, ``ts`` and ``amount``.
    """
    o = table(orders, "orders", ["user_id", "ts", "amount"])
    start, end = pd.Timestamp(start_ts), pd.Timestamp(end_ts)
    span_lo = start - 2 * _length(start, end)
    pre_lo = start - pd.Timedelta(days=pre_days)
    pool = o.filter(o.ts < ts(start)).select("user_id")
    e = None
    if events is not None:
        e = table(events, "events", ["user_id", "ts"])
        pool = pool.union(e.filter(e.ts < ts(start)).select("user_id"))
    pool = pool.distinct()
    p = paid(o)
    pre = p.filter((p.ts >= ts(pre_lo)) & (p.ts < ts(start)))
    pre = pre.group_by("user_id").aggregate(pre_orders=pre.count(), pre_spend=pre.amount.sum())
    users = pool.left_join(pre, pool.user_id == pre.user_id).select(
        pool.user_id, pre.pre_orders, pre.pre_spend
    )
    span = p.filter((p.ts >= ts(span_lo)) & (p.ts <= ts(end)))
    rows = span.select("user_id", kind=ibis.literal("order"), ts=span.ts, amount=span.amount.cast("float64"))
    if e is not None:
        ea = e.filter((e.ts >= ts(pre_lo)) & (e.ts < ts(start)))
        ea = ea.group_by("user_id").aggregate(pre_active_days=ea.ts.date().nunique())
        users = users.left_join(ea, users.user_id == ea.user_id).select(users, ea.pre_active_days)
        v = _visit_starts(e, start, end, gap_minutes)
        rows = rows.union(v.select("user_id", kind=ibis.literal("visit"), ts=v.ts, amount=ibis.literal(0.0)))
    df = users.left_join(rows, users.user_id == rows.user_id).select(users, rows.kind, rows.ts, rows.amount)
    df = df.execute()
    counts = [c for c in ("pre_orders", "pre_active_days") if c in df]
    df = df.fillna({"pre_spend": 0.0, "amount": 0.0} | {c: 0 for c in counts})
    df = df.astype({c: "int64" for c in counts} | {"pre_spend": float, "amount": float})
    df["ts"] = pd.to_datetime(df["ts"])
    return df.sort_values(["user_id", "ts", "kind"], ignore_index=True)


def _cells(users: pd.DataFrame) -> pd.Series:
    """Pre-period cell of each user (see the module docstring)."""
    orders = users["pre_orders"].clip(upper=2)
    buyers = users["pre_orders"] > 0
    terc = pd.Series(0, index=users.index)
    if buyers.sum() >= 3:
        terc[buyers] = pd.qcut(users.loc[buyers, "pre_spend"].rank(method="first"), 3, labels=False) + 1
    cell = orders.astype(str) + "-" + terc.astype(str)
    if "pre_active_days" in users:
        days = np.searchsorted(
            np.asarray(_ACTIVE_DAYS_BINS), users["pre_active_days"].to_numpy(), side="right"
        )
        cell = cell + "-" + pd.Series(days, index=users.index).astype(str)
    return cell


def _us(values) -> np.ndarray:
    """Timestamps as int64 microseconds."""
    return np.asarray(pd.to_datetime(pd.Series(values)).astype("datetime64[us]")).astype(np.int64)


def _changes(orders: pd.DataFrame, user: np.ndarray, anchor: np.ndarray, end_us: int) -> np.ndarray:
    """For each unit (a user and an anchor time ``a``): the user's paid GMV in ``[a, end)`` minus in
    ``[2a - end, a)``."""
    u = pd.DataFrame({"user_id": user, "a": anchor, "i": np.arange(len(user))})
    m = u.merge(orders[["user_id", "t", "amount"]], on="user_id")
    a, t = m["a"].to_numpy(), m["t"].to_numpy()
    sign = ((t >= a) & (t < end_us)).astype(float) - ((t >= 2 * a - end_us) & (t < a)).astype(float)
    return np.bincount(m["i"].to_numpy(), weights=m["amount"].to_numpy() * sign, minlength=len(u))


def _strata_var(values: np.ndarray, k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample variance (ddof 1) of ``values`` within each stratum code ``k`` (``n`` members each)."""
    mean = np.bincount(k, weights=values, minlength=len(n)) / np.maximum(n, 1)
    ss = np.bincount(k, weights=(values - mean[k]) ** 2, minlength=len(n))
    return ss / np.maximum(n - 1, 1)


def _interval(est: float, var: float, z: float) -> tuple[float, float, float]:
    se = math.sqrt(var)
    return est, est - z * se, est + z * se


def _visitors(units: pd.DataFrame, orders: pd.DataFrame, end_us: int, shift: int, z: float, n_strata: int):
    """``comparison="visitors"``: participants' exposures against not-yet-exposed visits of the same stratum.

    The variance is that of the estimate's influence summed within users (a user can give several visits, and
    a participant's own earlier visits are comparison units)."""
    d = _changes(orders, units["user_id"].to_numpy(), units["a"].to_numpy() - shift, end_us - shift)
    part, k = units["part"].to_numpy(), units["k"].to_numpy()
    n_p = np.bincount(k[part], minlength=n_strata)
    n_c = np.bincount(k[~part], minlength=n_strata)
    mean = np.bincount(k[~part], weights=d[~part], minlength=n_strata) / np.maximum(n_c, 1)
    n = int(part.sum())
    r = d[part] - mean[k[part]]
    est = float(r.mean())
    psi = np.empty(len(units))
    psi[part] = (r - est) / n
    kc = k[~part]
    psi[~part] = -(n_p[kc] / n) * (d[~part] - mean[kc]) / n_c[kc]
    g = pd.Series(psi).groupby(units["user_id"].to_numpy()).sum().to_numpy()
    return _interval(est, len(g) / (len(g) - 1) * float(np.sum(g**2)), z)


def _window_sums(t: np.ndarray, cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of the amounts whose (sorted) times ``t`` fall in ``[lo, hi)``, from their running total ``cum``."""
    return cum[np.searchsorted(t, hi, side="left")] - cum[np.searchsorted(t, lo, side="left")]


def _windows(part, comp, orders, end_us, shift, z, n_strata):
    """``comparison="windows"``: every comparison user of the cell over each participant's windows."""
    pk, ck = part["k"].to_numpy(), comp["k"].to_numpy()
    n_p, n_c = (np.bincount(x, minlength=n_strata) for x in (pk, ck))
    d = _changes(orders, part.index.to_numpy(), part["e"].to_numpy() - shift, end_us - shift)
    end = end_us - shift
    post_lo = part["e"].to_numpy() - shift
    pre_lo = 2 * post_lo - end
    co = orders[orders["user_id"].isin(comp.index)]
    pos = pd.Series(np.arange(len(comp)), index=comp.index)[co["user_id"]].to_numpy()
    order = np.lexsort((co["t"].to_numpy(), ck[pos]))
    pos, t_all, a_all = pos[order], co["t"].to_numpy()[order], co["amount"].to_numpy()[order]
    bounds = np.searchsorted(ck[pos], np.arange(len(n_c) + 1))
    m = np.zeros(len(part))
    h = np.zeros(len(comp))  # each comparison user's change averaged over its stratum's participants' windows
    for k in np.flatnonzero(n_p):
        t, a = t_all[bounds[k] : bounds[k + 1]], a_all[bounds[k] : bounds[k + 1]]
        cum = np.r_[0.0, np.cumsum(a)]
        mine = pk == k
        lo, e = pre_lo[mine], post_lo[mine]
        m[mine] = (_window_sums(t, cum, e, np.full(len(e), end)) - _window_sums(t, cum, lo, e)) / n_c[k]
        # an order at t counts +1 for each participant with e <= t < end, -1 for each with 2e - end <= t < e
        n_e = np.searchsorted(np.sort(e), t, side="right")
        n_pre = np.searchsorted(np.sort(lo), t, side="right") - n_e
        np.add.at(h, pos[bounds[k] : bounds[k + 1]], a * (np.where(t < end, n_e, 0) - n_pre) / n_p[k])
    share = n_p / len(part)
    r = d - m
    var = r.var(ddof=1) / len(r) + float(np.sum(share**2 * _strata_var(h, ck, n_c) / np.maximum(n_c, 1)))
    return _interval(float(r.mean()), var, z)


def did_from_frame(
    frame: pd.DataFrame,
    exposures: pd.DataFrame,
    *,
    start_ts,
    end_ts,
    comparison: str = "visitors",
    confidence: float = 0.95,
) -> dict:
    """DiD estimate, interval and pre-trend placebo from a :func:`did_frame` timeline and the exposures.

    Parameters
    ----------
    frame
        A :func:`did_frame` table: the users active before the start with their paid orders (and visits).
    exposures
        ``user_id`` and ``exposure_ts`` (within the campaign window); rows without a time are ignored and a
        user's earliest time counts.
    start_ts, end_ts
        The campaign window, both ends included.
    comparison
        ``"visitors"`` (needs the visits, so a frame built with events) or ``"windows"``; see the module
        docstring.

    Returns
    -------
    dict
        ``did_evaluable`` (1 when at least two participants have comparison units), ``n_participants``,
        ``n_comparison`` (comparison users) and ``n_comparison_visits`` (their visits used, ``"visitors"``),
        ``participants_dropped`` (no comparison in their stratum), ``participants_new`` (not active before the
        start), ``did_revenue_per_user`` with ``ci_low`` / ``ci_high``, ``pretrend_placebo`` with
        ``pretrend_ci_low`` / ``pretrend_ci_high``, ``parallel_trends_plausible`` (the placebo interval
        includes zero), ``participants_before`` / ``participants_during`` (their mean paid GMV in the
        campaign-length window before the start and in the campaign; descriptive) and ``compared_with``.
        Without an estimate the numbers are NaN.
    """

    if comparison not in COMPARISONS:
        raise ValueError(f"comparison must be one of {', '.join(COMPARISONS)}, got {comparison!r}")
    start, end = pd.Timestamp(start_ts), pd.Timestamp(end_ts)
    start_us, end_us = (int(x) for x in _us([start, end + _US]))
    length_us = end_us - start_us
    ex = exposures[["user_id", "exposure_ts"]].dropna()
    ex = pd.Series(_us(ex["exposure_ts"]), index=ex["user_id"].to_numpy()).groupby(level=0).min()
    outside = (ex < start_us) | (ex >= end_us)
    if outside.any():
        raise ValueError(
            f"{int(outside.sum())} exposure time(s) outside the campaign window {start} to {end}, e.g. for user "
            f"{ex.index[outside][0]}"
        )
    if ex.empty or frame.empty:  # nobody exposed (participation known only from purchases): no estimate
        return _no_estimate(len(ex))
    cols = [c for c in ("pre_orders", "pre_spend", "pre_active_days") if c in frame]
    users = frame.drop_duplicates("user_id").set_index("user_id")[cols]
    users["cell"] = _cells(users)
    new = int((~ex.index.isin(users.index)).sum())
    ex = ex[ex.index.isin(users.index)]
    timed = frame[frame["ts"].notna()]
    orders = timed[timed["kind"] == "order"][["user_id", "ts", "amount"]]
    orders = orders.assign(t=_us(orders["ts"]))
    if comparison == "visitors":
        units = _visit_units(timed[timed["kind"] == "visit"], ex, users["cell"], start_us)
    else:
        part = pd.DataFrame({"user_id": ex.index, "a": ex.to_numpy(), "part": True})
        comp = pd.DataFrame({"user_id": users.index[~users.index.isin(ex.index)], "a": 0, "part": False})
        units = pd.concat([part, comp], ignore_index=True)
        units["stratum"] = units["user_id"].map(users["cell"])
    n_c = units.loc[~units["part"], "stratum"].value_counts()
    usable = ~units["part"] | units["stratum"].isin(n_c[n_c >= 2].index)
    dropped = int((~usable).sum())
    units = units[usable]
    units = units[units["part"] | units["stratum"].isin(set(units.loc[units["part"], "stratum"]))]
    codes, strata = pd.factorize(units["stratum"])
    units = units.assign(k=codes).reset_index(drop=True)
    part = units[units["part"]]
    z = _z(confidence)
    evaluable = len(part) >= 2
    out = dict(
        did_evaluable=int(evaluable),
        n_participants=len(part),
        n_comparison=int(units.loc[~units["part"], "user_id"].nunique()),
        n_comparison_visits=int((~units["part"]).sum()) if comparison == "visitors" else math.nan,
        participants_dropped=dropped,
        participants_new=new,
    )
    nan3 = (math.nan, math.nan, math.nan)
    if comparison == "visitors":
        how = _visitors
    else:
        comp = units[~units["part"]].set_index("user_id")
        part = part.set_index("user_id").rename(columns={"a": "e"})

        def how(_units, orders, end_us, shift, z, n_strata):
            return _windows(part, comp, orders, end_us, shift, z, n_strata)

    d, lo, hi = how(units, orders, end_us, 0, z, len(strata)) if evaluable else nan3
    pl, plo, phi = how(units, orders, end_us, length_us, z, len(strata)) if evaluable else nan3
    before = during = math.nan
    if evaluable:
        ids = units.loc[units["part"], "user_id"]
        po = orders[orders["user_id"].isin(ids)]
        t, amount = po["t"], po["amount"]
        before = float(amount[(t >= start_us - length_us) & (t < start_us)].sum()) / len(ids)
        during = float(amount[(t >= start_us) & (t < end_us)].sum()) / len(ids)
    compared_with = {
        "visitors": "visits of not-yet-exposed users of the same pre-period cell, campaign day and visit rank "
        "(difference-in-differences)",
        "windows": "non-exposed users of the same pre-period cell over each participant's windows "
        "(difference-in-differences)",
    }[comparison]
    return out | dict(
        did_revenue_per_user=d,
        ci_low=lo,
        ci_high=hi,
        pretrend_placebo=pl,
        pretrend_ci_low=plo,
        pretrend_ci_high=phi,
        parallel_trends_plausible=bool(plo <= 0 <= phi),
        participants_before=before,
        participants_during=during,
        compared_with=compared_with if evaluable else "no comparison",
    )


def _no_estimate(new: int) -> dict:
    nan = math.nan
    return dict(
        did_evaluable=0, n_participants=0, n_comparison=0, n_comparison_visits=nan, participants_dropped=0,
        participants_new=new, did_revenue_per_user=nan, ci_low=nan, ci_high=nan, pretrend_placebo=nan,
        pretrend_ci_low=nan, pretrend_ci_high=nan, parallel_trends_plausible=False, participants_before=nan,
        participants_during=nan, compared_with="no comparison",
    )  # fmt: skip


def _visit_units(visits: pd.DataFrame, ex: pd.Series, cell: pd.Series, start_us: int) -> pd.DataFrame:
    """The units of ``comparison="visitors"``: each participant at its first exposure, and every visit of a
    user not yet exposed at it (all visits of users never exposed, a participant's visits before the one in
    which it was first exposed), each with its stratum: cell, campaign day and visit rank (earlier visits of the
    window: 0, 1, 2+)."""
    v = visits[visits["user_id"].isin(cell.index)][["user_id", "ts"]]
    v = v.assign(t=_us(v["ts"])).sort_values(["user_id", "t"], ignore_index=True)
    v["rank"] = v.groupby("user_id").cumcount()
    e = v["user_id"].map(ex)
    seen = (v["t"] <= e).groupby(v["user_id"]).sum()  # visits started by the exposure (it is in the last)
    rank_e = (seen.reindex(ex.index, fill_value=0).astype("int64") - 1).clip(lower=0)
    control = e.isna() | (v["rank"] < v["user_id"].map(rank_e))
    units = pd.concat(
        [
            pd.DataFrame({"user_id": ex.index, "a": ex.to_numpy(), "rank": rank_e.to_numpy(), "part": True}),
            pd.DataFrame({"user_id": v["user_id"][control], "a": v["t"][control], "rank": v["rank"][control],
                          "part": False}),
        ],
        ignore_index=True,
    )  # fmt: skip
    day = (units["a"] - start_us) // _DAY_US
    units["stratum"] = (
        units["user_id"].map(cell)
        + "|"
        + day.astype(str)
        + "|"
        + units["rank"].clip(upper=_RANKS - 1).astype(str)
    )
    return units.drop(columns="rank")


def _buyers_before_after(orders, ids, *, start_ts, end_ts) -> dict:
    """Mean paid GMV of the campaign's buyers in the campaign-length window before the start and in the
    campaign (descriptive: they are selected on buying in the window)."""
    n = len(ids)
    if not n:
        return dict(n_buyers=0, buyers_before=math.nan, buyers_during=math.nan)
    start, end = pd.Timestamp(start_ts), pd.Timestamp(end_ts)
    o = paid(table(orders, "orders", ["user_id", "ts", "amount"]))
    o = o.filter(o.user_id.isin(ibis.memtable(pd.DataFrame({"user_id": list(ids)})).user_id))
    before = (o.ts >= ts(start - _length(start, end))) & (o.ts < ts(start))
    r = o.aggregate(
        before=o.amount.sum(where=before), during=o.amount.sum(where=(o.ts >= ts(start)) & (o.ts <= ts(end)))
    ).execute()
    return dict(
        n_buyers=n,
        buyers_before=float(r["before"].fillna(0.0).iloc[0]) / n,
        buyers_during=float(r["during"].fillna(0.0).iloc[0]) / n,
    )


def did_estimate(
    orders,
    *,
    campaign_id: str,
    start_ts,
    end_ts,
    events=None,
    pre_days: int = 28,
    comparison: str = "visitors",
    confidence: float = 0.95,
) -> dict:
    """Difference-in-differences for a campaign without a control group (see the module docstring).

    Returns the :func:`did_from_frame` result with ``campaign_id``, ``n_exposed`` (users with a campaign-page
    view in the window) and the buyers' before/after descriptives ``n_buyers``, ``buyers_before`` and
    ``buyers_during`` (mean paid GMV of users with a campaign order in the window, in the campaign-length
    window before the start and in the campaign). Without an exposure (no ``events``, or no campaign-page view
    in the window) ``did_evaluable`` is 0 and the estimate, its interval and the placebo are NaN: the effect
    cannot be estimated without a control group.
    """
    who = participants(orders, campaign_id=campaign_id, start_ts=start_ts, end_ts=end_ts, events=events)
    exposed = who[who["exposure_ts"].notna()]
    if len(exposed):
        frame = did_frame(orders, start_ts=start_ts, end_ts=end_ts, events=events, pre_days=pre_days)
        res = did_from_frame(
            frame, exposed, start_ts=start_ts, end_ts=end_ts, comparison=comparison, confidence=confidence
        )
    else:
        res = _no_estimate(0)
    buyers = _buyers_before_after(orders, who.loc[who["bought"], "user_id"], start_ts=start_ts, end_ts=end_ts)
    return dict(campaign_id=campaign_id, n_exposed=len(exposed)) | res | buyers
