"""The sample shop's service tables: customer-service sessions, shipments, returns and DSR review scores.

They are drawn from their own random stream (:data:`_STREAM_SERVICE`), after every other table is written,
from the orders, order lines and reviews read back from those files; no existing file changes. The DSR aspect
rows of reviews (``feedback.aspect``) go into their own file of the feedback folder, ``dsr-00000.parquet``, so
the ``part-*.parquet`` files of feedback stay byte-identical.

Planted (and copied into ``_truth.json["service"]``): agents of different speed, a slower first response on
promotion days (a campaign runs) and at night, carriers and provinces with different delivery times, slower
shipping on promotion days, DSR scores that fall with delivery days and with the first-response time, and
return reasons by category. Repurchase does not depend on any of it (the orders were drawn before), so its
association with delivery and response is zero by construction.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import norm

from ._common import _ts
from .design import _DAY_MS

_STREAM_SERVICE = 5
_HOUR_MS = 3_600_000

#: Human agents: median first response in seconds (off-peak, daytime) and P(resolved).
AGENTS = {
    "kf01": (18.0, 0.93),
    "kf02": (22.0, 0.91),
    "kf03": (25.0, 0.90),
    "kf04": (30.0, 0.88),
    "kf05": (35.0, 0.86),
    "kf06": (45.0, 0.84),
    "kf07": (90.0, 0.80),
    "kf08": (150.0, 0.72),
}
_AGENT_WEIGHTS = np.array([0.16, 0.15, 0.14, 0.14, 0.12, 0.11, 0.10, 0.08])
BOT_MEDIAN_S = 2.0
BOT_SHARE = 0.40
BOT_HANDOVER = 0.45  # bot sessions passed to a human agent
BOT_RESOLVED = 0.55
PROMO_RESPONSE_FACTOR = 1.8  # human first response on a day a campaign runs
NIGHT_RESPONSE_FACTOR = 1.5  # 00:00-07:59
_RESPONSE_SIGMA = 0.6
SESSION_PROBABILITY = 0.30  # per sold order
CHANNELS = (("旺旺", 0.70), ("在线", 0.20), ("电话", 0.10))
PRE_TOPICS = (("商品咨询", 0.45), ("尺码咨询", 0.30), ("优惠活动", 0.25))
POST_TOPICS = (("物流查询", 0.50), ("退换货", 0.30), ("质量问题", 0.20))

#: Carriers: (share, mean ship-to-deliver days); provinces: (share, extra days).
CARRIERS = {
    "顺丰": (0.20, 1.5),
    "京东物流": (0.15, 1.7),
    "中通": (0.25, 2.4),
    "圆通": (0.22, 2.7),
    "韵达": (0.18, 3.1),
}
PROVINCES = {
    "上海": (0.16, 0.0),
    "浙江": (0.18, 0.1),
    "江苏": (0.16, 0.2),
    "北京": (0.10, 0.6),
    "广东": (0.16, 0.8),
    "四川": (0.10, 1.2),
    "黑龙江": (0.06, 1.8),
    "新疆": (0.04, 2.6),
    "西藏": (0.04, 3.2),
}
SHIP_MEDIAN_H = 16.0  # order to shipment, median hours (lognormal, sigma below)
_SHIP_SIGMA = 0.75
PROMO_SHIP_FACTOR = 1.7
_DELIVERY_SHAPE = 6.0  # gamma shape of ship-to-deliver days (mean from carrier + province)
LOST = 0.01  # shipments never marked delivered

#: DSR latent score = overall rating + offset + coefficients (rounded and clipped to 1-5, noise sd below).
DSR_OFFSET = {"description": 0.1, "service": 0.3, "logistics": 0.6}
DSR_DELIVERY_COEF = {"description": 0.0, "service": 0.0, "logistics": -0.45}  # per day order->delivery
DSR_RESPONSE_COEF = {"description": 0.0, "service": -0.50, "logistics": 0.0}  # per minute of first response
_DSR_SIGMA = 0.7

#: Return probability per category of the order's first line (paid orders; refunded orders always return)
#: and the reasons' probabilities.
RETURN_REASONS = ("尺码不合适", "质量问题", "与描述不符", "不喜欢", "物流破损", "过敏")
RETURNS_BY_CATEGORY = {
    "服饰": (0.10, (0.55, 0.12, 0.10, 0.20, 0.03, 0.00)),
    "运动": (0.07, (0.45, 0.20, 0.10, 0.20, 0.05, 0.00)),
    "美妆": (0.04, (0.00, 0.20, 0.15, 0.25, 0.10, 0.30)),
    "个护": (0.03, (0.00, 0.25, 0.15, 0.25, 0.10, 0.25)),
    "数码": (0.05, (0.00, 0.55, 0.20, 0.10, 0.15, 0.00)),
    "家居": (0.04, (0.05, 0.35, 0.20, 0.20, 0.20, 0.00)),
    "母婴": (0.04, (0.15, 0.35, 0.15, 0.20, 0.10, 0.05)),
    "食品": (0.02, (0.00, 0.40, 0.10, 0.20, 0.30, 0.00)),
}
RESPOND_MEDIAN_H = 10.0
RESOLVE_MEDIAN_H = 30.0


def _choice(rng, table, n):
    names = [k for k, _ in table]
    p = np.array([v for _, v in table], float)
    return np.array(names, dtype=object)[rng.choice(len(names), n, p=p / p.sum())]


def _read(root: Path, name: str, columns: list[str]) -> pa.Table:
    folder = root / name
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else [root / f"{name}.parquet"]
    return pa.concat_tables([pq.read_table(p, columns=columns) for p in parts])


def _ms(ctx, col: pa.ChunkedArray) -> np.ndarray:
    us = col.cast(pa.timestamp("us")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    return (us - ctx.start_us) // 1000


def _promo_day(ctx, ms: np.ndarray) -> np.ndarray:
    """Whether a campaign runs on the calendar day of each time (the report's definition of a promotion day)."""
    day = ms // _DAY_MS
    out = np.zeros(len(ms), bool)
    for s, e in zip(ctx.camp_start, ctx.camp_end, strict=True):
        out |= (day >= s // _DAY_MS) & (day <= e // _DAY_MS)
    return out


def _expected_rounded(mean: np.ndarray, sd: float) -> np.ndarray:
    """E[clip(round(z), 1, 5)] for z ~ N(mean, sd): the observed-scale expectation of a DSR score."""
    out = np.ones_like(mean)
    for k in (2, 3, 4, 5):
        out += 1 - norm.cdf((k - 0.5 - mean) / sd)  # P(score >= k)
    return out


def write_service_tables(root: Path, ctx: SimpleNamespace) -> dict:
    """Write service_sessions, shipments, returns and feedback/dsr-00000.parquet into ``root``; the truths."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_SERVICE]))
    horizon = ctx.cal.horizon_ms
    o = _read(root, "orders", ["order_id", "user_id", "ts", "status", "amount"])
    sold = np.isin(o["status"].to_numpy(zero_copy_only=False), ["paid", "refunded"])
    o = o.filter(pa.array(sold))
    oid = o["order_id"].to_numpy()
    uid = o["user_id"].to_numpy()
    ots = _ms(ctx, o["ts"])
    refunded = o["status"].to_numpy(zero_copy_only=False) == "refunded"
    amount = o["amount"].to_numpy()
    n = len(oid)
    # ---- shipments: every sold order; order-to-ship slower on promotion days; carrier and province
    promo_o = _promo_day(ctx, ots)
    ship_h = SHIP_MEDIAN_H * np.exp(rng.normal(0, _SHIP_SIGMA, n)) * np.where(promo_o, PROMO_SHIP_FACTOR, 1.0)
    shipped = ots + (ship_h * _HOUR_MS).astype(np.int64)
    carriers = list(CARRIERS)
    car = rng.choice(len(carriers), n, p=[v[0] for v in CARRIERS.values()])
    provinces = list(PROVINCES)
    n_users = int(uid.max()) + 1 if n else 0
    user_prov = rng.choice(len(provinces), n_users, p=[v[0] for v in PROVINCES.values()])
    prov = user_prov[uid] if n else np.zeros(0, int)
    mean_days = (
        np.array([v[1] for v in CARRIERS.values()])[car] + np.array([v[1] for v in PROVINCES.values()])[prov]
    )
    ship_days = rng.gamma(_DELIVERY_SHAPE, mean_days / _DELIVERY_SHAPE)
    delivered = shipped + (ship_days * _DAY_MS).astype(np.int64)
    has_delivery = (delivered <= horizon) & (rng.random(n) >= LOST)
    keep_ship = shipped <= horizon
    shipments = pa.table(
        {
            "order_id": pa.array(oid[keep_ship]),
            "shipped_ts": _ts(ctx.start_us, shipped[keep_ship]),
            "delivered_ts": pa.array(
                _ts(ctx.start_us, delivered[keep_ship]).to_numpy(zero_copy_only=False),
                mask=~has_delivery[keep_ship],
                type=pa.timestamp("us"),
            ),
            "carrier": pa.array(np.array(carriers, dtype=object)[car[keep_ship]], pa.string()),
            "province": pa.array(np.array(provinces, dtype=object)[prov[keep_ship]], pa.string()),
        }
    )
    pq.write_table(shipments, root / "shipments.parquet", compression="zstd")
    # ---- customer-service sessions: some sold orders, before (pre-sale) or after (post-sale) the order
    s_idx = np.flatnonzero(rng.random(n) < SESSION_PROBABILITY)
    ns = len(s_idx)
    post = rng.random(ns) < 0.5
    start = np.where(
        post,
        ots[s_idx] + ((1 + 4 * rng.random(ns)) * _DAY_MS).astype(np.int64),
        ots[s_idx] - (6 * rng.random(ns) * _HOUR_MS).astype(np.int64),
    )
    start = np.maximum(start, 0)
    is_bot = rng.random(ns) < BOT_SHARE
    handover = is_bot & (rng.random(ns) < BOT_HANDOVER)
    agent_names = list(AGENTS)
    agent = rng.choice(len(agent_names), ns, p=_AGENT_WEIGHTS / _AGENT_WEIGHTS.sum())
    human = ~is_bot | handover
    promo_s = _promo_day(ctx, start)
    night = ((start % _DAY_MS) // _HOUR_MS) < 8
    med = np.array([v[0] for v in AGENTS.values()])[agent]
    factor = np.where(promo_s, PROMO_RESPONSE_FACTOR, 1.0) * np.where(night, NIGHT_RESPONSE_FACTOR, 1.0)
    human_s = med * factor * np.exp(rng.normal(0, _RESPONSE_SIGMA, ns))
    bot_s = BOT_MEDIAN_S * np.exp(rng.normal(0, 0.3, ns))
    frt_s = np.where(is_bot, bot_s, human_s)  # a handover's first response is the bot's
    answered = rng.random(ns) >= 0.03
    first = start + (frt_s * 1000).astype(np.int64)
    end = first + (np.exp(rng.normal(np.log(6), 0.7, ns)) * 60_000).astype(np.int64)
    p_res = np.where(human, np.array([v[1] for v in AGENTS.values()])[agent], BOT_RESOLVED)
    resolved = rng.random(ns) < p_res
    topic = np.where(post, _choice(rng, POST_TOPICS, ns), _choice(rng, PRE_TOPICS, ns))
    rated = rng.random(ns) < 0.45
    s_score = np.clip(np.rint(4.4 - 0.4 * frt_s / 60 - 1.2 * ~resolved + rng.normal(0, 0.7, ns)), 1, 5)
    keep_s = start <= horizon - 3_600_000
    order_frt = np.full(n, np.nan)  # the order's first-response seconds (its first session), for the DSR
    first_of_order = np.unique(s_idx[keep_s & answered], return_index=True)[1]
    order_frt[s_idx[keep_s & answered][first_of_order]] = frt_s[keep_s & answered][first_of_order]
    k = keep_s
    sessions = pa.table(
        {
            "session_id": pa.array(np.arange(1, k.sum() + 1, dtype=np.int64)),
            "user_id": pa.array(uid[s_idx][k]),
            "start_ts": _ts(ctx.start_us, start[k]),
            "first_response_ts": pa.array(
                _ts(ctx.start_us, first[k]).to_numpy(zero_copy_only=False),
                mask=~answered[k],
                type=pa.timestamp("us"),
            ),
            "end_ts": _ts(ctx.start_us, np.minimum(end[k], horizon)),
            "order_id": pa.array(oid[s_idx][k]),
            "agent_id": pa.array(np.array(agent_names, dtype=object)[agent[k]], pa.string(), mask=~human[k]),
            "is_bot": pa.array(is_bot[k]),
            "channel": pa.array(_choice(rng, CHANNELS, ns)[k], pa.string()),
            "resolved": pa.array(resolved[k], mask=~answered[k]),
            "topic": pa.array(topic[k], pa.string()),
            "score": pa.array(s_score[k], pa.float64(), mask=~(rated & answered)[k]),
        }
    )
    pq.write_table(sessions, root / "service_sessions.parquet", compression="zstd")
    returns, ret_truth = _returns(rng, ctx, root, oid, ots, shipped, refunded, amount)
    pq.write_table(returns, root / "returns.parquet", compression="zstd")
    dsr, dsr_truth = _dsr(rng, ctx, root, oid, ots, delivered, has_delivery & keep_ship, order_frt)
    pq.write_table(dsr, root / "feedback" / "dsr-00000.parquet", compression="zstd")
    return {
        "agents_first_response_median_s": {a: v[0] for a, v in AGENTS.items()},
        "agents_resolution_probability": {a: v[1] for a, v in AGENTS.items()},
        "bot_first_response_median_s": BOT_MEDIAN_S,
        "bot_share": BOT_SHARE,
        "bot_handover_share": BOT_HANDOVER,
        "promotion_response_factor": PROMO_RESPONSE_FACTOR,
        "night_response_factor": NIGHT_RESPONSE_FACTOR,
        "promotion_day": "a calendar day on which a campaign of the campaigns table runs",
        "carrier_mean_delivery_days": {c: v[1] for c, v in CARRIERS.items()},
        "province_extra_delivery_days": {p: v[1] for p, v in PROVINCES.items()},
        "ship_median_hours": SHIP_MEDIAN_H,
        "promotion_ship_factor": PROMO_SHIP_FACTOR,
        "lost_share": LOST,
        **ret_truth,
        **dsr_truth,
        "repurchase_90d_association": "zero by construction: orders were drawn before the service tables",
    }


def _returns(rng, ctx, root, oid, ots, shipped, refunded, amount):
    items = _read(root, "order_items", ["order_id", "item_id", "category"])
    first = np.unique(items["order_id"].to_numpy(), return_index=True)
    pos = np.searchsorted(first[0], oid)
    item = items["item_id"].to_numpy()[first[1][pos]]
    cat = np.array(items["category"].to_numpy(zero_copy_only=False), dtype=object)[first[1][pos]]
    cats = list(RETURNS_BY_CATEGORY)
    ci = np.array([cats.index(c) for c in cat]) if len(cat) else np.zeros(0, int)
    p = np.array([v[0] for v in RETURNS_BY_CATEGORY.values()])[ci]
    ret = refunded | (rng.random(len(oid)) < p)
    r = np.flatnonzero(ret)
    nr = len(r)
    reason_p = np.array([v[1] for v in RETURNS_BY_CATEGORY.values()])
    u = rng.random(nr)
    reason = (u[:, None] > np.cumsum(reason_p[ci[r]], axis=1)).sum(axis=1)
    reason = np.minimum(reason, len(RETURN_REASONS) - 1)
    requested = np.maximum(shipped[r], ots[r]) + ((1 + 6 * rng.random(nr)) * _DAY_MS).astype(np.int64)
    # refunded orders: refunded in full (refund_only or return_refund, approved); others: exchanges or rejected
    rtype = np.where(refunded[r], np.where(rng.random(nr) < 0.4, 0, 1), np.where(rng.random(nr) < 0.6, 2, 1))
    status = np.where(refunded[r], 0, np.where(rtype == 2, 0, 1))
    responded = requested + (RESPOND_MEDIAN_H * np.exp(rng.normal(0, 0.8, nr)) * _HOUR_MS).astype(np.int64)
    resolved = responded + (RESOLVE_MEDIAN_H * np.exp(rng.normal(0, 0.6, nr)) * _HOUR_MS).astype(np.int64)
    horizon = ctx.cal.horizon_ms
    pending = resolved > horizon
    status = np.where(pending, 2, status)
    amt = np.where(refunded[r], amount[r], 0.0)
    k = requested <= horizon
    types = np.array(["refund_only", "return_refund", "exchange"], dtype=object)
    statuses = np.array(["approved", "rejected", "pending"], dtype=object)
    table = pa.table(
        {
            "return_id": pa.array(np.arange(1, k.sum() + 1, dtype=np.int64)),
            "order_id": pa.array(oid[r][k]),
            "requested_ts": _ts(ctx.start_us, requested[k]),
            "item_id": pa.array(item[r][k]),
            "responded_ts": pa.array(
                _ts(ctx.start_us, responded[k]).to_numpy(zero_copy_only=False),
                mask=(responded > horizon)[k],
                type=pa.timestamp("us"),
            ),
            "resolved_ts": pa.array(
                _ts(ctx.start_us, resolved[k]).to_numpy(zero_copy_only=False),
                mask=pending[k],
                type=pa.timestamp("us"),
            ),
            "type": pa.array(types[rtype[k]], pa.string()),
            "reason": pa.array(np.array(RETURN_REASONS, dtype=object)[reason[k]], pa.string()),
            "amount": pa.array(np.round(amt[k], 2), pa.float64()),
            "status": pa.array(statuses[status[k]], pa.string()),
        }
    )
    truth = {
        "return_probability_by_category": {c: v[0] for c, v in RETURNS_BY_CATEGORY.items()},
        "return_reasons_by_category": {
            c: dict(zip(RETURN_REASONS, v[1], strict=True)) for c, v in RETURNS_BY_CATEGORY.items()
        },
        "refunded_orders_return": "every refunded order has an approved refund_only or return_refund return",
    }
    return table, truth


def _dsr(rng, ctx, root, oid, ots, delivered, has_delivery, order_frt):
    fb = _read(root, "feedback", ["user_id", "ts", "kind", "score", "order_id"])
    rev = fb.filter(pa.compute.equal(fb["kind"], "review"))
    rev = rev.filter(pa.compute.is_valid(rev["order_id"]))
    r_oid = rev["order_id"].to_numpy()
    pos = np.searchsorted(oid, r_oid) if np.all(np.diff(oid) >= 0) else None
    if pos is None:  # orders are numbered in block order; fall back to a lookup
        lookup = {v: i for i, v in enumerate(oid)}
        pos = np.array([lookup[v] for v in r_oid], dtype=np.int64)
    overall = rev["score"].to_numpy()
    # a review without a delivery yet (or lost): the delivery days are unknown, taken as the carrier mean
    days = np.where(has_delivery[pos], (delivered[pos] - ots[pos]) / _DAY_MS, np.nan)
    frt_min = np.nan_to_num(order_frt[pos] / 60.0, nan=0.0)
    rows = {"user_id": [], "ts": [], "score": [], "order_id": [], "aspect": []}
    latent_mean = {}
    d_fill = np.where(np.isnan(days), np.nanmean(days) if len(days) else 0.0, days)
    for aspect in ("description", "service", "logistics"):
        m = (
            overall
            + DSR_OFFSET[aspect]
            + DSR_DELIVERY_COEF[aspect] * d_fill
            + DSR_RESPONSE_COEF[aspect] * frt_min
        )
        latent_mean[aspect] = m
        s = np.clip(np.rint(m + rng.normal(0, _DSR_SIGMA, len(m))), 1, 5)
        rows["user_id"].append(rev["user_id"].to_numpy())
        rows["ts"].append(rev["ts"].cast(pa.timestamp("us")).to_numpy())
        rows["score"].append(s)
        rows["order_id"].append(r_oid)
        rows["aspect"].append(np.full(len(m), aspect, dtype=object))
    n_rev = len(r_oid)
    table = pa.table(
        {
            "user_id": pa.array(np.concatenate(rows["user_id"]), pa.int64()),
            "ts": pa.array(np.concatenate(rows["ts"]), pa.timestamp("us")),
            "kind": pa.array(np.full(3 * n_rev, "review", dtype=object), pa.string()),
            "score": pa.array(np.concatenate(rows["score"]), pa.float64()),
            "order_id": pa.array(np.concatenate(rows["order_id"]), pa.int64()),
            "text": pa.nulls(3 * n_rev, pa.string()),
            "aspect": pa.array(np.concatenate(rows["aspect"]), pa.string()),
        }
    )
    # the observed-scale coefficients of the mean DSR score on delivery days, first-response minutes (0 without
    # an answered session) and having one: an OLS of its exact expectation on the regressors, over reviewed
    # orders with a delivery (the regression shoplab.service.worth runs, without the noise)
    ok = ~np.isnan(days)
    truth = {
        "dsr_offset": DSR_OFFSET,
        "dsr_delivery_days_coefficient_latent": DSR_DELIVERY_COEF,
        "dsr_first_response_minute_coefficient_latent": DSR_RESPONSE_COEF,
        "dsr_noise_sd": _DSR_SIGMA,
    }
    if ok.sum() > 10:
        ey = np.mean([_expected_rounded(latent_mean[a][ok], _DSR_SIGMA) for a in latent_mean], axis=0)
        has = ~np.isnan(order_frt[pos][ok])
        x = np.column_stack([np.ones(ok.sum()), days[ok], frt_min[ok], has])
        beta = np.linalg.lstsq(x, ey, rcond=None)[0]
        truth["dsr_mean_delivery_days_coefficient"] = float(beta[1])
        truth["dsr_mean_first_response_minute_coefficient"] = float(beta[2])
        truth["dsr_regression"] = (
            "mean of the three DSR scores on delivery days (order to delivery), first-response minutes (0 "
            "without an answered session) and having an answered session, over reviewed orders with a delivery"
        )
    return table, truth
