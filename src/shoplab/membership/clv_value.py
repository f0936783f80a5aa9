"""Spend per purchase when it depends on how often a customer buys: the Gamma-Gamma independence check, a
value-by-frequency holdout table and a Gamma-Gamma model per repeat-count group.

Gamma-Gamma (Fader & Hardie 2013) shrinks each customer's mean repeat spend toward one population mean and
assumes that spend does not depend on purchase frequency. When frequent buyers also spend more per purchase, the
population mean sits above what infrequent buyers spend, and their value is overstated (on the sample shop the
pooled model predicts buyers without a repeat purchase a holdout spend per purchase 74% above what they spent).

* :func:`value_frequency_correlation`: Pearson and Spearman correlation of ``frequency`` and ``monetary_value``
  among repeat buyers; the check fails when Pearson's r exceeds :data:`INDEPENDENCE_THRESHOLD` (0.1) in absolute
  value. Spearman's rho is reported beside it but does not decide: with skewed spend it is positive even when
  spend and frequency are independent (the mean of more purchases is less often far below the typical spend, so
  mean repeat spend ranks higher for frequent buyers without being higher on average).
* :class:`FrequencyGammaGamma`: the Gamma-Gamma model fitted separately within each repeat-count group
  (:data:`REPEAT_GROUPS`: 1-2, 3-5, 6-10, 11+ repeats; a group with fewer than ``min_users`` repeat buyers is
  merged with a neighbour), so each buyer is shrunk toward the spend of buyers who buy as often as they do.
  Buyers without a repeat purchase have no repeat spend to fit; their prior keeps the lowest group's shapes
  ``p`` and ``q`` but is centred on their own group's mean first purchase, and their own first purchase counts as
  one observation, both scaled by the lowest group's ratio of mean repeat to mean first-purchase spend (first
  purchases may differ systematically from repeat ones, which is why Gamma-Gamma leaves them out).
* :func:`value_holdout_check`: per calibration repeat-count group (0, 1-2, 3-5, 6-10, 11+), the predicted spend
  per purchase against the mean spend per purchase actually observed in the holdout window, for buyers who
  bought in it; both models side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .bgnbd import GammaGamma, _check_summary

__all__ = [
    "INDEPENDENCE_THRESHOLD",
    "REPEAT_GROUPS",
    "repeat_group",
    "ValueFrequencyCheck",
    "value_frequency_correlation",
    "FrequencyGammaGamma",
    "value_holdout_check",
]

#: |correlation| of frequency and mean repeat spend above which Gamma-Gamma's independence assumption fails.
INDEPENDENCE_THRESHOLD = 0.1

#: Calibration repeat-count groups: (label, lowest, highest repeats).
REPEAT_GROUPS = (("0", 0, 0), ("1-2", 1, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11+", 11, math.inf))


def repeat_group(frequency) -> pd.Series:
    """The :data:`REPEAT_GROUPS` label of each repeat count."""
    f = pd.Series(frequency, dtype="float64")
    out = pd.Series(pd.NA, index=f.index, dtype="object")
    for label, lo, hi in REPEAT_GROUPS:
        out[(f >= lo) & (f <= hi)] = label
    return out


@dataclass(frozen=True)
class ValueFrequencyCheck:
    """Correlation of purchase frequency and mean repeat spend among repeat buyers."""

    n: int
    pearson: float
    spearman: float
    threshold: float = INDEPENDENCE_THRESHOLD

    @property
    def dependent(self) -> bool:
        """Whether the independence assumption fails: |Pearson r| above the threshold (Spearman is reported, not
        used: it is biased upward under independence when spend is skewed)."""
        return bool(abs(self.pearson) > self.threshold)


def value_frequency_correlation(
    summary: pd.DataFrame, *, threshold: float = INDEPENDENCE_THRESHOLD
) -> ValueFrequencyCheck:
    """Pearson and Spearman correlation of ``frequency`` and ``monetary_value`` among repeat buyers (the users
    Gamma-Gamma is fitted on: ``frequency > 0`` and ``monetary_value > 0``)."""
    _check_summary(summary, ["frequency", "monetary_value"], "value_frequency_correlation")
    s = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    x, m = s["frequency"].to_numpy("float64"), s["monetary_value"].to_numpy("float64")
    if len(s) < 3 or np.ptp(x) == 0 or np.ptp(m) == 0:
        return ValueFrequencyCheck(len(s), math.nan, math.nan, threshold)
    return ValueFrequencyCheck(
        len(s), float(stats.pearsonr(x, m).statistic), float(stats.spearmanr(x, m).statistic), threshold
    )


class FrequencyGammaGamma:
    """Gamma-Gamma fitted within each repeat-count group, so that spend per purchase may depend on frequency.

    Parameters
    ----------
    min_users
        Fewest repeat buyers a group needs for its own fit; smaller groups are merged with their smaller
        neighbour until every group has enough (one group left is the pooled Gamma-Gamma).
    penalizer
        Passed to each :class:`~shoplab.membership.GammaGamma`.

    Attributes
    ----------
    models_ : dict
        Label of each fitted group (e.g. ``"1-2"``, ``"6-11+"`` after a merge) to its fitted ``GammaGamma``.
    groups_ : dict
        Each repeat-count label of :data:`REPEAT_GROUPS` (except ``"0"``) to the fitted group that values it.
    first_ratio_ : float
        Mean repeat spend / mean first-purchase spend in the lowest fitted group: scales the first purchase of
        buyers without repeats.
    zero_mean_ : float
        Prior mean spend of buyers without repeats: their mean first purchase times ``first_ratio_``.
    """

    def __init__(self, min_users: int = 100, penalizer: float = 0.0):
        self.min_users = min_users
        self.penalizer = penalizer

    def fit(self, summary: pd.DataFrame) -> FrequencyGammaGamma:
        """Fit on a summary with ``frequency``, ``monetary_value`` and ``first_value``; returns self."""
        _check_summary(summary, ["frequency", "monetary_value", "first_value"], "FrequencyGammaGamma.fit")
        s = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        if len(s) < 3:
            raise ValueError(
                "FrequencyGammaGamma.fit needs at least 3 users with repeat purchases of positive value"
            )
        g = repeat_group(s["frequency"])
        # fitted groups: runs of adjacent repeat-count groups, merged until each has min_users repeat buyers
        runs = [[label] for label, _, _ in REPEAT_GROUPS[1:]]
        size = lambda run: int(g.isin(run).sum())  # noqa: E731
        while len(runs) > 1 and min(size(r) for r in runs) < self.min_users:
            i = min(range(len(runs)), key=lambda k: size(runs[k]))
            if i == 0:
                j = 1
            elif i == len(runs) - 1:
                j = i - 1
            else:
                j = i - 1 if size(runs[i - 1]) <= size(runs[i + 1]) else i + 1
            lo, hi = sorted((i, j))
            runs[lo : hi + 1] = [runs[lo] + runs[hi]]
        self.models_, self.groups_, self.n_ = {}, {}, {}
        bounds = {label: (lo, hi) for label, lo, hi in REPEAT_GROUPS}
        for run in runs:
            lo, hi = bounds[run[0]][0], bounds[run[-1]][1]
            name = run[0] if len(run) == 1 else f"{lo}+" if hi == math.inf else f"{lo}-{hi}"
            self.models_[name] = GammaGamma(self.penalizer).fit(s[g.isin(run)])
            self.n_[name] = size(run)
            self.groups_.update(dict.fromkeys(run, name))
        low = s[g.isin(runs[0])]
        first = low["first_value"].astype("float64")
        self.first_ratio_ = float(low["monetary_value"].mean() / first.mean()) if first.mean() > 0 else 1.0
        self.lowest_ = next(iter(self.models_))
        # buyers without repeats: the prior is centred on their own first purchases (scaled to repeat spend)
        f0 = summary.loc[summary["frequency"] == 0, "first_value"].astype("float64")
        f0 = f0[f0 > 0]
        lp = self.models_[self.lowest_].params_
        self.zero_mean_ = (
            float(f0.mean() * self.first_ratio_) if len(f0) else lp["p"] * lp["v"] / (lp["q"] - 1)
        )
        self.n_zero_ = len(f0)
        return self

    def params(self) -> pd.DataFrame:
        """One row per fitted group: repeat buyers, ``p``, ``q``, ``v`` and the prior mean spend ``p v / (q - 1)``."""
        if not hasattr(self, "models_"):
            raise RuntimeError("FrequencyGammaGamma is not fitted yet: call fit(summary) first")
        rows = []
        for name, m in self.models_.items():
            p, q, v = m.params_["p"], m.params_["q"], m.params_["v"]
            rows.append(
                {
                    "group": name,
                    "repeat_buyers": self.n_[name],
                    "p": p,
                    "q": q,
                    "v": v,
                    "prior_mean": p * v / (q - 1) if q > 1 else math.nan,
                }
            )
        return pd.DataFrame(rows)

    def predict(self, summary: pd.DataFrame) -> pd.Series:
        """Expected spend per purchase of each user of ``summary`` (``frequency``, ``monetary_value``,
        ``first_value``)."""
        if not hasattr(self, "models_"):
            raise RuntimeError("FrequencyGammaGamma is not fitted yet: call fit(summary) first")
        _check_summary(summary, ["frequency", "monetary_value", "first_value"], "FrequencyGammaGamma.predict")
        x = summary["frequency"].to_numpy("float64")
        m = summary["monetary_value"].to_numpy("float64")
        g = repeat_group(summary["frequency"]).to_numpy()
        out = np.full(len(summary), np.nan)
        for label, name in self.groups_.items():
            sel = g == label
            out[sel] = self.models_[name].conditional_expected_average_value(x[sel], m[sel])
        # no repeats: the lowest group's shapes p and q, the prior re-centred on the mean first purchase of buyers
        # without repeats, and the buyer's own first purchase as one observation (all scaled to repeat spend)
        zero = x == 0
        first = np.nan_to_num(summary["first_value"].to_numpy("float64")[zero]) * self.first_ratio_
        lp = self.models_[self.lowest_].params_
        p, q = lp["p"], lp["q"]
        pv = self.zero_mean_ * (q - 1)  # p * v of the re-centred prior: its mean p v / (q - 1) is zero_mean_
        out[zero] = np.where(first > 0, (pv + p * first) / (p + q - 1), self.zero_mean_)
        return pd.Series(out, index=summary.index, name="expected_average_value")


def value_holdout_check(
    summary: pd.DataFrame, pooled: GammaGamma, by_frequency: FrequencyGammaGamma | None = None
) -> pd.DataFrame:
    """Predicted vs actual spend per purchase in the holdout, by calibration repeat-count group.

    ``summary`` comes from :func:`~shoplab.membership.clv_summary` with ``observation_end``; the models are fitted
    on it (calibration data only). Among users with a holdout purchase (``users``): ``actual_value`` is the mean
    of their holdout spend per purchase, ``predicted_value`` the mean of the pooled Gamma-Gamma prediction and
    ``bias`` = predicted / actual - 1; ``predicted_value_by_frequency`` and ``bias_by_frequency`` the same for
    ``by_frequency``. A last row ``all`` covers every group.
    """
    _check_summary(
        summary,
        ["frequency", "monetary_value", "frequency_holdout", "monetary_value_holdout"],
        "value_holdout_check",
    )
    h = summary[summary["frequency_holdout"] > 0]
    df = pd.DataFrame(
        {
            "group": repeat_group(h["frequency"]),
            "actual_value": h["monetary_value_holdout"].astype("float64"),
            "predicted_value": pooled.predict(h).to_numpy(),
        },
        index=h.index,
    )
    if by_frequency is not None:
        df["predicted_value_by_frequency"] = by_frequency.predict(h).to_numpy()
    values = [c for c in df.columns if c != "group"]
    order = [label for label, _, _ in REPEAT_GROUPS]
    out = df.groupby("group")[values].mean().reindex(order)
    out.insert(0, "users", df.groupby("group").size().reindex(order))
    out = out.dropna(subset=["users"])
    out.loc["all"] = [len(df), *df[values].mean()]
    out["users"] = out["users"].astype("int64")
    out["bias"] = out["predicted_value"] / out["actual_value"] - 1
    if by_frequency is not None:
        out["bias_by_frequency"] = out["predicted_value_by_frequency"] / out["actual_value"] - 1
    out.index.name = "repeat_purchases_in_calibration"
    return out.reset_index()
