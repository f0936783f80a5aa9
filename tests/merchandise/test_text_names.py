"""The merchandise tables show items as "name (id)" when ``items.name`` gives a name, else the id."""

from __future__ import annotations

import pandas as pd

from shoplab import merchandise as m

from .conftest import PERIOD, random_shop, shop_of

NAMES = {1: "tea", 2: "cup"}  # item 3 has no name
ITEM = m.text.col("item_id", "en")


def test_pairs_table_names_both_items():
    pairs = pd.DataFrame(
        {
            "antecedent": [1, 3],
            "consequent": [2, 1],
            "co_buyers": [5, 6],
            "support": [0.1, 0.2],
            "confidence": [0.5, 0.6],
            "lift": [2.0, 1.5],
        }
    )
    for lang in ("en", "zh"):
        t = m.text.pairs_table(pairs, names=NAMES, lang=lang)
        assert t.iloc[:, 0].tolist() == ["tea (1)", "3"]
        assert t.iloc[:, 1].tolist() == ["cup (2)", "tea (1)"]
    assert m.text.pairs_table(pairs).iloc[:, 0].tolist() == [1, 3]  # no names: the ids


def test_report_tables_show_names():
    t = random_shop(7)
    t["items"] = t["items"].assign(name=[f"n{i}" if i % 2 else None for i in t["items"].item_id])
    r = m.compute_report(shop_of(**t), period=PERIOD)
    assert r.alerts is not None and len(r.alerts) and len(r.disagreements)
    assert r.item_names and all(v == f"n{k}" for k, v in r.item_names.items())

    def want(ids):
        return [f"n{i} ({i})" if i % 2 else str(i) for i in ids]

    top = m.text.ranking_table(r.ranking, names=r.item_names)
    assert top[ITEM].tolist() == want(r.ranking.item_id.head(20))
    assert m.text.alert_table(r.alerts, names=r.item_names)[ITEM].tolist() == want(r.alerts.item_id)
    out = r.stock[r.stock.stockout_days > 0].sort_values(["lost_gmv", "item_id"], ascending=[False, True])
    assert m.text.stockout_table(r.stock, names=r.item_names)[ITEM].tolist() == want(out.item_id)
    d = m.text.disagreement_table(r.disagreements, names=r.item_names)
    assert d[ITEM].tolist() == want(r.disagreements.item_id)
    # without items.name: no names, the ids as before
    t["items"] = t["items"].drop(columns="name")
    r2 = m.compute_report(shop_of(**t), period=PERIOD, evaluate_recommender=False)
    assert r2.item_names is None
    assert (
        m.text.ranking_table(r2.ranking, names=r2.item_names)[ITEM].tolist()
        == r2.ranking.item_id.head(20).tolist()
    )
