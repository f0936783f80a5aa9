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

The per-user summary is computed in the engine; the likelihoods (:mod:`~shoplab.membership.bgnbd`, where the
references are) are fitted with numpy/scipy on it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..callshape import period_end
from ..data import require_columns
from ..orders import purchases
from ._common import TIER_ORDER, tier_order_of, to_ts
from .bgnbd import BetaGeo, GammaGamma, _check_summary, _distinct

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


_SUM_DIGITS = 6  # decimals a money sum is rounded to (see clv_summary)


def _unit_days(time_unit: str) -> float:
    try:
        return TIME_UNIT_DAYS[time_unit]
    except KeyError:
        raise ValueError(f"time_unit must be one of {', '.join(TIME_UNIT_DAYS)}, got {time_unit!r}") from None


def clv_summary(
    orders,
    *,
    period=None,
    calibration_end=None,
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
    period
        A :class:`~shoplab.periods.Period` or ``"2026-10"``: the calibration window ends with its last day (the
        same as ``calibration_end`` set to that day).
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
    cut = period_end(period, calibration_end, what="membership.clv_summary", name="calibration_end")
    calibration_end = cut - _dt.timedelta(days=1) if period is not None else cut  # a period: its last day
    unit = _unit_days(time_unit)
    o = purchases(
        require_columns(orders, "orders", [user_col, ts_col, amount_col], what="clv_summary(orders)"),
        amount_col=amount_col,
    )
    cal_end = pd.Timestamp(to_ts(calibration_end).date())
    obs_end = pd.Timestamp(to_ts(observation_end).date()) if observation_end is not None else None
    if obs_end is not None and obs_end < cal_end:
        raise ValueError("observation_end must not be before calibration_end")
    last_day = (obs_end if obs_end is not None else cal_end).to_pydatetime()
    o = o.filter(o[ts_col] < last_day + _dt.timedelta(days=1))
    # The engine adds a group's rows in whatever order its threads meet them, so a sum of amounts may differ in
    # its last bits from run to run; the models' optimisers magnify that into the 8th digit of their parameters.
    # Sums rounded to 1e-6 of the currency unit are the same in every run (amounts in cents are exact there).
    daily = o.group_by(user=o[user_col], d=o[ts_col].date()).aggregate(
        v=o.net_amount.sum().round(_SUM_DIGITS)
    )
    is_cal = daily.d <= cal_end.date()
    per = daily.group_by("user").aggregate(
        first=daily.d.min(where=is_cal),
        last=daily.d.max(where=is_cal),
        n=daily.count(where=is_cal),
        total=daily.v.sum(where=is_cal).round(_SUM_DIGITS),
        first_v=daily.v.argmin(daily.d, where=is_cal),
        n_hold=daily.count(where=~is_cal),
        total_hold=daily.v.sum(where=~is_cal).round(_SUM_DIGITS),
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
    period=None,
    end=None,
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
    end = period_end(period, end, what="membership.clv_analysis", name="end")
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
