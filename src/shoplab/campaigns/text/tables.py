"""The report's tables as a manager reads them: formatted values and headers in the report language."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ...i18n import tr
from ...labels import entries, label, name
from ...notebook import fmt_change, fmt_value
from ..decisions import attribution_shares, decision_metric_counts, roi_outcome
from ..effect import method_code, metric_code
from .names import MODELS, ci_name, dimension_display, model_display, segment_display

if TYPE_CHECKING:
    from ..evaluate import Evaluation

__all__ = [
    "srm_table",
    "money_table",
    "effects_table",
    "format_effects",
    "kpi_display",
    "comparison_display",
    "format_kpis",
    "format_segments",
    "format_channels",
    "format_attribution",
]


def _by_first(df: pd.DataFrame) -> pd.DataFrame:
    """A display table indexed by its first column (the campaign or channel), so no row numbers show."""
    return df.set_index(df.columns[0]) if len(df.columns) else df


def srm_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """Planned against observed group sizes per campaign, with the SRM chi-square p-value and a verdict."""

    s = ev.summary
    if s.empty or "srm_p" not in s or s["srm_p"].isna().all():
        return pd.DataFrame()
    s = s[s["srm_p"].notna()]
    ok = tr("OK", "正常", lang)
    bad = tr("MISMATCH: do not trust the effects", "不一致：效果不可信", lang)
    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): s["name"] + " (" + s["campaign_id"] + ")",
                tr("Treated (users)", "实验组（人）", lang): s["n_treatment"].map("{:,.0f}".format),
                tr("Control (users)", "对照组（人）", lang): s["n_control"].map("{:,.0f}".format),
                tr("Planned treated share", "计划实验组占比", lang): s["treatment_share"].map(
                    "{:.0%}".format
                ),
                tr("Observed treated share", "实际实验组占比", lang): s["observed_share"].map(
                    "{:.1%}".format
                ),
                tr("SRM p-value", "SRM p 值", lang): [fmt_value(p, "p") for p in s["srm_p"]],
                tr("Check", "检查结果", lang): [ok if good else bad for good in s["srm_ok"].astype(bool)],
            }
        )
    )


def _roi_call(r: dict, lang: str | None) -> str:
    """Whether the campaign paid for itself, decided on the ROI interval (not the point)."""
    outcome = roi_outcome(r)
    if outcome == "unknown":
        return "n/a"
    if outcome == "paid off":
        return tr("yes (whole interval above 0)", "是（整个区间高于 0）", lang)
    if outcome == "did not pay off":
        return tr("no (whole interval below 0)", "否（整个区间低于 0）", lang)
    return tr("ROI uncertain (interval spans 0)", "投资回报不确定（区间跨越 0）", lang)


def money_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """Incremental GMV, orders, buyers and margin with intervals (each at its level), cost, ROI with its
    interval, whether it paid off (decided on the interval) and cost per incremental buyer."""

    s = ev.summary
    if s.empty or not s["has_control"].any():
        return pd.DataFrame()
    s = s[s["has_control"]]
    first = s.iloc[0]

    def head(en, zh, key):
        level = first.get(f"{key}_ci_level", ev.confidence)
        name = ci_name(level if level == level else ev.confidence)
        return tr(f"{en} [{name} CI]", f"{zh} [{name} 置信区间]", lang)

    def ci(r, k, unit):
        return f"{fmt_value(r[k], unit)} [{fmt_value(r[k + '_ci_low'], unit)}, {fmt_value(r[k + '_ci_high'], unit)}]"

    rows = []
    for r in s.to_dict("records"):
        roi = r.get("roi", math.nan)
        rows.append(
            {
                tr("Campaign", "活动", lang): f"{r['name']} ({r['campaign_id']})",
                tr("Compared with", "对比对象", lang): tr(
                    f"control group ({r['n_control']:,.0f} users)",
                    f"对照组（{r['n_control']:,.0f} 人）",
                    lang,
                ),
                head("Incremental GMV", "增量成交额", "incremental_gmv"): ci(r, "incremental_gmv", "yuan"),
                head("Incremental orders", "增量订单数", "incremental_orders"): ci(
                    r, "incremental_orders", "count"
                ),
                head("Incremental buyers", "增量买家数", "incremental_buyers"): ci(
                    r, "incremental_buyers", "count"
                ),
                head("Incremental margin (CUPED)", "增量毛利（CUPED）", "incremental_margin"): ci(
                    r, "incremental_margin", "yuan"
                ),
                tr("Campaign cost", "活动成本", lang): fmt_value(r["cost"], "yuan"),
                head("ROI", "投资回报率 ROI", "incremental_margin"): "n/a"
                if roi != roi
                else f"{roi:+.0%} [{r['roi_ci_low']:+.0%}, {r['roi_ci_high']:+.0%}]",
                tr("Paid for itself?", "是否收回成本", lang): _roi_call(r, lang),
                tr("Cost per incremental buyer", "每位增量买家成本", lang): fmt_value(
                    r["cost_per_incremental_buyer"], "yuan"
                ),
            }
        )
    return _by_first(pd.DataFrame(rows))


def effects_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """The effect table as a manager reads it, in the report language: what was compared with what, values,
    lift with its interval, relative lift with its interval, the p-value and whether it is significant (numbers
    as in ``ev.effects``). Decision metrics show intervals at the adjusted level and the adjusted p-value, so
    "significant" is exactly "the interval excludes 0"; secondary metrics are labelled as such and unadjusted.
    The revenue row shows CUPED-adjusted group means (the means the CUPED lift compares)."""

    if ev.effects.empty:
        return pd.DataFrame()
    names = dict(zip(ev.summary.campaign_id, ev.summary.name, strict=False))
    n_dec = decision_metric_counts(ev.effects)

    def rel_ci(r):
        lo, hi = r["rel_ci_low"], r["rel_ci_high"]
        if pd.isna(r["rel_lift"]):
            return "n/a"
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return f"{r['rel_lift']:+.1%} [" + tr("unbounded", "无界", lang) + "]"
        return f"{r['rel_lift']:+.1%} [{lo:+.1%}, {hi:+.1%}]"

    rows = []
    for r in ev.effects.to_dict("records"):
        u = r["unit"]
        if u == "rate":
            lift = f"{r['abs_lift'] * 100:+.2f} pp [{r['ci_low'] * 100:+.2f}, {r['ci_high'] * 100:+.2f}]"
        elif u == "yuan":
            lift = f"{fmt_change(r['abs_lift'], 'yuan')} [{fmt_change(r['ci_low'], 'yuan')}, {fmt_change(r['ci_high'], 'yuan')}]"
        else:
            lift = f"{r['abs_lift']:+,.2f} [{r['ci_low']:+,.2f}, {r['ci_high']:+,.2f}]"
        metric = name("campaign_metric." + metric_code(r["metric"], cuped=ev.cuped), lang, default=r["label"])
        method = name(
            "campaign_method." + method_code(r["metric"], cuped=ev.cuped), lang, default=r["method"]
        )
        unit = u if u != "count" else "number"
        level = ci_name(r["ci_level"])
        decision = r["role"] == "decision"
        m = n_dec.get(r["campaign_id"], 0)
        if decision:
            role = tr(f"decision ({m} metrics, Bonferroni)", f"决策指标（{m} 项，Bonferroni 校正）", lang)
            p = fmt_value(r["p_adjusted"], "p")
        else:
            role = tr("secondary (not adjusted)", "次要指标（未校正）", lang)
            p = fmt_value(r["p_value"], "p")
        yes, no = tr("yes", "是", lang), tr("no", "否", lang)
        rows.append(
            {
                tr("Campaign", "活动", lang): names.get(r["campaign_id"], r["campaign_id"]),
                tr("Metric", "指标", lang): metric,
                tr("Role", "指标角色", lang): role,
                tr("Treated", "实验组", lang): fmt_value(r["treatment"], unit),
                tr("Control", "对照组", lang): fmt_value(r["control"], unit),
                tr("Lift [CI]", "提升 [置信区间]", lang): f"{lift} ({level})",
                tr("Relative lift [CI]", "相对提升 [置信区间]", lang): rel_ci(r),
                tr("p (decision: adjusted)", "p 值（决策指标已校正）", lang): p,
                tr("Significant", "是否显著", lang): yes if r["significant"] else no,
                tr("Compared with", "对比对象", lang): tr(
                    f"control group ({r['n_control']:,} users)",
                    f"对照组（{r['n_control']:,} 人）",
                    lang,
                ),
                tr("Method", "检验方法", lang): method,
            }
        )
    return _by_first(pd.DataFrame(rows))


def format_effects(ev: Evaluation) -> pd.DataFrame:
    """The effect table as a manager reads it: formatted values, intervals at their level, adjusted p-values
    for the decision metrics (unadjusted for the secondary ones, labelled so)."""

    if ev.effects.empty:
        return pd.DataFrame()
    rows = []
    names = dict(zip(ev.summary.campaign_id, ev.summary.name, strict=False))
    for r in ev.effects.to_dict("records"):
        u = r["unit"]
        if u == "rate":
            lift = f"{r['abs_lift'] * 100:+.2f} pp [{r['ci_low'] * 100:+.2f}, {r['ci_high'] * 100:+.2f}]"
        else:
            lift = f"{r['abs_lift']:+,.2f} [{r['ci_low']:+,.2f}, {r['ci_high']:+,.2f}]"
        decision = r["role"] == "decision"
        rows.append(
            {
                "Campaign": names.get(r["campaign_id"], r["campaign_id"]),
                "Metric": r["label"],
                "Role": "decision" if decision else "secondary (not adjusted)",
                "Treatment": fmt_value(r["treatment"], u if u != "count" else None),
                "Control": fmt_value(r["control"], u if u != "count" else None),
                "Lift [CI]": f"{lift} ({ci_name(r['ci_level'])})",
                "Relative lift": "n/a" if pd.isna(r["rel_lift"]) else f"{r['rel_lift']:+.1%}",
                "p": f"{r['p_adjusted']:.3g} (adjusted)" if decision else f"{r['p_value']:.3g}",
                "Method": r["method"],
            }
        )
    return pd.DataFrame(rows)


def kpi_display(
    kpi: str, lang: str | None = None, *, code: str | None = None, channel: str | None = None
) -> str:
    """A KPI of :func:`kpi_layers` in the report language, by its ``kpi_code`` (``campaign_kpi.<code>`` in the
    glossary; ``channel`` fills the exposure KPI's name). Without a code the English name comes back as is."""
    if code is None or f"campaign_kpi.{code}" not in entries():
        return str(kpi)
    return name(f"campaign_kpi.{code}", lang).format(channel=channel)


def comparison_display(
    text: str,
    lang: str | None = None,
    *,
    code: str | None = None,
    baseline_days: int | None = None,
    n_campaign: int | None = None,
    n_baseline: int | None = None,
) -> str:
    """What a KPI's baseline is in the report language, by the ``comparison_code`` of :func:`kpi_layers` and
    its numbers (``baseline_days``; ``n_campaign``/``n_baseline`` users); without a code ``text`` as is."""
    if code == "before_after":
        d = int(baseline_days)
        return tr(
            f"the {d} days before (before/after, not an effect)", f"活动前 {d} 天（前后对比，非效果）", lang
        )
    if code == "participants":
        a, b = int(n_campaign), int(n_baseline)
        return tr(
            f"participants ({a:,}) vs other users ({b:,})",
            f"参与用户（{a:,} 人）对比其他用户（{b:,} 人）",
            lang,
        )
    return str(text)


def format_kpis(kpi: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The KPI layers as a manager reads them."""

    if kpi.empty:
        return kpi

    def fv(v, u):
        return f"{v:,.1f}" if u == "score" and v == v else fmt_value(v, None if u == "score" else u)

    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): kpi["name"],
                tr("Layer", "层级", lang): [label("campaign_kpi_layer", x, lang) for x in kpi["layer"]],
                tr("KPI", "指标", lang): [
                    kpi_display(
                        r.kpi, lang, code=getattr(r, "kpi_code", None), channel=getattr(r, "channel", None)
                    )
                    for r in kpi.itertuples()
                ],
                tr("During campaign", "活动期间", lang): [
                    fv(v, u) for v, u in zip(kpi["campaign"], kpi["unit"], strict=True)
                ],
                tr("Baseline", "基线", lang): [
                    fv(v, u) for v, u in zip(kpi["baseline"], kpi["unit"], strict=True)
                ],
                tr("Change", "变化", lang): [fmt_change(c) for c in kpi["change"]],
                tr("Baseline is", "基线口径", lang): [
                    comparison_display(
                        r.comparison,
                        lang,
                        code=getattr(r, "comparison_code", None),
                        baseline_days=getattr(r, "baseline_days", None),
                        n_campaign=getattr(r, "n_campaign", None),
                        n_baseline=getattr(r, "n_baseline", None),
                    )
                    for r in kpi.itertuples()
                ],  # fmt: skip
            }
        )
    )


def _yuan(x) -> str:
    return fmt_change(x, "yuan")


def _ci_cells(df: pd.DataFrame, key: str, point, bound) -> list[str]:
    """``point [low, high]`` for each row of ``key`` with its ``_ci_low`` / ``_ci_high`` columns."""
    cols = (df[key], df[f"{key}_ci_low"], df[f"{key}_ci_high"])
    return [f"{point(m)} [{bound(lo)}, {bound(hi)}]" for m, lo, hi in zip(*cols, strict=True)]


def format_segments(seg: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Segment lifts as a manager reads them (rates in %, lifts in pp, revenue lift in ¥, intervals)."""

    if seg.empty:
        return seg
    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): seg["name"],
                tr("Dimension", "维度", lang): [dimension_display(d, lang) for d in seg["dimension"]],
                tr("Segment", "分群", lang): [segment_display(s, lang) for s in seg["segment"]],
                tr("Users (treated / control)", "用户数（实验组 / 对照组）", lang): [
                    f"{a:,} / {b:,}" for a, b in zip(seg.n_treatment, seg.n_control, strict=True)
                ],
                tr("Conversion (treated / control)", "转化率（实验组 / 对照组）", lang): [
                    f"{a:.1%} / {b:.1%}"
                    for a, b in zip(seg.conversion_treatment, seg.conversion_control, strict=True)
                ],  # fmt: skip
                tr("Conversion lift [CI]", "转化率提升 [置信区间]", lang): _ci_cells(
                    seg, "lift_conversion", lambda x: f"{x * 100:+.1f} pp", lambda x: f"{x * 100:+.1f}"
                ),
                tr("Revenue per user lift [CI]", "人均成交额提升 [置信区间]", lang): _ci_cells(
                    seg, "lift_revenue_per_user", _yuan, _yuan
                ),
            }
        )
    )


