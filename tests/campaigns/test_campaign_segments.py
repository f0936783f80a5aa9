"""Segments fixed before the campaign (tier at the start, not today's) and the pull-forward check (CUPED in the
post window, the cumulative lift, the largest dip the interval cannot rule out) against hand-worked examples,
pandas brute force and scipy."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import write_tables
from scipy import stats

import shoplab
from shoplab import campaigns
from shoplab.campaigns import report as campaign_report

START, END = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-07 23:59:59")
CJK = re.compile(r"[\u4e00-\u9fff]")


# -- tier at the campaign start ---------------------------------------------------------------------------------
def _tier_shop(folder, *, history: bool = True):
    """Five users around a campaign from 2026-10-01 to 2026-10-07.

    1 joined in January as 普通会员 and was upgraded to 金卡会员 on 10-03, during the campaign (today: 金卡会员);
    2 has been 银卡会员 since 2025; 3 joined during the campaign; 4 never joined; 5 was 金卡会员 and fell to
    银卡会员 in May. At the start: 1 普通会员, 2 银卡会员, 3 and 4 非会员, 5 银卡会员.
    """
    t = pd.Timestamp
    users = pd.DataFrame({"user_id": [1, 2, 3, 4, 5], "platform": ["app", "web", "app", "app", "web"]})
    orders = pd.DataFrame(
        {
            "order_id": [10, 11, 12, 13, 14, 15],
            "user_id": [1, 1, 2, 3, 5, 1],
            "ts": [
                t("2026-08-01"),
                t("2026-09-20"),
                t("2026-05-01"),
                t("2026-10-05"),
                t("2026-09-01"),
                t("2026-10-03"),
            ],  # fmt: skip
            "amount": [100.0, 300.0, 50.0, 80.0, 500.0, 900.0],
            "status": ["paid"] * 6,
        }
    )
    members = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 5],
            "tier": ["金卡会员", "银卡会员", "普通会员", "银卡会员"],
            "joined_ts": [t("2026-01-10"), t("2025-03-01"), t("2026-10-05"), t("2024-06-01")],
        }
    )
    tier_history = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 3, 5, 5],
            "ts": [
                t("2026-01-10"),
                t("2026-10-03 12:00"),
                t("2025-03-01"),
                t("2026-10-05"),
                t("2024-06-01"),
                t("2026-05-02"),
            ],  # fmt: skip
            "tier": ["普通会员", "金卡会员", "银卡会员", "普通会员", "金卡会员", "银卡会员"],
        }
    )
    tables = dict(users=users, orders=orders, members=members) | (
        dict(tier_history=tier_history) if history else {}
    )
    return shoplab.connect(write_tables(folder, "parquet", **tables), now="2026-11-01")


AT_START = {1: "普通会员", 2: "银卡会员", 3: "非会员", 4: "非会员", 5: "银卡会员"}


def test_segments_use_the_tier_held_at_the_campaign_start(tmp_path):
    shop = _tier_shop(tmp_path / "shop")
    seg = campaigns.user_segments(shop, [1, 2, 3, 4, 5], start_ts=START)
    assert seg.set_index("user_id")["tier"].to_dict() == AT_START  # user 1's upgrade is an outcome
    assert seg.attrs["tier_source"] == "tier_history"


def test_uplift_features_use_the_tier_held_at_the_start(tmp_path):
    shop = _tier_shop(tmp_path / "shop")
    f = campaigns.uplift_features(shop, [1, 2, 3, 4, 5], as_of=START)
    tier_cols = [c for c in f.columns if c.startswith("tier_")]
    got = {u: f.loc[u, tier_cols].idxmax().removeprefix("tier_") for u in f.index}
    assert got == AT_START
    assert (f[tier_cols].sum(axis=1) == 1).all()
    assert f.attrs["tier_source"] == "tier_history"
    later = campaigns.uplift_features(shop, [1], as_of="2026-10-31")  # the next campaign's audience
    assert later.loc[1, "tier_金卡会员"] == 1


def test_without_tier_history_todays_tier_stands_in_and_the_report_says_so(tmp_path):
    shop = _tier_shop(tmp_path / "shop", history=False)
    seg = campaigns.user_segments(shop, [1, 2, 3, 4, 5], start_ts=START)
    assert seg.set_index("user_id")["tier"].to_dict() == AT_START | {1: "金卡会员"}
    assert seg.attrs["tier_source"] == "members"
    assert campaigns.uplift_features(shop, [1, 2], as_of=START).attrs["tier_source"] == "members"
    table = pd.DataFrame({"campaign_id": ["C1"], "tier_source": ["members"]})
    en, zh = (campaign_report.segment_notes(table, lang=lang) for lang in ("en", "zh"))
    assert len(en) == 1 and "tier_history" in en[0] and "current tier" in en[0] and not CJK.search(en[0])
    assert len(zh) == 1 and "tier_history" in zh[0] and "当前的等级" in zh[0]
    assert campaign_report.segment_notes(table.assign(tier_source="tier_history"), lang="en") == []


def test_segment_tiers_match_a_pandas_brute_force_on_the_sample(sample_shop):
    shop = sample_shop
    camps = campaigns.campaigns_in_period(shop.campaigns, until="2026-10")
    a = shop.campaign_assignments.execute()
    th, mem = shop.tier_history.execute(), shop.members.execute()
    changed = 0
    for c in camps.itertuples():
        ids = a.loc[a.campaign_id == c.campaign_id, "user_id"].unique()
        got = campaigns.user_segments(shop, ids, start_ts=c.start_ts).set_index("user_id")["tier"]
        h = th[(th.ts < c.start_ts) & th.user_id.isin(mem.user_id)].sort_values("ts", kind="stable")
        want = h.groupby("user_id")["tier"].last().reindex(got.index).fillna("非会员")
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
        today = (
            mem[mem.joined_ts < c.start_ts].set_index("user_id")["tier"].reindex(got.index).fillna("非会员")
        )
        changed += int((today != got).sum())
    assert changed > 0, "the sample has members whose tier changed after a campaign started"


# -- pull-forward ---------------------------------------------------------------------------------------------
def _pull_forward_shop(seed: int, n: int = 600, *, window_lift: float = 40.0, post_lift: float = -15.0):
    """Assigned users whose pre-period spend predicts their later spend; treated users buy more in the window
    and less in the 14 days after it (a pull-forward)."""
    rng = np.random.default_rng(seed)
    users = np.arange(1, n + 1)
    treated = rng.random(n) < 0.5
    level = rng.gamma(2.0, 30.0, n)  # each user's spending level drives all three periods
    rows = []
    for _period, (lo, hi), shift in (
        ("pre", (START - pd.Timedelta(days=28), START - pd.Timedelta(seconds=1)), 0.0),
        ("win", (START, END), window_lift),
        ("post", (END + pd.Timedelta(seconds=1), END + pd.Timedelta(days=14)), post_lift),
    ):
        amount = np.maximum(level + rng.normal(0, 15, n) + shift * treated, 0.0)
        span = (hi - lo).total_seconds()
        when = lo + pd.to_timedelta(rng.random(n) * span, unit="s")
        rows.append(pd.DataFrame({"user_id": users, "ts": when.floor("s"), "amount": amount.round(2)}))
    orders = pd.concat(rows, ignore_index=True)
    orders = orders[orders.amount > 0].reset_index(drop=True)
    orders["order_id"] = np.arange(len(orders))
    orders["status"] = "paid"
    # an order just outside each window's edge, which must not count
    edge = pd.DataFrame({"user_id": [1, 2], "ts": [START - pd.Timedelta(days=28, seconds=1),
                                                   END + pd.Timedelta(days=14, seconds=1)],
                         "amount": [999.0, 999.0], "order_id": [-1, -2], "status": ["paid", "paid"]})  # fmt: skip
    assignments = pd.DataFrame(
        {"campaign_id": "C1", "user_id": users, "group": np.where(treated, "treatment", "control")}
    )
    return pd.concat([orders, edge], ignore_index=True), assignments


def _oracle(orders, assignments, *, cuped: bool):
    """Per-user sums in pandas, CUPED with a least-squares slope (numpy) and Welch's interval from scipy."""
    a = assignments.set_index("user_id")["group"]

    def spend(lo, hi):
        o = orders[(orders.ts >= lo) & (orders.ts <= hi) & (orders.status == "paid")]
        return o.groupby("user_id")["amount"].sum().reindex(a.index, fill_value=0.0).to_numpy()

    x = spend(START - pd.Timedelta(days=28), START - pd.Timedelta(microseconds=1))
    win = spend(START, END)
    post = spend(END + pd.Timedelta(microseconds=1), END + pd.Timedelta(days=14))
    t = (a == "treatment").to_numpy()

    def welch(y):
        if cuped:
            y = y - np.polyfit(x, y, 1)[0] * (x - x.mean())
        r = stats.ttest_ind(y[t], y[~t], equal_var=False)
        ci = r.confidence_interval(0.95)
        return y[t].mean() - y[~t].mean(), ci.low, ci.high

    return dict(post=welch(post), win=welch(win), cum=welch(win + post))


