"""Charts for the membership report. Each takes a result table and returns the matplotlib Axes.

Every function takes ``lang`` (default: the report language set by :func:`shoplab.set_lang`): axis labels,
legends and the codes the package writes (lifecycle stages, groups, movements) follow it. Without ``title`` the
chart gets the title that states its finding (:func:`shoplab.membership.text.titles`); ``title=""`` draws none.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..currency import money_symbol
from ..i18n import tr
from ..plots import PALETTE, axes, count_formatter, use_style, yuan_formatter
from .churn import feature_label
from .tables import display_name
from .text import titles

__all__ = [
    "plot_heatmap",
    "plot_tier_counts",
    "plot_member_comparison",
    "plot_points",
    "plot_retention_curves",
    "plot_lifecycle",
    "plot_holdout",
    "plot_value_holdout",
    "plot_calibration",
    "plot_importance",
    "plot_clv_by_group",
    "plot_satisfaction",
]

_STAGE_COLORS = {
    "new": PALETTE[4],
    "active": PALETTE[2],
    "reactivated": PALETTE[0],
    "at_risk": PALETTE[1],
    "dormant": PALETTE[5],
    "churned": PALETTE[7],
}


_ax = axes  # the house-style Axes (shoplab.plots.axes)


def _title(ax, title: str | None, key: str, lang: str | None, **data) -> None:
    if title is None:
        title = titles(lang=lang, **data).get(key, "")
    if title:
        ax.set_title(title)


def _month_axis(ax, labels, lang, rotate: bool = True) -> None:
    x = np.arange(len(labels))
    ax.set_xticks(
        x, [str(v) for v in labels], rotation=45 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_xlabel(tr("month", "月份", lang))


def plot_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str = "",
    fmt: str = "{:,.0f}",
    percent: bool = False,
    cmap: str = "Blues",
    xlabel: str | None = None,
    ylabel: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """A labelled heatmap of a small matrix (migration, flows, retention).

    Row and column labels that are package codes (stages, "not a member", "left") and the axis names are shown
    in ``lang``; ``xlabel``/``ylabel`` override the axis names.
    """
    ax = _ax(ax, (9, max(3, 0.45 * len(matrix) + 1.5)))
    v = matrix.to_numpy(dtype="float64")
    hi = np.nanmax(v) if np.isfinite(v).any() else 1
    im = ax.imshow(v, cmap=cmap, aspect="auto", vmin=0, vmax=hi)
    ax.set_xticks(range(matrix.shape[1]), [display_name(c, lang) for c in matrix.columns], rotation=0)
    ax.set_yticks(range(matrix.shape[0]), [display_name(i, lang) for i in matrix.index])
    ax.grid(False)
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            if np.isfinite(v[i, j]):
                txt = f"{v[i, j]:.0%}" if percent else fmt.format(v[i, j])
                ax.text(
                    j,
                    i,
                    txt,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v[i, j] > 0.6 * hi else "black",
                )
    xname = matrix.columns.name or ""
    yname = matrix.index.name or ""
    ax.set_xlabel(xlabel if xlabel is not None else (display_name(xname, lang) if xname else ""))
    ax.set_ylabel(ylabel if ylabel is not None else (display_name(yname, lang) if yname else ""))
    ax.figure.colorbar(
        im,
        ax=ax,
        fraction=0.03,
        format=PercentFormatter(1.0) if percent else count_formatter(),
    )
    if title:
        ax.set_title(title)
    return ax


def plot_tier_counts(counts: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Stacked area of members by tier per month (``tier_counts``)."""
    ax = _ax(ax)
    if counts.empty or not len(counts.columns):  # e.g. an empty tier_history: no member holds a tier
        ax.text(0.5, 0.5, tr("No member holds a tier in these months", "这些月份没有会员持有等级", lang),
                ha="center", va="center", transform=ax.transAxes, color="#57606a")  # fmt: skip
        ax.set_axis_off()
        if title:
            ax.set_title(title)
        return ax
    x = np.arange(len(counts))
    ax.stackplot(
        x,
        *[counts[c].to_numpy() for c in counts.columns],
        labels=[display_name(c, lang) for c in counts.columns],
        colors=PALETTE[: len(counts.columns)],
        alpha=0.85,
    )
    _month_axis(ax, counts.index, lang)
    ax.set_xlabel(tr("month end", "月末", lang))
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel(tr("members at month end", "月末会员数", lang))
    ax.set_ylim(0, float(counts.sum(axis=1).max()) * 1.18 or 1)
    ax.legend(loc="upper left", ncols=len(counts.columns))
    _title(ax, title, "tiers", lang, tier_counts=counts)
    return ax


