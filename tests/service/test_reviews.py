"""DSR windows worked by hand, and the bad-review text tagging on hand-labelled Chinese reviews."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from shoplab.service.reviews import bad_review_causes, dsr_trend, review_summary, tag_text

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


# hand-labelled: what a reader says each complaint is about
LABELLED = [
    ("质量一般，有点失望", ["quality"]),
    ("发货太慢了", ["logistics"]),
    ("尺码偏小，退换麻烦", ["size", "service"]),
    ("质量太差，不推荐", ["quality"]),
    ("客服不理人，差评", ["service"]),
    ("快递三天才到，盒子都压坏了", ["logistics", "packaging"]),
    ("这个价格太贵了，不值", ["price"]),
    ("衣服起球严重，做工粗糙", ["quality"]),
    ("穿着偏大，码数不准", ["size"]),
    ("物流慢，客服态度也差", ["logistics", "service"]),
    ("和描述严重不符", ["other"]),
    ("没用过，不知道", ["other"]),
]


@pytest.mark.parametrize(("text", "causes"), LABELLED)
def test_text_tagging_on_hand_labelled_reviews(text, causes):
    assert tag_text(text) == causes


def test_no_text_has_no_cause():
    assert tag_text(None) == [] and tag_text("  ") == [] and tag_text(float("nan")) == []
