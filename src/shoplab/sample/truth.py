"""The planted truths written to ``_truth.json``."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np

from .design import (
    _ARCH_NAMES,
    _DAY_OF_WEEK,
    _ENTRY_EVENTS,
    _FUNNEL_BASE,
    _HOUR_OF_DAY,
    _MAX_STEP_PROBABILITY,
    _MAX_TRUTH_USERS_IN_JSON,
    _PEAK_ADD_TO_CART_BOOST,
    ARCHETYPES,
    BLOCK_USERS,
    CATEGORIES,
    CHURN,
    FUNNEL_STEPS,
    PLATFORMS,
    TIER_THRESHOLDS_YUAN,
    TIERS,
)
from .schemas import _SCHEMAS, PART_TABLES


def _fmt_ms(ctx: SimpleNamespace, ms: int) -> str:
    t = dt.datetime.combine(ctx.start_day, dt.time()) + dt.timedelta(milliseconds=int(ms))
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _truth(ctx: SimpleNamespace, st, chunk_users: int) -> dict:
    """Assemble the truth dictionary from the design constants and the accumulated block results."""
    n_users = ctx.users
    funnel = {}
    for i, plat in enumerate(PLATFORMS):
        funnel[plat] = {
            step: (float(st.funnel_p[i, k] / st.funnel_n[i, k]) if st.funnel_n[i, k] else None)
            for k, step in enumerate(FUNNEL_STEPS[1:])
        }
    realised_funnel = {
        plat: {
            step: (float(st.funnel_hit[i, k] / st.funnel_n[i, k]) if st.funnel_n[i, k] else None)
            for k, step in enumerate(FUNNEL_STEPS[1:])
        }
        for i, plat in enumerate(PLATFORMS)
    }
    campaigns = {}
    for c, camp in enumerate(ctx.camps):
        na, nt = st.camp_assigned[c], st.camp_treated[c]
        nctl = na - nt
        campaigns[camp["campaign_id"]] = dict(
            name=camp["name"],
            type=camp["type"],
            start_ts=_fmt_ms(ctx, camp["start_ms"]),
            end_ts=_fmt_ms(ctx, camp["end_ms"]),
            treatment_share=float(camp["treatment_share"]),
            true_conversion_lift=float(st.camp_dconv[c] / na) if na else None,
            true_spend_lift_per_user=float(st.camp_dspend[c] / na) if na else None,
            assigned=int(na),
            treatment=int(nt),
            control=int(nctl),
            realised_treatment_conversion=float(st.camp_conv_t[c] / nt) if nt else None,
            realised_control_conversion=float(st.camp_conv_c[c] / nctl) if nctl else None,
            realised_treatment_spend_per_user=float(st.camp_spend_t[c] / nt) if nt else None,
            realised_control_spend_per_user=float(st.camp_spend_c[c] / nctl) if nctl else None,
            design=dict(
                assign_fraction_of_existing_users=camp["assign_fraction"],
                extra_sessions_per_treated_user=camp["extra_sessions_per_treated_user"],
                funnel_boost_add_to_cart=camp["funnel_boost"],
                discount_rule=list(camp["discount"]),
                effect="zero conversion effect (discount only)"
                if camp["extra_sessions_per_treated_user"] == 0
                else "positive",
            ),
        )
    archetypes = {
        name: dict(
            description=ARCHETYPES[name]["description"],
            share=ARCHETYPES[name]["share"],
            realised_share=float(st.arch_counts[i] / n_users) if n_users else None,
            **{
                k: (list(v) if isinstance(v, tuple) else v)
                for k, v in ARCHETYPES[name].items()
                if k not in ("description", "share")
            },
        )
        for i, name in enumerate(_ARCH_NAMES)
    }
    truth = dict(
        generator="shoplab.sample.generate_shop",
        seed=ctx.seed,
        users=n_users,
        months=ctx.months,
        start=f"{ctx.start_day} 00:00:00",
        end=f"{ctx.end_day} 23:59:59",
        chunk_users=chunk_users,
        block_users=BLOCK_USERS,
        determinism="identical output for the same seed, users, months and end; chunk_users only changes "
        "how rows are split into parts (it is rounded up to a multiple of block_users)",
        time="naive shop local time (Asia/Shanghai); timestamps are timestamp[us] at millisecond precision",
        counts=dict(
            events=int(st.n_events),
            orders=int(st.n_orders),
            members=int(st.n_members),
            items=int(ctx.items.n),
        ),
        archetypes=archetypes,
        user_truth_file="_truth_users.parquet",
        funnel_steps=list(FUNNEL_STEPS),
        funnel_definition=(
            "per session: the first step (home) counts every session whatever its entry event "
            f"({', '.join(_ENTRY_EVENTS)}); a later step is reached when the session contains that event; "
            "funnel_step_probabilities[platform][step] = P(reach step | reached the previous step in "
            "funnel_steps), averaged over the sessions of that platform that reached the previous step. "
            "Non-funnel events (search, category, favorite, share, review, coupon_center, live_room, "
            "campaign_page, cart) may appear between steps."
        ),
        funnel_entry_events=list(_ENTRY_EVENTS),
        funnel_step_probabilities=funnel,
        funnel_realised_rates=realised_funnel,
        funnel_sessions={p: int(st.funnel_n[i, 0]) for i, p in enumerate(PLATFORMS)},
        funnel_design=dict(
            base_by_platform={
                p: dict(zip(FUNNEL_STEPS[1:], v, strict=True)) for p, v in _FUNNEL_BASE.items()
            },
            archetype_multipliers={a: list(ARCHETYPES[a]["funnel_multipliers"]) for a in _ARCH_NAMES},
            peak_day_add_to_cart_multiplier=_PEAK_ADD_TO_CART_BOOST,
            campaign_session_multipliers="add_to_cart x funnel_boost, checkout x sqrt(funnel_boost)",
            cap=_MAX_STEP_PROBABILITY,
        ),
        campaigns=campaigns,
        campaign_definition=(
            "true_conversion_lift = mean over assigned users of [P(>=1 paid order in [start_ts, end_ts]) under "
            "treatment minus under control]; true_spend_lift_per_user = same for paid GMV (orders.amount) in "
            "the window, in yuan. Both are computed from both potential outcomes of every assigned user "
            "(sample average treatment effect). Treated users get extra campaign-induced sessions (entering "
            "at campaign_page, boosted funnel) and the campaign discount on their orders in the window."
        ),
        churn_drivers=dict(
            model="proportional hazards: a user stops visiting at active_from + Exponential(hazard); hazard per "
            "month = baseline_monthly_hazard x archetype hazard ratio x exp(-0.5 x satisfaction) x "
            "not_member ratio x web ratio",
            baseline_monthly_hazard=CHURN["baseline_monthly_hazard"],
            drivers=dict(
                low_satisfaction=dict(
                    hazard_ratio_per_unit_lower=float(np.exp(-CHURN["satisfaction_log_hazard_per_unit"])),
                    note="satisfaction ~ Normal(archetype mean, 1) also drives NPS, CSAT and review scores",
                ),
                not_member=dict(
                    hazard_ratio=CHURN["not_member_hazard_ratio"],
                    note="users who never join the loyalty programme",
                ),
                platform_web=dict(
                    hazard_ratio=CHURN["web_platform_hazard_ratio"], note="users.platform == web"
                ),
                archetype={a: ARCHETYPES[a]["churn_hazard_ratio"] for a in _ARCH_NAMES},
            ),
        ),
        tiers=dict(
            order=list(TIERS),
            thresholds_yuan=dict(zip(TIERS[1:], TIER_THRESHOLDS_YUAN, strict=True)),
            rule="tier in membership year y = max(level(paid spend in year y-1), level(paid spend so far in year "
            "y)); upgrades at the order crossing a threshold, downgrades at the joining anniversary; members "
            "who joined more than a year before the window carry a tier reached before it",
        ),
        points_rules=dict(
            earn="floor(orders.amount) points on each paid order placed after joined_ts, at the order ts",
            redeem="on some paid orders, whole hundreds of the points earned earlier in the membership year "
            "(cumulative), 1 second after the order",
            expire="the remaining balance of a membership year expires at the joining anniversary",
            note="pre-window points are not in the ledger; every balance starts at 0",
        ),
        categories={
            c: dict(catalogue_share=v[0], median_list_price=v[1], margin=list(v[2]))
            for c, v in CATEGORIES.items()
        },
        peaks=ctx.cal.peaks,
        seasonality=dict(
            day_of_week=dict(
                zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), _DAY_OF_WEEK.tolist(), strict=True)
            ),
            hour_of_day=_HOUR_OF_DAY.tolist(),
            trend="linear 0.9 -> 1.1 over the window",
            midnight_rush="hour 0 x3 on 618 and 双11 peak days",
        ),
        order_status_by_archetype={
            a: dict(
                zip(("paid", "cancelled", "refunded"), ARCHETYPES[a]["status_probabilities"], strict=True)
            )
            for a in _ARCH_NAMES
        },
        tables={t: ("parts" if t in PART_TABLES else "file") for t in _SCHEMAS if not t.startswith("_")},
    )
    if n_users <= _MAX_TRUTH_USERS_IN_JSON:
        codes = np.concatenate(st.arch_codes) if st.arch_codes else np.zeros(0, np.int64)
        truth["user_archetype"] = {str(i + 1): _ARCH_NAMES[c] for i, c in enumerate(codes.tolist())}
    else:
        truth["user_archetype"] = None
        truth["user_archetype_note"] = "more than 100000 users: see _truth_users.parquet (user_id, archetype)"
    return truth
