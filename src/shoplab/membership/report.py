"""Words for the membership report, in English or Chinese: findings, chart titles that state the finding, the
sentences under each section, display names of stages, groups and movements, and readable tables.

Every sentence is generated from the result tables it describes; ``lang`` (``"en"``/``"zh"``) defaults to the
report language set by :func:`shoplab.set_lang`.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import stats
from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_value, styler
from ..notebook import format_table as _format_table

__all__ = [
    "findings",
    "health_verdict",
    "titles",
    "display_name",
    "cohort_label",
    "display_table",
    "styled_table",
    "repurchase_test",
    "nps_interval",
    "activity_lines",
    "points_lines",
    "churn_lines",
    "clv_lines",
    "value_model_lines",
    "independence_note",
    "satisfaction_lines",
    "SECTIONS",
]

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

# Codes the package puts into result tables, with their English and Chinese display names. Tier names and other
# values from the shop's own data are shown as they are.
_NAMES = {
    # lifecycle stages (生命周期阶段)
    "new": ("new", "新客"),
    "active": ("active", "活跃"),
    "reactivated": ("reactivated", "回流"),
    "at_risk": ("at risk", "沉睡"),
    "dormant": ("dormant", "休眠"),
    "churned": ("churned", "已流失"),
    "none": ("not a buyer yet", "此前未购买"),
    # members vs non-members
    "member": ("member", "会员"),
    "joined in window": ("joined in window", "窗口期内入会"),
    "non-member": ("non-member", "非会员"),
    # tier movements (升级/降级)
    "upgraded": ("upgraded", "升级"),
    "stayed": ("stayed", "保级"),
    "downgraded": ("downgraded", "降级"),
    "left": ("left", "退会"),
    "joined": ("joined", "新入会"),
    "not a member": ("not a member", "非会员"),
    # axis names of result matrices
    "tier at start": ("tier at start", "期初等级"),
    "tier at end": ("tier at end", "期末等级"),
    "stage last month": ("stage last month", "上月阶段"),
    "stage this month": ("stage this month", "本月阶段"),
    "months_since": ("months since cohort month", "距同期群首月的月数"),
    "cohort": ("cohort", "同期群"),
    "lifecycle stage": ("lifecycle stage", "生命周期阶段"),
    "tier": ("tier", "会员等级"),
    # cohort bases (the cohort_basis parameter)
    "first_order": ("first order", "首次下单"),
    "join": ("joining", "入会"),
    "signup": ("sign-up", "注册"),
}

# Column name -> (English, Chinese, unit for fmt_value).
_COLUMNS = {
    "group": ("group", "人群", None),
    "tier": ("tier", "会员等级", None),
    "lifecycle stage": ("lifecycle stage", "生命周期阶段", None),
    "movement": ("movement", "变动", None),
    "user_id": ("user", "用户", None),
    "period": ("month", "月份", None),
    "buyers": ("buyers", "购买人数", "count"),
    "repeat_buyers": ("repeat buyers", "复购人数", "count"),
    "orders": ("orders", "订单数", "count"),
    "gmv": ("GMV", "成交额", "yuan"),
    "repurchase_rate": ("repurchase rate", "复购率", "rate"),
    "orders_per_buyer": ("orders per buyer", "人均订单数", "number"),
    "aov": ("AOV", "客单价", "yuan"),
    "gmv_per_buyer": ("GMV per buyer", "人均成交额", "yuan"),
    "gmv_share": ("share of GMV", "成交额占比", "rate"),
    "members": ("members", "会员数", "count"),
    "share_of_start": ("share of members at start", "占期初会员比例", "rate"),
    "clv_mean": ("mean CLV (12 months)", "人均 CLV（12 个月）", "yuan"),
    "clv_total": ("total CLV", "CLV 合计", "yuan"),
    "p_alive_mean": ("mean P(alive)", "平均存活概率", "rate"),
    "clv_share": ("share of CLV", "CLV 占比", "rate"),
    "churn_probability": ("churn probability", "流失概率", "rate"),
    "value": ("12-month value if retained", "留存时 12 个月价值", "yuan"),
    "value_at_risk": ("value at risk", "风险价值", "yuan"),
    "reasons": ("main reasons", "主要原因", None),
    "nps": ("NPS", "NPS", None),
    "nps_answers": ("NPS answers", "NPS 回答数", "count"),
    "promoters": ("promoters", "推荐者", "count"),
    "detractors": ("detractors", "贬损者", "count"),
    "csat": ("CSAT", "满意度 CSAT", "rate"),
    "csat_answers": ("CSAT answers", "CSAT 回答数", "count"),
    "csat_satisfied": ("satisfied (4-5)", "满意（4-5 分）", "count"),
    "csat_mean": ("mean CSAT score", "CSAT 平均分", "number"),
}


def display_name(value, lang: str | None = None) -> str:
    """The display name of a code the package writes (stage, group, movement); other values as they are."""
    pair = _NAMES.get(str(value))
    return tr(*pair, lang) if pair else str(value)


def cohort_label(basis: str, lang: str | None = None) -> str:
    """The axis name of cohorts by ``basis`` (``first_order``, ``join``, ``signup``)."""
    name = display_name(basis, lang)
    return tr(f"cohort (month of {name})", f"同期群（{name}月份）", lang)


def display_table(
    df: pd.DataFrame, *, units: dict[str, str] | None = None, lang: str | None = None
) -> pd.DataFrame:
    """A result table as a manager reads it: numbers formatted (¥, %, thousands), codes in the category columns
    shown by their display names, columns named in the report language. ``units`` adds or overrides units."""
    out = df.copy()
    for col in ("group", "lifecycle stage", "movement"):
        if col in out.columns:
            out[col] = [display_name(v, lang) for v in out[col]]
    if "tier" in out.columns:
        out["tier"] = [display_name(v, lang) if v == "non-member" else v for v in out["tier"]]
    if "nps" in out.columns:
        out["nps"] = [_nps(v) for v in out["nps"]]
    u = {c: spec[2] for c, spec in _COLUMNS.items() if spec[2]}
    u.update(units or {})
    rename = {c: tr(spec[0], spec[1], lang) for c, spec in _COLUMNS.items() if c in out.columns}
    return _format_table(out, u, rename=rename, lang=lang)


def styled_table(df: pd.DataFrame, *, units: dict[str, str] | None = None, lang: str | None = None):
    """:func:`display_table` as a compact HTML table: no index, the tier next to the user, numbers on one line,
    long text (reasons) left-aligned last."""
    cols = list(df.columns)
    if "user_id" in cols and "tier" in cols:
        cols.remove("tier")
        cols.insert(cols.index("user_id") + 1, "tier")
    if "reasons" in cols:
        cols.remove("reasons")
        cols.append("reasons")
    shown = display_table(df[cols], units=units, lang=lang)
    text = [c for c, k in zip(shown.columns, cols, strict=True) if k == "reasons"]
    other = [c for c in shown.columns if c not in text]
    st = styler(shown).set_properties(subset=other, **{"white-space": "nowrap"})
    if text:
        st = st.set_properties(subset=text, **{"text-align": "left", "min-width": "24em"})
    return st


def _nps(v) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{v:+.0f}"


def _pct(x, lang=None) -> str:
    return fmt_value(x, "rate", lang=lang) if x is not None and not pd.isna(x) else "n/a"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _diff_ci(t: dict, lang: str | None = None) -> str:
    """``+12.4 pp, 95% interval +9.0 to +15.8 pp``: a repurchase difference with its interval."""
    d = fmt_change(t["diff"], "pp")
    if pd.isna(t.get("ci_low", math.nan)):
        return d
    lo, hi = fmt_change(t["ci_low"], "pp").removesuffix(" pp"), fmt_change(t["ci_high"], "pp")
    return tr(f"{d}, 95% interval {lo} to {hi}", f"{d}，95% 区间 {lo} 至 {hi}", lang)


def repurchase_test(comparison: pd.DataFrame, a: str = "member", b: str = "non-member") -> dict:
    """Repurchase rate of group ``a`` minus group ``b`` of ``member_comparison``: :func:`shoplab.stats.two_proportion`
    (unpooled z test with its 95% Wald interval).

    Returns ``n_a``, ``n_b``, ``rate_a``, ``rate_b``, ``diff`` (a - b, as a share), ``ci_low``, ``ci_high`` (its
    interval) and ``p`` (two-sided); NaN when a group has no buyers.
    """
    c = comparison.set_index("group")
    n1, n2 = int(c.loc[a, "buyers"]), int(c.loc[b, "buyers"])
    x1, x2 = int(c.loc[a, "repeat_buyers"]), int(c.loc[b, "repeat_buyers"])
    out = {"n_a": n1, "n_b": n2} | dict.fromkeys(
        ("rate_a", "rate_b", "diff", "ci_low", "ci_high", "p"), math.nan
    )
    if n1 == 0 or n2 == 0:
        return out
    r = stats.two_proportion(x1, n1, x2, n2)
    return out | dict(
        rate_a=r["treatment"],
        rate_b=r["control"],
        diff=r.estimate,
        ci_low=r.ci_low,
        ci_high=r.ci_high,
        p=r.p_value,
    )


#: 95% interval of an NPS in points from its counts: :func:`shoplab.stats.nps_interval` (unpacks as (lo, hi)).
nps_interval = stats.nps_interval


def _growth(tier_counts: pd.DataFrame):
    tc = tier_counts.sum(axis=1)
    now = int(tc.iloc[-1])
    if len(tc) >= 4:
        before, label = int(tc.iloc[-4]), str(tc.index[-4])
        return now, before, label, (now / before - 1 if before else math.nan)
    return now, None, None, math.nan


def activity_lines(
    *,
    period: str,
    tier_counts: pd.DataFrame,
    active: dict,
    gaps: pd.DataFrame | None = None,
    dau_mau: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[str]:
    """The activity section's sentences: members and their change, active members, days between orders,
    stickiness."""
    now, before, label, ch = _growth(tier_counts)
    out = []
    if before is not None:
        out.append(
            tr(
                f"{now:,} members at the end of {period}, {fmt_change(ch)} on {before:,} at the end of {label}.",
                f"{period} 末共有会员 {now:,} 名，较 {label} 末的 {before:,} 名变化 {fmt_change(ch)}。",
                lang,
            )
        )
    rate, a, n = _pct(active["active_rate"], lang), f"{active['active']:,}", f"{active['members']:,}"
    out.append(
        tr(
            f"{rate} of members were active (ordered or visited) in {period}: {a} of {n}.",
            f"{period} 活跃（下单或访问）会员占比 {rate}：{n} 名会员中 {a} 名。",
            lang,
        )
    )
    if gaps is not None and len(gaps):
        med = (
            gaps.set_index("member")["median_days"]  # order_gap_summary (engine)
            if "median_days" in gaps
            else gaps.groupby("member").gap_days.median()  # days_between_orders (one row per gap)
        )
        gm, gn = (
            fmt_value(med.get(True, math.nan), "days", lang=lang),
            fmt_value(med.get(False, math.nan), "days", lang=lang),
        )
        out.append(
            tr(
                f"Median time between two orders: {gm} for members, {gn} for non-members.",
                f"两次下单的间隔中位数：会员 {gm}，非会员 {gn}。",
                lang,
            )
        )
    if dau_mau is not None and len(dau_mau):
        st = _pct(dau_mau.stickiness.iloc[-1], lang)
        out.append(
            tr(
                f"Members' stickiness (DAU/MAU) in {dau_mau.period.iloc[-1]}: {st}.",
                f"{dau_mau.period.iloc[-1]} 会员粘性（DAU/MAU）：{st}。",
                lang,
            )
        )
    return out


def points_lines(points_year: dict, lang: str | None = None) -> list[str]:
    """The points section's sentences (积分发放/核销/过期) over the last 12 months."""
    rr, br = _pct(points_year["redemption_rate"], lang), _pct(points_year["breakage"], lang)
    iss, red = fmt_value(points_year["issued"], "count"), fmt_value(points_year["redeemed"], "count")
    sh = _pct(points_year["share_redeemed"], lang)
    r, m = f"{points_year['redeemers']:,}", f"{points_year['members']:,}"
    out_ = fmt_value(points_year["outstanding"], "count")
    return [
        tr(
            f"Over the last 12 months {iss} points were issued and {red} redeemed: a redemption rate of {rr}; "
            f"breakage (expired / (redeemed + expired)) was {br}.",
            f"近 12 个月发放积分 {iss}，核销 {red}，核销率 {rr}；过期率（过期 /（核销 + 过期））{br}。",
            lang,
        ),
        tr(
            f"{sh} of members ({r} of {m}) redeemed points; {out_} points are outstanding, a liability owed to "
            "members.",
            f"{sh} 的会员（{m} 名中 {r} 名）核销过积分；未使用积分余额 {out_}，是对会员的负债。",
            lang,
        ),
    ]


