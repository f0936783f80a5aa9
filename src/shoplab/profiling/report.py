"""What the profiling report shows: breakdowns, findings in words, headline numbers, display names and charts.

Every function that produces text takes ``lang`` (``"en"`` or ``"zh"``; default: the report language set by
:func:`shoplab.set_lang`). Segment, tier, tag and persona names are English codes in the data; the ``*_name``
functions give their display names in the report language.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..i18n import get_lang, join, tr
from ..notebook import Finding, fmt_value, format_table, styler
from .features import AGE_BANDS
from .personas import PERSONA_FEATURES
from .rfm import SEGMENT_ACTIONS, SEGMENTS, TIERS, check_columns, top_share

__all__ = [
    "spend_by",
    "category_preference",
    "tier_summary",
    "findings",
    "record_headlines",
    "plot_segments",
    "plot_tiers",
    "plot_pareto",
    "plot_personas",
    "plot_spend_by",
    "plot_category_heatmap",
    "plot_migration",
    "plot_rules",
    "plot_tag_coverage",
    "segments_title",
    "pareto_title",
    "migration_summary",
    "segment_name",
    "segment_action",
    "tier_name",
    "tag_name",
    "tag_group_name",
    "persona_name",
    "persona_traits",
    "breakdown_name",
    "key_numbers",
    "format_segments",
    "format_tiers",
    "format_personas",
    "format_persona_segments",
    "format_rules",
    "styled",
    "persona_fit_note",
    "SEGMENT_NAMES_ZH",
    "TIER_NAMES_ZH",
    "PERSONA_FEATURES_ZH",
]

# -- display names -----------------------------------------------------------------------------------
NOT_A_BUYER = "(not a buyer)"

SEGMENT_NAMES_ZH: dict[str, str] = {
    "Champions": "重要价值客户",
    "Loyal Customers": "忠诚客户",
    "Potential Loyalist": "潜力忠诚客户",
    "New Customers": "新客户",
    "Promising": "潜力新客",
    "Need Attention": "需关注客户",
    "About To Sleep": "即将沉睡客户",
    "At Risk": "流失风险客户",
    "Can't Lose Them": "重要挽留客户",
    "Hibernating": "沉睡客户",
    "Lost": "已流失客户",
    NOT_A_BUYER: "（未购买）",
}

SEGMENT_ACTIONS_ZH: dict[str, str] = {
    "Champions": "专属奖励；新品抢先体验；邀请评价与推荐好友",
    "Loyal Customers": "推荐更高价值商品；会员权益；邀请评价",
    "Potential Loyalist": "引导入会或加入积分计划；推荐关联商品",
    "New Customers": "新客引导；发放第二单优惠券",
    "Promising": "建立品牌认知；免费试用与小样",
    "Need Attention": "基于历史购买推送限时优惠",
    "About To Sleep": "推送热销商品；用小额优惠重新建立联系",
    "At Risk": "个性化召回消息与专属优惠",
    "Can't Lose Them": "用新品与续费权益召回；专人一对一触达",
    "Hibernating": "推荐相关商品与专享折扣，重新激发兴趣",
    "Lost": "用召回活动尝试唤醒；无响应则不再投入",
}

TIER_NAMES_ZH: dict[str, str] = {
    "high value": "高价值用户",
    "potential": "潜力用户",
    "new": "新客",
    "dormant": "沉睡用户",
    "prospect": "未购用户",
}

TAG_GROUP_NAMES_ZH: dict[str, str] = {
    "demographic": "人口属性",
    "behaviour": "行为",
    "value": "价值",
    "preference": "偏好",
}

_TAG_WORDS_ZH: dict[str, str] = {
    "active": "活跃",
    "cooling": "沉默",
    "lapsed": "流失",
    "price sensitive": "价格敏感",
    "frequent returner": "高退货",
    "(any)": "（任一标签）",
}

PLATFORM_NAMES_ZH: dict[str, str] = {"app": "App", "web": "网页", "mini_program": "小程序"}

# feature -> (label when high, label when low, description), in Chinese (see personas.PERSONA_FEATURES)
PERSONA_FEATURES_ZH: dict[str, tuple[str, str, str]] = {
    "visits_per_month": ("高频访问", "低频访问", "每月访问次数（对数）"),
    "conversion": ("果断下单", "只逛不买", "每次访问的支付订单数"),
    "aov_log": ("大额订单", "小额订单", "平均订单金额（对数 ¥）"),
    "discount_share": ("优惠敏感", "原价购买", "使用折扣或优惠券的订单占比"),
    "refund_rate": ("频繁退货", "很少退货", "退款率"),
    "tenure_log": ("老用户", "新用户", "注册天数（对数）"),
    "last_visit_log": ("近期沉默", "近期活跃", "距上次访问天数（对数）"),
    "app_share": ("App 为主", "少用 App", "App 内行为占比"),
}

_BREAKDOWNS: dict[str, tuple[str, str]] = {
    "gender": ("gender", "性别"),
    "age_band": ("age band", "年龄段"),
    "city_tier": ("city tier", "城市等级"),
    "signup_channel": ("sign-up channel", "注册渠道"),
    "signup_platform": ("sign-up platform", "注册平台"),
    "member_tier": ("member tier", "会员等级"),
    "preferred_platform": ("preferred platform", "常用平台"),
    "preferred_channel": ("preferred channel", "常用渠道"),
}

_UNKNOWN = "(unknown)"


def _zh(lang: str | None) -> bool:
    return get_lang(lang) == "zh"


def segment_name(segment: str, lang: str | None = None) -> str:
    """Display name of an RFM segment (``Champions`` / 重要价值客户)."""
    return SEGMENT_NAMES_ZH.get(str(segment), str(segment)) if _zh(lang) else str(segment)


def segment_action(segment: str, lang: str | None = None) -> str:
    """The recommended action of a segment, in the report language."""
    return tr(SEGMENT_ACTIONS.get(segment, ""), SEGMENT_ACTIONS_ZH.get(segment, ""), lang)


def tier_name(tier: str, lang: str | None = None) -> str:
    """Display name of a value tier (``high value`` / 高价值用户)."""
    return TIER_NAMES_ZH.get(str(tier), str(tier)) if _zh(lang) else str(tier)


def tag_group_name(group: str, lang: str | None = None) -> str:
    """Display name of a tag group (``behaviour`` / 行为)."""
    return TAG_GROUP_NAMES_ZH.get(str(group), str(group)) if _zh(lang) else str(group)


def tag_name(tag: str, lang: str | None = None) -> str:
    """Display name of a tag from :func:`user_tags` (data values such as member tiers stay as they are)."""
    tag = str(tag)
    if not _zh(lang):
        return tag
    if tag in _TAG_WORDS_ZH:
        return _TAG_WORDS_ZH[tag]
    if tag in TIER_NAMES_ZH:
        return TIER_NAMES_ZH[tag]
    if tag in SEGMENT_NAMES_ZH:
        return SEGMENT_NAMES_ZH[tag]
    if tag.startswith("gender "):
        return "性别 " + tag[7:]
    if tag.startswith("age "):
        return "年龄 " + tag[4:]
    if tag.startswith("likes "):
        return "偏好" + tag[6:]
    if tag.endswith(" first"):
        p = tag[: -len(" first")]
        name = PLATFORM_NAMES_ZH.get(p, p)
        return name + (" 为主" if name.isascii() else "为主")
    return tag


def breakdown_name(col: str, lang: str | None = None) -> str:
    """Display name of a breakdown column (``age_band`` / 年龄段)."""
    en, zh = _BREAKDOWNS.get(col, (col, col))
    return tr(en, zh, lang)


def _value_name(v, lang: str | None = None) -> str:
    return tr(_UNKNOWN, "（未知）", lang) if str(v) == _UNKNOWN else str(v)


_PERSONA_WORDS_ZH = {
    en: zh
    for f, labels in PERSONA_FEATURES.items()
    if f in PERSONA_FEATURES_ZH
    for en, zh in zip(labels, PERSONA_FEATURES_ZH[f], strict=True)
}


def persona_name(name: str, lang: str | None = None) -> str:
    """Display name of a generated persona name (``App-first · Decisive buyers`` / ``App 为主 · 果断下单``);
    a leading ``"2: "`` number is kept."""
    name = str(name)
    if not _zh(lang):
        return name
    m = re.match(r"^(\d+: )?(.*)$", name)
    prefix, rest = m.group(1) or "", m.group(2)
    return prefix + " · ".join(_PERSONA_WORDS_ZH.get(w, w) for w in rest.split(" · "))


def persona_traits(distinguishing: str, lang: str | None = None) -> str:
    """The ``distinguishing`` column of :meth:`Personas.describe` in the report language
    (``refund rate +1.0 sd`` / ``退款率 +1.0 个标准差``)."""
    if not _zh(lang):
        return str(distinguishing)
    parts = []
    for part in str(distinguishing).split("; "):
        m = re.match(r"^(.*) ([+-]?\d+(?:\.\d+)?) sd$", part)
        if m:
            parts.append(f"{_PERSONA_WORDS_ZH.get(m.group(1), m.group(1))} {m.group(2)} 个标准差")
        else:
            parts.append(part)
    return "；".join(parts)


def _window(window_months: int = 12, period: str | None = None, lang: str | None = None) -> str:
    """The look-back window in words: "12 months to 2026-10" / "截至 2026-10 的 12 个月"."""
    if period:
        return tr(f"{window_months} months to {period}", f"截至 {period} 的 {window_months} 个月", lang)
    if window_months == 12:
        return tr("the last year", "近一年", lang)
    return tr(f"the last {window_months} months", f"近 {window_months} 个月", lang)


# -- tables ------------------------------------------------------------------------------------------
def spend_by(features: pd.DataFrame, by_col: str, *, monetary_col: str = "monetary") -> pd.DataFrame:
    """Users, buyers, revenue, revenue per user and revenue share by a column (gender, age_band, city_tier ...).

    Missing values are grouped as ``(unknown)``.
    """
    check_columns(features, [by_col, monetary_col], "spend_by")
    key = features[by_col].astype("string").fillna("(unknown)")
    m = features[monetary_col].fillna(0)
    g = m.groupby(key)
    out = pd.DataFrame({"users": g.size(), "buyers": (m > 0).groupby(key).sum(), "revenue": g.sum()})
    out["revenue_per_user"] = out.revenue / out.users
    out["revenue_share"] = out.revenue / out.revenue.sum() if out.revenue.sum() else np.nan
    out = out.loc[sorted(out.index, key=_category_rank)]
    out.index.name = by_col
    return out.reset_index()


# city tiers in their natural order (一线 > 新一线 > 二线 > 三线 ...), not the order of their characters
_CITY_TIER_RANK = {
    "一线": 1.0, "新一线": 1.5, "二线": 2.0, "三线": 3.0, "三线及以下": 3.5, "四线": 4.0, "四线及以下": 4.5,
    "五线": 5.0, "五线及以下": 5.5, "六线": 6.0,
}  # fmt: skip


_AGE_BAND_RANK = {label: float(lo) for lo, _hi, label in AGE_BANDS}


def _category_rank(value: str) -> tuple:
    """Sort key of a group label: known city tiers and age bands in their order, then the rest by name,
    ``(unknown)`` last."""
    if value == "(unknown)":
        return (2, 0.0, value)
    v = str(value).strip()
    if v in _CITY_TIER_RANK:
        return (0, _CITY_TIER_RANK[v], v)
    if v in _AGE_BAND_RANK:  # "<18" before "18-24"
        return (0, _AGE_BAND_RANK[v], v)
    m = re.fullmatch(r"(?i)(?:tier\s*|t)(\d+)", v)  # "tier 1", "Tier 2", "T3"
    if m:
        return (0, float(m.group(1)), v)
    return (1, 0.0, v)


def category_preference(features: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Mean spend share of each category by RFM segment (rows segments, columns categories; buyers with
    spend in the window)."""
    cats = [c for c in features.columns if c.startswith("cat_")]
    if not cats:
        return pd.DataFrame()
    df = features[["user_id", *cats]].merge(segments[["user_id", "segment"]], on="user_id")
    df = df.dropna(subset=cats, how="all")
    tab = df.groupby(df.segment.astype(str))[cats].mean()
    tab = tab.reindex([s for s in SEGMENTS if s in tab.index])
    tab.columns = [c[4:] for c in cats]
    tab.index.name = "segment"
    return tab


