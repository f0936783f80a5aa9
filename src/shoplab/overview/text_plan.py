"""The overview's words for why GMV moved, the targets and the scorecard (:mod:`.drivers`, :mod:`.targets`,
:mod:`.scorecard`); re-exported by :mod:`.text`."""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..i18n import tr
from ..notebook import fmt_change, fmt_value


def kpi_label(key: str, lang: str | None = None) -> str:
    """A KPI's display name in the report language (glossary ``metric.<key>``)."""
    return labels.name(f"metric.{key}", lang)


# --- why it moved (shoplab.overview.drivers) -------------------------------------------------------------------

_DRIVER_NS = {"factor": "driver", "buyer_type": "buyer_type", "channel": "channel", "category": "category"}


def driver_name(dimension: str, driver: str, lang: str | None = None) -> str:
    """A driver's display name: a factor or buyer type from the glossary, a channel or category as the shop
    names it (``unknown`` for a missing one)."""
    if driver == "unknown":
        return tr("unknown", "未知", lang)
    return labels.label(_DRIVER_NS.get(dimension, dimension), driver, lang)


def _lead(top: pd.DataFrame) -> tuple[str, pd.DataFrame] | None:
    """The comparison the finding reports (previous month, else last year) and its rows of ``top``."""
    for comp in ("previous", "last_year"):
        t = top[top.comparison == comp] if len(top) else top
        if len(t):
            return comp, t.set_index("dimension")
    return None


def driver_sentence(top: pd.DataFrame, *, lang: str | None = None) -> str | None:
    """The sentence naming the largest driver of the GMV change (``top``: :func:`.drivers.largest_drivers`),
    against the previous month (the same month last year when the previous month is not covered); None when
    nothing moved."""
    lead = _lead(top)
    if lead is None or "factor" not in lead[1].index:
        return None
    comp, t = lead
    f = t.loc["factor"]
    against = labels.label("comparison", comp, lang)
    ch = fmt_change(f["change"], "yuan")
    name = driver_name("factor", f["driver"], lang)
    eff = fmt_change(f["effect"], "yuan")
    share = f["share_of_change"]
    share_en = f", {share:.0%} of the change" if 0 < share <= 1 else ""
    share_zh = f"，占变化的 {share:.0%}" if 0 < share <= 1 else ""
    en = f"Against the {against} (GMV {ch}), the largest driver was {name} ({eff}{share_en})"
    zh = f"较{against}（成交额 {ch}），最大的驱动因素是{name}（{eff}{share_zh}）"
    parts_en, parts_zh = [], []
    for dim, en_w, zh_w in (
        ("buyer_type", "", ""),
        ("channel", "channel ", "渠道"),
        ("category", "category ", "品类"),
    ):
        if dim in t.index:
            r = t.loc[dim]
            n, e = driver_name(dim, r["driver"], lang), fmt_change(r["effect"], "yuan")
            parts_en.append(f"{en_w}{n} {e}")
            parts_zh.append(f"{zh_w}{n} {e}")
    if parts_en:
        en += "; the largest contributions: " + ", ".join(parts_en)
        zh += "；贡献最大的是 " + "，".join(parts_zh)
    return tr(en + ".", zh + "。", lang)


def drivers_title(top: pd.DataFrame, comparison: str = "previous", *, lang: str | None = None) -> str:
    """The driver chart's title: the change and its largest factor for ``comparison``."""
    t = top[(top.comparison == comparison) & (top.dimension == "factor")] if len(top) else top
    against = labels.label("comparison", comparison, lang)
    if not len(t):
        return tr(f"GMV against the {against}: no change", f"成交额较{against}：无变化", lang)
    f = t.iloc[0]
    ch, name, eff = (
        fmt_change(f["change"], "yuan"),
        driver_name("factor", f["driver"], lang),
        fmt_change(f["effect"], "yuan"),
    )
    return tr(
        f"GMV {ch} against the {against}: largest driver {name} ({eff})",
        f"成交额较{against} {ch}：最大驱动因素为{name}（{eff}）",
        lang,
    )


