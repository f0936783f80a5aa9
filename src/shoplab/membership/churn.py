"""Churn risk: a gradient-boosting model on per-user features with a time-based split.

* **Population** at a cutoff: users with an order or an event in the ``lookback_days`` before it (members and
  non-members; membership is a feature, and the at-risk list keeps members only).
* **Churned**: no order and no event in the ``horizon_days`` after the cutoff.
* **Time-based split**: train on features at ``as_of - 2 * horizon`` with labels from the next horizon, test on
  features at ``as_of - horizon`` with labels up to ``as_of``; nothing from the test horizon is seen in training.
  The model that scores members today is refitted on the test cutoff's data (the latest fully labelled one).
* Features are computed in the engine, one row per user; the model is scikit-learn's
  ``HistGradientBoostingClassifier`` (missing values allowed: no survey answer, no points).
* **Refunds as known at the cutoff**: orders carry only their final status, with no refund time, so an order
  placed shortly before a cutoff may show a refund that happened after it (a leak into the training features,
  and a feature that today's young orders cannot have yet). ``refund_share`` therefore uses only orders placed
  at least ``refund_settle_days`` (default :data:`shoplab.orders.REFUND_SETTLE_DAYS`, 30) before the cutoff,
  whose refunds are taken as settled by then; younger orders count in every other feature, where a refunded
  order is still a sold order.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from .. import labels
from ..callshape import period_end
from ..data import require_columns
from ..i18n import tr
from ..orders import REFUND_SETTLE_DAYS, gross_orders, is_refunded, refund_amount
from ._common import TIER_ORDER, GlossaryNames, is_midnight, tier_rank, to_ts, user_days

__all__ = [
    "FEATURE_LABELS",
    "FEATURE_LABELS_ZH",
    "feature_label",
    "churn_features",
    "churn_labels",
    "churn_dataset",
    "ChurnResult",
    "churn_model",
    "at_risk_members",
]

#: English names of the churn model's features, in the order of the feature table (glossary ``churn_feature``).
FEATURE_LABELS = GlossaryNames("churn_feature", "en")

#: Chinese names of the features, for reports in Chinese.
FEATURE_LABELS_ZH = GlossaryNames("churn_feature", "zh")


def feature_label(feature: str, lang: str | None = None) -> str:
    """A feature's readable name in the report language (the code itself when unknown)."""
    return labels.label("churn_feature", feature, lang)


def _get(tables, name):
    if isinstance(tables, Mapping):
        return tables.get(name)
    return tables[name] if tables.has(name) else None


def _days(later, earlier):
    return (later.epoch_seconds() - earlier.epoch_seconds()) / 86400.0


