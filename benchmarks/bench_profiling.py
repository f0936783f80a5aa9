"""Benchmark: the profiling feature table, RFM and personas, against a straightforward pandas version.

    .venv/bin/python benchmarks/bench_profiling.py [--users 1000000] [--write docs/benchmarks.md]

Uses the generated shop under data/bench/users<N>/ (generated if absent), then runs each step in a fresh
process and reports wall time and peak memory (max RSS of that process):

* ``profiling-engine``: ``user_features`` (every column, in DuckDB) + ``rfm_scores`` (in DuckDB) +
  ``rfm_segments`` + ``Personas`` (k-means, k by silhouette, on the per-user matrix);
* ``pandas-profiling``: the columns RFM and personas need, computed with plain pandas from the Parquet files
  (read the columns, filter, group), the same rank-based scores with ``Series.rank``, and the same personas;
  checked equal to the engine's;
* ``profiling-report``: the whole ``shoplab report --only profiling`` (kernel start, notebook, HTML).
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
COMPARED = [
    "recency_days",
    "frequency",
    "monetary",
    "tenure_days",
    "sessions",
    "last_visit_days",
    "discount_share",
    "refund_rate",
    "app_share",
]


def _digest(features, scores, personas) -> dict:
    """Small summary both steps produce; equal summaries mean equal results (up to float rounding)."""
    out = {"users": len(features)}
    for c in COMPARED:
        out[f"sum_{c}"] = float(features[c].fillna(0).sum())
        out[f"n_{c}"] = int(features[c].notna().sum())
    for c in ("r", "f", "m"):
        out[f"sum_{c}"] = int(scores[c].sum())
    out["segments"] = {
        str(k): int(v) for k, v in scores.segment.astype(str).value_counts().sort_index().items()
    }
    out["k"] = personas.k_
    out["persona_sizes"] = [int(x) for x in personas.labels_.value_counts().sort_index()]
    return out


def step_engine(src: str, period: str) -> dict:
    import shoplab
    from shoplab import profiling as pf

    shop = shoplab.connect(src, validate=False)
    f = pf.user_features(shop, period=period)
    scores = pf.rfm_segments(pf.rfm_scores(f))
    p = pf.Personas().fit(pf.persona_matrix(f))
    return _digest(f, scores, p)


def pandas_features(src: str, period: str):
    """The per-user columns RFM and personas use, with plain pandas."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    folder = Path(src)

    def read(name, columns, dictionary=()):
        p = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
        return pq.read_table(p, columns=columns, read_dictionary=list(dictionary)).to_pandas()

    end = pd.Timestamp(period + "-01") + pd.offsets.MonthBegin(1)
    wstart = end - pd.DateOffset(months=12)
    users = read("users", ["user_id", "signup_ts"])
    users = users[users.signup_ts.isna() | (users.signup_ts < end)]
    o = read("orders", ["user_id", "ts", "amount", "discount", "status", "coupon_id"], ["status"])
    o = o[o.ts < end]
    paid = o[o.status == "paid"]
    w = paid[paid.ts >= wstart]
    wo = o[o.ts >= wstart]
    disc = (w.discount.fillna(0) > 0) | w.coupon_id.notna()
    per = pd.DataFrame(
        {
            "last_order": paid.groupby("user_id").ts.max(),
            "frequency": w.groupby("user_id").size(),
            "monetary": w.groupby("user_id").amount.sum(),
            "discounted": disc.groupby(w.user_id).sum(),
            "refunded": (wo.status == "refunded").groupby(wo.user_id).sum(),
        }
    )
    del o, paid, w, wo
    e = read("events", ["user_id", "ts", "session_id", "platform"], ["platform"])
    e = e[e.ts < end]
    last_visit = e.groupby("user_id").ts.max()
    e = e[e.ts >= wstart]
    ev = pd.DataFrame(
        {
            "sessions": e.groupby("user_id").session_id.nunique(),
            "events": e.groupby("user_id").size(),
            "app": (e.platform == "app").groupby(e.user_id).sum(),
            "last_visit": last_visit,
        }
    )
    del e
    df = users.set_index("user_id").join(per).join(ev)

    def days(ts):
        return np.floor((end - ts).dt.total_seconds() / 86400)

    f = pd.DataFrame(index=df.index)
    freq = df.frequency.fillna(0).astype("int64")
    f["recency_days"] = days(df.last_order)
    f["frequency"] = freq
    f["monetary"] = df.monetary.fillna(0.0).round(2)
    f["aov"] = f.monetary / freq.where(freq > 0)
    f["tenure_days"] = days(df.signup_ts)
    f["sessions"] = df.sessions.fillna(0).astype("int64")
    f["last_visit_days"] = days(df.last_visit)
    f["discount_share"] = df.discounted.fillna(0) / freq.where(freq > 0)
    sold = freq + df.refunded.fillna(0)
    f["refund_rate"] = df.refunded.fillna(0) / sold.where(sold > 0)
    f["app_share"] = df.app / df.events.where(df.events > 0)
    return f.reset_index().sort_values("user_id").reset_index(drop=True)


