"""The profiling report's words: findings, chart titles and axis labels, table labels and display names.

No statistics and no engine calls: the numbers come from the compute modules (:mod:`.summaries`, :mod:`.rfm`,
:mod:`.personas` ...) and the rows a sentence points to from :mod:`.summaries`' selection helpers. Every function
takes ``lang`` (``"en"`` or ``"zh"``; default: the report language set by :func:`shoplab.set_lang`). Display
names of codes come from the glossary (:mod:`.names`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..currency import money_symbol
from ..i18n import join, tr
from ..notebook import Finding, fmt_value, format_table, styler
from ..periods import Period
from . import summaries as S
from .names import (
    NOT_A_BUYER,
    breakdown_name,
    persona_label,
    persona_labels,
    persona_traits_of,
    segment_action,
    segment_name,
    tag_group_name,
    tag_name,
    tier_name,
    value_name,
    window,
)
from .rfm import SEGMENTS

__all__ = [
    "NOT_A_BUYER",
    "segment_name",
    "segment_action",
    "tier_name",
    "tag_name",
    "tag_group_name",
    "breakdown_name",
    "value_name",
    "persona_label",
    "persona_labels",
    "persona_traits_of",
    "window",
    "findings",
    "key_numbers",
    "styled",
    "format_segments",
    "format_tiers",
    "format_personas",
    "format_persona_segments",
    "format_rules",
    "format_user_lists",
    "persona_fit_note",
    "segments_title",
    "pareto_title",
    "tiers_title",
    "personas_title",
    "spend_by_title",
    "categories_title",
    "migration_title",
    "rules_title",
    "tags_title",
    "chart_labels",
    "findings_from",
]


# -- tables ------------------------------------------------------------------------------------------
def key_numbers(
    figures: Mapping, *, window_months: int = 12, period: str | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The report's key numbers as a manager reads them (``figures``: :func:`.summaries.concentration`)."""
    w = window(window_months, period, lang)
    rows = [
        (
            tr(
                f"Users (as of the end of the {_noun(period, 'en')})",
                f"用户数（截至{_end_zh(period)}）",
                lang,
            ),
            fmt_value(figures["users"], "count"),
        ),
        (
            tr(f"Buyers (paid in {w})", f"购买人数（{w}内有付费）", lang),
            fmt_value(figures["buyers"], "count"),
        ),
        (tr("Share of users who paid", "付费用户占比", lang), fmt_value(figures["buyer_share"], "rate")),
        (tr(f"Revenue ({w})", f"成交额（{w}）", lang), fmt_value(figures["revenue"], "yuan")),
        (
            tr("Revenue per buyer", "人均消费（购买人数）", lang),
            fmt_value(figures["revenue_per_buyer"], "yuan"),
        ),
        (
            tr("Revenue share of the top 20% of buyers", "消费额前 20% 买家的成交额占比", lang),
            fmt_value(figures["top20_share"], "rate"),
        ),
    ]
    return pd.DataFrame(rows, columns=[tr("Key number", "指标", lang), tr("Value", "数值", lang)])


_NUMBER = r"^((?:[+\-]|{cur})?[\d.,]+(%|×| pp)?|n/a)$"  # {cur}: the shop currency's symbol (¥, $ ...)


