"""Customer lifetime value: BG/NBD for purchase counts and P(alive), Gamma-Gamma for spend.

Definitions follow the ``lifetimes`` package and the papers it implements:

* Purchases are paid orders not refunded in full, each worth its net money (amount less a partial refund;
  :func:`shoplab.orders.purchases`): a refunded order adds neither to frequency nor to value.
* Purchases are counted per calendar day: several orders on the same day are one transaction whose value is
  their sum (Fader, Hardie & Lee 2005 treat CDNOW this way).
* ``frequency``: number of repeat transactions in the calibration window (transactions after the first).
* ``recency``: time from the first to the last transaction, in ``time_unit``; 0 without repeats.
* ``T``: time from the first transaction to the end of the calibration window, in ``time_unit``.
* ``monetary_value``: mean value of the repeat transactions (0 without repeats); ``first_value``: value of the
  first transaction.
* Gamma-Gamma assumes that spend per transaction does not depend on how often a customer buys. The report checks
  it (:func:`~shoplab.membership.clv_value.value_frequency_correlation`, a value-by-frequency holdout table)
  and, when it fails, values purchases with a Gamma-Gamma model per repeat-count group
  (:class:`~shoplab.membership.clv_value.FrequencyGammaGamma`).

The per-user summary is computed in the engine; the likelihoods are fitted with numpy/scipy on it.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an alternative to
the Pareto/NBD model. Marketing Science 24(2), 275-284.
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://www.brucehardie.com/notes/025/
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from ..orders import purchases
from ._common import TIER_ORDER, table, tier_order_of, to_ts

__all__ = [
    "TIME_UNIT_DAYS",
    "clv_summary",
    "BetaGeo",
    "GammaGamma",
    "holdout_check",
    "customer_value",
    "ClvResult",
    "VALUE_MODELS",
    "clv_analysis",
    "value_model_errors",
    "clv_by_group",
]

TIME_UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def _unit_days(time_unit: str) -> float:
    try:
        return TIME_UNIT_DAYS[time_unit]
    except KeyError:
        raise ValueError(f"time_unit must be one of {', '.join(TIME_UNIT_DAYS)}, got {time_unit!r}") from None


def clv_summary(
    orders,
    *,
    calibration_end,
    observation_end=None,
    time_unit: str = "W",
    user_col: str = "user_id",
    ts_col: str = "ts",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Per-user recency/frequency/monetary summary for BG/NBD and Gamma-Gamma.

    Parameters
    ----------
    orders
        Ibis table or pandas DataFrame of orders (``user_id``, ``ts``, ``amount``; ``status`` and
        ``refund_amount`` if present): only purchases count (:func:`shoplab.orders.purchases`: paid orders not
        refunded in full, at their amount less any partial refund); cancelled and refunded orders are left out.
    calibration_end
        Last day of the calibration window, inclusive (as ``calibration_period_end`` in ``lifetimes``):
        transactions on days up to and including it are calibration; ``T`` is measured from the first
        transaction day to this day. Users whose first transaction is later are not in the summary.
    observation_end
        Last day (inclusive) of a holdout window that starts the day after ``calibration_end``; adds ``frequency_holdout`` (number
        of transactions in it), ``monetary_value_holdout`` (their mean value) and ``duration_holdout``.
    time_unit
        ``"W"`` (weeks), ``"D"`` (days) or ``"M"`` (average months); transactions are always per day.

    Returns
    -------
    pandas.DataFrame indexed by user id with ``frequency``, ``recency``, ``T``, ``monetary_value``,
    ``first_purchase``, ``first_value`` (and the holdout columns when ``observation_end`` is given).

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"user_id": [1, 1, 1], "ts": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-08"]),
    ...                   "amount": [10.0, 5.0, 7.0]})
    >>> clv_summary(o, calibration_end="2024-01-15").loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist()
    [1.0, 1.0, 2.0, 12.0]
    """
    unit = _unit_days(time_unit)
    o = purchases(table(orders, [user_col, ts_col, amount_col], "clv_summary(orders)"), amount_col=amount_col)
    cal_end = pd.Timestamp(to_ts(calibration_end).date())
    obs_end = pd.Timestamp(to_ts(observation_end).date()) if observation_end is not None else None
    if obs_end is not None and obs_end < cal_end:
        raise ValueError("observation_end must not be before calibration_end")
    last_day = (obs_end if obs_end is not None else cal_end).to_pydatetime()
    o = o.filter(o[ts_col] < last_day + _dt.timedelta(days=1))
    daily = o.group_by(user=o[user_col], d=o[ts_col].date()).aggregate(v=o.net_amount.sum())
    is_cal = daily.d <= cal_end.date()
    per = daily.group_by("user").aggregate(
        first=daily.d.min(where=is_cal),
        last=daily.d.max(where=is_cal),
        n=daily.count(where=is_cal),
        total=daily.v.sum(where=is_cal),
        first_v=daily.v.argmin(daily.d, where=is_cal),
        n_hold=daily.count(where=~is_cal),
        total_hold=daily.v.sum(where=~is_cal),
    )
    per = per.filter(per.n > 0)
    df = per.execute().set_index("user")
    df.index.name = user_col
    first = pd.to_datetime(df["first"])
    last = pd.to_datetime(df["last"])
    out = pd.DataFrame(index=df.index)
    out["frequency"] = (df["n"].astype("int64") - 1).astype("float64")
    out["recency"] = (last - first).dt.days.astype("float64") / unit
    out["T"] = (cal_end - first).dt.days.astype("float64") / unit
    rep = out["frequency"] > 0
    mv = (df["total"].astype("float64") - df["first_v"].astype("float64")) / out["frequency"].where(rep)
    out["monetary_value"] = mv.where(rep, 0.0).astype("float64")
    out["first_purchase"] = first
    out["first_value"] = df["first_v"].astype("float64")
    if obs_end is not None:
        nh = df["n_hold"].fillna(0).astype("float64")
        out["frequency_holdout"] = nh
        out["monetary_value_holdout"] = (df["total_hold"].astype("float64") / nh.where(nh > 0)).fillna(0.0)
        out["duration_holdout"] = (obs_end - cal_end).days / unit
    return out.sort_index()


