"""Contract validation: every check runs in the engine; only counts and one example row come back.

Errors (the data cannot be analysed correctly): a missing required column, a value that cannot be read as
the contract's type, nulls in a required column, duplicate keys (``order_id`` ...), negative amounts,
timestamps in the future, campaigns that end before they start, and a column with allowed values
(``orders.status``, ``campaign_assignments.group``, ``points.kind``, ``feedback.kind``) of which more than half
of the rows hold something else: the analyses rely on those values.

Warnings (analysable, but say so in the report): references to unknown users/orders/campaigns, unknown
``status``/``group``/``kind`` values in fewer than half of the rows, scores outside their scale.

Every issue keeps a message code and its parameters (:attr:`Issue.code`, :attr:`Issue.params`); the sentence is
written at the edge, in English or Chinese (:meth:`Issue.text`).
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import ibis
import ibis.expr.types as ir

from .casting import id_text_columns, typed_table
from .contract import TABLES
from .i18n import get_lang

__all__ = ["Issue", "ValidationReport", "validate_tables", "TOP_UNKNOWN"]

TOP_UNKNOWN = 5  # unknown values listed (most frequent first) in an unknown_value message

_KIND_WORDS = {
    "timestamp": (
        "a timestamp (ISO-8601, e.g. 2024-10-01 12:30:00)",
        "时间戳（ISO-8601，如 2024-10-01 12:30:00）",
    ),
    "date": ("a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "number": ("a number", "数字"),
    "integer": ("a whole number", "整数"),
    "string": ("text", "文本"),
    "id": ("an identifier", "标识符"),
}
_SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "review": (1, 5)}

# common own words for the contract's values, suggested in the message when a source uses them
_VALUE_HINTS: dict[str, dict[str, str]] = {
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
    shown = ", ".join(f"{_fmt(v)} ({k:,})" for v, k in top)
    return shown + (f" and {distinct - len(top):,} more" if distinct > len(top) else "")


def _values_zh(top: list, distinct: int) -> str:
    shown = "、".join(f"{_fmt(v)}（{k:,} 行）" for v, k in top)
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
_MESSAGES: dict[str, tuple[Callable[[dict], str], Callable[[dict], str]]] = {
    "missing_column": (
        lambda p: f"required column '{p['column']}' is missing (columns present: {', '.join(p['present'])})",
        lambda p: f"缺少必需列 '{p['column']}'（现有列：{'、'.join(p['present'])}）",
    ),
    "unreadable": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows cannot be read as {_KIND_WORDS[p['kind']][0]}",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行无法读取为{_KIND_WORDS[p['kind']][1]}",
    ),
    "null": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are empty (null) in a required column",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行在必需列中为空（null）",
    ),
    "negative": (
        lambda p: f"{p['bad']:,} of {p['n']:,} rows are negative",
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行为负数",
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
    "score_range": (
        lambda p: (
            f"{p['bad']:,} of {p['n']:,} rows of kind {p['kind']} have a score outside {p['lo']}-{p['hi']}"
        ),
        lambda p: f"{p['n']:,} 行中有 {p['bad']:,} 行 {p['kind']} 的评分超出 {p['lo']}-{p['hi']}",
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
_LEVELS_ZH = {"error": "错误", "warning": "警告"}


@dataclass
class Issue:
    """One finding of validation.

    ``code`` names the message (a key of the message catalogue; by default the ``check``) and ``params`` holds
    its values, so that :meth:`text` can word it in either report language; ``message`` is the English wording.
    """

    level: str  # "error" | "warning"
    table: str
    column: str | None
    check: str
    n_rows: int
    message: str = ""
    example: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.code = self.code or self.check
        if not self.message:
            self.message = self.describe("en")

    def describe(self, lang: str | None = None) -> str:
        """The message (without table, column and example) in ``lang`` (default: the report language)."""
        words = _MESSAGES.get(self.code)
        if words is None or not self.params:
            return self.message
        try:
            return words[1 if get_lang(lang) == "zh" else 0](self.params)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):  # parameters of another version
            return self.message

    def level_text(self, lang: str | None = None) -> str:
        """``error`` / ``warning`` in ``lang``: 错误 / 警告 in Chinese."""
        return _LEVELS_ZH.get(self.level, self.level) if get_lang(lang) == "zh" else self.level

    def text(self, lang: str | None = None) -> str:
        """The whole line, ``table.column: message; example row: ...``, in ``lang`` (default: the report
        language); ``str(issue)`` is the English one."""
        zh = get_lang(lang) == "zh"
        where = f"{self.table}.{self.column}" if self.column else self.table
        ex = ""
        if self.example:
            ex = ("；示例行：" if zh else "; example row: ") + ", ".join(
                f"{k}={_fmt(v)}" for k, v in self.example.items()
            )
        return f"{where}{'：' if zh else ': '}{self.describe(lang)}{ex}"

    def __str__(self) -> str:
        return self.text("en")


def _fmt(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if v is None or (isinstance(v, float) and v != v):
        return "null"
    return str(v)


@dataclass
class ValidationReport:
    """All issues found, with row counts per table."""

    issues: list[Issue]
    row_counts: dict[str, int]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def tables_with_errors(self) -> set[str]:
        return {i.table for i in self.errors}

    def to_frame(self):
        import pandas as pd

        rows = [
            {
                "level": i.level,
                "table": i.table,
                "column": i.column,
                "check": i.check,
                "rows": i.n_rows,
                "message": str(i),
            }
            for i in self.issues
        ]
        return pd.DataFrame(rows, columns=["level", "table", "column", "check", "rows", "message"])

    def to_dict(self) -> dict:
        return {
            "row_counts": self.row_counts,
            "issues": [
                {
                    "level": i.level,
                    "table": i.table,
                    "column": i.column,
                    "check": i.check,
                    "rows": i.n_rows,
                    "message": str(i),
                    "code": i.code,
                    "params": _plain(i.params),
                }
                for i in self.issues
            ],
        }

    def to_json(self) -> str:
        """Everything needed to rebuild the report (:meth:`from_json`); example values become text."""
        import json

        issues = [
            {
                "level": i.level,
                "table": i.table,
                "column": i.column,
                "check": i.check,
                "n_rows": i.n_rows,
                "message": i.message,
                "example": {k: _plain(v) for k, v in i.example.items()},
                "code": i.code,
                "params": _plain(i.params),
            }
            for i in self.issues
        ]
        return json.dumps({"row_counts": self.row_counts, "issues": issues})

    @classmethod
    def from_json(cls, text: str) -> ValidationReport:
        import json

        d = json.loads(text)
        known = {f.name for f in fields(Issue)}  # a cache written by another version may have other keys
        issues = [Issue(**{k: v for k, v in i.items() if k in known}) for i in d["issues"]]
        return cls(issues, {k: int(v) for k, v in d["row_counts"].items()})

    def __str__(self) -> str:
        if not self.issues:
            tables = ", ".join(f"{t} ({n:,} rows)" for t, n in self.row_counts.items())
            return f"All tables pass the data contract: {tables}."
        lines = [f"{len(self.errors)} error(s), {len(self.warnings)} warning(s):"]
        lines += [f"  {i.level.upper():7s} {i}" for i in self.issues]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if not self.issues:
            return f"<p>{html.escape(str(self))}</p>"
        items = "".join(f"<li><b>{i.level}</b> {html.escape(str(i))}</li>" for i in self.issues)
        return f"<ul>{items}</ul>"


def _plain(v: Any) -> Any:
    """``v`` as JSON values (example values and parameters of other types become text)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v if isinstance(v, int | float | str | None) else str(v)


