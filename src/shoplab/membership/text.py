"""Words for the membership report, in English or Chinese: the findings and the chart titles that state them.

Every sentence is generated from the result tables and test results it describes (computed in the compute
modules: :func:`~shoplab.membership.tiers.repurchase_test`, :func:`~shoplab.membership.tiers.member_growth`
...); nothing here runs a test or queries the engine. The sentences under each section are in
:mod:`~shoplab.membership.sections`, display names and tables in :mod:`~shoplab.membership.tables`. ``lang``
(``"en"``/``"zh"``) defaults to the report language set by :func:`shoplab.set_lang`.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_p, fmt_value
from . import headlines as hl
from .tables import _nps, _pct, display_name
from .tiers import member_growth, repurchase_test

__all__ = ["findings", "health_verdict", "titles", "SECTIONS"]

#: Anchor ids of the report's sections (the notebook's headings carry the same ids).
SECTIONS = (
    "findings",
    "tiers",
    "members-vs-non-members",
    "points",
    "activity",
    "cohort-retention",
    "lifecycle",
    "churn-risk",
    "at-risk-members",
    "clv",
    "satisfaction",
    "definitions",
    "data-quality",
)


_p = fmt_p


def _diff_ci(t: dict, lang: str | None = None) -> str:
    """``+12.4 pp, 95% interval +9.0 to +15.8 pp``: a repurchase difference with its interval."""
    d = fmt_change(t["diff"], "pp")
    if pd.isna(t.get("ci_low", math.nan)):
        return d
    lo, hi = fmt_change(t["ci_low"], "pp").removesuffix(" pp"), fmt_change(t["ci_high"], "pp")
    return tr(f"{d}, 95% interval {lo} to {hi}", f"{d}，95% 区间 {lo} 至 {hi}", lang)


def _auc_word(auc: float, lang: str) -> str:
    grade = hl.auc_grade(auc)
    if grade == "good":
        return tr("ranks churners well", "区分能力良好", lang)
    if grade == "fair":
        return tr("ranks churners fairly", "区分能力一般", lang)
    return tr("ranks churners weakly: use the list with care", "区分能力较弱，名单仅供参考", lang)


def _nps_sentence(c: hl.NpsCheck, lang) -> str:
    n, lo, hi, v = c.answers, c.ci_low, c.ci_high, _nps(c.nps)
    en = f"NPS this month is {v} from {n:,} answers (95% interval {lo:+.0f} to {hi:+.0f})"
    zh = f"本月净推荐值 NPS 为 {v}（{n:,} 份回答，95% 区间 {lo:+.0f} 至 {hi:+.0f}）"
    if c.previous is not None:
        prev, label, inside = c.previous, c.previous_label, c.within
        en += f"; {label}: {_nps(prev)}" + (", within that interval: no clear change" if inside else "")
        zh += f"；{label} 为 {_nps(prev)}" + ("，在区间之内，变化不明显" if inside else "")
    if c.small:
        en += "; fewer than 100 answers: read with care"
        zh += "；回答少于 100 份，谨慎解读"
    return tr(en + ".", zh + "。", lang)


def findings(
    *,
    period: str,
    tier_counts: pd.DataFrame,
    active: dict,
    comparison: pd.DataFrame,
    lifecycle_counts: pd.DataFrame | None = None,
    churn=None,
    churn_value_at_risk: float | None = None,
    at_risk_top: int | None = None,
    clv_mean: float | None = None,
    clv_members_share: float | None = None,
    holdout: pd.DataFrame | None = None,
    nps_now: dict | None = None,
    sat_month: pd.DataFrame | None = None,
    clv_value_model: str | None = None,
    clv_independence=None,
    repurchase: dict | None = None,
    growth: tuple | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """3-6 findings in plain sentences, each generated from the numbers passed in and linked to the section that
    shows them (see :data:`SECTIONS`). ``clv_value_model`` and ``clv_independence`` (from
    :func:`~shoplab.membership.clv_analysis`) say how CLV values spend per purchase. ``repurchase``
    (:func:`~shoplab.membership.tiers.repurchase_test`) and ``growth``
    (:func:`~shoplab.membership.tiers.member_growth`) are computed from ``comparison`` and ``tier_counts`` when
    not passed."""

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    now, before, label, ch = growth if growth is not None else member_growth(tier_counts)
    rate, a, n = _pct(active["active_rate"], lang), f"{active['active']:,}", f"{active['members']:,}"
    if before is not None:
        word_en = hl.growth_direction(ch)
        word_zh = {"growing": "增长", "shrinking": "收缩", "flat": "持平"}[word_en]
        out.append(
            F(
                f"The programme is {word_en}: {now:,} members at the end of {period}, {fmt_change(ch)} on {before:,} "
                f"at the end of {label}; {rate} of them ({a} of {n}) ordered or visited in {period}.",
                f"会员规模{word_zh}：{period} 末共有会员 {now:,} 名，较 {label} 末的 {before:,} 名变化 "
                f"{fmt_change(ch)}；其中 {rate}（{n} 名中 {a} 名）在 {period} 下单或访问。",
                "activity",
            )
        )
    else:
        out.append(
            F(
                f"{now:,} members at the end of {period}; {rate} of them ({a} of {n}) ordered or visited.",
                f"{period} 末共有会员 {now:,} 名；其中 {rate}（{n} 名中 {a} 名）下单或访问。",
                "activity",
            )
        )
    t = repurchase if repurchase is not None else repurchase_test(comparison)
    c = comparison.set_index("group")
    if not pd.isna(t["diff"]):
        rm, rn = _pct(t["rate_a"], lang), _pct(t["rate_b"], lang)
        d, p = _diff_ci(t, lang), _p(t["p"])
        sig = hl.significant(t["p"])
        am, an = fmt_value(c.loc["member", "aov"], "yuan"), fmt_value(c.loc["non-member", "aov"], "yuan")
        share = _pct(c.loc["member", "gmv_share"], lang)
        small = hl.small(t["n_a"], t["n_b"])
        if sig:
            more_en = "more" if t["diff"] > 0 else "less"
            more_zh = "高于" if t["diff"] > 0 else "低于"
            head_en = (
                f"Members repurchase {more_en} often than non-members: {rm} vs {rn} of buyers ({d}, {p})"
            )
            head_zh = f"会员复购率{more_zh}非会员：{rm} 对 {rn}（{d}，{p}，差异显著）"
        else:
            head_en = f"Members and non-members repurchase alike: {rm} vs {rn} of buyers ({d}, {p}, not significant)"
            head_zh = f"会员与非会员复购率相近：{rm} 对 {rn}（{d}，{p}，差异不显著）"
        if small:
            head_en += "; small groups, read with care"
            head_zh += "；样本较小，谨慎解读"
        out.append(
            F(
                f"{head_en}; they spend {am} vs {an} per order and bring {share} of GMV. An association, not the "
                "programme's effect: loyal buyers are the ones who join.",
                f"{head_zh}；客单价 {am} 对 {an}，会员贡献 {share} 的成交额。这是相关而非因果：忠诚的买家更倾向于入会。",
                "members-vs-non-members",
            )
        )
    if lifecycle_counts is not None and len(lifecycle_counts) >= 2:
        cur = lifecycle_counts.iloc[-1]
        slip, diff, _ = hl.slipping(lifecycle_counts)
        re_, chd = int(cur["reactivated"]), int(cur["churned"])
        out.append(
            F(
                f"Where members slip: {slip:,} buying members are at risk or dormant at the end of {period} "
                f"({diff:+,} on {lifecycle_counts.index[-2]}); {re_:,} came back this month and {chd:,} count as "
                "churned.",
                f"会员流失预警：{period} 末有 {slip:,} 名已购会员处于沉睡或休眠（较 {lifecycle_counts.index[-2]} "
                f"{diff:+,}）；本月回流 {re_:,} 名，已流失 {chd:,} 名。",
                "lifecycle",
            )
        )
    if churn is not None and churn_value_at_risk is not None and not pd.isna(churn_value_at_risk):
        v, auc = fmt_value(churn_value_at_risk, "yuan"), f"{churn.auc:.2f}"
        top = at_risk_top or 0
        out.append(
            F(
                f"The churn model (test AUC {auc}, {_auc_word(churn.auc, 'en')}) puts {v} of members' 12-month value "
                "at risk (churn probability × value if retained)"
                + (f"; the win-back list names the {top} members with the most at stake." if top else "."),
                f"流失模型（测试集 AUC {auc}，{_auc_word(churn.auc, 'zh')}）估计会员 12 个月价值中有 {v} 面临流失风险"
                "（流失概率 × 留存时价值）"
                + (f"；召回名单列出风险价值最高的 {top} 名会员。" if top else "。"),
                "churn-risk",
            )
        )
    if clv_mean is not None and not pd.isna(clv_mean):
        v, sh = fmt_value(clv_mean, "yuan"), _pct(clv_members_share, lang)
        en = f"A member is worth {v} over the next 12 months on average; members hold {sh} of all buyers' CLV"
        zh = f"会员未来 12 个月人均 CLV 为 {v}，占全部买家 CLV 的 {sh}"
        if holdout is not None and len(holdout):
            err = hl.holdout_error(holdout)[2]
            if not pd.isna(err) and abs(err) > hl.HOLDOUT_TOLERANCE:
                e = fmt_value(abs(err), "rate")
                fewer_en, fewer_zh = ("fewer", "少") if err < 0 else ("more", "多")
                en += (
                    f". On the holdout the model predicted {e} {fewer_en} purchases than buyers made, so read CLV "
                    + ("as a conservative estimate" if err < 0 else "as optimistic")
                )
                zh += f"。留出期检验中模型预测的购买次数比实际{fewer_zh} {e}，" + (
                    "CLV 应视为保守估计" if err < 0 else "CLV 可能偏乐观"
                )
            elif not pd.isna(err):
                en += f"; the holdout check is within {fmt_value(abs(err), 'rate')} of actual purchases"
                zh += f"；留出期检验预测与实际相差 {fmt_value(abs(err), 'rate')} 以内"
        if clv_value_model == "by_frequency" and clv_independence is not None:
            r = f"{clv_independence.pearson:.2f}"
            over_en, over_zh = (
                ("overstate", "高估") if clv_independence.pearson > 0 else ("understate", "低估")
            )
            en += (
                f"; spend per purchase is valued by repeat-count group, as it depends on purchase frequency "
                f"(r = {r}) and the pooled Gamma-Gamma model would {over_en} buyers who buy rarely"
            )
            zh += (
                f"；由于单次消费金额与购买频次相关（r = {r}），按重复购买次数分组估计，以免{over_zh}低频买家"
            )
        out.append(F(en + ".", zh + "。", "clv"))
    if nps_now is not None and nps_now.get("nps_answers") and len(out) < 6:
        out.append(Finding(_nps_sentence(hl.nps_check(nps_now, sat_month), lang), "satisfaction"))
    return out[:6]


#: Former name of :func:`findings`.
health_verdict = findings


def titles(lang: str | None = None, **kw) -> dict[str, str]:
    """Chart titles that state the finding, from the same results the charts draw.

    Keywords: ``tier_counts``, ``migration`` (with ``start``/``end`` labels), ``comparison`` (with its
    ``repurchase`` test, computed from it when not passed), ``points``,
    ``retention``, ``revenue_retention``, ``lifecycle``, ``flows`` (with ``start``/``end``), ``churn``,
    ``calibration``, ``importance``, ``holdout``, ``value_holdout``, ``clv_by_tier``, ``satisfaction``.
    """
    t = {}
    start, end = kw.get("start"), kw.get("end")
    span_en = f" ({start} to {end})" if start and end else ""
    span_zh = f"（{start} 至 {end}）" if start and end else ""
    if "tier_counts" in kw:
        first, a, last, b, top, top_now = hl.tier_span(kw["tier_counts"])
        verb_en = "grew" if b > a else ("fell" if b < a else "stayed")
        verb_zh = "增至" if b > a else ("降至" if b < a else "保持")
        t["tiers"] = tr(
            f"Members {verb_en} from {a:,} ({first}) to {b:,} ({last}); {top} now {top_now:,}",
            f"会员数从 {a:,}（{first}）{verb_zh} {b:,}（{last}）；{top}现有 {top_now:,} 名",
            lang,
        )
    if "migration" in kw:
        ms = kw["migration"].set_index("movement")
        up, down = (
            _pct(ms.loc["upgraded", "share_of_start"], lang),
            _pct(ms.loc["downgraded", "share_of_start"], lang),
        )
        t["migration"] = tr(
            f"{up} of members moved up a tier, {down} moved down{span_en}",
            f"{up} 的会员升级，{down} 降级{span_zh}",
            lang,
        )
    if "comparison" in kw:
        r = kw.get("repurchase") or repurchase_test(kw["comparison"])
        rm, rn = _pct(r["rate_a"], lang), _pct(r["rate_b"], lang)
        d, p = _diff_ci(r, lang), _p(r["p"]) if not pd.isna(r["p"]) else "p n/a"
        t["comparison"] = tr(
            f"Members repurchase at {rm} vs {rn} for non-members ({d}, {p})",
            f"会员复购率 {rm}，非会员 {rn}（{d}，{p}）",
            lang,
        )
    if "points" in kw:
        p = kw["points"]
        o, rr = fmt_value(p["outstanding"], "count"), _pct(p["redemption_rate"], lang)
        t["points"] = tr(
            f"{o} points outstanding; {rr} of the points issued in 12 months were redeemed",
            f"未使用积分余额 {o}；近 12 个月发放的积分 {rr} 已核销",
            lang,
        )
    if "retention" in kw:
        m1 = _pct(hl.next_month_mean(kw["retention"], "retention"), lang)
        t["retention"] = tr(
            f"On average {m1} of a cohort is active again the month after",
            f"同期群次月平均留存率 {m1}",
            lang,
        )
    if "revenue_retention" in kw:
        m1 = _pct(hl.next_month_mean(kw["revenue_retention"], "revenue_retention"), lang)
        t["revenue_retention"] = tr(
            f"A cohort's GMV the month after is {m1} of its first month on average",
            f"同期群次月成交额平均为首月的 {m1}",
            lang,
        )
    if "lifecycle" in kw:
        lc = kw["lifecycle"]
        cur = lc.iloc[-1]
        slip, d, before = hl.slipping(lc)
        extra_en = extra_zh = ""
        if d is not None:
            extra_en, extra_zh = f" ({d:+,} on {before})", f"（较 {before} {d:+,}）"
        t["lifecycle"] = tr(
            f"End of {lc.index[-1]}: {int(cur['active']):,} active, {slip:,} at risk or dormant{extra_en}",
            f"{lc.index[-1]} 末：活跃 {int(cur['active']):,} 名，沉睡或休眠 {slip:,} 名{extra_zh}",
            lang,
        )
    if "flows" in kw:
        f = kw["flows"]

        def cell(a, b):
            return int(f.loc[a, b]) if a in f.index and b in f.columns else 0

        back, slipped = cell("at_risk", "active"), cell("active", "at_risk")
        t["flows"] = tr(
            f"{back:,} members at risk came back to active, {slipped:,} active members slipped to at risk{span_en}",
            f"{back:,} 名沉睡会员恢复活跃，{slipped:,} 名活跃会员转为沉睡{span_zh}",
            lang,
        )
    if "churn" in kw:
        r = kw["churn"]
        t["churn"] = tr(
            f"The churn model ranks well on unseen months: AUC {r.auc:.2f}",
            f"流失模型在未参与训练的月份上 AUC 为 {r.auc:.2f}",
            lang,
        )
    if "calibration" in kw:
        gap = fmt_value(hl.calibration_gap(kw["calibration"]), "pp").lstrip("+")
        t["calibration"] = tr(
            f"Predicted churn is within {gap} of observed churn in every score band",
            f"各分数段预测流失率与实际流失率相差不超过 {gap}",
            lang,
        )
    if "importance" in kw:
        from .churn import feature_label

        top = kw["importance"].iloc[0]
        name = feature_label(top["feature"], lang)
        t["importance"] = tr(
            f"Churn is predicted most by {name}: test AUC drops {top['auc_drop']:.3f} without it",
            f"对流失预测最重要的是{name}：打乱后测试集 AUC 下降 {top['auc_drop']:.3f}",
            lang,
        )
    if "holdout" in kw:
        predicted, actual, e = hl.holdout_error(kw["holdout"])
        err = fmt_change(e) if actual else "n/a"
        t["holdout"] = tr(
            f"Holdout check: {predicted:.2f} purchases per buyer predicted vs {actual:.2f} actual ({err})",
            f"留出期检验：人均预测购买 {predicted:.2f} 次，实际 {actual:.2f} 次（{err}）",
            lang,
        )
    if "value_holdout" in kw:
        v = kw["value_holdout"].set_index(kw["value_holdout"].columns[0])
        low = v.index[0]
        b, bf = fmt_change(v.loc[low, "bias"]), fmt_change(v.loc[low, "bias_by_frequency"])
        t["value_holdout"] = tr(
            f"Spend per purchase on the holdout, buyers with {low} repeats: pooled Gamma-Gamma {b}, fitted by "
            f"repeat-count group {bf}",
            f"留出期单次消费金额（校准期重复购买 {low} 次的买家）：统一 Gamma-Gamma 模型偏差 {b}，按重复购买次数分组"
            f"拟合 {bf}",
            lang,
        )
    if "clv_by_tier" in kw:
        high, high_mean, low, ratio = hl.clv_spread(kw["clv_by_tier"])
        hn, ln = display_name(high, lang), display_name(low, lang)
        v = fmt_value(high_mean, "yuan")
        rs = f"{ratio:.1f}" if not pd.isna(ratio) else "n/a"
        t["clv"] = tr(
            f"{hn} is worth {v} per buyer over 12 months, {rs}× {ln}",
            f"{hn}未来 12 个月人均价值 {v}，是{ln}的 {rs} 倍",
            lang,
        )
    if "satisfaction" in kw:
        s = kw["satisfaction"]
        n = int(s.nps_answers.iloc[-1])
        t["satisfaction"] = tr(
            f"NPS {_nps(s.nps.iloc[-1])} and CSAT {_pct(s.csat.iloc[-1], lang)} in {s.period.iloc[-1]} ({n:,} NPS "
            "answers; monthly NPS swings with small samples)",
            f"{s.period.iloc[-1]} NPS {_nps(s.nps.iloc[-1])}，CSAT {_pct(s.csat.iloc[-1], lang)}（{n:,} 份 NPS "
            "回答；样本小时月度 NPS 波动较大）",
            lang,
        )
    return t
