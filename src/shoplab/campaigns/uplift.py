"""Who to target next time: a T-learner uplift model, its Qini curve on held-out users and a ranked list.

The **T-learner** fits one model of the outcome on treated users and one on control users (scikit-learn
gradient boosting); a user's predicted uplift is the difference of the two predictions. The **Qini curve**
ranks held-out users by predicted uplift and plots, for the top ``k``, incremental conversions
``Y_t(k) - Y_c(k) * N_t(k) / N_c(k)``; a random ranking is the straight line to the overall increment. The
**Qini coefficient** (AUUC over random) is the area between the two over the fraction targeted (0 to 1),
divided by the number of users: incremental conversions per user gained by the ranking, averaged over
targeting depths. A random ranking lands above zero about half of the time, so the ranking is said to beat
random targeting only when its coefficient exceeds the 95th percentile of random rankings of the same users
(:func:`qini_null`, a permutation test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from ..data import Shop
from ._util import paid, tiers_at_start, ts

__all__ = [
    "uplift_features",
    "training_set",
    "TLearner",
    "qini_curve",
    "qini_coefficient",
    "qini_null",
    "fit_uplift",
    "targeting_list",
]


def uplift_features(shop: Shop, user_ids, *, as_of) -> pd.DataFrame:
    """Pre-period features per user as of ``as_of`` (index ``user_id``): orders and spend in the last 30, 90 and
    365 days, days since the last order, sessions in the last 30 days, platform and tier (one-hot).

    The tier is the one held at ``as_of`` (``tier_history``), as in
    :func:`~shoplab.campaigns.segments.user_segments`; without ``tier_history``, today's ``members.tier``
    (``attrs["tier_source"]`` is then ``"members"``)."""
    import ibis

    as_of = pd.Timestamp(as_of)
    # rows in user order, not in the order the engine returned them
    ids = pd.DataFrame({"user_id": np.sort(pd.Series(user_ids).unique())})
    o = paid(shop.orders)
    id_type = o.user_id.type()
    wanted = ibis.memtable(ids.assign(user_id=ids["user_id"].astype(str))).mutate(
        user_id=lambda t: t.user_id.cast(id_type)
    )  # only these users' rows come back
    o = o.filter((o.ts < ts(as_of)) & (o.ts >= ts(as_of - pd.Timedelta(days=365))))
    o = o.semi_join(wanted, "user_id")
    aggs = {}
    for d in (30, 90, 365):
        w = o.ts >= ts(as_of - pd.Timedelta(days=d))
        aggs[f"orders_{d}d"] = w.cast("int64").sum()
        aggs[f"spend_{d}d"] = o.amount.sum(where=w)
    aggs["last_order"] = o.ts.max()
    if "coupon_id" in o.columns:
        aggs["coupon_orders_365d"] = o.coupon_id.notnull().cast("int64").sum()
    df = ids.merge(o.group_by("user_id").aggregate(**aggs).execute(), on="user_id", how="left")
    df["days_since_order"] = (as_of - df.pop("last_order")).dt.days.fillna(999).astype(float)
    if shop.has("events") and "session_id" in shop.events.columns:
        e = shop.events
        e = e.filter((e.ts < ts(as_of)) & (e.ts >= ts(as_of - pd.Timedelta(days=30))))
        e = e.semi_join(wanted, "user_id")
        s = (
            e.group_by("user_id")
            .aggregate(
                sessions_30d=e.session_id.nunique(),
                campaign_views_30d=(e.event == "campaign_page").cast("int64").sum(),
                coupon_center_30d=(e.event == "coupon_center").cast("int64").sum(),
            )
            .execute()
        )
        df = df.merge(s, on="user_id", how="left")
    cats = []
    if shop.has("users") and "platform" in shop.users.columns:
        u = shop.users.semi_join(wanted, "user_id")
        df = df.merge(u.select("user_id", "platform").execute(), on="user_id", how="left")
        cats.append("platform")
    tiers, source = tiers_at_start(shop, ids["user_id"], at=as_of)
    if source != "none":
        df["tier"] = df["user_id"].map(tiers).fillna("非会员")
        cats.append("tier")
    df = pd.get_dummies(df, columns=cats, dtype=float)
    out = df.set_index("user_id").fillna(0.0).astype(float)
    out.attrs["tier_source"] = source
    return out


def training_set(
    shop: Shop,
    outcomes: dict[str, pd.DataFrame],
    campaigns: pd.DataFrame,
    *,
    max_users_per_campaign: int | None = 20_000,
    random_state: int = 0,
):
    """Pool the assigned users of several campaigns (``Evaluation.outcomes``) into one training set.

    Each row is a (campaign, user) pair with features as of that campaign's start, so a model learns who
    responds to campaigns in general. Returns ``(outcomes, features)`` keyed by ``"<campaign_id>/<user_id>"``;
    ``outcomes.user`` keeps the raw user id so that train/test splits can keep a user on one side.
    Campaigns with more than ``max_users_per_campaign`` assigned users contribute a random sample of that
    many (None: all), which keeps the model's cost flat on large shops.
    """
    outs, feats = [], []
    for c in campaigns.itertuples(index=False):
        out = outcomes.get(str(c.campaign_id))
        if out is None or out.empty:
            continue
        out = out.sort_values("user_id", kind="stable")  # the engine returns rows in any order
        if max_users_per_campaign and len(out) > max_users_per_campaign:
            out = out.sample(n=max_users_per_campaign, random_state=random_state).sort_values("user_id")
        f = uplift_features(shop, out["user_id"], as_of=c.start_ts)
        key = str(c.campaign_id) + "/" + out["user_id"].astype(str)
        outs.append(out.assign(user=out["user_id"], user_id=key.to_numpy()))
        f.index = str(c.campaign_id) + "/" + f.index.astype(str)
        feats.append(f)
    if not outs:
        return pd.DataFrame(columns=["user_id", "group", "converted", "user"]), pd.DataFrame()
    return pd.concat(outs, ignore_index=True), pd.concat(feats).fillna(0.0)


class TLearner(BaseEstimator):
    """Two-model uplift learner: ``uplift(x) = f_treatment(x) - f_control(x)``.

    Parameters
    ----------
    estimator
        A scikit-learn classifier (with ``predict_proba``) or regressor; default gradient boosting
        classifier for binary outcomes, regressor otherwise.
    random_state
        Seed of the default estimator.
    """

    def __init__(self, estimator=None, random_state: int | None = 0):
        self.estimator = estimator
        self.random_state = random_state

    def fit(self, X, y, treatment):
        y, treatment = np.asarray(y), np.asarray(treatment).astype(bool)
        binary = set(np.unique(y)) <= {0, 1}
        base = self.estimator
        if base is None:
            cls = HistGradientBoostingClassifier if binary else HistGradientBoostingRegressor
            base = cls(
                max_iter=60,
                learning_rate=0.05,
                max_leaf_nodes=8,
                min_samples_leaf=40,
                random_state=self.random_state,
            )
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        X = np.asarray(X, dtype=float)
        with threadpool_limits(1):  # small data: OpenMP threads only contend (10x slower on a shared machine)
            self.model_t_ = clone(base).fit(X[treatment], y[treatment])
            self.model_c_ = clone(base).fit(X[~treatment], y[~treatment])
        self.n_features_in_ = X.shape[1]
        return self

    def _pred(self, m, X):
        return m.predict_proba(X)[:, 1] if hasattr(m, "predict_proba") else m.predict(X)

    def predict(self, X) -> np.ndarray:
        """Predicted uplift per row of ``X``."""
        X = np.asarray(X, dtype=float)
        with threadpool_limits(1):
            return self._pred(self.model_t_, X) - self._pred(self.model_c_, X)


def qini_curve(y, treatment, uplift) -> pd.DataFrame:
    """Qini curve: for each number ``n`` of top-ranked users, incremental outcomes and the random baseline.

    Besides ``n``, ``fraction``, ``qini`` and ``random`` the curve keeps the cumulative counts it is built from
    (``n_treatment``, ``n_control``, ``y_treatment``, ``y_control`` among the top ``n``), so that
    :func:`qini_null` can rank the same users at random.
    """
    y, t, u = np.asarray(y, float), np.asarray(treatment).astype(bool), np.asarray(uplift, float)
    order = np.argsort(-u, kind="stable")
    y, t = y[order], t[order]
    yt, yc = np.cumsum(y * t), np.cumsum(y * ~t)
    nt, nc = np.cumsum(t), np.cumsum(~t)
    q = yt - np.divide(yc * nt, nc, out=np.zeros_like(yc), where=nc > 0)
    n = np.arange(1, len(y) + 1)
    curve = pd.DataFrame({"n": n, "fraction": n / len(y), "qini": q, "random": q[-1] * n / len(y),
                          "n_treatment": nt, "n_control": nc, "y_treatment": yt, "y_control": yc})  # fmt: skip
    return pd.concat([pd.DataFrame(dict.fromkeys(_CURVE_COLUMNS, [0.0]) | {"n": [0]}), curve],
                     ignore_index=True)  # fmt: skip


_CURVE_COLUMNS = ["n", "fraction", "qini", "random", "n_treatment", "n_control", "y_treatment", "y_control"]


def qini_coefficient(curve: pd.DataFrame) -> float:
    """Area between the Qini curve and the random line, per user (trapezoids over the fraction targeted)."""
    gap = (curve["qini"] - curve["random"]).to_numpy()
    x = curve["fraction"].to_numpy()
    n = max(int(curve["n"].iloc[-1]), 1)
    return float(np.sum((gap[1:] + gap[:-1]) / 2 * np.diff(x)) / n)


def _qini_coefficients(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """:func:`qini_coefficient` of each row of ``y`` and ``t`` (users in ranked order, one ranking per row)."""
    yt, yc = np.cumsum(y * t, axis=1), np.cumsum(y * (1 - t), axis=1)
    nt, nc = np.cumsum(t, axis=1), np.cumsum(1 - t, axis=1)
    q = yt - np.divide(yc * nt, nc, out=np.zeros_like(yc), where=nc > 0)
    n = y.shape[1]
    gap = q - q[:, -1:] * np.arange(1, n + 1) / n
    # trapezoids over steps of 1/n with gap 0 at n = 0: sum of the gaps minus half the last one (which is 0)
    return (gap.sum(axis=1) - gap[:, -1] / 2) / n / n


def qini_null(
    curve: pd.DataFrame, *, n_permutations: int = 200, confidence: float = 0.95, random_state: int = 0
) -> dict:
    """Does the ranking beat random targeting? A permutation test of the Qini coefficient.

    A random ranking of the same held-out users has a Qini coefficient near 0 but above 0 about half of the
    time, so a positive coefficient alone proves nothing. The users of ``curve`` (from :func:`qini_curve`) are
    ranked at random ``n_permutations`` times (seeded by ``random_state``); the ranking *beats random* when its
    coefficient exceeds the ``confidence`` quantile (95th percentile) of those random rankings' coefficients.

    Returns
    -------
    dict
        ``qini`` (observed), ``null_mean``, ``null_quantile`` (the ``confidence`` quantile of the null),
        ``p_value`` (one-sided, ``(1 + #null >= observed) / (1 + n_permutations)``), ``beats_random`` (bool),
        ``n_permutations``, ``confidence``, ``n`` (held-out users).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    missing = [c for c in _CURVE_COLUMNS if c not in curve]
    if missing:
        raise ValueError(f"curve lacks column(s) {', '.join(missing)}; present: {', '.join(curve.columns)}")
    n = int(curve["n"].iloc[-1]) if len(curve) else 0
    nan = float("nan")
    out = dict(qini=nan, null_mean=nan, null_quantile=nan, p_value=nan, beats_random=False,
               n_permutations=int(n_permutations), confidence=confidence, n=n)  # fmt: skip
    if n < 2:
        return out
    t = np.diff(curve["n_treatment"].to_numpy(float))
    y = np.diff(curve["y_treatment"].to_numpy(float)) + np.diff(curve["y_control"].to_numpy(float))
    observed = float(_qini_coefficients(y[None, :], t[None, :])[0])
    rng = np.random.default_rng(random_state)
    null = np.empty(n_permutations)
    chunk = max(1, 500_000 // n)  # rankings per batch, so that a batch holds about 500k users
    for i in range(0, n_permutations, chunk):
        k = min(chunk, n_permutations - i)
        perm = np.argsort(rng.random((k, n)), axis=1)
        null[i : i + k] = _qini_coefficients(y[perm], t[perm])
    q = float(np.quantile(null, confidence))
    return out | dict(
        qini=observed,
        null_mean=float(null.mean()),
        null_quantile=q,
        p_value=float((1 + np.sum(null >= observed)) / (1 + n_permutations)),
        beats_random=bool(observed > q),
    )


def fit_uplift(outcomes: pd.DataFrame, features: pd.DataFrame, *, outcome: str = "converted",
               test_frac: float = 0.3, random_state: int = 0):  # fmt: skip
    """Fit a :class:`TLearner` on a random ``1 - test_frac`` of users and draw the Qini curve on the rest.

    Returns
    -------
    (model, curve, qini)
        The fitted model, the held-out Qini curve and its Qini coefficient.
    """
    if outcomes.empty or features.empty or outcomes["group"].nunique() < 2:
        empty = pd.DataFrame(columns=_CURVE_COLUMNS, dtype=float)
        return None, empty, float("nan")
    df = outcomes[["user_id", "group", outcome]].merge(
        features, left_on="user_id", right_index=True, how="left"
    )
    X = df[features.columns].fillna(0.0)
    t = (df["group"] == "treatment").to_numpy()
    y = df[outcome].to_numpy()
    rng = np.random.default_rng(random_state)
    unit = outcomes["user"] if "user" in outcomes else outcomes["user_id"]  # a user stays on one side
    users = pd.unique(unit)
    test_users = set(users[rng.random(len(users)) < test_frac])
    test = unit.isin(test_users).to_numpy()
    model = TLearner(random_state=random_state).fit(X[~test], y[~test], t[~test])
    curve = qini_curve(y[test], t[test], model.predict(X[test].to_numpy()))
    return model, curve, qini_coefficient(curve)


def targeting_list(model: TLearner, features: pd.DataFrame, *, top_n: int = 200,
                   pseudonymise: bool = True) -> pd.DataFrame:  # fmt: skip
    """The ``top_n`` users with the highest predicted uplift: ``rank``, ``user_id`` (pseudonymised by default),
    ``predicted_uplift`` and the features that describe them."""
    from ..privacy import pseudonymise_frame

    if model is None or features.empty:  # no model, or no audience (e.g. an empty users table)
        return pd.DataFrame(columns=["rank", "user_id", "predicted_uplift"])
    names = getattr(model, "feature_names_in_", None)
    if names is not None:  # one-hot columns of the audience may differ from the training set's
        features = features.reindex(columns=names, fill_value=0.0)
    u = model.predict(features.to_numpy())
    # equal uplifts in user order: the same list in every run
    df = features.assign(predicted_uplift=u).sort_index()
    df = df.sort_values("predicted_uplift", ascending=False, kind="stable")
    df = df.head(top_n).reset_index()
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    keep = ["rank", "user_id", "predicted_uplift"] + [
        c for c in ("orders_365d", "spend_365d", "days_since_order", "sessions_30d") if c in df
    ]
    return pseudonymise_frame(df[keep], ["user_id"], enabled=pseudonymise)
