"""Deterministic, realistic sample e-commerce shop generator.

The sample shop is a synthetic Chinese e-commerce store (Tmall/Taobao-style) whose data follows
:mod:`shoplab.contract` exactly. Hidden mechanisms are planted on purpose — user archetypes, churn drivers,
platform-dependent funnels, seasonality peaks (618, 双11, 双12), randomised campaigns with known lifts, a
loyalty programme with tiers and points — and the truths are written to ``_truth.json`` so that reports and
tests can check that analyses recover them.

Layout of a generated shop folder::

    users.parquet  items.parquet  members.parquet  tier_history.parquet  campaigns.parquet
    campaign_assignments.parquet  marketing_spend.parquet
    events/part-00000.parquet ...   orders/...   order_items/...   points/...   feedback/...
    _truth.json  _truth_users.parquet

Users are simulated in blocks of :data:`BLOCK_USERS` users, each with its own random generator
(``SeedSequence([seed, 1, block_index])``); every per-user quantity is drawn inside its block, ids are
numbered in block order and global totals are summed in block order. The data are therefore identical for
any ``chunk_users`` (which only decides how many users go into each Parquet part) and memory stays bounded
by one chunk whatever the number of users.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["generate_shop", "BLOCK_USERS"]

#: Users per random-draw block; ``chunk_users`` is rounded up to a multiple of it.
BLOCK_USERS = 1000

_SEC_MS = 1000
_DAY_MS = 86_400 * _SEC_MS
_MONTH_MS = 30.4375 * _DAY_MS
_YEAR_MS = 365 * _DAY_MS
_STREAM_CATALOGUE, _STREAM_BLOCK, _STREAM_MARKETING = 0, 1, 2
_FLUSH_ROWS = 1_000_000
_MAX_TRUTH_USERS_IN_JSON = 100_000

# --------------------------------------------------------------------------------------------------------
# Design constants (every planted truth comes from here and is copied into _truth.json)
# --------------------------------------------------------------------------------------------------------

#: Archetypes: share, description and the parameters they drive.
ARCHETYPES: dict[str, dict] = {
    "loyal_high_value": dict(
        share=0.12,
        description="老客高价值: frequent visits, high conversion and AOV (buys pricier items), few coupons, "
        "mostly app, rarely churns, very likely loyalty member",
        visits_per_month=5.0,
        pre_window_share=0.75,
        satisfaction_mean=0.8,
        join_probability=0.90,
        churn_hazard_ratio=0.4,
        campaign_responsiveness=0.8,
        product_views_mean=2.0,
        coupon_probability=0.15,
        status_probabilities=(0.94, 0.03, 0.03),
        review_probability=0.25,
        redeem_probability=0.35,
        birth_year_mean=1988,
        price_tilt=1,
        funnel_multipliers=(1.05, 1.20, 1.10, 1.02, 1.02),
        quantity_probabilities=(0.70, 0.22, 0.08),
        cart_lines_probabilities=(0.50, 0.28, 0.14, 0.08),
    ),
    "bargain_hunter": dict(
        share=0.25,
        description="薅羊毛型: many visits and carts but abandons checkout, heavy coupon and campaign use, cheap "
        "items, more refunds, responds strongly to campaigns, churns more",
        visits_per_month=3.2,
        pre_window_share=0.5,
        satisfaction_mean=-0.3,
        join_probability=0.40,
        churn_hazard_ratio=1.5,
        campaign_responsiveness=1.5,
        product_views_mean=3.5,
        coupon_probability=0.55,
        status_probabilities=(0.84, 0.04, 0.12),
        review_probability=0.12,
        redeem_probability=0.55,
        birth_year_mean=1991,
        price_tilt=-1,
        funnel_multipliers=(1.10, 1.15, 0.80, 0.95, 0.97),
        quantity_probabilities=(0.65, 0.25, 0.10),
        cart_lines_probabilities=(0.55, 0.27, 0.12, 0.06),
    ),
    "casual_browser": dict(
        share=0.33,
        description="随便逛逛: occasional visits, browses a lot, converts poorly",
        visits_per_month=1.6,
        pre_window_share=0.5,
        satisfaction_mean=0.0,
        join_probability=0.28,
        churn_hazard_ratio=1.0,
        campaign_responsiveness=0.9,
        product_views_mean=3.0,
        coupon_probability=0.10,
        status_probabilities=(0.91, 0.04, 0.05),
        review_probability=0.08,
        redeem_probability=0.20,
        birth_year_mean=1995,
        price_tilt=0,
        funnel_multipliers=(0.95, 0.75, 0.90, 1.00, 1.00),
        quantity_probabilities=(0.85, 0.12, 0.03),
        cart_lines_probabilities=(0.72, 0.20, 0.06, 0.02),
    ),
    "new_explorer": dict(
        share=0.15,
        description="新客尝鲜: signed up inside the window (often via 抖音直播/小红书), curious, medium conversion",
        visits_per_month=2.6,
        pre_window_share=0.0,
        satisfaction_mean=0.2,
        join_probability=0.45,
        churn_hazard_ratio=1.2,
        campaign_responsiveness=1.2,
        product_views_mean=3.0,
        coupon_probability=0.30,
        status_probabilities=(0.90, 0.04, 0.06),
        review_probability=0.15,
        redeem_probability=0.30,
        birth_year_mean=1998,
        price_tilt=0,
        funnel_multipliers=(1.00, 0.90, 0.95, 0.98, 0.95),
        quantity_probabilities=(0.80, 0.15, 0.05),
        cart_lines_probabilities=(0.65, 0.23, 0.08, 0.04),
    ),
    "lapsing": dict(
        share=0.15,
        description="流失风险: older customers, low satisfaction, weak funnel, high churn hazard, many on web",
        visits_per_month=2.2,
        pre_window_share=0.8,
        satisfaction_mean=-0.8,
        join_probability=0.35,
        churn_hazard_ratio=3.0,
        campaign_responsiveness=0.6,
        product_views_mean=2.0,
        coupon_probability=0.12,
        status_probabilities=(0.89, 0.04, 0.07),
        review_probability=0.10,
        redeem_probability=0.30,
        birth_year_mean=1991,
        price_tilt=0,
        funnel_multipliers=(0.90, 0.80, 0.85, 0.97, 0.97),
        quantity_probabilities=(0.80, 0.15, 0.05),
        cart_lines_probabilities=(0.65, 0.23, 0.08, 0.04),
    ),
}
_ARCH_NAMES = list(ARCHETYPES)

PLATFORMS = ("app", "mini_program", "web")
_PLATFORM_SHARES = (0.50, 0.35, 0.15)
#: Signup platform by archetype (rows follow ARCHETYPES).
_PLATFORM_BY_ARCH = (
    (0.70, 0.20, 0.10),
    (0.40, 0.45, 0.15),
    (0.45, 0.35, 0.20),
    (0.50, 0.40, 0.10),
    (0.40, 0.30, 0.30),
)
ACQUISITION_CHANNELS = ("自然搜索", "直通车", "抖音直播", "微信社群", "小红书", "淘宝客")
_ACQ_BY_ARCH = (
    (0.35, 0.20, 0.10, 0.15, 0.12, 0.08),
    (0.15, 0.12, 0.15, 0.20, 0.08, 0.30),
    (0.30, 0.18, 0.18, 0.08, 0.16, 0.10),
    (0.15, 0.10, 0.35, 0.08, 0.27, 0.05),
    (0.30, 0.22, 0.15, 0.10, 0.13, 0.10),
)
TRAFFIC_CHANNELS = (*ACQUISITION_CHANNELS, "直接访问")
_TRAFFIC_MIX = (0.20, 0.10, 0.10, 0.07, 0.08, 0.06, 0.39)
_SAME_CHANNEL_AS_ACQUISITION = 0.3
PAID_CHANNELS = ("直通车", "抖音直播", "小红书", "淘宝客", "微信社群")

GENDERS = ("F", "M", "unknown")
_GENDER_SHARES = (0.68, 0.27, 0.05)
CITY_TIERS = {
    "一线": (0.18, ("上海", "北京", "深圳", "广州")),
    "新一线": (
        0.30,
        (
            "成都",
            "杭州",
            "重庆",
            "武汉",
            "西安",
            "苏州",
            "南京",
            "天津",
            "长沙",
            "郑州",
            "东莞",
            "青岛",
            "合肥",
            "佛山",
            "宁波",
        ),
    ),
    "二线": (
        0.25,
        (
            "昆明",
            "沈阳",
            "无锡",
            "厦门",
            "济南",
            "福州",
            "温州",
            "大连",
            "哈尔滨",
            "长春",
            "泉州",
            "石家庄",
            "南宁",
            "金华",
            "贵阳",
            "南昌",
            "常州",
        ),
    ),
    "三线及以下": (
        0.27,
        (
            "嘉兴",
            "珠海",
            "中山",
            "台州",
            "烟台",
            "兰州",
            "绍兴",
            "海口",
            "扬州",
            "洛阳",
            "赣州",
            "湛江",
            "遵义",
            "桂林",
            "襄阳",
            "宜昌",
            "三亚",
            "岳阳",
            "九江",
            "曲靖",
        ),
    ),
}

CATEGORIES = {
    # category: (catalogue share, median list price in yuan, margin range)
    "美妆": (0.18, 129.0, (0.45, 0.60)),
    "服饰": (0.20, 119.0, (0.40, 0.55)),
    "家居": (0.12, 69.0, (0.30, 0.45)),
    "食品": (0.14, 39.0, (0.20, 0.30)),
    "数码": (0.07, 399.0, (0.20, 0.28)),
    "母婴": (0.09, 109.0, (0.30, 0.45)),
    "运动": (0.10, 169.0, (0.35, 0.50)),
    "个护": (0.10, 49.0, (0.40, 0.55)),
}
_CAT_NAMES = list(CATEGORIES)
#: Category interest of a browsing session by gender (F, M, unknown).
_CATEGORY_BY_GENDER = (
    (0.24, 0.22, 0.10, 0.10, 0.04, 0.12, 0.06, 0.12),
    (0.05, 0.15, 0.12, 0.15, 0.22, 0.06, 0.18, 0.07),
    (0.14, 0.18, 0.12, 0.13, 0.12, 0.09, 0.12, 0.10),
)

EVENTS = (
    "home",
    "search",
    "category",
    "product_view",
    "add_to_cart",
    "cart",
    "checkout",
    "submit_order",
    "pay",
    "campaign_page",
    "share",
    "review",
    "favorite",
    "coupon_center",
    "live_room",
)
_E = {name: i for i, name in enumerate(EVENTS)}
_PAGES = {
    "home": "首页",
    "search": "搜索结果页",
    "category": "分类页",
    "product_view": "商品详情页",
    "add_to_cart": "商品详情页",
    "cart": "购物车",
    "checkout": "确认订单页",
    "submit_order": "确认订单页",
    "pay": "收银台",
    "campaign_page": "活动会场",
    "share": "商品详情页",
    "review": "评价页",
    "favorite": "商品详情页",
    "coupon_center": "领券中心",
    "live_room": "直播间",
}
_PAGE_NAMES = sorted(set(_PAGES.values()))
_PAGE_OF_EVENT = np.array([_PAGE_NAMES.index(_PAGES[e]) for e in EVENTS], dtype=np.int32)
#: Median seconds spent before an event (time since the previous event of the session).
_GAP_MEDIAN_S = np.array([5, 12, 10, 35, 25, 15, 20, 25, 20, 8, 20, 40, 15, 12, 60], dtype=float)
_ENTRY_EVENTS = ("home", "search", "campaign_page", "live_room")
_PRE_BROWSE = (
    ("search", 0.35),
    ("category", 0.30),
    ("coupon_center", 0.15),
    ("live_room", 0.10),
    ("campaign_page", 0.10),
)
_BROWSE_EXTRAS = (("favorite", 0.40), ("share", 0.15), ("search", 0.25), ("review", 0.20))

FUNNEL_STEPS = ("home", "product_view", "add_to_cart", "checkout", "submit_order", "pay")
#: P(reach step | reached previous step) by platform, before archetype/peak/campaign multipliers.
_FUNNEL_BASE = {
    "app": (0.80, 0.36, 0.64, 0.90, 0.93),
    "mini_program": (0.74, 0.31, 0.57, 0.86, 0.89),
    "web": (0.64, 0.23, 0.47, 0.80, 0.83),
}
_PEAK_ADD_TO_CART_BOOST = 1.15
_MAX_STEP_PROBABILITY = 0.97

TIERS = ("普通会员", "银卡会员", "金卡会员", "钻石会员")
#: Paid spend (yuan) within one membership year needed for 银卡, 金卡, 钻石.
TIER_THRESHOLDS_YUAN = (800, 2500, 6000)
#: Tier reached before the window by members who joined more than a year before it (by archetype).
_PRIOR_TIER_BY_ARCH = (
    (0.30, 0.35, 0.25, 0.10),
    (0.75, 0.18, 0.06, 0.01),
    (0.80, 0.15, 0.04, 0.01),
    (1.00, 0.00, 0.00, 0.00),
    (0.70, 0.20, 0.08, 0.02),
)
_JOIN_DELAY_DAYS = 40.0

CHURN = dict(
    baseline_monthly_hazard=0.05,
    satisfaction_log_hazard_per_unit=-0.5,
    not_member_hazard_ratio=1.6,
    web_platform_hazard_ratio=1.3,
)

#: Shop-wide store coupons: (coupon_id, threshold in cents, value in cents).
_STORE_COUPONS = (
    ("CPN-0-5", 0, 500),
    ("CPN-99-10", 9900, 1000),
    ("CPN-199-20", 19900, 2000),
    ("CPN-299-40", 29900, 4000),
)
_MAX_DISCOUNT_SHARE = 0.9
_CAMPAIGN_FIXED_COST = 3000.0
_CAMPAIGN_COST_PER_TREATED = 0.5

#: One campaign template per calendar month: (slug, name, type, channel, start day, days, assigned share of
#: existing users, treatment share, extra campaign sessions per treated user (mu), funnel boost, discount).
#: Discount: ("pct", rate) | ("tiered", threshold cents, cents off, max times) | ("coupon", threshold, off).
_CAMPAIGN_TEMPLATES = {
    1: ("newyear", "元旦焕新季·全场9折", "折扣", "站内推送", 1, 5, 0.40, 0.5, 0.4, 1.2, ("pct", 0.10)),
    2: (
        "kaigong",
        "开工红包·满199减30券",
        "优惠券",
        "短信",
        20,
        7,
        0.45,
        0.5,
        0.5,
        1.2,
        ("coupon", 19900, 3000),
    ),
    3: ("38", "38女王节·美妆个护88折", "折扣", "小红书", 3, 6, 0.50, 0.8, 0.8, 1.3, ("pct", 0.12)),
    4: (
        "spring",
        "春季上新·满200减20",
        "满减",
        "站内推送",
        10,
        7,
        0.40,
        0.5,
        0.0,
        1.0,
        ("tiered", 20000, 2000, 1),
    ),
    5: ("weekend", "周末秒杀", "秒杀", "微信社群", None, 3, 0.30, 0.5, 0.4, 1.3, ("pct", 0.20)),
    6: (
        "618",
        "618年中大促·满300减50",
        "满减",
        "站内推送",
        5,
        14,
        0.60,
        0.5,
        1.2,
        1.4,
        ("tiered", 30000, 5000, 3),
    ),
    7: ("summer", "暑期拼团节", "拼团", "微信社群", 10, 7, 0.40, 0.5, 0.5, 1.2, ("pct", 0.15)),
    8: (
        "qixi",
        "七夕礼遇·满299减40",
        "满减",
        "抖音直播",
        15,
        6,
        0.35,
        0.5,
        0.4,
        1.2,
        ("tiered", 29900, 4000, 1),
    ),
    9: ("school", "开学季·满99减10券", "优惠券", "短信", 1, 7, 0.40, 0.5, 0.5, 1.2, ("coupon", 9900, 1000)),
    10: ("national", "国庆黄金周·全场85折", "折扣", "抖音直播", 1, 7, 0.45, 0.5, 0.6, 1.2, ("pct", 0.15)),
    11: (
        "1111",
        "双11狂欢节·每满300减50",
        "满减",
        "站内推送",
        1,
        11,
        0.60,
        0.5,
        1.2,
        1.4,
        ("tiered", 30000, 5000, 3),
    ),
    12: ("1212", "双12年终盛典·拼团", "拼团", "微信社群", 8, 5, 0.40, 0.5, 0.5, 1.2, ("pct", 0.12)),
}
#: Campaign-induced sessions of churned (but still reachable) users relative to active users.
_CHURNED_REACH = 0.1

_HOUR_OF_DAY = np.array(
    [0.60, 0.35, 0.20, 0.12, 0.10, 0.12, 0.25, 0.50, 0.70, 0.85, 0.95, 1.00]
    + [1.10, 1.00, 0.90, 0.90, 0.90, 0.95, 1.00, 1.15, 1.40, 1.55, 1.45, 1.00]
)
_DAY_OF_WEEK = np.array([0.95, 0.93, 0.95, 0.97, 1.02, 1.12, 1.10])  # Monday .. Sunday
_SPRING_FESTIVAL = {
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
}

_REVIEW_TEXTS = {
    5: (
        "物流很快，质量不错",
        "非常满意，会回购",
        "包装精美，送人很合适",
        "性价比很高，推荐",
        "和描述一致，好评",
    ),
    4: ("整体不错，就是物流慢了点", "质量还可以，价格实惠", "挺好的，客服态度好", "效果还行，继续观察"),
    3: ("一般般，和图片有差距", "中规中矩，没有惊喜", "还行吧，包装有点简陋"),
    2: ("质量一般，有点失望", "发货太慢了", "尺码偏小，退换麻烦"),
    1: ("质量太差，不推荐", "和描述严重不符", "客服不理人，差评"),
}
_NPS_SAMPLE = 0.20
_CSAT_SAMPLE = 0.20

# --------------------------------------------------------------------------------------------------------
# Arrow schemas
# --------------------------------------------------------------------------------------------------------

_TS = pa.timestamp("us")
_SCHEMAS = {
    "users": pa.schema(
        [
            ("user_id", pa.int64()),
            ("signup_ts", _TS),
            ("gender", pa.string()),
            ("birth_year", pa.int64()),
            ("city", pa.string()),
            ("city_tier", pa.string()),
            ("channel", pa.string()),
            ("platform", pa.string()),
        ]
    ),
    "events": pa.schema(
        [
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("event", pa.string()),
            ("session_id", pa.int64()),
            ("item_id", pa.int64()),
            ("page", pa.string()),
            ("channel", pa.string()),
            ("platform", pa.string()),
        ]
    ),
    "orders": pa.schema(
        [
            ("order_id", pa.int64()),
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("amount", pa.float64()),
            ("discount", pa.float64()),
            ("status", pa.string()),
            ("channel", pa.string()),
            ("campaign_id", pa.string()),
            ("coupon_id", pa.string()),
        ]
    ),
    "order_items": pa.schema(
        [
            ("order_id", pa.int64()),
            ("item_id", pa.int64()),
            ("quantity", pa.int64()),
            ("price", pa.float64()),
            ("category", pa.string()),
        ]
    ),
    "items": pa.schema(
        [("item_id", pa.int64()), ("category", pa.string()), ("price", pa.float64()), ("cost", pa.float64())]
    ),
    "members": pa.schema([("user_id", pa.int64()), ("tier", pa.string()), ("joined_ts", _TS)]),
    "tier_history": pa.schema([("user_id", pa.int64()), ("ts", _TS), ("tier", pa.string())]),
    "points": pa.schema(
        [("user_id", pa.int64()), ("ts", _TS), ("points", pa.int64()), ("kind", pa.string())]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", pa.string()),
            ("start_ts", _TS),
            ("end_ts", _TS),
            ("name", pa.string()),
            ("type", pa.string()),
            ("cost", pa.float64()),
            ("channel", pa.string()),
            ("treatment_share", pa.float64()),
        ]
    ),
    "campaign_assignments": pa.schema(
        [("campaign_id", pa.string()), ("user_id", pa.int64()), ("group", pa.string()), ("assigned_ts", _TS)]
    ),
    "marketing_spend": pa.schema(
        [
            ("date", pa.date32()),
            ("channel", pa.string()),
            ("spend", pa.float64()),
            ("impressions", pa.int64()),
            ("clicks", pa.int64()),
        ]
    ),
    "feedback": pa.schema(
        [
            ("user_id", pa.int64()),
            ("ts", _TS),
            ("kind", pa.string()),
            ("score", pa.float64()),
            ("order_id", pa.int64()),
            ("text", pa.string()),
        ]
    ),
    "_truth_users": pa.schema(
        [
            ("user_id", pa.int64()),
            ("archetype", pa.string()),
            ("satisfaction", pa.float64()),
            ("visits_per_month", pa.float64()),
            ("churn_ts", _TS),
            ("member", pa.bool_()),
        ]
    ),
}
#: Tables written as folders of parts (one part per chunk of users); the others are single files.
PART_TABLES = ("events", "orders", "order_items", "points", "feedback")
_STREAMED_FILES = ("users", "members", "tier_history", "campaign_assignments", "_truth_users")


# --------------------------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------------------------


def _arch_param(name: str) -> np.ndarray:
    """Return an archetype parameter as an array indexed by archetype code."""
    return np.array([ARCHETYPES[a][name] for a in _ARCH_NAMES], dtype=float)


def _draw(rng: np.random.Generator, probs, n: int) -> np.ndarray:
    """Draw ``n`` category codes from one probability vector."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _draw_rows(rng: np.random.Generator, probs, rows: np.ndarray) -> np.ndarray:
    """Draw one category code per element, each from the probability row ``probs[rows[i]]``.

    Parameters
    ----------
    rng : numpy.random.Generator
    probs : array-like of shape (R, K)
        One probability vector per row (need not be normalised).
    rows : numpy.ndarray of int
        Row of ``probs`` to draw from, one per output element.

    Returns
    -------
    numpy.ndarray
        Codes in ``0 .. K-1``.
    """
    p = np.asarray(probs, dtype=float)
    n_rows, k = p.shape
    cum = np.cumsum(p, axis=1)
    cum /= cum[:, -1:]
    cum[:, -1] = 1.0
    flat = (cum + np.arange(n_rows)[:, None]).ravel()
    idx = np.searchsorted(flat, rng.random(len(rows)) + rows, side="right")
    return np.clip(idx - rows * k, 0, k - 1)


