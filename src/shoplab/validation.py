"""Contract validation: every check runs in the engine; only counts and one example row come back.

Errors (the data cannot be analysed correctly): a missing required column, a value that cannot be read as
the contract's type, nulls in a required column, duplicate keys (``order_id`` ...), negative amounts,
timestamps in the future, campaigns that end before they start, and a column with allowed values
(``orders.status``, ``campaign_assignments.group``, ``points.kind``, ``feedback.kind``) of which more than half
of the rows hold something else: the analyses rely on those values. In ``targets``: a period not of the form
YYYY-MM, YYYY-Qn or YYYY, a metric outside :data:`~shoplab.contract.TARGET_METRICS` (any row) and a target not
greater than 0.

Warnings (analysable, but say so in the report): references to unknown users/orders/campaigns, unknown
``status``/``group``/``kind`` values in fewer than half of the rows, scores outside their scale.

Every issue keeps a message code and its parameters (:attr:`Issue.code`, :attr:`Issue.params`); the sentence is
written at the edge, in English or Chinese (:meth:`Issue.text`).
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field, fields
from typing import Any

import ibis
import ibis.expr.types as ir

from .casting import id_text_columns, typed_table
from .contract import TABLES, TARGET_PERIOD_PATTERN
from .i18n import get_lang
from .messages import LEVELS_ZH, MESSAGES, VALUE_HINTS
from .messages import fmt as _fmt

__all__ = ["Issue", "ValidationReport", "validate_tables", "TOP_UNKNOWN"]

TOP_UNKNOWN = 5  # unknown values listed (most frequent first) in an unknown_value message

_SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "review": (1, 5)}
#: (table, later column, earlier column): the later one before the earlier one is an error.
_TIME_ORDER = (
    ("service_sessions", "first_response_ts", "start_ts"),
    ("service_sessions", "end_ts", "start_ts"),
    ("shipments", "delivered_ts", "shipped_ts"),
    ("returns", "responded_ts", "requested_ts"),
    ("returns", "resolved_ts", "requested_ts"),
)


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
        words = MESSAGES.get(self.code)
        if words is None or not self.params:
            return self.message
        try:
            return words[1 if get_lang(lang) == "zh" else 0](self.params)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):  # parameters of another version
            return self.message

    def level_text(self, lang: str | None = None) -> str:
        """``error`` / ``warning`` in ``lang``: 错误 / 警告 in Chinese."""
        return LEVELS_ZH.get(self.level, self.level) if get_lang(lang) == "zh" else self.level

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
            if col.kind == "number":  # NaN is not null in Parquet and would turn every sum into NaN
                checks.append(("error", col.name, "not_finite", tc.isnan() | tc.isinf(), {}, shown))
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
        for table, later, earlier in _TIME_ORDER:
            if name == table and {later, earlier} <= present:
                cond = t[later] < t[earlier]
                params = {"column": later, "start": earlier}
                checks.append(("error", later, "before_start", cond, params, keys + [earlier, later]))
        if name == "service_sessions" and "score" in present:
            cond = (t.score < 1) | (t.score > 5)
            checks.append(
                ("warning", "score", "session_score_range", cond, {"lo": 1, "hi": 5}, keys + ["score"])
            )
        if name == "campaigns" and "treatment_share" in present:
            cond = (t.treatment_share <= 0) | (t.treatment_share >= 1)
            checks.append(
                ("error", "treatment_share", "share_range", cond, {}, ["campaign_id", "treatment_share"])
            )
        if name == "targets" and "period" in present:
            cond = t.period.notnull() & ~t.period.strip().re_search(TARGET_PERIOD_PATTERN)
            checks.append(("error", "period", "target_period", cond, {}, ["period", "metric"]))
        if name == "targets" and "target" in present:
            cond = t.target <= 0
            checks.append(
                ("error", "target", "target_not_positive", cond, {}, ["period", "metric", "target"])
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
                if name == "targets":  # a target for an unknown metric is a typo: nothing could use it
                    level = "error"
                if bad > n / 2:  # the analyses rely on these values: most rows unusable is an error
                    level, code = "error", "unknown_value_majority"
                    own = {k: v for k, v in VALUE_HINTS.get(colname, {}).items() if v in params["allowed"]}
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
