"""Names the campaign report shows for codes (segments, dimensions, attribution models, interval levels)."""

from __future__ import annotations

from ...labels import entries, name
from .. import attribution as _attribution

__all__ = ["ci_name", "segment_display", "dimension_display", "model_display", "MODELS"]

#: the attribution models, in the order the report shows them
MODELS = _attribution.MODELS


def ci_name(level: float) -> str:
    """An interval level as the report writes it: ``95%``, ``97.5%``, ``98.3%``."""
    if level != level:
        return "n/a"
    text = f"{level * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def segment_display(segment, lang: str | None = None) -> str:
    """A segment value as the report shows it: the package's codes (``campaign_rfm.*``, ``campaign_segment.*``)
    by their glossary name in the report language, data values (tiers, platforms) as they are."""
    s = str(segment)
    for ns in ("campaign_rfm", "campaign_segment"):
        if f"{ns}.{s}" in entries():
            return name(f"{ns}.{s}", lang)
    return s


def dimension_display(dimension: str, lang: str | None = None) -> str:
    """The name of a segment dimension (``rfm_segment``, ``tier``, ...) in the report language."""
    return name(f"campaign_dimension.{dimension}", lang, default=str(dimension))


def model_display(model: str, lang: str | None = None) -> str:
    """The name of an attribution model (``first_touch``, ..., ``markov``) in the report language."""
    return name(f"attribution_model.{model}", lang, default=str(model))
