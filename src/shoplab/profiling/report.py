"""What the profiling report shows: breakdowns, findings in words, headline numbers and charts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rfm import SEGMENTS, check_columns, top_share

__all__ = [
    "spend_by",
    "category_preference",
    "findings",
    "record_headlines",
    "plot_segments",
    "plot_tiers",
    "plot_pareto",
    "plot_personas",
    "plot_spend_by",
    "plot_category_heatmap",
    "plot_migration",
    "plot_rules",
    "segments_title",
    "pareto_title",
    "migration_summary",
]


def spend_by(features: pd.DataFrame, by_col: str, *, monetary_col: str = "monetary") -> pd.DataFrame:
    """Users, buyers, revenue, revenue per user and revenue share by a column (gender, age_band, city_tier ...).

    Missing values are grouped as ``(unknown)``.
    """
    check_columns(features, [by_col, monetary_col], "spend_by")
    key = features[by_col].astype("string").fillna("(unknown)")
    m = features[monetary_col].fillna(0)
    g = m.groupby(key)
    out = pd.DataFrame({"users": g.size(), "buyers": (m > 0).groupby(key).sum(), "revenue": g.sum()})
    out["revenue_per_user"] = out.revenue / out.users
    out["revenue_share"] = out.revenue / out.revenue.sum() if out.revenue.sum() else np.nan
    out.index.name = by_col
    return out.reset_index()


def category_preference(features: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Mean spend share of each category by RFM segment (rows segments, columns categories; buyers with
    spend in the window)."""
    cats = [c for c in features.columns if c.startswith("cat_")]
    if not cats:
        return pd.DataFrame()
    df = features[["user_id", *cats]].merge(segments[["user_id", "segment"]], on="user_id")
    df = df.dropna(subset=cats, how="all")
    tab = df.groupby(df.segment.astype(str))[cats].mean()
    tab = tab.reindex([s for s in SEGMENTS if s in tab.index])
    tab.columns = [c[4:] for c in cats]
    tab.index.name = "segment"
    return tab


def migration_summary(matrix: pd.DataFrame) -> dict[str, int]:
    """Users who moved up, slipped, stayed, or became buyers (rank order of :data:`SEGMENTS`)."""
    rank = {s: i for i, s in enumerate(SEGMENTS)}
    out = {"moved up": 0, "slipped": 0, "stayed": 0, "new buyers": 0}
    for a in matrix.index:
        for b in matrix.columns:
            n = int(matrix.loc[a, b])
            if a not in rank:
                out["new buyers"] += n if b in rank else 0
            elif b in rank:
                key = "stayed" if a == b else ("moved up" if rank[b] < rank[a] else "slipped")
                out[key] += n
    return out


def findings(
    features: pd.DataFrame,
    summary: pd.DataFrame,
    tiers: pd.DataFrame | None = None,
    personas: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    migration: pd.DataFrame | None = None,
    *,
    window_months: int = 12,
) -> list[str]:
    """Plain sentences generated from the numbers, most important first."""
    from ..notebook import fmt_value

    window = "the last year" if window_months == 12 else f"the last {window_months} months"
    out = []
    n = len(features)
    buyers = int((features.frequency > 0).sum())
    share20 = top_share(features.monetary[features.monetary > 0], 0.2)
    out.append(
        f"{fmt_value(n, 'count')} users; {fmt_value(buyers, 'count')} ({buyers / max(n, 1):.0%}) paid in "
        f"{window}, spending {fmt_value(features.monetary.sum(), 'yuan')}."
    )
    if not np.isnan(share20):
        out.append(f"The top 20% of buyers bring {share20:.0%} of revenue.")
    s = summary[summary.users > 0]
    if len(s):
        top = s.loc[s.revenue_share.idxmax()]
        out.append(
            f"{top['segment']} ({fmt_value(top['users'], 'count')} users, {top['user_share']:.0%} of buyers) bring "
            f"{top['revenue_share']:.0%} of revenue at {fmt_value(top['aov'], 'yuan')} per order."
        )
        risk = s[s.segment.isin(["At Risk", "Can't Lose Them"])]
        if len(risk):
            out.append(
                f"{fmt_value(risk.users.sum(), 'count')} once-valuable buyers are slipping away (At Risk, "
                f"Can't Lose Them), holding {risk.revenue_share.sum():.0%} of revenue in {window}: win them back."
            )
    if tiers is not None and len(tiers):
        vc = tiers.tier.value_counts()
        out.append(
            "Value tiers: "
            + ", ".join(f"{fmt_value(vc.get(t, 0), 'count')} {t}" for t in tiers.tier.cat.categories)
            + "."
        )
    if personas is not None and len(personas):
        p = personas.sort_values("revenue_share", ascending=False).iloc[0]
        out.append(
            f"{len(personas)} personas; the most valuable, '{p['name']}', is {p['user_share']:.0%} of active users "
            f"and {p['revenue_share']:.0%} of revenue."
        )
    if rules is not None and len(rules):
        r = rules.iloc[0]
        out.append(
            f"Strongest basket affinity: buyers of {r['antecedent']} also buy {r['consequent']} "
            f"{r['lift']:.1f}x as often as average (confidence {r['confidence']:.0%})."
        )
    if migration is not None and len(migration):
        m = migration_summary(migration)
        out.append(
            f"Since last period {fmt_value(m['moved up'], 'count')} buyers moved to a better segment, "
            f"{fmt_value(m['slipped'], 'count')} slipped and {fmt_value(m['new buyers'], 'count')} became buyers."
        )
    return out