def churn_lines(
    churn, *, value_at_risk: float | None = None, scored: int | None = None, lang: str | None = None
) -> list[str]:
    """The churn section's sentences: the split, the test scores, and the value at risk over scored members."""
    tr_d, te_d = f"{churn.train_cutoff:%Y-%m-%d}", f"{churn.test_cutoff:%Y-%m-%d}"
    ntr, nte, base = f"{churn.n_train:,}", f"{churn.n_test:,}", _pct(churn.base_rate, lang)
    auc, th = f"{churn.auc:.2f}", f"{churn.threshold:.2f}"
    prec, rec = _pct(churn.precision, lang), _pct(churn.recall, lang)
    out = [
        tr(
            f"Trained on {ntr} users at {tr_d}, tested on {nte} users at {te_d} ({base} of them churned).",
            f"在 {tr_d} 的 {ntr} 名用户上训练，在 {te_d} 的 {nte} 名用户上测试（其中 {base} 流失）。",
            lang,
        ),
        tr(
            f"Test AUC {auc} ({_auc_word(churn.auc, 'en')}); at a churn probability of {th} or more, precision "
            f"{prec} and recall {rec}.",
            f"测试集 AUC {auc}（{_auc_word(churn.auc, 'zh')}）；流失概率 ≥ {th} 时，精确率 {prec}，召回率 {rec}。",
            lang,
        ),
    ]
    if value_at_risk is not None and not pd.isna(value_at_risk):
        v = fmt_value(value_at_risk, "yuan")
        n = f"{scored:,} " if scored else ""
        h = (churn.test_cutoff - churn.train_cutoff).days
        out.append(
            tr(
                f"Value at risk: {v}, summed over the {n}members scored today: each member's churn probability "
                f"(this model: no order and no visit in the next {h} days) × their 12-month value if retained "
                "(BG/NBD × Gamma-Gamma CLV of a customer who has not left). CLV itself is already weighted by "
                "BG/NBD's P(alive), the chance of not having left for good, so it is not multiplied by the churn "
                "probability again.",
                f"风险价值：今日评分的 {n}名会员合计 {v}，即每位会员的流失概率（本模型：未来 {h} 天既无下单也无访问）"
                "× 其留存时的 12 个月价值（BG/NBD × Gamma-Gamma 对尚未流失客户的 CLV）。CLV 本身已乘以 BG/NBD "
                "的存活概率 P(alive)（尚未永久流失的概率），因此不再乘以流失概率，以免重复计算流失。",
                lang,
            )
        )
    return out


