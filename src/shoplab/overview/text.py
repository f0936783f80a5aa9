"""The overview's words: KPI names, the KPI table as a manager reads it, findings, chart titles and labels, the
refund note, and why GMV moved. No statistics and no engine calls: each function takes results of :mod:`.kpis`
and :mod:`.drivers`.

KPI names come from the glossary (``metric.<code>``, ``trend_metric.<code>``: src/shoplab/glossary/overview.toml).
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..currency import money_symbol
from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_value
from ..periods import Period
from .kpis import KPI_UNITS, RefundWindow, trend_summary

__all__ = [
    "forecast_findings",
    "forecast_skip_note",
    "warning_skip_note",
    "warning_findings",
    "format_forecast_totals",
    "format_backtest",
    "format_warning",
    "horizon_label",
    "fan_title",
    "fan_labels",
    "festival_name",
    "warning_title",
    "kpi_label",
    "format_summary",
    "findings",
    "trend_title",
    "trend_axis_labels",
    "peak_label",
    "refund_note",
    "driver_name",
    "driver_sentence",
    "drivers_title",
    "format_drivers",
    "drivers_axis_labels",
    "drivers_notes",
    "targets_sentence",
    "format_targets",
    "targets_notes",
    "format_scorecard",
    "scorecard_notes",
    "KPIS",
    "KPI_LABELS_ZH",
]


def kpi_label(key: str, lang: str | None = None) -> str:
    """A KPI's display name in the report language (glossary ``metric.<key>``)."""
    return labels.name(f"metric.{key}", lang)


#: KPI code -> (English name, unit), as before the glossary (kept for scripts that read it)
KPIS: dict[str, tuple[str, str]] = {k: (kpi_label(k, "en"), unit) for k, unit in KPI_UNITS.items()}
#: KPI code -> Chinese name (kept for scripts that read it)
KPI_LABELS_ZH: dict[str, str] = {k: kpi_label(k, "zh") for k in KPI_UNITS}


def _en(lang: str | None) -> bool:
    return tr("en", "zh", lang) == "en"


def _period(period) -> Period:
    """The period of a label (a month when not given: the wording of a monthly report)."""
    return Period.parse(period) if period is not None else Period(2000, 1)


def _vs_prev_zh(p: Period) -> str:
    """The Chinese word before a change on the previous period: 环比 (month, quarter), 同比 (a year), 较前 n 天."""
    return {"month": "环比", "quarter": "环比", "year": "同比"}.get(p.kind, f"较前 {p.days} 天")


def format_summary(summary: pd.DataFrame, *, lang: str | None = None, period=None) -> pd.DataFrame:
    """The KPI table as a manager reads it: formatted values and changes, n/a where not comparable.

    ``period`` (a quarter, a year, a range) names the columns; by default they read as a month's."""
    p = _period(period)
    if p.is_month:
        cols = [
            tr("This month", "本月", lang),
            tr("Previous month", "上月", lang),
            tr("Change", "环比", lang),
            tr("Same month last year", "去年同月", lang),
            tr("Change vs last year", "同比", lang),
        ]
    else:
        cols = [
            p.title(lang),
            f"{p.previous().title(lang)} ({p.previous_name(lang)})"
            if _en(lang)
            else f"{p.previous().title(lang)}（{p.previous_name(lang)}）",
            tr(f"Change vs {p.previous_name('en')}", _vs_prev_zh(p), lang),
            f"{p.year_ago().title(lang)} ({p.year_ago_name(lang)})"
            if _en(lang)
            else f"{p.year_ago().title(lang)}（{p.year_ago_name(lang)}）",
            tr(f"Change vs {p.year_ago_name('en')}", "较去年同期" if p.kind == "range" else "同比", lang),
        ]
    rows = []
    for _, r in summary.iterrows():
        values = [
            fmt_value(r["value"], r["unit"]),
            fmt_value(r["previous"], r["unit"]),
            fmt_change(r["change_mom"], r["change_kind"]),
            fmt_value(r["last_year"], r["unit"]),
            fmt_change(r["change_yoy"], r["change_kind"]),
        ]
        rows.append({tr("KPI", "指标", lang): r["label"], **dict(zip(cols, values, strict=True))})
    return pd.DataFrame(rows).set_index(tr("KPI", "指标", lang))