def churn_features(
    tables,
    *,
    period=None,
    cutoff=None,
    lookback_days: int = 180,
    refund_settle_days: int = REFUND_SETTLE_DAYS,
) -> pd.DataFrame:
    """Per-user features at ``cutoff`` for users active (order or event) in the lookback window before it.

    ``tables`` is a :class:`~shoplab.Shop` or a dict of tables (``orders`` required; ``members``, ``users``,
    ``events``, ``points``, ``feedback``, ``tier_history`` used when present). Returns a DataFrame indexed by
    ``user_id`` with the columns of :data:`FEATURE_LABELS` that the data supports.

    ``refund_share`` counts only the lookback window's orders placed at least ``refund_settle_days`` before the
    cutoff (refunded, or partly refunded, among them; NaN without such orders): without a refund time in the
    data, a younger order's refund may not have happened yet at the cutoff.
    """
    cutoff = period_end(period, cutoff, what="membership.churn_features", name="cutoff")
    cut = to_ts(cutoff).replace(hour=0, minute=0, second=0, microsecond=0)  # cutoffs are at midnight
    lo = cut - _dt.timedelta(days=lookback_days)
    cut_l = ibis.literal(cut)
    o_all = require_columns(_get(tables, "orders"), "orders", ["user_id", "ts", "amount"])
    o_all = o_all.filter(o_all.ts < cut)
    o = gross_orders(o_all)
    refunded = is_refunded(o) | (refund_amount(o) > 0)
    in_lb = o.ts >= lo
    settled = in_lb & (o.ts < cut - _dt.timedelta(days=refund_settle_days))
    # refund and coupon shares only when the orders say so (without the columns they are unknown, not 0)
    has_refunds = "status" in o.columns or "refund_amount" in o.columns
    has_coupons = "coupon_id" in o.columns
    shares = {}
    if has_refunds:
        shares |= dict(refunds=o.count(where=settled & refunded), settled_orders=o.count(where=settled))
    if has_coupons:
        shares["coupons"] = o.count(where=in_lb & o.coupon_id.notnull())
    of = o.group_by("user_id").aggregate(
        last_order=o.ts.max(),
        first_order=o.ts.min(),
        orders_lookback=o.count(where=in_lb),
        orders_90d=o.count(where=o.ts >= cut - _dt.timedelta(days=90)),
        gmv_lookback=o.amount.sum(where=in_lb),
        **shares,
    )
    pop = o.filter(in_lb).select("user_id")
    events = _get(tables, "events")
    ef = None
    if events is not None:
        # the shared per-user-day table (cut and lo are midnights, so day bounds are exact)
        ud = user_days(events)
        ud = ud.filter((ud.d < cut.date()) & (ud.d >= lo.date()))
        d30 = ud.d >= (cut - _dt.timedelta(days=30)).date()
        ef = ud.group_by("user_id").aggregate(
            last_event=ud["last"].max(),
            events_30d=ud.n.sum(where=d30),
            events_90d=ud.n.sum(where=ud.d >= (cut - _dt.timedelta(days=90)).date()),
            active_days_30d=ud.count(where=d30),
        )
        pop = pop.union(ef.select("user_id"))
    x = pop.distinct().left_join(of, "user_id").drop("user_id_right")
    cols = {
        "user_id": x.user_id,
        "days_since_order": _days(cut_l, x.last_order),
        "orders_lookback": x.orders_lookback.fill_null(0),
        "orders_90d": x.orders_90d.fill_null(0),
        "gmv_lookback": x.gmv_lookback.fill_null(0),
        "aov": x.gmv_lookback / x.orders_lookback.nullif(0),
        "refund_share": x.refunds / x.settled_orders.nullif(0) if has_refunds else None,
        "coupon_share": x.coupons / x.orders_lookback.nullif(0) if has_coupons else None,
        "tenure_days": _days(cut_l, x.first_order),
    }
    cols = {k: v for k, v in cols.items() if v is not None}
    x = x.select(**cols)
    if ef is not None:
        x = x.left_join(ef, "user_id").drop("user_id_right")
        x = x.mutate(
            days_since_event=_days(cut_l, x.last_event),
            events_30d=x.events_30d.fill_null(0),
            active_days_30d=x.active_days_30d.fill_null(0),
            event_trend=x.events_30d.fill_null(0) / (x.events_90d / 3.0).nullif(0),
        ).drop("last_event", "events_90d")
    members = _get(tables, "members")
    if members is not None:
        m = require_columns(members, "members", ["user_id", "tier", "joined_ts"])
        m = m.filter(m.joined_ts < cut)
        th = _get(tables, "tier_history")
        if th is not None:
            t = require_columns(th, "tier_history", ["user_id", "ts", "tier"])
            t = t.filter(t.ts < cut)
            tiers = t.group_by("user_id").aggregate(tier=t.tier.argmax(t.ts))
            mt = m.select("user_id").left_join(tiers, "user_id").select("user_id", "tier")
        else:
            mt = m.select("user_id", "tier")
        x = x.left_join(mt.mutate(is_member=ibis.literal(1)), "user_id").drop("user_id_right")
        x = x.mutate(is_member=x.is_member.fill_null(0))
        points = _get(tables, "points")
        if points is not None:
            p = require_columns(points, "points", ["user_id", "ts", "points"])
            p = p.filter(p.ts < cut)
            red = (p.kind == "redeem") if "kind" in p.columns else (p.points < 0)
            pf = p.group_by("user_id").aggregate(
                points_balance=p.points.sum(), redeemed=red.cast("int64").max()
            )
            x = x.left_join(pf, "user_id").drop("user_id_right")
    feedback = _get(tables, "feedback")
    if feedback is not None:
        f = require_columns(feedback, "feedback", ["user_id", "ts", "kind", "score"])
        f = f.filter(f.ts < cut)
        ff = f.group_by("user_id").aggregate(
            last_nps=f.score.argmax(f.ts, where=f.kind == "nps"),
            last_csat=f.score.argmax(f.ts, where=f.kind == "csat"),
        )
        x = x.left_join(ff, "user_id").drop("user_id_right")
    users = _get(tables, "users")
    if users is not None and "platform" in users.columns:
        u = users.select("user_id", platform_web=(users.platform == "web").cast("int64"))
        x = x.left_join(u, "user_id").drop("user_id_right")
    df = x.execute().set_index("user_id").sort_index()
    if "tier" in df.columns:
        df["tier_rank"] = tier_rank(df["tier"], TIER_ORDER).astype("float64")
        df = df.drop(columns="tier")
    if "is_member" in df.columns and "points_balance" in df.columns:
        mem = df["is_member"] == 1
        df.loc[mem, "points_balance"] = df.loc[mem, "points_balance"].fillna(0)
        df.loc[mem, "redeemed"] = df.loc[mem, "redeemed"].fillna(0)
    order = [c for c in FEATURE_LABELS if c in df.columns]
    return df[order].astype("float64")


