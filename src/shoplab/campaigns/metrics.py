"""The metrics.json keys of the campaigns report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these."""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import tr
from ..metrics import Metric
from .evaluate import HEADLINE_KEYS, Evaluation

METRICS: tuple[Metric, ...] = ()


_DID_LABELS = {
    "did_evaluable": ("effect estimable without a control group (1 = yes)", "无对照组时可估计效果（1 = 是）"),
    "did_revenue_per_user": ("DiD revenue per participant", "双重差分人均成交额"),
    "did_revenue_per_user_ci_low": ("DiD revenue per participant, CI low", "双重差分人均成交额置信区间下限"),
    "did_revenue_per_user_ci_high": (
        "DiD revenue per participant, CI high",
        "双重差分人均成交额置信区间上限",
    ),
}


def record_did_headlines(did: pd.DataFrame, *, lang: str | None = None) -> dict[str, float]:
    """Record, for each campaign without a control group (rows of :func:`did_report`),
    ``campaigns.<id>.did_evaluable`` (1 or 0) and, only when an estimate is reported,
    ``campaigns.<id>.did_revenue_per_user`` with ``_ci_low`` / ``_ci_high`` (metrics.json)."""
    from ..notebook import record

    got = {}
    for r in did.to_dict("records") if len(did) else []:
        keys = ["did_evaluable"]
        if r.get("did_evaluable"):
            keys += ["did_revenue_per_user", "did_revenue_per_user_ci_low", "did_revenue_per_user_ci_high"]
        values = r | {
            "did_revenue_per_user_ci_low": r.get("ci_low"),
            "did_revenue_per_user_ci_high": r.get("ci_high"),
        }
        for k in keys:
            key = f"campaigns.{r['campaign_id']}.{k}"
            en, zh = _DID_LABELS[k]
            got[key] = record(
                key,
                int(values[k]) if k == "did_evaluable" else values[k],
                label=tr(f"{r['name']}: {en}", f"{r['name']}：{zh}", lang),
                unit="count" if k == "did_evaluable" else "yuan",
                index=k == "did_revenue_per_user",
            )
    return got


_HEADLINE_LABELS = {
    "lift_conversion": ("conversion lift vs control", "转化率提升（对比对照组）"),
    "lift_conversion_ci_low": ("conversion lift, CI low", "转化率提升置信区间下限"),
    "lift_conversion_ci_high": ("conversion lift, CI high", "转化率提升置信区间上限"),
    "lift_revenue_per_user": ("revenue per user lift vs control", "人均成交额提升（对比对照组）"),
    "lift_revenue_per_user_ci_low": ("revenue per user lift, CI low", "人均成交额提升置信区间下限"),
    "lift_revenue_per_user_ci_high": ("revenue per user lift, CI high", "人均成交额提升置信区间上限"),
    "incremental_gmv": ("incremental GMV", "增量成交额"),
    "roi": ("ROI", "投资回报率 ROI"),
    "srm_p": ("sample-ratio check p-value", "样本比例检验 p 值"),
}


def record_report_headlines(ev: Evaluation, *, lang: str | None = None) -> dict[str, float]:
    """:func:`~shoplab.campaigns.evaluate.record_headlines` with labels in the report language: the same keys
    ``campaigns.<id>.<key>`` for every key in :data:`HEADLINE_KEYS`, the same values and units."""
    from ..notebook import record

    units = {"lift_conversion": "pp", "incremental_gmv": "yuan", "roi": "rate"}
    got = {}
    for r in ev.summary.to_dict("records"):
        for k in HEADLINE_KEYS:
            key = f"campaigns.{r['campaign_id']}.{k}"
            unit = units.get(k.replace("_ci_low", "").replace("_ci_high", ""))
            if k.startswith("lift_revenue"):
                unit = "yuan"
            detail = k.endswith(("_ci_low", "_ci_high")) or k == "srm_p"  # metrics.json only, not the index
            en, zh = _HEADLINE_LABELS.get(k, (k.replace("_", " "), k))
            got[key] = record(
                key,
                r.get(k, math.nan),
                label=tr(f"{r['name']}: {en}", f"{r['name']}：{zh}", lang),
                unit=unit,
                index=not detail,
            )
    return got
