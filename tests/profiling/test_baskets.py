"""Basket affinities: equal to mlxtend on small baskets and to a brute-force oracle on random baskets."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shoplab import profiling as pf

BASKETS = [
    {"milk", "bread", "butter"},
    {"milk", "bread"},
    {"beer", "chips"},
    {"milk", "chips", "bread"},
    {"bread", "butter"},
    {"beer", "chips", "milk"},
    {"milk"},
    {"bread", "butter", "milk", "chips"},
    {"beer"},
    {"butter", "chips"},
]


def lines(baskets) -> pd.DataFrame:
    rows = [(i, item) for i, b in enumerate(baskets) for item in sorted(b)]
    return pd.DataFrame(rows, columns=["basket", "item"])


def mlxtend_rules(baskets, min_support):
    from mlxtend.frequent_patterns import apriori, association_rules
    from mlxtend.preprocessing import TransactionEncoder

    te = TransactionEncoder()
    onehot = pd.DataFrame(
        te.fit([sorted(b) for b in baskets]).transform([sorted(b) for b in baskets]), columns=te.columns_
    )
    freq = apriori(onehot, min_support=min_support, use_colnames=True, max_len=2)
    r = association_rules(freq, num_itemsets=len(baskets), metric="support", min_threshold=min_support)
    r = r[(r.antecedents.map(len) == 1) & (r.consequents.map(len) == 1)]
    return pd.DataFrame(
        {
            "antecedent": r.antecedents.map(lambda s: next(iter(s))),
            "consequent": r.consequents.map(lambda s: next(iter(s))),
            "antecedent_support": r["antecedent support"],
            "consequent_support": r["consequent support"],
            "support": r["support"],
            "confidence": r["confidence"],
            "lift": r["lift"],
            "leverage": r["leverage"],
            "conviction": r["conviction"],
        }
    )


@pytest.mark.parametrize("min_support", [0.1, 0.2, 0.3])
def test_rules_equal_mlxtend(min_support):
    got = pf.association_rules(lines(BASKETS), min_support=min_support)
    want = mlxtend_rules(BASKETS, min_support)
    assert len(got) == len(want) > 0
    key = ["antecedent", "consequent"]
    g = got.drop(columns="transactions").sort_values(key).reset_index(drop=True)
    w = want.sort_values(key).reset_index(drop=True)[g.columns]
    pd.testing.assert_frame_equal(g, w, check_exact=False, rtol=1e-12, check_dtype=False)


def test_filters_and_duplicates():
    df = lines(BASKETS)
    df = pd.concat([df, df.iloc[:3], pd.DataFrame({"basket": [0], "item": [None]})])  # repeats, a null item
    a = pf.association_rules(df, min_support=0.1)
    pd.testing.assert_frame_equal(a, pf.association_rules(lines(BASKETS), min_support=0.1))
    b = pf.association_rules(df, min_support=0.1, min_lift=1.2, min_confidence=0.5)
    assert (b.lift >= 1.2).all() and (b.confidence >= 0.5).all() and 0 < len(b) < len(a)
    assert a.lift.is_monotonic_decreasing


def brute_rules(baskets, min_support):
    n = len(baskets)
    items = sorted(set().union(*baskets))
    sup = {i: sum(i in b for b in baskets) / n for i in items}
    out = {}
    for a, c in itertools.permutations(items, 2):
        both = sum(a in b and c in b for b in baskets)
        s = both / n
        if both == 0 or s < min_support or sup[a] < min_support or sup[c] < min_support:
            continue
        conf = s / sup[a]
        out[(a, c)] = (
            sup[a],
            sup[c],
            s,
            conf,
            conf / sup[c],
            s - sup[a] * sup[c],
            math.inf if conf >= 1 else (1 - sup[c]) / (1 - conf),
            both,
        )
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sets(st.sampled_from("abcdef"), min_size=0, max_size=5), min_size=1, max_size=30),
    st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.25, 1 / 3]),
)
def test_rules_equal_brute_force(baskets, min_support):
    df = lines(baskets)
    if df.empty:
        return
    got = pf.association_rules(df, min_support=min_support)
    # a transaction with no item holds no line: the engine sees only baskets with lines
    want = brute_rules([b for b in baskets if b], min_support)
    assert {(r.antecedent, r.consequent) for r in got.itertuples()} == set(want)
    for r in got.itertuples():
        w = want[(r.antecedent, r.consequent)]
        np.testing.assert_allclose(
            [
                r.antecedent_support,
                r.consequent_support,
                r.support,
                r.confidence,
                r.lift,
                r.leverage,
                r.conviction,
            ],
            w[:7],
            rtol=1e-12,
            atol=1e-15,
        )
        assert r.transactions == w[7]


def test_basket_lines_on_the_sample_shop(sample_shop):
    by_user = pf.association_rules(pf.basket_lines(sample_shop, "2026-10", by="user"), min_support=0.02)
    assert len(by_user) > 0 and (by_user.support >= 0.02).all()
    with pytest.raises(ValueError, match="level must be"):
        pf.basket_lines(sample_shop, "2026-10", level="brand")
