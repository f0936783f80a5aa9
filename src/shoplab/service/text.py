"""The service report's words: findings (where service falls short of its targets, what it likely costs, what to
fix first), chart titles, table headers and section notes. No statistics and no engine calls: each function
takes :class:`~.report.ServiceResults` or one of its parts."""

from __future__ import annotations

import math

import pandas as pd

from .. import labels
from ..i18n import get_lang, tr
from ..notebook import Finding, fmt_value
from .report import ServiceResults

__all__ = [
    "findings",
    "hour_title",
    "day_title",
    "carrier_title",
    "dsr_title",
    "returns_title",
    "worth_table",
    "agent_table",
    "causes_table",
    "skipped_note",
    "service_table",
    "delivery_table",
    "after_sales_table",
    "fix_first_table",
    "OPTIONAL_COLUMNS",
    "missing_columns_what",
    "examples_table",
]


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _s(seconds: float, lang=None) -> str:
    return fmt_value(seconds / 60, "duration", lang=lang)


def _service(r: ServiceResults, lang) -> list[Finding]:
    s = r.service
    if s is None or s.answered == 0:
        return []
    t = r.targets["first_response_s"]
    out = []
    short = s.within_target < 0.9
    en = (
        f"Customer service answered {fmt_value(s.within_target, 'rate')} of sessions within {_s(t, 'en')} "
        f"(median {_s(s.first_response_median_s, 'en')}, p90 {_s(s.first_response_p90_s, 'en')})"
    )
    zh = (f"客服在 {_s(t, 'zh')} 内首次响应的会话占 {fmt_value(s.within_target, 'rate')}（中位数 "
          f"{_s(s.first_response_median_s, 'zh')}，P90 {_s(s.first_response_p90_s, 'zh')}）")  # fmt: skip
    en += "; short of a 90% target." if short else "."
    zh += "，未达到 90% 的目标。" if short else "。"
    out.append(Finding(tr(en, zh, lang), "customer-service"))
    if not _nan(s.resolution_rate):
        below = s.resolution_rate < 0.9
        out.append(Finding(tr(
            f"Resolution rate {fmt_value(s.resolution_rate, 'rate')}"
            + (" (below the 90% that leading shops reach)." if below else "."),
            f"问题解决率 {fmt_value(s.resolution_rate, 'rate')}" + ("（低于领先店铺 90% 的水平）。" if below else "。"),
            lang), "customer-service"))  # fmt: skip
    p = r.promotion
    if p and not _nan(p["ratio"]):
        if p["ci_low"] > 1:
            out.append(Finding(tr(
                f"On promotion days agents took {p['ratio']:.2f}× as long to answer as on other days (95% CI "
                f"{p['ci_low']:.2f}-{p['ci_high']:.2f}×; {p['n_promo']:,} against {p['n_other']:,} sessions).",
                f"大促日人工客服首次响应时长是平日的 {p['ratio']:.2f} 倍（95% 置信区间 {p['ci_low']:.2f}-"
                f"{p['ci_high']:.2f} 倍；{p['n_promo']:,} 对 {p['n_other']:,} 个会话）。",
                lang), "by-day"))  # fmt: skip
        else:
            out.append(Finding(tr(
                f"No evidence that promotion days are slower to answer ({p['ratio']:.2f}×, 95% CI "
                f"{p['ci_low']:.2f}-{p['ci_high']:.2f}×).",
                f"没有证据表明大促日响应更慢（{p['ratio']:.2f} 倍，95% 置信区间 {p['ci_low']:.2f}-{p['ci_high']:.2f} 倍）。",
                lang), "by-day"))  # fmt: skip
    return out