def findings(
    summary: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    *,
    period: str | None = None,
    refunds_incomplete: bool = False,
    drivers_top: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """Plain sentences backed by the numbers of the KPI table (and the daily trend, if given).

    With ``drivers_top`` (:func:`.drivers.largest_drivers`) the first finding also names the largest driver of
    the GMV change (:func:`driver_sentence`) and links to ``why-it-moved``; with ``targets``
    (:func:`.targets.attainment`) the second finding is GMV against its target (:func:`targets_sentence`).

    Each finding links to the section that shows its numbers (``key-numbers`` or ``daily-trend``).
    ``refunds_incomplete`` (from :func:`.kpis.refunds_incomplete`) marks the refund rate as still incomplete.
    """

    def s(key):
        return summary.loc[key]

    def F(en: str, zh: str, section: str = "key-numbers") -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    p = _period(period)
    prev_en, prev_zh = p.previous_name("en"), _vs_prev_zh(p)
    yoy_zh = "同比" if p.kind != "range" else "较去年同期"
    g = s("gmv")
    gv = fmt_value(g["value"], "yuan")
    en = f"GMV was {gv}" + (f" in {p.title('en')}" if period else "")
    zh = (f"{p.title('zh')} " if period else "本月") + f"成交额 {gv}"
    comps_en, comps_zh = [], []
    if not pd.isna(g["change_mom"]):
        comps_en.append(f"{fmt_change(g['change_mom'])} on {prev_en}")
        comps_zh.append(f"{prev_zh} {fmt_change(g['change_mom'])}")
    if not pd.isna(g["change_yoy"]) and p.year_ago() != p.previous():
        comps_en.append(f"{fmt_change(g['change_yoy'])} on {p.year_ago_name('en')}")
        comps_zh.append(f"{yoy_zh} {fmt_change(g['change_yoy'])}")
    first_en = en + (", " + " and ".join(comps_en) if comps_en else "") + "."
    first_zh = zh + ("，" + "，".join(comps_zh) if comps_zh else "") + "。"
    why = driver_sentence(drivers_top, lang=lang) if drivers_top is not None else None
    if why:
        out.append(Finding(tr(first_en + " ", first_zh, lang) + why, "why-it-moved"))
    else:
        out.append(F(first_en, first_zh))
    plan = targets_sentence(targets, lang=lang) if targets is not None else None
    if plan:
        out.append(Finding(plan, "targets"))
    b, a = s("buyers"), s("aov")
    nb, no, av = (
        fmt_value(b["value"], "count"),
        fmt_value(s("orders")["value"], "count"),
        fmt_value(a["value"], "yuan"),
    )
    out.append(
        F(
            f"{nb} buyers ({fmt_change(b['change_mom'])} on {prev_en}) placed {no} orders at {av} per order "
            f"({fmt_change(a['change_mom'])}).",
            f"{nb} 位买家（{prev_zh} {fmt_change(b['change_mom'])}）下单 {no} 笔，客单价 {av}（{prev_zh} {fmt_change(a['change_mom'])}）。",
        )
    )
    c = s("conversion")
    if not pd.isna(c["value"]):
        cv, act, ch = (
            fmt_value(c["value"], "rate"),
            fmt_value(s("active_users")["value"], "count"),
            fmt_change(c["change_mom"], "pp"),
        )
        out.append(
            F(
                f"{cv} of the {p.noun('en')}'s {act} active users bought ({ch} {p.vs_previous('en')}).",
                f"{p.this_name('zh')} {act} 位活跃用户中 {cv} 完成购买（{prev_zh} {ch}）。",
            )
        )
    r, rf = s("repurchase_rate"), s("refund_rate")
    rv, rc = fmt_value(r["value"], "rate"), fmt_change(r["change_mom"], "pp")
    fv, fc = fmt_value(rf["value"], "rate"), fmt_change(rf["change_mom"], "pp")
    open_en = ", still incomplete: late refunds are yet to come" if refunds_incomplete else ""
    open_zh = "，尚不完整：仍有退款未到" if refunds_incomplete else ""
    out.append(
        F(
            f"Repurchase rate: {rv} of buyers ordered twice or more ({rc}); refund rate {fv} ({fc}{open_en}).",
            f"复购率 {rv}：买家中下单两次及以上的占比（{prev_zh} {rc}）；退款率 {fv}（{prev_zh} {fc}{open_zh}）。",
        )
    )
    if trend is not None and len(trend):
        t = trend_summary(trend, "gmv")
        if t.total > 0 and _period(t.period).monthly:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best month was {t.peak_date:%Y-%m} with {tv} GMV ({share:.0%} of {p.title('en')}).",
                    f"成交最高的月份为 {t.peak_date:%Y-%m}，成交额 {tv}（占{p.title('zh')} {share:.0%}）。",
                    "daily-trend",
                )
            )
        elif t.total > 0 and not p.is_month:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best day was {t.peak_date:%Y-%m-%d} with {tv} GMV ({share:.0%} of the {p.noun('en')}).",
                    f"单日成交最高为 {t.peak_date:%Y-%m-%d}，成交额 {tv}（占{p.this_name('zh')} {share:.0%}）。",
                    "daily-trend",
                )
            )
        elif t.total > 0:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best day was {t.peak_date:%Y-%m-%d} with {tv} GMV ({share:.0%} of the month).",
                    f"单日成交最高为 {t.peak_date:%Y-%m-%d}，成交额 {tv}（占全月 {share:.0%}）。",
                    "daily-trend",
                )
            )
    return out


