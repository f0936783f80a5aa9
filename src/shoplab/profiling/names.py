"""Display names of profiling's codes, from the glossary (``shoplab/glossary/profiling.toml``), by code.

Segment, tier, tag and persona codes are English in the data; these give their names in the report language.
Personas are named from their codes (the features that set them apart, high or low), never by translating the
English name.
"""

from __future__ import annotations

from .. import labels
from ..i18n import get_lang, tr

__all__ = [
    "NOT_A_BUYER",
    "segment_name",
    "segment_action",
    "tier_name",
    "tag_group_name",
    "tag_name",
    "breakdown_name",
    "value_name",
    "persona_word",
    "persona_feature_name",
    "persona_label",
    "persona_labels",
    "persona_traits_of",
    "window",
    "persona_name",
    "persona_traits",
]

NOT_A_BUYER = "(not a buyer)"
_UNKNOWN = "(unknown)"


def _zh(lang: str | None) -> bool:
    return get_lang(lang) == "zh"


def segment_name(segment: str, lang: str | None = None) -> str:
    """Display name of an RFM segment (``Champions`` / 重要价值客户)."""
    return labels.label("rfm_segment", segment, lang)


def segment_action(segment: str, lang: str | None = None) -> str:
    """The recommended action of a segment, in the report language."""
    return labels.name(f"rfm_segment_action.{segment}", lang, default="")


def tier_name(tier: str, lang: str | None = None) -> str:
    """Display name of a value tier (``high value`` / 高价值用户)."""
    return labels.label("value_tier", tier, lang)


def tag_group_name(group: str, lang: str | None = None) -> str:
    """Display name of a tag group (``behaviour`` / 行为)."""
    return labels.label("tag_group", group, lang)


def tag_name(tag: str, lang: str | None = None) -> str:
    """Display name of a tag from :func:`user_tags`: a fixed tag, a value tier or a segment by its glossary
    name; a tag built from data (``gender F``, ``age 25-29``, ``likes 美妆``, ``app first``) from its parts;
    data values such as member tiers stay as they are."""
    tag = str(tag)
    if not _zh(lang):
        return tag
    for ns in ("tag", "value_tier", "rfm_segment"):
        if f"{ns}.{tag}" in labels.entries():
            return labels.name(f"{ns}.{tag}", lang)
    if tag.startswith("gender "):
        return "性别 " + tag[7:]
    if tag.startswith("age "):
        return "年龄 " + tag[4:]
    if tag.startswith("likes "):
        return "偏好" + tag[6:]
    if tag.endswith(" first"):
        name = labels.label("platform", tag[: -len(" first")], lang)
        return name + (" 为主" if name.isascii() else "为主")
    return tag


def breakdown_name(col: str, lang: str | None = None) -> str:
    """Display name of a breakdown column (``age_band`` / 年龄段)."""
    return labels.label("profile_column", col, lang)


def value_name(v, lang: str | None = None) -> str:
    """A breakdown value as shown: ``(unknown)`` in the report language, data values as they are."""
    return labels.name(f"profile_value.{_UNKNOWN}", lang) if str(v) == _UNKNOWN else str(v)


def persona_word(feature: str, high: bool, lang: str | None = None) -> str:
    """The name word of a persona high (or low) on ``feature`` (``app_share``, high: ``App-first`` / App 为主)."""
    level = "high" if high else "low"
    return labels.name(f"persona_{level}.{feature}", lang, default=f"{level} {feature}")


def persona_feature_name(feature: str, lang: str | None = None) -> str:
    """What a persona feature measures (``refund_rate``: ``refund rate`` / 退款率)."""
    return labels.name(f"persona_feature.{feature}", lang, default=feature)


def persona_label(codes, lang: str | None = None) -> str:
    """A persona's name from its codes, ``[(feature, high), ...]`` (``Personas.name_codes_``)."""
    return " · ".join(persona_word(f, hi, lang) for f, hi in codes)


def persona_labels(personas, lang: str | None = None) -> dict[int, str]:
    """The display name of each persona of a fitted :class:`Personas`, by persona number."""
    return {p: persona_label(c, lang) for p, c in personas.name_codes_.items()}


def persona_traits_of(personas, lang: str | None = None, *, top: int = 3) -> dict[int, str]:
    """What sets each persona apart, by persona number (``refund rate +1.0 sd`` / ``退款率 +1.0 个标准差``),
    from the fitted :class:`Personas`' standardised differences (the same features as ``describe``)."""
    out = {}
    for p, traits in personas.traits(top=top).items():
        if _zh(lang):
            out[p] = "；".join(f"{persona_feature_name(f, 'zh')} {z:+.1f} 个标准差" for f, z in traits)
        else:
            out[p] = "; ".join(f"{persona_feature_name(f, 'en')} {z:+.1f} sd" for f, z in traits)
    return out


def window(window_months: int = 12, period: str | None = None, lang: str | None = None) -> str:
    """The look-back window in words: "12 months to 2026-10" / "截至 2026-10 的 12 个月"."""
    if period:
        return tr(f"{window_months} months to {period}", f"截至 {period} 的 {window_months} 个月", lang)
    if window_months == 12:
        return tr("the last year", "近一年", lang)
    return tr(f"the last {window_months} months", f"近 {window_months} 个月", lang)


# -- names of persona tables without the fitted model (compatibility) --------------------------------
def _codes_of_words() -> dict[str, tuple[str, bool]]:
    """English persona name word -> (feature, high), from the glossary."""
    out = {}
    for high in (True, False):
        ns = "persona_high" if high else "persona_low"
        for f, en in labels.names(ns, "en").items():
            out[en] = (f, high)
    return out


def persona_name(name: str, lang: str | None = None) -> str:
    """Display name of a persona name from a table without its fitted model (``App-first · Decisive buyers`` /
    ``App 为主 · 果断下单``; a leading ``"2: "`` is kept). The words are read back to their feature codes; with
    the fitted :class:`Personas` at hand use :func:`persona_labels` instead."""
    name = str(name)
    if not _zh(lang):
        return name
    prefix, sep, rest = name.partition(": ") if name.split(": ", 1)[0].isdigit() else ("", "", name)
    codes = _codes_of_words()
    words = [persona_word(*codes[w], lang) if w in codes else w for w in rest.split(" · ")]
    return prefix + sep + " · ".join(words)


def persona_traits(distinguishing: str, lang: str | None = None) -> str:
    """The ``distinguishing`` column of :meth:`Personas.describe` in the report language, from a table without
    its fitted model (``refund rate +1.0 sd`` / ``退款率 +1.0 个标准差``); with the model use
    :func:`persona_traits_of`."""
    import re

    if not _zh(lang):
        return str(distinguishing)
    features = {en: f for f, en in labels.names("persona_feature", "en").items()}
    parts = []
    for part in str(distinguishing).split("; "):
        m = re.match(r"^(.*) ([+-]?\d+(?:\.\d+)?) sd$", part)
        if m:
            f = features.get(m.group(1))
            parts.append(f"{persona_feature_name(f, 'zh') if f else m.group(1)} {m.group(2)} 个标准差")
        else:
            parts.append(part)
    return "；".join(parts)
