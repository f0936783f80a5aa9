"""Casting raw tables to the contract's types, lazily in the engine (shared by loading and validation)."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from .contract import TABLES

__all__ = ["id_text_columns", "typed_table"]

_TARGET = {
    "timestamp": dt.Timestamp(),
    "date": dt.Date(),
    "number": dt.float64,
    "integer": dt.int64,
    "string": dt.string,
    "boolean": dt.boolean,
}


def id_text_columns(raw: dict[str, ir.Table]) -> dict[str, bool]:
    """For each id column name, whether any table holds it as text (then all tables use text)."""
    as_text: dict[str, bool] = {}
    for name, t in raw.items():
        for col in TABLES[name].columns:
            if col.kind == "id" and col.name in t.columns:
                is_text = not t.schema()[col.name].is_integer()
                as_text[col.name] = as_text.get(col.name, False) or is_text
    return as_text


def typed_table(name: str, t: ir.Table, id_text: dict[str, bool]) -> ir.Table:
    """Cast contract columns of table ``name`` to their contract types and apply the contract's defaults."""
    if True:
        schema = t.schema()
        repl: dict[str, ir.Value] = {}
        for col in TABLES[name].columns:
            if col.name not in t.columns:
                continue
            src = schema[col.name]
            c = t[col.name]
            if col.kind == "id":
                if id_text.get(col.name) and not src.is_string():
                    repl[col.name] = c.cast("string")
                elif src.is_integer() and src != dt.int64:
                    repl[col.name] = c.cast("int64")
                continue
            target = _TARGET[col.kind]
            if src == target or (col.kind == "timestamp" and src.is_timestamp() and src.timezone is None):
                continue
            if col.kind == "timestamp" and src.is_timestamp():
                repl[col.name] = c.cast(dt.Timestamp())
            elif src.is_string() or src.is_null():
                repl[col.name] = c.try_cast(target)
            elif col.kind == "integer" and src.is_floating():
                # out-of-range and non-finite values become null, which validation counts as unreadable
                repl[col.name] = c.try_cast(target)
            elif col.kind in ("number", "integer") and src.is_numeric():
                repl[col.name] = c.cast(target)
            elif col.kind in ("timestamp", "date") and (src.is_date() or src.is_timestamp()):
                repl[col.name] = c.cast(target)
            elif col.kind == "string":
                repl[col.name] = c.cast("string")
            else:
                repl[col.name] = c.try_cast(target)
        # defaults the contract promises, so that analyses can always use these columns
        if name == "orders":
            status = repl.get("status", t.status) if "status" in t.columns else ibis.literal(None, "string")
            repl["status"] = status.fill_null("paid")
        if name == "campaigns":
            share = (
                repl.get("treatment_share", t.treatment_share)
                if "treatment_share" in t.columns
                else ibis.literal(None, "float64")
            )
            repl["treatment_share"] = share.fill_null(0.5)
        return t.mutate(**repl) if repl else t