def record_headlines(
    features: pd.DataFrame, segments: pd.DataFrame, n_personas: int | None
) -> dict[str, float]:
    """Record ``profiling.users``, ``profiling.buyers``, ``profiling.top20_revenue_share``,
    ``profiling.n_personas`` and ``profiling.segment.<name>`` (user counts) for metrics.json."""
    from ..notebook import record

    out = {}
    pos = features.monetary[features.monetary > 0]
    vals = {
        "profiling.users": (len(features), "Users", "count"),
        "profiling.buyers": (int((features.frequency > 0).sum()), "Buyers in the last year", "count"),
        "profiling.top20_revenue_share": (top_share(pos, 0.2), "Revenue share of the top 20% buyers", "rate"),
        "profiling.n_personas": (n_personas, "Personas", "count"),
    }
    counts = segments.segment.astype(str).value_counts()
    for s in SEGMENTS:
        vals[f"profiling.segment.{s}"] = (int(counts.get(s, 0)), f"Segment: {s}", "count")
    for k, (v, label, unit) in vals.items():
        # segment sizes go to metrics.json; the index shows the four headline numbers
        out[k] = record(k, v, label=label, unit=unit, index=not k.startswith("profiling.segment."))
    return out


# -- titles ----------------------------------------------------------------------------------------
def segments_title(summary: pd.DataFrame) -> str:
    s = summary[summary.users > 0]
    top = s.loc[s.revenue_share.idxmax()]
    return f"{top['segment']}: {top['user_share']:.0%} of buyers, {top['revenue_share']:.0%} of revenue"


def pareto_title(curve: pd.DataFrame) -> str:
    if curve.empty:
        return "No revenue in the window"
    r = curve.loc[(curve.user_share - 0.2).abs().idxmin(), "revenue_share"]
    return f"The top 20% of buyers bring {r:.0%} of revenue"