def _auc_word(auc: float, lang: str) -> str:
    if auc >= 0.8:
        return tr("ranks churners well", "区分能力良好", lang)
    if auc >= 0.7:
        return tr("ranks churners fairly", "区分能力一般", lang)
    return tr("ranks churners weakly: use the list with care", "区分能力较弱，名单仅供参考", lang)


def clv_lines(
    *, clv_mean: float, clv_members_share: float, members: int, months: int = 12, lang: str | None = None
) -> list[str]:
    """The CLV section's sentence on members."""
    v, sh = fmt_value(clv_mean, "yuan"), _pct(clv_members_share, lang)
    return [
        tr(
            f"A member is worth {v} over the next {months} months on average (discounted spend net of refunds, "
            f"{members:,} members who have bought); members hold {sh} of all buyers' CLV.",
            f"会员未来 {months} 个月的人均客户终身价值（CLV，扣除退款后的折现消费额）为 {v}（{members:,} 名已购会员）；"
            f"会员占全部买家 CLV 的 {sh}。",
            lang,
        )
    ]


def _bias_list(value_holdout: pd.DataFrame, col: str, lang: str | None) -> str:
    g = value_holdout[value_holdout.iloc[:, 0] != "all"]
    names = {"0": tr("no repeats", "无重复购买", lang)}
    return tr(", ", "，", lang).join(
        f"{names.get(k, k)} {fmt_change(b)}" for k, b in zip(g.iloc[:, 0], g[col], strict=True)
    )


