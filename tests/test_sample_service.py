"""The sample shop's service tables (stream 5): they add files and change none, and follow the contract."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq

import shoplab
import shoplab.sample as sample
from shoplab.campaigns.kpis import kpi_layers
from shoplab.membership.satisfaction import nps

NEW = {"service_sessions.parquet", "shipments.parquet", "returns.parquet", "feedback/dsr-00000.parquet"}


def _hashes(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.parquet"))
    }


def test_service_tables_change_no_existing_file(tmp_path, monkeypatch):
    with_svc = tmp_path / "with"
    t1 = sample.generate_shop(with_svc, users=1200, months=14, seed=3)
    monkeypatch.setattr(sample, "write_service_tables", lambda *a, **k: {})
    without = tmp_path / "without"
    t0 = sample.generate_shop(without, users=1200, months=14, seed=3)
    h1, h0 = _hashes(with_svc), _hashes(without)
    assert set(h1) - set(h0) == NEW
    assert {k: h1[k] for k in h0} == h0  # every pre-existing file byte-identical
    t0.pop("service")
    assert set(t1) - set(t0) == {"service"} and all(t1[k] == t0[k] for k in t0)
    on_disk = json.loads((with_svc / "_truth.json").read_text(encoding="utf-8"))
    assert "service" in on_disk and on_disk["service"]["bot_share"] == 0.4


def test_service_tables_follow_the_contract(sample_dir):
    shop = shoplab.connect(sample_dir)
    assert not [i for i in shop.validation.issues if i.table in ("service_sessions", "shipments", "returns")]
    assert not [i for i in shop.validation.errors if i.table == "feedback"]
    fb = shop.feedback.execute()
    dsr = fb[fb.aspect.notna()]
    overall = fb[(fb.kind == "review") & fb.aspect.isna()]
    # three DSR rows per overall review, same user, order and time
    assert len(dsr) == 3 * len(overall) > 0
    key = ["user_id", "order_id", "ts"]
    per = dsr.groupby(key).aspect.agg(lambda a: tuple(sorted(a)))
    assert (per == ("description", "logistics", "service")).all()
    assert set(map(tuple, overall[key].to_numpy())) == set(per.index)
    sess = shop.service_sessions.execute()
    assert sess.agent_id[~sess.is_bot].notna().all()  # a human session has an agent
    rets = shop.returns.execute()
    orders = shop.orders.execute().set_index("order_id")
    refunded = orders.index[orders.status == "refunded"]
    # every refunded order has a return, unless it was requested after the data end
    missing = orders.loc[sorted(set(refunded) - set(rets.order_id)), "ts"]
    assert len(missing) < 0.05 * len(refunded) and (missing > pd.Timestamp("2026-10-01")).all()


def test_aspect_rows_do_not_move_other_reports(sample_dir, tmp_path):
    """Campaign KPIs (review counts and ratings) and NPS/CSAT are the same with and without the DSR rows."""
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(sample_dir, bare)
    (bare / "feedback" / "dsr-00000.parquet").unlink()
    a, b = shoplab.connect(sample_dir), shoplab.connect(bare)
    assert "aspect" not in b.feedback.columns and "aspect" in a.feedback.columns
    camps = a.campaigns.execute()
    for _, c in camps.head(4).iterrows():
        pd.testing.assert_frame_equal(kpi_layers(a, c), kpi_layers(b, c))
    start, end = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-10-31 23:59:59")
    assert nps(a.feedback, start=start, end=end) == nps(b.feedback, start=start, end=end)
    assert pq.read_table(sample_dir / "feedback" / "dsr-00000.parquet").column("text").null_count > 0