@pytest.mark.parametrize("cuped", [True, False])
def test_post_window_effect_matches_scipy_with_cuped_and_cumulative(cuped):
    orders, assignments = _pull_forward_shop(seed=3)
    got = campaigns.post_window_effect(orders, assignments, campaign_id="C1", start_ts=START, end_ts=END,
                                       post_days=14, pre_days=28, cuped=cuped)  # fmt: skip
    want = _oracle(orders, assignments, cuped=cuped)
    assert (got["abs_lift"], got["ci_low"], got["ci_high"]) == pytest.approx(want["post"], rel=1e-9)
    assert (got["window_lift"], got["window_ci_low"], got["window_ci_high"]) == pytest.approx(want["win"])
    cum = (got["cumulative_lift"], got["cumulative_ci_low"], got["cumulative_ci_high"])
    assert cum == pytest.approx(want["cum"], rel=1e-9)
    assert got["cumulative_lift"] == pytest.approx(got["window_lift"] + got["abs_lift"])
    assert got["max_dip"] == pytest.approx(max(0.0, -want["post"][1]))
    assert got["max_dip_share"] == pytest.approx(got["max_dip"] / want["win"][0])
    assert got["cuped"] is cuped and got["post_days"] == 14


def test_cuped_narrows_the_post_window_interval():
    orders, assignments = _pull_forward_shop(seed=5)
    kw = dict(campaign_id="C1", start_ts=START, end_ts=END)
    adj = campaigns.post_window_effect(orders, assignments, **kw)
    plain = campaigns.post_window_effect(orders, assignments, **kw, cuped=False)
    assert adj["ci_high"] - adj["ci_low"] < 0.7 * (plain["ci_high"] - plain["ci_low"])
    assert adj["variance_reduction"] > 0.5
    assert adj["ci_high"] < 0, "the planted dip of ¥15 per user is found"