def format_channels(ch: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Channel performance as a manager reads it (counts with separators, ¥, rates in %, n/a when unknown)."""

    def f(v, unit):
        return "n/a" if v != v else fmt_value(v, unit)

    return _by_first(
        pd.DataFrame(
            {
                tr("Channel", "渠道", lang): ch["channel"],
                tr("Impressions", "曝光量", lang): [f(v, "count") for v in ch["impressions"]],
                tr("Clicks", "点击量", lang): [f(v, "count") for v in ch["clicks"]],
                tr("CTR", "点击率 CTR", lang): [f(v, "rate") for v in ch["ctr"]],
                tr("Spend", "投放花费", lang): [f(v, "yuan") for v in ch["spend"]],
                tr("Orders", "订单数", lang): [f(v, "count") for v in ch["orders"]],
                tr("CVR (orders / clicks)", "转化率 CVR（订单/点击）", lang): [
                    f(v, "rate") for v in ch["cvr"]
                ],
                tr("GMV", "成交额 GMV", lang): [f(v, "yuan") for v in ch["gmv"]],
                tr("New buyers", "新买家数", lang): [f(v, "count") for v in ch["new_buyers"]],
                tr("CAC", "获客成本 CAC", lang): [f(v, "yuan") for v in ch["cac"]],
                "ROAS": [f(v, "ratio") for v in ch["roas"]],
                tr("ROI (margin)", "投资回报率 ROI（毛利）", lang): [
                    "n/a" if v != v else f"{v:+.0%}" for v in ch["roi"]
                ],
            }
        )
    )


def format_attribution(table: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Orders credited to each channel by each attribution model, with the channel's share of the orders."""

    if table.empty:
        return table
    models = [m for m in MODELS if m in table]
    out = pd.DataFrame({tr("Channel", "渠道", lang): table["channel"]})
    for m, cells in attribution_shares(table, models).items():
        out[model_display(m, lang)] = [f"{v:,.0f} ({share:.0%})" for v, share in cells]
    return _by_first(out)
