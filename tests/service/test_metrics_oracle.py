"""Every metrics.json definition of the service report against a pandas brute force on random small tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.service.aftersales import after_sales
from shoplab.service.delivery import delivery
from shoplab.service.reviews import review_summary
from shoplab.service.sessions import customer_service

from .conftest import P_END, P_START, PERIOD, random_tables, shop_of

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _in(ts):
    return (ts >= P_START) & (ts < P_END)


def _same(a, b):
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40))
def test_first_response_and_resolution(seed, n):
    t = random_tables(seed, n)
    s = t["service_sessions"]
    got = customer_service(shop_of(service_sessions=s), period=PERIOD, target_s=30)
    p = s[_in(s.start_ts)]
    frt = (p.first_response_ts - p.start_ts).dt.total_seconds().dropna().to_numpy()
    exp_med = float(np.percentile(frt, 50)) if len(frt) else math.nan
    exp_p90 = float(np.percentile(frt, 90)) if len(frt) else math.nan
    assert _same(got.first_response_median_s, exp_med)
    assert _same(got.first_response_p90_s, exp_p90)
    assert _same(got.within_target, float((frt <= 30).mean()) if len(frt) else math.nan)
    known = p.resolved.dropna()
    assert _same(got.resolution_rate, float(known.astype(bool).mean()) if len(known) else math.nan)
    assert got.sessions == len(p)
    bot = p[p.is_bot]
    assert _same(got.bot_share, float(p.is_bot.mean()) if len(p) else math.nan)
    assert _same(got.handover_share, float(bot.agent_id.notna().mean()) if len(bot) else math.nan)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40))
def test_bad_review_rate_and_dsr(seed, n):
    f = random_tables(seed, n)["feedback"]
    got = review_summary(shop_of(feedback=f), period=PERIOD)
    rev = f[f.kind == "review"]
    overall = rev[rev.aspect.isna() & _in(rev.ts)]
    exp = float((overall.score <= 2).mean()) if len(overall) else math.nan
    assert _same(got.bad_review_rate, exp) and got.reviews == len(overall)
    lo = P_END - pd.Timedelta(days=180)
    w = rev[(rev.ts >= lo) & (rev.ts < P_END)]
    for a in ("description", "service", "logistics"):
        x = w[w.aspect == a].score
        assert _same(got.dsr[a], float(x.mean()) if len(x) else math.nan), a


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40))
def test_ship_within_48h_and_delivery_days(seed, n):
    t = random_tables(seed, n)
    s, o = t["shipments"], t["orders"]
    got = delivery(shop_of(shipments=s, orders=o), period=PERIOD)
    j = s[_in(s.shipped_ts)].merge(o[["order_id", "ts"]], on="order_id")  # the order must exist
    exp = float((j.shipped_ts <= j.ts + pd.Timedelta(hours=48)).mean()) if len(j) else math.nan
    assert _same(got.ship_within_target_rate, exp)
    days = ((j.delivered_ts - j.shipped_ts).dt.total_seconds() / 86_400).dropna().to_numpy()
    assert _same(got.delivery_days_median, float(np.percentile(days, 50)) if len(days) else math.nan)
    assert _same(got.late_share, float((days > 3).mean()) if len(days) else math.nan)
    assert _same(got.excess_days_mean, float(np.maximum(days - 3, 0).mean()) if len(days) else math.nan)
    assert got.unmatched == int(_in(s.shipped_ts).sum()) - len(j)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40))
def test_return_rate(seed, n):
    t = random_tables(seed, n)
    r, o = t["returns"], t["orders"]
    got = after_sales(shop_of(returns=r, orders=o), period=PERIOD)
    status = o.status.fillna("paid")
    sold = int((_in(o.ts) & status.isin(["paid", "refunded"])).sum())
    k = int(_in(r.requested_ts).sum())
    assert got.returns == k and got.sold_orders == sold
    assert _same(got.return_rate, k / sold if sold else math.nan)