def _example(t: ir.Table, cond: ir.BooleanValue, cols: list[str]) -> dict[str, Any]:
    cols = list(dict.fromkeys(c for c in cols if c in t.columns))
    df = t.filter(cond).select(*cols).limit(1).to_pandas()
    if df.empty:
        return {}
    row = df.to_dict("records")[0]
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def _key_cols(name: str) -> list[str]:
    spec = TABLES[name]
    if spec.unique:
        return list(spec.unique)
    return [c.name for c in spec.columns if c.required][:3]


def _unknown_values(t: ir.Table, col: str, cond: ir.BooleanValue) -> tuple[list[list], int]:
    """The most frequent values of ``col`` where ``cond`` holds ([value, rows], most rows first) and how many
    distinct values there are."""
    g = t.filter(cond).group_by(col).aggregate(__k=ibis._.count())
    top = g.order_by([ibis.desc("__k"), col]).limit(TOP_UNKNOWN).to_pandas()
    distinct = int(g.count().execute())
    return [
        [_plain(v.item() if hasattr(v, "item") else v), int(k)]
        for v, k in zip(top[col], top["__k"], strict=True)
    ], distinct


def validate_tables(raw: dict[str, ir.Table], *, now=None) -> ValidationReport:
    """Validate raw tables (as read) against the contract, through their typed views."""
    now = now or _dt.datetime.now()
    now = _dt.datetime.fromisoformat(str(now)) if not isinstance(now, _dt.datetime) else now
    issues: list[Issue] = []
    counts: dict[str, int] = {}
    id_text = id_text_columns(raw)
    typed = {name: typed_table(name, r, id_text) for name, r in raw.items()}
    for name, r0 in raw.items():
        spec = TABLES[name]
        present = set(r0.columns)
        # keep a raw copy of every contract column beside its typed version, in one relation
        r = r0.mutate(**{f"__raw_{c}": r0[c] for c in present if spec.column(c)})
        t = typed_table(name, r, id_text)
        keys = _key_cols(name)
        for col in spec.required:
            if col not in present:
                params = {"column": col, "present": list(r0.columns)}
                issues.append(Issue("error", name, col, "missing_column", 0, params=params))
        # one aggregate query per table for all row-level checks: (level, column, check, condition, message
        # parameters besides the counts, columns of the example row)
        checks: list[tuple[str, str, str, ir.BooleanValue, dict[str, Any], list[str]]] = []
        for col in spec.columns:
            if col.name not in present:
                continue
            rc, tc = t[f"__raw_{col.name}"], t[col.name]
            shown = keys + [col.name]
            if col.kind != "id" and col.kind != "string":
                cond = rc.notnull() & tc.isnull()
                checks.append(("error", col.name, "unreadable", cond, {"kind": col.kind}, shown))
            if col.required:
                checks.append(("error", col.name, "null", rc.isnull(), {}, keys))
            if col.non_negative:
                checks.append(("error", col.name, "negative", tc < 0, {}, shown))
            if col.kind == "timestamp":
                cond = tc > ibis.literal(now)
                checks.append(("error", col.name, "future", cond, {"now": f"{now:%Y-%m-%d %H:%M}"}, shown))
            if col.allowed:
                cond = tc.notnull() & ~tc.isin(col.allowed)
                params = {"column": col.name, "allowed": list(col.allowed)}
                checks.append(("warning", col.name, "unknown_value", cond, params, shown))
        if name == "campaigns" and {"start_ts", "end_ts"} <= present:
            cond = t.end_ts < t.start_ts
            checks.append(
                ("error", "end_ts", "end_before_start", cond, {}, ["campaign_id", "start_ts", "end_ts"])
            )
        if name == "feedback" and {"kind", "score"} <= present:
            for kind, (lo, hi) in _SCORE_RANGES.items():
                cond = (t.kind == kind) & ((t.score < lo) | (t.score > hi))
                params = {"kind": kind, "lo": lo, "hi": hi}
                checks.append(
                    ("warning", "score", f"score_range_{kind}", cond, params, ["user_id", "kind", "score"])
                )
        if name == "campaigns" and "treatment_share" in present:
            cond = (t.treatment_share <= 0) | (t.treatment_share >= 1)
            checks.append(
                ("error", "treatment_share", "share_range", cond, {}, ["campaign_id", "treatment_share"])
            )
        aggs = {"__n": t.count()}
        for i, (_, _, _, cond, _, _) in enumerate(checks):
            aggs[f"c{i}"] = cond.fill_null(False).cast("int64").sum()
        res = t.aggregate(**aggs).execute().iloc[0]
        n = int(res["__n"])
        counts[name] = n
        for i, (level, colname, check, cond, params, shown) in enumerate(checks):
            bad = int(res[f"c{i}"] or 0)
            if not bad:
                continue
            if check == "unreadable":  # show the value as it was written, not the failed cast
                shown = [c for c in shown if c != colname] + [f"__raw_{colname}"]
            ex = _example(t, cond.fill_null(False), shown)
            ex = {k.removeprefix("__raw_"): v for k, v in ex.items()}
            params = {"bad": bad, "n": n, **params}
            code = "score_range" if check.startswith("score_range_") else check
            if check == "unknown_value":
                params["top"], params["distinct"] = _unknown_values(t, colname, cond.fill_null(False))
                if bad > n / 2:  # the analyses rely on these values: most rows unusable is an error
                    level, code = "error", "unknown_value_majority"
                    own = {k: v for k, v in _VALUE_HINTS.get(colname, {}).items() if v in params["allowed"]}
                    params["hints"] = [[v, own[v]] for v, _ in params["top"] if v in own]
            issues.append(Issue(level, name, colname, check, bad, example=ex, code=code, params=params))
        # duplicate keys
        if spec.unique and set(spec.unique) <= present:
            cols = list(spec.unique)
            g = t.group_by(cols).aggregate(__k=t.count()).filter(ibis._["__k"] > 1)
            dup = g.aggregate(rows=g["__k"].sum(), keys=g.count()).execute().iloc[0]
            if dup["keys"]:
                ex = g.order_by(cols).limit(1).to_pandas().iloc[0].to_dict()
                params = {
                    "rows": int(dup["rows"]),
                    "keys": int(dup["keys"]),
                    "cols": cols,
                    "key": ", ".join(f"{c}={_fmt(ex[c])}" for c in cols),
                    "times": int(ex["__k"]),
                }
                issues.append(
                    Issue("error", name, ",".join(cols), "duplicate", params["rows"], params=params)
                )
        # references to other tables (warnings)
        for colname, ref in spec.references.items():
            rt, rc = ref.split(".")
            if colname not in present or rt not in typed or rc not in typed[rt].columns:
                continue
            other = typed[rt].select(__ref=typed[rt][rc]).distinct()
            try:
                miss = t.filter(t[colname].notnull()).anti_join(other, t[colname] == other["__ref"])
                bad = int(miss.count().execute())
            except Exception as exc:  # incomparable id types
                params = {"ref": ref, "error": exc.__class__.__name__}
                issues.append(Issue("warning", name, colname, "reference_type", 0, params=params))
                continue
            if bad:
                ex = (
                    miss.select(*dict.fromkeys(c for c in keys + [colname] if c in t.columns))
                    .limit(1)
                    .to_pandas()
                )
                params = {"bad": bad, "n": n, "ref_column": rc, "ref_table": rt}
                example = ex.to_dict("records")[0] if len(ex) else {}
                issues.append(
                    Issue("warning", name, colname, "unknown_reference", bad, example=example, params=params)
                )
    return ValidationReport(issues, counts)