def _reviews(r: ServiceResults, lang) -> list[Finding]:
    v = r.reviews
    if v is None:
        return []
    out = []
    if v.reviews:
        out.append(Finding(tr(
            f"Bad-review rate {fmt_value(v.bad_review_rate, 'rate')} ({v.bad_reviews:,} of {v.reviews:,} reviews "
            "rated 1-2).",
            f"差评率 {fmt_value(v.bad_review_rate, 'rate')}（{v.reviews:,} 条评价中 {v.bad_reviews:,} 条为 1-2 分）。",
            lang), "reviews"))  # fmt: skip
    dsr = {a: x for a, x in v.dsr.items() if not _nan(x)}
    if dsr:
        low = min(dsr, key=dsr.get)
        parts_en = ", ".join(f"{labels.label('dsr_aspect', a, 'en')} {x:.2f}" for a, x in dsr.items())
        parts_zh = "，".join(f"{labels.label('dsr_aspect', a, 'zh')} {x:.2f}" for a, x in dsr.items())
        out.append(Finding(tr(
            f"DSR over 180 days: {parts_en}; {labels.label('dsr_aspect', low, 'en').lower()} is the weakest.",
            f"近 180 天 DSR：{parts_zh}；{labels.label('dsr_aspect', low, 'zh')}最弱。",
            lang), "reviews"))  # fmt: skip
    c = r.causes
    if c is not None and len(c):
        t = c[(c.source == "text") & (c.cause != "other") & (c.reviews > 0)].sort_values(
            "reviews", ascending=False
        )
        if len(t):
            top = t.iloc[0]
            out.append(Finding(tr(
                f"The most frequent complaint in bad reviews' text is {labels.label('review_cause', top.cause, 'en')} "
                f"({fmt_value(top.share, 'rate')} of {int(top.base):,} bad reviews with text).",
                f"差评文本中最常见的问题是{labels.label('review_cause', top.cause, 'zh')}（{int(top.base):,} 条有文字的差评中占 "
                f"{fmt_value(top.share, 'rate')}）。",
                lang), "reviews"))  # fmt: skip
    return out


def _delivery(r: ServiceResults, lang) -> list[Finding]:
    d = r.delivery
    if d is None or d.shipments == 0:
        return []
    h, days = r.targets["ship_h"], r.targets["delivery_days"]
    out = [Finding(tr(
        f"{fmt_value(d.ship_within_target_rate, 'rate')} of orders shipped within {h:g} h; parcels took "
        f"{fmt_value(d.delivery_days_median, 'days', lang='en')} to arrive (median) and "
        f"{fmt_value(d.late_share, 'rate')} took longer than {days:g} days.",
        f"{fmt_value(d.ship_within_target_rate, 'rate')} 的订单在 {h:g} 小时内发货；包裹送达中位数 "
        f"{fmt_value(d.delivery_days_median, 'days', lang='zh')}，{fmt_value(d.late_share, 'rate')} 超过 {days:g} 天。",
        lang), "delivery")]  # fmt: skip
    return out


def _after(r: ServiceResults, lang) -> list[Finding]:
    a = r.after_sales
    if a is None or a.returns == 0:
        return []
    h = r.targets["after_sales_h"]
    out = [Finding(tr(
        f"Return rate {fmt_value(a.return_rate, 'rate')} ({a.returns:,} requests); "
        f"{fmt_value(a.responded_within_target, 'rate')} answered and {fmt_value(a.resolved_within_target, 'rate')} "
        f"resolved within {h:g} h; {fmt_value(a.refund_amount, 'yuan')} refunded.",
        f"退货率 {fmt_value(a.return_rate, 'rate')}（{a.returns:,} 笔申请）；{h:g} 小时内响应 "
        f"{fmt_value(a.responded_within_target, 'rate')}、解决 {fmt_value(a.resolved_within_target, 'rate')}；退款 "
        f"{fmt_value(a.refund_amount, 'yuan')}。",
        lang), "after-sales")]  # fmt: skip
    return out