def _compress(summary: pd.DataFrame, cols: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical rows grouped with a weight: the likelihood is evaluated once per distinct row."""
    g = summary[cols].astype("float64").value_counts(sort=False).reset_index()
    return [g[c].to_numpy() for c in cols], g["count"].to_numpy().astype("float64")


def _distinct(*columns) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of equal-length columns and, per row, the index of its distinct row.

    The model's per-user formulas depend on a few columns only (``frequency``, ``recency``, ``T``) that take far
    fewer distinct values than there are users; evaluating them once per distinct row and gathering the results
    back gives the very same numbers per user, many times faster.
    """
    arrays = [np.asarray(c, dtype="float64") for c in columns]
    key = np.zeros(len(arrays[0]), dtype="int64")
    for a in arrays:
        codes, uniq = pd.factorize(a, use_na_sentinel=False)
        key, _ = pd.factorize(key * len(uniq) + codes)  # re-factorise each step: the key stays below n rows
    first = np.zeros(int(key.max()) + 1 if len(key) else 0, dtype="int64")
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)  # first occurrence of each distinct row
    return [a[first] for a in arrays], key


def _check_summary(summary: pd.DataFrame, cols: list[str], what: str) -> None:
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"{what} expects the pandas DataFrame from clv_summary, got {type(summary).__name__}")
    for c in cols:
        if c not in summary.columns:
            raise ValueError(f"{what} needs a column '{c}'; columns present: {', '.join(summary.columns)}")
    if len(summary) == 0:
        raise ValueError(f"{what} got an empty summary")


