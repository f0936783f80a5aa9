"""DSR windows worked by hand, and the bad-review text tagging on hand-labelled Chinese reviews."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shoplab.service.reviews import (
    CAUSE_KEYWORDS,
    CAUSES,
    bad_review_causes,
    dsr_trend,
    review_summary,
    tag_text,
)

from .conftest import shop_of


def _fb(rows):
    return pd.DataFrame(
        rows, columns=["user_id", "ts", "kind", "score", "aspect", "order_id", "text"]
    ).assign(ts=lambda d: pd.to_datetime(d.ts, format="ISO8601"))


def test_dsr_is_the_180_day_mean_up_to_the_period_end():
    # October 2024 ends 2024-11-01 00:00; the window starts 180 days earlier, 2024-05-05 00:00 (inclusive)
    f = _fb(
        [
            (1, "2024-05-04 23:59:59", "review", 1.0, "logistics", 1, None),  # one second too early
            (1, "2024-05-05 00:00:00", "review", 5.0, "logistics", 1, None),  # first instant in
            (2, "2024-10-31 23:59:59", "review", 4.0, "logistics", 2, None),  # last instant in
            (2, "2024-11-01 00:00:00", "review", 1.0, "logistics", 2, None),  # the next period
            (3, "2024-10-10", "review", 3.0, "service", 3, None),
            (3, "2024-10-10", "review", 2.0, None, 3, "发货太慢了"),  # the overall rating: not a DSR score
            (4, "2024-10-11", "nps", 1.0, None, None, None),
        ]
    )
    s = review_summary(shop_of(feedback=f), period="2024-10")
    assert s.dsr["logistics"] == 4.5 and s.dsr_n["logistics"] == 2
    assert s.dsr["service"] == 3.0 and math.isnan(s.dsr["description"])
    assert s.reviews == 1 and s.bad_reviews == 1 and s.bad_review_rate == 1.0
    # September's window is [2024-04-04, 2024-10-01): both May rows, (1 + 5) / 2
    t = dsr_trend(shop_of(feedback=f), period="2024-10", months=2)
    assert t.loc["2024-09", "logistics"] == 3.0 and t.loc["2024-10", "logistics"] == 4.5
    assert t.loc["2024-09", "reviews"] == 0 and math.isnan(t.loc["2024-09", "bad_review_rate"])


def test_bad_review_causes_from_aspect_and_text():
    f = _fb(
        [
            (1, "2024-10-02", "review", 1.0, None, 1, "快递太慢，包装也破了"),
            (1, "2024-10-02", "review", 1.0, "logistics", 1, None),
            (1, "2024-10-02", "review", 4.0, "service", 1, None),
            (2, "2024-10-03", "review", 2.0, None, 2, "和描述严重不符"),
            (2, "2024-10-03", "review", 2.0, "description", 2, None),
            (3, "2024-10-04", "review", 5.0, None, 3, "物流很快"),  # not a bad review
        ]
    )
    c = bad_review_causes(shop_of(feedback=f), period="2024-10").set_index(["source", "cause"])
    assert c.loc[("aspect", "logistics"), "reviews"] == 1 and c.loc[("aspect", "logistics"), "base"] == 2
    assert c.loc[("aspect", "description"), "share"] == 0.5 and c.loc[("aspect", "service"), "reviews"] == 0
    assert c.loc[("text", "logistics"), "reviews"] == 1 and c.loc[("text", "packaging"), "reviews"] == 1
    assert c.loc[("text", "other"), "reviews"] == 1 and c.loc[("text", "quality"), "reviews"] == 0


# hand-labelled: what a reader says each complaint is about (written like Taobao bad reviews)
LABELLED = [
    # plain complaints (the first six are the sample shop's bad-review texts)
    ("质量一般，有点失望", ["quality"]),
    ("发货太慢了", ["logistics"]),
    ("尺码偏小，退换麻烦", ["size", "service"]),
    ("质量太差，不推荐", ["quality"]),
    ("客服不理人，差评", ["service"]),
    ("和描述严重不符", ["other"]),
    ("快递三天才到，盒子都压坏了", ["logistics", "packaging"]),
    ("这个价格太贵了，不值", ["price"]),
    ("衣服起球严重，做工粗糙", ["quality"]),
    ("穿着偏大，码数不准", ["size"]),
    ("物流慢，客服态度也差", ["logistics", "service"]),
    ("没用过，不知道", ["other"]),
    ("收到的是假货，气死了", ["quality"]),
    ("洗了一次就掉色", ["quality"]),
    ("买完第二天就降价了，差价也不给退", ["price"]),
    ("瓶子漏液了，包装太简陋", ["packaging"]),
    ("用了没几天就坏了", ["quality"]),
    ("好几天才到，快递太慢", ["logistics"]),
    # a negator before a complaint word: no complaint
    ("没有破损，包装很好，但尺码偏小", ["size"]),
    ("包装完好没有压坏，可是质量太差了", ["quality"]),
    ("没有异味，但是做工很粗糙", ["quality"]),
    ("衣服没有起球，就是尺码偏大", ["size"]),
    ("不贵，但是用了两天就坏了", ["quality"]),
    ("无瑕疵，但是快递太慢了，等了一个星期", ["logistics"]),
    ("没有掉色，不过客服态度很差", ["service"]),
    ("价格不算贵，质量也还行，就是发货太慢", ["logistics"]),
    ("一点都不贵，质量也好，就是大小不合适", ["size"]),
    # a praise clause: no complaint
    ("物流很快，就是质量太差", ["quality"]),
    ("快递很快，包装也很好，可是衣服掉色严重", ["quality"]),
    ("客服态度很好，但是东西做工太差", ["quality"]),
    ("价格便宜，但是尺码不准，穿着太小", ["size"]),
    ("发货及时，客服也很耐心，但衣服开线了", ["quality"]),
    ("质量不错，就是价格太贵了", ["price"]),
    ("尺码正好，做工也不错，只是物流太慢", ["logistics"]),
    ("包装精美，可惜有瑕疵", ["quality"]),
    ("物流、包装都很好，就是尺码偏小", ["size"]),
    ("东西没问题，就是客服态度太差", ["service"]),
    # contrast words with no punctuation
    ("物流很快但是质量太差", ["quality"]),
    ("质量挺好的不过客服不理人", ["service"]),
    ("包装很结实可是尺码偏小", ["size"]),
    ("快递不错然而到手发现有异味", ["quality"]),
    ("物流很快质量很差", ["quality"]),
    # keywords that carry their own negation
    ("衣服不合身，退了", ["size"]),
    ("客服不理人，问了半天没回复", ["service"]),
    ("穿上不合身，而且做工也不好", ["quality", "size"]),
    ("完全不值这个价", ["price"]),
    # negated praise is a complaint; a missing service is a complaint
    ("物流不快，等了五天", ["logistics"]),
    ("客服态度不好", ["service"]),
    ("质量不是很好，有点失望", ["quality"]),
    ("包装不太好，盒子都变形了", ["packaging"]),
    ("等了十天还没发货", ["logistics"]),
    ("客服一直不回复", ["service"]),
    ("完全没有包装，直接一个袋子装着", ["packaging"]),
    # a denied cause is no complaint
    ("不是质量问题，是尺码偏大", ["size"]),
    ("并不是物流的问题，是东西有异味", ["quality"]),
    # several causes
    ("快递太慢，包装也破了，客服还不理人", ["logistics", "service", "packaging"]),
    ("质量差，尺码偏大，价格还贵", ["quality", "size", "price"]),
    ("发货慢，做工粗糙，售后推诿", ["logistics", "quality", "service"]),
    ("盒子压坏了，里面的东西也有瑕疵", ["quality", "packaging"]),
    ("物流慢得离谱，客服态度也差", ["logistics", "service"]),
    # praise only, or a complaint the dictionary does not know: other
    ("物流很快，包装也很好，可是和图片完全不一样", ["other"]),
    ("物流很快，质量不错", ["other"]),
]


# written after the code, to check it on texts it was not built on: it got 18 of 20; the two misses were bugs
# (别家 read as the negator 别; a clause opening with 不过 read as negated), fixed since
LATER = [
    ("鞋子码数偏小一码，建议买大一码", ["size"]),
    ("客服回复超级慢，问什么都答非所问", ["service"]),
    ("快递包装挺好的，但是里面的杯子碎了", ["other"]),
    ("东西还没用就坏了，售后也不管", ["quality", "service"]),
    ("发货速度还可以，质量真的不行", ["quality"]),
    ("颜色和图片不一样，有色差", ["other"]),
    ("送货上门服务很差，快递员态度恶劣", ["logistics", "service"]),
    ("没有想象中那么好，做工一般", ["quality"]),
    ("尺寸刚好，但是有一股很大的异味", ["quality"]),
    ("性价比太低了，不如去实体店买", ["price"]),
    ("物流超快，第二天就到了，可惜质量不行", ["quality"]),
    ("没有发票，客服推诿说没有", ["service"]),
    ("盒子是破的，东西没坏", ["packaging"]),
    ("价格比别家贵了二十块", ["price"]),
    ("刚买就降价，心塞", ["price"]),
    ("衣服有线头，开线了，质量堪忧", ["quality"]),
    ("物流一般，包装简陋，东西还行", ["logistics", "packaging"]),
    ("等了半个月才到，物流太慢了", ["logistics"]),
    ("客服态度挺好，就是不给退换", ["service"]),
    ("大小合适，不过掉色严重", ["quality"]),
]


@pytest.mark.parametrize(("text", "causes"), LABELLED + LATER)
def test_text_tagging_on_hand_labelled_reviews(text, causes):
    assert tag_text(text) == causes


def test_no_text_has_no_cause():
    assert tag_text(None) == [] and tag_text("  ") == [] and tag_text(float("nan")) == []


@pytest.mark.parametrize(
    ("text", "causes"),
    [
        ("没有，包装破损", ["packaging"]),  # a negator does not reach into the next clause
        ("没有任何破损", ["other"]),  # ... it reaches over a few characters within one
        ("没穿两次就起球", ["quality"]),  # 就 ends a negator's reach
        ("没有发现任何瑕疵", ["quality"]),  # a known miss: 4 characters are beyond a negator's reach
        ("物流不慢，质量差", ["quality"]),  # a negated negative word is praise
        ("性价比很高，就是太大了", ["size"]),  # 高 is praise for 性价比
        ("价格偏高", ["price"]),
        ("价格不高，就是尺码偏小", ["size"]),  # ... and 不高 for 价格
        ("快递员送货上门很及时，可惜衣服起球", ["quality"]),  # 快递 is not the praise word 快
        ("起球很快", ["quality"]),  # praise words do not cancel a complaint word
        ("物流包装都还行但质量太差", ["quality"]),  # 但 ends the clause 物流 borrows its praise from
    ],
)
def test_text_tagging_rules(text, causes):
    assert tag_text(text) == causes


def test_tag_text_returns_a_fresh_list():
    tag_text("发货太慢了").append("price")  # the result is cached inside: a caller's change must not stick
    assert tag_text("发货太慢了") == ["logistics"]


def test_the_sample_shops_bad_review_texts_keep_their_causes():
    from shoplab.sample.design import _REVIEW_TEXTS

    labels = dict(LABELLED)
    bad = [t for s in (1, 2) for t in _REVIEW_TEXTS[s]]
    assert bad and all(t in labels for t in bad)  # labelled above; a new sample text needs a label
    assert [tag_text(t) for t in bad] == [labels[t] for t in bad]


def test_bad_review_causes_count_no_praised_or_negated_mention():
    f = _fb(
        [
            (1, "2024-10-02", "review", 1.0, None, 1, "物流很快，就是质量太差"),
            (2, "2024-10-03", "review", 2.0, None, 2, "没有破损，包装很好，但尺码偏小"),
            (3, "2024-10-04", "review", 1.0, None, 3, "物流很快，包装也很好"),
        ]
    )
    c = bad_review_causes(shop_of(feedback=f), period="2024-10").set_index(["source", "cause"]).loc["text"]
    assert c.loc[["quality", "size", "other"], "reviews"].tolist() == [1, 1, 1]
    assert c.loc[["logistics", "packaging"], "reviews"].tolist() == [0, 0] and (c.base == 3).all()


def _merge(*tags):
    found = {c for t in tags for c in t if c != "other"}
    return [c for c in CAUSES if c in found] or ["other"]


def test_clauses_are_tagged_independently():
    # every pair of labelled texts joined by a comma: the causes of the two, merged
    texts = [t for t, _ in LABELLED + LATER]
    for a in texts:
        for b in texts[::7]:
            assert tag_text(f"{a}，{b}") == _merge(tag_text(a), tag_text(b)), (a, b)


_PIECES = (
    sorted({w for ws in CAUSE_KEYWORDS.values() for w in ws})
    + list("不没无未别很太快慢好差贵小大但是就才，。！、 了的也还都真")
    + ["没有", "不是", "并不", "不错", "不好", "满意", "一点", "可是", "不过"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12))
def test_tags_keep_the_contract_and_come_from_keywords(pieces):
    text = "".join(pieces)
    tags = tag_text(text)
    if not text.strip():
        assert tags == []
        return
    assert tags and tags == [c for c in CAUSES if c in tags]  # non-empty, in CAUSES order, no repeats
    assert tags == ["other"] or "other" not in tags
    for c in tags:  # a cause is only ever named by one of its keywords (parsing can drop, never add)
        assert c == "other" or any(w in text for w in CAUSE_KEYWORDS[c])
