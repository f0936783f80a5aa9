"""The sentences under each section of the membership report (activity, points, churn, CLV, satisfaction), in
English or Chinese, generated from the results they describe; no statistics and no engine calls here.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import tr
from ..notebook import fmt_change, fmt_value
from . import headlines as hl
from .tables import _nps, _pct, display_name
from .text import _auc_word, _nps_sentence
from .tiers import member_growth

__all__ = [
    "activity_lines",
    "points_lines",
    "churn_lines",
    "clv_lines",
    "value_model_lines",
    "independence_note",
    "satisfaction_lines",
]


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
    now, before, label, ch = member_growth(tier_counts)
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
        out.append(_nps_sentence(hl.nps_check(nps_now, sat_month), lang))
    if sat_tier is not None:
        for r in sat_tier.itertuples():
            few = hl.small(r.nps_answers)
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
