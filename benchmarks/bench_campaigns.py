"""Benchmark: one campaign evaluated in the engine, against a straightforward pandas version.

    .venv/bin/python benchmarks/bench_campaigns.py [--users 1000000] [--campaign C2026-10-national] [--report]
        [--write docs/benchmarks.md]

Uses the generated shop under ``data/bench/users<N>/`` as it is (it is never regenerated here: generate it
with ``benchmarks/bench_overview.py --users N`` first). Each step runs in a fresh process and reports wall time
and peak memory (max RSS of that process):

* ``campaign-engine``: ``shoplab.connect`` (no validation) and ``evaluate_campaigns`` for one campaign: per-user
  outcomes, pre-period spend and margins in DuckDB, then SRM, lifts with intervals, CUPED, Holm, money;
* ``campaign-pandas``: the same with plain pandas (read the Parquet files, filter, join, group by user), then
  the same statistics; the headline numbers are checked equal;
* ``campaign-report`` (with ``--report``): the whole ``shoplab report --only campaigns`` for the campaign's month.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from harness import machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("n_treatment", "n_control", "conversion_treatment", "conversion_control", "lift_conversion",
        "lift_revenue_per_user", "lift_revenue_per_user_ci_low", "incremental_margin", "roi", "srm_p")  # fmt: skip


def step_engine(src: str, cid: str) -> dict:
    import shoplab
    from shoplab import campaigns

    shop = shoplab.connect(src, validate=False)
    camps = campaigns.campaigns_in_period(shop.campaigns, campaign_id=cid)
    ev = campaigns.evaluate_campaigns(shop, camps)
    r = ev.summary.iloc[0]
    return {k: float(r[k]) for k in KEYS}


def step_pandas(src: str, cid: str) -> dict:
    import pandas as pd

    from shoplab.campaigns import effect_table, srm_test, welch

    folder = Path(src)

    def read(name, columns=None):
        p = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
        return pd.read_parquet(p, columns=columns)

    camp = read("campaigns").set_index("campaign_id").loc[cid]
    orders = read("orders", ["order_id", "user_id", "ts", "amount", "status"])
    orders = orders[orders.status.fillna("paid") == "paid"]
    a = read("campaign_assignments", ["campaign_id", "user_id", "group"])
    a = a[a.campaign_id == cid].drop_duplicates("user_id")[["user_id", "group"]]
    start, end = camp.start_ts, camp.end_ts
    win = orders[(orders.ts >= start) & (orders.ts <= end)]
    lines = read("order_items", ["order_id", "item_id", "quantity"])
    items = read("items", ["item_id", "cost"])
    lines = lines[lines.order_id.isin(win.order_id)].merge(items, on="item_id")
    cogs = (lines.quantity * lines.cost).groupby(lines.order_id).sum().rename("cogs")
    win = win.merge(cogs, left_on="order_id", right_index=True, how="left")
    win["margin"] = win.amount - win.cogs.fillna(0)
    w = win.groupby("user_id").agg(
        orders=("order_id", "size"), revenue=("amount", "sum"), margin=("margin", "sum")
    )
    pre = orders[(orders.ts >= start - pd.Timedelta(days=28)) & (orders.ts < start)]
    p = pre.groupby("user_id").agg(pre_orders=("order_id", "size"), pre_revenue=("amount", "sum"))
    out = a.merge(w, on="user_id", how="left").merge(p, on="user_id", how="left").fillna(0)
    out["converted"] = (out.orders > 0).astype("int64")
    eff = effect_table(out).set_index("metric")
    t, c = out[out.group == "treatment"], out[out.group == "control"]
    m = welch(t.margin, c.margin)
    share = camp.treatment_share if camp.treatment_share == camp.treatment_share else 0.5
    inc_margin = m["abs_lift"] * len(t)
    return {
        "n_treatment": float(len(t)),
        "n_control": float(len(c)),
        "conversion_treatment": float(t.converted.mean()),
        "conversion_control": float(c.converted.mean()),
        "lift_conversion": float(eff.loc["conversion", "abs_lift"]),
        "lift_revenue_per_user": float(eff.loc["revenue_per_user", "abs_lift"]),
        "lift_revenue_per_user_ci_low": float(eff.loc["revenue_per_user", "ci_low"]),
        "incremental_margin": float(inc_margin),
        "roi": float((inc_margin - camp.cost) / camp.cost),
        "srm_p": float(srm_test(len(t), len(c), treatment_share=share)["p_value"]),
    }


def step_report(src: str, cid: str) -> dict:
    import tempfile

    import pandas as pd

    period = pd.read_parquet(Path(src) / "campaigns.parquet").set_index("campaign_id").loc[cid, "start_ts"]
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(
            [sys.executable, "-m", "shoplab", "report", "--source", src, "--period", f"{period:%Y-%m}",
             "--only", "campaigns", "--param", f"campaign_id={cid}", "--out", d],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if p.returncode:
            raise RuntimeError(p.stdout + p.stderr)
    return {}


STEPS = {"campaign-engine": step_engine, "campaign-pandas": step_pandas, "campaign-report": step_report}


def child(step: str, src: str, cid: str) -> None:
    t0 = time.perf_counter()
    result = STEPS[step](src, cid)
    secs = time.perf_counter() - t0
    peak = peak_mb()
    if step == "campaign-report":  # the kernel is a child process: take the largest child RSS
        peak = max(peak, peak_mb(children=True))
    print(json.dumps({"step": step, "seconds": secs, "peak_mb": peak, "result": result}))


def run_step(step: str, src: str, cid: str) -> dict:
    return run_child(__file__, step, "--source", src, "--campaign", cid)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--users", type=int, default=1_000_000, help="shop size: data/bench/users<N> (must exist)"
    )
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument("--campaign", default="", help="campaign id (default: the latest campaign in the shop)")
    ap.add_argument("--report", action="store_true", help="also time the whole campaigns report")
    ap.add_argument("--write", help="append the results table to this Markdown file")
    ap.add_argument("--child")
    ap.add_argument("--source")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.source, args.campaign)
        return

    src = Path(args.data) / f"users{args.users}"
    if not (src / "_truth.json").exists():
        raise SystemExit(f"{src} has no _truth.json: generate it first (benchmarks/bench_overview.py --users "
                         f"{args.users}); this benchmark never regenerates data")  # fmt: skip
    truth = json.loads((src / "_truth.json").read_text())
    cid = args.campaign or max(truth["campaigns"], key=lambda c: truth["campaigns"][c]["start_ts"])
    counts = truth["counts"]
    print(f"{src}: {counts['events']:,} events, {counts['orders']:,} orders; campaign {cid}; {machine()}")
    steps = [s for s in STEPS if s != "campaign-report" or args.report]
    res = {s: run_step(s, str(src), cid) for s in steps}
    eng, pdk = res["campaign-engine"]["result"], res["campaign-pandas"]["result"]
    for k, v in pdk.items():
        if abs(eng[k] - v) > 1e-6 * max(1.0, abs(v)):
            raise SystemExit(f"engine and pandas disagree on {k}: {eng[k]} vs {v}")
    t = truth["campaigns"][cid]
    rows = [
        "| step | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *[f"| {s} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for s, r in res.items()],
    ]
    summary = (
        f"Shop: {args.users:,} users, {counts['events']:,} events, {counts['orders']:,} orders; campaign {cid} "
        f"({int(eng['n_treatment']):,} treated, {int(eng['n_control']):,} control). Machine: {machine()}.\n\n"
        + "\n".join(rows)
        + f"\n\nEngine and pandas agree on {len(pdk)} headline numbers. Conversion lift "
        f"{eng['lift_conversion']:+.4f} (planted {t['true_conversion_lift']:+.4f}); revenue per user lift "
        f"{eng['lift_revenue_per_user']:+.2f} (planted {t['true_spend_lift_per_user']:+.2f})."
    )
    print(summary)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as fh:
            fh.write(
                f"\n### {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_campaigns.py --users {args.users}`\n\n"
            )
            fh.write(summary + "\n")


if __name__ == "__main__":
    main()