def tier_summary(tiers: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Users, user share, revenue and revenue share by value tier (every tier of :data:`TIERS`)."""
    check_columns(tiers, ["user_id", "tier"], "tier_summary")
    df = tiers.merge(features[["user_id", "monetary"]], on="user_id")
    g = df.groupby("tier", observed=False).agg(users=("user_id", "size"), revenue=("monetary", "sum"))
    g = g.reindex([t for t in TIERS if t in g.index] + [t for t in g.index if t not in TIERS])
    g["users"] = g["users"].fillna(0).astype("int64")
    g["revenue"] = g["revenue"].fillna(0.0)
    g["user_share"] = g.users / max(g.users.sum(), 1)
    total = g.revenue.sum()
    g["revenue_share"] = g.revenue / total if total else np.nan
    g.index = g.index.astype(str)
    g.index.name = "tier"
    return g.reset_index()[["tier", "users", "user_share", "revenue", "revenue_share"]]


def migration_summary(matrix: pd.DataFrame) -> dict[str, int]:
    """Users who moved up, slipped, stayed, or became buyers (rank order of :data:`SEGMENTS`)."""
    rank = {s: i for i, s in enumerate(SEGMENTS)}
    out = {"moved up": 0, "slipped": 0, "stayed": 0, "new buyers": 0}
    for a in matrix.index:
        for b in matrix.columns:
            n = int(matrix.loc[a, b])
            if a not in rank:
                out["new buyers"] += n if b in rank else 0
            elif b in rank:
                key = "stayed" if a == b else ("moved up" if rank[b] < rank[a] else "slipped")
                out[key] += n
    return out


def key_numbers(
    features: pd.DataFrame, *, window_months: int = 12, period: str | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The report's key numbers as a manager reads them: users, buyers, revenue and its concentration."""
    n = len(features)
    buyers = int((features.frequency > 0).sum())
    revenue = float(features.monetary.fillna(0).sum())
    w = _window(window_months, period, lang)
    rows = [
        (tr("Users (as of the end of the month)", "用户数（截至月末）", lang), fmt_value(n, "count")),
        (tr(f"Buyers (paid in {w})", f"购买人数（{w}内有付费）", lang), fmt_value(buyers, "count")),
        (tr("Share of users who paid", "付费用户占比", lang), fmt_value(buyers / n if n else np.nan, "rate")),
        (tr(f"Revenue ({w})", f"成交额（{w}）", lang), fmt_value(revenue, "yuan")),
        (
            tr("Revenue per buyer", "人均消费（购买人数）", lang),
            fmt_value(revenue / buyers if buyers else np.nan, "yuan"),
        ),
        (
            tr("Revenue share of the top 20% of buyers", "消费额前 20% 买家的成交额占比", lang),
            fmt_value(top_share(features.monetary[features.monetary > 0], 0.2), "rate"),
        ),
    ]
    return pd.DataFrame(rows, columns=[tr("Key number", "指标", lang), tr("Value", "数值", lang)])


_NUMBER = re.compile(r"^([¥+\-]?[\d.,]+(%|×| pp)?|n/a)$")


def styled(table: pd.DataFrame):
    """A formatted table (from the ``format_*`` functions) for display: no index, text columns left-aligned,
    number columns right-aligned."""
    text = [c for c in table.columns if not all(_NUMBER.match(str(v)) for v in table[c])]
    st = styler(table)
    if text:
        st = st.set_properties(subset=text, **{"text-align": "left"})
    return st


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Zero money as ``¥0`` rather than ``¥0.00``."""
    return df.replace({"¥0.00": "¥0"})


def format_segments(summary: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The RFM segment table with display names, formatted numbers and the recommended action."""
    d = summary.copy()
    d["action"] = [segment_action(s, lang) for s in d.segment]
    d["segment"] = [segment_name(s, lang) for s in d.segment]
    d = d[["segment", "users", "user_share", "revenue", "revenue_share", "orders", "aov", "action"]]
    units = {"users": "count", "user_share": "rate", "revenue": "yuan", "revenue_share": "rate"}
    units |= {"orders": "count", "aov": "yuan"}
    rename = {
        "segment": tr("Segment", "分层", lang),
        "users": tr("Buyers", "人数", lang),
        "user_share": tr("Share of buyers", "人数占比", lang),
        "revenue": tr("Revenue", "成交额", lang),
        "revenue_share": tr("Share of revenue", "成交额占比", lang),
        "orders": tr("Orders", "订单数", lang),
        "aov": tr("AOV", "客单价", lang),
        "action": tr("Recommended action", "运营建议", lang),
    }
    return _tidy(format_table(d, units, rename=rename, lang=lang))


def format_tiers(table: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The value-tier table (from :func:`tier_summary`) with display names and formatted numbers."""
    d = table.assign(tier=[tier_name(t, lang) for t in table.tier])
    rename = {
        "tier": tr("Value tier", "价值分层", lang),
        "users": tr("Users", "用户数", lang),
        "user_share": tr("Share of users", "用户占比", lang),
        "revenue": tr("Revenue", "成交额", lang),
        "revenue_share": tr("Share of revenue", "成交额占比", lang),
    }
    units = {"users": "count", "user_share": "rate", "revenue": "yuan", "revenue_share": "rate"}
    return _tidy(format_table(d, units, rename=rename, lang=lang))


def format_personas(describe: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The persona table (from :meth:`Personas.describe`) with names and traits in the report language."""
    d = describe.assign(
        name=[persona_name(n, lang) for n in describe.name],
        distinguishing=[persona_traits(x, lang) for x in describe.distinguishing],
    )
    rename = {
        "persona": tr("Persona", "群体", lang),
        "name": tr("Name", "名称", lang),
        "users": tr("Active users", "活跃用户数", lang),
        "user_share": tr("Share of active users", "活跃用户占比", lang),
        "revenue": tr("Revenue", "成交额", lang),
        "revenue_share": tr("Share of revenue", "成交额占比", lang),
        "distinguishing": tr("What sets them apart (vs the average user)", "与平均用户相比的突出特征", lang),
    }
    units = {"users": "count", "user_share": "rate", "revenue": "yuan", "revenue_share": "rate"}
    return _tidy(format_table(d, units, rename=rename, lang=lang))


def format_persona_segments(table: pd.DataFrame, *, lang: str | None = None):
    """The persona-by-segment shares (from :meth:`Personas.compare`) as a shaded table with display names."""
    cols = [s for s in SEGMENTS if s in table.columns]
    cols += [c for c in table.columns if c not in cols]
    t = table[cols].copy()
    t.columns = pd.Index([segment_name(c, lang) for c in cols], name=tr("RFM segment", "RFM 分层", lang))
    t.index = pd.Index([persona_name(p, lang) for p in t.index], name=tr("Persona", "画像群体", lang))
    return styler(t, "{:.0%}", index=True).background_gradient(cmap="Blues", axis=None)


def format_rules(rules: pd.DataFrame, *, top: int = 10, lang: str | None = None) -> pd.DataFrame:
    """The strongest basket rules with readable column names and formatted numbers."""
    d = rules.head(top)[["antecedent", "consequent", "support", "confidence", "lift", "transactions"]]
    rename = {
        "antecedent": tr("Buyers of", "购买了", lang),
        "consequent": tr("also buy", "也购买", lang),
        "support": tr("Support", "支持度", lang),
        "confidence": tr("Confidence", "置信度", lang),
        "lift": tr("Lift", "提升度", lang),
        "transactions": tr("Baskets with both", "同时包含两者的购物篮", lang),
    }
    units = {"support": "rate", "confidence": "rate", "lift": "ratio", "transactions": "count"}
    return format_table(d, units, rename=rename, lang=lang)


def persona_fit_note(silhouettes: pd.Series, *, lang: str | None = None) -> str:
    """How well the personas separate, in words (the silhouette of the chosen k and the range tried)."""
    k = int(silhouettes.idxmax())
    s = float(silhouettes.max())
    lo, hi = int(silhouettes.index.min()), int(silhouettes.index.max())
    if s >= 0.5:
        en, zh = "the groups are well separated", "群体区分清晰"
    elif s >= 0.25:
        en, zh = (
            "the groups overlap: read them as tendencies, not sharp boundaries",
            "群体之间有重叠：应视为行为倾向，而非清晰边界",
        )
    else:
        en, zh = (
            "the groups barely separate: treat them with caution",
            "群体几乎无法区分：使用时需谨慎",
        )
    return tr(
        f"{k} personas: the best silhouette ({s:.2f}) of k = {lo} to {hi}; {en}.",
        f"共 {k} 个画像群体：k = {lo} 至 {hi} 中轮廓系数最高（{s:.2f}）；{zh}。",
        lang,
    )


# -- findings ----------------------------------------------------------------------------------------
def findings(
    features: pd.DataFrame,
    summary: pd.DataFrame,
    tiers: pd.DataFrame | None = None,
    personas: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    migration: pd.DataFrame | None = None,
    *,
    window_months: int = 12,
    silhouette: float | None = None,
    max_findings: int = 6,
    lang: str | None = None,
) -> list[Finding]:
    """Plain sentences generated from the numbers, most important first (at most ``max_findings``).

    Each is a :class:`~shoplab.notebook.Finding` linked to the report section that shows its numbers:
    ``concentration`` (users, buyers, revenue, top-20% share), ``segments``, ``value-tiers``, ``personas``,
    ``movement`` and ``baskets``. ``silhouette`` (of the chosen personas) adds a caveat when the groups
    overlap.
    """

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    window = _window(window_months, lang=lang)
    out: list[Finding] = []
    n = len(features)
    buyers = int((features.frequency > 0).sum())
    share20 = top_share(features.monetary[features.monetary > 0], 0.2)
    nv, bv, rv = fmt_value(n, "count"), fmt_value(buyers, "count"), fmt_value(features.monetary.sum(), "yuan")
    pct = fmt_value(buyers / max(n, 1), "rate")
    small_en = " (a small sample: read shares with care)" if 0 < buyers < 100 else ""
    small_zh = "（样本较小，占比仅供参考）" if 0 < buyers < 100 else ""
    en = f"{nv} users; {bv} ({pct}) paid in {window}, spending {rv}"
    zh = f"共 {nv} 位用户，其中 {bv} 位（{pct}）在{window}内有付费，消费 {rv}"
    if not np.isnan(share20):
        en += f"; the top 20% of buyers bring {fmt_value(share20, 'rate')} of it"
        zh += f"；消费额前 20% 的买家贡献了其中 {fmt_value(share20, 'rate')}"
    out.append(F(en + small_en + ".", zh + small_zh + "。", "concentration"))

    s = summary[summary.users > 0]
    if len(s) and s.revenue_share.notna().any():
        top = s.loc[s.revenue_share.idxmax()]
        u, us, rs, aov = (
            fmt_value(top["users"], "count"),
            fmt_value(top["user_share"], "rate"),
            fmt_value(top["revenue_share"], "rate"),
            fmt_value(top["aov"], "yuan"),
        )
        out.append(
            F(
                f"{top['segment']} ({u} users, {us} of buyers) bring {rs} of revenue at {aov} per order.",
                f"{segment_name(top['segment'], 'zh')}（{u} 人，占买家 {us}）贡献了 {rs} 的成交额，客单价 {aov}。",
                "segments",
            )
        )
        risk_names = ["At Risk", "Can't Lose Them"]
        risk = s[s.segment.isin(risk_names)]
        if len(risk):
            ru, rsh = fmt_value(risk.users.sum(), "count"), fmt_value(risk.revenue_share.sum(), "rate")
            names_en = join([x for x in risk_names if x in set(risk.segment)], "en")
            names_zh = join([segment_name(x, "zh") for x in risk_names if x in set(risk.segment)], "zh")
            out.append(
                F(
                    f"{ru} once-valuable buyers are slipping away ({names_en}), holding {rsh} of revenue in "
                    f"{window}: win them back.",
                    f"{ru} 位曾经的高价值买家正在流失（{names_zh}），贡献了{window}成交额的 {rsh}：应优先召回。",
                    "segments",
                )
            )
    if tiers is not None and len(tiers) and "monetary" in features.columns:
        t = tier_summary(tiers, features).set_index("tier")
        if "high value" in t.index and t.loc["high value", "users"] > 0 and t.revenue.sum() > 0:
            hv = t.loc["high value"]
            hu, hus, hrs = (
                fmt_value(hv["users"], "count"),
                fmt_value(hv["user_share"], "rate"),
                fmt_value(hv["revenue_share"], "rate"),
            )
            d = fmt_value(t.loc["dormant", "users"] if "dormant" in t.index else 0, "count")
            out.append(
                F(
                    f"{hu} high-value users ({hus} of users) bring {hrs} of revenue; {d} buyers are dormant "
                    "and need a win-back.",
                    f"{hu} 位高价值用户（占用户 {hus}）贡献了 {hrs} 的成交额；另有 {d} 位沉睡用户需要召回。",
                    "value-tiers",
                )
            )
    if personas is not None and len(personas) and personas.revenue_share.notna().any():
        p = personas.sort_values("revenue_share", ascending=False).iloc[0]
        k, us, rs = len(personas), fmt_value(p["user_share"], "rate"), fmt_value(p["revenue_share"], "rate")
        en = (
            f"{k} behavioural personas; the most valuable, '{p['name']}', is {us} of active users and {rs} "
            "of revenue"
        )
        zh = f"用户行为可分为 {k} 个画像群体；价值最高的「{persona_name(p['name'], 'zh')}」占活跃用户的 {us}，贡献 {rs} 的成交额"
        if silhouette is not None and not np.isnan(silhouette) and silhouette < 0.5:
            en += f" (silhouette {silhouette:.2f}: the groups overlap, read them as tendencies)"
            zh += f"（轮廓系数 {silhouette:.2f}：群体之间有重叠，宜视为行为倾向）"
        out.append(F(en + ".", zh + "。", "personas"))
    if migration is not None and len(migration):
        m = migration_summary(migration)
        up, sl, nb = (fmt_value(m[k], "count") for k in ("moved up", "slipped", "new buyers"))
        out.append(
            F(
                f"Since last month {up} buyers moved to a better segment, {sl} slipped and {nb} became buyers.",
                f"与上月相比，{up} 位买家升至更好的分层，{sl} 位下滑，{nb} 位新成为买家。",
                "movement",
            )
        )
    if rules is not None and len(rules):
        r = rules.iloc[0]
        a, c = r["antecedent"], r["consequent"]
        lift, conf = fmt_value(r["lift"], "ratio"), fmt_value(r["confidence"], "rate")
        out.append(
            F(
                f"Strongest basket affinity: buyers of {a} also buy {c} {lift} as often as average "
                f"(confidence {conf}).",
                f"最强的购物篮关联：购买{a}的用户购买{c}的比例是平均水平的 {r['lift']:.2f} 倍（置信度 {conf}）。",
                "baskets",
            )
        )
    return out[:max_findings]


def record_headlines(
    features: pd.DataFrame, segments: pd.DataFrame, n_personas: int | None, *, window_months: int = 12
) -> dict[str, float]:
    """Record ``profiling.users``, ``profiling.buyers``, ``profiling.top20_revenue_share``,
    ``profiling.n_personas`` and ``profiling.segment.<name>`` (user counts) for metrics.json."""
    from ..notebook import record

    out = {}
    pos = features.monetary[features.monetary > 0]
    w = _window(window_months)
    vals = {
        "profiling.users": (len(features), tr("Users", "用户数"), "count"),
        "profiling.buyers": (
            int((features.frequency > 0).sum()),
            tr(f"Buyers in {w}", f"{w}购买人数"),
            "count",
        ),
        "profiling.top20_revenue_share": (
            top_share(pos, 0.2),
            tr("Revenue share of the top 20% buyers", "前 20% 买家的成交额占比"),
            "rate",
        ),
        "profiling.n_personas": (n_personas, tr("Personas", "画像群体数"), "count"),
    }
    counts = segments.segment.astype(str).value_counts()
    for s in SEGMENTS:
        label = tr(f"Segment: {s}", f"分层：{segment_name(s, 'zh')}")
        vals[f"profiling.segment.{s}"] = (int(counts.get(s, 0)), label, "count")
    for k, (v, label, unit) in vals.items():
        # segment sizes go to metrics.json; the index shows the four headline numbers
        out[k] = record(k, v, label=label, unit=unit, index=not k.startswith("profiling.segment."))
    return out


# -- titles ------------------------------------------------------------------------------------------
def segments_title(summary: pd.DataFrame, *, lang: str | None = None) -> str:
    """The segment chart's title: the segment with the largest revenue share and its shares."""
    s = summary[summary.users > 0]
    if not len(s) or not s.revenue_share.notna().any():
        return tr("No buyers in the window", "统计窗口内没有买家", lang)
    top = s.loc[s.revenue_share.idxmax()]
    us, rs = f"{top['user_share']:.0%}", f"{top['revenue_share']:.0%}"
    return tr(
        f"{top['segment']}: {us} of buyers, {rs} of revenue",
        f"{segment_name(top['segment'], 'zh')}：占买家 {us}，贡献 {rs} 的成交额",
        lang,
    )


def pareto_title(curve: pd.DataFrame, *, lang: str | None = None) -> str:
    """The Pareto chart's title: the revenue share of the top 20% of buyers."""
    if curve.empty:
        return tr("No revenue in the window", "统计窗口内没有成交", lang)
    r = curve.loc[(curve.user_share - 0.2).abs().idxmin(), "revenue_share"]
    return tr(
        f"The top 20% of buyers bring {r:.0%} of revenue",
        f"消费额前 20% 的买家贡献了 {r:.0%} 的成交额",
        lang,
    )


# -- charts ------------------------------------------------------------------------------------------
def _ax(ax, size=(9, 4)):
    import matplotlib.pyplot as plt

    from ..plots import use_style

    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_segments(
    summary: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Horizontal bars: share of buyers and share of revenue by RFM segment."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    ax = _ax(ax, (9, 5))
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    ax.barh(
        y + 0.2, s.user_share, height=0.4, color=PALETTE[7], label=tr("share of buyers", "人数占比", lang)
    )
    ax.barh(
        y - 0.2,
        s.revenue_share,
        height=0.4,
        color=PALETTE[0],
        label=tr("share of revenue", "成交额占比", lang),
    )
    ax.set_yticks(y, [segment_name(x, lang) for x in s.segment])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    w = _window(window_months, period, lang)
    ax.set_xlabel(tr(f"share of buyers / of revenue ({w}, %)", f"人数占比 / 成交额占比（{w}，%）", lang))
    ax.set_ylabel(tr("RFM segment", "RFM 分层", lang))
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or segments_title(summary, lang=lang))
    return ax


def plot_tiers(
    tiers: pd.DataFrame,
    features: pd.DataFrame,
    *,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Users and revenue by value tier (bars: users; labels: revenue)."""
    from ..plots import PALETTE, count_formatter

    ax = _ax(ax, (9, 3.8))
    g = tier_summary(tiers, features)
    ax.bar([tier_name(t, lang) for t in g.tier], g.users, color=PALETTE[: len(g)])
    for i, (u, r) in enumerate(zip(g.users, g.revenue, strict=True)):
        ax.annotate(
            "¥0" if r == 0 else fmt_value(r, "yuan"),
            (i, u),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=9,
        )
    ax.set_ylim(0, max(g.users.max(), 1) * 1.15)
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel(tr("users", "用户数", lang))
    w = _window(window_months, period, lang)
    ax.set_xlabel(tr(f"value tier (labels: revenue, {w})", f"价值分层（柱上数字：{w}成交额）", lang))
    ax.grid(axis="x", visible=False)
    hv = g.set_index("tier").loc["high value"] if "high value" in set(g.tier) else None
    if hv is not None and hv.users > 0 and g.revenue.sum():
        us, rs = f"{hv.user_share:.0%}", f"{hv.revenue_share:.0%}"
        ax.set_title(
            tr(
                f"High-value users: {us} of users, {rs} of revenue",
                f"高价值用户：占用户 {us}，贡献 {rs} 的成交额",
                lang,
            )
        )
    else:
        ax.set_title(tr("Users by value tier", "各价值分层的用户数", lang))
    return ax


def plot_pareto(
    curve: pd.DataFrame,
    *,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Cumulative share of revenue against the share of buyers, best first."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    ax = _ax(ax, (7, 4.2))
    ax.plot([0, *curve.user_share], [0, *curve.revenue_share], lw=2, color=PALETTE[0])
    ax.plot([0, 1], [0, 1], ls="--", color="#999", lw=1, label=tr("equal spend", "人人消费相同", lang))
    if len(curve):
        i = (curve.user_share - 0.2).abs().idxmin()
        x, y = curve.loc[i, "user_share"], curve.loc[i, "revenue_share"]
        ax.plot([x, x], [0, y], color=PALETTE[3], lw=1, ls=":")
        ax.plot([x], [y], "o", color=PALETTE[3], ms=5)
        ax.annotate(f"{y:.0%}", (x, y), textcoords="offset points", xytext=(8, -12), fontsize=10)
    for a in (ax.xaxis, ax.yaxis):
        a.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1.0)
    ax.set_ylim(0, 1.03)
    w = _window(window_months, period, lang)
    ax.set_xlabel(tr("top buyers by spend (% of buyers)", "按消费额排序的头部买家（占买家 %）", lang))
    ax.set_ylabel(tr(f"share of revenue ({w}, %)", f"成交额占比（{w}，%）", lang))
    ax.legend(loc="lower right")
    ax.set_title(pareto_title(curve, lang=lang))
    return ax


def plot_personas(
    describe: pd.DataFrame,
    *,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Share of active users and of revenue by persona."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    ax = _ax(ax, (9, 0.7 * len(describe) + 1.8))
    d = describe.iloc[::-1]
    y = np.arange(len(d))
    labels = [f"{p}: {persona_name(n, lang)}" for p, n in zip(d.persona, d.name, strict=True)]
    ax.barh(
        y + 0.2,
        d.user_share,
        height=0.4,
        color=PALETTE[7],
        label=tr("share of active users", "活跃用户占比", lang),
    )
    ax.barh(
        y - 0.2,
        d.revenue_share,
        height=0.4,
        color=PALETTE[1],
        label=tr("share of revenue", "成交额占比", lang),
    )
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    w = _window(window_months, period, lang)
    ax.set_xlabel(
        tr(f"share of active users / of revenue ({w}, %)", f"活跃用户占比 / 成交额占比（{w}，%）", lang)
    )
    ax.set_ylabel(tr("persona", "画像群体", lang))
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    if describe.revenue_share.isna().all():  # no revenue in the window: no share to rank by
        top = describe.loc[describe.user_share.idxmax()]
        ax.set_title(
            tr(
                f"'{top['name']}' is the largest persona ({top['user_share']:.0%} of active users); no revenue in "
                "the window",
                f"「{persona_name(top['name'], 'zh')}」是最大的画像群体（占活跃用户 {top['user_share']:.0%}）；窗口内没有成交",
                lang,
            )
        )
        return ax
    top = describe.loc[describe.revenue_share.idxmax()]
    us, rs = f"{top['user_share']:.0%}", f"{top['revenue_share']:.0%}"
    ax.set_title(
        tr(
            f"'{top['name']}' bring {rs} of revenue from {us} of active users",
            f"「{persona_name(top['name'], 'zh')}」以 {us} 的活跃用户贡献了 {rs} 的成交额",
            lang,
        )
    )
    return ax


def plot_spend_by(
    table: pd.DataFrame,
    by_col: str,
    *,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Revenue per user by a breakdown column, with user counts in the labels."""
    from ..plots import PALETTE, yuan_formatter

    ax = _ax(ax, (7, 3.6))
    ax.bar([_value_name(v, lang) for v in table[by_col]], table.revenue_per_user, color=PALETTE[0])
    for i, (v, n) in enumerate(zip(table.revenue_per_user, table.users, strict=True)):
        ax.annotate(
            tr(f"{n:,} users", f"{n:,} 人", lang),
            (i, v),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=8,
            color="#555",
        )
    ax.set_ylim(0, max(float(np.nan_to_num(table.revenue_per_user.max())), 1.0) * 1.15)  # no users: NaN
    ax.yaxis.set_major_formatter(yuan_formatter())
    w = _window(window_months, period, lang)
    ax.set_ylabel(tr(f"revenue per user ({w}, ¥)", f"人均消费（{w}，¥）", lang))
    name = breakdown_name(by_col, lang)
    ax.set_xlabel(tr(f"{name} (labels: users)", f"{name}（柱上数字：用户数）", lang))
    ax.grid(axis="x", visible=False)
    t = table[table[by_col] != _UNKNOWN]
    if len(t):
        top = t.loc[t.revenue_per_user.idxmax()]
        v = fmt_value(top["revenue_per_user"], "yuan")
        ax.set_title(
            tr(
                f"By {name}: {top[by_col]} spend the most per user ({v})",
                f"按{name}：{top[by_col]} 人均消费最高（{v}）",
                lang,
            )
        )
    else:
        ax.set_title(tr(f"Revenue per user by {name}", f"按{name}的人均消费", lang))
    return ax


def plot_category_heatmap(
    pref: pd.DataFrame,
    *,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Mean category share of spend by segment, as a heatmap with values."""
    ax = _ax(ax, (9, 0.45 * len(pref) + 1.8))
    im = ax.imshow(pref.to_numpy(dtype="float64"), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(pref.columns)), pref.columns)
    ax.set_yticks(range(len(pref.index)), [segment_name(s, lang) for s in pref.index])
    for i in range(pref.shape[0]):
        for j in range(pref.shape[1]):
            v = pref.iat[i, j]
            ax.text(
                j, i, f"{v:.0%}", ha="center", va="center", fontsize=8, color="white" if v > 0.25 else "black"
            )
    ax.grid(False)
    w = _window(window_months, period, lang)
    ax.figure.colorbar(
        im,
        ax=ax,
        label=tr(f"share of the segment's spend ({w})", f"占该分层消费的比例（{w}）", lang),
        format="{x:.0%}",
    )
    ax.set_xlabel(tr("category", "品类", lang))
    ax.set_ylabel(tr("RFM segment", "RFM 分层", lang))
    leaders = pref.idxmax(axis=1).value_counts()
    ax.set_title(
        tr(
            f"{leaders.index[0]} leads the spend of {leaders.iloc[0]} of {len(pref)} segments",
            f"{leaders.index[0]}在 {len(pref)} 个分层中的 {leaders.iloc[0]} 个里消费占比最高",
            lang,
        )
    )
    return ax


def plot_migration(
    matrix: pd.DataFrame,
    *,
    period: str | None = None,
    previous: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """The segment migration matrix as a heatmap of user counts (rows: last month, columns: this month)."""
    ax = _ax(ax, (10, 7))
    ax.imshow(np.log1p(matrix.to_numpy(dtype="float64")), cmap="Purples", aspect="auto")
    ax.set_xticks(
        range(len(matrix.columns)), [segment_name(c, lang) for c in matrix.columns], rotation=40, ha="right"
    )
    ax.set_yticks(range(len(matrix.index)), [segment_name(c, lang) for c in matrix.index])
    hi = np.log1p(matrix.to_numpy().max()) * 0.6
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = int(matrix.iat[i, j])
            if v:
                ax.text(
                    j,
                    i,
                    f"{v:,}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if np.log1p(v) > hi else "black",
                )
    ax.grid(False)
    ax.set_xlabel(
        tr(f"segment at the end of {period} (users)", f"{period} 月末所在分层（人数）", lang)
        if period
        else tr("segment this month (users)", "本月所在分层（人数）", lang)
    )
    ax.set_ylabel(
        tr(f"segment at the end of {previous}", f"{previous} 月末所在分层", lang)
        if previous
        else tr("segment last month", "上月所在分层", lang)
    )
    m = migration_summary(matrix)
    up, sl, nb = (fmt_value(m[k], "count") for k in ("moved up", "slipped", "new buyers"))
    ax.set_title(
        tr(
            f"Since last month: {up} buyers moved up, {sl} slipped, {nb} became buyers",
            f"与上月相比：{up} 位买家升级，{sl} 位下滑，{nb} 位新成为买家",
            lang,
        )
    )
    return ax


def plot_rules(rules: pd.DataFrame, *, top: int = 10, ax=None, lang: str | None = None):
    """Top pairs by lift (bars), one bar per pair (the direction with the higher confidence), confidence in
    the labels."""
    from ..plots import PALETTE

    pair = [tuple(sorted(x)) for x in zip(rules.antecedent, rules.consequent, strict=True)]
    best = rules.assign(_pair=pair).sort_values(["lift", "confidence"], ascending=False, kind="stable")
    r = best.drop_duplicates("_pair").head(top).iloc[::-1]
    ax = _ax(ax, (9, 0.4 * len(r) + 1.8))
    labels = [f"{a} → {c}" for a, c in zip(r.antecedent, r.consequent, strict=True)]
    ax.barh(range(len(r)), r.lift, color=PALETTE[2])
    for i, (lift, conf) in enumerate(zip(r.lift, r.confidence, strict=True)):
        ax.annotate(
            tr(f"conf. {conf:.0%}", f"置信度 {conf:.0%}", lang),
            (lift, i),
            textcoords="offset points",
            xytext=(3, -3),
            fontsize=8,
        )
    ax.axvline(1, color="#999", ls="--", lw=1)
    ax.set_xlim(0, float(r.lift.max()) * 1.15 if len(r) else 2)
    ax.set_yticks(range(len(r)), labels)
    ax.set_xlabel(
        tr("lift (× as often as chance; 1 = no affinity)", "提升度（相对随机的倍数，1 = 无关联）", lang)
    )
    ax.set_ylabel(tr("buyers of A → also buy B", "购买 A → 也购买 B", lang))
    ax.grid(axis="y", visible=False)
    if len(r):
        b = rules.iloc[0]
        a, c, lift = b["antecedent"], b["consequent"], f"{b['lift']:.1f}"
        ax.set_title(
            tr(
                f"{a} buyers take {c} {lift}× as often as average",
                f"购买{a}的用户购买{c}的比例是平均水平的 {lift} 倍",
                lang,
            )
        )
    else:
        ax.set_title(tr("No basket rule passes the thresholds", "没有达到阈值的购物篮规则", lang))
    return ax


def plot_tag_coverage(
    coverage: pd.DataFrame,
    *,
    groups: tuple[str, ...] = ("behaviour", "value", "preference"),
    top: int = 20,
    ax=None,
    lang: str | None = None,
):
    """Share of users holding each targeting tag (the ``top`` most common tags of ``groups``)."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    c = coverage[(coverage.tag != "(any)") & coverage.tag_group.astype(str).isin(groups)]
    c = c.sort_values("share", ascending=False, kind="stable").head(top).iloc[::-1]
    ax = _ax(ax, (9, 0.3 * len(c) + 1.8))
    colors = {g: PALETTE[i] for i, g in enumerate(groups)}
    ax.barh(range(len(c)), c.share, color=[colors.get(str(g), PALETTE[7]) for g in c.tag_group])
    ax.set_yticks(
        range(len(c)),
        [
            tr(
                f"{tag_name(t, lang)} ({tag_group_name(g, lang)})",
                f"{tag_name(t, lang)}（{tag_group_name(g, lang)}）",
                lang,
            )
            for t, g in zip(c.tag, c.tag_group, strict=True)
        ],
    )
    for i, (v, n) in enumerate(zip(c.share, c.users, strict=True)):
        ax.annotate(f"{v:.0%} · {n:,}", (v, i), textcoords="offset points", xytext=(3, -3), fontsize=8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, float(c.share.max()) * 1.15 if len(c) else 1)
    ax.set_xlabel(
        tr(
            "share of users holding the tag (labels: share · users)",
            "持有该标签的用户占比（标注：占比 · 人数）",
            lang,
        )
    )
    ax.set_ylabel(tr("tag (group)", "标签（类别）", lang))
    ax.grid(axis="y", visible=False)
    if len(c):
        t = c.iloc[-1]
        ax.set_title(
            tr(
                f"Most common targeting tag: '{t['tag']}', {t['share']:.0%} of users",
                f"覆盖最广的运营标签：「{tag_name(t['tag'], 'zh')}」，占用户 {t['share']:.0%}",
                lang,
            )
        )
    else:
        ax.set_title(tr("No targeting tags", "没有运营标签", lang))
    return ax