class BetaGeo:
    """BG/NBD model (Fader, Hardie & Lee 2005) fitted by maximum likelihood.

    Parameters
    ----------
    penalizer
        L2 penalty on the parameters (0 for the plain maximum-likelihood fit, as in the paper).

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (gamma heterogeneity of the purchase rate) and ``a``, ``b`` (beta heterogeneity of the
        dropout probability).
    log_likelihood_ : float
        Total log-likelihood at the optimum (comparable to the paper's -9582.4 on CDNOW).
    n_ : int
        Number of users fitted.
    """

    def __init__(self, penalizer: float = 0.0):
        self.penalizer = penalizer

    @staticmethod
    def _ll(params, x, tx, T):
        r, alpha, a, b = params
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        a2 = special.betaln(a, b + x) - special.betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        with np.errstate(divide="ignore", invalid="ignore"):
            a4 = np.where(
                x > 0,
                np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx),
                -np.inf,
            )
        return a1 + a2 + np.logaddexp(a3, a4)

    def fit(self, summary: pd.DataFrame) -> BetaGeo:
        """Fit on a summary with ``frequency``, ``recency`` and ``T``; returns self."""
        _check_summary(summary, ["frequency", "recency", "T"], "BetaGeo.fit")
        (x, tx, T), w = _compress(summary, ["frequency", "recency", "T"])
        scale = 10.0 / max(float(np.max(T)), 1e-9)  # rescale time for a well-conditioned optimisation

        # special functions and logs are evaluated once per distinct x, t_x and T, then gathered per row
        ux, ix = np.unique(x, return_inverse=True)
        ut, it = np.unique(tx * scale, return_inverse=True)
        uT, iT = np.unique(T * scale, return_inverse=True)
        rep = x > 0
        wsum = w.sum()

        def nll(logp):
            r, alpha, a, b = np.exp(logp)
            a12 = (
                special.gammaln(r + ux)
                - special.gammaln(r)
                + r * np.log(alpha)
                + special.betaln(a, b + ux)
                - special.betaln(a, b)
            )[ix]
            rx = r + x
            a3 = -rx * np.log(alpha + uT)[iT]
            with np.errstate(divide="ignore", invalid="ignore"):
                c4 = np.where(ux > 0, np.log(a) - np.log(np.maximum(b + ux - 1, 1e-300)), -np.inf)[ix]
            a4 = np.where(rep, c4 - rx * np.log(alpha + ut)[it], -np.inf)
            ll = np.sum(w * (a12 + np.logaddexp(a3, a4)))
            return -(ll - self.penalizer * (r * r + alpha * alpha + a * a + b * b) * wsum) / wsum

        # quasi-Newton from two starts, then a short simplex polish of the better one
        best = None
        for start in ([0.0, 0.0, 0.0, 0.0], [math.log(0.5), 0.0, math.log(0.5), math.log(2.0)]):
            res = optimize.minimize(nll, np.array(start), method="L-BFGS-B")
            if best is None or res.fun < best.fun:
                best = res
        polish = optimize.minimize(
            nll, best.x, method="Nelder-Mead", options={"maxiter": 300, "xatol": 1e-7, "fatol": 1e-11}
        )
        if polish.fun <= best.fun:
            best = polish
        r, alpha, a, b = np.exp(best.x)
        alpha = alpha / scale
        self.params_ = {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}
        self.log_likelihood_ = float(np.sum(w * self._ll([r, alpha, a, b], x, tx, T)))
        self.n_ = int(w.sum())
        self.converged_ = bool(best.success)
        return self

    def _p(self):
        if not hasattr(self, "params_"):
            raise RuntimeError("BetaGeo is not fitted yet: call fit(summary) first")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def expected_purchases_new(self, t) -> np.ndarray:
        """E[X(t)]: expected number of purchases of a new customer in ``t`` time units after the first."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype="float64")
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """P(still alive at T | x, t_x, T)."""
        r, alpha, a, b = self._p()
        x, tx, T = (np.asarray(v, dtype="float64") for v in (frequency, recency, T))
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(
                x > 0,
                np.exp(
                    np.log(a)
                    - np.log(np.maximum(b + x - 1, 1e-300))
                    + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
                ),
                0.0,
            )
        return 1.0 / (1.0 + term)

    def conditional_expected_purchases_alive(self, t, frequency, recency, T) -> np.ndarray:
        """E[Y(t) | alive at T, x, t_x, T]: expected purchases in the next ``t`` time units of a customer who has
        not dropped out (equation 10 of the paper without its P(alive) factor)."""
        r, alpha, a, b = self._p()
        x, T = (np.asarray(v, dtype="float64") for v in (frequency, T))
        t = np.asarray(t, dtype="float64")
        z = t / (alpha + T + t)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        return (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units (equation 10 of the paper)."""
        alive = self.conditional_expected_purchases_alive(t, frequency, recency, T)
        return alive * self.p_alive(frequency, recency, T)

    def predict(self, summary: pd.DataFrame, t: float) -> pd.Series:
        """Expected purchases of each user in the next ``t`` time units."""
        v = self.conditional_expected_purchases(t, summary["frequency"], summary["recency"], summary["T"])
        return pd.Series(v, index=summary.index, name=f"expected_purchases_{t:g}")


