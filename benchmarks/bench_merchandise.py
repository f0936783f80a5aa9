"""Benchmark: the merchandise report's heavy steps on a generated shop, against a straightforward pandas version.

    python benchmarks/bench_merchandise.py [--users 72993] [--write docs/benchmarks.md]

Uses the generated shop under data/bench/users<N>/ (72,993 users is about 10M events; 729,927 about 100M), then
runs each step in a fresh process and reports wall time and peak memory (max RSS of that process):

* ``ranking``: :func:`shoplab.merchandise.sku_ranking` (item GMV, units, buyers, cost, refund share, the 90-day
  repurchase self-join over every counted line, product views and viewer conversion over every event);
* ``pandas-ranking``: the same table in plain pandas (read the Parquet columns, filter, merge, group), checked
  equal to the engine's;
* ``stock``: :func:`~shoplab.merchandise.item_stock` + :func:`~shoplab.merchandise.inventory_summary`;
* ``pandas-stock``: turnover, cover, slow-stock share and stock-out item-days in pandas, checked equal;
* ``report``: :func:`shoplab.merchandise.compute_report` (every number of the notebook, without rendering);
* ``report-no-hit-rate``: the same with ``evaluate_recommender=False`` (the offline evaluation runs in pandas).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness import ensure_shop, machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026-10"


def _read(src: str, name: str, columns=None):
    import pandas as pd

    folder = Path(src)
    p = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
    return pd.read_parquet(p, columns=columns)


def step_ranking(src: str) -> dict:
    import shoplab
    from shoplab import merchandise as m

    r = m.sku_ranking(shoplab.connect(src, validate=False), period=PERIOD)
    return _summary(r)


def _summary(r) -> dict:
    r = r.sort_values("item_id")
    return {
        "items": int(len(r)),
        "gmv": float(r["gmv"].sum()),
        "buyers": int(r["buyers"].sum()),
        "repeat_buyers": int(r["repeat_buyers"].sum()),
        "views": int(r["views"].sum()),
        "viewer_buyers": int(r["viewer_buyers"].sum()),
        "top_item": int(r.sort_values(["gmv", "item_id"], ascending=[False, True])["item_id"].iloc[0]),
    }


def step_pandas_ranking(src: str) -> dict:
    import pandas as pd

    start, end = pd.Timestamp(PERIOD + "-01"), pd.Timestamp(PERIOD + "-01") + pd.offsets.MonthBegin(1)
    o = _read(src, "orders", ["order_id", "user_id", "ts", "status"])
    o = o[o.status.isna() | o.status.isin(["paid", "refunded"])]
    li = _read(src, "order_items", ["order_id", "item_id", "quantity", "price"])
    j = li.merge(o, on="order_id")
    j["gmv"] = j.quantity * j.price
    inp = j[(j.ts >= start) & (j.ts < end)]
    pos = inp[inp.gmv > 0]
    g = inp.groupby("item_id").agg(gmv=("gmv", "sum"), units=("quantity", "sum"))
    g["buyers"] = pos.groupby("item_id").user_id.nunique()
    g = g[g.gmv > 0]
    first = pos.groupby(["user_id", "item_id"]).ts.min().rename("first").reset_index()
    later = j[j.gmv > 0][["user_id", "item_id", "ts"]]
    k = first.merge(later, on=["user_id", "item_id"])
    k = k[(k.ts > k["first"]) & (k.ts <= k["first"] + pd.Timedelta(days=90))]
    g["repeat_buyers"] = k.drop_duplicates(["user_id", "item_id"]).groupby("item_id").size()
    ev = _read(src, "events", ["user_id", "ts", "event", "item_id"])
    v = ev[(ev.event == "product_view") & ev.item_id.notna() & (ev.ts >= start) & (ev.ts < end)]
    g["views"] = v.groupby("item_id").size()
    vb = v[["user_id", "item_id"]].drop_duplicates().merge(pos[["user_id", "item_id"]].drop_duplicates())
    g["viewer_buyers"] = vb.groupby("item_id").size()
    g = g.fillna(0).reset_index()
    return _summary(g)


def step_stock(src: str) -> dict:
    import shoplab
    from shoplab import merchandise as m

    shop = shoplab.connect(src, validate=False)
    s = m.item_stock(shop, period=PERIOD)
    inv = m.inventory_summary(shop, period=PERIOD, stock=s)
    return {
        "turnover": inv.turnover_annual,
        "cover": inv.days_of_cover,
        "slow": inv.slow_stock_share,
        "stockout_days": inv.stockout_item_days,
    }


def step_pandas_stock(src: str) -> dict:
    import pandas as pd

    start = pd.Timestamp(PERIOD + "-01")
    end = start + pd.offsets.MonthBegin(1)
    o = _read(src, "orders", ["order_id", "ts", "status"])
    o = o[o.status.isna() | o.status.isin(["paid", "refunded"])]
    li = _read(src, "order_items", ["order_id", "item_id", "quantity", "price"])
    items = _read(src, "items", ["item_id", "cost"]).set_index("item_id").cost
    j = li.merge(o, on="order_id")
    inp = j[(j.ts >= start) & (j.ts < end)]
    cogs = float((inp.quantity * inp.item_id.map(items)).sum())
    inv = _read(src, "inventory")
    inv["date"] = pd.to_datetime(inv["date"])
    inv = inv[(inv.date >= start) & (inv.date < end)]
    inv["v"] = inv.on_hand * inv.unit_cost.fillna(inv.item_id.map(items))
    by = inv.groupby("date").v.sum().sort_index()
    last = inv[inv.date == by.index.max()]
    recent = j[(j.ts >= end - pd.Timedelta(days=90)) & (j.ts < end) & (j.quantity * j.price > 0)]
    slow = last[~last.item_id.isin(set(recent.item_id)) & (last.on_hand > 0)].v.sum()
    days = (end - start).days
    return {
        "turnover": cogs / by.mean() * 12,
        "cover": float(by.iloc[-1]) / (cogs / days),
        "slow": float(slow / by.iloc[-1]),
        "stockout_days": float((inv.on_hand == 0).sum()),  # daily snapshots: one day each
    }


def step_report(src: str) -> dict:
    import shoplab
    from shoplab import merchandise as m

    r = m.compute_report(shoplab.connect(src, validate=False), period=PERIOD)
    return {"skus_sold": r.concentration.skus_sold}


def step_report_fast(src: str) -> dict:
    import shoplab
    from shoplab import merchandise as m

    r = m.compute_report(shoplab.connect(src, validate=False), period=PERIOD, evaluate_recommender=False)
    return {"skus_sold": r.concentration.skus_sold}


STEPS = {
    "ranking": step_ranking,
    "pandas-ranking": step_pandas_ranking,
    "stock": step_stock,
    "pandas-stock": step_pandas_stock,
    "report": step_report,
    "report-no-hit-rate": step_report_fast,
}


def child(step: str, src: str) -> None:
    t0 = time.perf_counter()
    result = STEPS[step](src)
    print(
        json.dumps(
            {"step": step, "seconds": time.perf_counter() - t0, "peak_mb": peak_mb(), "result": result}
        )
    )


def _same(a: dict, b: dict) -> bool:
    return all(abs(float(a[k]) - float(b[k])) <= 1e-6 * max(1.0, abs(float(b[k]))) for k in b)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=72_993, help="shop size (72,993 users is about 10M events)")
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument("--write", help="append the results table to this Markdown file")
    ap.add_argument("--child")
    ap.add_argument("--source")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    import json as _json

    src = ensure_shop(args.data, args.users)
    counts = _json.loads((src / "_truth.json").read_text(encoding="utf-8"))["counts"]
    print(f"{src}: {counts['events']:,} events, {counts['orders']:,} orders; period {PERIOD}; {machine()}")
    res = {s: run_child(__file__, s, "--source", str(src)) for s in STEPS}
    for eng, pdn in (("ranking", "pandas-ranking"), ("stock", "pandas-stock")):
        if not _same(res[eng]["result"], res[pdn]["result"]):
            raise SystemExit(
                f"{eng}: engine and pandas disagree: {res[eng]['result']} vs {res[pdn]['result']}"
            )
    rows = [
        "| step | wall time (s) | peak memory (MB) | pandas s | pandas MB | time ratio | memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in ("ranking", "stock", "report", "report-no-hit-rate"):
        r = res[s]
        p = res.get(f"pandas-{s}")
        extra = (
            f"{p['seconds']:.1f} | {p['peak_mb']:.0f} | {p['seconds'] / r['seconds']:.1f}x | "
            f"{p['peak_mb'] / r['peak_mb']:.1f}x"
            if p
            else "- | - | - | -"
        )
        rows.append(f"| {s} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {extra} |")
    summary = (
        f"Shop: {args.users:,} users, {counts['events']:,} events, {counts['orders']:,} orders; period {PERIOD}. "
        f"Machine: {machine()}.\n\n"
        + "\n".join(rows)
        + "\n\nRatios are pandas / engine (above 1: the engine is faster or leaner); the engine's and pandas' "
        "results were checked equal in the same run."
    )
    print(summary)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as fh:
            fh.write(
                f"\n### {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_merchandise.py --users {args.users}`"
                " (merchandise, issue 20)\n\n"
            )
            fh.write(summary + "\n")


if __name__ == "__main__":
    sys.exit(main())
