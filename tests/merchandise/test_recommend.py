"""Bought-together metrics against mlxtend, and the offline hit rates against a brute-force loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import recommend

from .conftest import counted_lines, random_shop, shop_of

START, END = pd.Timestamp("2026-06-01"), pd.Timestamp("2027-01-01")
SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.integers(0, 10_000))
def test_bought_together_matches_mlxtend(seed):
    from mlxtend.frequent_patterns import apriori, association_rules

    t = random_shop(seed, n_items=6, n_orders=50, inventory=False, events=False)
    got = recommend.bought_together(shop_of(**t), start=START, end=END, min_co_buyers=1)
    j = counted_lines(t, START, END)
    j = j[j.gmv > 0]
    onehot = pd.crosstab(j.user_id, j.item_id).gt(0)
    fi = apriori(onehot, min_support=1e-9, use_colnames=True, max_len=2)
    rules = association_rules(fi, metric="lift", min_threshold=0)
    rules = rules[(rules.antecedents.map(len) == 1) & (rules.consequents.map(len) == 1)]
    want = (
        pd.DataFrame(
            {
                "antecedent": [next(iter(a)) for a in rules.antecedents],
                "consequent": [next(iter(c)) for c in rules.consequents],
                "support": rules.support.to_numpy(),
                "confidence": rules.confidence.to_numpy(),
                "lift": rules.lift.to_numpy(),
            }
        )
        .set_index(["antecedent", "consequent"])
        .sort_index()
    )
    g = got.set_index(["antecedent", "consequent"]).sort_index()
    assert list(g.index) == list(want.index)
    for c in ("support", "confidence", "lift"):
        np.testing.assert_allclose(g[c].to_numpy(), want[c].to_numpy(), err_msg=c)
    # the co-buyer threshold keeps the pairs with at least N co-buyers
    few = recommend.bought_together(shop_of(**t), start=START, end=END, min_co_buyers=3)
    assert set(few.itertuples(index=False, name=None)) <= set(got.itertuples(index=False, name=None))
    assert (few.co_buyers >= 3).all() and len(few) == int((got.co_buyers >= 3).sum())


def brute_force_hits(t: dict, k=(5, 10), only=None):
    """One user at a time: hold out the last order, score by summed confidence, fill with the popular items
    (``only``: score these users alone; the training is everyone's)."""
    j = counted_lines(t, START, END)
    j = j[j.gmv > 0][["user_id", "order_id", "ts", "item_id"]].drop_duplicates()
    last = j.sort_values(["ts", "order_id"]).groupby("user_id").tail(1).set_index("user_id").order_id
    held_mask = j.order_id.values == j.user_id.map(last).values
    train = j[~held_mask][["user_id", "item_id"]].drop_duplicates()
    buyers = train.groupby("item_id").user_id.nunique()
    pop = sorted(buyers.index, key=lambda i: (-buyers[i], i))
    sets = train.groupby("user_id").item_id.apply(set)
    rec_hits = dict.fromkeys(k, 0)
    base_hits = dict.fromkeys(k, 0)
    users = 0
    for u, g in j.groupby("user_id"):
        if g.order_id.nunique() < 2 or (only is not None and u not in only):
            continue
        users += 1
        target = set(g[g.order_id == last[u]].item_id)
        have = sets.get(u, set())
        base = [i for i in pop if i not in have]
        score = {}
        for a in have:
            for b in buyers.index:
                if b in have:
                    continue
                co = sum(1 for s in sets if a in s and b in s)
                if co:
                    score[b] = score.get(b, 0.0) + co / buyers[a]
        cand = sorted(score, key=lambda i: (-round(score[i], 12), pop.index(i), i))
        rec = cand + [i for i in base if i not in cand]
        for kk in k:
            rec_hits[kk] += bool(target & set(rec[:kk]))
            base_hits[kk] += bool(target & set(base[:kk]))
    return users, rec_hits, base_hits


@SETTINGS
@given(st.integers(0, 10_000))
def test_hit_rates_match_a_brute_force_loop(seed):
    t = random_shop(seed, n_items=14, n_orders=70, inventory=False, events=False)
    h = recommend.hit_rate(shop_of(**t), start=START, end=END)
    users, rec, base = brute_force_hits(t)
    assert h.users == users
    for kk in (5, 10):
        if users:
            assert h.recommender[kk] == pytest.approx(rec[kk] / users)
            assert h.baseline[kk] == pytest.approx(base[kk] / users)
            lo, hi = h.baseline_ci[kk]
            assert lo <= h.baseline[kk] <= hi


@SETTINGS
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_a_sampled_evaluation_scores_the_sampled_buyers_with_everyone_s_training(seed, m):
    t = random_shop(seed, n_items=14, n_orders=70, inventory=False, events=False)
    shop = shop_of(**t)
    full = recommend.hit_rate(shop, start=START, end=END, max_users=None)
    h = recommend.hit_rate(shop, start=START, end=END, max_users=m, random_state=seed)
    assert h.eligible == full.users and full.eligible == full.users and not full.sampled
    assert h.users == min(m, full.users) and h.sampled == (full.users > m)
    j = counted_lines(t, START, END)
    j = j[j.gmv > 0]
    eligible = sorted(u for u, g in j.groupby("user_id") if g.order_id.nunique() >= 2)
    chosen = set(recommend.evaluation_users(eligible, m, seed).tolist())
    assert len(chosen) == h.users and chosen <= set(eligible)
    users, rec, base = brute_force_hits(t, only=chosen)
    assert users == h.users
    for kk in (5, 10):
        if users:
            assert h.recommender[kk] == pytest.approx(rec[kk] / users)
            assert h.baseline[kk] == pytest.approx(base[kk] / users)
    # the same seed, the same sample
    again = recommend.hit_rate(shop, start=START, end=END, max_users=m, random_state=seed)
    assert again == h


def test_hand_worked_pair():
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "user_id": [1, 1, 2, 3],
            "ts": pd.to_datetime(["2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04"]),
            "amount": 1.0,
        }
    )
    lines = pd.DataFrame(
        {"order_id": [1, 2, 3, 3, 4], "item_id": [10, 20, 10, 20, 10], "quantity": 1, "price": 1.0}
    )
    bt = recommend.bought_together(
        shop_of(orders=orders, order_items=lines), start=START, end=END, min_co_buyers=1
    )
    r = bt.set_index(["antecedent", "consequent"])
    # buyers 1 and 2 bought both (user 1 in two orders: buyer level), user 3 only 10: 3 buyers
    assert r.loc[(10, 20), "co_buyers"] == 2 and r.loc[(10, 20), "support"] == pytest.approx(2 / 3)
    assert r.loc[(10, 20), "confidence"] == pytest.approx(2 / 3) and r.loc[(20, 10), "confidence"] == 1.0
    assert r.loc[(10, 20), "lift"] == pytest.approx((2 / 3) / (2 / 3))