def _worth(r: ServiceResults, lang) -> list[Finding]:
    w = r.worth
    out = []
    if w is None or not w.review:
        return out
    d = w.review.get("delivery_days")
    if d is not None:
        out.append(Finding(tr(
            f"Each extra day from order to delivery goes with a review score {abs(d.estimate):.2f} points "
            f"{'lower' if d.estimate < 0 else 'higher'} (95% CI {d.ci_low:.2f} to {d.ci_high:.2f}; {w.review_n:,} "
            "reviewed orders; an association, not proof of cause).",
            f"从下单到签收每多一天，评价分数{'低' if d.estimate < 0 else '高'} {abs(d.estimate):.2f} 分（95% 置信区间 "
            f"{d.ci_low:.2f} 至 {d.ci_high:.2f}；{w.review_n:,} 个已评价订单；为相关关系，并非因果证明）。",
            lang), "worth"))  # fmt: skip
    f = w.review.get("first_response_min")
    if f is not None:
        out.append(Finding(tr(
            f"Each extra minute of first response goes with a review score {abs(f.estimate):.2f} points "
            f"{'lower' if f.estimate < 0 else 'higher'} (95% CI {f.ci_low:.2f} to {f.ci_high:.2f}).",
            f"首次响应每慢一分钟，评价分数{'低' if f.estimate < 0 else '高'} {abs(f.estimate):.2f} 分（95% 置信区间 "
            f"{f.ci_low:.2f} 至 {f.ci_high:.2f}）。",
            lang), "worth"))  # fmt: skip
    lc = r.late_cost
    if lc is not None and lc["excess_days"] > 0:
        out.append(Finding(tr(
            f"Likely cost of late delivery: parcels arrive on average {lc['excess_days']:.2f} days after the "
            f"{r.targets['delivery_days']:g}-day target, which goes with a review score {abs(lc['score']):.2f} points "
            f"{'lower' if lc['score'] < 0 else 'higher'} (95% CI {lc['ci_low']:.2f} to {lc['ci_high']:.2f}).",
            f"物流延误的可能代价：包裹平均比 {r.targets['delivery_days']:g} 天目标晚 {lc['excess_days']:.2f} 天，对应评价分数"
            f"{'低' if lc['score'] < 0 else '高'} {abs(lc['score']):.2f} 分（95% 置信区间 {lc['ci_low']:.2f} 至 {lc['ci_high']:.2f}）。",
            lang), "worth"))  # fmt: skip
    rep = w.repurchase.get("delivery_days") if w.repurchase else None
    if rep is not None:
        if rep.ci_low <= 0 <= rep.ci_high:
            out.append(Finding(tr(
                f"No evidence that delivery days go with 90-day repurchase ({rep.estimate * 100:+.2f} pp per day, 95% "
                f"CI {rep.ci_low * 100:+.2f} to {rep.ci_high * 100:+.2f} pp; {w.repurchase_n:,} orders).",
                f"没有证据表明物流天数与 90 天复购相关（每天 {rep.estimate * 100:+.2f} 个百分点，95% 置信区间 "
                f"{rep.ci_low * 100:+.2f} 至 {rep.ci_high * 100:+.2f}；{w.repurchase_n:,} 个订单）。",
                lang), "worth"))  # fmt: skip
        else:
            out.append(Finding(tr(
                f"Each extra delivery day goes with 90-day repurchase {rep.estimate * 100:+.2f} pp (95% CI "
                f"{rep.ci_low * 100:+.2f} to {rep.ci_high * 100:+.2f} pp; an association).",
                f"物流每多一天，90 天复购率变化 {rep.estimate * 100:+.2f} 个百分点（95% 置信区间 {rep.ci_low * 100:+.2f} 至 "
                f"{rep.ci_high * 100:+.2f}；为相关关系）。",
                lang), "worth"))  # fmt: skip
    return out


def _fix(r: ServiceResults, lang) -> list[Finding]:
    f = r.fix_first
    en, zh = [], []
    if f["carrier"]:
        en.append(f"carrier {f['carrier'][0]} (median {f['carrier'][1]:.1f} days to deliver)")
        zh.append(f"承运商 {f['carrier'][0]}（送达中位数 {f['carrier'][1]:.1f} 天）")
    if f["agent"]:
        en.append(f"agent {f['agent'][0]} (typical first response {_s(f['agent'][1], 'en')})")
        zh.append(f"客服 {f['agent'][0]}（典型首次响应 {_s(f['agent'][1], 'zh')}）")
    if f["hour"]:
        h = int(f["hour"][0])
        en.append(f"the {h:02d}:00 hour (median first response {_s(f['hour'][1], 'en')})")
        zh.append(f"{h:02d}:00 时段（首次响应中位数 {_s(f['hour'][1], 'zh')}）")
    if not en:
        return []
    return [
        Finding(
            tr("Fix first: " + "; ".join(en) + ".", "优先改进：" + "；".join(zh) + "。", lang), "fix-first"
        )
    ]


