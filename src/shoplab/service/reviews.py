"""Reviews (评价): Taobao's three DSR scores, the bad-review rate and the causes of bad reviews.

A review's overall rating is a ``feedback`` row of kind ``review`` with no ``aspect``; its DSR scores are
``review`` rows with an aspect (description 描述相符, service 服务态度, logistics 物流服务).

* **DSR score** of an aspect: the mean ``score`` of its rows over the 180 days ending at the period's end
  (``[end - 180 days, end)``), as Taobao computes the shop's dynamic rating.
* **Bad-review rate** (差评率): overall reviews in the period with score <= 2 / all overall reviews in the period.
* **Causes** of bad reviews: from their DSR rows (an aspect scored <= 2) and from their text, segmented with
  jieba and matched against a keyword dictionary (:data:`CAUSE_KEYWORDS`); a text that names no keyword is
  ``other``. A mention in a bad review is taken as a complaint (negation is not parsed).
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import ibis
import pandas as pd

from ..data import Shop, require_columns
from ..periods import Period
from ..privacy import pseudonymise

__all__ = [
    "ASPECTS",
    "CAUSES",
    "CAUSE_KEYWORDS",
    "DSR_WINDOW_DAYS",
    "BAD_SCORE",
    "ReviewSummary",
    "review_summary",
    "dsr_trend",
    "tag_text",
    "bad_review_causes",
    "bad_review_examples",
]

ASPECTS = ("description", "service", "logistics")
DSR_WINDOW_DAYS = 180
BAD_SCORE = 2  #: an overall rating at or below this is a bad review (差评)

#: The keyword dictionary of bad-review causes (words jieba keeps whole; matched on its tokens).
CAUSE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "logistics": ("物流", "快递", "发货", "配送", "送货", "到货", "签收", "派送", "运输", "延迟"),
    "quality": ("质量", "做工", "瑕疵", "掉色", "起球", "劣质", "次品", "假货", "开线", "坏了", "异味"),
    "size": ("尺码", "尺寸", "偏小", "偏大", "码数", "太小", "太大", "不合身", "大小"),
    "service": ("客服", "服务", "态度", "不理人", "回复", "售后", "退换", "推诿"),
    "price": ("价格", "太贵", "贵", "性价比", "降价", "差价", "不值"),
    "packaging": ("包装", "简陋", "盒子", "压坏", "漏液", "破损"),
}
CAUSES = (*CAUSE_KEYWORDS, "other")


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for words in CAUSE_KEYWORDS.values():
        for w in words:
            tk.add_word(w, freq=10**6)
    return tk


def tag_text(text: str | None) -> list[str]:
    """The causes a review text names (in :data:`CAUSES` order), ``["other"]`` when none; [] for no text."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return []
    tokens = set(_tokenizer().lcut(str(text)))
    found = [c for c, words in CAUSE_KEYWORDS.items() if tokens & set(words)]
    return found or ["other"]


def _reviews(shop_or_table):
    f = shop_or_table.feedback if isinstance(shop_or_table, Shop) else shop_or_table
    f = require_columns(f, "feedback", ["user_id", "ts", "kind", "score"])
    f = f.filter(f.kind == "review")
    if "aspect" not in f.columns:
        f = f.mutate(aspect=ibis.null("string"))
    return f


@dataclass(frozen=True)
class ReviewSummary:
    reviews: int  #: overall reviews in the period
    bad_reviews: int
    bad_review_rate: float
    dsr: dict[str, float]  #: aspect -> 180-day mean (NaN without aspect rows in the window)
    dsr_n: dict[str, int]  #: aspect -> rows in the window
    mean_rating: float  #: mean overall rating in the period


def _daily(f) -> pd.DataFrame:
    """Per day and aspect ('' = overall): rows, score sum, bad (score <= 2) rows."""
    m = f.mutate(day=f.ts.date(), a=f.aspect.fill_null(""))
    g = m.group_by(["day", "a"])
    df = g.aggregate(n=m.count(), s=m.score.sum(), bad=(m.score <= BAD_SCORE).cast("int64").sum()).execute()
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def _window(daily: pd.DataFrame, end: _dt.datetime) -> dict[str, tuple[float, int]]:
    hi = end.date()
    lo = hi - _dt.timedelta(days=DSR_WINDOW_DAYS)
    w = daily[(daily.day >= lo) & (daily.day < hi)]
    out = {}
    for a in ASPECTS:
        x = w[w.a == a]
        n = int(x.n.sum())
        out[a] = (float(x.s.sum()) / n if n else math.nan, n)
    return out