def trend_title(trend: pd.DataFrame, metric: str = "gmv", *, lang: str | None = None) -> str:
    """A chart title that states the finding of the daily (for a year: monthly) trend."""
    t = trend_summary(trend, metric)
    unit = "yuan" if metric in ("gmv", "net_sales") else "count"
    name = labels.label("trend_metric", metric, lang)
    p = _period(t.period)
    if not p.is_month:
        return _period_trend_title(t, p, name, unit, lang)
    if t.total == 0:
        return tr(f"{name} per day, {t.period}: no sales", f"{t.period} 每日{name}：无销售", lang)
    peak = fmt_value(t.peak_value, unit)
    title = tr(
        f"{name} per day, {t.period}: peak {peak} on {t.peak_date:%m-%d}",
        f"{t.period} 每日{name}：{t.peak_date:%m-%d} 达到峰值 {peak}",
        lang,
    )
    if t.previous_total:
        ch = fmt_change(t.change)
        title += tr(
            f"; month total {ch} vs {t.previous_period}", f"；全月合计较 {t.previous_period} {ch}", lang
        )
    return title


def _period_trend_title(t, p: Period, name: str, unit: str, lang: str | None) -> str:
    per_en, per_zh = ("month", "每月") if p.monthly else ("day", "每日")
    title_en, title_zh = p.title("en"), p.title("zh")
    if t.total == 0:
        return tr(f"{name} per {per_en}, {title_en}: no sales", f"{title_zh} {per_zh}{name}：无销售", lang)
    peak = fmt_value(t.peak_value, unit)
    when = f"{t.peak_date:%Y-%m}" if p.monthly else f"{t.peak_date:%m-%d}"
    title = tr(
        f"{name} per {per_en}, {title_en}: peak {peak} in {when}"
        if p.monthly
        else f"{name} per {per_en}, {title_en}: peak {peak} on {when}",
        f"{title_zh} {per_zh}{name}：{when} 达到峰值 {peak}",
        lang,
    )
    if t.previous_total:
        ch = fmt_change(t.change)
        prev = _period(t.previous_period)
        total_zh = {"quarter": "全季度合计", "year": "全年合计"}.get(p.kind, "期间合计")
        title += tr(
            f"; {p.noun('en')} total {ch} vs {prev.title('en')}",
            f"；{total_zh}较 {prev.title('zh')} {ch}",
            lang,
        )
    return title


