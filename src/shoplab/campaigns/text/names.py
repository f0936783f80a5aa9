"""Names the campaign report shows for codes (segments, dimensions, attribution models, interval levels)."""

from __future__ import annotations

from ...i18n import tr

__all__ = ["ci_name", "segment_display", "dimension_display", "model_display", "MODELS"]

#: the attribution models, in the order the report shows them
MODELS = ("first_touch", "last_touch", "linear", "time_decay", "markov")


def ci_name(level: float) -> str:
    """An interval level as the report writes it: ``95%``, ``97.5%``, ``98.3%``."""
    if level != level:
        return "n/a"
    text = f"{level * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


#: English display names of the package's RFM segment labels (the data keeps the Chinese labels)
RFM_NAMES_EN = {
    "重要价值客户": "important value",
    "重要保持客户": "important retention",
    "重要发展客户": "important development",
    "重要挽留客户": "important win-back",
    "一般价值客户": "general value",
    "一般保持客户": "general retention",
    "一般发展客户": "general development",
    "一般挽留客户": "general win-back",
    "未购买": "no order in the year",
    "非会员": "non-member",
}


_CODES_ZH = {"new": "新客", "returning": "老客", "unknown": "未知"}


_DIMENSIONS = {
    "rfm_segment": ("RFM segment", "RFM 分层"),
    "tier": ("membership tier", "会员等级"),
    "platform": ("platform", "平台"),
    "customer": ("new vs returning", "新老客"),
}


_MODELS = {
    "first_touch": ("first touch", "首次触点"),
    "last_touch": ("last touch", "末次触点"),
    "linear": ("linear", "线性"),
    "time_decay": ("time decay", "时间衰减"),
    "markov": ("Markov removal", "马尔可夫移除效应"),
}


def segment_display(segment, lang: str | None = None) -> str:
    """A segment value as the report shows it: package labels in the report language, data values as they are."""
    s = str(segment)
    if s in RFM_NAMES_EN:
        return tr(RFM_NAMES_EN[s], s, lang)
    if s in _CODES_ZH:
        return tr(s, _CODES_ZH[s], lang)
    return s


def dimension_display(dimension: str, lang: str | None = None) -> str:
    """The name of a segment dimension (``rfm_segment``, ``tier``, ...) in the report language."""
    return tr(*_DIMENSIONS[dimension], lang) if dimension in _DIMENSIONS else dimension


def model_display(model: str, lang: str | None = None) -> str:
    """The name of an attribution model (``first_touch``, ..., ``markov``) in the report language."""
    return tr(*_MODELS[model], lang) if model in _MODELS else model