def churn_labels(tables, users: pd.Index, *, period=None, cutoff=None, horizon_days: int = 90) -> pd.Series:
    """1 for users of ``users`` with no order and no event in ``[cutoff, cutoff + horizon_days)``, else 0."""
    cutoff = period_end(period, cutoff, what="membership.churn_labels", name="cutoff")
    cut = to_ts(cutoff)
    hi = cut + _dt.timedelta(days=horizon_days)
    o = gross_orders(require_columns(_get(tables, "orders"), "orders", ["user_id", "ts"]))
    act = o.filter((o.ts >= cut) & (o.ts < hi)).select("user_id")
    events = _get(tables, "events")
    if events is not None:
        if is_midnight(cut, hi):
            ud = user_days(events)
            act = act.union(ud.filter((ud.d >= cut.date()) & (ud.d < hi.date())).select("user_id"))
        else:
            e = require_columns(events, "events", ["user_id", "ts"])
            act = act.union(e.filter((e.ts >= cut) & (e.ts < hi)).select("user_id"))
    active = set(act.distinct().execute()["user_id"].tolist())
    return pd.Series([0 if u in active else 1 for u in users], index=users, name="churned", dtype="int64")


def churn_dataset(
    tables,
    *,
    period=None,
    cutoff=None,
    horizon_days: int = 90,
    lookback_days: int = 180,
    refund_settle_days: int = REFUND_SETTLE_DAYS,
) -> pd.DataFrame:
    """Features at ``cutoff`` plus the ``churned`` label over the following horizon."""
    cutoff = period_end(period, cutoff, what="membership.churn_dataset", name="cutoff")
    x = churn_features(
        tables, cutoff=cutoff, lookback_days=lookback_days, refund_settle_days=refund_settle_days
    )
    x["churned"] = churn_labels(tables, x.index, cutoff=cutoff, horizon_days=horizon_days)
    return x


@dataclass
class ChurnResult:
    """What :func:`churn_model` learned and measured."""

    auc: float
    precision: float
    recall: float
    threshold: float
    base_rate: float
    n_train: int
    n_test: int
    train_cutoff: _dt.datetime
    test_cutoff: _dt.datetime
    calibration: pd.DataFrame
    importance: pd.DataFrame
    test: pd.DataFrame
    model: object = field(repr=False)
    features: list[str] = field(default_factory=list)

    def metrics(self, lang: str | None = None) -> pd.DataFrame:
        th = f"{self.threshold:.2f}"
        rows = [
            (tr("AUC (test)", "AUC（测试集）", lang), self.auc),
            (tr(f"precision at p >= {th}", f"流失概率 ≥ {th} 时的精确率", lang), self.precision),
            (tr(f"recall at p >= {th}", f"流失概率 ≥ {th} 时的召回率", lang), self.recall),
            (tr("churn rate (test)", "流失率（测试集）", lang), self.base_rate),
            (tr("users in training", "训练用户数", lang), self.n_train),
            (tr("users in test", "测试用户数", lang), self.n_test),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])