# -- charts ----------------------------------------------------------------------------------------
def _ax(ax, size=(9, 4)):
    import matplotlib.pyplot as plt

    from ..plots import use_style

    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_segments(summary: pd.DataFrame, *, title: str | None = None, ax=None):
    """Horizontal bars: share of buyers and share of revenue by RFM segment."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    ax = _ax(ax, (9, 5))
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    ax.barh(y + 0.2, s.user_share, height=0.4, color=PALETTE[7], label="share of buyers")
    ax.barh(y - 0.2, s.revenue_share, height=0.4, color=PALETTE[0], label="share of revenue")
    ax.set_yticks(y, s.segment)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share of buyers / of the year's revenue (%)")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or segments_title(summary))
    return ax


def plot_tiers(tiers: pd.DataFrame, features: pd.DataFrame, *, ax=None):
    """Users and revenue by value tier (bars: users; labels: revenue)."""
    from ..notebook import fmt_value
    from ..plots import PALETTE, count_formatter

    ax = _ax(ax, (9, 3.5))
    df = tiers.merge(features[["user_id", "monetary"]], on="user_id")
    g = df.groupby("tier", observed=False).agg(users=("user_id", "size"), revenue=("monetary", "sum"))
    ax.bar(g.index.astype(str), g.users, color=PALETTE[: len(g)])
    for i, (u, r) in enumerate(zip(g.users, g.revenue, strict=True)):
        ax.annotate(
            fmt_value(r, "yuan"), (i, u), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=9
        )
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel("users")
    hv = g.loc["high value"] if "high value" in g.index else None
    total = g.revenue.sum()
    if hv is not None and total:
        ax.set_title(
            f"High-value users: {hv.users / g.users.sum():.0%} of users, {hv.revenue / total:.0%} of revenue"
        )
    return ax


def plot_pareto(curve: pd.DataFrame, *, ax=None):
    """Cumulative share of revenue against the share of buyers, best first."""
    from matplotlib.ticker import PercentFormatter

    ax = _ax(ax, (6, 4))
    ax.plot([0, *curve.user_share], [0, *curve.revenue_share], lw=2)
    ax.plot([0, 1], [0, 1], ls="--", color="#999", lw=1)
    ax.axvline(0.2, color="#c8404d", lw=1, ls=":")
    for a in (ax.xaxis, ax.yaxis):
        a.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("top buyers by spend (% of buyers)")
    ax.set_ylabel("share of revenue (%)")
    ax.set_title(pareto_title(curve))
    return ax


def plot_personas(describe: pd.DataFrame, *, ax=None):
    """Share of active users and of revenue by persona."""
    from matplotlib.ticker import PercentFormatter

    from ..plots import PALETTE

    ax = _ax(ax, (9, 0.7 * len(describe) + 1.5))
    d = describe.iloc[::-1]
    y = np.arange(len(d))
    labels = [f"{p}: {n}" for p, n in zip(d.persona, d.name, strict=True)]
    ax.barh(y + 0.2, d.user_share, height=0.4, color=PALETTE[7], label="share of active users")
    ax.barh(y - 0.2, d.revenue_share, height=0.4, color=PALETTE[1], label="share of revenue")
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share (%)")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    top = describe.loc[describe.revenue_share.idxmax()]
    ax.set_title(
        f"'{top['name']}' bring {top['revenue_share']:.0%} of revenue from {top['user_share']:.0%} of users"
    )
    return ax


def plot_spend_by(table: pd.DataFrame, by_col: str, *, ax=None):
    """Revenue per user by a breakdown column, with user counts in the labels."""
    from ..plots import PALETTE, yuan_formatter

    ax = _ax(ax, (6, 3.5))
    ax.bar(table[by_col].astype(str), table.revenue_per_user, color=PALETTE[0])
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.set_ylabel("revenue per user in the year (¥)")
    ax.set_xlabel(by_col)
    t = table[table[by_col] != "(unknown)"]
    if len(t):
        top = t.loc[t.revenue_per_user.idxmax()]
        ax.set_title(f"{by_col}: {top[by_col]} spend most per user (¥{top['revenue_per_user']:,.0f})")
    return ax


def plot_category_heatmap(pref: pd.DataFrame, *, ax=None):
    """Mean category share of spend by segment, as a heatmap with values."""
    ax = _ax(ax, (9, 0.45 * len(pref) + 1.5))
    im = ax.imshow(pref.to_numpy(dtype="float64"), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(pref.columns)), pref.columns)
    ax.set_yticks(range(len(pref.index)), pref.index)
    for i in range(pref.shape[0]):
        for j in range(pref.shape[1]):
            v = pref.iat[i, j]
            ax.text(
                j, i, f"{v:.0%}", ha="center", va="center", fontsize=8, color="white" if v > 0.25 else "black"
            )
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, label="share of the segment's spend", format="{x:.0%}")
    leaders = pref.idxmax(axis=1).value_counts()
    ax.set_title(f"{leaders.index[0]} leads the spend of {leaders.iloc[0]} of {len(pref)} segments")
    return ax


def plot_migration(matrix: pd.DataFrame, *, ax=None):
    """The segment migration matrix as a heatmap of user counts."""
    ax = _ax(ax, (10, 7))
    im = ax.imshow(np.log1p(matrix.to_numpy(dtype="float64")), cmap="Purples", aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=40, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    hi = np.log1p(matrix.to_numpy().max()) * 0.6
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = int(matrix.iat[i, j])
            if v:
                ax.text(
                    j,
                    i,
                    f"{v:,}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if np.log1p(v) > hi else "black",
                )
    ax.grid(False)
    del im
    ax.set_xlabel(matrix.columns.name or "this period")
    ax.set_ylabel(matrix.index.name or "last period")
    m = migration_summary(matrix)
    ax.set_title(f"Since last period: {m['moved up']:,} buyers moved up, {m['slipped']:,} slipped")
    return ax


def plot_rules(rules: pd.DataFrame, *, top: int = 10, ax=None):
    """Top pairs by lift (bars), one bar per pair (the direction with the higher confidence), confidence in
    the labels."""
    from ..plots import PALETTE

    pair = [tuple(sorted(x)) for x in zip(rules.antecedent, rules.consequent, strict=True)]
    best = rules.assign(_pair=pair).sort_values(["lift", "confidence"], ascending=False, kind="stable")
    r = best.drop_duplicates("_pair").head(top).iloc[::-1]
    ax = _ax(ax, (9, 0.4 * len(r) + 1.5))
    labels = [f"{a} → {c}" for a, c in zip(r.antecedent, r.consequent, strict=True)]
    ax.barh(range(len(r)), r.lift, color=PALETTE[2])
    for i, (lift, conf) in enumerate(zip(r.lift, r.confidence, strict=True)):
        ax.annotate(f"conf. {conf:.0%}", (lift, i), textcoords="offset points", xytext=(3, -3), fontsize=8)
    ax.axvline(1, color="#999", ls="--", lw=1)
    ax.set_yticks(range(len(r)), labels)
    ax.set_xlabel("lift (x as often as chance)")
    ax.grid(axis="y", visible=False)
    if len(r):
        best = rules.iloc[0]
        ax.set_title(
            f"{best['antecedent']} buyers take {best['consequent']} {best['lift']:.1f}x as often as average"
        )
    return ax