def findings(r: ServiceResults, *, lang: str | None = None) -> list[Finding]:
    """Findings first: shortfalls against targets, what they likely cost, what to fix first (each linked to its
    section)."""
    return (
        _service(r, lang)
        + _delivery(r, lang)
        + _reviews(r, lang)
        + _after(r, lang)
        + _worth(r, lang)
        + _fix(r, lang)
    )


def hour_title(by_hour: pd.DataFrame, *, lang: str | None = None) -> str:
    d = by_hour[by_hour.sessions > 0]
    if d.empty or d.median_s.isna().all():
        return tr("First response by hour: no sessions", "分时段首次响应：无会话", lang)
    h = int(d.median_s.idxmax())
    return tr(f"First response is slowest at {h:02d}:00 (median by hour of day)",
              f"{h:02d}:00 首次响应最慢（按小时的中位数）", lang)  # fmt: skip


def day_title(by_day: pd.DataFrame, *, lang: str | None = None) -> str:
    return tr("First response by day (promotion days shaded)", "每日首次响应（阴影为大促日）", lang)


def carrier_title(by: pd.DataFrame, *, target_days: float, lang: str | None = None) -> str:
    if by is None or by.empty or by.days_median.isna().all():
        return tr("Delivery days by carrier", "各承运商物流时效", lang)
    slow = by.days_median.idxmax()
    return tr(f"{slow} is the slowest carrier (median delivery days; target {target_days:g})",
              f"{slow} 最慢（送达天数中位数；目标 {target_days:g} 天）", lang)  # fmt: skip


def dsr_title(trend: pd.DataFrame, *, lang: str | None = None) -> str:
    return tr("DSR scores, 180-day mean at each month's end", "DSR 评分（每月末近 180 天均值）", lang)


def returns_title(by_cat: pd.DataFrame, *, lang: str | None = None) -> str:
    if by_cat is None or by_cat.empty or by_cat.return_rate.isna().all():
        return tr("Return rate by category", "各品类退货率", lang)
    top = by_cat.return_rate.idxmax()
    return tr(f"{top} has the highest return rate", f"{top} 退货率最高", lang)


def worth_table(results: ServiceResults, *, lang: str | None = None) -> pd.DataFrame:
    """The two regressions as one table: outcome, term, estimate, 95% CI, p-value, orders."""
    w = results.worth
    rows = []
    if w is None:
        return pd.DataFrame()
    names = {"intercept": tr("intercept", "截距", lang), "delivery_days": tr("per delivery day", "每多一天物流", lang),
             "first_response_min": tr("per minute of first response", "首次响应每慢一分钟", lang),
             "has_session": tr("had a service session", "有客服会话", lang)}  # fmt: skip
    for outcome, fit, n in (
        (tr("review score", "评价分数", lang), w.review, w.review_n),
        (tr("90-day repurchase (share)", "90 天复购（比例）", lang), w.repurchase, w.repurchase_n),
    ):
        for term, res in (fit or {}).items():
            rows.append({tr("outcome", "结果", lang): outcome, tr("term", "变量", lang): names.get(term, term),
                         tr("estimate", "估计值", lang): round(res.estimate, 4),
                         tr("95% CI", "95% 置信区间", lang): f"{res.ci_low:.4f} – {res.ci_high:.4f}",
                         tr("p-value", "p 值", lang): fmt_value(res.p_value, "p"),
                         tr("orders", "订单数", lang): n})  # fmt: skip
    return pd.DataFrame(rows)


