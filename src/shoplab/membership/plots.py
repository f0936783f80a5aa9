"""Charts for the membership report. Each takes a result table and returns the matplotlib Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..plots import PALETTE, count_formatter, use_style, yuan_formatter

__all__ = [
    "plot_heatmap",
    "plot_tier_counts",
    "plot_member_comparison",
    "plot_points",
    "plot_retention_curves",
    "plot_lifecycle",
    "plot_holdout",
    "plot_calibration",
    "plot_importance",
    "plot_clv_by_group",
    "plot_satisfaction",
]


def _ax(ax, size=(9, 4)):
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


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
):
    """A labelled heatmap of a small matrix (migration, flows, retention)."""
    ax = _ax(ax, (9, max(3, 0.45 * len(matrix) + 1.5)))
    v = matrix.to_numpy(dtype="float64")
    im = ax.imshow(v, cmap=cmap, aspect="auto", vmin=0, vmax=np.nanmax(v) if np.isfinite(v).any() else 1)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=0)
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    ax.grid(False)
    hi = np.nanmax(v) if np.isfinite(v).any() else 1
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
    ax.set_xlabel(xlabel if xlabel is not None else (matrix.columns.name or ""))
    ax.set_ylabel(ylabel if ylabel is not None else (matrix.index.name or ""))
    ax.figure.colorbar(im, ax=ax, fraction=0.03, format=PercentFormatter(1.0) if percent else None)
    if title:
        ax.set_title(title)
    return ax


def plot_tier_counts(counts: pd.DataFrame, *, title: str = "", ax=None):
    """Stacked area of members by tier per month (``tier_counts``)."""
    ax = _ax(ax)
    x = range(len(counts))
    ax.stackplot(
        x,
        *[counts[c].to_numpy() for c in counts.columns],
        labels=list(counts.columns),
        colors=PALETTE[: len(counts.columns)],
        alpha=0.85,
    )
    ax.set_xticks(list(x), list(counts.index), rotation=45, ha="right")
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel("members at month end")
    ax.legend(loc="upper left", ncols=len(counts.columns))
    if title:
        ax.set_title(title)
    return ax


def plot_member_comparison(comparison: pd.DataFrame, *, title: str = "", ax=None):
    """Repurchase rate and AOV of members, recent joiners and non-members (``member_comparison``)."""
    use_style()
    if ax is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    else:
        axes = ax
    c = comparison.set_index("group")
    colors = [PALETTE[0], PALETTE[2], PALETTE[7]][: len(c)]
    axes[0].bar(c.index, c.repurchase_rate, color=colors)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].set_ylabel("repurchase rate (2+ orders)")
    axes[1].bar(c.index, c.aov, color=colors)
    axes[1].yaxis.set_major_formatter(yuan_formatter())
    axes[1].set_ylabel("AOV (¥ per order)")
    for a, col, f in ((axes[0], "repurchase_rate", "{:.0%}"), (axes[1], "aov", "¥{:,.0f}")):
        for i, v in enumerate(c[col]):
            if pd.notna(v):
                a.annotate(
                    f.format(v), (i, v), ha="center", xytext=(0, 3), textcoords="offset points", fontsize=9
                )
    if title:
        axes[0].figure.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    return axes


def plot_points(monthly: pd.DataFrame, *, title: str = "", ax=None):
    """Points issued, redeemed and expired per month (bars) and the outstanding balance (line)."""
    ax = _ax(ax)
    x = np.arange(len(monthly))
    w = 0.27
    for k, (col, color) in enumerate(
        (("issued", PALETTE[0]), ("redeemed", PALETTE[2]), ("expired", PALETTE[3]))
    ):
        ax.bar(x + (k - 1) * w, monthly[col], w, label=col, color=color)
    ax.set_xticks(x, monthly["period"], rotation=45, ha="right")
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel("points per month")
    ax2 = ax.twinx()
    ax2.plot(x, monthly["outstanding"], color="black", marker="o", ms=3, label="outstanding balance")
    ax2.yaxis.set_major_formatter(count_formatter())
    ax2.set_ylabel("outstanding points (month end)")
    ax2.grid(False)
    ax2.set_ylim(0, float(monthly["outstanding"].max()) * 1.3 or 1)
    ax.set_ylim(0, float(monthly[["issued", "redeemed", "expired"]].to_numpy().max()) * 1.3 or 1)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", ncols=4)
    if title:
        ax.set_title(title)
    return ax


def plot_retention_curves(retention: pd.DataFrame, *, value: str = "retention", title: str = "", ax=None):
    """One line per cohort: ``value`` by months since (``cohort_retention``); the mean curve bold."""
    ax = _ax(ax)
    m = retention.pivot(index="months_since", columns="cohort", values=value)
    for c in m.columns:
        ax.plot(m.index, m[c], color=PALETTE[7], lw=0.8, alpha=0.6)
    ax.plot(m.index, m.mean(axis=1), color=PALETTE[0], lw=2.5, marker="o", ms=4, label="mean over cohorts")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("months since cohort month")
    ax.set_ylabel("users retained" if value == "retention" else "revenue vs month 0")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_lifecycle(counts: pd.DataFrame, *, title: str = "", ax=None):
    """Stacked bars of users per lifecycle stage per month (``lifecycle_counts``)."""
    ax = _ax(ax)
    colors = {
        "new": PALETTE[4],
        "active": PALETTE[2],
        "reactivated": PALETTE[0],
        "at_risk": PALETTE[1],
        "dormant": PALETTE[5],
        "churned": PALETTE[7],
    }
    bottom = np.zeros(len(counts))
    x = np.arange(len(counts))
    for s in counts.columns:
        ax.bar(x, counts[s], bottom=bottom, label=s, color=colors.get(s))
        bottom += counts[s].to_numpy()
    ax.set_xticks(x, counts.index, rotation=45, ha="right")
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel("members who have bought")
    ax.set_ylim(0, float(bottom.max()) * 1.2 or 1)
    ax.legend(loc="upper left", ncols=6)
    if title:
        ax.set_title(title)
    return ax


def plot_holdout(check: pd.DataFrame, *, title: str = "", ax=None):
    """Predicted vs actual holdout purchases per calibration-frequency group (``holdout_check``)."""
    ax = _ax(ax)
    c = check[check.iloc[:, 0] != "all"]
    x = np.arange(len(c))
    ax.bar(x - 0.2, c.actual, 0.4, label="actual", color=PALETTE[0])
    ax.bar(x + 0.2, c.predicted, 0.4, label="predicted (BG/NBD)", color=PALETTE[1])
    ax.set_xticks(x, c.iloc[:, 0])
    ax.set_xlabel("repeat purchases in the calibration window")
    ax.set_ylabel("mean purchases in the holdout")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def plot_calibration(calibration: pd.DataFrame, *, title: str = "", ax=None):
    """Reliability curve of the churn model: observed vs predicted churn."""
    ax = _ax(ax, (5, 4))
    ax.plot([0, 1], [0, 1], ls="--", color=PALETTE[7], label="perfect calibration")
    ax.plot(
        calibration.mean_predicted, calibration.observed_churn, marker="o", color=PALETTE[0], label="model"
    )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("predicted churn probability")
    ax.set_ylabel("observed churn")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def plot_importance(importance: pd.DataFrame, *, top: int = 10, title: str = "", ax=None):
    """Permutation importance (AUC drop when a feature is shuffled), largest first."""
    ax = _ax(ax, (8, 4))
    d = importance.head(top).iloc[::-1]
    ax.barh(d.label, d.auc_drop, xerr=d.auc_drop_std, color=PALETTE[0])
    ax.set_xlabel("drop in test AUC when shuffled")
    if title:
        ax.set_title(title)
    return ax


def plot_clv_by_group(table: pd.DataFrame, *, group: str = "tier", title: str = "", ax=None):
    """Mean 12-month CLV per group (bars), from a table with ``group`` and ``clv_mean``."""
    ax = _ax(ax)
    ax.bar(table[group].astype(str), table["clv_mean"], color=PALETTE[0])
    for i, v in enumerate(table["clv_mean"]):
        ax.annotate(f"¥{v:,.0f}", (i, v), ha="center", xytext=(0, 3), textcoords="offset points", fontsize=9)
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.set_ylabel("mean CLV (¥, discounted)")
    if title:
        ax.set_title(title)
    return ax


def plot_satisfaction(monthly: pd.DataFrame, *, title: str = "", ax=None):
    """NPS (left axis) and CSAT (right axis) per month."""
    ax = _ax(ax)
    x = np.arange(len(monthly))
    ax.plot(x, monthly.nps, marker="o", color=PALETTE[0], label="NPS")
    ax.axhline(0, color=PALETTE[7], lw=0.8)
    ax.set_ylabel("NPS (promoters - detractors, points)")
    ax.set_xticks(x, monthly["period"], rotation=45, ha="right")
    ax2 = ax.twinx()
    ax2.plot(x, monthly.csat, marker="s", color=PALETTE[1], label="CSAT (4-5 of 5)")
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel("CSAT")
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=2)
    if title:
        ax.set_title(title)
    return ax
