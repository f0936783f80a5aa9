"""Benchmark: funnel, transitions and sessionization in the engine against straightforward pandas.

    .venv/bin/python benchmarks/bench_paths.py [--users 100000] [--only funnel] [--no-pandas]

Uses a generated shop under data/bench/users<N>/ (100k users is about 10M events, 1M users about 100M). Each
step runs in a fresh process; the table reports wall time and peak memory (max RSS of that process):

* ``funnel``: ``paths.funnel`` over every event (home → product_view → add_to_cart → checkout → pay, 7-day window,
  per user); ``pandas-funnel``: the same windowFunnel count with sort + groupby running max, checked equal;
* ``transitions``: ``paths.transitions`` (next event within each session); ``pandas-transitions``: sort + shift;
* ``sessionize``: ``paths.add_sessions`` at a 30-minute gap (ignoring session_id) and the session count and
  bounce rate; ``pandas-sessionize``: sort + diff + cumsum.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from harness import machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]
STEPS = ["home", "product_view", "add_to_cart", "checkout", "pay"]
WINDOW = "7D"
GAP_MINUTES = 30


def _events(src):
    import shoplab

    shop = shoplab.connect(src, validate=False)
    if os.environ.get("SHOPLAB_BENCH_MEMORY_LIMIT"):  # cap DuckDB's memory (it spills to disk past it)
        shop.backend.raw_sql(f"SET memory_limit = '{os.environ['SHOPLAB_BENCH_MEMORY_LIMIT']}'")
    return shop.events


def _read(src, columns):
    import pandas as pd

    folder = Path(src) / "events"
    return pd.read_parquet(folder if folder.is_dir() else Path(src) / "events.parquet", columns=columns)


# -- engine -------------------------------------------------------------------------------------------------
def step_funnel(src):
    from shoplab import paths

    f = paths.funnel(_events(src), STEPS, window=WINDOW)
    return {"users": [int(x) for x in f.users]}


def step_transitions(src):
    from shoplab import paths

    t = paths.transitions(_events(src))
    return {"pairs": len(t), "total": int(t["count"].sum()), "top": _top(t)}


def step_sessionize(src):
    from shoplab import paths

    s = paths.add_sessions(_events(src), gap_minutes=GAP_MINUTES, use_existing=False)
    per = s.group_by(["user_id", "session_id"]).aggregate(n=s.count())
    r = per.aggregate(sessions=per.count(), bounces=(per.n == 1).cast("int64").sum()).execute().iloc[0]
    return {"sessions": int(r.sessions), "bounces": int(r.bounces)}


def _top(t):
    t = t.sort_values(["count", "from_event", "to_event"], ascending=[False, True, True]).head(20)
    return [[a, b, int(c)] for a, b, c in zip(t.from_event, t.to_event, t["count"], strict=True)]


# -- pandas -------------------------------------------------------------------------------------------------
def step_pandas_funnel(src):
    import numpy as np
    import pandas as pd

    e = _read(src, ["user_id", "ts", "event"])
    e = e[e.event.isin(STEPS)]
    e["k"] = e.event.map({s: i + 1 for i, s in enumerate(STEPS)}).astype("int8")
    e = e.drop(columns="event").sort_values(["user_id", "ts", "k"], kind="stable").reset_index(drop=True)
    win = pd.Timedelta(WINDOW)
    anchor = e.ts.where(e.k == 1)
    users = [e.user_id[e.k == 1].nunique()]
    for j in range(2, len(STEPS) + 1):
        best = anchor.groupby(e.user_id).cummax().groupby(e.user_id).ffill()  # cummax leaves NaT rows NaT
        ok = (e.k == j) & best.notna() & (e.ts <= best + win)
        anchor = best.where(ok)
        users.append(int(e.user_id[ok].nunique()))
        del best, ok
    return {"users": [int(x) for x in np.array(users)]}


def step_pandas_transitions(src):
    e = _read(src, ["user_id", "session_id", "ts", "event"])
    e = e.sort_values(["user_id", "session_id", "ts", "event"]).reset_index(drop=True)
    nxt = e.event.shift(-1)
    same = (e.user_id.shift(-1) == e.user_id) & (e.session_id.shift(-1) == e.session_id)
    to = nxt.where(same, "[exit]")
    c = e.assign(to_event=to).groupby(["event", "to_event"]).size().reset_index(name="count")
    c = c.rename(columns={"event": "from_event"})
    return {"pairs": len(c), "total": int(c["count"].sum()), "top": _top(c)}


def step_pandas_sessionize(src):
    import pandas as pd

    e = _read(src, ["user_id", "ts"])
    e = e.sort_values(["user_id", "ts"]).reset_index(drop=True)
    new = (e.user_id != e.user_id.shift()) | (e.ts.diff() > pd.Timedelta(minutes=GAP_MINUTES))
    sid = new.cumsum()
    n = sid.value_counts()
    return {"sessions": int(len(n)), "bounces": int((n == 1).sum())}


ENGINE = {"funnel": step_funnel, "transitions": step_transitions, "sessionize": step_sessionize}
PANDAS = {
    "funnel": step_pandas_funnel,
    "transitions": step_pandas_transitions,
    "sessionize": step_pandas_sessionize,
}


def child(step: str, src: str) -> None:
    fn = ENGINE[step] if not step.startswith("pandas-") else PANDAS[step.removeprefix("pandas-")]
    t0 = time.perf_counter()
    result = fn(src)
    print(
        json.dumps(
            {"step": step, "seconds": time.perf_counter() - t0, "peak_mb": peak_mb(), "result": result}
        )
    )


def run_step(step: str, src: str) -> dict:
    return run_child(__file__, step, "--source", src)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000, help="shop size (100k users is about 10M events)")
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument(
        "--only", nargs="*", default=list(ENGINE), help="analyses to run: funnel transitions sessionize"
    )
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison (for 100M events)")
    ap.add_argument("--memory-limit", help="DuckDB memory_limit for the engine steps, e.g. 3GB")
    ap.add_argument("--child")
    ap.add_argument("--source")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    if args.memory_limit:
        os.environ["SHOPLAB_BENCH_MEMORY_LIMIT"] = args.memory_limit
    src = Path(args.data) / f"users{args.users}"
    if not (src / "_truth.json").exists():
        raise SystemExit(
            f"{src} is missing; generate it with benchmarks/bench_overview.py --users {args.users}"
        )
    import shoplab

    n_events = int(shoplab.connect(src, validate=False).events.count().execute())
    print(f"{src}: {n_events:,} events; {machine()}")
    rows = ["| analysis | engine (s) | engine peak (MB) | pandas (s) | pandas peak (MB) | speed-up | memory ratio |",
            "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for step in args.only:
        eng = run_step(step, str(src))
        print(f"{step}: {eng['seconds']:.1f} s, {eng['peak_mb']:.0f} MB", flush=True)
        if args.no_pandas:
            rows.append(f"| {step} | {eng['seconds']:.1f} | {eng['peak_mb']:.0f} | | | | |")
            continue
        pdr = run_step("pandas-" + step, str(src))
        print(f"pandas-{step}: {pdr['seconds']:.1f} s, {pdr['peak_mb']:.0f} MB", flush=True)
        if eng["result"] != pdr["result"]:
            raise SystemExit(f"engine and pandas disagree on {step}: {eng['result']} vs {pdr['result']}")
        rows.append(
            f"| {step} | {eng['seconds']:.1f} | {eng['peak_mb']:.0f} | {pdr['seconds']:.1f} | {pdr['peak_mb']:.0f} "
            f"| {pdr['seconds'] / eng['seconds']:.1f}x | {pdr['peak_mb'] / eng['peak_mb']:.1f}x |"
        )
    print(f"\n{n_events:,} events, {machine()}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
