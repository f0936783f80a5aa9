"""The sample shop's plan: ``targets.parquet`` (random stream 4).

Monthly targets for every metric of :data:`shoplab.contract.TARGET_METRICS` over the calendar years the sample
covers (January of the first year to December of the last), and a yearly GMV target per year. A plan is set
before the year and misses in both directions, so each monthly target is the month's value times a planned
stretch drawn per metric and month: ``exp(N(ln(1 + bias), sigma))`` (rates: the value times a smaller stretch,
kept inside (0, 1)). The month's value is read from the generated tables (the overview's definitions, in
DuckDB over the Parquet files, so memory stays bounded); a month outside the data window takes the same calendar
month of the other covered year, scaled by the window's year-on-year ratio of GMV. The yearly GMV target is the
sum of the year's monthly GMV targets times ``1 + year_stretch``. Drawn after them, monthly GMV targets scoped
to the two largest channels and the two largest categories (the month's channel GMV, or its categories' line
value, times a GMV stretch), for the months the data covers.

The draws come from ``SeedSequence([seed, 4])`` and only this table uses them, so every other file of the shop
stays byte-identical; the stretches are written to ``_truth.json`` (``targets``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import TARGET_METRICS

__all__ = ["STREAM_TARGETS", "TARGET_BIAS", "write_targets"]

#: the random stream of the targets table (streams 0-2: the shop; 3: merchandise; 5: service)
STREAM_TARGETS = 4

#: planned stretch per metric: (bias, sigma) of the lognormal multiplier of the month's value
TARGET_BIAS: dict[str, tuple[float, float]] = {
    "gmv": (0.05, 0.08),
    "net_sales": (0.05, 0.08),
    "orders": (0.04, 0.08),
    "buyers": (0.04, 0.07),
    "aov": (0.01, 0.04),
    "new_users": (0.06, 0.12),
    "active_users": (0.03, 0.06),
    "conversion": (0.02, 0.05),
    "repurchase_rate": (0.02, 0.05),
    "refund_rate": (-0.05, 0.08),  # a refund target is a ceiling below the usual
}
_YEAR_STRETCH = 0.03

_MONTHLY_SQL = """
with o as (
  select *, date_trunc('month', ts) as m,
         coalesce(status, 'paid') as st
  from read_parquet('{orders}/*.parquet')
  where coalesce(status, 'paid') <> 'cancelled'
), pu as (
  select m, user_id, count(*) as n from o group by all
), ev as (
  select distinct date_trunc('month', ts) as m, user_id from read_parquet('{events}/*.parquet')
), act as (
  select ev.m, count(*) as active_users, count(pu.user_id) as visiting_buyers
  from ev left join pu on ev.m = pu.m and ev.user_id = pu.user_id group by all
), nu as (
  select date_trunc('month', signup_ts) as m, count(*) as new_users from read_parquet('{users}') group by all
)
select strftime(o.m, '%Y-%m') as period,
       sum(amount) as gmv,
       sum(case when st = 'refunded' then 0 else amount - coalesce(refund_amount, 0) end) as net_sales,
       count(*) as orders,
       (select count(*) from pu where pu.m = o.m) as buyers,
       sum(amount) / count(*) as aov,
       any_value(nu.new_users) as new_users,
       any_value(act.active_users) as active_users,
       any_value(act.visiting_buyers) / any_value(act.active_users) as conversion,
       (select avg(case when n >= 2 then 1.0 else 0.0 end) from pu where pu.m = o.m) as repurchase_rate,
       avg(case when st = 'refunded' then 1.0 else 0.0 end) as refund_rate
from o left join act on act.m = o.m left join nu on nu.m = o.m
group by o.m order by o.m
"""


def _monthly_values(folder: Path) -> dict[str, dict[str, float]]:
    con = duckdb.connect()
    try:
        df = con.execute(
            _MONTHLY_SQL.format(
                orders=folder / "orders", events=folder / "events", users=folder / "users.parquet"
            )
        ).df()
    finally:
        con.close()
    df = df.astype({m: "float64" for m in TARGET_METRICS})  # a month without signups: NaN, no target
    return {r.period: {m: float(getattr(r, m)) for m in TARGET_METRICS} for r in df.itertuples()}


_SCOPED_SQL = {
    "channel": """
select strftime(date_trunc('month', ts), '%Y-%m') as period, cast(channel as varchar) as value,
       sum(amount) as gmv
from read_parquet('{orders}/*.parquet')
where coalesce(status, 'paid') <> 'cancelled' and channel is not null
group by all
""",
    "category": """
select strftime(date_trunc('month', o.ts), '%Y-%m') as period, cast(i.category as varchar) as value,
       sum(i.quantity * i.price) as gmv
from read_parquet('{items}/*.parquet') i join read_parquet('{orders}/*.parquet') o using (order_id)
where coalesce(o.status, 'paid') <> 'cancelled' and i.category is not null
group by all
""",
}


def _scoped_values(folder: Path, top: int = 2) -> dict[str, dict[str, dict[str, float]]]:
    """scope -> value -> month -> GMV, for the ``top`` values of each scope by total GMV (ties: by name)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    if not (folder / "orders").is_dir():
        return out
    con = duckdb.connect()
    try:
        for scope, sql in _SCOPED_SQL.items():
            if scope == "category" and not (folder / "order_items").is_dir():
                continue
            df = con.execute(sql.format(orders=folder / "orders", items=folder / "order_items")).df()
            if df.empty:
                continue
            totals = (
                df.groupby("value")
                .gmv.sum()
                .reset_index()
                .sort_values(["gmv", "value"], ascending=[False, True])
            )
            out[scope] = {
                v: dict(zip(g.period, g.gmv.astype(float), strict=True))
                for v, g in df[df.value.isin(totals.value.head(top))].groupby("value", sort=True)
            }
    finally:
        con.close()
    return out