def independence_note(independence, *, lang: str | None = None) -> str | None:
    """The warning shown when Gamma-Gamma's independence assumption fails (``independence.dependent``)."""
    if independence is None or not independence.dependent:
        return None
    r, rho, n = f"{independence.pearson:.2f}", f"{independence.spearman:.2f}", f"{independence.n:,}"
    th = f"{independence.threshold:.2f}"
    return tr(
        f"Gamma-Gamma independence check failed: among {n} repeat buyers, spend per purchase correlates with "
        f"purchase frequency (Pearson r = {r}, beyond ±{th}; Spearman ρ = {rho}; the model assumes none). The "
        "pooled Gamma-Gamma model then values buyers by frequency wrongly; see the value-by-frequency holdout "
        "table below for by how much and which model CLV uses.",
        f"Gamma-Gamma 独立性检验未通过：{n} 名复购买家中，单次消费金额与购买频次相关（Pearson r = {r}，"
        f"超出 ±{th}；Spearman ρ = {rho}；模型假设两者无关）。此时统一的 Gamma-Gamma 模型会按购买频次错估买家价值；"
        "偏差大小及 CLV 采用的模型见下方按购买频次的客单价留出期检验表。",
        lang,
    )


def value_model_lines(
    independence, value_holdout: pd.DataFrame | None, value_model: str, *, lang: str | None = None
) -> list[str]:
    """The CLV section's sentences on spend per purchase: the Gamma-Gamma independence check, the holdout by
    repeat-count group, and which spend model CLV uses and why (from :func:`~shoplab.membership.clv_analysis`)."""
    from .clv import value_model_errors

    out = []
    if independence is not None and not pd.isna(independence.pearson):
        r, rho, n = f"{independence.pearson:.2f}", f"{independence.spearman:.2f}", f"{independence.n:,}"
        th = f"{independence.threshold:.2f}"
        if independence.dependent:
            en_dir, zh_dir = ("rises", "上升") if independence.pearson > 0 else ("falls", "下降")
            out.append(
                tr(
                    f"Spend per purchase {en_dir} with how often buyers buy (among {n} repeat buyers: Pearson "
                    f"r = {r}, beyond ±{th}; Spearman ρ = {rho}): Gamma-Gamma's assumption that spend does not "
                    "depend on frequency does not hold.",
                    f"单次消费金额随购买频次{zh_dir}（{n} 名复购买家：Pearson r = {r}，超出 ±{th}；Spearman ρ = {rho}）："
                    "Gamma-Gamma 模型“消费金额与购买频次无关”的假设不成立。",
                    lang,
                )
            )
        else:
            out.append(
                tr(
                    f"Spend per purchase hardly depends on how often buyers buy (among {n} repeat buyers: Pearson "
                    f"r = {r}, within ±{th}; Spearman ρ = {rho}), as Gamma-Gamma assumes.",
                    f"单次消费金额与购买频次基本无关（{n} 名复购买家：Pearson r = {r}，在 ±{th} 以内；Spearman ρ = {rho}），"
                    "符合 Gamma-Gamma 模型的假设。",
                    lang,
                )
            )
    if value_holdout is None or not len(value_holdout):
        out.append(
            tr(
                "CLV uses the pooled Gamma-Gamma model: too few repeat buyers in the calibration window to check "
                "it by repeat-count group.",
                "CLV 采用统一的 Gamma-Gamma 模型：校准期内复购买家太少，无法按重复购买次数分组检验。",
                lang,
            )
        )
        return out
    pooled = _bias_list(value_holdout, "bias", lang)
    grouped = _bias_list(value_holdout, "bias_by_frequency", lang)
    out.append(
        tr(
            "Predicted against actual spend per purchase in the holdout, by repeat purchases in the calibration "
            f"window: pooled Gamma-Gamma {pooled}; fitted by repeat-count group {grouped}.",
            f"留出期检验（按校准期内重复购买次数分组）预测单次消费金额相对实际的偏差：统一的 Gamma-Gamma 模型 {pooled}；"
            f"按重复购买次数分组拟合的模型 {grouped}。",
            lang,
        )
    )
    err = value_model_errors(value_holdout)
    ep, ef = fmt_value(err["pooled"], "rate"), fmt_value(err["by_frequency"], "rate")
    if value_model == "by_frequency":
        out.append(
            tr(
                "CLV therefore values purchases with the Gamma-Gamma model fitted within each repeat-count group "
                "(buyers without repeats: a prior centred on such buyers' own first purchases, with their first "
                "purchase as one observation): "
                f"its holdout predictions are closer (mean absolute bias {ef} against {ep} for the pooled model), "
                "so buyers who buy rarely are not valued at frequent buyers' spend.",
                "因此 CLV 采用按重复购买次数分组拟合的 Gamma-Gamma 模型估计单次消费金额（无重复购买的买家：先验以这类"
                f"买家自身的首次购买为中心，并以本人首次购买作为一次观测）：其留出期预测更接近实际（平均绝对偏差 {ef}，"
                f"统一模型为 {ep}），"
                "不会把低频买家按高频买家的消费水平估值。",
                lang,
            )
        )
    elif independence is not None and not independence.dependent:
        out.append(
            tr(
                "CLV uses the pooled Gamma-Gamma model, whose assumption holds here (mean absolute holdout bias "
                f"{ep}; fitted by repeat-count group {ef}).",
                f"CLV 采用统一的 Gamma-Gamma 模型，其假设在此成立（留出期平均绝对偏差 {ep}；按重复购买次数分组拟合为 {ef}）。",
                lang,
            )
        )
    else:
        out.append(
            tr(
                "CLV uses the pooled Gamma-Gamma model: fitting it by repeat-count group does not predict the holdout "
                f"better (mean absolute bias {ef} against {ep} for the pooled model).",
                f"CLV 采用统一的 Gamma-Gamma 模型：按重复购买次数分组拟合并未更好地预测留出期（平均绝对偏差 {ef}，"
                f"统一模型为 {ep}）。",
                lang,
            )
        )
    return out


