"""Charts of campaign results: each takes a result table and returns the matplotlib Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..plots import PALETTE, use_style

__all__ = [
    "plot_lifts",
    "lift_title",
    "plot_segment_lifts",
    "segment_title",
    "plot_qini",
    "qini_title",
    "plot_attribution",
    "attribution_title",
]


def _empty(ax, text: str, title: str | None):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def lift_title(summary: pd.DataFrame, metric: str = "conversion") -> str:
    """A title that states the finding: how many campaigns lifted ``metric`` significantly."""
    s = summary[summary.get("has_control", False) == True]  # noqa: E712
    if s.empty:
        return "No campaign in the period has a control group"
    sig = s[f"significant_{metric}"].fillna(False).astype(bool) & (s[f"lift_{metric}"] > 0)
    name = {"conversion": "conversion", "revenue_per_user": "revenue per user"}[metric]
    if len(s) == 1:
        r = s.iloc[0]
        word = "lifted" if sig.iloc[0] else "did not detectably lift"
        return f"{r['name']} {word} {name}"
    return f"{int(sig.sum())} of {len(s)} campaigns lifted {name} beyond chance"


def plot_lifts(summary: pd.DataFrame, *, metric: str = "conversion", title: str | None = None, ax=None):
    """Absolute lift (treatment minus control) of each campaign with its interval; zero marked.

    ``summary`` is :attr:`Evaluation.summary`; ``metric`` is ``conversion`` (in pp) or ``revenue_per_user`` (¥).
    """
    use_style()
    s = summary[summary["has_control"] == True].iloc[::-1]  # noqa: E712
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.0, 0.45 * len(s) + 1)))
    if s.empty:
        return _empty(ax, "No campaign here has a randomised control group: no lift to show", title)
    scale = 100.0 if metric == "conversion" else 1.0
    y = range(len(s))
    mid = s[f"lift_{metric}"] * scale
    lo, hi = s[f"lift_{metric}_ci_low"] * scale, s[f"lift_{metric}_ci_high"] * scale
    sig = s[f"significant_{metric}"].fillna(False).astype(bool)
    colors = [
        PALETTE[2] if g and m > 0 else (PALETTE[3] if g else PALETTE[7])
        for g, m in zip(sig, mid, strict=True)
    ]
    for yi, m, a, b, col in zip(y, mid, lo, hi, colors, strict=True):
        ax.plot([a, b], [yi, yi], color=col, lw=2.2, solid_capstyle="butt")
        ax.plot([a, a], [yi - 0.15, yi + 0.15], color=col, lw=1.5)
        ax.plot([b, b], [yi - 0.15, yi + 0.15], color=col, lw=1.5)
        ax.scatter([m], [yi], color=col, zorder=3, s=36)
    ax.axvline(0, color="#333", lw=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels([f"{n} ({c})" for n, c in zip(s["name"], s["campaign_id"], strict=True)])
    ax.set_xlabel(
        "conversion lift, treatment − control (percentage points)"
        if metric == "conversion"
        else "revenue per assigned user, treatment − control (¥)"
    )
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def plot_segment_lifts(
    seg: pd.DataFrame, *, dimension: str = "rfm_segment", campaign_id: str | None = None, title: str | None = None,
    ax=None,
):  # fmt: skip
    """Conversion lift (pp) with interval for each segment of one dimension (table from ``lift_by_segment`` or
    ``segment_report``; with several campaigns, ``campaign_id`` picks one, default the last)."""
    use_style()
    if "campaign_id" in seg and len(seg):
        seg = seg[seg["campaign_id"] == (campaign_id or seg["campaign_id"].iloc[-1])]
    s = seg[seg["dimension"] == dimension].sort_values("lift_conversion") if len(seg) else seg
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.0, 0.4 * len(s) + 1)))
    if s.empty:
        return _empty(ax, "No segment lift: it needs a randomised control group", title)
    y = list(range(len(s)))
    mid, lo, hi = (
        s[c] * 100 for c in ("lift_conversion", "lift_conversion_ci_low", "lift_conversion_ci_high")
    )
    for yi, m, a, b in zip(y, mid, lo, hi, strict=True):
        col = PALETTE[2] if a > 0 else (PALETTE[3] if b < 0 else PALETTE[7])
        ax.plot([a, b], [yi, yi], color=col, lw=2.2)
        ax.scatter([m], [yi], color=col, zorder=3, s=30)
    ax.axvline(0, color="#333", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{g} (n={a + b:,})" for g, a, b in zip(s["segment"], s["n_treatment"], s["n_control"], strict=True)]
    )
    ax.set_xlabel("conversion lift, treatment − control (percentage points)")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def segment_title(seg: pd.DataFrame, dimension: str = "rfm_segment", campaign_id: str | None = None) -> str:
    """A title stating which segment responded most (same campaign choice as :func:`plot_segment_lifts`)."""
    if "campaign_id" in seg and len(seg):
        seg = seg[seg["campaign_id"] == (campaign_id or seg["campaign_id"].iloc[-1])]
    s = seg[seg["dimension"] == dimension] if len(seg) else seg
    if s.empty:
        return "No segment is large enough to compare"
    top = s.loc[s["lift_conversion"].idxmax()]
    name = f"{top['name']}: " if "name" in top else ""
    sure = "" if top["lift_conversion_ci_low"] > 0 else " (interval includes zero)"
    return f"{name}largest conversion lift in {top['segment']} ({top['lift_conversion'] * 100:+.1f} pp){sure}"


def plot_qini(curve: pd.DataFrame, *, title: str | None = None, ax=None):
    """Qini curve of held-out users against random targeting (table from ``fit_uplift``)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(
        curve["fraction"] * 100, curve["qini"], color=PALETTE[0], lw=2, label="ranked by predicted uplift"
    )
    ax.plot(curve["fraction"] * 100, curve["random"], color=PALETTE[7], ls="--", label="random targeting")
    ax.set_xlabel("share of held-out users targeted (%)")
    ax.set_ylabel("incremental conversions")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def qini_title(qini: float) -> str:
    """A title stating whether ranking by predicted uplift beats random targeting."""
    if qini != qini:
        return "No uplift model: no past campaign with a randomised control group"
    word = "beats" if qini > 0 else "does not beat"
    return f"Ranking users by predicted uplift {word} random targeting (Qini {qini:+.4f} per user)"