def agent_table(agents: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The agents table with headers in the report language (ids already pseudonymised)."""
    m = {"agent": tr("agent", "客服", lang), "sessions": tr("sessions", "会话数", lang),
         "answered": tr("answered", "已响应", lang), "median_s": tr("median first response (s)", "首响中位数（秒）", lang),
         "geo_mean_s": tr("typical first response (s)", "典型首响（秒）", lang),
         "geo_ci_low": tr("95% CI low", "95% 下限", lang), "geo_ci_high": tr("95% CI high", "95% 上限", lang),
         "within": tr("within target", "达标率", lang), "resolution_rate": tr("resolution rate", "解决率", lang),
         "mean_score": tr("mean rating", "平均评分", lang), "small": tr("few sessions", "样本少", lang)}  # fmt: skip
    return agents.rename(columns=m).round(3)


def causes_table(causes: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Causes of bad reviews with their glossary names."""
    if causes is None or causes.empty:
        return pd.DataFrame()
    d = causes.copy()
    src = {
        "aspect": tr("DSR aspect <= 2", "DSR 单项 <= 2 分", lang),
        "text": tr("review text", "评价文本", lang),
    }
    d["cause"] = [labels.label("dsr_aspect" if s == "aspect" else "review_cause", c, lang)
                  for s, c in zip(d.source, d.cause, strict=True)]  # fmt: skip
    d["source"] = d.source.map(src)
    return d.rename(columns={"source": tr("from", "来源", lang), "cause": tr("cause", "原因", lang),
                             "reviews": tr("bad reviews", "差评数", lang), "base": tr("out of", "基数", lang),
                             "share": tr("share", "占比", lang)}).round(3)  # fmt: skip


def skipped_note(table: str, *, lang: str | None = None) -> str:
    """The note of a section whose table is absent."""
    return tr(f"The data source has no {table} table (or no review rows): this section is skipped.",
              f"数据源中没有 {table} 表（或没有评价记录）：本节已跳过。", lang)  # fmt: skip


def _kv(rows, lang) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("measure", "指标", lang): k,
                tr("this month", "本月", lang): v,
                tr("previous month", "上月", lang): p,
            }
            for k, v, p in rows
        ]  # fmt: skip
    ).set_index(tr("measure", "指标", lang))


def service_table(r: ServiceResults, *, lang: str | None = None) -> pd.DataFrame:
    """Customer service's numbers, this month and the previous one, formatted."""
    s, p = r.service, r.service_previous
    t = r.targets["first_response_s"]

    def row(en, zh, attr, unit):
        def f(x):
            v = getattr(x, attr) if x is not None else None
            return _s(v, lang) if unit == "s" and not _nan(v) else fmt_value(v, unit if unit != "s" else None)

        return tr(en, zh, lang), f(s), f(p)

    return _kv([
        row("sessions", "会话数", "sessions", "count"),
        row("first response, median", "首次响应中位数", "first_response_median_s", "s"),
        row("first response, p90", "首次响应 P90", "first_response_p90_s", "s"),
        row(f"answered within {t:g} s", f"{t:g} 秒内响应占比", "within_target", "rate"),
        row("resolution rate", "问题解决率", "resolution_rate", "rate"),
        row("bot share", "机器人接待占比", "bot_share", "rate"),
        row("bot sessions handed to an agent", "机器人转人工占比", "handover_share", "rate"),
        row("mean session rating (1-5)", "会话平均评分（1-5）", "mean_score", "number"),
    ], lang)  # fmt: skip


def delivery_table(r: ServiceResults, *, lang: str | None = None) -> pd.DataFrame:
    """Delivery's numbers, this month and the previous one, formatted."""
    d, p = r.delivery, r.delivery_previous
    h, days = r.targets["ship_h"], r.targets["delivery_days"]

    def row(en, zh, attr, unit):
        def f(x):
            return fmt_value(getattr(x, attr) if x is not None else None, unit, lang=lang)

        return tr(en, zh, lang), f(d), f(p)

    return _kv([
        row("shipments", "发货包裹数", "shipments", "count"),
        row(f"shipped within {h:g} h", f"{h:g} 小时内发货占比", "ship_within_target_rate", "rate"),
        row("delivery days, median", "送达天数中位数", "delivery_days_median", "days"),
        row("delivery days, p90", "送达天数 P90", "delivery_days_p90", "days"),
        row(f"delivered later than {days:g} days", f"超过 {days:g} 天送达占比", "late_share", "rate"),
        row("shipments without their order (left out)", "找不到订单的包裹（未计入）", "unmatched", "count"),
    ], lang)  # fmt: skip


