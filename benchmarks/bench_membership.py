"""Benchmark: the membership report's computations on a generated shop, against straightforward pandas.

    .venv/bin/python benchmarks/bench_membership.py [--users 1000000] [--write docs/benchmarks.md]

Uses an existing generated shop under data/bench/users<N>/ (it is generated only if absent). Each step runs in
a fresh process; wall time and peak memory (max RSS of that process) are reported:

* ``membership-engine``: every table the membership report computes (tiers, migration, members vs
  non-members, points, activity, DAU/MAU, cohort retention, lifecycle stages and flows, CLV with its holdout
  check, the churn model with permutation importance and the at-risk list, satisfaction), in DuckDB + scipy/sklearn;
* ``pandas-membership``: cohort retention (users and revenue), members vs non-members and the active member
  rate with plain pandas (read the Parquet files, filter, group), checked equal to the engine's results;
* ``membership-report``: the whole ``shoplab report --only membership`` (kernel start, notebook, HTML).
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


def _bounds(period: str):
    from shoplab.periods import Period

    p = Period.parse(period)
    return p, [p.shift(k) for k in range(-11, 1)]


def step_engine(src: str, period: str) -> dict:
    import shoplab
    from shoplab import membership as ms

    shop = shoplab.connect(src, validate=False)
    p, months = _bounds(period)
    times = {}

    def tick(name, t0):
        times[name] = round(time.perf_counter() - t0, 2)
        return time.perf_counter()

    t = time.perf_counter()
    ms.tier_counts(shop.members, shop.tier_history, periods=months)
    ms.tier_migration(shop.members, shop.tier_history, start=months[0].start, end=p.end)
    tier_now = ms.tiers_at(shop.members, shop.tier_history, at=p.end)
    comp = ms.member_comparison(shop.orders, shop.members, start=p.shift(-2).start, end=p.end)
    t = tick("tiers", t)
    ms.points_monthly(shop.points, periods=months)
    ms.points_summary(shop.points, shop.members, start=months[0].start, end=p.end)
    ms.points_balances(shop.points, shop.members, shop.tier_history, at=p.end)
    t = tick("points", t)
    act = ms.active_rate(shop.members, shop.orders, shop.events, start=p.start, end=p.end)
    ms.member_dau_mau(shop.members, shop.events, periods=months[-3:])
    ms.days_between_orders(shop.orders, shop.members, end=p.end)
    t = tick("activity", t)
    ret = ms.cohort_retention(shop.orders, start=months[0].start, end=p.end)
    t = tick("cohorts", t)
    st = ms.lifecycle_stages(shop.orders, periods=[p.shift(-12), *months], users=shop.members)
    ms.lifecycle_counts(st)
    ms.lifecycle_flows(st, period=p)
    t = tick("lifecycle", t)
    clv = ms.clv_analysis(shop.orders, end=p.end)
    ms.clv_by_group(clv.values, tier_now, name="tier")
    t = tick("clv", t)
    churn = ms.churn_model(shop, as_of=p.end)
    feats = ms.churn_features(shop, cutoff=p.end)
    ms.at_risk_members(churn, feats, value=clv.values.clv, top=None, min_probability=0.0, n_reasons=0)
    ms.at_risk_members(churn, feats, value=clv.values.clv, top=20)
    t = tick("churn", t)
    ms.nps(shop.feedback, start=p.start, end=p.end)
    ms.satisfaction_monthly(shop.feedback, periods=months)
    ms.satisfaction_by_tier(shop.feedback, shop.members, shop.tier_history, start=months[0].start, end=p.end)
    tick("satisfaction", t)
    c = comp.set_index("group")
    return {
        "times": times,
        "active": act,
        "repurchase_member": float(c.loc["member", "repurchase_rate"]),
        "repurchase_non_member": float(c.loc["non-member", "repurchase_rate"]),
        "retention": ret[["cohort", "months_since", "users", "revenue"]].values.tolist(),
        "churn_auc": churn.auc,
        "clv_mean": float(clv.values.clv.mean()),
        "bg": clv.bg.params_,
    }


def step_pandas(src: str, period: str) -> dict:
    import pandas as pd

    folder = Path(src)

    def read(name, columns=None):
        path = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
        return pd.read_parquet(path, columns=columns)

    p, months = _bounds(period)
    start, end = pd.Timestamp(months[0].start), pd.Timestamp(p.end)
    orders = read("orders", ["user_id", "ts", "amount", "status"])
    members = read("members", ["user_id", "joined_ts"])
    o = orders[orders.status.isin(["paid", "refunded"]) & (orders.ts < end)]
    # cohort retention by first-order month
    first = o.groupby("user_id").ts.min()
    first = first[(first >= start) & (first < end)].dt.to_period("M").rename("cohort")
    j = o.join(first, on="user_id", how="inner")
    j["k"] = (j.ts.dt.year - j.cohort.dt.year) * 12 + (j.ts.dt.month - j.cohort.dt.month)
    j = j[j.k <= 12]
    g = j.groupby(["cohort", "k"]).agg(users=("user_id", "nunique"), revenue=("amount", "sum")).reset_index()
    g["cohort"] = g.cohort.astype(str)
    # members vs non-members over the last three months
    lo = pd.Timestamp(p.shift(-2).start)
    w = o[o.ts >= lo]
    per = w.groupby("user_id").size().rename("n").reset_index().merge(members, on="user_id", how="left")
    mem = per[per.joined_ts < lo]
    non = per[per.joined_ts.isna() | (per.joined_ts >= end)]
    # active member rate: members with an order or event in the month
    ps, pe = pd.Timestamp(p.start), end
    ev_users = pd.read_parquet(
        folder / "events", columns=["user_id", "ts"], filters=[("ts", ">=", ps), ("ts", "<", pe)]
    )
    act_users = set(ev_users.user_id) | set(o[(o.ts >= ps) & (o.ts < pe)].user_id)
    mm = members[members.joined_ts < pe]
    active = int(mm.user_id.isin(act_users).sum())
    return {
        "retention": g[["cohort", "k", "users", "revenue"]].values.tolist(),
        "repurchase_member": float((mem.n >= 2).mean()),
        "repurchase_non_member": float((non.n >= 2).mean()),
        "active": {"members": len(mm), "active": active},
    }


def step_report(src: str, period: str) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cmd = [
            sys.executable,
            "-m",
            "shoplab",
            "report",
            "--source",
            src,
            "--period",
            period,
            "--only",
            "membership",
        ]
        proc = subprocess.run([*cmd, "--out", d], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise RuntimeError(proc.stdout + proc.stderr)
        status = json.loads((Path(d) / period / "status.json").read_text())
    return {"status": str(status)[:200]}


STEPS = {"membership-engine": step_engine, "pandas-membership": step_pandas, "membership-report": step_report}


def child(step: str, src: str, period: str) -> None:
    t0 = time.perf_counter()
    result = STEPS[step](src, period)
    secs = time.perf_counter() - t0
    peak = peak_mb()
    if step == "membership-report":  # the kernel is a child process: take the largest child RSS
        peak = max(peak, peak_mb(children=True))
    print(json.dumps({"step": step, "seconds": secs, "peak_mb": peak, "result": result}, default=str))


def run_step(step: str, src: str, period: str) -> dict:
    return run_child(__file__, step, "--source", src, "--period", period)


def check_equal(eng: dict, pdk: dict) -> None:
    a = {(c, k): (u, r) for c, k, u, r in eng["retention"]}
    b = {(c, k): (u, r) for c, k, u, r in pdk["retention"]}
    for key, (u, r) in b.items():
        ue, re_ = a.get(key, (0, 0.0))
        if ue != u or abs(re_ - r) > 1e-6 * max(1.0, abs(r)):
            raise SystemExit(f"cohort retention differs at {key}: engine {ue, re_} vs pandas {u, r}")
    extra = [k for k, (u, _) in a.items() if k not in b and u]
    if extra:
        raise SystemExit(f"engine has cohort cells pandas lacks: {extra[:5]}")
    for k in ("repurchase_member", "repurchase_non_member"):
        if abs(eng[k] - pdk[k]) > 1e-12:
            raise SystemExit(f"{k} differs: engine {eng[k]} vs pandas {pdk[k]}")
    if (eng["active"]["members"], eng["active"]["active"]) != (
        pdk["active"]["members"],
        pdk["active"]["active"],
    ):
        raise SystemExit(f"active members differ: {eng['active']} vs {pdk['active']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1_000_000)
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
    n_orders = int(shop.orders.count().execute())
    n_members = int(shop.members.count().execute())
    n_events = int(shop.events.count().execute())
    period = shoplab.latest_complete_month(shop.period_bounds("orders")[1]).label
    print(
        f"{src}: {n_events:,} events, {n_orders:,} orders, {n_members:,} members; period {period}; {machine()}"
    )
    res = {}
    for s in args.steps.split(","):
        res[s] = run_step(s, str(src), period)
        print(s, f"{res[s]['seconds']:.1f} s", f"{res[s]['peak_mb']:.0f} MB", flush=True)
    if "membership-engine" in res and "pandas-membership" in res:
        check_equal(res["membership-engine"]["result"], res["pandas-membership"]["result"])
        print("engine and pandas agree on cohort retention, repurchase rates and active members")
    rows = [
        "| step | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *[f"| {s} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for s, r in res.items()],
    ]
    parts = ""
    if "membership-engine" in res:
        e = res["membership-engine"]["result"]
        parts = "Engine step by section (s): " + ", ".join(f"{k} {v}" for k, v in e["times"].items()) + "."
        parts += f" Churn AUC {e['churn_auc']:.3f}; mean 12-month CLV ¥{e['clv_mean']:,.0f}."
    summary = (
        f"Shop: {args.users:,} users, {n_events:,} events, {n_orders:,} orders, {n_members:,} members; "
        f"period {period}. Machine: {machine()}.\n\n" + "\n".join(rows) + "\n\n" + parts
    )
    print(summary)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as fh:
            fh.write(
                f"\n### {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_membership.py --users {args.users}`\n\n"
            )
            fh.write(summary + "\n")


if __name__ == "__main__":
    main()
