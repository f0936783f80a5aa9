"""Reviews (评价): Taobao's three DSR scores, the bad-review rate and the causes of bad reviews.

A review's overall rating is a ``feedback`` row of kind ``review`` with no ``aspect``; its DSR scores are
``review`` rows with an aspect (description 描述相符, service 服务态度, logistics 物流服务).

* **DSR score** of an aspect: the mean ``score`` of its rows over the 180 days ending at the period's end
  (``[end - 180 days, end)``), as Taobao computes the shop's dynamic rating.
* **Bad-review rate** (差评率): overall reviews in the period with score <= 2 / all overall reviews in the period.
* **Causes** of bad reviews: from their DSR rows (an aspect scored <= 2) and from their text (:func:`tag_text`);
  a text that names no complaint is ``other``.

How a text is tagged (:func:`tag_text`): the text is split into clauses at ``，。！？；,.!?;`` (and whitespace,
``…~～``) and before the contrast words of :data:`CONTRAST_WORDS` (但/但是/可是/不过/就是/只是/然而). ``、`` does not
split: it lists items that share one predicate (物流、包装都很好). Each clause is segmented with jieba and its
tokens matched against :data:`CAUSE_KEYWORDS`. A keyword is either a *complaint word* (:data:`COMPLAINT_WORDS`:
破损, 偏小, 太贵, 不合身 ...) or a *topic word* (物流, 质量, 包装 ...). Within a clause, consecutive keywords of
one cause form a mention; a mention counts as a complaint when

* it holds a complaint word that is not negated: no negator (:data:`NEGATORS`: 不/没/没有/无/未/并不/不是/别/
  并非) ends at most 3 characters before it with none of 就/才/都/又/却/还/也 in between (用了没几天就坏了 is a
  complaint, 没有破损 is not). Complaint words with their own negation (不合身, 不值, 不理人) count as they stand;
* or it holds a topic word that is not denied (不是/并不是/并非 just before it: 不是质量问题) and not praised. A
  plain negator before a topic word is a complaint of absence (还没发货, 客服不回复, 没有包装). The mention is
  praised when the words after it, up to the next mention (else the next words with any polarity, else the words
  before it), hold a positive word and no negative word (:data:`POSITIVE_WORDS`, :data:`NEGATIVE_WORDS`); a
  negated complaint word is positive (包装没有破损). A polarity word with a negator at most 2 characters before
  it flips (不快, 不太好, 不是很满意 are negative; 不慢, 不贵 positive); 不好, 不错, 没问题 carry their own sign.
  Words in :data:`NEUTRAL_WORDS` (好几天, 大家, 小时, 不少, 不到, 别家, the contrast words ...) are neither
  polarity words nor negators. A topic word with no polarity word around it counts: in a bad review,
  快递三天才到 is about the delivery.

What it does not do: sarcasm (物流真"快"), double negation, negation reaching over a clause or over more than 3
characters (没有发现任何瑕疵 counts quality), a neutral mention of a topic (发货之后没几天就到货了 counts
logistics), a cause without a dictionary word (色差, 碎了, 和描述不符 are ``other``), and polarity that depends
on the topic beyond 高/低 (性价比高 is praise, 价格高 a complaint). Results are cached per text (4,096 texts).
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import re
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
    "COMPLAINT_WORDS",
    "CONTRAST_WORDS",
    "NEGATORS",
    "POSITIVE_WORDS",
    "NEGATIVE_WORDS",
    "NEUTRAL_WORDS",
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


#: Keywords that are a complaint in themselves (a negator before them cancels them: 没有破损); the other
#: keywords name a topic (物流, 质量 ...) and are a complaint unless praised (物流很快) or denied (不是质量问题).
COMPLAINT_WORDS = frozenset(
    (
        "延迟",
        "瑕疵",
        "掉色",
        "起球",
        "劣质",
        "次品",
        "假货",
        "开线",
        "坏了",
        "异味",
        "偏小",
        "偏大",
        "太小",
        "太大",
    )
    + ("不合身", "不理人", "推诿", "太贵", "贵", "不值", "降价", "差价", "简陋", "压坏", "漏液", "破损")
)
CONTRAST_WORDS = ("但是", "但", "可是", "不过", "就是", "只是", "然而")  #: start a new clause
NEGATORS = ("不是", "并不", "并非", "不", "没有", "没", "无", "未", "别")
_NEGATOR_SET = frozenset(NEGATORS)
_DENIALS = frozenset(("不是", "并不", "并非"))  # before a topic word: the topic is denied (不是质量问题)
_BREAKS = ("就", "才", "都", "又", "却", "还", "也")  # end a negator's reach (没几天就坏了)
#: Praise (a negator before one flips it: 不快, 不太好, 不是很满意 are negative).
POSITIVE_WORDS = (
    "快", "很快", "神速", "迅速", "及时", "好", "很好", "挺好", "不错", "满意", "完好", "结实", "精美", "合适",
    "合身", "正好", "划算", "便宜", "实惠", "耐心", "热情", "周到", "方便", "给力", "还行", "还可以", "没问题",
    "值", "值得", "喜欢",
)  # fmt: skip
#: Blame (a negator before one flips it: 不慢, 不贵 are positive).
NEGATIVE_WORDS = (
    "慢", "差", "烂", "坏", "破", "贵", "小", "大", "晚", "久", "延迟", "不好", "不行", "失望", "一般", "粗糙",
    "麻烦", "糟糕", "垃圾", "离谱", "敷衍", "冷淡", "坑", "问题", "变形", "难", "偏高", "不满",
)  # fmt: skip
#: Words that contain a negator or a polarity character but are neither (matched first, then ignored).
NEUTRAL_WORDS = (
    "好几", "好像", "只好", "好不容易", "尽快", "赶快", "快要", "快点", "大家", "大概", "大约", "小时", "小心",
    "不少", "不久", "不但", "不仅", "不管", "不得不", "差不多", "无论", "别人", "特别", "区别", "未来", "不知道",
    "不到", "价值", "非常", "一般般", "别家", "别的", "别处", *CONTRAST_WORDS,
)  # fmt: skip
_TOPIC_POLARITY = {"性价比": {"高": 1, "低": -1}, "质量": {"高": 1, "低": -1}, "价格": {"高": -1, "低": 1}}
_HIGH_LOW = frozenset(("高", "低", "不高", "不低"))
_NEG_GAP = 3  # a negator reaches a keyword at most this many characters after its end
_FLIP_GAP = 2  # ... and a polarity word (不太好, 没那么好)

_KEYWORD_CAUSE = {w: c for c, words in CAUSE_KEYWORDS.items() for w in words}
_ANY_KEYWORD = re.compile("|".join(sorted(map(re.escape, _KEYWORD_CAUSE), key=len, reverse=True)))
_CLAUSE = re.compile(
    r"[，。！？；,.!?;\s…~～]+|(?=" + "|".join(sorted(CONTRAST_WORDS, key=len, reverse=True)) + ")"
)
_MARK_KIND = {
    **{w: 1 for w in POSITIVE_WORDS},
    **{w: -1 for w in NEGATIVE_WORDS},
    **{w: "neg" for w in NEGATORS},
    **{w: "break" for w in _BREAKS},
    **{w: None for w in NEUTRAL_WORDS},
    "高": "高",
    "低": "低",
}
_MARK = re.compile("|".join(sorted(map(re.escape, _MARK_KIND), key=len, reverse=True)))
_BLANK = "\x00"  # replaces keyword characters before polarity words are looked for (快递 is not 快)


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for words in CAUSE_KEYWORDS.values():
        for w in words:
            tk.add_word(w, freq=10**6)
    return tk


def _marks(blanked: str) -> list[tuple[int, int, object]]:
    """Negators (kind: the word), breaks ('break'), polarity words (+1 / -1, flipped by a negator in reach) and
    高 / 低 (kind '高', '不高', '低', '不低': their sign depends on the topic) of a clause, as (start, end, kind)."""
    out: list[tuple[int, int, object]] = []
    neg_end = None  # end of the last negator still in reach
    for m in _MARK.finditer(blanked):
        kind = _MARK_KIND[m.group()]
        s, e = m.span()
        if kind == "neg":
            out.append((s, e, m.group()))
            neg_end = e
            continue
        if kind == "break":
            out.append((s, e, "break"))
            neg_end = None
            continue
        if kind is None:
            continue
        if neg_end is not None and s - neg_end <= _FLIP_GAP:
            kind = (
                -kind if isinstance(kind, int) else "不" + kind
            )  # 不快 is negative, 不高 the opposite of 高
        out.append((s, e, kind))
        neg_end = None
    return out


def _negator_before(marks, start: int) -> str | None:
    """The negator that reaches a keyword starting at ``start`` (none across a break or a polarity word)."""
    for _s, e, kind in reversed(marks):
        if e > start:
            continue
        if kind not in _NEGATOR_SET or start - e > _NEG_GAP:
            return None
        return kind
    return None


def _signs(marks, lo: int, hi: int, topic: str) -> list[int]:
    """The signs (+1 praise, -1 blame) of the polarity words starting in ``[lo, hi)``, read for ``topic``."""
    out = []
    for s, _e, k in marks:
        if lo <= s < hi:
            if isinstance(k, int):
                out.append(k)
            elif k in _HIGH_LOW:
                sign = _TOPIC_POLARITY.get(topic, {}).get(k[-1], 0)
                out.append(-sign if k[0] == "不" else sign)
    return [k for k in out if k]


def _clause_causes(clause: str) -> set[str]:
    pos, hits = 0, []  # (start, end, word) of the clause's keywords
    for t in _tokenizer().lcut(clause):
        if t in _KEYWORD_CAUSE:
            hits.append((pos, pos + len(t), t))
        pos += len(t)
    if not hits:
        return set()
    blanked = list(clause)
    for s, e, _ in hits:
        blanked[s:e] = _BLANK * (e - s)
    marks = _marks("".join(blanked))
    mentions = []  # [cause, start, end, complaint, topic, praise marks]
    for s, e, w in hits:
        c = _KEYWORD_CAUSE[w]
        if not mentions or mentions[-1][0] != c:
            mentions.append([c, s, e, False, None, []])
        m = mentions[-1]
        m[2] = e
        neg = None if "不" in w else _negator_before(marks, s)
        if w in COMPLAINT_WORDS:
            if neg is None:
                m[3] = True
            else:
                m[5].append((s, e, 1))  # 没有破损: a point in favour
        elif neg not in _DENIALS:
            m[4] = w if m[4] is None else m[4]
    found = set()
    for i, (c, s, _e, complaint, topic, extra) in enumerate(mentions):
        if complaint:
            found.add(c)
            continue
        if topic is None:
            continue
        nxt = mentions[i + 1][1] if i + 1 < len(mentions) else len(clause)
        prev = mentions[i - 1][2] if i else 0

        own = _signs(marks, s, nxt, topic) + [k for *_, k in extra]
        if not own:
            own = _signs(marks, nxt, len(clause), topic) or _signs(marks, prev, s, topic)
        if not (1 in own and -1 not in own):
            found.add(c)
    return found


@lru_cache(maxsize=4096)
def _tag(text: str) -> tuple[str, ...]:
    found: set[str] = set()
    for clause in _CLAUSE.split(text):
        if clause and _ANY_KEYWORD.search(clause):
            found |= _clause_causes(clause)
    return tuple(c for c in CAUSES if c in found) or ("other",)


def tag_text(text: str | None) -> list[str]:
    """The causes a review text complains about (in :data:`CAUSES` order), ``["other"]`` when none; [] for no
    text. Clauses, negation and praise are parsed as the module docstring describes.

    Examples
    --------
    >>> tag_text("物流很快，就是质量太差")
    ['quality']
    >>> tag_text("没有破损，包装很好，但尺码偏小")
    ['size']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return []
    return list(_tag(str(text)))


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
