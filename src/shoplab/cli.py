"""Command line: ``shoplab sample``, ``shoplab validate``, ``shoplab report``."""

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
        only=args.only,
        params=params,
        out=args.out,
        notebooks_dir=args.notebooks,
        pdf=args.pdf,
        jobs=args.jobs,
    )
    return 1 if any(r.status == "failed" for r in results) else 0


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
        help="render the monthly HTML reports",
        epilog="exit codes: 0 every report ok or skipped, 1 a report failed, 2 refused (nothing run), "
        "130 interrupted",
    )
    r.add_argument("--source", help="folder of tables, .duckdb file; ${ENV} references allowed (required)")
    r.add_argument(
        "--period",
        help="month YYYY-MM (default: the latest complete month of the data, or its only month when none is complete)",
    )
    r.add_argument("--only", nargs="+", metavar="NAME", help="run only these reports")
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