def plot_member_comparison(
    comparison: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None
):
    """Repurchase rate and AOV of members, recent joiners and non-members (``member_comparison``).

    Returns the two Axes; the finding is the figure's title (``fig.get_suptitle()``)."""
    use_style()
    if ax is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    else:
        axes = ax
    c = comparison.set_index("group")
    names = [display_name(g, lang) for g in c.index]
    colors = [PALETTE[0], PALETTE[2], PALETTE[7]][: len(c)]
    axes[0].bar(names, c.repurchase_rate, color=colors)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].set_ylabel(tr("repurchase rate (2+ orders)", "复购率（下单 2 次及以上）", lang))
    axes[1].bar(names, c.aov, color=colors)
    axes[1].yaxis.set_major_formatter(yuan_formatter())
    cur = money_symbol().strip()
    axes[1].set_ylabel(tr(f"AOV ({cur} per order)", f"客单价（{cur}/单）", lang))
    for a, col, f in ((axes[0], "repurchase_rate", "{:.0%}"), (axes[1], "aov", money_symbol() + "{:,.0f}")):
        vals = c[col]
        a.set_ylim(0, float(vals.max()) * 1.18 if vals.notna().any() and vals.max() > 0 else 1)
        a.set_xlabel(tr("buyers in the comparison window", "比较窗口内的买家", lang))
        for i, v in enumerate(vals):
            if pd.notna(v):
                a.annotate(
                    f.format(v), (i, v), ha="center", xytext=(0, 3), textcoords="offset points", fontsize=9
                )
    if title is None:
        title = titles(lang=lang, comparison=comparison)["comparison"]
    if title:
        axes[0].figure.suptitle(title, x=0.01, ha="left", fontsize=13)
    axes[0].figure.tight_layout()
    return axes


def plot_points(
    monthly: pd.DataFrame,
    *,
    title: str | None = None,
    summary: dict | None = None,
    ax=None,
    lang: str | None = None,
):
    """Points issued, redeemed and expired per month (bars) and the outstanding balance (line).

    The default title needs ``summary`` (``points_summary``); without it the chart states the latest balance.
    """
    ax = _ax(ax)
    x = np.arange(len(monthly))
    w = 0.27
    for k, (col, color, zh) in enumerate(
        (("issued", PALETTE[0], "发放"), ("redeemed", PALETTE[2], "核销"), ("expired", PALETTE[3], "过期"))
    ):
        ax.bar(x + (k - 1) * w, monthly[col], w, label=tr(col, zh, lang), color=color)
    _month_axis(ax, monthly["period"], lang)
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel(tr("points per month", "每月积分", lang))
    ax2 = ax.twinx()
    ax2.plot(
        x,
        monthly["outstanding"],
        color="black",
        marker="o",
        ms=3,
        label=tr("outstanding balance", "积分余额", lang),
    )
    ax2.yaxis.set_major_formatter(count_formatter())
    ax2.set_ylabel(tr("outstanding points (month end)", "月末积分余额", lang))
    ax2.grid(False)
    ax2.set_ylim(0, float(monthly["outstanding"].max()) * 1.3 or 1)
    ax.set_ylim(0, float(monthly[["issued", "redeemed", "expired"]].to_numpy().max()) * 1.3 or 1)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", ncols=4)
    if title is None:
        if summary is not None:
            title = titles(lang=lang, points=summary)["points"]
        else:
            o = f"{int(monthly['outstanding'].iloc[-1]):,}"
            title = tr(f"{o} points outstanding", f"未使用积分余额 {o}", lang)
    if title:
        ax.set_title(title)
    return ax


