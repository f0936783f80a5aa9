"""compute_report against the separate calls, and the sample shop's planted truths recovered."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from shoplab import merchandise as m
from shoplab.merchandise import metrics, text

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def results(sample_shop):
    return m.compute_report(sample_shop, period=PERIOD)


@pytest.fixture(scope="module")
def truth(sample_dir):
    return json.loads((sample_dir / "_truth.json").read_text(encoding="utf-8"))["merchandise"]


def test_report_is_the_separate_calls(sample_shop, results):
    r = m.sku_ranking(sample_shop, period=PERIOD)
    pd.testing.assert_frame_equal(results.ranking, r)
    assert results.concentration.top20_share == m.concentration(r).top20_share
    assert results.sell_through == m.sell_through(sample_shop, period=PERIOD)
    s = m.item_stock(sample_shop, period=PERIOD)
    pd.testing.assert_frame_equal(results.stock, s)
    assert results.inventory == m.inventory_summary(sample_shop, period=PERIOD, stock=s)
    assert results.tier_share == dict(zip(results.tier_mix.tier, results.tier_mix.gmv_share, strict=True))


def test_planted_stockouts_are_recovered(results, truth):
    planted = {s["item_id"]: s for s in truth["stockouts"] if s["first_day"].startswith(PERIOD)}
    assert planted
    s = results.stock.set_index("item_id")
    out = s[s.stockout_days > 0]
    assert set(out.index) == set(planted)
    for i, p in planted.items():
        assert out.loc[i, "stockout_days"] == p["days"]
    # the likely lost units: stock-out days x units per in-stock day of the month, by hand from the stock table
    for i in planted:
        assert out.loc[i, "lost_units"] == pytest.approx(
            out.loc[i, "stockout_days"] * s.loc[i, "units"] / s.loc[i, "stock_days"]
        )


def test_planted_overstock_and_dead_stock_are_flagged(results, truth):
    s = results.stock.set_index("item_id")
    over = [o["item_id"] for o in truth["overstock"]]
    assert s.loc[over, "overstock"].all()
    slow = set(s.index[s.slow])
    assert slow == set(truth["dead_stock_items"]) | set(truth["new_launch_items"])  # nothing sold in 90 days
    clear = set(results.alerts.query("action == 'clear'").item_id)
    assert clear  # the largest stuck values are on the list
    assert results.inventory.slow_stock_value == pytest.approx(s.loc[list(slow), "value"].sum())


def test_planted_role_disagreements_are_found(results, truth):
    # planted on the GMV rank over the whole window; the tiers are the month's, so a planted top seller may have
    # had a weaker month in a small shop: most of them, not all, must show up as core against their plan
    d = results.disagreements.set_index("item_id")
    strong = set(d.index[d.strong_disagreement & (d.tier == "core")])
    top = truth["planned_clearance_but_top_sellers"]
    assert len(strong & set(top)) >= len(top) - 1
    for i in truth["planned_core_but_bottom_sellers"]:
        assert i in d.index and d.loc[i, "tier"] != "core"


def test_headlines_are_the_declared_keys_with_their_labels(results):
    h = metrics.record_headlines(results)
    keys = {mm.key for mm in metrics.METRICS}
    assert set(h) == keys and len(keys) == 10
    assert h["merchandise.skus_sold"] == results.concentration.skus_sold
    assert h["merchandise.slow_stock_share"] == results.inventory.slow_stock_share
    assert sum(h[f"merchandise.tier_share.{t}"] for t in m.tiers.TIERS) == pytest.approx(1.0)
    labels = {mm.key: (mm.en, mm.zh) for mm in metrics.METRICS}
    assert labels["merchandise.sell_through"] == ("Sell-through", "动销率")


def test_findings_in_both_languages(results):
    en, zh = text.findings(results, lang="en"), text.findings(results, lang="zh")
    assert len(en) == len(zh) >= 5
    assert [f.section for f in en] == [f.section for f in zh]
    assert {"concentration", "inventory", "tiers", "alerts"} <= {f.section for f in en}
    top = f"{results.concentration.top20_share:.1%}"
    assert top in en[0] and top in zh[0] and "头部" in zh[0]
    best = results.ranking.item_id.iloc[0]
    name = (results.item_names or {}).get(best)
    assert name is None or f"{name} ({best})" in en[0]  # the best seller by name and id
    en0 = en[0].replace(name, "") if name else en[0]
    assert not any(
        "\u4e00" <= ch <= "\u9fff" for ch in en0
    )  # (category and item names are data: they may be Chinese)
    assert text.pareto_title(results.concentration, lang="zh").startswith("头部 20%")
    strong = int(results.disagreements.strong_disagreement.sum())
    tiers_en = next(f for f in en if f.section == "tiers")
    tiers_zh = next(f for f in zh if f.section == "tiers")
    assert f"{strong:,} at the opposite end" in tiers_en and f"其中 {strong:,} 个完全相反" in tiers_zh


def test_without_the_optional_tables_the_report_still_runs(sample_dir, tmp_path):
    import shutil

    import shoplab

    src = tmp_path / "s"
    src.mkdir()
    for name in ("orders", "order_items"):
        shutil.copytree(sample_dir / name, src / name)
    r = m.compute_report(shoplab.connect(src), period=PERIOD)
    assert r.stock is None and r.inventory is None and r.alerts is None and r.sell_through is None
    assert not r.has_views and not r.has_roles
    h = metrics.record_headlines(r)
    assert set(h) == {"merchandise.skus_sold", "merchandise.top20_sku_gmv_share"} | {
        f"merchandise.tier_share.{t}" for t in m.tiers.TIERS
    }
    assert len(text.findings(r, lang="zh")) >= 2


def test_recommendations_in_the_report(sample_shop, results):
    import pandas as pd

    from shoplab.merchandise import recommend

    start = pd.Timestamp("2026-05-01")
    pd.testing.assert_frame_equal(
        results.bought_together,
        recommend.bought_together(sample_shop, start=start, end=pd.Timestamp("2026-11-01")),
    )
    h = results.hit_rate
    assert h.users > 0 and set(h.k) == {5, 10}
    assert h.recommender[5] <= h.recommender[10] and h.baseline[5] <= h.baseline[10]
    for lang in ("en", "zh"):
        assert text.hit_rate_sentence(h, lang=lang)
        assert len(text.hit_rate_table(h, lang=lang)) == 2
    assert (results.bought_together.co_buyers >= 5).all()


def test_launch_comparison_in_the_report(sample_shop, results):
    lc = results.launches
    assert results.has_launch_ts and lc is not None
    # the 90 days up to October's end; the data ends on 2026-10-31, so October's launches have no full 30 days
    assert lc.start == pd.Timestamp("2026-08-03") and len(lc.items) > 0
    want = m.launch_comparison(sample_shop, period=PERIOD)
    pd.testing.assert_frame_equal(lc.items, want.items)
    pd.testing.assert_frame_equal(lc.benchmark, want.benchmark)
    assert set(lc.items.item_id) <= set(results.item_names)
    for lang in ("en", "zh"):
        t = text.launch_table(lc, names=results.item_names, lang=lang)
        assert len(t) == len(lc.items) and t.shape[1] == 2 + 3 * 3 + 4
        assert all(str(i) in s for i, s in zip(lc.items.item_id, t.iloc[:, 0], strict=True))