def after_sales_table(r: ServiceResults, *, lang: str | None = None) -> pd.DataFrame:
    """After-sales numbers, this month and the previous one, formatted."""
    a, p = r.after_sales, r.after_sales_previous
    h = r.targets["after_sales_h"]

    def row(en, zh, attr, unit):
        def f(x):
            return fmt_value(getattr(x, attr) if x is not None else None, unit, lang=lang)

        return tr(en, zh, lang), f(a), f(p)

    return _kv([
        row("return requests", "退货申请数", "returns", "count"),
        row("return rate", "退货率", "return_rate", "rate"),
        row(f"answered within {h:g} h", f"{h:g} 小时内响应占比", "responded_within_target", "rate"),
        row(f"resolved within {h:g} h", f"{h:g} 小时内解决占比", "resolved_within_target", "rate"),
        row("refunded (approved)", "退款金额（已同意）", "refund_amount", "yuan"),
        row("still pending", "处理中", "pending", "count"),
    ], lang)  # fmt: skip


def fix_first_table(r: ServiceResults, *, lang: str | None = None) -> pd.DataFrame:
    """The slowest agent, hour, carrier and province (:func:`~.report.fix_first`) as a table."""
    f = r.fix_first
    what = {"agent": (tr("agent", "客服", lang), "s"), "hour": (tr("hour of day", "时段", lang), "s"),
            "carrier": (tr("carrier", "承运商", lang), "days"), "province": (tr("province", "省份", lang), "days")}  # fmt: skip
    rows = []
    for k, (name, unit) in what.items():
        v = f[k]
        if v is None:
            continue
        shown = f"{int(v[0]):02d}:00" if k == "hour" else str(v[0])
        value = _s(v[1], lang) if unit == "s" else fmt_value(v[1], "days", lang=lang)
        rows.append({tr("what", "对象", lang): name, tr("slowest", "最慢", lang): shown,
                     tr("time", "时长", lang): value})  # fmt: skip
    cols = [tr("what", "对象", lang), tr("slowest", "最慢", lang), tr("time", "时长", lang)]
    return pd.DataFrame(rows, columns=cols).set_index(cols[0])  # the row's name, not a 0-3 position


#: the optional columns the report reads (the notebook's metadata "optional_columns" lists the same)
OPTIONAL_COLUMNS = {
    "service_sessions": ["first_response_ts", "order_id", "agent_id", "is_bot", "resolved", "topic", "score"],
    "shipments": ["delivered_ts", "carrier", "province"],
    "returns": ["item_id", "responded_ts", "resolved_ts", "reason", "amount", "status"],
    "feedback": ["aspect", "text", "order_id"],
    "orders": ["status"],
    "order_items": ["category"],
    "items": ["category"],
}


def missing_columns_what(*, lang: str | None = None) -> str:
    """What an absent optional column costs, for :func:`shoplab.notebook.missing_columns_note`."""
    return tr(
        "the numbers that need them are n/a or the tables that need them are empty (first response needs "
        "first_response_ts; the DSR needs feedback.aspect; the regressions need shipments.delivered_ts and "
        "feedback.order_id)",
        "依赖这些列的数字显示为 n/a 或相应表格为空（首次响应需要 first_response_ts；DSR 需要 feedback.aspect；"
        "回归需要 shipments.delivered_ts 与 feedback.order_id）",
        lang,
    )


def examples_table(examples: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Bad-review examples (users pseudonymised) with their causes by glossary name and headers in the report
    language."""
    if examples is None or examples.empty:
        return pd.DataFrame()
    d = examples.copy()
    d["causes"] = [
        ("、" if get_lang(lang) == "zh" else ", ").join(
            labels.label("review_cause", c.strip(), lang) for c in str(v).split(",") if c.strip()
        )
        for v in d.causes
    ]
    return d.rename(columns={"user": tr("user", "用户", lang), "ts": tr("time", "时间", lang),
                             "score": tr("rating", "评分", lang), "text": tr("text", "评价内容", lang),
                             "causes": tr("causes", "原因", lang)})  # fmt: skip