def plot_retention_curves(
    retention: pd.DataFrame,
    *,
    value: str = "retention",
    title: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """One line per cohort: ``value`` by months since (``cohort_retention``); the mean curve bold."""
    ax = _ax(ax)
    m = retention.pivot(index="months_since", columns="cohort", values=value)
    for k, c in enumerate(m.columns):
        ax.plot(
            m.index,
            m[c],
            color=PALETTE[7],
            lw=0.8,
            alpha=0.6,
            label=tr("one cohort", "单个同期群", lang) if k == 0 else None,
        )
    ax.plot(
        m.index,
        m.mean(axis=1),
        color=PALETTE[0],
        lw=2.5,
        marker="o",
        ms=4,
        label=tr("mean over cohorts", "各同期群均值", lang),
    )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(list(m.index))
    ax.set_xlabel(tr("months since cohort month", "距同期群首月的月数", lang))
    ax.set_ylabel(
        tr("users retained", "留存用户占比", lang)
        if value == "retention"
        else tr("GMV vs the cohort's first month", "成交额 / 首月成交额", lang)
    )
    ax.legend(loc="upper right")
    key = "retention" if value == "retention" else "revenue_retention"
    _title(ax, title, key, lang, **{key: retention})
    return ax


def plot_lifecycle(counts: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Stacked bars of users per lifecycle stage per month (``lifecycle_counts``)."""
    ax = _ax(ax)
    bottom = np.zeros(len(counts))
    x = np.arange(len(counts))
    for s in counts.columns:
        ax.bar(x, counts[s], bottom=bottom, label=display_name(s, lang), color=_STAGE_COLORS.get(s))
        bottom += counts[s].to_numpy()
    _month_axis(ax, counts.index, lang)
    ax.set_xlabel(tr("month end", "月末", lang))
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel(tr("members who have bought", "已购会员数", lang))
    ax.set_ylim(0, float(bottom.max()) * 1.2 or 1)
    ax.legend(loc="upper left", ncols=6)
    _title(ax, title, "lifecycle", lang, lifecycle=counts)
    return ax


def plot_holdout(check: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Predicted vs actual holdout purchases per calibration-frequency group (``holdout_check``)."""
    ax = _ax(ax)
    c = check[check.iloc[:, 0] != "all"]
    x = np.arange(len(c))
    ax.bar(x - 0.2, c.actual, 0.4, label=tr("actual", "实际", lang), color=PALETTE[0])
    ax.bar(
        x + 0.2, c.predicted, 0.4, label=tr("predicted (BG/NBD)", "预测（BG/NBD）", lang), color=PALETTE[1]
    )
    ax.set_xticks(x, c.iloc[:, 0])
    ax.set_xlabel(tr("repeat purchases in the calibration window", "校准期内的重复购买次数", lang))
    ax.set_ylabel(tr("mean purchases per buyer in the holdout", "留出期人均购买次数", lang))
    ax.legend(loc="upper left")
    _title(ax, title, "holdout", lang, holdout=check)
    return ax


def plot_value_holdout(
    value_holdout: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None
):
    """Actual vs predicted spend per purchase in the holdout per calibration repeat-count group, for the pooled and
    the frequency-group Gamma-Gamma (``value_holdout_check``)."""
    ax = _ax(ax)
    c = value_holdout[value_holdout.iloc[:, 0] != "all"]
    x = np.arange(len(c))
    bars = [
        ("actual_value", tr("actual", "实际", lang)),
        ("predicted_value", tr("predicted (pooled Gamma-Gamma)", "预测（统一 Gamma-Gamma）", lang)),
        (
            "predicted_value_by_frequency",
            tr("predicted (by repeat-count group)", "预测（按重复购买次数分组）", lang),
        ),
    ]
    bars = [(col, label) for col, label in bars if col in c.columns]
    w = 0.8 / len(bars)
    for i, (col, label) in enumerate(bars):
        ax.bar(x + (i - (len(bars) - 1) / 2) * w, c[col], w, label=label, color=PALETTE[i])
    ax.set_xticks(x, c.iloc[:, 0])
    ax.set_xlabel(tr("repeat purchases in the calibration window", "校准期内的重复购买次数", lang))
    cur = money_symbol().strip()
    ax.set_ylabel(
        tr(f"mean spend per purchase in the holdout ({cur})", f"留出期平均单次消费金额（{cur}）", lang)
    )
    ax.legend(loc="upper left")
    _title(ax, title, "value_holdout", lang, value_holdout=value_holdout)
    return ax


def plot_calibration(
    calibration: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None
):
    """Reliability curve of the churn model: observed vs predicted churn."""
    ax = _ax(ax, (7, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color=PALETTE[7], label=tr("perfect calibration", "完美校准", lang))
    ax.plot(
        calibration.mean_predicted,
        calibration.observed_churn,
        marker="o",
        color=PALETTE[0],
        label=tr("model (test cutoff)", "模型（测试截点）", lang),
    )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(tr("predicted churn probability", "预测流失概率", lang))
    ax.set_ylabel(tr("observed churn rate", "实际流失率", lang))
    ax.legend(loc="upper left")
    _title(ax, title, "calibration", lang, calibration=calibration)
    return ax


def plot_importance(
    importance: pd.DataFrame, *, top: int = 10, title: str | None = None, ax=None, lang: str | None = None
):
    """Permutation importance (AUC drop when a feature is shuffled), largest first."""
    ax = _ax(ax, (9, 4.5))
    d = importance.head(top).iloc[::-1]
    labels = [feature_label(f, lang) for f in d.feature] if "feature" in d else list(d.label)
    ax.barh(labels, d.auc_drop, xerr=d.auc_drop_std, color=PALETTE[0])
    ax.set_xlabel(tr("drop in test AUC when the feature is shuffled", "打乱该特征后测试集 AUC 的下降", lang))
    ax.set_ylabel(tr("feature", "特征", lang))
    _title(ax, title, "importance", lang, importance=importance)
    return ax


def plot_clv_by_group(
    table: pd.DataFrame, *, group: str = "tier", title: str | None = None, ax=None, lang: str | None = None
):
    """Mean 12-month CLV per group (bars), from a table with ``group`` and ``clv_mean``."""
    ax = _ax(ax)
    names = [display_name(g, lang) for g in table[group]]
    ax.bar(names, table["clv_mean"], color=PALETTE[0])
    cur = money_symbol()
    for i, v in enumerate(table["clv_mean"]):
        ax.annotate(
            f"{cur}{v:,.0f}", (i, v), ha="center", xytext=(0, 3), textcoords="offset points", fontsize=9
        )
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.set_ylim(0, float(table["clv_mean"].max()) * 1.15 or 1)
    ax.set_xlabel(display_name(group, lang))
    cur = cur.strip()
    ax.set_ylabel(
        tr(f"mean CLV, next 12 months ({cur}, discounted)", f"未来 12 个月人均 CLV（{cur}，折现）", lang)
    )
    _title(ax, title, "clv", lang, clv_by_tier=table)
    return ax


def plot_satisfaction(monthly: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """NPS (left axis) and CSAT (right axis) per month."""
    ax = _ax(ax)
    x = np.arange(len(monthly))
    ax.plot(x, monthly.nps, marker="o", color=PALETTE[0], label=tr("NPS", "净推荐值 NPS", lang))
    ax.axhline(0, color=PALETTE[7], lw=0.8)
    ax.set_ylabel(tr("NPS (% promoters - % detractors)", "NPS（推荐者% - 贬损者%）", lang))
    _month_axis(ax, monthly["period"], lang)
    ax2 = ax.twinx()
    ax2.plot(
        x,
        monthly.csat,
        marker="s",
        color=PALETTE[1],
        label=tr("CSAT (4-5 of 5)", "满意度 CSAT（4-5 分）", lang),
    )
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel(tr("CSAT (share of answers 4-5)", "CSAT（4-5 分占比）", lang))
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=2)
    _title(ax, title, "satisfaction", lang, satisfaction=monthly)
    return ax