def _segment_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each segment in a flat array of concatenated segments of the given lengths."""
    ends = np.cumsum(counts)
    return ends - counts


def _strings(codes: np.ndarray, dictionary, null: np.ndarray | None = None) -> pa.Array:
    """Turn integer codes into an Arrow string array (``null`` marks missing values)."""
    values = pa.array(list(dictionary), type=pa.string())
    idx = pa.array(np.asarray(codes, dtype=np.int32), mask=null)
    return pc.take(values, idx)


def _ts(start_us: int, ms: np.ndarray) -> pa.Array:
    """Timestamps (``timestamp[us]``) from milliseconds relative to the window start."""
    us = start_us + np.asarray(ms, dtype=np.int64) * 1000
    return pa.array(us.view("datetime64[us]"))


def _money(cents: np.ndarray) -> np.ndarray:
    """Yuan (float) from integer cents."""
    return np.asarray(cents, dtype=np.int64) / 100.0


# --------------------------------------------------------------------------------------------------------
# Calendar, catalogue and campaigns (global, tiny)
# --------------------------------------------------------------------------------------------------------


def _window(end, months: int) -> tuple[dt.date, dt.date]:
    """First and last day of the ``months`` whole calendar months ending with the month of ``end``."""
    end_day = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if isinstance(end_day, dt.datetime):
        end_day = end_day.date()
    if months < 1:
        raise ValueError("months must be >= 1")
    index = end_day.year * 12 + end_day.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), end_day


def _day_factors(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Seasonal multipliers per day, the days with a midnight rush (peak days) and the peak list for truth.

    Parameters
    ----------
    days : numpy.ndarray of datetime64[D]
        Every day of the window.
    """
    factor = np.ones(len(days))
    midnight = np.zeros(len(days), dtype=bool)
    peaks: list[dict] = []
    first, last = days[0], days[-1]

    def setf(day: str, value: float) -> np.ndarray | None:
        i = (np.datetime64(day) - first).astype(int)
        if 0 <= i < len(days):
            factor[i] = value
            return i
        return None

    years = range(first.astype(object).year - 1, last.astype(object).year + 1)
    for y in years:
        # 618: ramp June 1-17, peak on June 18 (midnight rush), small tail.
        for d in range(1, 18):
            setf(f"{y}-06-{d:02d}", 1.25 + 0.04 * (d - 1))
        setf(f"{y}-06-19", 1.3)
        if setf(f"{y}-06-18", 3.2) is not None:
            midnight[(np.datetime64(f"{y}-06-18") - first).astype(int)] = True
            peaks.append(dict(name="618", date=f"{y}-06-18", multiplier=3.2, ramp=f"{y}-06-01..{y}-06-17"))
        # 双11: pre-sale browsing Oct 24-31, ramp Nov 1-10, peak Nov 11.
        for d in range(24, 32):
            setf(f"{y}-10-{d:02d}", 1.15)
        for d in range(1, 11):
            setf(f"{y}-11-{d:02d}", 1.4 + 0.05 * (d - 1))
        setf(f"{y}-11-12", 1.4)
        if setf(f"{y}-11-11", 4.0) is not None:
            midnight[(np.datetime64(f"{y}-11-11") - first).astype(int)] = True
            peaks.append(dict(name="双11", date=f"{y}-11-11", multiplier=4.0, ramp=f"{y}-11-01..{y}-11-10"))
        # 双12: smaller.
        setf(f"{y}-12-10", 1.2)
        setf(f"{y}-12-11", 1.2)
        if setf(f"{y}-12-12", 2.0) is not None:
            peaks.append(dict(name="双12", date=f"{y}-12-12", multiplier=2.0, ramp=None))
        # 38 女王节 (this shop sells mostly to women).
        if setf(f"{y}-03-08", 1.5) is not None:
            peaks.append(dict(name="38女王节", date=f"{y}-03-08", multiplier=1.5, ramp=None))
        # Spring Festival: logistics stop, traffic dips.
        sf = _SPRING_FESTIVAL.get(y)
        if sf is not None:
            base = np.datetime64(sf)
            hit = False
            for k in range(-3, 7):
                hit |= setf(str(base + k), 0.6) is not None
            if hit:
                peaks.append(dict(name="春节(低谷)", date=sf, multiplier=0.6, ramp=f"{base - 3}..{base + 6}"))
    peaks = [p for p in peaks if str(first) <= p["date"] <= str(last) or p["name"].startswith("春节")]
    peaks.sort(key=lambda p: p["date"])
    return factor, midnight, peaks


