"""Personas: k-means on scaled behavioural features, k chosen by silhouette, described in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels
from ..data import require_columns

__all__ = ["PERSONA_FEATURES", "persona_matrix", "Personas"]

#: the features personas cluster on, in this order (their names are in the glossary: persona_feature.*,
#: persona_high.*, persona_low.*)
PERSONA_FEATURE_CODES = (
    "visits_per_month",
    "conversion",
    "aov_log",
    "discount_share",
    "refund_rate",
    "tenure_log",
    "last_visit_log",
    "app_share",
)

# feature -> (label when high, label when low, description), in English, from the glossary
PERSONA_FEATURES: dict[str, tuple[str, str, str]] = {
    f: tuple(labels.name(f"{ns}.{f}", "en") for ns in ("persona_high", "persona_low", "persona_feature"))
    for f in PERSONA_FEATURE_CODES
}


def persona_matrix(features: pd.DataFrame, *, window_days: float = 365.0) -> pd.DataFrame:
    """The behavioural feature matrix personas cluster on, from :func:`user_features`.

    Users with neither a session (an event day when there are no sessions) nor a paid order in the window are
    left out (nothing to describe). Missing values are filled with neutral values (no orders: AOV 0, shares 0).
    Features whose inputs the data lacks are left out: ``visits_per_month`` and ``conversion`` without
    ``sessions`` (events without ``session_id``), ``app_share`` without it (events without ``platform``).

    Returns a DataFrame indexed by ``user_id`` with the columns of :data:`PERSONA_FEATURES` the data allows.
    """
    need = ["user_id", "frequency", "aov", "discount_share", "refund_rate", "tenure_days", "last_visit_days"]
    require_columns(features, "user features", need, what="user features (persona_matrix)")
    has_sessions = "sessions" in features.columns
    if not has_sessions:
        require_columns(
            features, "user features", ["active_days"], what="user features (persona_matrix without sessions)"
        )
    visits = features.sessions if has_sessions else features.active_days
    df = features[(visits > 0) | (features.frequency > 0)]
    months = np.clip(np.minimum(df.tenure_days.to_numpy(dtype="float64"), window_days), 30.4, None) / 30.4
    cols = {}
    if has_sessions:
        sessions = df.sessions.to_numpy(dtype="float64")
        cols["visits_per_month"] = np.log1p(sessions / months)
        cols["conversion"] = df.frequency.to_numpy(dtype="float64") / np.maximum(sessions, 1.0)
    cols |= {
        "aov_log": np.log1p(df.aov.fillna(0).to_numpy(dtype="float64")),
        "discount_share": df.discount_share.fillna(0).to_numpy(dtype="float64"),
        "refund_rate": df.refund_rate.fillna(0).to_numpy(dtype="float64"),
        "tenure_log": np.log1p(df.tenure_days.fillna(0).to_numpy(dtype="float64")),
        "last_visit_log": np.log1p(df.last_visit_days.fillna(df.tenure_days).to_numpy(dtype="float64")),
    }
    if "app_share" in features.columns:
        cols["app_share"] = df.app_share.fillna(0).to_numpy(dtype="float64")
    return pd.DataFrame(cols, index=pd.Index(df.user_id.to_numpy(), name="user_id"))


class Personas:
    """k-means personas with k chosen by silhouette (scikit-learn style).

    Parameters
    ----------
    k_range
        Smallest and largest k to try (inclusive).
    random_state
        Seed of k-means and of the samples.
    silhouette_sample
        Users sampled to compute each k's silhouette (silhouette is quadratic in the number of users).
    fit_sample
        Users sampled to choose k; the final model is fitted on every user, started from the sample's centres.
    n_init
        k-means restarts per k on the sample.

    Attributes
    ----------
    k_ : int
        Chosen number of personas.
    silhouettes_ : pandas.Series
        Silhouette of each k tried.
    labels_ : pandas.Series
        Persona (0..k-1, 0 the largest) of each user, indexed by user_id.
    centers_ : pandas.DataFrame
        Persona means in the original feature units.
    zdiff_ : pandas.DataFrame
        Standardised difference of each persona's mean from the population mean, per feature.
    names_ : dict[int, str]
        Generated readable names (English).
    name_codes_ : dict[int, list[tuple[str, bool]]]
        What the names are made of: the two features that set each persona apart and whether it is high on
        them (``[("app_share", True), ("conversion", False)]``); display names come from these codes.
    """

    def __init__(
        self,
        *,
        k_range: tuple[int, int] = (3, 8),
        random_state: int = 0,
        silhouette_sample: int = 5000,
        fit_sample: int = 20_000,
        n_init: int = 3,
    ):
        self.k_range = k_range
        self.random_state = random_state
        self.silhouette_sample = silhouette_sample
        self.fit_sample = fit_sample
        self.n_init = n_init

    def fit(self, X: pd.DataFrame) -> Personas:
        """Fit on a matrix from :func:`persona_matrix` (rows are users, index user_id)."""
        from threadpoolctl import threadpool_limits

        # k-means on a few features gains nothing from threads, and oversubscribed threads on a busy
        # machine slow it down tenfold
        with threadpool_limits(limits=1):
            return self._fit(X)

    def _fit(self, X: pd.DataFrame) -> Personas:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from sklearn.preprocessing import StandardScaler

        lo, hi = self.k_range
        if lo < 2 or hi < lo:
            raise ValueError(f"k_range must be (lo, hi) with 2 <= lo <= hi, got {self.k_range}")
        if len(X) <= hi:
            raise ValueError(f"need more users than the largest k ({hi}); got {len(X)}")
        rng = np.random.default_rng(self.random_state)
        self.scaler_ = StandardScaler().fit(X.to_numpy())
        Z = self.scaler_.transform(X.to_numpy())
        idx = (
            rng.choice(len(Z), min(len(Z), self.fit_sample), replace=False)
            if len(Z) > self.fit_sample
            else None
        )
        Zs = Z[np.sort(idx)] if idx is not None else Z
        scores, models = {}, {}
        for k in range(lo, hi + 1):
            km = KMeans(k, n_init=self.n_init, random_state=self.random_state).fit(Zs)
            scores[k] = float(
                silhouette_score(
                    Zs,
                    km.labels_,
                    sample_size=min(len(Zs), self.silhouette_sample),
                    random_state=self.random_state,
                )
            )
            models[k] = km
        self.silhouettes_ = pd.Series(scores, name="silhouette").rename_axis("k")
        self.k_ = int(self.silhouettes_.idxmax())
        km = models[self.k_]
        if idx is not None:
            km = KMeans(self.k_, init=km.cluster_centers_, n_init=1, random_state=self.random_state).fit(Z)
        raw = km.predict(Z)
        # relabel by size, largest first, so that labels are stable and readable
        order = (
            pd.Series(raw)
            .value_counts()
            .sort_index(kind="stable")
            .sort_values(ascending=False, kind="stable")
        )
        remap = {old: new for new, old in enumerate(order.index)}
        self.model_ = km
        self._remap = remap
        self.labels_ = pd.Series([remap[v] for v in raw], index=X.index, name="persona")
        self.feature_names_ = list(X.columns)
        self.centers_ = X.groupby(self.labels_.to_numpy()).mean().rename_axis("persona")
        sd = X.std(ddof=0).replace(0, np.nan)
        self.zdiff_ = ((self.centers_ - X.mean()) / sd).fillna(0)
        self.name_codes_ = {p: [(f, bool(z > 0)) for f, z in t] for p, t in self.traits(top=2).items()}
        self.names_ = {p: self._name(codes) for p, codes in self.name_codes_.items()}
        return self

    @staticmethod
    def _name(codes: list[tuple[str, bool]]) -> str:
        words = []
        for f, high in codes:
            hi_lbl, lo_lbl, _ = PERSONA_FEATURES.get(f, (f"high {f}", f"low {f}", f))
            words.append(hi_lbl if high else lo_lbl)
        return " · ".join(words)

    def traits(self, *, top: int = 3) -> dict[int, list[tuple[str, float]]]:
        """The ``top`` features that set each persona apart, by absolute standardised difference from the
        population mean: ``{persona: [(feature, difference in sd), ...]}``."""
        out = {}
        for p in self.zdiff_.index:
            z = self.zdiff_.loc[p]
            fs = z.abs().sort_values(ascending=False, kind="stable").index[:top]
            out[p] = [(f, float(z[f])) for f in fs]
        return out

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Persona of each row of a matrix from :func:`persona_matrix`."""
        raw = self.model_.predict(self.scaler_.transform(X[self.feature_names_].to_numpy()))
        return pd.Series([self._remap[v] for v in raw], index=X.index, name="persona")

    def describe(
        self, features: pd.DataFrame, *, monetary_col: str = "monetary", top: int = 3
    ) -> pd.DataFrame:
        """Size, revenue share and what sets each persona apart.

        Returns one row per persona: ``persona, name, users, user_share, revenue, revenue_share, aov_mean,
        distinguishing`` (the ``top`` features by absolute standardised difference, e.g. ``conversion +1.2 sd``).
        """
        require_columns(
            features, "user features", ["user_id", monetary_col], what="features (Personas.describe)"
        )
        rev = features.set_index("user_id")[monetary_col].reindex(self.labels_.index).fillna(0)
        g = rev.groupby(self.labels_)
        out = pd.DataFrame({"users": g.size(), "revenue": g.sum()}).rename_axis("persona")
        out["user_share"] = out.users / out.users.sum()
        out["revenue_share"] = out.revenue / out.revenue.sum() if out.revenue.sum() else np.nan
        out["name"] = [self.names_[p] for p in out.index]
        traits = self.traits(top=top)
        out["distinguishing"] = [
            # the glossary's name now: it may name the shop's currency (PERSONA_FEATURES is read at import)
            "; ".join(
                f"{labels.name(f'persona_feature.{f}', 'en', default=f)} {z:+.1f} sd" for f, z in traits[p]
            )
            for p in out.index
        ]
        return out.reset_index()[
            ["persona", "name", "users", "user_share", "revenue", "revenue_share", "distinguishing"]
        ]

    def compare(self, segments: pd.DataFrame, *, segment_col: str = "segment") -> pd.DataFrame:
        """Share of each persona's users in each RFM segment (rows persona names, columns segments)."""
        require_columns(segments, "segments", ["user_id", segment_col], what="segments (Personas.compare)")
        seg = segments.set_index("user_id")[segment_col].astype(str).reindex(self.labels_.index)
        seg = seg.fillna("(not a buyer)")
        names = self.labels_.map(lambda p: f"{p}: {self.names_[p]}")  # noqa: E731 - package code
        tab = pd.crosstab(names, seg, normalize="index")
        tab.index.name, tab.columns.name = "persona", "RFM segment"
        return tab