def satisfaction_lines(
    nps_now: dict | None,
    sat_month: pd.DataFrame | None,
    sat_tier: pd.DataFrame | None,
    lang: str | None = None,
) -> list[str]:
    """The satisfaction section's sentences: this month's NPS with its interval, and NPS/CSAT by tier."""
    out = []
    if nps_now is not None and nps_now.get("nps_answers"):
        out.append(_nps_sentence(nps_now, sat_month, lang))
    if sat_tier is not None:
        for r in sat_tier.itertuples():
            few = r.nps_answers < 100
            name = display_name(r.tier, lang)
            out.append(
                tr(
                    f"{name}: NPS {_nps(r.nps)} from {r.nps_answers:,} answers"
                    + (" (fewer than 100: read with care)" if few else "")
                    + f", CSAT {_pct(r.csat, lang)} from {r.csat_answers:,}.",
                    f"{name}：NPS {_nps(r.nps)}（{r.nps_answers:,} 份回答"
                    + ("，少于 100 份，谨慎解读" if few else "")
                    + f"），CSAT {_pct(r.csat, lang)}（{r.csat_answers:,} 份）。",
                    lang,
                )
            )
    return out


def _nps_sentence(nps_now: dict, sat_month: pd.DataFrame | None, lang) -> str:
    n = int(nps_now["nps_answers"])
    lo, hi = nps_interval(nps_now["promoters"], nps_now["detractors"], n)
    v = _nps(nps_now["nps"])
    en = f"NPS this month is {v} from {n:,} answers (95% interval {lo:+.0f} to {hi:+.0f})"
    zh = f"本月净推荐值 NPS 为 {v}（{n:,} 份回答，95% 区间 {lo:+.0f} 至 {hi:+.0f}）"
    if sat_month is not None and len(sat_month) >= 2 and not pd.isna(sat_month.nps.iloc[-2]):
        prev, label = sat_month.nps.iloc[-2], sat_month.period.iloc[-2]
        inside = lo <= prev <= hi
        en += f"; {label}: {_nps(prev)}" + (", within that interval: no clear change" if inside else "")
        zh += f"；{label} 为 {_nps(prev)}" + ("，在区间之内，变化不明显" if inside else "")
    if n < 100:
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
    lang: str | None = None,
) -> list[Finding]:
    """3-6 findings in plain sentences, each generated from the numbers passed in and linked to the section that
    shows them (see :data:`SECTIONS`). ``clv_value_model`` and ``clv_independence`` (from
    :func:`~shoplab.membership.clv_analysis`) say how CLV values spend per purchase."""

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    now, before, label, ch = _growth(tier_counts)
    rate, a, n = _pct(active["active_rate"], lang), f"{active['active']:,}", f"{active['members']:,}"
    if before is not None:
        word_en = "growing" if ch > 0.005 else ("shrinking" if ch < -0.005 else "flat")
        word_zh = "增长" if ch > 0.005 else ("收缩" if ch < -0.005 else "持平")
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
    t = repurchase_test(comparison)
    c = comparison.set_index("group")
    if not pd.isna(t["diff"]):
        rm, rn = _pct(t["rate_a"], lang), _pct(t["rate_b"], lang)
        d, p = _diff_ci(t, lang), _p(t["p"])
        sig = t["p"] < 0.05
        am, an = fmt_value(c.loc["member", "aov"], "yuan"), fmt_value(c.loc["non-member", "aov"], "yuan")
        share = _pct(c.loc["member", "gmv_share"], lang)
        small = min(t["n_a"], t["n_b"]) < 100
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
        cur, prev = lifecycle_counts.iloc[-1], lifecycle_counts.iloc[-2]
        slip = int(cur["at_risk"] + cur["dormant"])
        diff = slip - int(prev["at_risk"] + prev["dormant"])
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
            h = holdout.set_index(holdout.columns[0]).loc["all"]
            err = h.predicted / h.actual - 1 if h.actual else math.nan
            if not pd.isna(err) and abs(err) > 0.1:
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
        out.append(Finding(_nps_sentence(nps_now, sat_month, lang), "satisfaction"))
    return out[:6]


