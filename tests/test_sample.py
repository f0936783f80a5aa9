"""Tests of the sample-shop generator: contract, determinism, invariants and planted truths."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from shoplab.contract import TABLES
from shoplab.sample import PART_TABLES, generate_shop

END = pd.Timestamp("2026-10-31 23:59:59")
START = pd.Timestamp("2025-09-01")


def read(shop: Path, name: str) -> pa.Table:
    """Read one table of a generated shop (single file or folder of parts, parts in order)."""
    folder = shop / name
    if folder.is_dir():
        parts = sorted(folder.glob("part-*.parquet"))
        return pa.concat_tables([pq.read_table(p) for p in parts])
    return pq.read_table(shop / f"{name}.parquet")


def frame(shop: Path, name: str) -> pd.DataFrame:
    return read(shop, name).to_pandas()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, dict]:
    """A moderately sized shop (3000 users) for the statistical checks."""
    out = tmp_path_factory.mktemp("big") / "shop"
    truth = generate_shop(out, users=3000, seed=42)
    return out, truth


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small") / "shop"
    truth = generate_shop(out, users=1000, seed=7)
    return out, truth


# ------------------------------------------------------------------------------------------------ layout


def test_layout_and_truth_file(small):
    shop, truth = small
    for name in TABLES:
        if name in PART_TABLES:
            assert (shop / name / "part-00000.parquet").exists()
        else:
            assert (shop / f"{name}.parquet").exists()
    on_disk = json.loads((shop / "_truth.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(truth))
    for key in (
        "seed",
        "users",
        "months",
        "start",
        "end",
        "archetypes",
        "user_archetype",
        "funnel_step_probabilities",
        "funnel_steps",
        "campaigns",
        "churn_drivers",
        "tiers",
        "categories",
        "peaks",
    ):
        assert key in truth
    assert truth["start"] == "2025-09-01 00:00:00"
    assert truth["end"] == "2026-10-31 23:59:59"
    assert len(truth["user_archetype"]) == 1000
    assert set(truth["user_archetype"].values()) <= set(truth["archetypes"])
    assert abs(sum(a["share"] for a in truth["archetypes"].values()) - 1) < 1e-9
    assert (shop / "_truth_users.parquet").exists()
    assert not list(shop.parent.glob(".*tmp*"))


def test_window_follows_months_and_end(tmp_path):
    truth = generate_shop(tmp_path / "s", users=200, months=3, end="2026-06-30", seed=1)
    assert truth["start"] == "2026-04-01 00:00:00" and truth["end"] == "2026-06-30 23:59:59"
    ev = frame(tmp_path / "s", "events")
    assert ev.ts.min() >= pd.Timestamp("2026-04-01") and ev.ts.max() <= pd.Timestamp("2026-06-30 23:59:59")
    assert {c["start_ts"][:7] for c in truth["campaigns"].values()} == {"2026-04", "2026-05", "2026-06"}


def test_replaces_previous_shop_but_not_other_folders(tmp_path):
    out = tmp_path / "shop"
    generate_shop(out, users=100, seed=1)
    generate_shop(out, users=120, seed=1)
    assert read(out, "users").num_rows == 120
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate_shop(other, users=100)
    assert (other / "keep.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "shop"]


# ------------------------------------------------------------------------------------------------ determinism


def _all_files(shop: Path) -> dict[str, bytes]:
    return {str(p.relative_to(shop)): p.read_bytes() for p in sorted(shop.rglob("*")) if p.is_file()}


def test_same_seed_is_byte_identical(tmp_path, small):
    shop, _ = small
    again = tmp_path / "again"
    generate_shop(again, users=1000, seed=7)
    assert _all_files(shop) == _all_files(again)


def test_different_seed_differs(tmp_path, small):
    shop, _ = small
    other = tmp_path / "other"
    generate_shop(other, users=1000, seed=8)
    for name in ("users", "events", "orders"):
        assert not read(shop, name).equals(read(other, name))


def test_chunking_does_not_change_the_data(tmp_path):
    one = tmp_path / "one"
    many = tmp_path / "many"
    t1 = generate_shop(one, users=2500, seed=3, chunk_users=50_000)
    t2 = generate_shop(many, users=2500, seed=3, chunk_users=1000)
    assert len(list((many / "events").glob("part-*.parquet"))) == 3
    assert len(list((one / "events").glob("part-*.parquet"))) == 1
    for name in TABLES:
        a, b = read(one, name), read(many, name)
        if name == "events":  # each part is in time order, so only the order across parts differs
            a, b = (x.take(pc.sort_indices(x, sort_keys=[("user_id", "ascending")])) for x in (a, b))
        assert a.equals(b), name
    t1.pop("chunk_users"), t2.pop("chunk_users")
    assert t1 == t2


def test_event_parts_are_in_time_order_with_small_row_groups(tmp_path):
    shop = tmp_path / "shop"
    generate_shop(shop, users=2500, seed=3, chunk_users=1000)
    for part in sorted((shop / "events").glob("part-*.parquet")):
        f = pq.ParquetFile(part)
        ts = f.read(columns=["ts"]).column("ts")
        assert pc.all(pc.less_equal(ts[:-1], ts[1:])).as_py(), part.name
        assert all(f.metadata.row_group(i).num_rows <= 131_072 for i in range(f.metadata.num_row_groups))


# ------------------------------------------------------------------------------------------------ contract


def _kind_ok(kind: str, typ: pa.DataType) -> bool:
    if kind == "id":
        return pa.types.is_integer(typ) or pa.types.is_string(typ)
    if kind == "timestamp":
        return pa.types.is_timestamp(typ) and typ.unit == "us" and typ.tz is None
    if kind == "date":
        return pa.types.is_date32(typ)
    if kind == "number":
        return pa.types.is_floating(typ) or pa.types.is_integer(typ)
    if kind == "integer":
        return pa.types.is_integer(typ)
    if kind == "string":
        return pa.types.is_string(typ)
    if kind == "boolean":
        return pa.types.is_boolean(typ)
    raise AssertionError(kind)


def test_contract_columns_kinds_and_constraints(small):
    shop, _ = small
    tables = {name: read(shop, name) for name in TABLES}
    # feedback with its DSR rows (feedback/dsr-00000.parquet, written by the service stream)
    dsr = pq.read_table(shop / "feedback" / "dsr-00000.parquet")
    tables["feedback"] = pa.concat_tables([tables["feedback"], dsr], promote_options="default")
    for name, spec in TABLES.items():
        t = tables[name]
        assert t.num_rows > 0, name
        assert t.column_names == [c.name for c in spec.columns], name
        for col in spec.columns:
            assert _kind_ok(col.kind, t.schema.field(col.name).type), (
                name,
                col.name,
                t.schema.field(col.name).type,
            )
            values = t.column(col.name).to_pandas()
            if col.required:
                assert values.notna().all(), (name, col.name)
            if col.allowed:
                assert set(values.dropna()) <= set(col.allowed), (name, col.name)
            if col.non_negative:
                assert (values.dropna() >= 0).all(), (name, col.name)
        if spec.unique:
            df = t.select(list(spec.unique)).to_pandas()
            assert not df.duplicated().any(), name
        for col, target in spec.references.items():
            tname, tcol = target.split(".")
            have = set(t.column(col).drop_null().to_pylist())
            assert have <= set(tables[tname].column(tcol).to_pylist()), (name, col)
    assert tables["users"].schema.field("user_id").type == pa.int64()
    assert tables["events"].schema.field("session_id").type == pa.int64()
    assert tables["orders"].schema.field("order_id").type == pa.int64()
    assert tables["campaigns"].schema.field("campaign_id").type == pa.string()


def test_no_timestamp_after_end(small):
    shop, _ = small
    for name, spec in TABLES.items():
        t = read(shop, name)
        for col in spec.columns:
            if col.kind in ("timestamp", "date"):
                v = pd.to_datetime(t.column(col.name).to_pandas()).dropna()
                assert v.max() <= END, (name, col.name, v.max())
    for name in ("events", "orders", "points", "feedback", "marketing_spend"):
        col = "date" if name == "marketing_spend" else "ts"
        assert pd.to_datetime(frame(shop, name)[col]).min() >= START, name


def test_users_profile(big):
    shop, truth = big
    users = frame(shop, "users")
    assert users.gender.value_counts(normalize=True)["F"] > 0.55
    assert users.birth_year.between(1965, 2006).all()
    assert set(users.city_tier) == {"一线", "新一线", "二线", "三线及以下"}
    assert set(users[users.city_tier == "一线"].city) == {"北京", "上海", "广州", "深圳"}
    assert set(users.channel) == {"自然搜索", "直通车", "抖音直播", "微信社群", "小红书", "淘宝客"}
    assert set(users.platform) == {"app", "mini_program", "web"}
    before = (users.signup_ts < START).mean()
    assert 0.2 < before < 0.7
    assert users.signup_ts.max() <= END


def test_archetypes_are_behaviourally_distinct(big):
    """The archetypes differ the way real segments do (what lets personas recover them, issue 3)."""
    shop, truth = big
    users = frame(shop, "users").set_index("user_id")
    arch = users.index.astype(str).map(truth["user_archetype"])
    span = END - START
    # new explorers signed up in the last months of the window; the others before them (or before it)
    assert (users.signup_ts[arch == "new_explorer"] > START + 0.6 * span).all()
    assert (users.signup_ts[arch != "new_explorer"] < START + 0.7 * span).all()
    # lapsing users churn within a few months, the others mostly stay
    tu = pd.read_parquet(shop / "_truth_users.parquet").set_index("user_id")
    churned_early = (tu.churn_ts < START + 0.4 * span).groupby(tu.archetype).mean()
    assert churned_early["lapsing"] > 0.7
    assert churned_early.drop("lapsing").max() < 0.2
    # loyal customers buy often and big in the app; bargain hunters almost always with a discount
    orders = frame(shop, "orders")
    paid = orders[orders.status == "paid"]
    by = paid.user_id.astype(str).map(truth["user_archetype"])
    aov = paid.amount.groupby(by).mean()
    assert aov.idxmax() == "loyal_high_value" and aov["loyal_high_value"] > 2 * aov["bargain_hunter"]
    discounted = ((paid.discount > 0) | paid.coupon_id.notna()).groupby(by).mean()
    assert discounted.idxmax() == "bargain_hunter" and discounted["bargain_hunter"] > 0.8
    orders_per_user = by.value_counts() / pd.Series(arch).value_counts()
    assert orders_per_user.idxmin() == "casual_browser"
    assert users.platform[arch == "loyal_high_value"].eq("app").mean() > 0.85


# ------------------------------------------------------------------------------------------------ events, orders


def test_sessions_are_well_formed(big):
    shop, _ = big
    ev = frame(shop, "events")
    assert 60 < len(ev) / 3000 < 160  # about 100 events per user
    assert ev.groupby("session_id").user_id.nunique().max() == 1
    assert ev.groupby("session_id").platform.nunique().max() == 1
    assert ev.groupby("session_id").channel.nunique().max() == 1
    # timestamps increase within a session, with realistic gaps
    diffs = ev.groupby("session_id").ts.diff().dropna()
    assert (diffs >= pd.Timedelta(0)).all()
    assert diffs.median() > pd.Timedelta(seconds=2) and diffs.median() < pd.Timedelta(minutes=5)
    has_item = ev.event.isin(["product_view", "add_to_cart"])
    assert ev.item_id[has_item].notna().all() and ev.item_id[~has_item].isna().all()
    first = ev.groupby("session_id").event.first()
    assert set(first) <= {"home", "search", "campaign_page", "live_room"}
    assert (first == "home").mean() > 0.3
    # each later funnel step only appears after the previous one
    steps = ["product_view", "add_to_cart", "checkout", "submit_order", "pay"]
    has = pd.crosstab(ev.session_id, ev.event).reindex(columns=steps, fill_value=0) > 0
    for prev, step in zip(steps, steps[1:], strict=False):
        assert not (has[step] & ~has[prev]).any(), step
    assert (ev[ev.event == "pay"].groupby("session_id").size() == 1).all()


def test_orders_match_pay_events_and_items(big):
    shop, _ = big
    ev = frame(shop, "events")
    orders = frame(shop, "orders")
    lines = frame(shop, "order_items")
    items = frame(shop, "items")
    assert orders.order_id.is_unique
    pays = ev[ev.event == "pay"]
    assert len(pays) == len(orders)
    key = ["user_id", "ts"]
    merged = pays.merge(orders, on=key, how="outer", indicator=True, suffixes=("_ev", ""))
    assert (merged["_merge"] == "both").all()
    assert (merged.channel_ev == merged.channel).all()
    # amount = sum(quantity * price) - discount, never negative
    lines["value"] = lines.quantity * lines.price
    per_order = lines.groupby("order_id").agg(value=("value", "sum"), n=("item_id", "size"))
    o = orders.set_index("order_id").join(per_order)
    assert o.n.between(1, 4).all()
    assert np.allclose(o.amount, o.value - o.discount, atol=0.005)
    assert (o.amount >= 0).all() and (o.discount >= 0).all()
    assert lines.quantity.between(1, 3).all()
    # lines copy the category, price near list price; ordered items were added to cart in that session
    li = lines.merge(items, on="item_id", suffixes=("", "_list"))
    assert (li.category == li.category_list).all()
    assert (li.price <= li.price_list + 1e-9).all() and (li.price >= 0.8 * li.price_list).all()
    assert (items.cost < items.price).all()
    margin = 1 - items.cost / items.price
    assert margin.between(0.19, 0.61).all()
    assert set(items.category) == {"美妆", "服饰", "家居", "食品", "数码", "母婴", "运动", "个护"}
    sess = pays[["session_id", "user_id", "ts"]].merge(
        orders[["order_id", "user_id", "ts"]], on=["user_id", "ts"]
    )
    carts = ev[ev.event == "add_to_cart"].merge(sess[["session_id", "order_id"]], on="session_id")
    a = carts.groupby("order_id").item_id.apply(sorted)
    b = lines.groupby("order_id").item_id.apply(sorted)
    assert (a.sort_index() == b.sort_index()).all()


def test_order_status_and_campaign_ids(big):
    shop, truth = big
    orders = frame(shop, "orders")
    share = orders.status.value_counts(normalize=True)
    assert (
        0.85 < share["paid"] < 0.95 and 0.02 < share["cancelled"] < 0.07 and 0.03 < share["refunded"] < 0.10
    )
    arch = orders.user_id.astype(str).map(truth["user_archetype"])
    refunds = orders.status.eq("refunded").groupby(arch).mean()
    assert refunds["bargain_hunter"] > refunds["loyal_high_value"]
    camps = frame(shop, "campaigns")
    assign = frame(shop, "campaign_assignments")
    with_c = orders.dropna(subset=["campaign_id"]).merge(camps, on="campaign_id")
    assert len(with_c) > 0
    assert ((with_c.ts >= with_c.start_ts) & (with_c.ts <= with_c.end_ts)).all()
    g = with_c.merge(assign, on=["campaign_id", "user_id"], how="left")
    assert (g.group == "treatment").all()
    assert orders.coupon_id.notna().mean() > 0.05


def test_seasonal_peaks_visible(big):
    shop, truth = big
    orders = frame(shop, "orders")
    per_day = orders.groupby(orders.ts.dt.normalize()).size()
    median = per_day.median()
    assert per_day[pd.Timestamp("2026-06-18")] > 2.5 * median
    assert per_day[pd.Timestamp("2025-11-10") : pd.Timestamp("2025-11-12")].max() > 2.5 * median
    assert per_day[pd.Timestamp("2025-12-12")] > 1.3 * median
    assert {p["date"] for p in truth["peaks"]} >= {"2026-06-18", "2025-11-11", "2025-12-12"}
    dow = per_day.groupby(per_day.index.day_of_week).mean()
    assert dow[[5, 6]].mean() > dow[[0, 1]].mean()


# ------------------------------------------------------------------------------------------------ funnel


def test_funnel_by_platform_matches_truth(big):
    shop, truth = big
    ev = frame(shop, "events")
    steps = truth["funnel_steps"]
    assert steps == ["home", "product_view", "add_to_cart", "checkout", "submit_order", "pay"]
    has = pd.crosstab(ev.session_id, ev.event) > 0
    platform = ev.groupby("session_id").platform.first()
    probs = truth["funnel_step_probabilities"]
    for plat in ("app", "mini_program", "web"):
        reached = pd.Series(True, index=has.index[platform.reindex(has.index) == plat])
        for step in steps[1:]:
            now = reached & has.loc[reached.index, step]
            n = int(reached.sum())
            p_hat = now.sum() / n
            p = probs[plat][step]
            se = math.sqrt(p * (1 - p) / n)
            assert abs(p_hat - p) < 4 * se + 0.005, (plat, step, p_hat, p, n)
            reached = now
    # the planted ordering: app converts best, web worst
    end_to_end = {plat: math.prod(probs[plat].values()) for plat in probs}
    assert end_to_end["app"] > end_to_end["mini_program"] > end_to_end["web"]


# ------------------------------------------------------------------------------------------------ campaigns


def _campaign_outcomes(shop: Path, campaign_id: str) -> pd.DataFrame:
    camps = frame(shop, "campaigns").set_index("campaign_id")
    assign = frame(shop, "campaign_assignments")
    orders = frame(shop, "orders")
    c = camps.loc[campaign_id]
    a = assign[assign.campaign_id == campaign_id].set_index("user_id")
    win = orders[(orders.status == "paid") & (orders.ts >= c.start_ts) & (orders.ts <= c.end_ts)]
    a["converted"] = a.index.isin(win.user_id)
    a["spend"] = win.groupby("user_id").amount.sum().reindex(a.index, fill_value=0.0)
    return a


def test_assignment_shares(big):
    shop, truth = big
    assign = frame(shop, "campaign_assignments")
    camps = frame(shop, "campaigns").set_index("campaign_id")
    users = frame(shop, "users").set_index("user_id")
    assert sorted(camps.treatment_share.unique()) == [0.5, 0.8]
    for cid, grp in assign.groupby("campaign_id"):
        p = camps.loc[cid, "treatment_share"]
        n = len(grp)
        share = (grp.group == "treatment").mean()
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / n), cid
        assert (grp.assigned_ts == camps.loc[cid, "start_ts"]).all()
        assert (users.loc[grp.user_id, "signup_ts"] < camps.loc[cid, "start_ts"]).all()
        assert 0.2 < n / 3000 < 0.65
        assert truth["campaigns"][cid]["assigned"] == n


def test_campaign_lift_recovered(big):
    shop, truth = big
    lifts = {cid: c["true_conversion_lift"] for cid, c in truth["campaigns"].items()}
    assert min(lifts.values()) == 0.0  # a campaign without conversion effect
    cid = "C2026-06-618"
    true = truth["campaigns"][cid]
    a = _campaign_outcomes(shop, cid)
    t, c = a[a.group == "treatment"], a[a.group == "control"]
    est = t.converted.mean() - c.converted.mean()
    se = math.sqrt(t.converted.var() / len(t) + c.converted.var() / len(c))
    assert true["true_conversion_lift"] > 3 * se  # clearly positive
    assert abs(est - true["true_conversion_lift"]) < 3 * se, (est, true["true_conversion_lift"], se)
    est_spend = t.spend.mean() - c.spend.mean()
    se_spend = math.sqrt(t.spend.var() / len(t) + c.spend.var() / len(c))
    assert abs(est_spend - true["true_spend_lift_per_user"]) < 3 * se_spend
    zero = next(k for k, v in lifts.items() if v == 0.0)
    a = _campaign_outcomes(shop, zero)
    t, c = a[a.group == "treatment"], a[a.group == "control"]
    se = math.sqrt(t.converted.var() / len(t) + c.converted.var() / len(c))
    assert abs(t.converted.mean() - c.converted.mean()) < 3 * se + 1e-9
    assert truth["campaigns"][zero]["true_spend_lift_per_user"] <= 0


def test_campaign_pages_for_treated_users(big):
    shop, truth = big
    ev = frame(shop, "events")
    a = frame(shop, "campaign_assignments")
    c = frame(shop, "campaigns").set_index("campaign_id").loc["C2026-06-618"]
    a = a[a.campaign_id == "C2026-06-618"]
    inwin = ev[(ev.ts >= c.start_ts) & (ev.ts <= c.end_ts)]
    pages = inwin[inwin.event == "campaign_page"].user_id.unique()
    rate = a.assign(seen=a.user_id.isin(pages)).groupby("group").seen.mean()
    assert rate["treatment"] > rate["control"] + 0.1


# ------------------------------------------------------------------------------------------------ loyalty


def test_members_and_tier_history(big):
    shop, truth = big
    members = frame(shop, "members")
    th = frame(shop, "tier_history")
    users = frame(shop, "users").set_index("user_id")
    tiers = truth["tiers"]["order"]
    assert tiers == ["普通会员", "银卡会员", "金卡会员", "钻石会员"]
    assert 0.3 < len(members) / 3000 < 0.5
    assert (members.joined_ts >= users.loc[members.user_id, "signup_ts"].to_numpy()).all()
    assert set(th.user_id) == set(members.user_id)
    th = th.sort_values(["user_id", "ts"], kind="stable")
    first = th.groupby("user_id").first()
    last = th.groupby("user_id").last()
    m = members.set_index("user_id")
    assert (first.tier == "普通会员").all()
    assert (first.ts == m.loc[first.index, "joined_ts"]).all()
    assert (last.tier == m.loc[last.index, "tier"]).all()
    changed = th.groupby("user_id").tier.shift() != th.tier
    assert changed.all()  # one row per change
    level = th.tier.map(tiers.index)
    step = level.groupby(th.user_id).diff()
    assert (step > 0).any() and (step < 0).any()  # upgrades and downgrades
    assert members.tier.nunique() == 4


def test_points_ledger(big):
    shop, _ = big
    points = frame(shop, "points")
    members = frame(shop, "members").set_index("user_id")
    orders = frame(shop, "orders")
    assert set(points.kind) == {"earn", "redeem", "expire"}
    assert (points[points.kind == "earn"].points > 0).all()
    assert (points[points.kind != "earn"].points < 0).all()
    net = points.groupby(["user_id", "ts"]).points.sum().sort_index()
    balance = net.groupby(level="user_id").cumsum()
    assert (balance >= 0).all()
    earn = points[points.kind == "earn"].merge(orders, on=["user_id", "ts"], suffixes=("", "_o"))
    assert len(earn) == (points.kind == "earn").sum()
    assert (earn.status == "paid").all()
    assert (earn.points == np.floor(earn.amount + 1e-9)).all()
    assert (earn.ts >= members.loc[earn.user_id, "joined_ts"].to_numpy()).all()


# ------------------------------------------------------------------------------------------------ other tables


def test_feedback_and_satisfaction(big):
    shop, truth = big
    fb = frame(shop, "feedback")
    orders = frame(shop, "orders").set_index("order_id")
    nps = fb[fb.kind == "nps"]
    assert nps.score.between(0, 10).all() and nps.order_id.isna().all()
    assert fb[fb.kind != "nps"].score.between(1, 5).all()
    rev = fb[fb.kind == "review"]
    assert rev.text.notna().all() and rev.order_id.notna().all()
    assert (rev.ts > orders.loc[rev.order_id, "ts"].to_numpy()).all()
    assert (orders.loc[rev.order_id, "user_id"].to_numpy() == rev.user_id.to_numpy()).all()
    arch = nps.user_id.astype(str).map(truth["user_archetype"])
    by_arch = nps.score.groupby(arch).mean()
    assert by_arch["loyal_high_value"] > by_arch["lapsing"] + 1
    assert set(truth["churn_drivers"]["drivers"]) >= {"low_satisfaction", "not_member", "platform_web"}


def test_marketing_spend(big):
    shop, _ = big
    ms = frame(shop, "marketing_spend")
    ev = frame(shop, "events")
    assert set(ms.channel) == {"直通车", "抖音直播", "小红书", "淘宝客", "微信社群"}
    assert len(ms) == 5 * 426
    assert not ms.duplicated(["date", "channel"]).any()
    assert (ms.clicks <= ms.impressions).all()
    sessions = ev.groupby("channel").session_id.nunique()
    clicks = ms.groupby("channel").clicks.sum()
    for ch in ("直通车", "抖音直播", "小红书"):
        assert 0.8 < clicks[ch] / sessions[ch] < 2.0


def test_churned_users_stop_visiting(big):
    shop, _ = big
    tu = pq.read_table(shop / "_truth_users.parquet").to_pandas()
    ev = frame(shop, "events")
    last = ev.groupby("user_id").ts.max()
    churned = tu.dropna(subset=["churn_ts"]).set_index("user_id")
    # campaigns can bring churned users back for a visit, but most stay away
    after = (last.reindex(churned.index) > churned.churn_ts).mean()
    assert after < 0.2
    assert 0.2 < len(churned) / len(tu) < 0.9