def _calendar(start: dt.date, end: dt.date) -> SimpleNamespace:
    """Build the hourly traffic-intensity curve of the window and its cumulative integral.

    The intensity combines hour of day, day of week, a mild growth trend and the seasonal day factors;
    it is normalised to mean 1 so that ``C(t)`` (the cumulative intensity, in ms) is close to ``t``.
    Session and signup times are drawn by inverting ``C``.
    """
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    n_days = len(days)
    factor, midnight, peaks = _day_factors(days)
    weekday = (days.astype(np.int64) + 3) % 7
    trend = np.linspace(0.9, 1.1, n_days)
    hourly = (factor * _DAY_OF_WEEK[weekday] * trend)[:, None] * _HOUR_OF_DAY[None, :]
    hourly[midnight, 0] *= 3.0
    w = hourly.ravel()
    w = w / w.mean()
    grid = np.arange(len(w) + 1, dtype=float) * 3_600_000.0
    cum = np.concatenate([[0.0], np.cumsum(w) * 3_600_000.0])
    total_ms = n_days * _DAY_MS
    return SimpleNamespace(
        days=days,
        n_days=n_days,
        day_factor=factor,
        peak_day=factor >= 2.0,
        peaks=peaks,
        grid=grid,
        cum=cum,
        total_ms=total_ms,
        horizon_ms=total_ms - _SEC_MS,  # last allowed timestamp: end day 23:59:59
        session_end_ms=total_ms - 120 * _SEC_MS,  # sessions start at least 2 minutes before the end
    )