def review_summary(shop, *, period: Period | str) -> ReviewSummary:
    """The period's overall reviews, bad-review rate, mean rating and the three DSR scores (180-day means)."""
    p = Period.parse(period)
    f = _reviews(shop)
    lo = ibis.literal(p.end - _dt.timedelta(days=DSR_WINDOW_DAYS))
    daily = _daily(f.filter((f.ts >= lo) & (f.ts < ibis.literal(p.end))))
    per = daily[(daily.a == "") & (daily.day >= p.start.date()) & (daily.day < p.end.date())]
    n, bad, s = int(per.n.sum()), int(per.bad.sum()), float(per.s.sum())
    win = _window(daily, p.end)
    return ReviewSummary(
        reviews=n,
        bad_reviews=bad,
        bad_review_rate=bad / n if n else math.nan,
        dsr={a: v[0] for a, v in win.items()},
        dsr_n={a: v[1] for a, v in win.items()},
        mean_rating=s / n if n else math.nan,
    )


def dsr_trend(shop, *, period: Period | str, months: int = 12) -> pd.DataFrame:
    """For each of the ``months`` months up to ``period``: the three DSR scores at the month's end (180-day
    means), the month's overall reviews, bad-review rate and mean rating (index ``period``)."""
    p = Period.parse(period)
    first = p.shift(-(months - 1))
    f = _reviews(shop)
    lo = ibis.literal(first.end - _dt.timedelta(days=DSR_WINDOW_DAYS))
    daily = _daily(f.filter((f.ts >= lo) & (f.ts < ibis.literal(p.end))))
    rows = []
    for i in range(months):
        m = first.shift(i)
        win = _window(daily, m.end)
        per = daily[(daily.a == "") & (daily.day >= m.start.date()) & (daily.day < m.end.date())]
        n = int(per.n.sum())
        rows.append(
            dict(
                period=m.label,
                **{a: win[a][0] for a in ASPECTS},
                reviews=n,
                bad_review_rate=per.bad.sum() / n if n else math.nan,
                mean_rating=per.s.sum() / n if n else math.nan,
            )  # fmt: skip
        )
    return pd.DataFrame(rows).set_index("period")


def _bad(shop, period):
    p = Period.parse(period)
    f = _reviews(shop)
    f = f.filter((f.ts >= ibis.literal(p.start)) & (f.ts < ibis.literal(p.end)))
    overall = f.filter(f.aspect.isnull() & (f.score <= BAD_SCORE))
    cols = ["user_id", "ts", "score"] + [c for c in ("order_id", "text") if c in f.columns]
    return f, overall.select(*cols)


def bad_review_causes(shop, *, period: Period | str) -> pd.DataFrame:
    """Causes of the period's bad reviews (index: cause), with ``source`` ``aspect`` (bad reviews whose DSR
    aspect scored <= 2, per aspect, over bad reviews with DSR rows) or ``text`` (bad reviews whose text names
    the cause, over bad reviews with a text); ``reviews`` and ``share``. A review can name several causes."""
    f, bad = _bad(shop, period)
    rows = []
    if "order_id" in bad.columns:
        asp = f.filter(f.aspect.notnull()).select("order_id", "aspect", a_score=f.score)
        j = bad.filter(bad.order_id.notnull()).inner_join(asp, "order_id")
        g = (
            j.group_by("aspect")
            .aggregate(low=(j.a_score <= BAD_SCORE).cast("int64").sum(), n=j.order_id.nunique())
            .execute()
        )
        with_dsr = int(j.order_id.nunique().execute()) if len(g) else 0
        for a in ASPECTS:
            low = int(g.loc[g.aspect == a, "low"].sum())
            rows.append(dict(source="aspect", cause=a, reviews=low, base=with_dsr,
                             share=low / with_dsr if with_dsr else math.nan))  # fmt: skip
    if "text" in bad.columns:
        texts = bad.filter(bad.text.notnull()).select("text").execute().text
        tags = [t for t in (tag_text(x) for x in texts) if t]
        base = len(tags)
        for c in CAUSES:
            k = sum(c in t for t in tags)
            rows.append(
                dict(source="text", cause=c, reviews=k, base=base, share=k / base if base else math.nan)
            )
    return pd.DataFrame(rows, columns=["source", "cause", "reviews", "base", "share"])


def bad_review_examples(shop, *, period: Period | str, n: int = 8) -> pd.DataFrame:
    """Up to ``n`` of the period's bad reviews with a text (latest first): pseudonymised ``user``, ``ts``,
    ``score``, ``text`` and its ``causes``."""
    _, bad = _bad(shop, period)
    if "text" not in bad.columns:
        return pd.DataFrame(columns=["user", "ts", "score", "text", "causes"])
    df = bad.filter(bad.text.notnull()).order_by([ibis.desc("ts"), "user_id"]).limit(n).execute()
    out = pd.DataFrame(
        {
            "user": pseudonymise(df.user_id.tolist()),
            "ts": df.ts,
            "score": df.score,
            "text": df.text,
            "causes": [", ".join(tag_text(t)) for t in df.text],
        }
    )
    return out
