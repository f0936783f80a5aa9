"""The campaign report's numbers: :func:`compute_report` (everything the notebook shows, one
:class:`CampaignResults`) and the per-campaign tables it stacks: KPI layers, segments, after the campaign, DiD,
channels, journeys and the targeting audience (numbers only; the words are in :mod:`~shoplab.campaigns.text`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..callshape import keyword_only
from ..data import Shop
from .evaluate import Evaluation
from .kpis import kpi_layers

__all__ = [
    "CampaignResults",
    "compute_report",
    "kpi_report",
    "segment_report",
    "after_campaign",
    "did_report",
    "channel_report",
    "period_touches",
    "targeting_candidates",
]


@keyword_only("campaigns")
def kpi_report(
    shop: Shop,
    *,
    period=None,
    campaign_id: str = "",
    campaigns: pd.DataFrame | None = None,
    post_days: int = 14,
    baseline_days: int | None = None,
) -> pd.DataFrame:
    """:func:`kpi_layers` for every campaign, stacked, with ``campaign_id`` and ``name`` first.

    The campaigns: those active in ``period`` (or ``campaign_id``), or the rows of
    :func:`~shoplab.campaigns.effect.campaigns_in_period` given as ``campaigns=``."""
    from .effect import select_campaigns

    campaigns = select_campaigns(shop, campaigns, period=period, campaign_id=campaign_id, what="kpi_report")
    frames = [
        kpi_layers(shop, r, post_days=post_days, baseline_days=baseline_days or None).assign(
            campaign_id=r["campaign_id"], name=r["name"]
        )
        for _, r in campaigns.iterrows()
    ]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["campaign_id", "name"] + [c for c in df.columns if c not in ("campaign_id", "name")]]


def segment_report(
    shop: Shop, ev: Evaluation, *, confidence: float = 0.95, min_users: int = 30
) -> pd.DataFrame:
    """:func:`~shoplab.campaigns.segments.lift_by_segment` for every evaluated campaign, stacked."""
    from .segments import lift_by_segment, user_segments

    frames = []
    for r in ev.summary[ev.summary["has_control"]].to_dict("records"):
        out = ev.outcomes[r["campaign_id"]]
        seg = user_segments(shop, out["user_id"], start_ts=r["start_ts"])
        t = lift_by_segment(out, seg, confidence=confidence, min_users=min_users)
        frames.append(
            t.assign(campaign_id=r["campaign_id"], name=r["name"], tier_source=seg.attrs["tier_source"])
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["campaign_id", "name", "dimension", "segment", "n_treatment", "n_control", "lift_conversion",
                 "lift_conversion_ci_low", "lift_conversion_ci_high", "tier_source"]
    )  # fmt: skip


def after_campaign(
    shop: Shop, ev: Evaluation, *, post_days: int = 14, pre_days: int = 28, cuped: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:  # fmt: skip
    """Pull-forward (revenue per assigned user after the campaign, treatment − control, CUPED-adjusted with the
    ``pre_days`` before the start when ``cuped``), the cumulative lift over the window and the days after, and
    the new buyers each campaign brought with their 30-day repeat rate against organic new buyers in the same
    window (:func:`~shoplab.campaigns.segments.post_window_effect`, :func:`~shoplab.campaigns.segments.new_buyers`).

    Columns: ``post_lift_revenue_per_user`` with ``post_ci_low``/``post_ci_high``, ``post_max_dip`` (the largest
    post-campaign dip per assigned user the interval cannot rule out) and ``post_max_dip_share`` (that dip as a
    share of ``window_lift_revenue_per_user``), ``cumulative_lift_revenue_per_user`` with
    ``cumulative_ci_low``/``cumulative_ci_high``, ``post_cuped``, ``post_days``; then the new-buyer columns.
    """
    from .segments import new_buyers, post_window_effect

    rows = []
    for r in ev.summary.to_dict("records"):
        row = dict(campaign_id=r["campaign_id"], name=r["name"])
        if r.get("has_control"):
            pf = post_window_effect(shop.orders, shop.campaign_assignments, campaign_id=r["campaign_id"],
                                    start_ts=r["start_ts"], end_ts=r["end_ts"], post_days=post_days,
                                    pre_days=pre_days, cuped=cuped, confidence=confidence,
                                    outcomes=ev.outcomes.get(r["campaign_id"]) if ev.pre_days == pre_days else None)  # fmt: skip
            row |= dict(post_days=post_days, post_lift_revenue_per_user=pf["abs_lift"],
                        post_ci_low=pf["ci_low"], post_ci_high=pf["ci_high"], post_max_dip=pf["max_dip"],
                        post_max_dip_share=pf["max_dip_share"], window_lift_revenue_per_user=pf["window_lift"],
                        cumulative_lift_revenue_per_user=pf["cumulative_lift"],
                        cumulative_ci_low=pf["cumulative_ci_low"], cumulative_ci_high=pf["cumulative_ci_high"],
                        post_cuped=pf["cuped"])  # fmt: skip
        if "campaign_id" in shop.orders.columns:
            nb = new_buyers(
                shop.orders, campaign_id=r["campaign_id"], start_ts=r["start_ts"], end_ts=r["end_ts"]
            )
            nb = nb.set_index("kind")
            row |= dict(new_buyers_campaign=nb.loc["campaign", "new_buyers"],
                        retention_campaign=nb.loc["campaign", "retention"],
                        new_buyers_organic=nb.loc["organic", "new_buyers"],
                        retention_organic=nb.loc["organic", "retention"])  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def did_report(shop: Shop, ev: Evaluation, *, pre_days: int = 28, confidence: float = 0.95) -> pd.DataFrame:
    """Difference-in-differences for the campaigns without a randomised control group (empty if all have one):
    one :func:`~shoplab.campaigns.did.did_estimate` row each, ``did_evaluable`` 0 where only purchases mark
    participation (no ``events`` or no campaign-page view in the window)."""
    from .did import did_estimate

    rows = []
    for r in ev.summary[~ev.summary["has_control"].astype(bool)].to_dict("records"):
        rows.append(
            dict(name=r["name"]) | did_estimate(
                shop.orders, campaign_id=r["campaign_id"], start_ts=r["start_ts"], end_ts=r["end_ts"],
                events=shop.events if shop.has("events") else None, pre_days=pre_days, confidence=confidence,
            )
        )  # fmt: skip
    return pd.DataFrame(rows)


def channel_report(shop: Shop, *, period) -> pd.DataFrame | None:
    """:func:`~shoplab.campaigns.attribution.channel_performance` for the month (with margins when known);
    None when the orders have no ``channel`` column (the report then skips the channel table)."""
    from ..periods import Period
    from .attribution import channel_performance
    from .effect import _order_costs

    if "channel" not in shop.orders.columns:
        return None
    p = Period.parse(period)
    costs = None
    if shop.has("order_items", "items") and "cost" in shop.items.columns:
        costs = _order_costs(shop.order_items, shop.items)
    spend = shop.marketing_spend if shop.has("marketing_spend") else None
    return channel_performance(shop.orders, spend, start=p.start, end=p.end, order_costs=costs)


def period_touches(shop: Shop, *, period, lookback_days: int = 30):
    """Journeys of the month for attribution, kept in the engine (:func:`~shoplab.campaigns.attribution.touch_table`,
    a lazy Ibis table: one row per touch is too many to bring back on a large shop). None when the shop has no
    events or its events have no ``channel`` (the report then skips attribution)."""
    from ..periods import Period
    from .attribution import touch_table

    if not shop.has("events") or "channel" not in shop.events.columns:
        return None
    p = Period.parse(period)
    return touch_table(shop.events, shop.orders, start=p.start, end=p.end, lookback_days=lookback_days)


def targeting_candidates(shop: Shop, *, period) -> pd.DataFrame:
    """Uplift features of every known user as of the end of ``period`` (the next campaign's audience)."""
    from ..periods import Period
    from .uplift import uplift_features

    src = shop.users if shop.has("users") else shop.orders
    ids = src.select("user_id").distinct().execute()["user_id"]
    return uplift_features(shop, ids, as_of=Period.parse(period).end)


@dataclass
class CampaignResults:
    """Everything the campaign report shows for one period (from :func:`compute_report`).

    Attributes
    ----------
    period, campaigns
        The month and the campaigns active in it (:func:`~shoplab.campaigns.effect.campaigns_in_period`).
    ev
        The evaluation against the randomised control groups (:func:`~shoplab.campaigns.evaluate.evaluate_campaigns`).
    did, after, seg, kpi
        :func:`did_report`, :func:`after_campaign`, :func:`segment_report`, :func:`kpi_report`.
    channels, touches, attribution
        :func:`channel_report` (None without ``orders.channel``), :func:`period_touches` (None without events
        with a channel) and :func:`~shoplab.campaigns.attribution.attribution_table` of them.
    has_assignments
        Whether the shop has ``campaign_assignments`` (randomised control groups).
    history, model, qini_curve, qini, qini_null, targets
        The uplift model trained on past campaigns (:func:`~shoplab.campaigns.uplift.fit_uplift`), its Qini curve,
        coefficient and permutation test, and the targeting list for the next campaign (None when not computed).
    """

    period: str
    campaigns: pd.DataFrame
    ev: Evaluation
    did: pd.DataFrame
    after: pd.DataFrame
    seg: pd.DataFrame
    kpi: pd.DataFrame
    channels: pd.DataFrame | None
    touches: Any
    attribution: pd.DataFrame | None
    has_assignments: bool
    history: Evaluation | None = None
    model: Any = None
    qini_curve: pd.DataFrame | None = None
    qini: float = float("nan")
    qini_null: dict | None = None
    targets: pd.DataFrame | None = None

    @property
    def attribution_spread(self):
        """How far the attribution models agree (:func:`~shoplab.campaigns.attribution.attribution_spread`;
        None without converting journeys)."""
        from .attribution import attribution_spread

        return attribution_spread(self.attribution)

    @property
    def qini_table(self) -> pd.DataFrame | None:
        """The Qini curve thinned to about 200 points (the report's data twin of the chart)."""
        if self.qini_curve is None:
            return None
        return self.qini_curve.iloc[:: max(1, len(self.qini_curve) // 200)]


def compute_report(
    shop: Shop,
    *,
    period,
    campaign_id: str = "",
    pre_days: int = 28,
    baseline_days: int = 0,
    post_days: int = 14,
    metrics: str | list[str] | None = None,
    confidence: float = 0.95,
    cuped: bool = True,
    lookback_days: int = 30,
    top_n: int = 200,
    max_train_users: int | None = 20_000,
    pseudonymise: bool = True,
    uplift: bool = True,
    qini_permutations: int = 200,
    random_state: int = 0,
) -> CampaignResults:
    """Compute everything the campaign report shows for ``period`` (the notebook's parameters, same defaults).

    ``metrics`` are the decision metrics (a comma-separated string or a list; default conversion and revenue
    per user). ``uplift=False`` skips the uplift model and the targeting list (the slowest part).
    """
    from .attribution import attribution_table
    from .effect import campaigns_in_period
    from .evaluate import evaluate_campaigns

    shop.require("orders", "campaigns")
    if isinstance(metrics, str):
        metrics = metrics.split(",")
    camps = campaigns_in_period(shop.campaigns, period=period, campaign_id=campaign_id)
    ev = evaluate_campaigns(
        shop, campaigns=camps, pre_days=pre_days, confidence=confidence, cuped=cuped, metrics=metrics
    )
    touches = period_touches(shop, period=period, lookback_days=lookback_days)
    res = CampaignResults(
        period=str(period),
        campaigns=camps,
        ev=ev,
        did=did_report(shop, ev, pre_days=pre_days, confidence=confidence),
        after=after_campaign(
            shop, ev, post_days=post_days, pre_days=pre_days, cuped=cuped, confidence=confidence
        ),
        seg=segment_report(shop, ev, confidence=confidence),
        kpi=kpi_report(shop, campaigns=camps, post_days=post_days, baseline_days=baseline_days),
        channels=channel_report(shop, period=period),
        touches=touches,
        attribution=attribution_table(touches) if touches is not None else None,
        has_assignments=shop.has("campaign_assignments"),
    )
    if uplift:
        _fit_uplift(res, shop, pre_days=pre_days, confidence=confidence, max_train_users=max_train_users,
                    top_n=top_n, pseudonymise=pseudonymise, qini_permutations=qini_permutations,
                    random_state=random_state)  # fmt: skip
    return res


def _fit_uplift(res: CampaignResults, shop: Shop, *, pre_days, confidence, max_train_users, top_n, pseudonymise,
                qini_permutations, random_state) -> None:  # fmt: skip
    """The uplift part of :func:`compute_report`: train on every past campaign with a control group (plain
    Welch outcomes, no CUPED), Qini curve and permutation test, targeting list as of the end of the period."""
    from .effect import campaigns_in_period
    from .evaluate import evaluate_campaigns
    from .uplift import fit_uplift, qini_null, targeting_list, training_set

    past = campaigns_in_period(shop.campaigns, until=res.period)
    res.history = evaluate_campaigns(
        shop, campaigns=past, pre_days=pre_days, confidence=confidence, cuped=False
    )
    outcomes, features = training_set(
        shop, res.history.outcomes, past, max_users_per_campaign=max_train_users
    )
    res.model, res.qini_curve, res.qini = fit_uplift(outcomes, features, random_state=random_state)
    res.qini_null = qini_null(res.qini_curve, n_permutations=qini_permutations, random_state=random_state)
    candidates = targeting_candidates(shop, period=res.period)
    res.targets = targeting_list(res.model, candidates, top_n=top_n, pseudonymise=pseudonymise)
