"""Benchmark: the service report's computation on a generated shop, and its heaviest step against pandas.

    .venv/bin/python benchmarks/bench_service.py [--users 72993] [--period 2026-10]

Generates the sample shop (cached under data/bench/events10M/ for the default 72,993 users, about 10M events;
git ignores it), then runs each step in a fresh process and reports wall time and peak memory (max RSS):

* ``service-report``: ``shoplab.service.compute_report`` (every section, in DuckDB), with the time of each part;
* ``service-compute``: :func:`shoplab.service.compute_report` itself (what the notebook computes, no rendering);
* ``service-worth``: the heaviest part, :func:`shoplab.service.worth.service_worth` (per-order frames: orders x
  shipments x first sessions x reviews, and the 90-day repurchase self-join of orders), in DuckDB;
* ``pandas-worth``: the same two per-order frames and regressions in plain pandas (read the Parquet files,
  merge, group), its coefficients checked equal to the engine's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness import machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]


def step_report(src: str, period: str) -> dict:
    import shoplab
    from shoplab.service import aftersales, delivery, reviews, sessions, worth

    t0 = time.perf_counter()
    shop = shoplab.connect(src, validate=False)
    parts = {"connect": round(time.perf_counter() - t0, 2)}
    for name, f in (
        ("customer_service", lambda: (sessions.customer_service(shop, period=period),
                                      sessions.response_by_hour(shop, period=period),
                                      sessions.response_by_day(shop, period=period),
                                      sessions.promotion_effect(shop, period=period),
                                      sessions.agents(shop, period=period), sessions.topics(shop, period=period))),
        ("jieba_init", lambda: reviews.tag_text("发货太慢了")),
        ("reviews", lambda: (reviews.review_summary(shop, period=period), reviews.dsr_trend(shop, period=period))),
        ("review_causes", lambda: reviews.bad_review_causes(shop, period=period)),
        ("delivery", lambda: (delivery.delivery(shop, period=period),
                              delivery.delivery_by(shop, period=period, by="carrier"),
                              delivery.delivery_by(shop, period=period, by="province"))),
        ("after_sales", lambda: (aftersales.after_sales(shop, period=period),
                                 aftersales.return_rate_by_category(shop, period=period))),
        ("worth", lambda: worth.service_worth(shop, period=period)),
    ):  # fmt: skip
        t0 = time.perf_counter()
        f()
        parts[name] = round(time.perf_counter() - t0, 2)
    return {"parts_s": parts}


def step_compute(src: str, period: str) -> dict:
    import shoplab
    from shoplab import service

    r = service.compute_report(shoplab.connect(src, validate=False), period=period)
    return {"period": r.period}


def step_worth(src: str, period: str) -> dict:
    t_imp = time.perf_counter()
    import shoplab
    from shoplab.service import worth

    t0 = time.perf_counter()
    shop = shoplab.connect(src, validate=False)
    t1 = time.perf_counter()
    w = worth.service_worth(shop, period=period)
    return {
        "import_s": round(t0 - t_imp, 2),
        "connect_s": round(t1 - t0, 2),
        "compute_s": round(time.perf_counter() - t1, 2),
        "review": {k: v.estimate for k, v in w.review.items()},
        "repurchase": {k: v.estimate for k, v in w.repurchase.items()},
        "n": [w.review_n, w.repurchase_n],
    }


def step_pandas(src: str, period: str) -> dict:
    t_imp = time.perf_counter()
    import numpy as np
    import pandas as pd

    t_read = time.perf_counter()
    folder = Path(src)

    def read(name, columns):
        p = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
        return pd.read_parquet(p, columns=columns)

    orders = read("orders", ["order_id", "user_id", "ts", "status"])
    orders = orders[orders.status.fillna("paid").isin(["paid", "refunded"])]
    ship = read("shipments", ["order_id", "delivered_ts"]).dropna()
    ship = ship.groupby("order_id", as_index=False).delivered_ts.max()
    sess = read("service_sessions", ["order_id", "start_ts", "first_response_ts"]).dropna()
    sess["frt"] = (sess.first_response_ts - sess.start_ts).dt.total_seconds() / 60
    first = sess.sort_values(["order_id", "start_ts"]).drop_duplicates("order_id")[["order_id", "frt"]]
    fb = read("feedback", ["kind", "score", "order_id", "aspect"])
    fb = fb[(fb.kind == "review") & fb.order_id.notna()]
    t_compute = time.perf_counter()
    end = pd.Timestamp(period + "-01") + pd.offsets.MonthBegin(1)
    start = end - pd.DateOffset(months=6)

    def frame(lo, hi):
        o = orders[(orders.ts >= lo) & (orders.ts < hi)].merge(ship, on="order_id")
        o["delivery_days"] = (o.delivered_ts - o.ts).dt.total_seconds() / 86_400
        o = o.merge(first, on="order_id", how="left")
        o["has_session"] = o.frt.notna().astype(int)
        o["first_response_min"] = o.frt.fillna(0.0)
        return o

    def fit(df):
        x = np.column_stack([np.ones(len(df)), df.delivery_days, df.first_response_min, df.has_session])
        return dict(zip(["intercept", "delivery_days", "first_response_min", "has_session"],
                        np.linalg.lstsq(x, df.y.to_numpy(float), rcond=None)[0].tolist(), strict=True))  # fmt: skip

    rev = frame(start, end)
    dsr = fb[fb.aspect.notna()].groupby("order_id").score.mean().rename("dsr")
    overall = fb[fb.aspect.isna()].groupby("order_id").score.mean().rename("overall")
    g = pd.concat([dsr, overall], axis=1).reset_index()
    rev = rev.merge(g, on="order_id")
    rev["y"] = rev.dsr.fillna(rev.overall)
    rev = rev[rev.y.notna()]
    cut = end - pd.Timedelta(days=90)
    rep = frame(cut - (end - start), cut)
    later = orders[["user_id", "ts"]].rename(columns={"ts": "t2"})
    j = rep[["order_id", "user_id", "ts"]].merge(later, on="user_id")
    j = j[(j.t2 > j.ts) & (j.t2 <= j.ts + pd.Timedelta(days=90))]
    rep["y"] = rep.order_id.isin(j.order_id).astype(int)
    out = {"review": fit(rev), "repurchase": fit(rep), "n": [len(rev), len(rep)]}
    now = time.perf_counter()
    return out | {"import_s": round(t_read - t_imp, 2), "read_s": round(t_compute - t_read, 2),
                  "compute_s": round(now - t_compute, 2)}  # fmt: skip


STEPS = {
    "service-report": step_report,
    "service-compute": step_compute,
    "service-worth": step_worth,
    "pandas-worth": step_pandas,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=72_993)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--child")
    ap.add_argument("src", nargs="?")
    args = ap.parse_args()
    if args.child:
        t0 = time.perf_counter()
        out = STEPS[args.child](args.src, args.period)
        out |= {"seconds": time.perf_counter() - t0, "peak_mb": peak_mb()}
        print(json.dumps(out))
        return
    src = ROOT / "data" / "bench" / ("events10M" if args.users == 72_993 else f"users{args.users}")
    if not (src / "_truth.json").exists():
        from shoplab.sample import generate_shop

        generate_shop(src, users=args.users)
    print(machine())
    res = {s: run_child(__file__, s, str(src), "--period", args.period) for s in STEPS}
    for s, r in res.items():
        extra = r.get("parts_s") or {
            k: r[k] for k in ("import_s", "connect_s", "read_s", "compute_s") if k in r
        }
        print(f"{s:16s} {r['seconds']:7.1f} s  {r['peak_mb']:7.0f} MB  {extra}")
    e, p = res["service-worth"], res["pandas-worth"]
    assert e["n"] == p["n"], (e["n"], p["n"])
    for part in ("review", "repurchase"):
        for k, v in p[part].items():
            assert abs(e[part][k] - v) < 1e-8 * max(1, abs(v)), (part, k, e[part][k], v)
    print(
        f"worth: pandas / engine = {p['seconds'] / e['seconds']:.1f}x time, {p['peak_mb'] / e['peak_mb']:.1f}x memory"
    )


if __name__ == "__main__":
    sys.exit(main())