def styled(table: pd.DataFrame):
    """A formatted table (from the ``format_*`` functions) for display: no index, text columns left-aligned,
    number columns right-aligned."""
    number = re.compile(_NUMBER.format(cur=re.escape(money_symbol())))
    text = [c for c in table.columns if not all(number.match(str(v)) for v in table[c])]
    st = styler(table)
    if text:
        st = st.set_properties(subset=text, **{"text-align": "left"})
    return st


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Zero money as ``¥0`` rather than ``¥0.00`` (in the shop's currency)."""
    cur = money_symbol()
    return df.replace({f"{cur}0.00": f"{cur}0"})


_SHARES = {"users": "count", "user_share": "rate", "revenue": "yuan", "revenue_share": "rate"}


def format_segments(summary: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The RFM segment table with display names, formatted numbers and the recommended action."""
    d = summary.copy()
    d["action"] = [segment_action(s, lang) for s in d.segment]
    d["segment"] = [segment_name(s, lang) for s in d.segment]
    d = d[["segment", "users", "user_share", "revenue", "revenue_share", "orders", "aov", "action"]]
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
    return _tidy(format_table(d, _SHARES | {"orders": "count", "aov": "yuan"}, rename=rename, lang=lang))


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
    return _tidy(format_table(d, _SHARES, rename=rename, lang=lang))


def format_personas(
    describe: pd.DataFrame, names: Mapping[int, str], traits: Mapping[int, str], *, lang: str | None = None
) -> pd.DataFrame:
    """The persona table (from :meth:`Personas.describe`) with names and traits in the report language
    (``names``, ``traits``: by persona number, from :func:`persona_labels` and :func:`persona_traits_of`)."""
    d = describe.assign(
        name=[names[p] for p in describe.persona], distinguishing=[traits[p] for p in describe.persona]
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
    return _tidy(format_table(d, _SHARES, rename=rename, lang=lang))


def format_persona_segments(table: pd.DataFrame, names: Mapping[int, str], *, lang: str | None = None):
    """The persona-by-segment shares (from :meth:`Personas.compare`, rows ``"<n>: <name>"``) as a shaded table
    with display names (``names``: by persona number)."""
    cols = [s for s in SEGMENTS if s in table.columns]
    cols += [c for c in table.columns if c not in cols]
    t = table[cols].copy()
    t.columns = pd.Index([segment_name(c, lang) for c in cols], name=tr("RFM segment", "RFM 分层", lang))
    rows = [f"{n}: {names[n]}" for n in (int(str(p).split(":", 1)[0]) for p in t.index)]
    t.index = pd.Index(rows, name=tr("Persona", "画像群体", lang))
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


_LISTS = {"reward": ("reward", "重点维护"), "win_back": ("win back", "召回")}


def format_user_lists(lists: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The users to act on (:func:`.summaries.user_lists`) with the list named in the report language."""
    return lists.assign(list=[tr(*_LISTS[x], lang) for x in lists.list])


def persona_fit_note(silhouettes: pd.Series, *, lang: str | None = None) -> str:
    """How well the personas separate, in words (the silhouette of the chosen k and the range tried)."""
    k, s, lo, hi = S.silhouette_fit(silhouettes)
    fit = S.separation(s)
    if fit == "well separated":
        en, zh = "the groups are well separated", "群体区分清晰"
    elif fit == "overlap":
        en, zh = (
            "the groups overlap: read them as tendencies, not sharp boundaries",
            "群体之间有重叠：应视为行为倾向，而非清晰边界",
        )
    else:
        en, zh = ("the groups barely separate: treat them with caution", "群体几乎无法区分：使用时需谨慎")
    return tr(
        f"{k} personas: the best silhouette ({s:.2f}) of k = {lo} to {hi}; {en}.",
        f"共 {k} 个画像群体：k = {lo} 至 {hi} 中轮廓系数最高（{s:.2f}）；{zh}。",
        lang,
    )


# -- findings ----------------------------------------------------------------------------------------
def findings(results, *, max_findings: int = 6, lang: str | None = None) -> list[Finding]:
    """Plain sentences from a :class:`~shoplab.profiling.ProfilingResults`, most important first (at most
    ``max_findings``), each a :class:`~shoplab.notebook.Finding` linked to the section that shows its numbers:
    ``concentration``, ``segments``, ``value-tiers``, ``personas``, ``movement`` and ``baskets``. A silhouette
    under 0.5 (:func:`.summaries.personas_overlap`) adds a caveat to the personas."""
    r = results
    return findings_from(
        r.figures,
        r.summary,
        r.tier_table if r.tiers is not None and len(r.tiers) else None,
        r.persona_table,
        persona_labels(r.personas, lang) if r.personas is not None else {},
        r.rules,
        r.migration_counts if r.migration is not None and len(r.migration) else None,
        window_months=r.window_months,
        silhouette=r.silhouette,
        max_findings=max_findings,
        lang=lang,
        period=r.period,
    )


def findings_from(
    figures: Mapping,
    summary: pd.DataFrame,
    tier_table: pd.DataFrame | None,
    persona_table: pd.DataFrame | None,
    persona_names: Mapping[int, str],
    rules: pd.DataFrame | None,
    migration_counts: Mapping[str, int] | None,
    *,
    window_months: int = 12,
    silhouette: float | None = None,
    max_findings: int = 6,
    lang: str | None = None,
    period: str | None = None,
) -> list[Finding]:
    """:func:`findings` from the pieces: :func:`.summaries.concentration`, the segment summary, the tier
    table, the persona table with its display names, the basket rules and :func:`.summaries.migration_summary`
    (None: the section is left out)."""

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    w = window(window_months, lang=lang)
    out: list[Finding] = []
    n, buyers, share20 = figures["users"], figures["buyers"], figures["top20_share"]
    nv, bv, rv = fmt_value(n, "count"), fmt_value(buyers, "count"), fmt_value(figures["revenue"], "yuan")
    pct = fmt_value(figures["buyer_share"] if n else 0.0, "rate")
    small = S.small_buyer_sample(buyers)
    small_en = " (a small sample: read shares with care)" if small else ""
    small_zh = "（样本较小，占比仅供参考）" if small else ""
    en = f"{nv} users; {bv} ({pct}) paid in {w}, spending {rv}"
    zh = f"共 {nv} 位用户，其中 {bv} 位（{pct}）在{w}内有付费，消费 {rv}"
    if not np.isnan(share20):
        en += f"; the top 20% of buyers bring {fmt_value(share20, 'rate')} of it"
        zh += f"；消费额前 20% 的买家贡献了其中 {fmt_value(share20, 'rate')}"
    out.append(F(en + small_en + ".", zh + small_zh + "。", "concentration"))

    top = S.top_segment(summary)
    if top is not None:
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
        risk = S.slipping_segments(summary)
        if risk is not None:
            ru, rsh = fmt_value(risk["users"], "count"), fmt_value(risk["revenue_share"], "rate")
            names_en = join(risk["segments"], "en")
            names_zh = join([segment_name(x, "zh") for x in risk["segments"]], "zh")
            out.append(
                F(
                    f"{ru} once-valuable buyers are slipping away ({names_en}), holding {rsh} of revenue in "
                    f"{w}: win them back.",
                    f"{ru} 位曾经的高价值买家正在流失（{names_zh}），贡献了{w}成交额的 {rsh}：应优先召回。",
                    "segments",
                )
            )
    hv = S.high_value_tier(tier_table) if tier_table is not None else None
    if hv is not None:
        hu, hus, hrs = (
            fmt_value(hv["users"], "count"),
            fmt_value(hv["user_share"], "rate"),
            fmt_value(hv["revenue_share"], "rate"),
        )
        d = fmt_value(hv["dormant"], "count")
        out.append(
            F(
                f"{hu} high-value users ({hus} of users) bring {hrs} of revenue; {d} buyers are dormant "
                "and need a win-back.",
                f"{hu} 位高价值用户（占用户 {hus}）贡献了 {hrs} 的成交额；另有 {d} 位沉睡用户需要召回。",
                "value-tiers",
            )
        )
    p = S.top_persona(persona_table)
    if p is not None:
        k, us, rs = (
            len(persona_table),
            fmt_value(p["user_share"], "rate"),
            fmt_value(p["revenue_share"], "rate"),
        )
        name = persona_names[p["persona"]]
        en = f"{k} behavioural personas; the most valuable, '{name}', is {us} of active users and {rs} of revenue"
        zh = f"用户行为可分为 {k} 个画像群体；价值最高的「{name}」占活跃用户的 {us}，贡献 {rs} 的成交额"
        if S.personas_overlap(silhouette):
            en += f" (silhouette {silhouette:.2f}: the groups overlap, read them as tendencies)"
            zh += f"（轮廓系数 {silhouette:.2f}：群体之间有重叠，宜视为行为倾向）"
        out.append(F(en + ".", zh + "。", "personas"))
    if migration_counts is not None:
        up, sl, nb = (fmt_value(migration_counts[k], "count") for k in ("moved up", "slipped", "new buyers"))
        out.append(
            F(
                f"{_since(period, 'en')} {up} buyers moved to a better segment, {sl} slipped and {nb} became buyers.",
                f"{_since(period, 'zh')}，{up} 位买家升至更好的分层，{sl} 位下滑，{nb} 位新成为买家。",
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


# -- chart titles ------------------------------------------------------------------------------------
def segments_title(summary: pd.DataFrame, *, lang: str | None = None) -> str:
    """The segment chart's title: the segment with the largest revenue share and its shares."""
    top = S.top_segment(summary)
    if top is None:
        return tr("No buyers in the window", "统计窗口内没有买家", lang)
    us, rs = f"{top['user_share']:.0%}", f"{top['revenue_share']:.0%}"
    return tr(
        f"{top['segment']}: {us} of buyers, {rs} of revenue",
        f"{segment_name(top['segment'], 'zh')}：占买家 {us}，贡献 {rs} 的成交额",
        lang,
    )


def pareto_title(curve: pd.DataFrame, *, lang: str | None = None) -> str:
    """The Pareto chart's title: the revenue share of the top 20% of buyers."""
    point = S.pareto_point(curve, 0.2)
    if point is None:
        return tr("No revenue in the window", "统计窗口内没有成交", lang)
    r = point[1]
    return tr(
        f"The top 20% of buyers bring {r:.0%} of revenue", f"消费额前 20% 的买家贡献了 {r:.0%} 的成交额", lang
    )


def tiers_title(tier_table: pd.DataFrame, *, lang: str | None = None) -> str:
    """The value-tier chart's title: the high-value users' share of users and of revenue."""
    hv = S.high_value_tier(tier_table)
    if hv is None:
        return tr("Users by value tier", "各价值分层的用户数", lang)
    us, rs = f"{hv['user_share']:.0%}", f"{hv['revenue_share']:.0%}"
    return tr(
        f"High-value users: {us} of users, {rs} of revenue",
        f"高价值用户：占用户 {us}，贡献 {rs} 的成交额",
        lang,
    )


def personas_title(describe: pd.DataFrame, names: Mapping[int, str], *, lang: str | None = None) -> str:
    """The persona chart's title: the persona with the largest revenue share (or the largest persona)."""
    top = S.most_valuable_persona(describe)
    if top is None:  # no revenue in the window: no share to rank by
        top = S.largest_persona(describe)
        return tr(
            f"'{names[top['persona']]}' is the largest persona ({top['user_share']:.0%} of active users); no "
            "revenue in the window",
            f"「{names[top['persona']]}」是最大的画像群体（占活跃用户 {top['user_share']:.0%}）；窗口内没有成交",
            lang,
        )
    us, rs = f"{top['user_share']:.0%}", f"{top['revenue_share']:.0%}"
    return tr(
        f"'{names[top['persona']]}' bring {rs} of revenue from {us} of active users",
        f"「{names[top['persona']]}」以 {us} 的活跃用户贡献了 {rs} 的成交额",
        lang,
    )


def spend_by_title(table: pd.DataFrame, by_col: str, *, lang: str | None = None) -> str:
    """The breakdown chart's title: the group that spends the most per user."""
    name = breakdown_name(by_col, lang)
    top = S.top_spender(table, by_col)
    if top is None:
        return tr(f"Revenue per user by {name}", f"按{name}的人均消费", lang)
    v = fmt_value(top["revenue_per_user"], "yuan")
    return tr(
        f"By {name}: {top[by_col]} spend the most per user ({v})",
        f"按{name}：{top[by_col]} 人均消费最高（{v}）",
        lang,
    )


def categories_title(pref: pd.DataFrame, *, lang: str | None = None) -> str:
    """The category heatmap's title: the category that leads the most segments' spend."""
    cat, n, of = S.category_leaders(pref)
    return tr(
        f"{cat} leads the spend of {n} of {of} segments",
        f"{cat}在 {of} 个分层中的 {n} 个里消费占比最高",
        lang,
    )


def _noun(period: str | None, lang: str) -> str:
    return Period.parse(period).noun(lang) if period is not None else tr("month", "月", lang)


def _end_zh(period: str | None) -> str:
    """月末 for a month (or none given), 期末 for a quarter, a year or a range."""
    return "月末" if period is None or Period.parse(period).is_month else "期末"


def _since(period: str | None, lang: str) -> str:
    """Since last month / 与上月相比; for a quarter, a year or a range: since the previous one."""
    p = Period.parse(period) if period is not None else None
    if p is None or p.is_month:
        return tr("Since last month", "与上月相比", lang)
    return tr(f"Since {p.previous_name('en')}", f"与{p.previous_name('zh')}相比", lang)


def migration_title(counts: Mapping[str, int], *, lang: str | None = None, period: str | None = None) -> str:
    """The migration chart's title from :func:`.summaries.migration_summary` (``period``: the report's, for the
    wording of a quarter, a year or a range)."""
    up, sl, nb = (fmt_value(counts[k], "count") for k in ("moved up", "slipped", "new buyers"))
    return tr(
        f"{_since(period, 'en')}: {up} buyers moved up, {sl} slipped, {nb} became buyers",
        f"{_since(period, 'zh')}：{up} 位买家升级，{sl} 位下滑，{nb} 位新成为买家",
        lang,
    )


def rules_title(rules: pd.DataFrame, *, lang: str | None = None) -> str:
    """The basket chart's title: the strongest rule."""
    if not len(rules):
        return tr("No basket rule passes the thresholds", "没有达到阈值的购物篮规则", lang)
    b = rules.iloc[0]
    a, c, lift = b["antecedent"], b["consequent"], f"{b['lift']:.1f}"
    return tr(
        f"{a} buyers take {c} {lift}× as often as average",
        f"购买{a}的用户购买{c}的比例是平均水平的 {lift} 倍",
        lang,
    )


def tags_title(top_tags: pd.DataFrame, *, lang: str | None = None) -> str:
    """The tag chart's title: the most common tag of :func:`.summaries.top_tags`."""
    if not len(top_tags):
        return tr("No targeting tags", "没有运营标签", lang)
    t = top_tags.iloc[0]
    return tr(
        f"Most common targeting tag: '{t['tag']}', {t['share']:.0%} of users",
        f"覆盖最广的运营标签：「{tag_name(t['tag'], 'zh')}」，占用户 {t['share']:.0%}",
        lang,
    )


# -- chart labels ------------------------------------------------------------------------------------
def chart_labels(
    chart: str,
    *,
    window_months: int = 12,
    period: str | None = None,
    previous: str | None = None,
    by_col: str = "",
    lang: str | None = None,
) -> dict[str, str]:
    """Axis labels, legend entries and annotations of one of the report's charts (``segments``, ``tiers``,
    ``pareto``, ``personas``, ``spend_by``, ``categories``, ``migration``, ``rules``, ``tags``)."""
    w = window(window_months, period, lang)
    if chart == "segments":
        return {
            "buyers": tr("share of buyers", "人数占比", lang),
            "revenue": tr("share of revenue", "成交额占比", lang),
            "x": tr(f"share of buyers / of revenue ({w}, %)", f"人数占比 / 成交额占比（{w}，%）", lang),
            "y": tr("RFM segment", "RFM 分层", lang),
        }
    if chart == "tiers":
        return {
            "y": tr("users", "用户数", lang),
            "x": tr(f"value tier (labels: revenue, {w})", f"价值分层（柱上数字：{w}成交额）", lang),
        }
    if chart == "pareto":
        return {
            "equal": tr("equal spend", "人人消费相同", lang),
            "x": tr("top buyers by spend (% of buyers)", "按消费额排序的头部买家（占买家 %）", lang),
            "y": tr(f"share of revenue ({w}, %)", f"成交额占比（{w}，%）", lang),
        }
    if chart == "personas":
        return {
            "users": tr("share of active users", "活跃用户占比", lang),
            "revenue": tr("share of revenue", "成交额占比", lang),
            "x": tr(
                f"share of active users / of revenue ({w}, %)", f"活跃用户占比 / 成交额占比（{w}，%）", lang
            ),
            "y": tr("persona", "画像群体", lang),
        }
    if chart == "spend_by":
        name = breakdown_name(by_col, lang)
        cur = money_symbol().strip()
        return {
            "users": tr("{n:,} users", "{n:,} 人", lang),
            "y": tr(f"revenue per user ({w}, {cur})", f"人均消费（{w}，{cur}）", lang),
            "x": tr(f"{name} (labels: users)", f"{name}（柱上数字：用户数）", lang),
        }
    if chart == "categories":
        return {
            "colorbar": tr(f"share of the segment's spend ({w})", f"占该分层消费的比例（{w}）", lang),
            "x": tr("category", "品类", lang),
            "y": tr("RFM segment", "RFM 分层", lang),
        }
    if chart == "migration":
        return {
            "x": tr(
                f"segment at the end of {period} (users)", f"{period} {_end_zh(period)}所在分层（人数）", lang
            )
            if period
            else tr("segment this month (users)", "本月所在分层（人数）", lang),
            "y": tr(f"segment at the end of {previous}", f"{previous} {_end_zh(previous)}所在分层", lang)
            if previous
            else tr("segment last month", "上月所在分层", lang),
        }
    if chart == "rules":
        return {
            "confidence": tr("conf. {conf:.0%}", "置信度 {conf:.0%}", lang),
            "x": tr(
                "lift (× as often as chance; 1 = no affinity)", "提升度（相对随机的倍数，1 = 无关联）", lang
            ),
            "y": tr("buyers of A → also buy B", "购买 A → 也购买 B", lang),
        }
    if chart == "tags":
        return {
            "tick": tr("{tag} ({group})", "{tag}（{group}）", lang),
            "x": tr(
                "share of users holding the tag (labels: share · users)",
                "持有该标签的用户占比（标注：占比 · 人数）",
                lang,
            ),
            "y": tr("tag (group)", "标签（类别）", lang),
        }
    raise ValueError(f"unknown chart {chart!r}")
