"""Per-block simulation of purchases and what follows: orders and lines, campaign effects, membership, feedback."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ._common import (
    _draw_rows,
    _segment_starts,
)
from .design import (
    _CSAT_SAMPLE,
    _DAY_MS,
    _E,
    _MAX_DISCOUNT_SHARE,
    _NPS_SAMPLE,
    _PRIOR_TIER_BY_ARCH,
    _SEC_MS,
    _STORE_COUPONS,
    _YEAR_MS,
    TIER_THRESHOLDS_YUAN,
)


def _block_orders(
    rng: np.random.Generator,
    ctx: SimpleNamespace,
    u: SimpleNamespace,
    g: np.ndarray,
    s: SimpleNamespace,
    e: SimpleNamespace,
) -> SimpleNamespace:
    """Orders (one per paying session, at the pay event) and their lines, discounts and statuses.

    Amounts are computed in integer cents. For orders of assigned users inside a campaign window, both
    potential amounts are kept: without (control world) and with (treatment world) the campaign discount.
    """
    items = ctx.items
    o_sess = np.flatnonzero(s.depth == 5)
    no = len(o_sess)
    o_ts = e.ts[e.code == _E["pay"]]
    o_user = s.user[o_sess]
    arch_o = u.arch[o_user]
    line_rows = np.flatnonzero((e.code == _E["add_to_cart"]) & (s.depth[e.sess] == 5))
    l_order = np.searchsorted(o_sess, e.sess[line_rows])
    l_item = e.item[line_rows]
    l_qty = _draw_rows(rng, ctx.arch_qty, u.arch[o_user[l_order]]) + 1
    l_price = np.maximum((items.price_c[l_item] * rng.uniform(0.85, 1.0, len(l_item)) // 10) * 10, 10).astype(
        np.int64
    )
    sub = np.bincount(l_order, weights=l_qty * l_price, minlength=no).astype(np.int64)
    # store coupons
    thresholds = np.array([c[1] for c in _STORE_COUPONS])
    values = np.array([c[2] for c in _STORE_COUPONS])
    best = np.searchsorted(thresholds, sub, side="right") - 1
    use_coupon = (rng.random(no) < ctx.arch["coupon_probability"][arch_o]) & (sub > 1000)
    store_disc = np.where(use_coupon, values[best], 0)
    coupon = np.where(use_coupon, best, -1)
    # campaign window and assignment of each order
    if ctx.n_camp:
        cj = np.searchsorted(ctx.camp_start, o_ts, side="right") - 1
        in_win = (cj >= 0) & (o_ts <= ctx.camp_end[np.maximum(cj, 0)])
        cj = np.where(in_win, cj, -1)
        grp = np.where(in_win, g[o_user, np.maximum(cj, 0)], 0)
    else:
        cj = np.full(no, -1)
        grp = np.zeros(no, dtype=np.int8)
    camp_disc = np.zeros(no, dtype=np.int64)
    camp_coupon = np.zeros(no, dtype=bool)
    for c, camp in enumerate(ctx.camps):
        m = (cj == c) & (grp > 0)
        rule = camp["discount"]
        if rule[0] == "pct":
            camp_disc[m] = np.rint(sub[m] * rule[1])
        elif rule[0] == "tiered":
            camp_disc[m] = rule[2] * np.minimum(sub[m] // rule[1], rule[3])
        else:  # coupon
            camp_disc[m] = np.where(sub[m] >= rule[1], rule[2], 0)
            camp_coupon[m] = sub[m] >= rule[1]
    cap = np.floor(sub * _MAX_DISCOUNT_SHARE).astype(np.int64)
    disc_ctrl = np.minimum(store_disc, cap)
    disc_treat = np.minimum(np.where(camp_coupon, camp_disc, store_disc + camp_disc), cap)
    treated = grp == 2
    disc = np.where(treated, disc_treat, disc_ctrl)
    coupon = np.where(treated & camp_coupon, len(_STORE_COUPONS) + cj, coupon)
    status = _draw_rows(rng, ctx.arch_status, arch_o)
    return SimpleNamespace(
        n=no,
        sess=o_sess,
        user=o_user,
        ts=o_ts,
        sub=sub,
        disc=disc,
        amount=sub - disc,
        amount_ctrl=sub - disc_ctrl,
        amount_treat=sub - disc_treat,
        status=status,
        camp=cj,
        grp=grp,
        campaign=np.where(treated, cj, -1),
        coupon=coupon,
        l_order=l_order,
        l_item=l_item,
        l_qty=l_qty,
        l_price=l_price,
    )


def _campaign_truth(
    ctx: SimpleNamespace, u: SimpleNamespace, g: np.ndarray, s: SimpleNamespace, o: SimpleNamespace, st
) -> None:
    """Accumulate the planted campaign effects from both potential outcomes of every assigned user.

    ``Y0``: the user has a paid baseline order in the window (control world); ``Y1``: a paid baseline or
    campaign-induced order (treatment world). Spend uses the matching amounts (with or without the
    campaign discount). The truth is the mean of ``Y1 - Y0`` (and of the spend difference) over assigned
    users, which a treatment-vs-control comparison estimates without bias.
    """
    nc = ctx.n_camp
    if nc == 0:
        return
    ui, ci = np.nonzero(g)
    paid = (o.status == 0) & (o.camp >= 0) & (o.grp > 0)
    base = paid & ~s.is_extra[o.sess]
    key = o.user * nc + np.maximum(o.camp, 0)
    size = u.n * nc
    y0 = np.bincount(key[base], minlength=size) > 0
    y1 = np.bincount(key[paid], minlength=size) > 0
    sp0 = np.bincount(key[base], weights=o.amount_ctrl[base], minlength=size) / 100.0
    sp1 = np.bincount(key[paid], weights=o.amount_treat[paid], minlength=size) / 100.0
    pair = ui * nc + ci
    treated = g[ui, ci] == 2
    st.camp_assigned += np.bincount(ci, minlength=nc)
    st.camp_treated += np.bincount(ci[treated], minlength=nc)
    st.camp_dconv += np.bincount(ci, weights=y1[pair].astype(float) - y0[pair], minlength=nc)
    st.camp_dspend += np.bincount(ci, weights=sp1[pair] - sp0[pair], minlength=nc)
    st.camp_conv_t += np.bincount(ci[treated], weights=y1[pair[treated]].astype(float), minlength=nc)
    st.camp_conv_c += np.bincount(ci[~treated], weights=y0[pair[~treated]].astype(float), minlength=nc)
    st.camp_spend_t += np.bincount(ci[treated], weights=sp1[pair[treated]], minlength=nc)
    st.camp_spend_c += np.bincount(ci[~treated], weights=sp0[pair[~treated]], minlength=nc)


def _drop_counterfactual(s: SimpleNamespace, e: SimpleNamespace, o: SimpleNamespace) -> None:
    """Remove the counterfactual (control users' campaign-induced) sessions, events and orders in place."""
    keep_s = ~s.cf
    if keep_s.all():
        return
    new_index = np.cumsum(keep_s) - 1
    for name in ("user", "t0", "is_extra", "cf", "camp_ctx", "peak", "day", "plat", "chan", "entry", "depth"):
        setattr(s, name, getattr(s, name)[keep_s])
    s.n = int(keep_s.sum())
    keep_e = keep_s[e.sess]
    for name in ("code", "item", "ts"):
        setattr(e, name, getattr(e, name)[keep_e])
    e.sess = new_index[e.sess[keep_e]]
    e.n = len(e.sess)
    keep_o = keep_s[o.sess]
    keep_l = keep_o[o.l_order]
    order_index = np.cumsum(keep_o) - 1
    for name in (
        "user",
        "ts",
        "sub",
        "disc",
        "amount",
        "amount_ctrl",
        "amount_treat",
        "status",
        "camp",
        "grp",
        "campaign",
        "coupon",
    ):
        setattr(o, name, getattr(o, name)[keep_o])
    o.sess = new_index[o.sess[keep_o]]
    o.n = len(o.sess)
    for name in ("l_item", "l_qty", "l_price"):
        setattr(o, name, getattr(o, name)[keep_l])
    o.l_order = order_index[o.l_order[keep_l]]


def _level(spend_c: np.ndarray) -> np.ndarray:
    """Tier level (0..3) reached by a membership-year spend in cents."""
    return np.searchsorted(np.array(TIER_THRESHOLDS_YUAN) * 100, spend_c, side="right")


def _block_members(
    rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace, o: SimpleNamespace
) -> SimpleNamespace:
    """Loyalty programme: members, tier history and the points ledger.

    Tier rule: within membership year ``y`` (anniversaries of ``joined_ts``) the tier is
    ``max(level(spend of year y-1), level(spend so far in year y))``; upgrades happen at the order that
    crosses a threshold, downgrades at the anniversary review. Points: earn ``floor(amount)`` on paid
    orders after joining; on some paid orders the member redeems whole hundreds of the points earned before
    that order in the current membership year (one second after the order); at each anniversary the
    remaining balance of the ending membership year expires. Members who joined before the window carry a
    tier reached before it; their pre-window points are not in the ledger (balances start at 0).
    """
    cal = ctx.cal
    mem = np.flatnonzero(u.will_join)
    nm = len(mem)
    member_of_user = np.full(u.n, -1)
    member_of_user[mem] = np.arange(nm)
    join = u.join[mem]
    arch_m = u.arch[mem]
    y0 = np.where(join < 0, (-join) // _YEAR_MS, 0)
    y_last = (cal.horizon_ms - join) // _YEAR_MS
    ny = y_last - y0 + 1
    pair_m = np.repeat(np.arange(nm), ny)
    pair_start = _segment_starts(ny)
    pair_y = y0[pair_m] + np.arange(len(pair_m)) - np.repeat(pair_start, ny)
    n_pairs = len(pair_m)
    prior = np.where(y0 >= 1, _draw_rows(rng, _PRIOR_TIER_BY_ARCH, arch_m), 0)
    # paid orders of members after joining, sorted by (member, ts)
    om = member_of_user[o.user]
    sel = np.flatnonzero((om >= 0) & (o.status == 0))
    sel = sel[o.ts[sel] >= join[om[sel]]]
    sel = sel[np.lexsort((o.ts[sel], om[sel]))]
    om_s, ts_s, amt = om[sel], o.ts[sel], o.amount[sel]
    oy = (ts_s - join[om_s]) // _YEAR_MS
    opair = pair_start[om_s] + (oy - y0[om_s])
    spend = np.bincount(opair, weights=amt, minlength=n_pairs).astype(np.int64)
    is_first_pair = np.r_[True, pair_m[1:] != pair_m[:-1]] if n_pairs else np.zeros(0, dtype=bool)
    carried = np.where(is_first_pair, prior[pair_m], _level(np.r_[0, spend[:-1]]))
    cnt = np.bincount(opair, minlength=n_pairs)
    prefix = np.concatenate([[0], np.cumsum(amt)])
    cum_after = prefix[1:] - prefix[_segment_starts(cnt)[opair]]
    lvl_after = np.maximum(carried[opair], _level(cum_after))
    lvl_before = np.maximum(carried[opair], _level(cum_after - amt))
    up = lvl_after > lvl_before
    anniv_next = join[pair_m] + (pair_y + 1) * _YEAR_MS
    review = anniv_next <= cal.horizon_ms
    end_lvl = np.maximum(carried, _level(spend))
    down = review & (_level(spend) < end_lvl)
    synth = prior > 0
    synth_ts = join + (y0 - 1) * _YEAR_MS + np.floor(rng.random(nm) * 0.9 * _YEAR_MS).astype(np.int64)
    th_m = np.concatenate([np.arange(nm), np.flatnonzero(synth), om_s[up], pair_m[down]])
    th_ts = np.concatenate([join, synth_ts[synth], ts_s[up], anniv_next[down]])
    th_lvl = np.concatenate([np.zeros(nm, np.int64), prior[synth], lvl_after[up], _level(spend)[down]])
    order = np.lexsort((th_ts, th_m))
    th_m, th_ts, th_lvl = th_m[order], th_ts[order], th_lvl[order]
    last = np.r_[th_m[1:] != th_m[:-1], True] if len(th_m) else np.zeros(0, dtype=bool)
    tier_now = np.zeros(nm, dtype=np.int64)
    tier_now[th_m[last]] = th_lvl[last]
    # points ledger
    earn = amt // 100
    e_prefix = np.concatenate([[0], np.cumsum(earn)])
    e_before = e_prefix[:-1] - e_prefix[_segment_starts(cnt)[opair]]
    flag = np.flatnonzero(rng.random(len(sel)) < ctx.arch["redeem_probability"][arch_m[om_s]])
    f_val = 100 * (e_before[flag] // 100)
    same = np.r_[False, opair[flag][1:] == opair[flag][:-1]]
    prev = np.where(same, np.r_[0, f_val[:-1]], 0)
    red = f_val - prev
    ok = (red > 0) & (ts_s[flag] + 2 * _SEC_MS < anniv_next[opair[flag]])
    r_idx = flag[ok]
    red = red[ok]
    earned = np.bincount(opair, weights=earn, minlength=n_pairs).astype(np.int64)
    redeemed = np.bincount(opair[r_idx], weights=red, minlength=n_pairs).astype(np.int64)
    left = earned - redeemed
    expire = review & (left > 0)
    p_m = np.concatenate([om_s, om_s[r_idx], pair_m[expire]])
    p_ts = np.concatenate([ts_s, ts_s[r_idx] + _SEC_MS, anniv_next[expire]])
    p_pts = np.concatenate([earn, -red, -left[expire]])
    p_kind = np.concatenate(
        [np.zeros(len(sel), np.int8), np.ones(len(r_idx), np.int8), np.full(int(expire.sum()), 2, np.int8)]
    )
    keep = p_pts != 0
    p_m, p_ts, p_pts, p_kind = p_m[keep], p_ts[keep], p_pts[keep], p_kind[keep]
    order = np.lexsort((p_kind, p_ts, p_m))
    return SimpleNamespace(
        user=u.uid[mem],
        tier=tier_now,
        joined=join,
        th_user=u.uid[mem[th_m]],
        th_ts=th_ts,
        th_tier=th_lvl,
        p_user=u.uid[mem[p_m[order]]],
        p_ts=p_ts[order],
        p_points=p_pts[order],
        p_kind=p_kind[order],
    )


def _block_feedback(
    rng: np.random.Generator, ctx: SimpleNamespace, u: SimpleNamespace, o: SimpleNamespace
) -> SimpleNamespace:
    """NPS surveys of users, CSAT after orders and reviews of paid orders, all driven by satisfaction."""
    cal = ctx.cal
    # NPS: a random sample of users surveyed once while still active
    active_to = np.minimum(u.churn, cal.horizon_ms)
    nps_u = np.flatnonzero((rng.random(u.n) < _NPS_SAMPLE) & (active_to > u.active_from))
    nps_ts = u.active_from[nps_u] + np.floor(
        rng.random(len(nps_u)) * (active_to[nps_u] - u.active_from[nps_u])
    ).astype(np.int64)
    nps = np.clip(np.rint(7.2 + 1.6 * u.sat[nps_u] + rng.normal(0, 1.3, len(nps_u))), 0, 10)
    # CSAT: after some paid or refunded orders
    csat_o = np.flatnonzero((o.status != 1) & (rng.random(o.n) < _CSAT_SAMPLE))
    csat_ts = o.ts[csat_o] + np.floor((1 + 71 * rng.random(len(csat_o))) * 3_600_000).astype(np.int64)
    refunded = o.status[csat_o] == 2
    csat = np.clip(
        np.rint(4.0 + 0.6 * u.sat[o.user[csat_o]] - 1.5 * refunded + rng.normal(0, 0.7, len(csat_o))), 1, 5
    )
    # reviews of paid orders, with a short text matching the rating
    arch_o = u.arch[o.user]
    rev_o = np.flatnonzero((o.status == 0) & (rng.random(o.n) < ctx.arch["review_probability"][arch_o]))
    rev_ts = o.ts[rev_o] + np.floor((2 + 8 * rng.random(len(rev_o))) * _DAY_MS).astype(np.int64)
    rev = np.clip(np.rint(4.2 + 0.7 * u.sat[o.user[rev_o]] + rng.normal(0, 0.8, len(rev_o))), 1, 5).astype(
        np.int64
    )
    n_txt = np.diff(ctx.review_offsets)[rev - 1]
    txt = ctx.review_offsets[rev - 1] + np.floor(rng.random(len(rev_o)) * n_txt).astype(np.int64)
    user = np.concatenate([nps_u, o.user[csat_o], o.user[rev_o]])
    ts = np.concatenate([nps_ts, csat_ts, rev_ts])
    kind = np.concatenate(
        [np.zeros(len(nps_u), np.int8), np.ones(len(csat_o), np.int8), np.full(len(rev_o), 2, np.int8)]
    )
    score = np.concatenate([nps, csat, rev.astype(float)])
    order_ref = np.concatenate([np.full(len(nps_u), -1), csat_o, rev_o])
    text = np.concatenate([np.full(len(nps_u) + len(csat_o), -1), txt])
    keep = ts <= cal.horizon_ms
    order = np.lexsort((kind[keep], ts[keep], user[keep]))
    pick = np.flatnonzero(keep)[order]
    return SimpleNamespace(
        user=user[pick],
        ts=ts[pick],
        kind=kind[pick],
        score=score[pick],
        order=order_ref[pick],
        text=text[pick],
    )