#: Former name of :func:`findings`.
health_verdict = findings


def titles(lang: str | None = None, **kw) -> dict[str, str]:
    """Chart titles that state the finding, from the same results the charts draw.

    Keywords: ``tier_counts``, ``migration`` (with ``start``/``end`` labels), ``comparison``, ``points``,
    ``retention``, ``revenue_retention``, ``lifecycle``, ``flows`` (with ``start``/``end``), ``churn``,
    ``calibration``, ``importance``, ``holdout``, ``value_holdout``, ``clv_by_tier``, ``satisfaction``.
    """
    t = {}
    start, end = kw.get("start"), kw.get("end")
    span_en = f" ({start} to {end})" if start and end else ""
    span_zh = f"（{start} 至 {end}）" if start and end else ""
    if "tier_counts" in kw:
        tc = kw["tier_counts"]
        top = tc.columns[-1]
        a, b = int(tc.iloc[0].sum()), int(tc.iloc[-1].sum())
        verb_en = "grew" if b > a else ("fell" if b < a else "stayed")
        verb_zh = "增至" if b > a else ("降至" if b < a else "保持")
        t["tiers"] = tr(
            f"Members {verb_en} from {a:,} ({tc.index[0]}) to {b:,} ({tc.index[-1]}); {top} now {int(tc[top].iloc[-1]):,}",
            f"会员数从 {a:,}（{tc.index[0]}）{verb_zh} {b:,}（{tc.index[-1]}）；{top}现有 {int(tc[top].iloc[-1]):,} 名",
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
        r = repurchase_test(kw["comparison"])
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
        r = kw["retention"]
        m1 = _pct(r[r.months_since == 1].retention.mean(), lang)
        t["retention"] = tr(
            f"On average {m1} of a cohort is active again the month after",
            f"同期群次月平均留存率 {m1}",
            lang,
        )
    if "revenue_retention" in kw:
        r = kw["revenue_retention"]
        m1 = _pct(r[r.months_since == 1].revenue_retention.mean(), lang)
        t["revenue_retention"] = tr(
            f"A cohort's GMV the month after is {m1} of its first month on average",
            f"同期群次月成交额平均为首月的 {m1}",
            lang,
        )
    if "lifecycle" in kw:
        lc = kw["lifecycle"]
        cur = lc.iloc[-1]
        slip = int(cur["at_risk"] + cur["dormant"])
        extra_en = extra_zh = ""
        if len(lc) >= 2:
            d = slip - int(lc.iloc[-2]["at_risk"] + lc.iloc[-2]["dormant"])
            extra_en, extra_zh = f" ({d:+,} on {lc.index[-2]})", f"（较 {lc.index[-2]} {d:+,}）"
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
        c = kw["calibration"]
        gap = fmt_value((c.observed_churn - c.mean_predicted).abs().max(), "pp").lstrip("+")
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
        h = kw["holdout"].set_index(kw["holdout"].columns[0]).loc["all"]
        err = fmt_change(h.predicted / h.actual - 1) if h.actual else "n/a"
        t["holdout"] = tr(
            f"Holdout check: {h.predicted:.2f} purchases per buyer predicted vs {h.actual:.2f} actual ({err})",
            f"留出期检验：人均预测购买 {h.predicted:.2f} 次，实际 {h.actual:.2f} 次（{err}）",
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
        c = kw["clv_by_tier"]
        col = c.columns[0]
        hi, lo = c.loc[c.clv_mean.idxmax()], c.loc[c.clv_mean.idxmin()]
        hn, ln = display_name(hi[col], lang), display_name(lo[col], lang)
        ratio = hi.clv_mean / lo.clv_mean if lo.clv_mean > 0 else math.nan
        v = fmt_value(hi.clv_mean, "yuan")
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