def trend_axis_labels(metric: str, period: str, lang: str | None = None) -> tuple[str, str]:
    """The daily trend chart's x and y axis labels (for a year's monthly trend: per month)."""
    cur = money_symbol().strip()
    p = _period(period)
    if p.monthly:
        ylabels = {
            "gmv": (f"GMV ({cur} per month)", f"成交额（{cur}/月）"),
            "orders": ("orders per month", "订单数/月"),
            "buyers": ("buyers per month", "购买人数/月"),
        }
        xlabel = tr(f"month of {p.title('en')}", f"月份（{p.title('zh')} 的第几个月）", lang)
        return xlabel, tr(*ylabels.get(metric, (metric, metric)), lang)
    ylabels = {
        "gmv": (f"GMV ({cur} per day)", f"成交额（{cur}/天）"),
        "orders": ("orders per day", "订单数/天"),
        "buyers": ("buyers per day", "购买人数/天"),
    }
    if p.is_month:
        xlabel = tr(f"day of month ({period})", f"日期（{period} 的第几天）", lang)
    else:
        xlabel = tr(f"day of {p.title('en')}", f"日期（{p.title('zh')} 的第几天）", lang)
    return xlabel, tr(*ylabels.get(metric, (metric, metric)), lang)


def peak_label(date: pd.Timestamp, lang: str | None = None, *, monthly: bool = False) -> str:
    """The annotation at the peak of the daily trend chart (``monthly``: the peak month)."""
    if monthly:
        return tr(f"peak {date:%Y-%m}", f"峰值 {date:%Y-%m}", lang)
    return tr(f"peak {date:%m-%d}", f"峰值 {date:%m-%d}", lang)


def refund_note(window: RefundWindow, lang: str | None = None) -> str | None:
    """A note for the report when the month's refund rate is still incomplete (else None); ``window`` is from
    :func:`.kpis.refund_window`."""
    if not window.incomplete:
        return None
    label, settle_days, days = window.period, window.settle_days, window.days_after
    p = _period(label)
    if not p.is_month:
        return _period_refund_note(p, settle_days, days, lang)
    if days is None:
        where_en, where_zh = f"{label} is the latest month in the data", f"{label} 是数据中最新的月份"
    else:
        where_en = f"the data ends {days} day{'s' if days != 1 else ''} after {label}"
        where_zh = f"数据截止于 {label} 结束后第 {days} 天"
    return tr(
        f"Refund rate still incomplete: {where_en}, and refunds come in after the month (an order is taken as "
        f"settled {settle_days} days after it is placed). {label}'s refund rate will still rise, and its net "
        "sales fall, as late refunds arrive; compare it with earlier months with care.",
        f"退款率尚不完整：{where_zh}，而退款在下单后陆续发生（订单在下单 {settle_days} 天后才视为结清）。"
        f"随着后续退款到来，{label} 的退款率还会上升、净销售额还会下降；与此前月份比较时请谨慎。",
        lang,
    )


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
        end_en = "; whether the year is on track is not judged: there is no forecast with an interval yet"
        end_zh = "；全年是否能达成暂不判断：尚无带区间的预测"
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
                "straight-line extrapolation; this report has no forecast yet, so the year is not judged. The "
                "year-to-date attainment and the share of the year's target the plan expected by now are shown "
                "instead.",
                "是否能达成全年目标，依据全年预测的区间判断，而不是点估计或线性外推；本报告尚无预测，因此暂不判断。"
                "表中给出年累计达成率，以及计划截至本月应完成的全年目标比例。",
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
                f"{scoped:,} target rows scoped to a channel or a category are not compared yet.",
                f"有 {scoped:,} 行按渠道或品类设定的目标，暂未对比。",
                lang,
            )
        )
    return out


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