class GammaGamma:
    """Gamma-Gamma model of average transaction value (Fader & Hardie 2013), fitted by maximum likelihood.

    Fitted on users with at least one repeat transaction (``frequency > 0``) and their mean repeat value.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``v`` (``v`` is the paper's gamma).
    """

    def __init__(self, penalizer: float = 0.0):
        self.penalizer = penalizer

    @staticmethod
    def _ll(params, x, m):
        p, q, v = params
        return (
            special.gammaln(p * x + q)
            - special.gammaln(p * x)
            - special.gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + v)
        )

    def fit(self, summary: pd.DataFrame) -> GammaGamma:
        """Fit on a summary with ``frequency`` and ``monetary_value``; returns self."""
        _check_summary(summary, ["frequency", "monetary_value"], "GammaGamma.fit")
        s = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        if len(s) < 3:
            raise ValueError("GammaGamma.fit needs at least 3 users with repeat purchases of positive value")
        (x, m), w = _compress(s, ["frequency", "monetary_value"])
        scale = 1.0 / float(np.average(m, weights=w))

        # _ll term by term, with the parts that do not depend on the parameters computed once and the special
        # functions once per distinct frequency: the same numbers, without recomputing them at every step
        ms_ = m * scale
        log_m, log_x = np.log(ms_), np.log(x)
        ux, ix = np.unique(x, return_inverse=True)

        def nll(logp):
            p, q, v = np.exp(logp)
            px = p * x
            ll_rows = (
                special.gammaln(p * ux + q)[ix]
                - special.gammaln(p * ux)[ix]
                - special.gammaln(q)
                + q * np.log(v)
                + (px - 1) * log_m
                + px * log_x
                - (px + q) * np.log(x * ms_ + v)
            )
            ll = np.sum(w * ll_rows)
            return -(ll - self.penalizer * np.sum(np.array([p, q, v]) ** 2) * w.sum()) / w.sum()

        res = optimize.minimize(nll, np.zeros(3), method="L-BFGS-B")
        polish = optimize.minimize(
            nll, res.x, method="Nelder-Mead", options={"maxiter": 600, "xatol": 1e-7, "fatol": 1e-12}
        )
        res = polish if polish.fun <= res.fun else res
        p, q, v = np.exp(res.x)
        v = v / scale
        self.params_ = {"p": float(p), "q": float(q), "v": float(v)}
        self.log_likelihood_ = float(np.sum(w * self._ll([p, q, v], x, m)))
        self.n_ = int(w.sum())
        self.converged_ = bool(res.success)
        return self

    def conditional_expected_average_value(self, frequency, monetary_value) -> np.ndarray:
        """E[M | x, m̄]: expected mean transaction value; the population mean ``p v / (q - 1)`` when x = 0."""
        if not hasattr(self, "params_"):
            raise RuntimeError("GammaGamma is not fitted yet: call fit(summary) first")
        p, q, v = self.params_["p"], self.params_["q"], self.params_["v"]
        x = np.asarray(frequency, dtype="float64")
        m = np.nan_to_num(np.asarray(monetary_value, dtype="float64"))
        return (p * v + p * x * m) / (p * x + q - 1)

    def predict(self, summary: pd.DataFrame) -> pd.Series:
        v = self.conditional_expected_average_value(summary["frequency"], summary["monetary_value"])
        return pd.Series(v, index=summary.index, name="expected_average_value")


