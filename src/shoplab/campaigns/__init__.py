"""Campaign evaluation (活动效果评估): did the campaign pay off?

:func:`compute_report` computes the whole report (one :class:`CampaignResults`); :mod:`~shoplab.campaigns.text`
turns results into findings, titles and table labels, :mod:`~shoplab.campaigns.plots` draws them, and
:func:`record_headlines` (:mod:`~shoplab.campaigns.metrics`) writes the metrics.json keys.

Modules: :mod:`~shoplab.campaigns.stats` (the shared :mod:`shoplab.stats`, re-exported),
:mod:`~shoplab.campaigns.effect` (per-user outcomes in the engine and the effect table),
:mod:`~shoplab.campaigns.evaluate` (money, verdicts, headline numbers), :mod:`~shoplab.campaigns.kpis` (the four
KPI layers), :mod:`~shoplab.campaigns.segments`
(lift by segment, pull-forward, new buyers), :mod:`~shoplab.campaigns.did` (difference-in-differences without
a control group), :mod:`~shoplab.campaigns.uplift` (T-learner, Qini), :mod:`~shoplab.campaigns.attribution`
(channels and five attribution models), :mod:`~shoplab.campaigns.compute` (the report's per-campaign tables and :func:`compute_report`).
"""

from . import plots as _plots
from . import stats as _stats
from . import text as _text
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
from .segments import lift_by_segment, new_buyers, post_window_effect, user_segments
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

# kept importable for compatibility (not in __all__): the words, the charts and the statistics live in
# shoplab.campaigns.text, shoplab.campaigns.plots and shoplab.stats
plot_attribution = _plots.plot_attribution
plot_lifts = _plots.plot_lifts
plot_qini = _plots.plot_qini
plot_segment_lifts = _plots.plot_segment_lifts
bonferroni = _stats.bonferroni
cuped_adjust = _stats.cuped_adjust
cuped_welch = _stats.cuped_welch
fieller = _stats.fieller
holm = _stats.holm
ratio_of_sums = _stats.ratio_of_sums
srm_test = _stats.srm_test
two_proportion = _stats.two_proportion
welch = _stats.welch
after_campaign_sentences = _text.after_campaign_sentences
attribution_title = _text.attribution_title
did_sentences = _text.did_sentences
format_channels = _text.format_channels
format_effects = _text.format_effects
format_kpis = _text.format_kpis
format_segments = _text.format_segments
lift_title = _text.lift_title
money_table = _text.money_table
qini_title = _text.qini_title
segment_title = _text.segment_title
srm_table = _text.srm_table
status_note = _text.status_note
status_notes = _text.status_notes
verdicts = _text.verdicts

#: the analyses (the words are in :mod:`~shoplab.campaigns.text`, the charts in :mod:`~shoplab.campaigns.plots`,
#: the statistics in :mod:`shoplab.stats`; their names imported above stay importable from here)
__all__ = [
    # the whole report
    "compute_report", "CampaignResults", "record_headlines",
    # effect against a control group
    "campaigns_in_period", "assigned_outcomes", "effect_table", "srm_check", "evaluate_campaigns", "Evaluation",
    "METRICS", "DECISION_METRICS", "HEADLINE_KEYS",
    # KPI layers, segments, after the campaign, DiD
    "kpi_layers", "kpi_report", "user_segments", "lift_by_segment", "segment_report", "post_window_effect",
    "new_buyers", "after_campaign", "participants", "did_frame", "did_from_frame", "did_estimate", "did_report",
    # uplift
    "uplift_features", "training_set", "TLearner", "fit_uplift", "qini_curve", "qini_coefficient", "qini_null",
    "targeting_list", "targeting_candidates",
    # channels and attribution
    "channel_performance", "channel_report", "touch_table", "touch_paths", "period_touches", "attribute",
    "markov_removal_effects", "attribution_table",
]  # fmt: skip