def pandas_scores(f, bins: int = 5):
    import numpy as np

    s = f[f.recency_days.notna()][["user_id", "recency_days", "frequency", "monetary"]].copy()
    n = len(s)
    for col, v in (("r", -s.recency_days), ("f", s.frequency), ("m", s.monetary)):
        s[col] = 1 + np.floor(bins * (v.rank(method="min") - 1) / n).astype("int64")
    return s.reset_index(drop=True).pipe(
        lambda d: d.assign(rfm=d.r.astype(str) + d.f.astype(str) + d.m.astype(str))
    )


def step_pandas(src: str, period: str) -> dict:
    from shoplab import profiling as pf

    f = pandas_features(src, period)
    scores = pf.rfm_segments(pandas_scores(f))
    p = pf.Personas().fit(pf.persona_matrix(f))
    return _digest(f, scores, p)


def step_report(src: str, period: str) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, "-m", "shoplab", "report", "--source", src, "--period", period]
        p = subprocess.run(
            cmd + ["--only", "profiling", "--out", d], capture_output=True, text=True, cwd=ROOT
        )
        if p.returncode or "1 ok" not in p.stdout:
            raise RuntimeError(p.stdout + p.stderr)
    return {}


STEPS = {"profiling-engine": step_engine, "pandas-profiling": step_pandas, "profiling-report": step_report}


def child(step: str, src: str, period: str) -> None:
    t0 = time.perf_counter()
    result = STEPS[step](src, period)
    secs = time.perf_counter() - t0
    peak = peak_mb()
    if step == "profiling-report":  # the kernel is a child process: take the largest child RSS
        peak = max(peak, peak_mb(children=True))
    print(json.dumps({"step": step, "seconds": secs, "peak_mb": peak, "result": result}))


def run_step(step: str, src: str, period: str) -> dict:
    return run_child(__file__, step, "--source", src, "--period", period)


def check_equal(a: dict, b: dict) -> None:
    for k, v in b.items():
        w = a[k]
        if isinstance(v, float):
            ok = abs(w - v) <= 1e-6 * max(1.0, abs(v))
        else:
            ok = w == v
        if not ok:
            raise SystemExit(f"engine and pandas disagree on {k}: {w} vs {v}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1_000_000, help="shop size (1M users is about 111M events)")
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
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
    print(f"{src}: {n_events:,} events, {n_orders:,} orders; period {period}; {machine()}", flush=True)
    res = {}
    for s in args.steps.split(","):
        res[s] = run_step(s, str(src), period)
        print(f"{s}: {res[s]['seconds']:.1f} s, {res[s]['peak_mb']:.0f} MB", flush=True)
    if "profiling-engine" in res and "pandas-profiling" in res:
        check_equal(res["profiling-engine"]["result"], res["pandas-profiling"]["result"])
    rows = [
        "| step | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *[f"| {s} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for s, r in res.items()],
    ]
    summary = (
        f"Shop: {args.users:,} users, {n_events:,} events, {n_orders:,} orders; period {period}. "
        f"Machine: {machine()}.\n\n" + "\n".join(rows)
    )
    if "profiling-engine" in res and "pandas-profiling" in res:
        e, p = res["profiling-engine"], res["pandas-profiling"]
        summary += (
            f"\n\nFeature table + RFM + personas, engine vs pandas: {p['seconds'] / e['seconds']:.1f}x faster, "
            f"{p['peak_mb'] / e['peak_mb']:.1f}x less peak memory (pandas computes only the columns RFM and "
            f"personas need; results checked equal: {len(COMPARED)} feature columns, R/F/M scores, segment "
            f"sizes, chosen k = {e['result']['k']} and persona sizes)."
        )
    print(summary)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as fh:
            fh.write(
                f"\n### {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_profiling.py --users {args.users}`\n\n"
            )
            fh.write(summary + "\n")


if __name__ == "__main__":
    main()
