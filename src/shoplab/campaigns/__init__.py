"""Campaign evaluation (活动效果评估): did the campaign pay off?

Analyses (``__all__``; the shop or a table first, then keyword-only options, ``period=`` among them):

The whole report

- :func:`compute_report`: everything the campaign report shows for a period, as one :class:`CampaignResults`.
- :class:`CampaignResults`: what :func:`compute_report` returns.

Effect against a randomised control group

- :func:`campaigns_in_period`: the campaigns active in a period (or one by id, or those ended by a month).
- :func:`assigned_outcomes`: one row per assigned user: group, outcomes in the window, pre-period spend.
- :func:`effect_table`: treatment against control for each metric, with intervals matched to the verdict.
- :func:`srm_check`: the sample-ratio mismatch test of an outcomes table.
- :func:`evaluate_campaigns`: each campaign of a period against its control group: lifts, money, verdict.
- :class:`Evaluation`: what :func:`evaluate_campaigns` returns.
- :data:`METRICS`: the outcome metrics (label, unit, test).
- :data:`DECISION_METRICS`: the metrics tested as the decision family (conversion, revenue per user).
- :data:`HEADLINE_KEYS`: the summary columns the report headlines.

KPI layers, segments, after the campaign, difference-in-differences

- :func:`kpi_layers`: the four KPI layers of one campaign.
- :func:`kpi_report`: the KPI layers of every campaign of a period, stacked.
- :func:`user_segments`: the segments of given users at the campaign start (RFM, tier, platform, customer).
- :func:`lift_by_segment`: conversion and revenue lift within each segment.
- :func:`segment_report`: the segment lifts of every evaluated campaign, stacked.
- :func:`post_window_effect`: the pull-forward check after the campaign window.
- :func:`new_buyers`: first-time buyers in the window, with the campaign or organic, and who bought again.
- :func:`after_campaign`: the pull-forward check of every evaluated campaign.
- :func:`participants`: who was exposed to a campaign and who bought with it.
- :func:`did_frame`: users active before the start with their orders and visits around the campaign.
- :func:`did_from_frame`: the DiD estimate, interval and pre-trend placebo from a :func:`did_frame`.
- :func:`did_estimate`: difference-in-differences for a campaign without a control group.
- :func:`did_report`: the DiD of every campaign without a control group.

Uplift

- :func:`uplift_features`: pre-period features per user as of a date.
- :func:`training_set`: the assigned users of past campaigns pooled into one training set.
- :class:`TLearner`: the two-model uplift learner.
- :func:`fit_uplift`: fit a :class:`TLearner` and draw the Qini curve on held-out users.
- :func:`qini_curve`: incremental outcomes by number of top-ranked users, and the random line.
- :func:`qini_coefficient`: the area between the Qini curve and the random line.
- :func:`qini_null`: whether the ranking beats random targeting (a permutation test).
- :func:`targeting_list`: the users with the highest predicted uplift (pseudonymised).
- :func:`targeting_candidates`: uplift features of every known user at the end of a period.

Channels and attribution

- :func:`channel_performance`: one row per channel: its orders over a period and its spend on those days.
- :func:`channel_report`: :func:`channel_performance` for the month, with margins when known.
- :func:`touch_table`: journeys of users active in a period, one row per touch (lazy).
- :func:`touch_paths`: :func:`touch_table` as pandas, sorted by journey and time.
- :func:`period_touches`: the month's journeys for attribution, kept in the engine.
- :func:`attribute`: conversions credited to each channel by one attribution model.
- :func:`markov_removal_effects`: the removal effect of each channel in a Markov chain of journeys.
- :func:`attribution_table`: conversions credited to each channel by all five models, side by side.

Words, charts and metrics are submodules: :mod:`~shoplab.campaigns.text` (findings, titles, table labels),
:mod:`~shoplab.campaigns.plots` (charts), :mod:`~shoplab.campaigns.metrics` (the metrics.json keys,
``record_headlines``); the statistics are :mod:`shoplab.stats`. The names of those this package exported
before (``campaigns.format_effects``, ``campaigns.plot_lifts``, ``campaigns.welch``, ``campaigns.record_headlines``
...) stay importable from here, as does the older call shape ``evaluate_campaigns(shop, campaigns_df)`` (with a
DeprecationWarning; now ``evaluate_campaigns(shop, period=...)`` or ``campaigns=``).
"""

from .._lazy import submodule_getattr
from . import metrics as _metrics
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
record_headlines = _metrics.record_headlines
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
    "compute_report", "CampaignResults",
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

#: the report module (the former call shapes), imported on first use
__getattr__ = submodule_getattr(__name__, ("report",))
