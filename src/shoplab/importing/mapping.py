"""``mapping``: any CSV/XLSX export described by a TOML mapping file (JD, Douyin 抖店, Youzan, an ERP ...).

The mapping names, per contract table, which export column fills which contract column, how text values map
to contract values, and how dates are written (docs/importing.md has a worked example)::

    [tables.orders]                        # the first table is the main one: one output row per input row
    pseudonymise = ["user_id"]             # salted pseudonyms (the default for user_id)
    address = "收货地址"                     # optional: province and city from an address; the rest is dropped
    [tables.orders.columns]                # contract (or extra) column = export column
    order_id = "订单号"
    user_id = "下单账号"
    ts = "下单时间"
    amount = "应付金额"
    status = "订单状态"
    [tables.orders.values.status]          # export value = contract value (others are kept as written)
    "完成" = "paid"
    "已取消" = "cancelled"
    [tables.orders.dates]                  # strptime formats, when the built-in reading is not enough
    ts = "%d.%m.%Y %H:%M"

    [tables.users]                         # further tables come from the same rows, one per key (last wins)
    [tables.users.columns]
    user_id = "下单账号"

Rows of the main table missing a required column, or holding a value its type cannot read, are dropped with the
reason. Export columns whose header names a person, a phone number, an e-mail or a street address cannot be
written unless pseudonymised.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd

from ..contract import TABLES
from .common import Context, Converted, Drops, Format, blank_rows, pseudonymise_ids
from .errors import ImportFormatError
from .parsing import RawFile, clean_text, find_column, parse_id, parse_number, parse_timestamp
from .store import KEYS
from .taobao import split_address

__all__ = ["MAPPING", "load_mapping"]

_TABLE_KEYS = {"columns", "values", "dates", "pseudonymise", "address"}
_PERSONAL = re.compile(
    r"(?i)姓名|收货人|收件人|联系人|电话|手机|地址|邮箱|身份证|支付宝|phone|mobile|e-?mail|address|street|zip|"
    r"\bname\b"
)


def load_mapping(path: str | Path) -> dict[str, dict]:
    """Read and check a mapping file: ``{table: {"columns", "values", "dates", "pseudonymise", "address"}}``."""
    p = Path(path).expanduser()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError:
        raise ImportFormatError(f"mapping file {p} does not exist or cannot be read") from None
    except tomllib.TOMLDecodeError as exc:
        raise ImportFormatError(f"mapping file {p} is not valid TOML: {exc}") from None
    tables = data.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise ImportFormatError(f"mapping file {p}: no [tables.NAME] section (e.g. [tables.orders.columns])")
    out = {}
    for name, spec in tables.items():
        where = f"mapping file {p}: [tables.{name}]"
        if name not in TABLES:
            raise ImportFormatError(f"{where}: {name} is not a contract table; tables: {', '.join(TABLES)}")
        if not isinstance(spec, dict):
            raise ImportFormatError(f"{where} must be a table of settings")
        unknown = sorted(set(spec) - _TABLE_KEYS)
        if unknown:
            raise ImportFormatError(
                f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_TABLE_KEYS))}"
            )
        columns = spec.get("columns", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ImportFormatError(
                f'{where}.columns must map contract columns to export columns, e.g. order_id = "订单号"'
            )
        missing = [c for c in TABLES[name].required if c not in columns]
        if missing:
            raise ImportFormatError(
                f"{where}.columns lacks the required contract column(s) {', '.join(missing)}"
            )
        pseudo = spec.get("pseudonymise", ["user_id"] if "user_id" in columns else [])
        if not isinstance(pseudo, list):
            raise ImportFormatError(f'{where}: pseudonymise must be a list of columns, e.g. ["user_id"]')
        for c, export in columns.items():
            if c not in pseudo and _PERSONAL.search(export) and not (c == "city" or c == "province"):
                raise ImportFormatError(
                    f"{where}.columns: {c} = {export!r} looks like personal data (a name, phone, e-mail or address); "
                    "it is written only pseudonymised: add it to pseudonymise, or map province and city with address"
                )
        out[name] = {
            "columns": dict(columns),
            "values": {k: {str(a): str(b) for a, b in v.items()} for k, v in spec.get("values", {}).items()},
            "dates": dict(spec.get("dates", {})),
            "pseudonymise": list(pseudo),
            "address": spec.get("address"),
        }
    return out


def _column(raw: RawFile, export: str) -> pd.Series:
    c = find_column(raw.frame.columns, export)
    return raw.frame[c]


def _convert(raw: RawFile, ctx: Context) -> Converted:
    mapping = ctx.options.get("mapping")
    if mapping is None:
        raise ImportFormatError(
            "format mapping needs a mapping file: shoplab import mapping FILE... --mapping MAP.toml"
        )
    spec = load_mapping(mapping) if not isinstance(mapping, dict) else mapping
    f = raw.frame
    wanted = sorted(
        {e for s in spec.values() for e in s["columns"].values()}
        | {s["address"] for s in spec.values() if s["address"]}
    )
    lacking = [e for e in wanted if find_column(f.columns, e) is None]
    if lacking:
        raise ImportFormatError(
            f"{raw.path.name} is not the layout the mapping describes: it lacks the column(s) {', '.join(lacking)}; "
            f"columns present: {', '.join(map(str, f.columns))}"
        )
    examples = tuple(
        find_column(f.columns, e)
        for s in spec.values()
        for c, e in s["columns"].items()
        if c not in s["pseudonymise"]
    )
    d = Drops(raw, tuple(dict.fromkeys(examples)))
    d.drop(("blank row", "空行"), blank_rows(f))
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    main = next(iter(spec))
    for name, s in spec.items():
        contract = TABLES[name]
        out: dict[str, pd.Series] = {}
        bad_rows = pd.Series(False, index=f.index)
        for c, export in s["columns"].items():
            text = clean_text(_column(raw, export))
            if c in s["values"]:
                text = text.map(lambda v, m=s["values"][c]: m.get(v, v) if v is not None else None)
            kind = contract.column(c).kind if contract.column(c) else "string"
            if c in s["pseudonymise"]:
                v, bad = pseudonymise_ids(text, ctx.salt), pd.Series(False, index=f.index)
            elif kind == "id":
                v, bad = parse_id(text)
            elif kind in ("timestamp", "date"):
                v, bad = parse_timestamp(text, timezone=ctx.timezone, fmt=s["dates"].get(c))
                if kind == "date":
                    v = v.dt.normalize()
            elif kind in ("number", "integer"):
                v, bad = parse_number(text)
                if kind == "integer":
                    bad = bad | (v.notna() & (v % 1 != 0))
            else:
                v, bad = text, pd.Series(False, index=f.index)
            req = contract.column(c) is not None and contract.column(c).required
            if name == main:
                d.drop((f"{c} ({export}) unreadable", f"{c}（{export}）无法识别"), bad)
                if req:
                    d.drop((f"no {c} ({export})", f"无 {c}（{export}）"), v.isna())
                if kind in ("timestamp",):
                    d.drop((f"{c} ({export}) in the future", f"{c}（{export}）在未来"), v > ctx.now)
                if contract.column(c) is not None and contract.column(c).non_negative:
                    d.drop((f"negative {c} ({export})", f"{c}（{export}）为负"), v < 0)
            else:
                bad_rows |= bad | (v.isna() if req else False)
            out[c] = v
        if s["address"]:
            out["province"], out["city"] = split_address(_column(raw, s["address"]))
        frame = pd.DataFrame(out)
        if name == main:
            key = KEYS.get(name)
            if key:
                dup = frame[list(key)].where(d.keep, None).duplicated(keep="last") & d.keep
                k = "+".join(key)
                d.drop(
                    (f"{k} repeated in the file (the last row kept)", f"文件中 {k} 重复（保留最后一行）"), dup
                )
            frame = frame[d.keep.to_numpy()]
        else:
            ok = d.keep & ~bad_rows
            if int((d.keep & bad_rows).sum()):
                notes.append(
                    f"{name}: {int((d.keep & bad_rows).sum()):,} rows without a readable required column left out"
                )
            frame = frame[ok.to_numpy()]
            key = KEYS.get(name)
            if key:
                frame = frame.drop_duplicates(list(key), keep="last")
        for c, kind in ((c.name, c.kind) for c in contract.columns):
            if c in frame.columns and kind == "integer":
                frame[c] = frame[c].astype("Int64")
        tables[name] = frame.reset_index(drop=True)
    return Converted(tables=tables, rows_read=len(f), rows_imported=int(d.keep.sum()), drops=d, notes=notes)


MAPPING = Format(
    name="mapping",
    summary="any CSV/XLSX export with a TOML mapping file (--mapping): JD, Douyin 抖店, Youzan, an ERP ...",
    columns=(),
    tables=tuple(TABLES),
    convert=_convert,
)