def _period_refund_note(p: Period, settle_days: int, days: int | None, lang: str | None) -> str:
    en_t, zh_t, noun = p.title("en"), p.title("zh"), p.noun("en")
    if days is None:
        where_en, where_zh = f"the data ends inside {en_t}", f"数据截止于 {zh_t} 之内"
    else:
        where_en = f"the data ends {days} day{'s' if days != 1 else ''} after {en_t}"
        where_zh = f"数据截止于 {zh_t} 结束后第 {days} 天"
    return tr(
        f"Refund rate still incomplete: {where_en}, and refunds come in after the order (an order is taken as "
        f"settled {settle_days} days after it is placed). The {noun}'s refund rate will still rise, and its net "
        f"sales fall, as late refunds arrive; compare it with the previous {noun} with care.",
        f"退款率尚不完整：{where_zh}，而退款在下单后陆续发生（订单在下单 {settle_days} 天后才视为结清）。"
        f"随着后续退款到来，{zh_t} 的退款率还会上升、净销售额还会下降；与此前时段比较时请谨慎。",
        lang,
    )


# --- forecast, backtest and early warning (shoplab.overview.forecast, .backtest, .warning) ---------------------

_UNIT = {"gmv": "yuan", "orders": "count", "buyers": "count", "conversion": "rate"}


def horizon_label(row: pd.Series, lang: str | None = None) -> str:
    """The name of a forecast total (a row of :attr:`.forecast.ForecastResult.totals`)."""
    h, label = row["horizon"], row["label"]
    if h == "month":
        whole = pd.Timestamp(row["start"]).day == 1
        return (
            tr(f"Next month ({label})", f"下月（{label}）", lang)
            if whole
            else tr(f"Rest of {label}", f"{label} 剩余天数", lang)
        )
    if h == "quarter":
        return tr(f"Rest of {label}", f"{label} 剩余月份", lang)
    if h == "year":
        return tr(f"Rest of {label}", f"{label} 年内剩余", lang)
    return tr(f"Full year {label} (actual + forecast)", f"{label} 全年（已实现 + 预测）", lang)


def _interval(lo: float, hi: float, unit: str) -> str:
    return f"{fmt_value(lo, unit)} – {fmt_value(hi, unit)}"


def forecast_findings(fc, bt, *, lang: str | None = None) -> list[Finding]:
    """Sentences on the forecast (``fc``, :class:`.forecast.ForecastResult`) and how far to trust it (``bt``,
    :class:`.backtest.BacktestResult`): next month, the full year, the backtest against its baseline."""
    out = []
    nm = fc.total("month", "gmv")
    if nm is not None:
        name = horizon_label(nm, "en"), horizon_label(nm, "zh")
        v, iv = fmt_value(nm["forecast"], "yuan"), _interval(nm["low95"], nm["high95"], "yuan")
        out.append(
            Finding(
                tr(
                    f"{name[0]}: GMV is forecast at {v} (95% interval {iv}; 80%: "
                    f"{_interval(nm['low80'], nm['high80'], 'yuan')}).",
                    f"{name[1]}成交额预测为 {v}（95% 区间 {iv}；80% 区间 {_interval(nm['low80'], nm['high80'], 'yuan')}）。",
                    lang,
                ),
                "forecast",
            )
        )
    fy = fc.total("full_year", "gmv")
    if fy is not None and fy["days"] > 0:
        v, iv = fmt_value(fy["forecast"], "yuan"), _interval(fy["low95"], fy["high95"], "yuan")
        done = fmt_value(fy["actual"], "yuan")
        out.append(
            Finding(
                tr(
                    f"The full year {fy['label']} is projected at {v} (95% interval {iv}): {done} to the period's "
                    f"end plus {fy['days']} days still to come.",
                    f"{fy['label']} 全年成交额预计 {v}（95% 区间 {iv}）：截至本期末已实现 {done}，另有 {fy['days']} 天待实现。",
                    lang,
                ),
                "forecast",
            )
        )
    if bt is not None:
        m, nv, cov = (
            fmt_value(bt.mape, "rate"),
            fmt_value(bt.naive_mape, "rate"),
            fmt_value(bt.coverage95, "rate"),
        )
        n_o = len(bt.by_origin)
        if bt.beats_baseline:
            en = (
                f"How reliable: over the last {n_o} months ({bt.days} days) the daily GMV forecast missed by {m} "
                f"on average (MAPE), better than a weekly seasonal naive forecast ({nv}); {cov} of days fell "
                "inside their 95% intervals."
            )
            zh = (
                f"预测可靠性：最近 {n_o} 个月（{bt.days} 天）回测中，每日成交额预测的平均误差 (MAPE) 为 {m}，"
                f"优于按上周同日的朴素预测（{nv}）；{cov} 的日子落在 95% 区间内。"
            )
        else:
            en = (
                f"How reliable: the forecast does not beat a weekly seasonal naive forecast over the last {n_o} "
                f"months (MAPE {m} against {nv}); read its point values with care ({cov} of days fell inside "
                "their 95% intervals)."
            )
            zh = (
                f"预测可靠性：最近 {n_o} 个月回测中，模型没有胜过按上周同日的朴素预测（MAPE {m}，朴素预测 {nv}），"
                f"请谨慎看待预测值（{cov} 的日子落在 95% 区间内）。"
            )
        if bt.coverage95 < 0.85:
            en += " The intervals were too narrow: more days fell outside than they allow."
            zh += " 区间偏窄：落在区间外的日子多于应有比例。"
        out.append(Finding(tr(en, zh, lang), "backtest"))
    return out


