"""The scale benchmark: the full monthly report and each heavy helper at 1M, 10M and 100M events, against
straightforward pandas implementations in the same run.

    .venv/bin/python benchmarks/run.py [--sizes 1M,10M,100M] [--write docs/benchmarks.md]
    make bench            # the same, with the default sizes

For each size it generates the sample shop once (cached under ``data/bench/events<size>/``, which git ignores;
the generator makes about 137 events per user, so 100M events is about 730k users), then runs every step in a
fresh process and records wall time and peak memory (max RSS of the step's process; for the full report, the
largest of the runner and its notebook kernels):

* ``report``: ``shoplab report`` with every report notebook (the monthly run, HTML included);
* engine helpers alone: ``funnel`` (``paths.funnel`` over every event, 5 steps, 7-day window), ``transitions``
  (``paths.transitions``), ``sessionize`` (``paths.add_sessions`` at a 30-minute gap, session count and
  bounces), ``cohorts`` (``membership.cohort_retention``, 12 first-order cohorts), ``rfm``
  (``profiling.rfm_scores`` + ``rfm_segments`` over 12 months of paid orders);
* ``pandas-*``: the same funnel, transitions, sessionization, cohort retention and RFM written plainly in pandas
  (read the Parquet columns, sort, group), each checked equal to the engine's result;
* ``tuned-*``: the funnel, transitions and sessionization as a good pandas analyst writes them when speed matters
  (Arrow dictionary reads, one sort by stable argsorts, O(n) NumPy passes), also checked equal. This is the
  baseline the issue's "a good pandas funnel takes about 3 s and 1.3 GB at 10M events" describes.

The table shows seconds, seconds per million events, peak MB, and for each helper the pandas/engine ratios of
time and memory (above 1 means the engine is faster or leaner), against the plain and the tuned versions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_paths
from harness import machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]
EVENTS_PER_USER = 137  # what the sample generator makes on average (14 months)
SIZES = {"0.2M": 200_000, "1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
PERIOD = "2026-10"  # the generated shops' last complete month
HELPERS = ["funnel", "transitions", "sessionize", "cohorts", "rfm"]


# -- engine steps -------------------------------------------------------------------------------------------
def _months():
    from shoplab.periods import Period

    p = Period.parse(PERIOD)
    return p, p.shift(-11)


def step_cohorts(src: str) -> dict:
    import shoplab
    from shoplab import membership as ms

    shop = shoplab.connect(src, validate=False)
    p, first = _months()
    r = ms.cohort_retention(shop.orders, start=first.start, end=p.end)
    return {"retention": [[c, int(k), int(u), round(float(v), 2)] for c, k, u, v in
                          r[["cohort", "months_since", "users", "revenue"]].itertuples(index=False)]}  # fmt: skip


def _rfm_digest(scores) -> dict:
    return {
        "users": len(scores),
        "sum_r": int(scores.r.sum()),
        "sum_f": int(scores.f.sum()),
        "sum_m": int(scores.m.sum()),
        "segments": {
            str(k): int(v) for k, v in scores.segment.astype(str).value_counts().sort_index().items()
        },
    }


def step_rfm(src: str) -> dict:
    import ibis

    import shoplab
    from shoplab import profiling as pf

    shop = shoplab.connect(src, validate=False)
    p, first = _months()
    o = shop.orders
    o = o.filter((o.status == "paid") & (o.ts < p.end))
    end = ibis.literal(p.end)
    last = o.group_by("user_id").aggregate(last_order=o.ts.max())
    w = o.filter(o.ts >= first.start)
    fm = w.group_by("user_id").aggregate(frequency=w.count(), monetary=w.amount.sum())
    t = last.left_join(fm, "user_id").select(last.user_id, last.last_order, fm.frequency, fm.monetary)
    t = t.mutate(
        recency_days=((end.epoch_seconds() - t.last_order.epoch_seconds()) / 86400).floor(),
        monetary=t.monetary.round(2),  # cents, so that equal spend ties whatever the summation order
    )
    return _rfm_digest(pf.rfm_segments(pf.rfm_scores(t)))


# -- pandas steps -------------------------------------------------------------------------------------------
def _read(src: str, table: str, columns: list[str]):
    import pandas as pd

    folder = Path(src) / table
    return pd.read_parquet(folder if folder.is_dir() else Path(src) / f"{table}.parquet", columns=columns)


def step_pandas_cohorts(src: str) -> dict:
    import pandas as pd

    p, first = _months()
    start, end = pd.Timestamp(first.start), pd.Timestamp(p.end)
    o = _read(src, "orders", ["user_id", "ts", "amount", "status"])
    o = o[o.status.isin(["paid", "refunded"]) & (o.ts < end)]
    fo = o.groupby("user_id").ts.min()
    fo = fo[(fo >= start) & (fo < end)].dt.to_period("M").rename("cohort")
    j = o.join(fo, on="user_id", how="inner")
    j["k"] = (j.ts.dt.year - j.cohort.dt.year) * 12 + (j.ts.dt.month - j.cohort.dt.month)
    j = j[j.k <= 12]
    g = j.groupby(["cohort", "k"]).agg(users=("user_id", "nunique"), revenue=("amount", "sum")).reset_index()
    g["cohort"] = g.cohort.astype(str)
    return {"retention": [[c, int(k), int(u), round(float(v), 2)] for c, k, u, v in
                          g[["cohort", "k", "users", "revenue"]].itertuples(index=False)]}  # fmt: skip


def step_pandas_rfm(src: str) -> dict:
    import numpy as np
    import pandas as pd

    from shoplab import profiling as pf

    p, first = _months()
    end, start = pd.Timestamp(p.end), pd.Timestamp(first.start)
    o = _read(src, "orders", ["user_id", "ts", "amount", "status"])
    o = o[(o.status == "paid") & (o.ts < end)]
    w = o[o.ts >= start]
    df = pd.DataFrame(
        {
            "last_order": o.groupby("user_id").ts.max(),
            "frequency": w.groupby("user_id").size(),
            "monetary": w.groupby("user_id").amount.sum(),
        }
    )
    df["recency_days"] = np.floor((end - df.last_order).dt.total_seconds() / 86400)
    s = df.reset_index()
    s["frequency"] = s.frequency.fillna(0)
    s["monetary"] = s.monetary.fillna(0.0).round(2)
    n = len(s)
    for col, v in (("r", -s.recency_days), ("f", s.frequency), ("m", s.monetary)):
        s[col] = 1 + np.floor(5 * (v.rank(method="min") - 1) / n).astype("int64")
    return _rfm_digest(pf.rfm_segments(s))


def step_report(src: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, "-m", "shoplab", "report", "--source", src, "--period", PERIOD, "--out", d]
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if p.returncode:
            raise RuntimeError(p.stdout + p.stderr)
        times = {}
        for line in p.stdout.splitlines():  # "[2/5] profiling: ok in 41.0 s"
            if ": ok in " in line:
                name = line.split("] ", 1)[1].split(":", 1)[0]
                times[name] = float(line.rsplit(" in ", 1)[1].split(" s", 1)[0])
    return {"reports": times}


STEPS = {
    "report": step_report,
    "funnel": bench_paths.step_funnel,
    "transitions": bench_paths.step_transitions,
    "sessionize": bench_paths.step_sessionize,
    "cohorts": step_cohorts,
    "rfm": step_rfm,
    "pandas-funnel": bench_paths.step_pandas_funnel,
    "pandas-transitions": bench_paths.step_pandas_transitions,
    "pandas-sessionize": bench_paths.step_pandas_sessionize,
    "pandas-cohorts": step_pandas_cohorts,
    "pandas-rfm": step_pandas_rfm,
    "tuned-funnel": bench_paths.step_tuned_funnel,
    "tuned-transitions": bench_paths.step_tuned_transitions,
    "tuned-sessionize": bench_paths.step_tuned_sessionize,
}


def child(step: str, src: str) -> None:
    import ibis  # noqa: F401  (imports are not part of a step's time)
    import pandas  # noqa: F401

    import shoplab  # noqa: F401
    from shoplab import membership, paths, profiling  # noqa: F401

    base = peak_mb()  # the interpreter and the imports, the same in engine and pandas steps
    t0 = time.perf_counter()
    result = STEPS[step](src)
    secs = time.perf_counter() - t0
    peak = max(peak_mb(), peak_mb(children=True))
    print(json.dumps({"step": step, "seconds": secs, "peak_mb": peak, "base_mb": base, "result": result}))


# -- driver -------------------------------------------------------------------------------------------------
def ensure(data_dir: Path, label: str) -> tuple[Path, int]:
    """The cached shop of about ``label`` events and its exact event count."""
    import duckdb

    src = data_dir / f"events{label}"
    if not (src / "_truth.json").exists():
        users = max(1000, round(SIZES[label] / EVENTS_PER_USER))
        t0 = time.perf_counter()
        # in its own process: Linux counts a forked child's peak memory from the parent's size at the fork, so
        # a parent that generated the shop itself would inflate every step measured after it
        cli = Path(sys.executable).with_name("shoplab")
        subprocess.run([str(cli), "sample", "--out", str(src), "--users", str(users)], check=True)
        print(f"generated {src} ({users:,} users) in {time.perf_counter() - t0:.0f} s", flush=True)
    n = duckdb.sql(f"select count(*) from read_parquet('{src}/events/*.parquet')").fetchone()[0]
    return src, int(n)


def check_equal(step: str, a: dict, b: dict) -> None:
    if a != b:
        diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
        raise SystemExit(f"{step}: engine and pandas disagree: {str(diff)[:2000]}")


def _above_imports(r: dict, pd_: dict) -> str:
    """Memory ratio of what each step adds above the imports both processes share (``base_mb``)."""
    if "base_mb" not in r or "base_mb" not in pd_:
        return ""
    a, b = r["peak_mb"] - r["base_mb"], pd_["peak_mb"] - pd_["base_mb"]
    return f"{b / a:.1f}x ({b:,.0f} / {a:,.0f} MB)" if a > 0 else ""


def table(rows: list[dict]) -> str:
    out = [
        "| events | step | seconds | s per M events | peak MB | pandas s | pandas MB | time ratio | memory ratio "
        "| above imports | tuned s | tuned MB | tuned time ratio | tuned memory ratio | tuned above imports |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    by = {(r["size"], r["step"]): r for r in rows}
    for r in rows:
        if r["step"].startswith(("pandas-", "tuned-")):
            continue
        cells = [
            f"{r['events']:,}",
            r["step"],
            f"{r['seconds']:.1f}",
            f"{r['seconds'] / (r['events'] / 1e6):.2f}",
            f"{r['peak_mb']:,.0f}",
        ]
        for kind in ("pandas", "tuned"):  # the plain and the tuned pandas baseline, when they ran
            b = by.get((r["size"], f"{kind}-{r['step']}"))
            cells += (
                [
                    f"{b['seconds']:.1f}",
                    f"{b['peak_mb']:,.0f}",
                    f"{b['seconds'] / r['seconds']:.1f}x",
                    f"{b['peak_mb'] / r['peak_mb']:.1f}x",
                    _above_imports(r, b),
                ]
                if b
                else [""] * 5
            )
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1M,10M,100M", help="comma-separated sizes among " + ", ".join(SIZES))
    ap.add_argument("--steps", default=",".join(["report", *HELPERS]), help="engine steps to run")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas comparisons")
    ap.add_argument("--pandas-max", default="10M", help="largest size to run pandas at (default 10M)")
    ap.add_argument("--data", default=str(ROOT / "data" / "bench"))
    ap.add_argument("--write", help="append the results to this Markdown file")
    ap.add_argument("--json", help="also write the raw results to this JSON file")
    ap.add_argument("--child")
    ap.add_argument("--source")
    a = ap.parse_args()
    if a.child:
        return child(a.child, a.source)
    rows = []
    steps = [s for s in a.steps.split(",") if s]
    for label in a.sizes.split(","):
        src, events = ensure(Path(a.data), label)
        for step in steps:
            r = run_child(__file__, step, "--source", str(src))
            rows.append({"size": label, "events": events, **r})
            print(f"{label} {step}: {r['seconds']:.1f} s, {r['peak_mb']:,.0f} MB", flush=True)
            pandas_ok = SIZES[label] <= SIZES[a.pandas_max] and not a.no_pandas
            for kind in ("pandas", "tuned"):
                if not (step in HELPERS and pandas_ok and f"{kind}-{step}" in STEPS):
                    continue
                p = run_child(__file__, f"{kind}-{step}", "--source", str(src))
                rows.append({"size": label, "events": events, **p})
                check_equal(step, r["result"], p["result"])
                print(
                    f"{label} {kind}-{step}: {p['seconds']:.1f} s, {p['peak_mb']:,.0f} MB (results equal)",
                    flush=True,
                )
    md = table(rows)
    head = f"Machine: {machine()}. Command: `python benchmarks/run.py --sizes {a.sizes}`.\n\n"
    print("\n" + head + md)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=str))
    if a.write:
        with open(a.write, "a", encoding="utf-8") as f:
            f.write(f"\n### Scale run ({time.strftime('%Y-%m-%d')})\n\n{head}{md}\n")


if __name__ == "__main__":
    main()