def test_the_sentence_says_when_the_rates_rest_on_a_sample():
    from shoplab.merchandise import text

    h = recommend.HitRate(
        400, (5, 10), {5: 0.1, 10: 0.2}, {5: 0.1, 10: 0.15}, {5: (0.07, 0.13), 10: (0.16, 0.24)},
        {5: (0.07, 0.13), 10: (0.12, 0.19)}, 90_000,
    )  # fmt: skip
    assert h.sampled
    assert "a random 400 of the 90,000 repeat buyers" in text.hit_rate_sentence(h, lang="en")
    assert "90,000 位复购买家中随机抽取的 400 位" in text.hit_rate_sentence(h, lang="zh")
    whole = recommend.HitRate(400, h.k, h.recommender, h.baseline, h.recommender_ci, h.baseline_ci, 400)
    assert not whole.sampled and "of 400 repeat buyers" in text.hit_rate_sentence(whole, lang="en")


def test_the_verdict_comes_from_the_paired_difference():
    from shoplab import stats
    from shoplab.merchandise import text

    base = dict(k=(5, 10), recommender={5: 0.1, 10: 0.2}, baseline={5: 0.1, 10: 0.15},
                recommender_ci={5: (0.07, 0.13), 10: (0.16, 0.24)}, baseline_ci={5: (0.07, 0.13), 10: (0.12, 0.19)})  # fmt: skip
    # the rates' intervals overlap, yet 60 buyers hit by the recommender alone against 40 by popularity alone, of
    # 400: +5 pp, paired interval above zero
    d = {5: stats.paired_proportions(10, 10, 400), 10: stats.paired_proportions(60, 40, 400)}
    h = recommend.HitRate(400, eligible=400, difference=d, **base)
    assert d[10].ci_low > 0  # Agresti-Min: 0.0498 +- 1.96 x 0.0249
    s = text.hit_rate_sentence(h, lang="en")
    assert (
        "better by 5.0 pp (95% interval of the difference +0.1 to +9.9 pp)" in s
        and "paired on the same buyers" in s
    )
    worse = recommend.HitRate(
        400, eligible=400, difference={**d, 10: stats.paired_proportions(40, 60, 400)}, **base
    )
    assert "worse by 5.0 pp (95% interval of the difference -9.9 to -0.1 pp)" in text.hit_rate_sentence(worse)
    assert "低于 5.0 个百分点" in text.hit_rate_sentence(worse, lang="zh")
    flat = recommend.HitRate(
        400, eligible=400, difference={**d, 10: stats.paired_proportions(41, 40, 400)}, **base
    )
    assert "includes zero, so this data shows no evidence" in text.hit_rate_sentence(flat, lang="en")
    assert "区间包含 0" in text.hit_rate_sentence(flat, lang="zh")
    t = text.hit_rate_table(flat, lang="zh").set_index("K")  # K is a column of the shown table
    assert (
        t.loc[10, "差值，配对（百分点）"].startswith("+0.2 (") and " 至 " in t.loc[10, "差值，配对（百分点）"]
    )


def test_the_sample_hit_rate_difference_is_paired(sample_dir):
    import shoplab
    from shoplab.periods import Period

    p = Period.parse("2026-10")
    h = recommend.hit_rate(shoplab.connect(sample_dir), start=p.shift(-5).start, end=p.end)
    for kk in h.k:
        d = h.difference[kk]
        assert d.estimate == pytest.approx(h.recommender[kk] - h.baseline[kk])
        assert d.ci_low <= d.estimate <= d.ci_high


def test_the_report_keeps_the_strongest_pairs_and_counts_them_all():
    from shoplab.merchandise import text

    t = random_shop(5, n_items=14, n_orders=200, inventory=False, events=False)
    shop = shop_of(**t)
    every = recommend.bought_together(shop, start=START, end=END, min_co_buyers=1)
    top = recommend.bought_together(shop, start=START, end=END, min_co_buyers=1, top=7)
    assert len(every) > 7 and every.attrs["pairs_total"] == len(every)
    assert top.attrs["pairs_total"] == len(every)
    pd.testing.assert_frame_equal(top, every.head(7))  # the same ranking, cut in the engine
    assert every.lift.is_monotonic_decreasing
    assert f"7 strongest of the {len(every):,} pairs" in text.pairs_kept_note(top, lang="en")
    assert text.pairs_kept_note(every) is None