def _cum_of(cal: SimpleNamespace, t_ms: np.ndarray) -> np.ndarray:
    return np.interp(t_ms, cal.grid, cal.cum)


def _inv_cum(cal: SimpleNamespace, c: np.ndarray) -> np.ndarray:
    return np.interp(c, cal.cum, cal.grid)


def _make_items(rng: np.random.Generator, users: int) -> SimpleNamespace:
    """Create the catalogue: items sorted by category with list price, cost and popularity."""
    n_items = int(min(5000, max(120, round(300 * (users / 10_000) ** 0.3))))
    shares = [CATEGORIES[c][0] for c in _CAT_NAMES]
    cat = _draw(rng, shares, n_items)
    cat[: 3 * len(_CAT_NAMES)] = np.repeat(np.arange(len(_CAT_NAMES)), 3)  # every category has items
    cat = np.sort(cat)
    median = np.array([CATEGORIES[c][1] for c in _CAT_NAMES])[cat]
    raw = np.clip(np.exp(np.log(median) + 0.5 * rng.normal(size=n_items)), 8.0, 9999.0)
    price_c = np.where(raw < 20, np.ceil(raw) * 100 - 10, np.ceil(raw / 10) * 1000 - 10).astype(np.int64)
    lo = np.array([CATEGORIES[c][2][0] for c in _CAT_NAMES])[cat]
    hi = np.array([CATEGORIES[c][2][1] for c in _CAT_NAMES])[cat]
    margin = lo + (hi - lo) * rng.random(n_items)
    cost_c = np.rint(price_c * (1 - margin)).astype(np.int64)
    popularity = 1.0 / (rng.permutation(n_items) + 5.0) ** 0.9
    # Cumulative popularity within each category, offset by the category code, for _pick_items.
    counts = np.bincount(cat, minlength=len(_CAT_NAMES))
    cum = np.cumsum(popularity)
    starts = _segment_starts(counts)
    before = np.concatenate([[0.0], cum])[starts]
    totals = np.add.reduceat(popularity, starts)
    within = (cum - before[cat]) / totals[cat]
    within[np.r_[starts[1:] - 1, n_items - 1]] = 1.0
    return SimpleNamespace(
        n=n_items,
        item_id=10_001 + np.arange(n_items, dtype=np.int64),
        category=cat,
        price_c=price_c,
        cost_c=cost_c,
        flat_cum=within + cat,
    )


