"""The CLV models, fitted by maximum likelihood on a per-user summary (:func:`~shoplab.membership.clv.clv_summary`):
BG/NBD (purchase counts and P(alive)) and Gamma-Gamma (spend per purchase), following the ``lifetimes`` package.

The likelihoods are evaluated once per distinct ``(frequency, recency, T)`` (or ``(frequency, monetary_value)``)
and weighted by how many users share it, so a fit costs the same on a million buyers as on a few thousand.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an alternative to
the Pareto/NBD model. Marketing Science 24(2), 275-284.
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://www.brucehardie.com/notes/025/
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, special

__all__ = ["BetaGeo", "GammaGamma"]


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
