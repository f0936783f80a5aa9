"""The metrics.json keys of the campaigns report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these.

Every key is per campaign, ``campaigns.<campaign_id>.<metric>``; the index page shows each with the campaign's
name in front of the declared label (``Double 11: ROI``). A key is written only when its number exists: a
campaign without a control group has no lift, no incremental GMV and no ROI, so it gets none of those keys
(it gets ``did_evaluable``, and the DiD estimate when there is one).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..i18n import tr
from ..metrics import Metric, lookup
from .evaluate import HEADLINE_KEYS, Evaluation

if TYPE_CHECKING:
    from .compute import CampaignResults

__all__ = ["METRICS", "record_headlines", "record_report_headlines", "record_did_headlines"]

_EV = "shoplab.campaigns.evaluate.evaluate_campaigns"
_DID = "shoplab.campaigns.compute.did_report"


def _ci(key, en, zh, unit, source, note=""):
    """A headline and its interval bounds (the bounds go to metrics.json only, not the index)."""
    return (
        Metric(key, en, zh, unit, index=True, source=source, note=note),
        Metric(f"{key}_ci_low", f"{en.replace(' vs control', '')}, CI low", f"{zh.split('（')[0]}置信区间下限", unit,
               index=False, source=source),
        Metric(f"{key}_ci_high", f"{en.replace(' vs control', '')}, CI high", f"{zh.split('（')[0]}置信区间上限", unit,
               index=False, source=source),
    )  # fmt: skip


METRICS: tuple[Metric, ...] = (
    *_ci("campaigns.<campaign_id>.lift_conversion", "conversion lift vs control", "转化率提升（对比对照组）", "pp",
         _EV, "treatment minus control, share of assigned users with a paid order; decision-family interval"),
    *_ci("campaigns.<campaign_id>.lift_revenue_per_user", "revenue per user lift vs control",
         "人均成交额提升（对比对照组）", "yuan", _EV,
         "treatment minus control, paid GMV per assigned user (CUPED-adjusted by default)"),
    Metric("campaigns.<campaign_id>.incremental_gmv", "incremental GMV", "增量成交额", "yuan", source=_EV,
           note="revenue-per-user lift x treated users"),
    Metric("campaigns.<campaign_id>.roi", "ROI", "投资回报率 ROI", "rate", source=_EV,
           note="(incremental margin - cost) / cost; absent without item costs"),
    Metric("campaigns.<campaign_id>.srm_p", "sample-ratio check p-value", "样本比例检验 p 值", None, index=False,
           source="shoplab.campaigns.effect.srm_check"),
    Metric("campaigns.<campaign_id>.did_evaluable", "effect estimable without a control group (1 = yes)",
           "无对照组时可估计效果（1 = 是）", "count", index=False, source=_DID,
           note="campaigns without a control group only"),
    Metric("campaigns.<campaign_id>.did_revenue_per_user", "DiD revenue per participant", "双重差分人均成交额",
           "yuan", source=_DID, note="difference-in-differences, paid GMV per participant; only when estimable"),
    Metric("campaigns.<campaign_id>.did_revenue_per_user_ci_low", "DiD revenue per participant, CI low",
           "双重差分人均成交额置信区间下限", "yuan", index=False, source=_DID),
    Metric("campaigns.<campaign_id>.did_revenue_per_user_ci_high", "DiD revenue per participant, CI high",
           "双重差分人均成交额置信区间上限", "yuan", index=False, source=_DID),
)  # fmt: skip


def _exists(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _record(cid: str, name: str, metric: str, value, lang: str | None):
    """Record ``campaigns.<cid>.<metric>`` with its declared unit and index flag, labelled with the campaign."""
    from .. import notebook as nbk

    key = f"campaigns.{cid}.{metric}"
    m = lookup(key)
    return nbk.record(
        key, value, label=tr(f"{name}: {m.en}", f"{name}：{m.zh}", lang), unit=m.unit, index=m.index
    )


def record_report_headlines(ev: Evaluation, *, lang: str | None = None) -> dict[str, float]:
    """Record ``campaigns.<id>.<key>`` for every key in :data:`~shoplab.campaigns.evaluate.HEADLINE_KEYS` whose
    value exists (a campaign without a control group has none), with labels in the report language."""
    got = {}
    for r in ev.summary.to_dict("records"):
        for k in HEADLINE_KEYS:
            if _exists(v := r.get(k)):
                got[f"campaigns.{r['campaign_id']}.{k}"] = _record(r["campaign_id"], r["name"], k, v, lang)
    return got


def record_did_headlines(did, *, lang: str | None = None) -> dict[str, float]:
    """Record, for each campaign without a control group (rows of :func:`~shoplab.campaigns.compute.did_report`),
    ``campaigns.<id>.did_evaluable`` (1 or 0) and, only when an estimate is reported,
    ``campaigns.<id>.did_revenue_per_user`` with ``_ci_low`` / ``_ci_high``."""
    got = {}
    for r in did.to_dict("records") if len(did) else []:
        values = {"did_evaluable": int(r["did_evaluable"])}
        if r.get("did_evaluable"):
            values |= {
                "did_revenue_per_user": r.get("did_revenue_per_user"),
                "did_revenue_per_user_ci_low": r.get("ci_low"),
                "did_revenue_per_user_ci_high": r.get("ci_high"),
            }
        for k, v in values.items():
            if _exists(v):
                got[f"campaigns.{r['campaign_id']}.{k}"] = _record(r["campaign_id"], r["name"], k, v, lang)
    return got


def record_headlines(results: CampaignResults | Evaluation, *, lang: str | None = None) -> dict[str, float]:
    """Record the campaign report's metrics.json keys (see :data:`METRICS`): the effect headlines of every
    campaign with a control group, then the DiD keys of the others. An :class:`Evaluation` alone (the older call)
    records the effect headlines only."""
    if isinstance(results, Evaluation):
        return record_report_headlines(results, lang=lang)
    return record_report_headlines(results.ev, lang=lang) | record_did_headlines(results.did, lang=lang)