def format_drivers(drivers: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The driver split as a manager reads it: one row per comparison, split and driver, effects in money."""
    rows = []
    for _, r in drivers.iterrows():
        unit = "yuan" if r["dimension"] != "factor" or r["driver"] == "aov" else None
        if r["dimension"] == "factor" and r["driver"] == "conversion":
            unit = "rate"
        elif r["dimension"] == "factor" and r["driver"] == "visitors":
            unit = "count"
        share = r["share_of_change"]
        rows.append(
            {
                tr("Against", "对比", lang): labels.label("comparison", r["comparison"], lang),
                tr("Split", "拆解", lang): labels.label("driver_dimension", r["dimension"], lang),
                tr("Driver", "驱动因素", lang): driver_name(r["dimension"], r["driver"], lang),
                tr("Base", "对比期", lang): fmt_value(r["base_value"], unit)
                if unit
                else f"{r['base_value']:.3f}",
                tr("This month", "本月", lang): fmt_value(r["value"], unit) if unit else f"{r['value']:.3f}",
                tr("Effect on GMV", "对成交额的影响", lang): fmt_change(r["effect"], "yuan"),
                tr("Share of change", "占变化比例", lang): "n/a" if pd.isna(share) else f"{share:.0%}",
            }
        )
    keys = [tr("Against", "对比", lang), tr("Split", "拆解", lang), tr("Driver", "驱动因素", lang)]
    return pd.DataFrame(rows, columns=[*keys, *(list(rows[0])[3:] if rows else [])]).set_index(keys)


def drivers_notes(drivers: pd.DataFrame, *, lang: str | None = None) -> list[str]:
    """Notes under the driver table: first-time buyers are first-time in the data, so a comparison month with
    less than a year of order history before it counts some returning buyers as new."""
    if drivers.empty or "history_months" not in drivers:
        return []
    short = drivers[drivers.history_months < 12].drop_duplicates("base")
    return [
        tr(
            f"The orders start {int(r.history_months)} month(s) before {r.base}: some of {r.base}'s first-time "
            "buyers had ordered before the data begins, so the new versus returning split against it overstates "
            "new buyers.",
            f"订单数据在 {r.base} 之前只有 {int(r.history_months)} 个月：{r.base} 的部分当月首购买家在数据起点之前已下过单，"
            "因此与该月对比的新老买家拆解高估了新买家。",
            lang,
        )
        for r in short.itertuples()
    ]


def drivers_axis_labels(lang: str | None = None) -> dict[str, str]:
    """Labels of the driver chart: the panels' titles and the effect axis."""
    return {
        "factor": tr("GMV bridge (LMDI)", "成交额因素拆解 (LMDI)", lang),
        "channel": tr("contribution by channel", "各渠道贡献", lang),
        "category": tr("contribution by category", "各品类贡献", lang),
        "effect": tr("effect on GMV", "对成交额的影响", lang),
    }


# --- targets and attainment (shoplab.overview.targets) ---------------------------------------------------------


def _pct(v) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{v:.1%}"


def targets_sentence(att: pd.DataFrame, *, lang: str | None = None) -> str | None:
    """The finding on the plan (``att``: :func:`.targets.attainment`): GMV's attainment for the period and year
    to date, and the full-year verdict only when a projection's interval decides it. None without a GMV target."""
    if "gmv" not in att.index:
        return None
    r = att.loc["gmv"]
    parts_en, parts_zh = [], []
    if not pd.isna(r["attainment"]):
        a, t = fmt_value(r["actual"], "yuan"), fmt_value(r["target"], "yuan")
        parts_en.append(f"GMV reached {_pct(r['attainment'])} of the month's target ({a} of {t})")
        parts_zh.append(f"成交额达成本月目标的 {_pct(r['attainment'])}（{a} / {t}）")
    if not pd.isna(r.get("ytd_attainment")):
        if r["ytd_basis"] == "monthly":
            share = r.get("plan_share")
            held_en = "" if pd.isna(share) else f" (they hold {_pct(share)} of the year's target)"
            held_zh = "" if pd.isna(share) else f"（计划截至本月应完成全年目标的 {_pct(share)}）"
            parts_en.append(f"year to date {_pct(r['ytd_attainment'])} of the plan's months so far{held_en}")
            parts_zh.append(f"年累计达成截至本月计划的 {_pct(r['ytd_attainment'])}{held_zh}")
        else:
            parts_en.append(f"year to date {_pct(r['ytd_attainment'])} of the yearly target")
            parts_zh.append(f"年累计完成年度目标的 {_pct(r['ytd_attainment'])}")
    if not parts_en:
        return None
    status = r.get("status")
    if status in ("on_track", "at_risk", "uncertain"):
        lo, hi = fmt_value(r["projection_low"], "yuan"), fmt_value(r["projection_high"], "yuan")
        st_en, st_zh = (
            labels.label("target_status", status, "en"),
            labels.label("target_status", status, "zh"),
        )
        end_en = f"; the full year is {st_en} (projected {lo} to {hi} against {fmt_value(r['year_target'], 'yuan')})"
        end_zh = f"；全年{st_zh}（预测 {lo} 至 {hi}，目标 {fmt_value(r['year_target'], 'yuan')}）"
    else:
        end_en = "; whether the year is on track is not judged: there is no full-year forecast with an interval of it"
        end_zh = "；全年是否能达成暂不判断：该指标没有带区间的全年预测"
    return tr("; ".join(parts_en) + end_en + ".", "；".join(parts_zh) + end_zh + "。", lang)


def format_targets(att: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The attainment table as a manager reads it (one row per metric with a target)."""
    rows = []
    for metric, r in att.iterrows():
        unit = r["unit"]
        basis = r.get("ytd_basis")
        status = r.get("status")
        note = tr(" (a ceiling: lower is better)", "（上限：越低越好）", lang) if r["lower_is_better"] else ""
        rows.append(
            {
                tr("KPI", "指标", lang): kpi_label(metric, lang) + note,
                tr("Target", "目标", lang): fmt_value(r["target"], unit),
                tr("Actual", "实际", lang): fmt_value(r["actual"], unit),
                tr("Attainment", "达成率", lang): _pct(r["attainment"]),
                tr("Year to date", "年累计达成率", lang): _pct(r.get("ytd_attainment")),
                tr("YTD against", "年累计对比", lang): labels.label("ytd_basis", basis, lang)
                if isinstance(basis, str)
                else "",
                tr("Full year", "全年", lang): labels.label("target_status", status, lang)
                if isinstance(status, str)
                else "",
            }
        )
    return pd.DataFrame(rows).set_index(tr("KPI", "指标", lang)) if rows else pd.DataFrame(rows)


def targets_notes(att: pd.DataFrame, scoped: int = 0, *, lang: str | None = None) -> list[str]:
    """Notes under the attainment table: the verdict's fallback, an incomplete YTD, scoped rows not compared."""
    out = []
    if len(att) and (att.get("status") == "not_judged").any():
        out.append(
            tr(
                "On track / at risk is decided from the interval of a full-year forecast, never from a point or a "
                "straight-line extrapolation. The forecast covers GMV and orders only, and runs only with enough "
                "daily history (see the forecast section); for the other KPIs, or without a forecast, the year is "
                "not judged. The year-to-date attainment and the share of the year's target the plan expected by "
                "now are shown instead.",
                "是否能达成全年目标，依据全年预测的区间判断，而不是点估计或线性外推。预测只覆盖成交额和订单数，且只在每日历史数据"
                "足够时运行（见销售预测部分）；其他指标或没有预测时，暂不判断全年。表中给出年累计达成率，以及计划截至本月应完成的全年目标比例。",
                lang,
            )
        )
    if len(att) and (att.get("ytd_complete") == False).any():  # noqa: E712 - a column of True/False/NaN
        out.append(
            tr(
                "The orders do not cover 1 January in full: year-to-date attainment is not computed.",
                "订单数据未完整覆盖 1 月 1 日起的全部时间：不计算年累计达成率。",
                lang,
            )
        )
    if scoped:
        out.append(
            tr(
                f"{scoped:,} targets scoped to a channel or a category are compared in their own table below.",
                f"另有 {scoped:,} 项按渠道或品类设定的目标，见下方单独的表格。",
                lang,
            )
        )
    return out


def format_scoped_targets(scoped: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The targets scoped to a channel or a category (:func:`.targets_scoped.scoped_attainment`) as a manager
    reads them: one row per scope and KPI; a row that is not compared says why."""
    rows = []
    for _, r in scoped.iterrows():
        scope = f"{labels.label('target_scope', r['scope'], lang)} {r['scope_value']}"
        compared = bool(r["compared"])
        unit = r["unit"]
        reason = r.get("reason")
        rows.append(
            {
                tr("Scope", "范围", lang): scope,
                tr("KPI", "指标", lang): kpi_label(r["metric"], lang),
                tr("Target", "目标", lang): fmt_value(r["target"], unit) if compared else "",
                tr("Actual", "实际", lang): fmt_value(r["actual"], unit) if compared else "",
                tr("Attainment", "达成率", lang): _pct(r["attainment"]) if compared else "",
                tr("Year to date", "年累计达成率", lang): _pct(r.get("ytd_attainment")) if compared else "",
                tr("Note", "说明", lang): labels.label("scoped_not_compared", reason, lang)
                if isinstance(reason, str)
                else "",
            }
        )
    keys = [tr("Scope", "范围", lang), tr("KPI", "指标", lang)]
    if not rows:
        return pd.DataFrame(rows)
    out = pd.DataFrame(rows).set_index(keys)
    note = tr("Note", "说明", lang)
    return out.drop(columns=note) if (out[note] == "").all() else out  # no empty column when all compare


def scoped_targets_notes(scoped: pd.DataFrame, *, lang: str | None = None) -> list[str]:
    """The note under the scoped targets: what a channel's and a category's figures are."""
    if not len(scoped):
        return []
    return [
        tr(
            "A channel's KPIs are those of the orders placed in it (orders.channel); a category's GMV shares out each "
            "order's amount by its lines' value, so the categories add up to the shop's GMV. New users, active users "
            "and conversion are not split by channel, and only GMV by category. The full year is not judged for a "
            "scope: the forecast is shop-wide.",
            "渠道的指标按该渠道下的订单计算（orders.channel）；品类成交额按订单各行金额比例分摊订单金额，各品类之和等于全店成交额。"
            "新用户、活跃用户与转化率不按渠道拆分，品类只拆分成交额。预测只针对全店，因此不判断各范围的全年达成。",
            lang,
        )
    ]


# --- the scorecard (shoplab.overview.scorecard) ----------------------------------------------------------------

_SCORE_WHY = {
    "no feedback table": ("no feedback table", "没有 feedback 表"),
    "no marketing_spend table": ("no marketing_spend table", "没有 marketing_spend 表"),
    "no orders": ("no orders", "没有订单"),
}


def _why(text: str, lang: str | None) -> str:
    en, zh = _SCORE_WHY.get(text, (text, None))
    if zh is None:  # the compute module's reason names tables, columns and months: the same in both languages
        zh = (
            text.replace("needs ", "需要 ")
            .replace("orders do not cover ", "订单未覆盖 ")
            .replace("no first-time buyers in ", "无首购买家：")
            .replace("no buyers before ", "此前无买家：")
            .replace("no NPS answers in ", "无 NPS 回答：")
            .replace("no paid orders in ", "无已支付订单：")
            .replace("no marketing spend in ", "无营销花费：")
            .replace("a marketing_spend table", "marketing_spend 表")
            .replace(" and ", " 和 ")
            .replace(", ", "、")
        )
    return tr(en, zh, lang)


def format_scorecard(sc: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The scorecard as a manager reads it: name, value (NPS with its 95% interval), what it rests on."""
    rows = []
    for code, r in sc.iterrows():
        missing = r["missing"] if isinstance(r["missing"], str) else None
        if missing:
            value = tr("n/a", "无", lang) + f" ({_why(r['missing'], lang)})"
        elif code == "nps":
            value = f"{r['value']:.1f} [{r['ci_low']:.1f}, {r['ci_high']:.1f}]"
        else:
            value = fmt_value(r["value"], r["unit"])
        basis = {
            "retention_12m": tr(
                f"{r['n']:,.0f} first-time buyers a year ago", f"一年前 {r['n']:,.0f} 位首购买家", lang
            ),
            "churn_rate": tr(
                f"{r['n']:,.0f} buyers not churned last month", f"上月末未流失买家 {r['n']:,.0f} 位", lang
            ),
            "nps": tr(f"{r['n']:,.0f} answers", f"{r['n']:,.0f} 份回答", lang),
            "gross_margin": tr(f"{r['n']:,.0f} paid orders", f"{r['n']:,.0f} 笔已支付订单", lang),
            "marketing_roi": tr("spend of the month", "当月营销花费", lang),
        }[code]
        rows.append(
            {
                tr("Scorecard", "平衡计分卡", lang): labels.label("scorecard", code, lang),
                tr("This month", "本月", lang): value,
                tr("Based on", "依据", lang): "" if missing else basis,
            }
        )
    return pd.DataFrame(rows).set_index(tr("Scorecard", "平衡计分卡", lang)) if rows else pd.DataFrame(rows)


def scorecard_notes(sc: pd.DataFrame, *, lang: str | None = None) -> list[str]:
    """One note per scorecard number that is skipped, naming what it needs."""
    return [
        tr(
            f"{labels.label('scorecard', code, 'en')} is skipped: {_why(r['missing'], 'en')}.",
            f"{labels.label('scorecard', code, 'zh')} 已跳过：{_why(r['missing'], 'zh')}。",
            lang,
        )
        for code, r in sc.iterrows()
        if isinstance(r["missing"], str)
    ]
