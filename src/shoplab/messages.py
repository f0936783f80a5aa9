"""Validation messages: a code and its parameters in, an English or Chinese sentence out.

:class:`shoplab.validation.Issue` keeps the code (``missing_column``, ``unknown_value`` ...) and the parameters;
the wording happens here, at the edge, in the report's language (see gbstats' ``messages.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MESSAGES", "LEVELS_ZH", "KIND_WORDS", "VALUE_HINTS", "fmt"]

KIND_WORDS = {
    "timestamp": (
        "a timestamp (ISO-8601, e.g. 2024-10-01 12:30:00)",
        "时间戳（ISO-8601，如 2024-10-01 12:30:00）",
    ),
    "date": ("a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "number": ("a number", "数字"),
    "integer": ("a whole number", "整数"),
    "string": ("text", "文本"),
    "id": ("an identifier", "标识符"),
    "boolean": ("true or false", "布尔值（true/false）"),
}

# common own words for the contract's values, suggested in the message when a source uses them
VALUE_HINTS: dict[str, dict[str, str]] = {
    "status": {
        "交易成功": "paid",
        "已付款": "paid",
        "已支付": "paid",
        "已完成": "paid",
        "已发货": "paid",
        "交易关闭": "cancelled",
        "已取消": "cancelled",
        "已关闭": "cancelled",
        "退款成功": "refunded",
        "已退款": "refunded",
        "completed": "paid",
        "success": "paid",
        "closed": "cancelled",
        "canceled": "cancelled",
        "refund": "refunded",
    },
    "group": {"实验组": "treatment", "对照组": "control", "test": "treatment", "holdout": "control"},
    "kind": {
        "获得": "earn",
        "发放": "earn",
        "兑换": "redeem",
        "使用": "redeem",
        "过期": "expire",
        "评价": "review",
        "评论": "review",
        "满意度": "csat",
    },
}


def _values_en(top: list, distinct: int) -> str:
    shown = ", ".join(f"{fmt(v)} ({k:,})" for v, k in top)
    return shown + (f" and {distinct - len(top):,} more" if distinct > len(top) else "")


def _values_zh(top: list, distinct: int) -> str:
    shown = "、".join(f"{fmt(v)}（{k:,} 行）" for v, k in top)
    return shown + (f" 等另外 {distinct - len(top):,} 种" if distinct > len(top) else "")


def _hints(p: dict) -> str:
    return ", ".join(f"{v} -> {to}" for v, to in p.get("hints", []))


def _majority_en(p: dict) -> str:
    hints = f" ({_hints(p)} ...)" if p.get("hints") else ""
    return (
        f"{p['bad']:,} of {p['n']:,} rows ({p['bad'] / p['n']:.0%}) have a value outside "
        f"{', '.join(p['allowed'])}, more than half, so the analyses that rely on this column cannot run. "
        f"Unknown values (rows): {_values_en(p['top'], p['distinct'])}. Map your own {p['column']} values to "
        f"{' / '.join(p['allowed'])}{hints} before validating; a profile can rename columns but not values yet"
    )


def _majority_zh(p: dict) -> str:
    hints = f"（{_hints(p)} ……）" if p.get("hints") else ""
    return (
        f"{p['n']:,} 行中有 {p['bad']:,} 行（{p['bad'] / p['n']:.0%}）的取值不在 {'、'.join(p['allowed'])} 之内，"
        f"超过一半，依赖该列的分析无法进行。未知取值（行数）：{_values_zh(p['top'], p['distinct'])}。"
        f"请先把自己的 {p['column']} 取值映射为 {' / '.join(p['allowed'])}{hints}再校验；"
        "配置文件（profile）目前只能重命名列，还不能映射取值"
    )


# message code -> (English, Chinese) wording of an issue's parameters
MESSAGES: dict[str, tuple[Callable[[dict], str], Callable[[dict], str]]] = {
    "missing_column": (
        lambda p: f"required column '{p['column']}' is missing (columns present: {', '.join(p['present'])})",
        lambda p: f"缺少必需列 '{p['column']}'（现有列：{'、'.join(p['present'])}）",
    ),
    "unreadable": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows cannot be read as {KIND_WORDS[p['kind']][0]}",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行无法读取为{KIND_WORDS[p['kind']][1]}",
    ),
    "null": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are empty (null) in a required column",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行在必需列中为空（null）",
    ),
    "negative": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are negative",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行为负数",
    ),
    "not_finite": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are NaN or infinite",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行为 NaN 或无穷大",
    ),
    "future": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are in the future (after {p['now']})",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的时间在未来（晚于 {p['now']}）",
    ),
    "unknown_value": (
        lambda p: (
            f"{p['bad']:,} of {p['n']:,} rows have a value outside {', '.join(p['allowed'])} (they are "
            f"left out of analyses that use it); unknown values (rows): {_values_en(p['top'], p['distinct'])}"
        ),
        lambda p: (
            f"{p['n']:,} 行中有 {p['bad']:,} 行的取值不在 {'、'.join(p['allowed'])} 之内（用到该列的分析不计"
            f"这些行）；未知取值（行数）：{_values_zh(p['top'], p['distinct'])}"
        ),
    ),
    "unknown_value_majority": (_majority_en, _majority_zh),
    "end_before_start": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows end before they start",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的结束时间早于开始时间",
    ),
    "before_start": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows have a {p['column']} before their {p['start']}",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的 {p['column']} 早于 {p['start']}",
    ),
    "session_score_range": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows have a score outside {p['lo']}-{p['hi']}",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的评分超出 {p['lo']}-{p['hi']}",
    ),
    "score_range": (
        lambda p: (
            f"{p['bad']:,} of {p['n']:,} rows of kind {p['kind']} have a score outside {p['lo']}-{p['hi']}"
        ),
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行 {p['kind']} 的评分超出 {p['lo']}-{p['hi']}",
    ),
    "target_period": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows have a period not of the form YYYY-MM, YYYY-Qn or YYYY",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的 period 不是 YYYY-MM、YYYY-Qn 或 YYYY 格式",
    ),
    "target_not_positive": (
        lambda p: (
            f"{p['bad']:,} of {p['n']:,} rows have a target of 0 or less (a target must be greater than 0)"
        ),
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的 target 小于或等于 0（目标值必须大于 0）",
    ),
    "share_range": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows have a treatment_share outside (0, 1)",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行的 treatment_share 不在 (0, 1) 之内",
    ),
    "duplicate": (
        lambda p: (
            f"{p['rows']:,} rows share their {'+'.join(p['cols'])} with another row ({p['keys']:,} "
            f"duplicated value(s)); example: {p['key']} appears {p['times']} times"
        ),
        lambda p: (
            f"{p['rows']:,} 行的 {'+'.join(p['cols'])} 与其他行重复（{p['keys']:,} 个重复值）；"
            f"例如 {p['key']} 出现 {p['times']} 次"
        ),
    ),
    "reference_type": (
        lambda p: f"cannot be compared with {p['ref']} ({p['error']})",
        lambda p: f"无法与 {p['ref']} 比较（{p['error']}）",
    ),
    "unknown_reference": (
        lambda p: (
            f"{p['bad']:,} of {p['n']:,} rows refer to a {p['ref_column']} that is not in {p['ref_table']}"
        ),
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行引用的 {p['ref_column']} 不在 {p['ref_table']} 中",
    ),
}
LEVELS_ZH = {"error": "错误", "warning": "警告"}


def fmt(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if v is None or (isinstance(v, float) and v != v):
        return "null"
    return str(v)