def plot_attribution(table: pd.DataFrame, *, title: str | None = None, ax=None):
    """Conversions credited to each channel by each attribution model, grouped bars."""
    use_style()
    models = [c for c in ("first_touch", "last_touch", "linear", "time_decay", "markov") if c in table]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    if table.empty:
        return _empty(ax, "No journeys to attribute", title)
    n = len(models)
    width = 0.8 / max(n, 1)
    x = range(len(table))
    for i, m in enumerate(models):
        ax.bar([xi + (i - (n - 1) / 2) * width for xi in x], table[m], width=width, label=m.replace("_", " "),
               color=PALETTE[i % len(PALETTE)])  # fmt: skip
    ax.set_xticks(list(x))
    ax.set_xticklabels(table["channel"])
    ax.set_ylabel("conversions credited")
    ax.legend(ncol=5, loc="upper right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def attribution_title(table: pd.DataFrame) -> str:
    if table.empty:
        return "No converting journeys in the period"
    models = ["first_touch", "last_touch", "linear", "time_decay", "markov"]
    shares = table[models] / table[models].sum()
    spread = shares.max(axis=1) - shares.min(axis=1)
    wide = table.loc[spread.idxmax(), "channel"]
    tops = {table.loc[table[m].idxmax(), "channel"] for m in models}
    lead = (
        f"{tops.pop()} earns the most credit under every model"
        if len(tops) == 1
        else "The top channel depends on the model"
    )
    return f"{lead}; {wide}'s share moves most between models ({spread.max() * 100:.1f} pp)"