def _pick_items(
    rng: np.random.Generator, items: SimpleNamespace, cat: np.ndarray, tilt: np.ndarray
) -> np.ndarray:
    """Pick items (catalogue indices) of the given categories by popularity.

    ``tilt`` = +1 prefers the pricier of two candidates (60 %), -1 the cheaper one, 0 takes the first.
    """
    n = len(cat)
    a = np.searchsorted(items.flat_cum, cat + rng.random(n), side="right")
    b = np.searchsorted(items.flat_cum, cat + rng.random(n), side="right")
    a = np.minimum(a, items.n - 1)
    b = np.minimum(b, items.n - 1)
    use_tilt = rng.random(n) < 0.6
    pa_, pb = items.price_c[a], items.price_c[b]
    take_b = use_tilt & (((tilt > 0) & (pb > pa_)) | ((tilt < 0) & (pb < pa_)))
    return np.where(take_b, b, a)


def _campaigns(start: dt.date, end: dt.date, cal: SimpleNamespace) -> list[dict]:
    """One campaign per calendar month of the window, from the monthly templates."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        slug, name, kind, channel, day, length, frac, share, mu, boost, disc = _CAMPAIGN_TEMPLATES[m]
        if day is None:  # weekend flash sale: first Friday on or after the 15th
            d15 = dt.date(y, m, 15)
            day = 15 + (4 - d15.weekday()) % 7
        first = dt.date(y, m, day)
        start_ms = (first - start).days * _DAY_MS
        end_ms = min(start_ms + length * _DAY_MS - _SEC_MS, cal.horizon_ms)
        if start_ms <= cal.horizon_ms - _DAY_MS:
            out.append(
                dict(
                    campaign_id=f"C{y}-{m:02d}-{slug}",
                    name=name,
                    type=kind,
                    channel=channel,
                    start_ms=start_ms,
                    end_ms=end_ms,
                    assign_fraction=frac,
                    treatment_share=share,
                    extra_sessions_per_treated_user=mu,
                    funnel_boost=boost,
                    discount=disc,
                )
            )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --------------------------------------------------------------------------------------------------------
# Context shared by all blocks
# --------------------------------------------------------------------------------------------------------


def _context(users: int, months: int, seed: int, end) -> SimpleNamespace:
    start_day, end_day = _window(end, months)
    cal = _calendar(start_day, end_day)
    rng = np.random.default_rng(np.random.SeedSequence([seed, _STREAM_CATALOGUE]))
    items = _make_items(rng, users)
    camps = _campaigns(start_day, end_day, cal)
    cities, city_tier, city_p = [], [], []
    tier_names = list(CITY_TIERS)
    for t, (share, names) in CITY_TIERS.items():
        w = 1.0 / (np.arange(len(names)) + 2.0)
        for name, wi in zip(names, w / w.sum(), strict=True):
            cities.append(name)
            city_tier.append(tier_names.index(t))
            city_p.append(share * wi)
    arch = {k: _arch_param(k) for k, v in ARCHETYPES[_ARCH_NAMES[0]].items() if isinstance(v, int | float)}
    nc = len(camps)
    return SimpleNamespace(
        seed=seed,
        users=users,
        months=months,
        start_day=start_day,
        end_day=end_day,
        start_us=int((np.datetime64(start_day, "us") - np.datetime64(0, "us")).astype(np.int64)),
        cal=cal,
        items=items,
        camps=camps,
        n_camp=nc,
        camp_start=np.array([c["start_ms"] for c in camps], dtype=np.int64),
        camp_end=np.array([c["end_ms"] for c in camps], dtype=np.int64),
        camp_frac=np.array([c["assign_fraction"] for c in camps]),
        camp_share=np.array([c["treatment_share"] for c in camps]),
        camp_mu=np.array([c["extra_sessions_per_treated_user"] for c in camps]),
        camp_boost=np.array([c["funnel_boost"] for c in camps]),
        cities=cities,
        city_tier=np.array(city_tier),
        city_p=np.array(city_p),
        tier_names=tier_names,
        arch=arch,
        arch_funnel=np.array([ARCHETYPES[a]["funnel_multipliers"] for a in _ARCH_NAMES]),
        arch_qty=np.array([ARCHETYPES[a]["quantity_probabilities"] for a in _ARCH_NAMES]),
        arch_cart=np.array([ARCHETYPES[a]["cart_lines_probabilities"] for a in _ARCH_NAMES]),
        arch_status=np.array([ARCHETYPES[a]["status_probabilities"] for a in _ARCH_NAMES]),
        funnel_base=np.array([_FUNNEL_BASE[p] for p in PLATFORMS]),
        coupon_ids=[c[0] for c in _STORE_COUPONS] + [f"CP-{c['campaign_id']}" for c in camps],
        camp_ids=[c["campaign_id"] for c in camps],
        review_texts=[t for s in range(1, 6) for t in _REVIEW_TEXTS[s]],
        review_offsets=np.cumsum([0] + [len(_REVIEW_TEXTS[s]) for s in range(1, 6)]),
    )


def _new_state(ctx: SimpleNamespace) -> SimpleNamespace:
    """Running counters and accumulators, updated block after block (in block order)."""
    nc = ctx.n_camp
    return SimpleNamespace(
        next_session=1,
        next_order=1,
        funnel_p=np.zeros((len(PLATFORMS), 5)),
        funnel_n=np.zeros((len(PLATFORMS), 5)),
        funnel_hit=np.zeros((len(PLATFORMS), 5)),
        sessions_by_day_channel=np.zeros(ctx.cal.n_days * len(TRAFFIC_CHANNELS)),
        gmv_by_day_channel=np.zeros(ctx.cal.n_days * len(TRAFFIC_CHANNELS)),
        camp_assigned=np.zeros(nc),
        camp_treated=np.zeros(nc),
        camp_dconv=np.zeros(nc),
        camp_dspend=np.zeros(nc),
        camp_conv_t=np.zeros(nc),
        camp_conv_c=np.zeros(nc),
        camp_spend_t=np.zeros(nc),
        camp_spend_c=np.zeros(nc),
        camp_discount=np.zeros(nc),
        arch_counts=np.zeros(len(_ARCH_NAMES)),
        arch_codes=[],
        n_events=0,
        n_orders=0,
        n_members=0,
    )


# --------------------------------------------------------------------------------------------------------
# Per-block simulation, table by table
# --------------------------------------------------------------------------------------------------------


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
    in_signup = _inv_cum(cal, rng.random(n) * _cum_of(cal, np.array([cal.session_end_ms]))[0])
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


# --------------------------------------------------------------------------------------------------------
# Block driver and Arrow conversion
# --------------------------------------------------------------------------------------------------------


def _simulate_block(ctx: SimpleNamespace, b: int, lo: int, hi: int, st) -> dict[str, pa.Table]:
    """Simulate users ``lo .. hi-1`` (block ``b``) and return their rows for every per-user table."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_BLOCK, b]))
    u = _block_users(rng, ctx, lo, hi)
    g = _block_assignments(rng, ctx, u)
    s = _block_sessions(rng, ctx, u, g)
    _walk_funnel(rng, ctx, u, s, st)
    e = _block_events(rng, ctx, u, s)
    o = _block_orders(rng, ctx, u, g, s, e)
    _campaign_truth(ctx, u, g, s, o, st)
    _drop_counterfactual(s, e, o)
    session_id = st.next_session + np.arange(s.n, dtype=np.int64)
    order_id = st.next_order + np.arange(o.n, dtype=np.int64)
    st.next_session += s.n
    st.next_order += o.n
    mb = _block_members(rng, ctx, u, o)
    fb = _block_feedback(rng, ctx, u, o)
    # accumulators for marketing spend, campaign cost and the truth
    nch = len(TRAFFIC_CHANNELS)
    st.sessions_by_day_channel += np.bincount(s.day * nch + s.chan, minlength=len(st.sessions_by_day_channel))
    paid = o.status == 0
    o_day = np.minimum(o.ts // _DAY_MS, ctx.cal.n_days - 1)
    o_chan = s.chan[o.sess]
    st.gmv_by_day_channel += np.bincount(
        (o_day * nch + o_chan)[paid], weights=o.amount[paid] / 100.0, minlength=len(st.gmv_by_day_channel)
    )
    if ctx.n_camp:
        with_camp = paid & (o.campaign >= 0)
        st.camp_discount += np.bincount(
            o.campaign[with_camp],
            weights=(o.amount_ctrl - o.amount_treat)[with_camp] / 100.0,
            minlength=ctx.n_camp,
        )
    st.arch_counts += np.bincount(u.arch, minlength=len(_ARCH_NAMES))
    if ctx.users <= _MAX_TRUTH_USERS_IN_JSON:
        st.arch_codes.append(u.arch)
    st.n_events += e.n
    st.n_orders += o.n
    st.n_members += len(mb.user)
    return _block_tables(ctx, u, g, s, e, o, mb, fb, session_id, order_id)


def _block_tables(ctx, u, g, s, e, o, mb, fb, session_id, order_id) -> dict[str, pa.Table]:
    """Convert one block's simulated arrays into Arrow tables following the contract."""
    sus = ctx.start_us
    uid = u.uid
    tables: dict[str, pa.Table] = {}
    tables["users"] = pa.table(
        {
            "user_id": uid,
            "signup_ts": _ts(sus, u.signup),
            "gender": _strings(u.gender, GENDERS),
            "birth_year": u.birth,
            "city": _strings(u.city, ctx.cities),
            "city_tier": _strings(ctx.city_tier[u.city], ctx.tier_names),
            "channel": _strings(u.acq, ACQUISITION_CHANNELS),
            "platform": _strings(u.plat, PLATFORMS),
        },
        schema=_SCHEMAS["users"],
    )
    ev_user = uid[s.user[e.sess]]
    tables["events"] = pa.table(
        {
            "user_id": ev_user,
            "ts": _ts(sus, e.ts),
            "event": _strings(e.code, EVENTS),
            "session_id": session_id[e.sess],
            "item_id": pa.array(ctx.items.item_id[np.maximum(e.item, 0)], mask=e.item < 0),
            "page": _strings(_PAGE_OF_EVENT[e.code], _PAGE_NAMES),
            "channel": _strings(s.chan[e.sess], TRAFFIC_CHANNELS),
            "platform": _strings(s.plat[e.sess], PLATFORMS),
        },
        schema=_SCHEMAS["events"],
    )
    tables["orders"] = pa.table(
        {
            "order_id": order_id,
            "user_id": uid[o.user],
            "ts": _ts(sus, o.ts),
            "amount": _money(o.amount),
            "discount": _money(o.disc),
            "status": _strings(o.status, ("paid", "cancelled", "refunded")),
            "channel": _strings(s.chan[o.sess], TRAFFIC_CHANNELS),
            "campaign_id": _strings(np.maximum(o.campaign, 0), ctx.camp_ids or [""], null=o.campaign < 0),
            "coupon_id": _strings(np.maximum(o.coupon, 0), ctx.coupon_ids, null=o.coupon < 0),
        },
        schema=_SCHEMAS["orders"],
    )
    tables["order_items"] = pa.table(
        {
            "order_id": order_id[o.l_order],
            "item_id": ctx.items.item_id[o.l_item],
            "quantity": o.l_qty.astype(np.int64),
            "price": _money(o.l_price),
            "category": _strings(ctx.items.category[o.l_item], _CAT_NAMES),
        },
        schema=_SCHEMAS["order_items"],
    )
    tables["members"] = pa.table(
        {"user_id": mb.user, "tier": _strings(mb.tier, TIERS), "joined_ts": _ts(sus, mb.joined)},
        schema=_SCHEMAS["members"],
    )
    tables["tier_history"] = pa.table(
        {"user_id": mb.th_user, "ts": _ts(sus, mb.th_ts), "tier": _strings(mb.th_tier, TIERS)},
        schema=_SCHEMAS["tier_history"],
    )
    tables["points"] = pa.table(
        {
            "user_id": mb.p_user,
            "ts": _ts(sus, mb.p_ts),
            "points": mb.p_points.astype(np.int64),
            "kind": _strings(mb.p_kind, ("earn", "redeem", "expire")),
        },
        schema=_SCHEMAS["points"],
    )
    ui, ci = np.nonzero(g)
    tables["campaign_assignments"] = pa.table(
        {
            "campaign_id": _strings(ci, ctx.camp_ids or [""]),
            "user_id": uid[ui],
            "group": _strings((g[ui, ci] == 1).astype(np.int8), ("treatment", "control")),
            "assigned_ts": _ts(sus, ctx.camp_start[ci] if len(ci) else np.zeros(0, np.int64)),
        },
        schema=_SCHEMAS["campaign_assignments"],
    )
    tables["feedback"] = pa.table(
        {
            "user_id": uid[fb.user],
            "ts": _ts(sus, fb.ts),
            "kind": _strings(fb.kind, ("nps", "csat", "review")),
            "score": fb.score.astype(float),
            "order_id": pa.array(
                order_id[np.maximum(fb.order, 0)] if o.n else np.zeros(len(fb.order), np.int64),
                mask=fb.order < 0,
            ),
            "text": _strings(np.maximum(fb.text, 0), ctx.review_texts, null=fb.text < 0),
        },
        schema=_SCHEMAS["feedback"],
    )
    churn = u.churn
    tables["_truth_users"] = pa.table(
        {
            "user_id": uid,
            "archetype": _strings(u.arch, _ARCH_NAMES),
            "satisfaction": u.sat,
            "visits_per_month": u.rate,
            "churn_ts": pa.array(
                (sus + np.minimum(churn, ctx.cal.horizon_ms) * 1000).view("datetime64[us]"),
                mask=churn > ctx.cal.horizon_ms,
            ),
            "member": u.will_join,
        },
        schema=_SCHEMAS["_truth_users"],
    )
    return tables


# --------------------------------------------------------------------------------------------------------
# Global tables written at the end
# --------------------------------------------------------------------------------------------------------


def _items_table(ctx: SimpleNamespace) -> pa.Table:
    it = ctx.items
    return pa.table(
        {
            "item_id": it.item_id,
            "category": _strings(it.category, _CAT_NAMES),
            "price": _money(it.price_c),
            "cost": _money(it.cost_c),
        },
        schema=_SCHEMAS["items"],
    )


def _campaigns_table(ctx: SimpleNamespace, st) -> pa.Table:
    n = ctx.n_camp
    cost = _CAMPAIGN_FIXED_COST + _CAMPAIGN_COST_PER_TREATED * st.camp_treated + st.camp_discount
    return pa.table(
        {
            "campaign_id": pa.array(ctx.camp_ids, pa.string()),
            "start_ts": _ts(ctx.start_us, ctx.camp_start),
            "end_ts": _ts(ctx.start_us, ctx.camp_end),
            "name": pa.array([c["name"] for c in ctx.camps], pa.string()),
            "type": pa.array([c["type"] for c in ctx.camps], pa.string()),
            "cost": np.round(cost, 2) if n else np.zeros(0),
            "channel": pa.array([c["channel"] for c in ctx.camps], pa.string()),
            "treatment_share": ctx.camp_share.astype(float),
        },
        schema=_SCHEMAS["campaigns"],
    )


#: Paid channels: clicks per session, click-through rate, cost per click (yuan) or CPS commission.
_MARKETING = {
    "直通车": dict(clicks_per_session=1.30, ctr=0.025, cpc=1.10),
    "抖音直播": dict(clicks_per_session=1.60, ctr=0.012, cpc=0.75),
    "小红书": dict(clicks_per_session=1.40, ctr=0.030, cpc=0.90),
    "淘宝客": dict(clicks_per_session=1.20, ctr=0.020, commission=0.08),
    "微信社群": dict(clicks_per_session=1.10, ctr=0.080, cpc=0.20, daily_fixed_per_10k_users=30.0),
}


def _marketing_table(ctx: SimpleNamespace, st) -> pa.Table:
    """Daily spend, impressions and clicks of the paid channels, consistent with their sessions and GMV."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_MARKETING]))
    nd, nch = ctx.cal.n_days, len(TRAFFIC_CHANNELS)
    sessions = st.sessions_by_day_channel.reshape(nd, nch)
    gmv = st.gmv_by_day_channel.reshape(nd, nch)
    dates, chans, spend, impressions, clicks = [], [], [], [], []
    for name in PAID_CHANNELS:
        cfg = _MARKETING[name]
        c = TRAFFIC_CHANNELS.index(name)
        noise = np.exp(rng.normal(0, 0.15, nd))
        clk = np.rint(sessions[:, c] * cfg["clicks_per_session"] * noise).astype(np.int64)
        imp = np.rint(clk / cfg["ctr"] * np.exp(rng.normal(0, 0.2, nd))).astype(np.int64)
        if "commission" in cfg:
            sp = gmv[:, c] * cfg["commission"]
        else:
            sp = clk * cfg["cpc"] * np.exp(rng.normal(0, 0.1, nd))
        sp = sp + cfg.get("daily_fixed_per_10k_users", 0.0) * ctx.users / 10_000
        dates.append(ctx.cal.days)
        chans.append(np.full(nd, PAID_CHANNELS.index(name)))
        spend.append(np.round(sp, 2))
        impressions.append(imp)
        clicks.append(clk)
    order = np.lexsort((np.concatenate(chans), np.concatenate(dates)))
    return pa.table(
        {
            "date": pa.array(np.concatenate(dates)[order]),
            "channel": _strings(np.concatenate(chans)[order], PAID_CHANNELS),
            "spend": np.concatenate(spend)[order],
            "impressions": np.concatenate(impressions)[order],
            "clicks": np.concatenate(clicks)[order],
        },
        schema=_SCHEMAS["marketing_spend"],
    )


# --------------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------------


class _Sink:
    """Streams Arrow tables into one Parquet file or into a folder of parts (one part per chunk)."""

    def __init__(self, root: Path, name: str, parts: bool):
        self.schema = _SCHEMAS[name]
        self.parts = parts
        self.path = root / name if parts else root / f"{name}.parquet"
        if parts:
            self.path.mkdir()
        self.part = 0
        self.buffer: list[pa.Table] = []
        self.rows = 0
        self.writer: pq.ParquetWriter | None = None

    def _file(self) -> Path:
        return self.path / f"part-{self.part:05d}.parquet" if self.parts else self.path

    def add(self, table: pa.Table) -> None:
        self.buffer.append(table)
        self.rows += table.num_rows
        if self.rows >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self._file(), self.schema, compression="zstd")
        if self.buffer:
            self.writer.write_table(pa.concat_tables(self.buffer))
        self.buffer, self.rows = [], 0

    def end_part(self) -> None:
        """Close the current part (writing an empty one if the chunk had no rows)."""
        if self.parts:
            self.flush()
            self.writer.close()
            self.writer = None
            self.part += 1

    def close(self) -> None:
        if self.parts:
            return
        self.flush()
        self.writer.close()
        self.writer = None


# --------------------------------------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------


def generate_shop(
    out_dir,
    *,
    users: int = 10_000,
    months: int = 14,
    seed: int = 42,
    end: str = "2026-10-31",
    chunk_users: int = 50_000,
) -> dict:
    """Write the sample shop into out_dir and return the truth dict (also written to out_dir/_truth.json).

    Parameters
    ----------
    out_dir : str or os.PathLike
        Target folder. It is built in a hidden temporary folder next to it and renamed at the end; an
        existing ``out_dir`` is replaced only if it is empty or holds a previous sample shop
        (``_truth.json``).
    users : int
        Number of users.
    months : int
        Whole calendar months covered, ending with the month of ``end``.
    seed : int
        Seed of every random draw; the same arguments give byte-identical files.
    end : str
        Last day covered (ISO date, inclusive up to 23:59:59).
    chunk_users : int
        Users per Parquet part of the per-user-heavy tables; bounds memory. Rounded up to a multiple of
        :data:`BLOCK_USERS`; it does not change the data.

    Returns
    -------
    dict
        The planted truths (see ``_truth.json``).
    """
    if users < 1:
        raise ValueError("users must be >= 1")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not (out / "_truth.json").exists():
        raise FileExistsError(f"{out} exists and is not a sample shop; refusing to replace it")
    chunk = max(BLOCK_USERS, -(-int(chunk_users) // BLOCK_USERS) * BLOCK_USERS)
    ctx = _context(int(users), int(months), int(seed), end)
    st = _new_state(ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        sinks = {
            name: _Sink(tmp, name, parts=name in PART_TABLES) for name in (*PART_TABLES, *_STREAMED_FILES)
        }
        n_blocks = -(-ctx.users // BLOCK_USERS)
        blocks_per_chunk = chunk // BLOCK_USERS
        for b in range(n_blocks):
            lo, hi = b * BLOCK_USERS, min((b + 1) * BLOCK_USERS, ctx.users)
            for name, table in _simulate_block(ctx, b, lo, hi, st).items():
                sinks[name].add(table)
            if (b + 1) % blocks_per_chunk == 0 or b == n_blocks - 1:
                for name in PART_TABLES:
                    sinks[name].end_part()
        for name in _STREAMED_FILES:
            sinks[name].close()
        pq.write_table(_items_table(ctx), tmp / "items.parquet", compression="zstd")
        pq.write_table(_campaigns_table(ctx, st), tmp / "campaigns.parquet", compression="zstd")
        pq.write_table(_marketing_table(ctx, st), tmp / "marketing_spend.parquet", compression="zstd")
        truth = _truth(ctx, st, chunk)
        (tmp / "_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return truth