class _Model:
    """scikit-learn's histogram gradient boosting (missing values allowed), run on one thread: report machines are
    shared, and OpenMP threads competing for busy cores are far slower than one."""

    def __init__(self, random_state: int):
        from sklearn.ensemble import HistGradientBoostingClassifier

        self.gb = HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_depth=4,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=random_state,
        )

    @staticmethod
    def _x(x) -> np.ndarray:
        return np.asarray(x, dtype="float64")

    def fit(self, x, y):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            self.gb.fit(self._x(x), np.asarray(y))
        self.classes_ = self.gb.classes_
        return self

    def predict_proba(self, x) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return self.gb.predict_proba(self._x(x))


def _fit(x: pd.DataFrame, y: pd.Series, random_state: int) -> _Model:
    return _Model(random_state).fit(x, y)


def churn_model(
    tables,
    *,
    period=None,
    as_of=None,
    horizon_days: int = 90,
    lookback_days: int = 180,
    threshold: float = 0.5,
    n_repeats: int = 3,
    max_train: int = 50_000,
    max_importance: int = 10_000,
    random_state: int = 0,
    refund_settle_days: int = REFUND_SETTLE_DAYS,
) -> ChurnResult:
    """Fit and evaluate the churn model with a time-based split ending at ``as_of`` (exclusive).

    Returns a :class:`ChurnResult` with the test AUC, precision and recall at ``threshold``, a calibration table
    (10 quantile bins: mean predicted vs observed churn), permutation importance (drop in test AUC,
    ``n_repeats`` shuffles) and the model refitted on the test cutoff's data for scoring today.

    On large shops the model is fitted on a random sample of ``max_train`` users per cutoff and the permutation
    importance uses ``max_importance`` test users; AUC, precision, recall and calibration use every test user.
    ``refund_settle_days``: the refund feature's settling time (see :func:`churn_features`).
    """
    as_of = period_end(period, as_of, what="membership.churn_model", name="as_of")
    as_of = to_ts(as_of)
    test_cut = as_of - _dt.timedelta(days=horizon_days)
    train_cut = test_cut - _dt.timedelta(days=horizon_days)
    kw = {
        "horizon_days": horizon_days,
        "lookback_days": lookback_days,
        "refund_settle_days": refund_settle_days,
    }
    tr = churn_dataset(tables, cutoff=train_cut, **kw)
    te = churn_dataset(tables, cutoff=test_cut, **kw)
    # a feature with no value at one cutoff (e.g. no user has feedback yet) tells the model nothing, and
    # scikit-learn's binning fails on an all-missing column
    feats = [
        c
        for c in tr.columns
        if c != "churned" and c in te.columns and tr[c].notna().any() and te[c].notna().any()
    ]
    if tr["churned"].nunique() < 2 or te["churned"].nunique() < 2:
        raise ValueError("churn_model needs both churned and retained users in the training and test windows")
    return _churn_model(
        tr, te, feats, threshold, n_repeats, random_state, train_cut, test_cut, max_train, max_importance
    )


def _sample(df: pd.DataFrame, n: int, random_state: int) -> pd.DataFrame:
    return df if len(df) <= n else df.sample(n=n, random_state=random_state)