def forecast_skip_note(check, lang: str | None = None) -> str:
    """The note shown where the forecast and backtest sections skip (``check``: :class:`.backtest.HistoryCheck`)."""
    d = f"{check.first_origin:%Y-%m-%d}"
    return tr(
        f"Forecast and backtest skipped: the data has {check.days} days before {d}, the first of the six backtest "
        f"months, and the model needs at least {check.needed} (about eight weeks) before it. Their metrics are "
        "not written.",
        f"已跳过预测与回测：数据在回测首月 {d} 之前只有 {check.days} 天，模型至少需要 {check.needed} 天（约八周）。"
        "相关指标不写入 metrics.json。",
        lang,
    )


def warning_skip_note(period: str, lang: str | None = None) -> str:
    """The note shown where the early warning skips (too little history before the period)."""
    return tr(
        f"Early warning skipped: the data has too little history before {period} to fit its model "
        "(at least eight weeks).",
        f"已跳过预警：{period} 之前的历史数据不足以拟合模型（至少需要八周）。",
        lang,
    )


def format_forecast_totals(fc, lang: str | None = None) -> pd.DataFrame:
    """The forecast totals as a manager reads them: one row per horizon and metric."""
    rows = []
    for _, r in fc.totals.iterrows():
        u = _UNIT[r["metric"]]
        rows.append(
            {
                tr("Horizon", "时间范围", lang): horizon_label(r, lang),
                tr("Metric", "指标", lang): kpi_label(r["metric"], lang),
                tr("Forecast", "预测值", lang): fmt_value(r["forecast"], u),
                tr("80% interval", "80% 区间", lang): _interval(r["low80"], r["high80"], u),
                tr("95% interval", "95% 区间", lang): _interval(r["low95"], r["high95"], u),
            }
        )
    return pd.DataFrame(rows)


def format_backtest(bt, lang: str | None = None) -> pd.DataFrame:
    """The backtest by origin month, with the pooled row last."""
    rows = [*bt.by_origin.to_dict("records")]
    rows.append(
        dict(origin=tr("All", "合计", lang), days=bt.days, mape=bt.mape, naive_mape=bt.naive_mape,
             coverage80=bt.coverage80, coverage95=bt.coverage95)
    )  # fmt: skip
    out = pd.DataFrame(rows)
    for c in ("mape", "naive_mape", "coverage80", "coverage95"):
        out[c] = [fmt_value(v, "rate") for v in out[c]]
    return out.rename(
        columns={
            "origin": tr("Month forecast", "预测月份", lang),
            "days": tr("Days", "天数", lang),
            "mape": tr("MAPE (model)", "MAPE（模型）", lang),
            "naive_mape": tr("MAPE (weekly naive)", "MAPE（上周同日）", lang),
            "coverage80": tr("Inside 80% interval", "落入 80% 区间", lang),
            "coverage95": tr("Inside 95% interval", "落入 95% 区间", lang),
        }
    )


