"""Benchmark: validation and the overview on a generated shop, against a straightforward pandas version.

    .venv/bin/python benchmarks/bench_overview.py [--users 100000] [--write docs/benchmarks.md]

Generates the sample shop (cached under data/bench/, ignored by git), then runs each step in a fresh
process and reports wall time and peak memory (max RSS of that process):

* ``validate``: ``shoplab.connect`` (reading the files and every contract check, in DuckDB);
* ``overview-kpis``: the overview's KPI table (this month, previous, last year) and daily trend, in DuckDB;
* ``pandas-kpis``: the same KPIs with plain pandas (read the Parquet files, filter, group), checked equal;
* ``overview-forecast``: the forecast, its six-origin backtest and the early warning (statsmodels fits on the
  daily series; the conversion series of the warning reads the events), each timed;
* ``overview-compute`` / ``overview-compute-no-forecast``: :func:`shoplab.overview.compute_report` (every number
  of the notebook, without rendering) with ``forecasts=True`` and ``forecasts=False``; their difference is what
  the forecast, its backtest and the early warning add (issue 22);
* ``overview-report``: the whole ``shoplab report --only overview`` (kernel start, notebook, HTML).

Steps can also be run one at a time, each in its own process, on any shop:
``python benchmarks/bench_overview.py --child overview-compute --source <shop> --period 2026-10``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from harness import ensure_shop, machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]


def step_validate(src: str, period: str) -> dict:
    import shoplab

    shop = shoplab.connect(src)
    return {"rows": shop.validation.row_counts, "errors": len(shop.validation.errors)}


def step_overview(src: str, period: str) -> dict:
    import shoplab
    from shoplab import overview

    shop = shoplab.connect(src, validate=False)
    s = overview.kpi_summary(shop, period)
    overview.daily_trend(shop, period)
    return {k: float(v) for k, v in s["value"].items()}


def step_forecast(src: str, period: str) -> dict:
    import shoplab
    from shoplab.overview import backtest, forecast, warning

    shop = shoplab.connect(src, validate=False)
    out = {}
    for name, f in (
        ("forecast", forecast.forecast),
        ("backtest", backtest.backtest),
        ("early_warning", warning.early_warning),
    ):
        t0 = time.perf_counter()
        f(shop, period=period)
        out[name] = time.perf_counter() - t0
    return out


def _compute(src: str, period: str, forecasts: bool) -> dict:
    import shoplab
    from shoplab import overview

    r = overview.compute_report(shoplab.connect(src, validate=False), period=period, forecasts=forecasts)
    return {"gmv": float(r.summary["value"]["gmv"]), "forecast": r.forecast is not None}


def step_compute(src: str, period: str) -> dict:
    return _compute(src, period, True)


def step_compute_no_forecast(src: str, period: str) -> dict:
    return _compute(src, period, False)


def pandas_month(orders, users, events, start, end) -> dict:
    import pandas as pd

    o = orders[(orders.ts >= start) & (orders.ts < end) & orders.status.isin(["paid", "refunded"])]
    per_user = o.groupby("user_id").size()
    e = events[(events.ts >= start) & (events.ts < end)]
    visitors = e.user_id.unique()
    buyers = o.user_id.unique()
    dau = e.groupby(e.ts.dt.date).user_id.nunique().sum() / (end - start).days
    return {
        "gmv": o.amount.sum(),
        "net_sales": o.amount[o.status == "paid"].sum(),
        "orders": len(o),
        "buyers": len(buyers),
        "aov": o.amount.sum() / len(o),
        "new_users": int(((users.signup_ts >= start) & (users.signup_ts < end)).sum()),
        "active_users": len(visitors),
        "dau": dau,
        "stickiness": dau / len(visitors),
        "conversion": pd.Index(visitors).isin(buyers).sum() / len(visitors),
        "repurchase_rate": (per_user >= 2).mean(),
        "refund_rate": (o.status == "refunded").mean(),
    }


def step_pandas(src: str, period: str) -> dict:
    import pandas as pd

    folder = Path(src)

    def read(name, columns=None):
        p = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
        return pd.read_parquet(p, columns=columns)

    orders = read("orders", ["order_id", "user_id", "ts", "amount", "status"])
    users = read("users", ["user_id", "signup_ts"])
    events = read("events", ["user_id", "ts"])
    start = pd.Timestamp(period + "-01")
    out = {}
    for label, s in (
        ("cur", start),
        ("prev", start - pd.offsets.MonthBegin(1)),
        ("ya", start - pd.DateOffset(years=1)),
    ):
        out[label] = pandas_month(orders, users, events, s, s + pd.offsets.MonthBegin(1))
    # daily trend
    o = orders[orders.status.isin(["paid", "refunded"])]
    o[(o.ts >= start - pd.offsets.MonthBegin(1)) & (o.ts < start + pd.offsets.MonthBegin(1))].groupby(
        o.ts.dt.date
    ).agg(gmv=("amount", "sum"), orders=("order_id", "size"), buyers=("user_id", "nunique"))
    return {k: float(v) for k, v in out["cur"].items()}


def step_report(src: str, period: str) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "shoplab",
                "report",
                "--source",
                src,
                "--period",
                period,
                "--only",
                "overview",
                "--out",
                d,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if p.returncode:
            raise RuntimeError(p.stdout + p.stderr)
    return {}


STEPS = {
    "validate": step_validate,
    "overview-kpis": step_overview,
    "pandas-kpis": step_pandas,
    "overview-forecast": step_forecast,
    "overview-compute": step_compute,
    "overview-compute-no-forecast": step_compute_no_forecast,
    "overview-report": step_report,
}


def child(step: str, src: str, period: str) -> None:
    t0 = time.perf_counter()
    result = STEPS[step](src, period)
    secs = time.perf_counter() - t0
    peak = peak_mb()
    if step == "overview-report":  # the kernel is a child process: take the largest child RSS
        peak = max(peak, peak_mb(children=True))
    print(json.dumps({"step": step, "seconds": secs, "peak_mb": peak, "result": result}))


def run_step(step: str, src: str, period: str) -> dict:
    return run_child(__file__, step, "--source", src, "--period", period)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000, help="shop size (100k users is about 10M events)")
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument("--write", help="append the results table to this Markdown file")
    ap.add_argument("--child")
    ap.add_argument("--source")
    ap.add_argument("--period")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.source, args.period)
        return

    import shoplab

    src = ensure_shop(args.data, args.users)
    shop = shoplab.connect(src, validate=False)
    n_events = int(shop.events.count().execute())
    n_orders = int(shop.orders.count().execute())
    period = shoplab.latest_complete_month(shop.period_bounds()[1]).label
    print(f"{src}: {n_events:,} events, {n_orders:,} orders; period {period}; {machine()}")
    res = {s: run_step(s, str(src), period) for s in STEPS}
    eng, pdk = res["overview-kpis"]["result"], res["pandas-kpis"]["result"]
    for k, v in pdk.items():
        if abs(eng[k] - v) > 1e-6 * max(1.0, abs(v)):
            raise SystemExit(f"engine and pandas disagree on {k}: {eng[k]} vs {v}")
    rows = [
        "| step | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *[f"| {s} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for s, r in res.items()],
    ]
    ratio_t = res["pandas-kpis"]["seconds"] / res["overview-kpis"]["seconds"]
    ratio_m = res["pandas-kpis"]["peak_mb"] / res["overview-kpis"]["peak_mb"]
    summary = (
        f"Shop: {args.users:,} users, {n_events:,} events, {n_orders:,} orders; period {period}. Machine: {machine()}.\n\n"
        + "\n".join(rows)
        + f"\n\nOverview KPIs, engine vs pandas: {ratio_t:.1f}x faster, {ratio_m:.1f}x less peak memory "
        "(both compute the same 12 KPIs for 3 months plus the daily trend; results checked equal).\n"
        f"Validation plus overview KPIs: {res['validate']['seconds'] + res['overview-kpis']['seconds']:.1f} s.\n"
        "Forecast parts (s): "
        + ", ".join(f"{k} {v:.1f}" for k, v in res["overview-forecast"]["result"].items())
        + "."
    )
    print(summary)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as fh:
            fh.write(
                f"\n### {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_overview.py --users {args.users}`\n\n"
            )
            fh.write(summary + "\n")


if __name__ == "__main__":
    main()
