"""Tables of the membership report as a manager reads them: display names of the codes the package writes
(stages, groups, movements, cohort bases) and result tables with formatted numbers and named columns.

``lang`` (``"en"``/``"zh"``) defaults to the report language set by :func:`shoplab.set_lang`.
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..i18n import tr
from ..notebook import fmt_value, styler
from ..notebook import format_table as _format_table

__all__ = ["display_name", "cohort_label", "display_table", "styled_table"]

#: Glossary namespaces of the codes the package writes into result tables (shoplab/glossary/membership.toml),
#: in the order :func:`display_name` looks a bare code up in (a code belongs to one of them).
NAMESPACES = ("stage", "member_group", "tier_movement", "cohort_basis")

# The namespace of the codes in each category column of a result table.
_COLUMN_NAMESPACE = {"group": "member_group", "lifecycle stage": "stage", "movement": "tier_movement"}

# Axis names of result matrices (index and column names), with their English and Chinese names.
_AXES = {
    "tier at start": ("tier at start", "期初等级"),
    "tier at end": ("tier at end", "期末等级"),
    "stage last month": ("stage last month", "上月阶段"),
    "stage this month": ("stage this month", "本月阶段"),
    "months_since": ("months since cohort month", "距同期群首月的月数"),
    "cohort": ("cohort", "同期群"),
    "lifecycle stage": ("lifecycle stage", "生命周期阶段"),
    "tier": ("tier", "会员等级"),
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


def display_name(value, lang: str | None = None, *, namespace: str | None = None) -> str:
    """The display name of a code the package writes (a stage, group, movement or cohort basis, from the
    glossary; ``namespace`` names its namespace, else :data:`NAMESPACES` are tried in turn) or of a result
    matrix's axis; other values (the shop's tier names) as they are."""
    code = str(value)
    entries = labels.entries()
    for ns in (namespace,) if namespace else NAMESPACES:
        if f"{ns}.{code}" in entries:
            return labels.name(f"{ns}.{code}", lang)
    pair = _AXES.get(code)
    return tr(*pair, lang) if pair else code


def cohort_label(basis: str, lang: str | None = None) -> str:
    """The axis name of cohorts by ``basis`` (``first_order``, ``join``, ``signup``)."""
    name = display_name(basis, lang, namespace="cohort_basis")
    return tr(f"cohort (month of {name})", f"同期群（{name}月份）", lang)


def display_table(
    df: pd.DataFrame, *, units: dict[str, str] | None = None, lang: str | None = None
) -> pd.DataFrame:
    """A result table as a manager reads it: numbers formatted (¥, %, thousands), codes in the category columns
    shown by their display names, columns named in the report language. ``units`` adds or overrides units."""
    out = df.copy()
    for col, ns in _COLUMN_NAMESPACE.items():
        if col in out.columns:
            # a group column also holds the outsiders' code (non-member: buyers without a tier or a stage)
            out[col] = [
                display_name(v, lang, namespace=ns if f"{ns}.{v}" in labels.entries() else None)
                for v in out[col]
            ]
    if "tier" in out.columns:
        out["tier"] = [labels.label("member_group", v, lang) if v == "non-member" else v for v in out["tier"]]
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