def warning_findings(w, *, lang: str | None = None) -> list[Finding]:
    """Sentences on the early warning (``w``: :class:`.warning.WarningResult`)."""
    f = w.flags
    pct = f"{w.band:.0%}"
    if not len(f):
        return [
            Finding(
                tr(
                    f"No day of {w.period} fell outside the {pct} band of GMV, orders or conversion expected from "
                    "the days before it.",
                    f"{w.period} 没有一天的成交额、订单数或转化率超出按此前数据预期的 {pct} 区间。",
                    lang,
                ),
                "early-warning",
            )
        ]
    days = f.date.nunique()
    top = f.loc[f.deviation.abs().idxmax()]
    name = kpi_label(top["metric"], lang)
    drv = labels.label("warning_factor", top["driver"], lang)
    ch, dch = fmt_change(top["deviation"]), fmt_change(top["driver_deviation"])
    return [
        Finding(
            tr(
                f"{days} day{'s' if days != 1 else ''} of {w.period} fell outside the {pct} band; the largest miss: "
                f"{name} on {top['date']:%Y-%m-%d}, {ch} against expectation, mostly {drv} ({dch}).",
                f"{w.period} 有 {days} 天超出 {pct} 区间；偏离最大的是 {top['date']:%Y-%m-%d} 的{name}，较预期 {ch}，"
                f"主要来自{drv}（{dch}）。",
                lang,
            ),
            "early-warning",
        )
    ]


def format_warning(w, lang: str | None = None) -> pd.DataFrame:
    """The flagged days: date, metric, actual, expected, band, deviation and the likely driver."""
    rows = []
    for _, r in w.flags.iterrows():
        u = _UNIT[r["metric"]]
        rows.append(
            {
                tr("Date", "日期", lang): f"{r['date']:%Y-%m-%d}",
                tr("Metric", "指标", lang): kpi_label(r["metric"], lang),
                tr("Actual", "实际", lang): fmt_value(r["actual"], u),
                tr("Expected", "预期", lang): fmt_value(r["expected"], u),
                tr("Band", "区间", lang): _interval(r["low"], r["high"], u),
                tr("Against expectation", "较预期", lang): fmt_change(r["deviation"]),
                tr("Likely driver", "主要原因", lang): f"{labels.label('warning_factor', r['driver'], lang)} "
                f"{fmt_change(r['driver_deviation'])}",
            }
        )
    return pd.DataFrame(rows)


def fan_title(fc, metric: str = "gmv", *, lang: str | None = None) -> str:
    """The fan chart's title: the next month's forecast with its interval."""
    nm = fc.total("month", metric)
    name = labels.label("trend_metric", metric, lang)
    if nm is None:
        return tr(f"{name} per day: history and forecast", f"每日{name}：历史与预测", lang)
    u = _UNIT[metric]
    v, iv = fmt_value(nm["forecast"], u), _interval(nm["low95"], nm["high95"], u)
    return tr(
        f"{name} per day: {nm['label']} forecast {v} in total (95%: {iv})",
        f"每日{name}：{nm['label']} 预计合计 {v}（95%：{iv}）",
        lang,
    )


def fan_labels(lang: str | None = None) -> dict[str, str]:
    """The fan chart's legend entries."""
    return {
        "history": tr("actual", "实际", lang),
        "forecast": tr("forecast (median)", "预测（中位数）", lang),
        "band80": tr("80% interval", "80% 区间", lang),
        "band95": tr("95% interval", "95% 区间", lang),
        "campaign": tr("campaign days", "活动日", lang),
    }


def festival_name(code: str, lang: str | None = None) -> str:
    """A festival's name (glossary ``festival.<code>``)."""
    return labels.label("festival", code, lang)


def warning_title(w, metric: str = "gmv", *, lang: str | None = None) -> str:
    """The early-warning chart's title: the metric's days against the band, and how many fell outside."""
    name = labels.label("trend_metric", metric, lang) if metric != "conversion" else kpi_label(metric, lang)
    n = int(w.daily[(w.daily.metric == metric)].flagged.sum())
    pct = f"{w.band:.0%}"
    return tr(
        f"{name} per day in {w.period} against the {pct} band expected from before: {n} day{'s' if n != 1 else ''} "
        "outside",
        f"{w.period} 每日{name}与按此前数据预期的 {pct} 区间：{n} 天超出",
        lang,
    )