def _churn_model(
    tr, te, feats, threshold, n_repeats, random_state, train_cut, test_cut, max_train, max_importance
) -> ChurnResult:
    from sklearn.calibration import calibration_curve
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import precision_score, recall_score, roc_auc_score

    trs = _sample(tr, max_train, random_state)
    model = _fit(trs[feats], trs["churned"], random_state)
    xt = te[feats].to_numpy(dtype="float64")
    score = model.predict_proba(xt)[:, 1]
    y = te["churned"].to_numpy()
    pred = (score >= threshold).astype(int)
    frac, mean_pred = calibration_curve(y, score, n_bins=10, strategy="quantile")
    calib = pd.DataFrame({"mean_predicted": mean_pred, "observed_churn": frac})
    from threadpoolctl import threadpool_limits

    imp_rows = _sample(te, max_importance, random_state)
    with threadpool_limits(1):
        pi = permutation_importance(
            model.gb,
            model._x(imp_rows[feats]),
            imp_rows["churned"].to_numpy(),
            scoring="roc_auc",
            n_repeats=n_repeats,
            random_state=random_state,
        )
    imp = pd.DataFrame(
        {
            "feature": feats,
            "label": [feature_label(f) for f in feats],  # in the report language
            "auc_drop": pi.importances_mean,
            "auc_drop_std": pi.importances_std,
        }
    ).sort_values("auc_drop", ascending=False, ignore_index=True)
    tes = _sample(te, max_train, random_state)
    final = _fit(tes[feats], tes["churned"], random_state)
    test = pd.DataFrame({"churned": y, "score": score}, index=te.index)
    return ChurnResult(
        auc=float(roc_auc_score(y, score)),
        precision=float(precision_score(y, pred, zero_division=0)),
        recall=float(recall_score(y, pred, zero_division=0)),
        threshold=threshold,
        base_rate=float(y.mean()),
        n_train=len(tr),
        n_test=len(te),
        train_cutoff=train_cut,
        test_cutoff=test_cut,
        calibration=calib,
        importance=imp,
        test=test,
        model=final,
        features=feats,
    )


def at_risk_members(
    result: ChurnResult,
    features: pd.DataFrame,
    *,
    value: pd.Series | None = None,
    top: int | None = 20,
    min_probability: float | None = None,
    n_reasons: int = 3,
    lang: str | None = None,
) -> pd.DataFrame:
    """Members ranked by value at risk (churn probability x ``value``), with the reasons behind each score.

    ``features`` come from :func:`churn_features` at the scoring date (non-members are dropped). ``value`` is a
    per-user value if the member is retained (default: spend in the lookback window): pass
    ``customer_value(...).value_if_retained`` (CLV of a customer who has not left), not ``clv``, which BG/NBD has
    already weighted by P(alive) and would count churn twice. A reason is a feature whose
    replacement by the population's median lowers the member's score most ("what if this were typical"); the
    reasons are written in ``lang`` (default: the report language).
    """
    feats = result.features
    x = features[feats]
    if "is_member" in x.columns:
        x = x[x["is_member"] == 1]
    p = pd.Series(result.model.predict_proba(x.to_numpy(dtype="float64"))[:, 1], index=x.index)
    cut = result.threshold if min_probability is None else min_probability
    v = (value if value is not None else x["gmv_lookback"]).reindex(x.index).fillna(0.0)
    df = pd.DataFrame({"churn_probability": p, "value": v})
    df["value_at_risk"] = df.churn_probability * df.value
    df = df[df.churn_probability >= cut].sort_values("value_at_risk", ascending=False)
    if top is not None:
        df = df.head(top)
    if n_reasons == 0:
        return df.reset_index().rename(columns={"index": "user_id"})
    med = features[feats].median()
    cand = [f for f in feats if f != "is_member" and not pd.isna(med[f])]
    reasons = []
    for uid in df.index:
        row = x.loc[[uid]]
        alt = pd.concat([row] * len(cand), ignore_index=True)
        for i, f in enumerate(cand):
            alt.loc[i, f] = med[f]
        alt_p = result.model.predict_proba(alt.to_numpy(dtype="float64"))[:, 1] if cand else []
        drops = sorted(zip(p[uid] - np.asarray(alt_p), cand, strict=True), reverse=True)
        parts = [
            tr(
                f"{feature_label(f, 'en')} {_fmt(row.iloc[0][f])} (typical {_fmt(med[f])})",
                f"{feature_label(f, 'zh')} {_fmt(row.iloc[0][f], 'zh')}（一般为 {_fmt(med[f], 'zh')}）",
                lang,
            )
            for d, f in drops[:n_reasons]
            if d > 0.01
        ]
        reasons.append(tr("; ", "；", lang).join(parts) or tr("no single driver", "无单一主因", lang))
    df["reasons"] = reasons
    return df.reset_index().rename(columns={"index": "user_id"})


def _fmt(v, lang: str | None = "en") -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return tr("none", "无", lang)
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2f}".rstrip("0").rstrip(".")
