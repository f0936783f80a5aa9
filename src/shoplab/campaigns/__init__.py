"""Campaign evaluation (活动效果评估): did the campaign pay off?

Modules: :mod:`~shoplab.campaigns.stats` (intervals, Fieller, Bonferroni and Holm, SRM, CUPED),
:mod:`~shoplab.campaigns.effect` (per-user outcomes in the engine and the effect table),
:mod:`~shoplab.campaigns.evaluate` (money, verdicts, headline numbers), :mod:`~shoplab.campaigns.kpis` (the four
KPI layers), :mod:`~shoplab.campaigns.segments`
(lift by segment, pull-forward, new buyers), :mod:`~shoplab.campaigns.did` (difference-in-differences without
a control group), :mod:`~shoplab.campaigns.uplift` (T-learner, Qini), :mod:`~shoplab.campaigns.attribution`
(channels and five attribution models), :mod:`~shoplab.campaigns.report` (tables and sentences of the report),
:mod:`~shoplab.campaigns.plots`.
"""

from .attribution import (
    attribute,
    attribution_table,
    channel_performance,
    markov_removal_effects,
    touch_paths,
    touch_table,
)
from .compute import (
    CampaignResults,
    after_campaign,
    channel_report,
    compute_report,
    did_report,
    kpi_report,
    period_touches,
    segment_report,
    targeting_candidates,
)
from .did import did_estimate, did_frame, did_from_frame, participants
from .effect import DECISION_METRICS, METRICS, assigned_outcomes, campaigns_in_period, effect_table, srm_check
from .evaluate import HEADLINE_KEYS, Evaluation, evaluate_campaigns
from .kpis import kpi_layers
from .metrics import record_headlines
from .plots import plot_attribution, plot_lifts, plot_qini, plot_segment_lifts
from .segments import lift_by_segment, new_buyers, post_window_effect, user_segments
from .stats import (
    bonferroni,
    cuped_adjust,
    cuped_welch,
    fieller,
    holm,
    ratio_of_sums,
    srm_test,
    two_proportion,
    welch,
)
from .text import (
    after_campaign_sentences,
    attribution_title,
    did_sentences,
    format_channels,
    format_effects,
    format_kpis,
    format_segments,
    lift_title,
    money_table,
    qini_title,
    segment_title,
    srm_table,
    status_note,
    status_notes,
    verdicts,
)
from .uplift import (
    TLearner,
    fit_uplift,
    qini_coefficient,
    qini_curve,
    qini_null,
    targeting_list,
    training_set,
    uplift_features,
)

__all__ = [
    # effect against a control group
    "compute_report", "CampaignResults",
    "METRICS", "DECISION_METRICS", "HEADLINE_KEYS", "Evaluation", "campaigns_in_period", "assigned_outcomes", "effect_table",
    "srm_check", "evaluate_campaigns", "verdicts", "record_headlines", "format_effects",
    # statistics
    "two_proportion", "welch", "cuped_welch", "ratio_of_sums", "fieller", "holm", "bonferroni", "srm_test",
    "cuped_adjust",
    # KPI layers, segments, after the campaign, DiD
    "kpi_layers", "user_segments", "lift_by_segment", "post_window_effect", "new_buyers",
    "participants", "did_frame", "did_from_frame", "did_estimate",
    # uplift
    "uplift_features", "training_set", "TLearner", "qini_curve", "qini_coefficient", "fit_uplift",
    "targeting_list",
    "qini_null",
    # channels and attribution
    "channel_performance", "touch_table", "touch_paths", "attribute", "markov_removal_effects", "attribution_table",
    # report tables and charts
    "srm_table", "money_table", "kpi_report", "format_kpis", "status_notes", "status_note", "segment_report",
    "format_segments", "after_campaign", "after_campaign_sentences", "did_report", "did_sentences",
    "channel_report", "format_channels", "period_touches", "targeting_candidates",
    "plot_lifts", "lift_title", "plot_segment_lifts", "segment_title", "plot_qini", "qini_title", "plot_attribution",
    "attribution_title",
]  # fmt: skip
