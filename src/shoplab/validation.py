"""Contract validation: every check runs in the engine; only counts and one example row come back.

Errors (the data cannot be analysed correctly): a missing required column, a value that cannot be read as
the contract's type, nulls in a required column, duplicate keys (``order_id`` ...), negative amounts,
timestamps in the future, campaigns that end before they start.

Warnings (analysable, but say so in the report): references to unknown users/orders/campaigns, unknown
``status``/``group``/``kind`` values, scores outside their scale.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from .casting import id_text_columns, typed_table
from .contract import TABLES

__all__ = ["Issue", "ValidationReport", "validate_tables"]

_KIND_WORDS = {
    "timestamp": "a timestamp (ISO-8601, e.g. 2024-10-01 12:30:00)",
    "date": "a date (YYYY-MM-DD)",
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "id": "an identifier",
}
_SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "review": (1, 5)}


@dataclass
class Issue:
    """One finding of validation."""

    level: str  # "error" | "warning"
    table: str
    column: str | None
    check: str
    n_rows: int
    message: str
    example: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        ex = ""
        if self.example:
            ex = "; example row: " + ", ".join(f"{k}={_fmt(v)}" for k, v in self.example.items())
        return f"{where}: {self.message}{ex}"


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
                "example": {
                    k: v if isinstance(v, int | float | str | None) else str(v) for k, v in i.example.items()
                },
            }
            for i in self.issues
        ]
        return json.dumps({"row_counts": self.row_counts, "issues": issues})

    @classmethod
    def from_json(cls, text: str) -> ValidationReport:
        import json

        d = json.loads(text)
        return cls([Issue(**i) for i in d["issues"]], {k: int(v) for k, v in d["row_counts"].items()})

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
                issues.append(
                    Issue(
                        "error",
                        name,
                        col,
                        "missing_column",
                        0,
                        f"required column '{col}' is missing (columns present: {', '.join(r.columns)})",
                    )
                )
        # one aggregate query per table for all row-level checks
        checks: list[tuple[str, str, str, ir.BooleanValue, str, list[str]]] = []
        for col in spec.columns:
            if col.name not in present:
                continue
            rc, tc = t[f"__raw_{col.name}"], t[col.name]
            shown = keys + [col.name]
            if col.kind != "id" and col.kind != "string":
                checks.append(
                    (
                        "error",
                        col.name,
                        "unreadable",
                        rc.notnull() & tc.isnull(),
                        f"cannot be read as {_KIND_WORDS[col.kind]}",
                        shown,
                    )
                )
            if col.required:
                checks.append(
                    ("error", col.name, "null", rc.isnull(), "are empty (null) in a required column", keys)
                )
            if col.non_negative:
                checks.append(("error", col.name, "negative", tc < 0, "are negative", shown))
            if col.kind == "number":  # NaN is not null in Parquet and would turn every sum into NaN
                checks.append(
                    ("error", col.name, "not_finite", tc.isnan() | tc.isinf(), "are NaN or infinite", shown)
                )
            if col.kind == "timestamp":
                checks.append(
                    (
                        "error",
                        col.name,
                        "future",
                        tc > ibis.literal(now),
                        f"are in the future (after {now:%Y-%m-%d %H:%M})",
                        shown,
                    )
                )
            if col.allowed:
                allowed = ", ".join(col.allowed)
                checks.append(
                    (
                        "warning",
                        col.name,
                        "unknown_value",
                        tc.notnull() & ~tc.isin(col.allowed),
                        f"have a value outside {allowed} (they are left out of analyses that use it)",
                        shown,
                    )
                )
        if name == "campaigns" and {"start_ts", "end_ts"} <= present:
            checks.append(
                (
                    "error",
                    "end_ts",
                    "end_before_start",
                    t.end_ts < t.start_ts,
                    "end before they start",
                    ["campaign_id", "start_ts", "end_ts"],
                )
            )
        if name == "feedback" and {"kind", "score"} <= present:
            for kind, (lo, hi) in _SCORE_RANGES.items():
                checks.append(
                    (
                        "warning",
                        "score",
                        f"score_range_{kind}",
                        (t.kind == kind) & ((t.score < lo) | (t.score > hi)),
                        f"of kind {kind} have a score outside {lo}-{hi}",
                        ["user_id", "kind", "score"],
                    )
                )
        if name == "campaigns" and "treatment_share" in present:
            checks.append(
                (
                    "error",
                    "treatment_share",
                    "share_range",
                    (t.treatment_share <= 0) | (t.treatment_share >= 1),
                    "have a treatment_share outside (0, 1)",
                    ["campaign_id", "treatment_share"],
                )
            )
        aggs = {"__n": t.count()}
        for i, (_, _, _, cond, _, _) in enumerate(checks):
            aggs[f"c{i}"] = cond.fill_null(False).cast("int64").sum()
        res = t.aggregate(**aggs).execute().iloc[0]
        n = int(res["__n"])
        counts[name] = n
        for i, (level, colname, check, cond, words, shown) in enumerate(checks):
            bad = int(res[f"c{i}"] or 0)
            if bad:
                if check == "unreadable":  # show the value as it was written, not the failed cast
                    shown = [c for c in shown if c != colname] + [f"__raw_{colname}"]
                ex = _example(t, cond.fill_null(False), shown)
                ex = {k.removeprefix("__raw_"): v for k, v in ex.items()}
                issues.append(Issue(level, name, colname, check, bad, f"{bad:,} of {n:,} rows {words}", ex))
        # duplicate keys
        if spec.unique and set(spec.unique) <= present:
            cols = list(spec.unique)
            g = t.group_by(cols).aggregate(__k=t.count()).filter(ibis._["__k"] > 1)
            dup = g.aggregate(rows=g["__k"].sum(), keys=g.count()).execute().iloc[0]
            if dup["keys"]:
                ex = g.order_by(cols).limit(1).to_pandas().iloc[0].to_dict()
                key = ", ".join(f"{c}={_fmt(ex[c])}" for c in cols)
                issues.append(
                    Issue(
                        "error",
                        name,
                        ",".join(cols),
                        "duplicate",
                        int(dup["rows"]),
                        f"{int(dup['rows']):,} rows share their {'+'.join(cols)} with another row "
                        f"({int(dup['keys']):,} duplicated value(s)); example: {key} appears "
                        f"{int(ex['__k'])} times",
                    )
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
                issues.append(
                    Issue(
                        "warning",
                        name,
                        colname,
                        "reference_type",
                        0,
                        f"cannot be compared with {ref} ({exc.__class__.__name__})",
                    )
                )
                continue
            if bad:
                ex = (
                    miss.select(*dict.fromkeys(c for c in keys + [colname] if c in t.columns))
                    .limit(1)
                    .to_pandas()
                )
                issues.append(
                    Issue(
                        "warning",
                        name,
                        colname,
                        "unknown_reference",
                        bad,
                        f"{bad:,} of {n:,} rows refer to a {rc} that is not in {rt}",
                        ex.to_dict("records")[0] if len(ex) else {},
                    )
                )
    return ValidationReport(issues, counts)