def write_targets(folder: Path, *, seed: int) -> dict:
    """Write ``folder/targets.parquet`` from the shop generated in ``folder``; returns the truth entry."""
    folder = Path(folder)
    actual = _monthly_values(folder)
    covered = sorted(actual)
    # the calendar years the data touch (none without orders: an empty plan)
    years = list(range(int(covered[0][:4]), int(covered[-1][:4]) + 1)) if covered else []
    months = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    # year-on-year GMV ratio over the window's overlapping months (1 without overlap)
    pairs = [(p, f"{int(p[:4]) - 1}{p[4:]}") for p in covered if f"{int(p[:4]) - 1}{p[4:]}" in actual]
    yoy = sum(actual[p]["gmv"] for p, _ in pairs) / sum(actual[q]["gmv"] for _, q in pairs) if pairs else 1.0
    rng = np.random.default_rng(np.random.SeedSequence([seed, STREAM_TARGETS]))
    rows, stretch = [], {}
    for metric in TARGET_METRICS:
        bias, sigma = TARGET_BIAS[metric]
        draws = np.exp(rng.normal(np.log1p(bias), sigma, size=len(months)))
        stretch[metric] = dict(zip(months, np.round(draws, 6).tolist(), strict=True))
        for p, k in zip(months, draws, strict=True):
            if p in actual:
                base = actual[p][metric]
            else:
                other = [q for q in (f"{int(p[:4]) - 1}{p[4:]}", f"{int(p[:4]) + 1}{p[4:]}") if q in actual]
                if not other:
                    continue
                q = other[0]
                scale = (
                    (yoy if q < p else 1 / yoy) if metric in ("gmv", "net_sales", "orders", "buyers") else 1
                )
                base = actual[q][metric] * scale
            if not base > 0:  # NaN or 0: nothing to plan from
                continue
            value = base * k
            if metric in ("conversion", "repurchase_rate", "refund_rate"):
                value = min(round(value, 4), 0.99)
            elif metric in ("gmv", "net_sales", "aov"):
                value = round(value, -2) if metric != "aov" else round(value, 1)
            else:
                value = float(round(value))
            if value > 0:
                rows.append((p, metric, float(value)))
    year_stretch = {}
    for y in years:
        total = sum(v for p, m, v in rows if m == "gmv" and p.startswith(f"{y}-"))
        year_stretch[str(y)] = _YEAR_STRETCH
        rows.append((str(y), "gmv", float(round(total * (1 + _YEAR_STRETCH), -3))))
    # the scoped plan, drawn after the shop-wide one (whose numbers it leaves as they were): a monthly GMV target
    # for each of the two largest channels and categories, for the months the data covers
    scoped_rows, scoped_stretch = [], {}
    for scope, values in _scoped_values(folder).items():
        bias, sigma = TARGET_BIAS["gmv"]
        for value, by_month in values.items():
            ks = np.exp(rng.normal(np.log1p(bias), sigma, size=len(covered)))
            scoped_stretch[f"{scope}:{value}"] = dict(zip(covered, np.round(ks, 6).tolist(), strict=True))
            for p, k in zip(covered, ks, strict=True):
                target = float(round(by_month.get(p, 0.0) * k, -2))
                if target > 0:
                    scoped_rows.append((p, "gmv", target, scope, value))
    n = len(rows) + len(scoped_rows)
    table = pa.table(
        {
            "period": pa.array([r[0] for r in rows] + [r[0] for r in scoped_rows], pa.string()),
            "metric": pa.array([r[1] for r in rows] + [r[1] for r in scoped_rows], pa.string()),
            "target": pa.array([r[2] for r in rows] + [r[2] for r in scoped_rows], pa.float64()),
            "channel": pa.array(
                [None] * len(rows) + [r[4] if r[3] == "channel" else None for r in scoped_rows], pa.string()
            ),
            "category": pa.array(
                [None] * len(rows) + [r[4] if r[3] == "category" else None for r in scoped_rows], pa.string()
            ),
        }
    )
    assert table.num_rows == n
    pq.write_table(table, folder / "targets.parquet", compression="zstd")
    return dict(
        stream=STREAM_TARGETS,
        note="monthly target = the month's value x stretch (rates capped at 0.99); months outside the data "
        "from the same calendar month of the other year scaled by the year-on-year GMV ratio; yearly gmv "
        "target = sum of the year's monthly gmv targets x (1 + year_stretch), rounded to 1000",
        bias_sigma={m: list(v) for m, v in TARGET_BIAS.items()},
        year_stretch=year_stretch,
        yoy_gmv_ratio=round(yoy, 6),
        stretch=stretch,
        scoped_note="monthly gmv targets of the two largest channels (orders.channel) and categories "
        "(order_items.category, by line value) = the month's value x stretch, rounded to 100",
        scoped_stretch=scoped_stretch,
    )
