"""Command line: ``shoplab sample``, ``shoplab validate``, ``shoplab report``, ``shoplab import``."""

from __future__ import annotations

import argparse
import sys

from .errors import RunInterrupted, ShoplabError

__all__ = ["main"]


def _cmd_sample(args) -> int:
    from .sample import generate_shop

    truth = generate_shop(args.out, users=args.users, months=args.months, seed=args.seed)
    print(
        f"sample shop written to {args.out}: {truth['users']:,} users, {truth['months']} months "
        f"({truth['start']} .. {truth['end']}); planted truths in {args.out}/_truth.json"
    )
    return 0


def _cmd_validate(args) -> int:
    from .data import connect, require_any_table

    shop = connect(args.source)
    require_any_table(shop)
    report = shop.validation
    print(f"{shop.source}: tables {', '.join(shop.table_names) or 'none'}")
    print(report)
    return 1 if report.errors else 0


def _cmd_report(args) -> int:
    from .runner import help_params_text, parse_params, run_reports

    if args.help_params is not None:
        print(help_params_text(args.help_params or None, args.notebooks), end="")
        return 0
    if not args.source:
        args.parser.error("the following arguments are required: --source")
    params = parse_params(args.param)
    if args.lang:
        params["lang"] = args.lang
    _, results = run_reports(
        args.source,
        period=args.period,
        only=[n for x in args.only for n in x.split(",") if n] if args.only else None,
        params=params,
        out=args.out,
        notebooks_dir=args.notebooks,
        pdf=args.pdf,
        jobs=args.jobs,
    )
    return 1 if any(r.status == "failed" for r in results) else 0


# -- shoplab import (issue 18; docs/importing.md) ------------------------------------------------------------
def _cmd_import(args) -> int:
    from .importing import DEFAULT_SALT_ENV, FORMATS, import_files

    if args.list:
        width = max(map(len, FORMATS))
        for name, fmt in FORMATS.items():
            print(f"{name:<{width}}  {fmt.summary}")
        return 0
    usage = "shoplab import FORMAT PATH... --out DIR"
    missing = (
        f"give FORMAT, one or more PATHs and --out DIR: {usage} (formats: shoplab import --list)"
        if not args.format
        else f"give one or more export files or folders after {args.format}: {usage}"
        if not args.paths
        else f"--out DIR is missing: the folder to write the shop into ({usage})"
        if not args.out
        else None
    )
    if missing and args.format and args.format not in FORMATS:  # a mistyped format first: that is the mistake
        missing = None
    if missing:
        print(f"shoplab import: error: {missing}", file=sys.stderr)
        return 2
    options = {"mapping": args.mapping} if args.mapping else {}
    import_files(
        args.format,
        args.paths,
        args.out,
        timezone=args.timezone,
        currency=args.currency,
        salt_env=args.salt_env or DEFAULT_SALT_ENV,
        options=options,
        echo=print,
    )
    print(f"next: shoplab validate --source {args.out}")
    return 0


def _add_import_parser(sub) -> None:
    i = sub.add_parser(
        "import",
        help="bring a platform export or public data set into a contract folder",
        description="Import platform exports (Taobao, Shopify ...) or public data sets into a contract folder "
        "(Parquet) with an _import.json of what was read, written and dropped. See docs/importing.md.",
    )
    i.add_argument("format", nargs="?", metavar="FORMAT", help="export format (shoplab import --list)")
    i.add_argument(
        "paths", nargs="*", metavar="PATH", help="export files or folders (CSV, TSV, XLSX/XLS, .gz)"
    )
    i.add_argument("--out", metavar="DIR", help="contract folder to write (created; later imports add to it)")
    i.add_argument(
        "--timezone",
        metavar="ZONE",
        help="convert times written with an offset (-0500) to this zone, and epoch times (default Asia/Shanghai "
        "for epoch times only; without it an offset time keeps its written wall-clock time)",
    )
    i.add_argument("--currency", metavar="CODE", help="shop currency when the export has none (default CNY)")
    i.add_argument(
        "--salt-env",
        metavar="VAR",
        help="environment variable holding the salt for pseudonymous buyer ids (default SHOPLAB_SALT)",
    )
    i.add_argument("--mapping", metavar="FILE", help="TOML mapping file, for the format mapping")
    i.add_argument("--list", action="store_true", help="list the formats, one line each")
    i.set_defaults(func=_cmd_import)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shoplab", description="E-commerce user-operations reports.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="generate the deterministic sample shop")
    s.add_argument("--out", required=True, help="folder to write the shop into")
    s.add_argument("--users", type=int, default=10_000, help="number of users (default 10000)")
    s.add_argument("--months", type=int, default=14, help="number of whole months (default 14)")
    s.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    s.set_defaults(func=_cmd_sample)

    v = sub.add_parser("validate", help="check a data source against the data contract")
    v.add_argument(
        "--source", required=True, help="folder of tables, .duckdb file; ${ENV} references allowed"
    )
    v.set_defaults(func=_cmd_validate)

    r = sub.add_parser(
        "report",
        help="render the HTML reports of a month, quarter, year or date range",
        epilog="exit codes: 0 every report ok or skipped, 1 a report failed, 2 refused (nothing run), "
        "130 interrupted",
    )
    r.add_argument("--source", help="folder of tables, .duckdb file; ${ENV} references allowed (required)")
    r.add_argument(
        "--period",
        help="month YYYY-MM, quarter YYYY-Qn, year YYYY or days YYYY-MM-DD..YYYY-MM-DD (both included; compared "
        "with the same length just before and the same days last year); the output folder is named after it "
        "(default: the latest complete month of the data, or its only month when none is complete)",
    )
    r.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="run only these reports (--only a b, --only a,b and --only a --only b are the same)",
    )
    r.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="notebook parameter (JSON when it parses, else a string); repeatable",
    )
    r.add_argument("--out", default="reports", help="output folder (default reports)")
    r.add_argument("--notebooks", help="folder of report notebooks (default ./notebooks)")
    r.add_argument(
        "--lang",
        choices=["en", "zh"],
        help="report language: en (English) or zh (中文); default: each notebook's",
    )
    r.add_argument(
        "--jobs",
        type=int,
        help="notebooks to run at the same time (default: $SHOPLAB_JOBS, else 2 on a machine with 2+ cores)",
    )
    r.add_argument("--pdf", action="store_true", help="also print each report to PDF with headless Chromium")
    r.add_argument(
        "--help-params",
        nargs="*",
        metavar="NAME",
        help="list the parameters of every report (or of the named ones): type, default, allowed values",
    )
    r.set_defaults(func=_cmd_report, parser=r)
    _add_import_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RunInterrupted as exc:  # the folder's status.json and index say which reports finished
        print(f"shoplab {args.command}: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before a run started writing anything
        print(f"shoplab {args.command}: interrupted", file=sys.stderr)
        return 130
    except ShoplabError as exc:
        print(f"shoplab {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