def _after_row(post, lo, hi, *, window=20.0, cum=(12.0, -4.0, 28.0)):
    dip = max(0.0, -lo)
    return pd.DataFrame([dict(
        campaign_id="C1", name="Autumn sale", post_days=14, post_lift_revenue_per_user=post, post_ci_low=lo,
        post_ci_high=hi, post_max_dip=dip, post_max_dip_share=dip / window if window > 0 else math.nan,
        window_lift_revenue_per_user=window, cumulative_lift_revenue_per_user=cum[0], cumulative_ci_low=cum[1],
        cumulative_ci_high=cum[2], post_cuped=True,
    )])  # fmt: skip


NO_PULL_FORWARD = re.compile(r"no (sign of )?pull-forward|没有透支|未见.*透支迹象")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_inconclusive_post_window_says_how_large_a_dip_cannot_be_ruled_out(lang):
    after = _after_row(-3.0, -14.2, 8.2)  # a dip of ¥14.20 = 71% of the ¥20 in-window lift is still possible
    texts = campaigns.after_campaign_sentences(after, lang=lang)
    ev = shoplab.campaigns.Evaluation(summary=pd.DataFrame(columns=["has_control", "campaign_id"]),
                                      effects=pd.DataFrame())  # fmt: skip
    texts += [
        f for f in campaign_report.findings(ev, after=after, lang=lang) if f.section == "after-campaign"
    ]
    assert len(texts) == 2
    for text in texts:
        assert not NO_PULL_FORWARD.search(text), text
        assert "71%" in text and "¥14.20" in text, text
        assert ("cannot be ruled out" in text) if lang == "en" else ("不能排除" in text), text
        for v in ("+¥12.00", "-¥4.00", "+¥28.00"):  # the cumulative lift with its interval
            assert v in text, text
        assert bool(CJK.search(text.replace("Autumn sale", ""))) == (lang == "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_post_window_interval_without_a_share_still_bounds_the_dip(lang):
    text = campaigns.after_campaign_sentences(_after_row(-3.0, -14.2, 8.2, window=-1.0), lang=lang)[0]
    assert "¥14.20" in text and "%" not in text.split("¥14.20")[1].split(".")[0]
    assert not NO_PULL_FORWARD.search(text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_dip_and_a_lasting_lift_are_worded_as_what_they_are(lang):
    dip = campaigns.after_campaign_sentences(_after_row(-9.0, -15.0, -3.0), lang=lang)[0]
    assert ("pulled forward" in dip) if lang == "en" else ("提前透支" in dip)
    lasting = campaigns.after_campaign_sentences(_after_row(9.0, 3.0, 15.0), lang=lang)[0]
    assert ("excludes a dip" in lasting) if lang == "en" else ("排除了回落" in lasting)
    for text in (dip, lasting):
        assert "cannot be ruled out" not in text and "不能排除" not in text


def test_after_campaign_on_the_sample_reports_the_cumulative_lift(sample_shop):
    shop = sample_shop
    camps = campaigns.campaigns_in_period(shop.campaigns, period="2026-10")
    ev = campaigns.evaluate_campaigns(shop, camps)
    after = campaigns.after_campaign(shop, ev).set_index("campaign_id")
    s = ev.summary.set_index("campaign_id")
    for cid in s.index[s.has_control]:
        r = after.loc[cid]
        # the in-window lift is the evaluation's CUPED revenue lift, and the windows add up
        assert r.window_lift_revenue_per_user == pytest.approx(s.loc[cid, "lift_revenue_per_user"])
        assert r.cumulative_lift_revenue_per_user == pytest.approx(
            r.window_lift_revenue_per_user + r.post_lift_revenue_per_user
        )
        assert r.cumulative_ci_low < r.cumulative_lift_revenue_per_user < r.cumulative_ci_high
        assert r.post_max_dip == pytest.approx(max(0.0, -r.post_ci_low))


def test_segment_report_names_the_tier_source_and_notes_the_fallback(sample_dir, tmp_path):
    with_history = shoplab.connect(sample_dir)
    src = tmp_path / "shop"
    src.mkdir()
    for p in sample_dir.iterdir():
        if not p.name.startswith("tier_history"):
            (src / p.name).symlink_to(p)
    without = shoplab.connect(src)
    for shop, source in ((with_history, "tier_history"), (without, "members")):
        camps = campaigns.campaigns_in_period(shop.campaigns, period="2026-10")
        seg = campaigns.segment_report(shop, campaigns.evaluate_campaigns(shop, camps))
        assert len(seg) and set(seg["tier_source"]) == {source}
        notes = campaign_report.segment_notes(seg, lang="en")
        assert (len(notes) == 1) == (source == "members")
        assert ("tier_history" in str(campaign_report.segment_note(seg).data)) == (source == "members")
