"""Per-block simulation of users and their behaviour: profiles, campaign assignment, sessions and events."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ._common import (
    _cum_of,
    _draw,
    _draw_rows,
    _inv_cum,
    _pick_items,
    _segment_starts,
)
from .design import (
    _ACQ_BY_ARCH,
    _ARCH_NAMES,
    _BROWSE_EXTRAS,
    _CATEGORY_BY_GENDER,
    _CHURNED_REACH,
    _DAY_MS,
    _E,
    _GAP_MEDIAN_S,
    _GENDER_SHARES,
    _JOIN_DELAY_DAYS,
    _MAX_STEP_PROBABILITY,
    _MONTH_MS,
    _PEAK_ADD_TO_CART_BOOST,
    _PLATFORM_BY_ARCH,
    _PLATFORM_SHARES,
    _PRE_BROWSE,
    _SAME_CHANNEL_AS_ACQUISITION,
    _SEC_MS,
    _TRAFFIC_MIX,
    ARCHETYPES,
    CHURN,
    PLATFORMS,
    TRAFFIC_CHANNELS,
)


def _block_users(rng: np.random.Generator, ctx: SimpleNamespace, lo: int, hi: int) -> SimpleNamespace:
    """Users of one block: profile, hidden archetype, satisfaction, signup, churn and membership times."""
    n = hi - lo
    cal = ctx.cal
    a = ctx.arch
    arch = _draw(rng, [ARCHETYPES[x]["share"] for x in _ARCH_NAMES], n)
    gender = _draw(rng, _GENDER_SHARES, n)
    birth = np.clip(np.rint(rng.normal(a["birth_year_mean"][arch], 7.0)), 1965, 2006).astype(np.int64)
    city = _draw(rng, ctx.city_p, n)
    acq = _draw_rows(rng, _ACQ_BY_ARCH, arch)
    plat = _draw_rows(rng, _PLATFORM_BY_ARCH, arch)
    sat = rng.normal(a["satisfaction_mean"][arch], 1.0)
    will_join = rng.random(n) < a["join_probability"][arch]
    pre = rng.random(n) < a["pre_window_share"][arch]
    days_before = 1095.0 * rng.random(n) ** 1.5
    pre_signup = -(days_before * _DAY_MS + rng.random(n) * _DAY_MS + _SEC_MS)
    # in-window signups fall in the archetype's span of the window (fractions of its cumulative traffic)
    span_from, span_to = a["signup_from"][arch], a["signup_to"][arch]
    c_end = _cum_of(cal, np.array([cal.session_end_ms]))[0]
    in_signup = _inv_cum(cal, (span_from + rng.random(n) * (span_to - span_from)) * c_end)
    signup = np.floor(np.where(pre, pre_signup, in_signup)).astype(np.int64)
    active_from = np.maximum(signup, 0)
    hazard = (
        CHURN["baseline_monthly_hazard"]
        * a["churn_hazard_ratio"][arch]
        * np.exp(CHURN["satisfaction_log_hazard_per_unit"] * sat)
        * np.where(will_join, 1.0, CHURN["not_member_hazard_ratio"])
        * np.where(plat == PLATFORMS.index("web"), CHURN["web_platform_hazard_ratio"], 1.0)
    )
    churn = active_from + np.floor(rng.exponential(1.0, n) / hazard * _MONTH_MS).astype(np.int64)
    join = signup + np.floor(rng.exponential(_JOIN_DELAY_DAYS, n) * _DAY_MS).astype(np.int64)
    limit = np.minimum(churn, cal.horizon_ms)
    late = join > limit
    join = np.where(late, signup + np.floor(rng.random(n) * (limit - signup)).astype(np.int64), join)
    join = np.where(will_join, join, -1)
    rate = a["visits_per_month"][arch] * np.exp(rng.normal(-0.125, 0.5, n))
    return SimpleNamespace(
        n=n,
        uid=np.arange(lo, hi, dtype=np.int64) + 1,
        arch=arch,
        gender=gender,
        birth=birth,
        city=city,
        acq=acq,
        plat=plat,
        sat=sat,
        will_join=will_join,
        signup=signup,
        active_from=active_from,
        churn=churn,
        join=join,
        rate=rate,
    )


def _block_assignments(rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace) -> np.ndarray:
    """Randomised campaign assignment matrix ``G[user, campaign]``: 0 none, 1 control, 2 treatment.

    Each campaign assigns a random ``assign_fraction`` of the users who signed up before its start, each
    to treatment with probability ``treatment_share``.
    """
    g = np.zeros((u.n, ctx.n_camp), dtype=np.int8)
    for c in range(ctx.n_camp):
        existing = u.signup < ctx.camp_start[c]
        assigned = existing & (rng.random(u.n) < ctx.camp_frac[c])
        treated = rng.random(u.n) < ctx.camp_share[c]
        g[:, c] = np.where(assigned, np.where(treated, 2, 1), 0)
    return g


def _block_sessions(
    rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace, g: np.ndarray
) -> SimpleNamespace:
    """Sessions: baseline visits (seasonal Poisson process until churn) plus campaign-induced visits.

    Campaign-induced sessions are drawn for assigned users of both groups; those of control users are
    *counterfactual* (what would have happened under treatment): they are used to compute the planted
    campaign truths and dropped before writing.
    """
    cal = ctx.cal
    lo = u.active_from
    hi = np.maximum(np.minimum(u.churn, cal.session_end_ms), lo)
    c_lo, c_hi = _cum_of(cal, lo), _cum_of(cal, hi)
    k = rng.poisson(u.rate / _MONTH_MS * (c_hi - c_lo))
    su = np.repeat(np.arange(u.n), k)
    t = _inv_cum(cal, np.repeat(c_lo, k) + rng.random(len(su)) * np.repeat(c_hi - c_lo, k))
    # campaign-induced sessions
    ui, ci = np.nonzero(g)
    reach = np.where(u.churn[ui] > ctx.camp_start[ci], 1.0, _CHURNED_REACH)
    mu = ctx.camp_mu[ci] * ctx.arch["campaign_responsiveness"][u.arch[ui]] * reach
    ke = rng.poisson(mu)
    eu, ec = np.repeat(ui, ke), np.repeat(ci, ke)
    cs, ce = _cum_of(cal, ctx.camp_start[ec]), _cum_of(cal, np.minimum(ctx.camp_end[ec], cal.session_end_ms))
    te = _inv_cum(cal, cs + rng.random(len(eu)) * (ce - cs))
    user = np.concatenate([su, eu])
    t0 = np.floor(np.concatenate([t, te])).astype(np.int64)
    extra_camp = np.concatenate([np.full(len(su), -1), ec])
    order = np.lexsort((t0, user))
    user, t0, extra_camp = user[order], t0[order], extra_camp[order]
    ns = len(user)
    is_extra = extra_camp >= 0
    if ctx.n_camp:
        cf = is_extra & (g[user, np.maximum(extra_camp, 0)] == 1)
        # campaign context: sessions of treated users inside a campaign window (and all induced sessions)
        cj = np.searchsorted(ctx.camp_start, t0, side="right") - 1
        in_win = (cj >= 0) & (t0 <= ctx.camp_end[np.maximum(cj, 0)])
        treated_in_win = in_win & (g[user, np.maximum(cj, 0)] == 2)
    else:
        cf = treated_in_win = np.zeros(ns, dtype=bool)
        cj = np.full(ns, -1)
    camp_ctx = np.where(is_extra, extra_camp, np.where(treated_in_win, cj, -1))
    day = np.minimum(t0 // _DAY_MS, cal.n_days - 1)
    peak = cal.peak_day[day]
    # platform and traffic channel
    plat = np.where(rng.random(ns) < 0.8, u.plat[user], _draw(rng, _PLATFORM_SHARES, ns))
    first = np.r_[True, user[1:] != user[:-1]] & (u.signup[user] >= 0) & ~is_extra
    chan = np.where(rng.random(ns) < _SAME_CHANNEL_AS_ACQUISITION, u.acq[user], _draw(rng, _TRAFFIC_MIX, ns))
    chan = np.where(first, u.acq[user], chan)
    # entry event
    r = rng.random(ns)
    entry = np.full(ns, _E["home"], dtype=np.int8)
    entry[(chan == TRAFFIC_CHANNELS.index("自然搜索")) & (r < 0.7)] = _E["search"]
    entry[(chan == TRAFFIC_CHANNELS.index("直通车")) & (r < 0.7)] = _E["search"]
    entry[(chan == TRAFFIC_CHANNELS.index("抖音直播")) & (r < 0.7)] = _E["live_room"]
    entry[peak & (r < 0.3)] = _E["campaign_page"]
    entry[(camp_ctx >= 0) & ((r < 0.5) | is_extra)] = _E["campaign_page"]
    return SimpleNamespace(
        n=ns,
        user=user,
        t0=t0,
        is_extra=is_extra,
        cf=cf,
        camp_ctx=camp_ctx,
        peak=peak,
        day=day,
        plat=plat,
        chan=chan,
        entry=entry,
    )


def _walk_funnel(
    rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace, s: SimpleNamespace, st
) -> None:
    """Walk each session down the funnel; sets ``s.depth`` (0 = entry only .. 5 = paid).

    The continuation probability of each step is the platform base times archetype, peak-day and
    campaign multipliers. The session-weighted mean probability of every step (over real sessions that
    reached the previous step) is accumulated into the truth, so a brute-force funnel recovers it.
    """
    p = ctx.funnel_base[s.plat] * ctx.arch_funnel[u.arch[s.user]]
    p[:, 1] *= np.where(s.peak, _PEAK_ADD_TO_CART_BOOST, 1.0)
    boost = np.where(s.is_extra, ctx.camp_boost[np.maximum(s.camp_ctx, 0)] if ctx.n_camp else 1.0, 1.0)
    p[:, 1] *= boost
    p[:, 2] *= np.sqrt(boost)
    np.minimum(p, _MAX_STEP_PROBABILITY, out=p)
    draws = rng.random((s.n, 5))
    reached = np.ones(s.n, dtype=bool)
    real = ~s.cf
    depth = np.zeros(s.n, dtype=np.int8)
    for k in range(5):
        base = reached & real
        st.funnel_n[:, k] += np.bincount(s.plat[base], minlength=len(PLATFORMS))
        st.funnel_p[:, k] += np.bincount(s.plat[base], weights=p[base, k], minlength=len(PLATFORMS))
        reached &= draws[:, k] < p[:, k]
        st.funnel_hit[:, k] += np.bincount(s.plat[reached & real], minlength=len(PLATFORMS))
        depth += reached
    s.depth = depth


def _block_events(
    rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace, s: SimpleNamespace
) -> SimpleNamespace:
    """Expand sessions into ordered events with items and timestamps.

    Each session is a sequence of segments: entry event, pre-browse events, a browsing segment (product
    views mixed with favourites, shares ...), ``add_to_cart`` lines, cart page, checkout, submit_order, pay
    and an optional share; the funnel depth decides which segments are present.
    """
    ns = s.n
    arch_s = u.arch[s.user]
    depth = s.depth.astype(np.int64)
    k1 = np.minimum(rng.poisson(0.7, ns), 4)
    n_pv = np.where(depth >= 1, 1 + np.minimum(rng.poisson(ctx.arch["product_views_mean"][arch_s]), 12), 0)
    n_x = np.where(depth >= 1, np.minimum(rng.poisson(0.5, ns), 4), 0)
    n_cart = np.where(depth >= 2, np.minimum(_draw_rows(rng, ctx.arch_cart, arch_s) + 1, n_pv), 0)
    cart_page = (depth >= 3) | ((depth == 2) & (rng.random(ns) < 0.5))
    share = (depth >= 5) & (rng.random(ns) < 0.08)
    counts = np.stack(
        [np.ones(ns, np.int64), k1, n_pv + n_x, n_cart, cart_page, depth >= 3, depth >= 4, depth >= 5, share],
        axis=1,
    ).astype(np.int64)
    n_seg = counts.shape[1]
    flat = counts.ravel()
    length = counts.sum(axis=1)
    n_ev = int(length.sum())
    es = np.repeat(np.arange(ns), length)
    seg = np.repeat(np.tile(np.arange(n_seg, dtype=np.int8), ns), flat)
    pos = np.arange(n_ev) - np.repeat(_segment_starts(flat), flat)
    fixed = np.array(
        [
            -1,
            -1,
            -1,
            _E["add_to_cart"],
            _E["cart"],
            _E["checkout"],
            _E["submit_order"],
            _E["pay"],
            _E["share"],
        ]
    )
    code = fixed[seg].astype(np.int8)
    m = seg == 0
    code[m] = s.entry[es[m]]
    m = np.flatnonzero(seg == 1)
    pre = np.array([_E[e] for e, _ in _PRE_BROWSE], dtype=np.int8)[
        _draw(rng, [w for _, w in _PRE_BROWSE], len(m))
    ]
    no_ctx = (s.camp_ctx[es[m]] < 0) & ~s.peak[es[m]]
    pre[(pre == _E["campaign_page"]) & no_ctx] = _E["category"]
    code[m] = pre
    m = np.flatnonzero(seg == 2)
    extra = np.array([_E[e] for e, _ in _BROWSE_EXTRAS], dtype=np.int8)[
        _draw(rng, [w for _, w in _BROWSE_EXTRAS], len(m))
    ]
    code[m] = np.where(pos[m] < n_pv[es[m]], _E["product_view"], extra)
    key = pos.astype(float)
    key[m] = np.where(pos[m] == 0, -1.0, rng.random(len(m)))
    order = np.lexsort((key, seg, es))
    es, code = es[order], code[order]
    # items: one browsing category per session; carts take the session's first product views
    item = np.full(n_ev, -1, dtype=np.int64)
    sess_cat = _draw_rows(rng, _CATEGORY_BY_GENDER, u.gender[s.user])
    pv = np.flatnonzero(code == _E["product_view"])
    tilt = ctx.arch["price_tilt"][arch_s[es[pv]]]
    item[pv] = _pick_items(rng, ctx.items, sess_cat[es[pv]], tilt)
    rank = np.arange(len(pv)) - np.repeat(_segment_starts(n_pv), n_pv)
    carts = np.flatnonzero(code == _E["add_to_cart"])
    item[carts] = item[pv[rank < n_cart[es[pv]]]]
    # timestamps: gaps before each event, cumulated within the session, compressed at the window end
    gap = np.exp(np.log(_GAP_MEDIAN_S[code]) + 0.8 * rng.normal(size=n_ev))
    gap = np.clip(gap, 1.0, 1800.0) * _SEC_MS
    first = _segment_starts(length)
    gap[first] = 0.0
    cs = np.cumsum(gap)
    off = cs - np.repeat(cs[first], length)
    dur = off[first + length - 1]
    room = (ctx.cal.horizon_ms - s.t0).astype(float)
    scale = np.where(dur > room, room / np.maximum(dur, 1.0), 1.0)
    ts = s.t0[es] + np.floor(off * scale[es]).astype(np.int64)
    return SimpleNamespace(n=n_ev, sess=es, code=code, item=item, ts=ts, n_cart=n_cart)
