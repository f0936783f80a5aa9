"""Design constants of the sample shop: archetypes, channels, categories, funnel, tiers, campaigns (the table
schemas are in :mod:`.schemas`).

Every planted truth comes from here and is copied into ``_truth.json``."""

from __future__ import annotations

import numpy as np

#: Users per random-draw block; ``chunk_users`` is rounded up to a multiple of it.
BLOCK_USERS = 1000

_SEC_MS = 1000

_DAY_MS = 86_400 * _SEC_MS

_MONTH_MS = 30.4375 * _DAY_MS

_YEAR_MS = 365 * _DAY_MS

_STREAM_CATALOGUE, _STREAM_BLOCK, _STREAM_MARKETING = 0, 1, 2

_FLUSH_ROWS = 1_000_000

_MAX_TRUTH_USERS_IN_JSON = 100_000

#: Archetypes: share, description and the parameters they drive.
ARCHETYPES: dict[str, dict] = {
    "loyal_high_value": dict(
        share=0.12,
        description="老客高价值: long-standing app users who visit about weekly, buy on a large share of "
        "visits, fill bigger baskets with pricier items, rarely need coupons or return, rarely churn, "
        "very likely loyalty member",
        visits_per_month=4.5,
        pre_window_share=0.9,
        signup_from=0.0,
        signup_to=0.5,
        satisfaction_mean=0.8,
        join_probability=0.90,
        churn_hazard_ratio=0.08,
        campaign_responsiveness=0.6,
        product_views_mean=1.0,
        coupon_probability=0.05,
        status_probabilities=(0.96, 0.025, 0.015),
        review_probability=0.25,
        redeem_probability=0.35,
        birth_year_mean=1986,
        price_tilt=1,
        funnel_multipliers=(1.10, 1.55, 1.20, 1.04, 1.04),
        quantity_probabilities=(0.55, 0.30, 0.15),
        cart_lines_probabilities=(0.30, 0.32, 0.22, 0.16),
    ),
    "bargain_hunter": dict(
        share=0.25,
        description="薅羊毛型: regular visits (mostly the WeChat mini program, 拼团 links), single cheap items, "
        "almost always with a coupon or campaign discount, many refunds, responds strongly to campaigns",
        visits_per_month=2.7,
        pre_window_share=0.6,
        signup_from=0.0,
        signup_to=0.6,
        satisfaction_mean=-0.3,
        join_probability=0.40,
        churn_hazard_ratio=0.08,
        campaign_responsiveness=1.5,
        product_views_mean=1.5,
        coupon_probability=0.95,
        status_probabilities=(0.76, 0.04, 0.20),
        review_probability=0.12,
        redeem_probability=0.60,
        birth_year_mean=1991,
        price_tilt=-1,
        funnel_multipliers=(1.10, 1.70, 1.05, 0.97, 0.97),
        quantity_probabilities=(0.85, 0.12, 0.03),
        cart_lines_probabilities=(0.82, 0.14, 0.03, 0.01),
    ),
    "casual_browser": dict(
        share=0.33,
        description="随便逛逛: occasional visits (web and mini program), browses a lot, rarely buys, rarely uses "
        "coupons",
        visits_per_month=1.0,
        pre_window_share=0.6,
        signup_from=0.0,
        signup_to=0.6,
        satisfaction_mean=0.0,
        join_probability=0.20,
        churn_hazard_ratio=0.1,
        campaign_responsiveness=0.5,
        product_views_mean=2.5,
        coupon_probability=0.03,
        status_probabilities=(0.94, 0.04, 0.02),
        review_probability=0.06,
        redeem_probability=0.20,
        birth_year_mean=1996,
        price_tilt=0,
        funnel_multipliers=(0.90, 0.30, 0.75, 0.95, 0.95),
        quantity_probabilities=(0.90, 0.08, 0.02),
        cart_lines_probabilities=(0.80, 0.15, 0.04, 0.01),
    ),
    "new_explorer": dict(
        share=0.15,
        description="新客尝鲜: signed up in the last months of the window (often via 抖音直播/小红书), visits "
        "often while curious, medium conversion, uses new-customer coupons",
        visits_per_month=4.0,
        pre_window_share=0.0,
        signup_from=0.7,
        signup_to=1.0,
        satisfaction_mean=0.3,
        join_probability=0.45,
        churn_hazard_ratio=0.5,
        campaign_responsiveness=1.0,
        product_views_mean=2.0,
        coupon_probability=0.35,
        status_probabilities=(0.93, 0.04, 0.03),
        review_probability=0.15,
        redeem_probability=0.20,
        birth_year_mean=1999,
        price_tilt=0,
        funnel_multipliers=(1.20, 2.20, 1.25, 1.00, 1.00),
        quantity_probabilities=(0.80, 0.15, 0.05),
        cart_lines_probabilities=(0.65, 0.23, 0.08, 0.04),
    ),
    "lapsing": dict(
        share=0.15,
        description="流失风险: older customers (app or web, hardly the mini program) who used to buy regularly, "
        "low satisfaction and a high churn hazard: active at the start of the window, gone within a few months",
        visits_per_month=7.5,
        pre_window_share=1.0,
        signup_from=0.0,
        signup_to=0.2,
        satisfaction_mean=-0.8,
        join_probability=0.35,
        churn_hazard_ratio=4.0,
        campaign_responsiveness=0.4,
        product_views_mean=1.0,
        coupon_probability=0.12,
        status_probabilities=(0.93, 0.04, 0.03),
        review_probability=0.10,
        redeem_probability=0.30,
        birth_year_mean=1985,
        price_tilt=1,
        funnel_multipliers=(1.15, 2.00, 1.25, 1.02, 1.02),
        quantity_probabilities=(0.80, 0.15, 0.05),
        cart_lines_probabilities=(0.65, 0.23, 0.08, 0.04),
    ),
}

_ARCH_NAMES = list(ARCHETYPES)

PLATFORMS = ("app", "mini_program", "web")

_PLATFORM_SHARES = (0.50, 0.35, 0.15)

#: Signup platform by archetype (rows follow ARCHETYPES).
_PLATFORM_BY_ARCH = (
    (0.94, 0.05, 0.01),
    (0.15, 0.75, 0.10),
    (0.10, 0.55, 0.35),
    (0.15, 0.75, 0.10),
    (0.50, 0.10, 0.40),
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
