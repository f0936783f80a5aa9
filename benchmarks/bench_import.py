"""`shoplab import` at scale (issue 18 targets: a 1M-row Taobao export in under 60 s; the UserBehavior import at
10M rows with its peak memory, extrapolated to the real 100,150,807 rows: under 4 GB and 5 minutes).

    .venv/bin/python benchmarks/bench_import.py [--taobao-rows 1000000] [--ub-rows 1000000,10000000]

Inputs are generated once and cached under ``data/bench/import/`` (ignored by git):

* a Taobao order export (订单报表 layout, GBK, ``="..."`` order numbers, ``¥1,294.00`` amounts, 14 columns of
  which 3 are personal, a third of the buyers with several orders, unpaid and refunded orders, partial refunds);
* a UserBehavior file like the Tianchi one: about 1 user per 100 rows, 4 items per 100 rows, 9,439
  categories, nine days from 2017-11-25, behaviours pv 89.5%, cart 5.5%, fav 2.9%, buy 2.1%.

Each import runs in a fresh process into an empty folder; the table gives wall time and peak RSS of that process
(DuckDB runs inside it, so its memory is counted).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import machine, peak_mb, run_child

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "bench" / "import"
UB_REAL_ROWS = 100_150_807


def make_taobao(path: Path, rows: int, seed: int = 7) -> Path:
    import numpy as np
    import pandas as pd

    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    buyers = np.array([f"买家{i:07d}" for i in range(max(rows // 3, 1))], dtype=object)
    b = buyers[rng.integers(0, len(buyers), rows)]
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, rows), unit="s")
    paid = rng.random(rows) > 0.08
    amount = np.round(rng.gamma(2.0, 80.0, rows), 2)
    refund = np.where(
        rng.random(rows) < 0.05, amount, np.where(rng.random(rows) < 0.05, np.round(amount / 2, 2), 0)
    )
    provinces = np.array(
        ["浙江省 杭州市 西湖区", "上海 上海市 浦东新区", "广东省 深圳市 南山区", "四川省 成都市 武侯区"]
    )
    df = pd.DataFrame(
        {
            "订单编号": ['="' + str(202400000000000000 + i) + '"' for i in range(rows)],
            "买家会员名": b,
            "买家支付宝账号": [f"u{i}@example.com" for i in range(rows)],
            "买家实际支付金额": ["￥" + f"{a:,.2f}" for a in amount],
            "订单状态": np.where(paid, "交易成功", "交易关闭"),
            "收货人姓名": "张三",
            "收货地址": [p + " 某某路1号" for p in provinces[rng.integers(0, 4, rows)]],
            "联系手机": "13800138000",
            "订单创建时间": created.strftime("%Y-%m-%d %H:%M:%S"),
            "订单付款时间": np.where(
                paid, (created + pd.Timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"), ""
            ),
            "退款金额": refund.astype(str),
            "宝贝标题": "连衣裙",
            "宝贝总数量": rng.integers(1, 4, rows).astype(str),
            "是否手机订单": np.where(rng.random(rows) < 0.8, "手机订单", ""),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="gbk")
    return path


def make_user_behavior(path: Path, rows: int) -> Path:
    import duckdb

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    users, items = max(rows // 100, 1), max(rows * 4 // 100, 1)
    duckdb.sql(
        f"""
        COPY (
            SELECT (hash(i) % {users})::BIGINT + 1 AS u, (hash(i * 7 + 1) % {items})::BIGINT + 1 AS item,
                   ((hash(i * 7 + 1) % {items}) % 9439)::BIGINT + 1 AS cat,
                   CASE WHEN r < 0.895 THEN 'pv' WHEN r < 0.95 THEN 'cart' WHEN r < 0.979 THEN 'fav' ELSE 'buy' END,
                   1511539200 + (hash(i * 13 + 5) % (9 * 86400))::BIGINT AS ts
            FROM (SELECT range AS i, random() AS r FROM range({rows}))
        ) TO '{path}' (HEADER false)
        """
    )
    return path


def _child(step: str, src: str) -> dict:
    from shoplab.importing import import_files

    os.environ.setdefault("SHOPLAB_SALT", "benchmark-salt")
    out = Path(tempfile.mkdtemp(prefix="bench-import-", dir=DATA))
    try:
        t0 = time.perf_counter()
        m = import_files(step, [src], out)
        seconds = time.perf_counter() - t0
        (entry,) = m["imports"]
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        return {
            "seconds": seconds,
            "peak_mb": peak_mb(),
            "rows": entry["rows_read"],
            "written": entry["rows_written"],
            "out_mb": size / 2**20,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _make(kind: str, rows: int, path: Path) -> Path:
    """Generate an input in its own process: peak RSS is inherited across fork and exec on Linux, so a parent
    that generated 10M rows itself would inflate every child's measured peak."""
    if not path.exists():
        subprocess.run([sys.executable, __file__, "--make", kind, str(rows), str(path)], check=True)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taobao-rows", type=int, default=1_000_000)
    ap.add_argument("--ub-rows", default="1000000,10000000", help="comma-separated row counts")
    ap.add_argument("--child", nargs=2, metavar=("FORMAT", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--make", nargs=3, metavar=("KIND", "ROWS", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    if args.make:
        kind, rows, path = args.make
        (make_taobao if kind == "taobao" else make_user_behavior)(Path(path), int(rows))
        return
    load = os.getloadavg()
    print(f"machine: {machine()}; load average {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}")
    results = []
    if args.taobao_rows:
        src = _make("taobao", args.taobao_rows, DATA / f"taobao-{args.taobao_rows}.csv")
        r = run_child(__file__, "taobao-orders", str(src))
        results.append(("taobao-orders", args.taobao_rows, src, r))
    for n in (int(x) for x in args.ub_rows.split(",") if x):
        src = _make("ub", n, DATA / f"ub-{n}.csv")
        r = run_child(__file__, "user-behavior", str(src))
        results.append(("user-behavior", n, src, r))
    print("| format | rows | input MB | wall time (s) | s per 1M rows | peak memory (MB) | output MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, src, r in results:
        mb = src.stat().st_size / 2**20
        print(
            f"| {name} | {n:,} | {mb:,.0f} | {r['seconds']:.1f} | {r['seconds'] / n * 1e6:.2f} | "
            f"{r['peak_mb']:,.0f} | {r['out_mb']:,.0f} |"
        )
    ub = [(n, r) for name, n, _, r in results if name == "user-behavior"]
    if ub:
        n, r = max(ub)
        print(
            f"user-behavior extrapolated linearly from {n:,} rows to {UB_REAL_ROWS:,}: "
            f"{r['seconds'] / n * UB_REAL_ROWS:,.0f} s; peak memory is bounded by the DuckDB memory limit "
            f"(SHOPLAB_IMPORT_MEMORY, default 2GB) plus the items table: measured {r['peak_mb']:,.0f} MB at {n:,}"
        )
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}", file=sys.stderr)


if __name__ == "__main__":
    main()