def holdout_check(model: BetaGeo, summary: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted vs actual holdout purchases by calibration frequency group (``7+`` groups the rest).

    ``summary`` comes from :func:`clv_summary` with ``observation_end``.
    """
    _check_summary(
        summary, ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"], "holdout_check"
    )
    (t, x, tx, T), inv = _distinct(
        summary["duration_holdout"], summary["frequency"], summary["recency"], summary["T"]
    )
    pred = model.conditional_expected_purchases(t, x, tx, T)[inv]
    f = summary["frequency"].clip(upper=max_frequency).astype(int)
    df = pd.DataFrame({"group": f, "actual": summary["frequency_holdout"], "predicted": pred})
    out = df.groupby("group").agg(
        users=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    out.index = [f"{i}+" if i == max_frequency else str(i) for i in out.index]
    out.index.name = "repeat_purchases_in_calibration"
    out = out.reset_index()
    total = pd.DataFrame(
        {
            "repeat_purchases_in_calibration": ["all"],
            "users": [len(df)],
            "actual": [df.actual.mean()],
            "predicted": [df.predicted.mean()],
        }
    )
    return pd.concat([out, total], ignore_index=True)


def customer_value(
    bg: BetaGeo,
    gg: GammaGamma,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    discount_rate: float = 0.10,
    time_unit: str = "W",
    margin: float = 1.0,
) -> pd.DataFrame:
    """Discounted CLV over the next ``months`` months for each user of ``summary``.

    Expected purchases in each future month (BG/NBD, increments of E[Y(t)]) times the expected transaction value
    (``gg.predict(summary)``: a :class:`GammaGamma` or a
    :class:`~shoplab.membership.clv_value.FrequencyGammaGamma`) times ``margin``, discounted at the monthly rate
    equivalent to the annual ``discount_rate``:
    ``CLV = sum_i margin * value * (E[Y(t_i)] - E[Y(t_{i-1})]) / (1 + d_month)^i``.

    Returns columns ``p_alive``, ``expected_purchases`` (over the horizon), ``expected_value``
    (mean transaction value), ``clv`` and ``value_if_retained``: the same CLV for a customer who is still alive
    (BG/NBD's E[Y(t) | alive]), so that ``clv = p_alive * value_if_retained``. CLV already carries the chance
    that the customer has left; value at risk multiplies a churn probability by ``value_if_retained``, not by
    ``clv``, or it would count churn twice.
    """
    unit = _unit_days(time_unit)
    month_units = 365.25 / 12 / unit
    d_month = (1 + discount_rate) ** (1 / 12) - 1
    value = np.asarray(gg.predict(summary), dtype="float64")
    (x, tx, T), inv = _distinct(summary["frequency"], summary["recency"], summary["T"])
    p_alive = bg.p_alive(x, tx, T)
    alive = np.zeros(len(summary))
    prev = np.zeros(len(summary))
    for i in range(1, months + 1):
        cur = bg.conditional_expected_purchases_alive(i * month_units, x, tx, T)[inv]
        alive += margin * value * (cur - prev) / (1 + d_month) ** i
        prev = cur
    return pd.DataFrame(
        {
            "p_alive": p_alive[inv],
            "expected_purchases": prev * p_alive[inv],
            "expected_value": value,
            "clv": alive * p_alive[inv],
            "value_if_retained": alive,
        },
        index=summary.index,
    )


@dataclass
class ClvResult:
    """What :func:`clv_analysis` fitted and checked.

    ``gg`` is the pooled Gamma-Gamma fit; ``value_model`` says which spend model ``values`` use (``"pooled"`` or
    ``"by_frequency"``, the :class:`~shoplab.membership.clv_value.FrequencyGammaGamma` in ``gg_by_frequency``),
    ``independence`` is the Gamma-Gamma independence check on the final summary and ``value_holdout`` the
    value-by-frequency holdout table that chose the model.
    """

    holdout: pd.DataFrame
    holdout_params: dict
    calibration_end: pd.Timestamp
    bg: BetaGeo
    gg: GammaGamma
    summary: pd.DataFrame
    values: pd.DataFrame
    value_model: str = "pooled"
    gg_by_frequency: object | None = None
    independence: object | None = None
    value_holdout: pd.DataFrame | None = None

    def params(self) -> pd.DataFrame:
        rows = [("BG/NBD", k, v) for k, v in self.bg.params_.items()]
        rows += [("Gamma-Gamma", k, v) for k, v in self.gg.params_.items()]
        if self.gg_by_frequency is not None:
            for name, m in self.gg_by_frequency.models_.items():
                rows += [(f"Gamma-Gamma ({name} repeats)", k, v) for k, v in m.params_.items()]
        rows += [("BG/NBD (holdout fit)", k, v) for k, v in self.holdout_params.items()]
        return pd.DataFrame(rows, columns=["model", "parameter", "value"])


VALUE_MODELS = ("auto", "pooled", "by_frequency")


def clv_analysis(
    orders,
    *,
    end,
    holdout_months: int = 6,
    months: int = 12,
    discount_rate: float = 0.10,
    time_unit: str = "W",
    margin: float = 1.0,
    value_model: str = "auto",
) -> ClvResult:
    """The report's CLV: holdout checks, then models fitted on all data before ``end`` (exclusive).

    1. Calibrate BG/NBD on transactions up to ``end - holdout_months`` and compare its predictions with the
       purchases actually made in the last ``holdout_months`` (:func:`holdout_check`). Fit the pooled and the
       frequency-group Gamma-Gamma on the same calibration data and compare their spend per purchase with the
       holdout's, by repeat-count group (:func:`~shoplab.membership.clv_value.value_holdout_check`).
    2. Refit BG/NBD and the spend model on everything before ``end`` and compute each buyer's discounted CLV over
       the next ``months`` (:func:`customer_value`).

    ``value_model``: ``"pooled"`` (Gamma-Gamma), ``"by_frequency"``
    (:class:`~shoplab.membership.clv_value.FrequencyGammaGamma`) or ``"auto"``: the frequency-group model when
    Gamma-Gamma's independence assumption fails (|Pearson r| of frequency and mean repeat spend above 0.1,
    :func:`~shoplab.membership.clv_value.value_frequency_correlation`) and the group model's holdout spend per
    purchase is closer by repeat-count group (users-weighted mean absolute bias, :func:`value_model_errors`);
    otherwise the textbook pooled model.
    """
    from .clv_value import FrequencyGammaGamma, value_frequency_correlation, value_holdout_check

    if value_model not in VALUE_MODELS:
        raise ValueError(f"value_model must be one of {', '.join(VALUE_MODELS)}, got {value_model!r}")
    last_day = (pd.Timestamp(to_ts(end)) - pd.Timedelta(days=1)).normalize()
    cal_day = (
        pd.Timestamp(to_ts(end)) - pd.DateOffset(months=holdout_months) - pd.Timedelta(days=1)
    ).normalize()
    hs = clv_summary(orders, calibration_end=cal_day, observation_end=last_day, time_unit=time_unit)
    bg_h = BetaGeo().fit(hs)
    check = holdout_check(bg_h, hs)
    try:
        value_check = value_holdout_check(hs, GammaGamma().fit(hs), FrequencyGammaGamma().fit(hs))
    except ValueError:  # too few repeat buyers in the calibration window
        value_check = None
    s = clv_summary(orders, calibration_end=last_day, time_unit=time_unit)
    bg = BetaGeo().fit(s)
    gg = GammaGamma().fit(s)
    fg = FrequencyGammaGamma().fit(s)
    independence = value_frequency_correlation(s)
    if value_model == "auto":
        err = value_model_errors(value_check) if value_check is not None else None
        better = err is not None and err["by_frequency"] < err["pooled"]
        value_model = "by_frequency" if independence.dependent and better else "pooled"
    values = customer_value(
        bg,
        fg if value_model == "by_frequency" else gg,
        s,
        months=months,
        discount_rate=discount_rate,
        time_unit=time_unit,
        margin=margin,
    )
    return ClvResult(
        check,
        bg_h.params_,
        cal_day,
        bg,
        gg,
        s,
        values,
        value_model,
        fg,
        independence,
        value_check,
    )


def value_model_errors(value_holdout: pd.DataFrame) -> dict[str, float]:
    """Users-weighted mean absolute bias over the repeat-count groups of a value holdout table, per model."""
    g = value_holdout[value_holdout.iloc[:, 0] != "all"]
    w = g["users"] / g["users"].sum()
    return {
        "pooled": float((w * g["bias"].abs()).sum()),
        "by_frequency": float((w * g["bias_by_frequency"].abs()).sum()),
    }


def clv_by_group(values: pd.DataFrame, groups: pd.Series, *, name: str = "group") -> pd.DataFrame:
    """Buyers, mean and total CLV and mean P(alive) per group (``groups`` indexed by user id)."""
    g = groups.reindex(values.index).fillna("non-member").rename(name)
    out = values.groupby(g).agg(
        buyers=("clv", "size"),
        clv_mean=("clv", "mean"),
        clv_total=("clv", "sum"),
        p_alive_mean=("p_alive", "mean"),
    )
    out["clv_share"] = out.clv_total / out.clv_total.sum()
    known = (*TIER_ORDER, "new", "active", "reactivated", "at_risk", "dormant", "churned")
    order = [t for t in tier_order_of(out.index, known) if t != "non-member"]
    order += ["non-member"] if "non-member" in out.index else []
    return out.reindex(order).reset_index()
