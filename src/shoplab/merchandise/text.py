"""The merchandise report's words: findings, chart titles, table labels and notes. No statistics and no engine
calls: each function takes :class:`~.report.MerchandiseResults` or its tables.

Codes are shown by their glossary names (``merch_metric.*``, ``merch_tier.*``, ``merch_action.*``,
``merch_reason.*``, ``merch_col.*``: src/shoplab/glossary/merchandise.toml)."""

from __future__ import annotations

import math

import pandas as pd

from .. import labels
from ..i18n import tr
from ..notebook import Finding, fmt_value
from ..profiling.names import segment_name
from .tiers import PLAN, TIERS

__all__ = [
    "findings",
    "key_numbers",
    "ranking_table",
    "tier_table",
    "alert_table",
    "disagreement_table",
    "inventory_table",
    "stockout_table",
    "repurchase_note",
    "category_table",
    "band_table",
    "stage_table",
    "pairs_table",
    "pairs_kept_note",
    "hit_rate_table",
    "hit_rate_sentence",
    "viewed_then_bought_table",
    "viewed_then_bought_note",
    "offer_table",
    "launch_table",
    "launch_note",
    "pareto_title",
    "tier_title",
    "col",
    "tier_name",
]


def col(code: str, lang: str | None = None) -> str:
    return labels.label("merch_col", code, lang)


def tier_name(code: str, lang: str | None = None) -> str:
    return labels.label("merch_tier", code, lang)


def _days(x, lang=None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return tr("no sale", "无销售", lang)
    return tr(f"{x:,.0f} days", f"{x:,.0f} 天", lang)


def _ids(items, lang=None, n: int = 3) -> str:
    shown = [str(i) for i in list(items)[:n]]
    return ", ".join(shown) if shown else tr("none", "无", lang)


def findings(r, *, lang: str | None = None) -> list[Finding]:
    """Findings first: the items that carry the shop, the stock that is stuck and what it costs, the tier mix
    against 4321, what to restock and what to clear. Each links to the section with its numbers."""

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    out: list[Finding] = []
    c = r.concentration
    if not c.skus_sold:
        return [F(f"No item sold in {r.period}.", f"{r.period} 没有商品售出。", "key-numbers")]
    top = fmt_value(c.top20_share, "rate")
    best = r.ranking.iloc[0]
    names = getattr(r, "item_names", None) or {}
    best_item = _item(best["item_id"], names.get(best["item_id"]))
    best_en = best_item if best["item_id"] in names else f"item {best_item}"
    out.append(
        F(
            f"{c.skus_sold:,} items sold in {r.period}; the top {c.top_n:,} (20%) brought {top} of item GMV, and "
            f"the best seller, {best_en}, {fmt_value(best['share'], 'rate')} alone. "
            f"{c.abc_items['A']:,} items (class A) make 80% of GMV.",
            f"{r.period} 动销商品 {c.skus_sold:,} 个；头部 {c.top_n:,} 个（20%）贡献了 {top} 的商品成交额，"
            f"第一名商品 {best_item} 独占 {fmt_value(best['share'], 'rate')}。"
            f"{c.abc_items['A']:,} 个商品（A 类）构成 80% 的成交额。",
            "concentration",
        )
    )
    cats = r.categories
    if cats is not None and len(cats) and cats["previous"].sum() > 0:
        growth = cats["gmv"].sum() / cats["previous"].sum() - 1
        lead = cats.loc[cats["change_previous"].abs().idxmax()]
        out.append(
            F(
                f"Item GMV {growth * 100:+.1f}% on the previous month; {lead['category']} moved it most "
                f"({lead['contribution_previous'] * 100:+.1f} pp of the change).",
                f"商品成交额环比 {growth * 100:+.1f}%；{lead['category']} 影响最大（贡献 "
                f"{lead['contribution_previous'] * 100:+.1f} 个百分点）。",
                "structure",
            )
        )
    st = r.sell_through
    if st is not None and st.rate is not None:
        idle = st.on_sale - st.sold
        out.append(
            F(
                f"Sell-through {fmt_value(st.rate, 'rate')}: {st.sold:,} of {st.on_sale:,} items on sale sold; "
                f"{idle:,} on sale did not sell at all.",
                f"动销率 {fmt_value(st.rate, 'rate')}：在售 {st.on_sale:,} 个商品中 {st.sold:,} 个有销售，"
                f"{idle:,} 个在售商品没有任何销售。",
                "key-numbers",
            )
        )
    inv = r.inventory
    if inv is not None and inv.last_stock_value:
        slow = fmt_value(inv.slow_stock_share, "rate")
        sv = fmt_value(inv.slow_stock_value, "yuan")
        turn = f"{inv.turnover_annual:.1f}" if inv.turnover_annual is not None else "n/a"
        out.append(
            F(
                f"Stock is stuck: {slow} of the stock value ({sv} at cost, {inv.slow_items:,} items) has not sold "
                f"in 90 days; stock turns {turn} times a year, with {_days(inv.days_of_cover, 'en')} of cover.",
                f"库存积压：{slow} 的库存金额（成本 {sv}，{inv.slow_items:,} 个商品）90 天无动销；"
                f"年化库存周转 {turn} 次，可售 {_days(inv.days_of_cover, 'zh')}。",
                "inventory",
            )
        )
        if inv.stockout_item_days:
            out.append(
                F(
                    f"{inv.stockout_items:,} selling items ran out of stock for {inv.stockout_item_days:,.0f} "
                    f"item-days, likely costing {fmt_value(inv.lost_units, 'count')} units, about "
                    f"{fmt_value(inv.lost_gmv, 'yuan')} of GMV (at their in-stock sales rate).",
                    f"{inv.stockout_items:,} 个在售商品缺货共 {inv.stockout_item_days:,.0f} 个商品日，按其有货时的销售速度，"
                    f"预计少卖 {fmt_value(inv.lost_units, 'count')} 件，约 {fmt_value(inv.lost_gmv, 'yuan')} 成交额。",
                    "inventory",
                )
            )
    mix = r.tier_mix.set_index("tier")
    core = mix.loc["core", "gmv_share"]
    parts_en = ", ".join(f"{tier_name(t, 'en')} {fmt_value(mix.loc[t, 'gmv_share'], 'rate')}" for t in TIERS)
    parts_zh = "，".join(f"{tier_name(t, 'zh')} {fmt_value(mix.loc[t, 'gmv_share'], 'rate')}" for t in TIERS)
    out.append(
        F(
            f"Tier mix of GMV against the 4321 plan (40/30/20/10): {parts_en}"
            + (" — the shop leans on its core items." if core > PLAN["core"] + 0.1 else ".")
            + (
                f" {len(r.disagreements):,} items behave unlike their planned role, "
                f"{int(r.disagreements['strong_disagreement'].sum()):,} at the opposite end (core against "
                "clearance)."
                if r.has_roles and len(r.disagreements)
                else ""
            ),
            f"按 4321 规划（40/30/20/10）对比的成交额分层：{parts_zh}"
            + ("，店铺高度依赖爆款。" if core > PLAN["core"] + 0.1 else "。")
            + (
                f"{len(r.disagreements):,} 个商品的表现与其规划定位不符，其中 "
                f"{int(r.disagreements['strong_disagreement'].sum()):,} 个完全相反（爆款与清仓款互换）。"
                if r.has_roles and len(r.disagreements)
                else ""
            ),
            "tiers",
        )
    )
    vtb = r.viewed_then_bought
    cross = vtb[~vtb["same_item"].astype(bool)] if vtb is not None and len(vtb) else None
    if cross is not None and len(cross):
        t = cross.iloc[0]
        a = _item(t["viewed_item"], t.get("viewed_name"))
        b = _item(t["bought_item"], t.get("bought_name"))
        d = r.view_window_days
        out.append(
            F(
                f"Viewed then bought: {fmt_value(t['share'], 'rate')} of the {int(t['viewers']):,} viewers of "
                f"{a} bought {b} within {d} days, {t['lift']:.1f} times the rate among all viewers "
                f"(95% interval {t['lift_low']:.1f}–{t['lift_high']:.1f}); {_cross_total(vtb):,} such pairs of "
                "different items.",
                f"浏览后购买：{a} 的 {int(t['viewers']):,} 位浏览者中 {fmt_value(t['share'], 'rate')} 在 {d} 天内"
                f"买了 {b}，是全部浏览者的 {t['lift']:.1f} 倍（95% 区间 {t['lift_low']:.1f}–{t['lift_high']:.1f}）；"
                f"共 {_cross_total(vtb):,} 组不同商品的浏览-购买组合。",
                "viewed-then-bought",
            )
        )
    lc = getattr(r, "launches", None)
    if lc is not None and len(lc.items):
        out += _launch_finding(lc, getattr(r, "item_names", None) or {}, F)
    if r.alerts is not None and len(r.alerts):
        re_ = r.alerts[r.alerts["action"] == "restock"]
        cl = r.alerts[r.alerts["action"] == "clear"]
        out.append(
            F(
                f"To act on: restock {len(re_):,} items (first {_ids(re_['item_id'], 'en')}); clear "
                f"{len(cl):,} (first {_ids(cl['item_id'], 'en')}), holding "
                f"{fmt_value(cl['value'].sum(), 'yuan')} at cost.",
                f"待处理：补货 {len(re_):,} 个商品（优先 {_ids(re_['item_id'], 'zh')}）；清理 {len(cl):,} 个"
                f"（优先 {_ids(cl['item_id'], 'zh')}），占用成本 {fmt_value(cl['value'].sum(), 'yuan')}。",
                "alerts",
            )
        )
    return out


def _launch_finding(lc, names: dict, F) -> list:
    """The best new launch against earlier ones: at the shortest horizon some new launch has, else at its age."""
    t = lc.items
    for d in [int(x) for x in lc.benchmark["days"]] + [None]:
        pct = t[f"pct_{d}d" if d else "pct_to_date"]
        if pct.notna().any():
            break
    else:
        return []
    suf = f"{d}d" if d else "to_date"
    since = f"{lc.start:%Y-%m-%d}"
    if not (t[f"gmv_{suf}"] > 0).any():
        med = fmt_value(t[f"median_{suf}"].max(), "yuan")
        when_en = f"in its first {d} days" if d else "yet"
        when_zh = f"上架 {d} 天内" if d else "至今"
        return [
            F(
                f"None of the {len(t):,} items launched since {since} has sold {when_en}; earlier launches had a "
                f"median of up to {med} by the same age.",
                f"{since} 以来上架的 {len(t):,} 个新品{when_zh}均无销售；此前新品同期的成交额中位数最高为 {med}。",
                "launches",
            )
        ]
    b = t.loc[pct.idxmax()]
    it = _item(b["item_id"], names.get(b["item_id"]))
    g, med = fmt_value(b[f"gmv_{suf}"], "yuan"), fmt_value(b[f"median_{suf}"], "yuan")
    share = fmt_value(b[f"pct_{suf}"], "rate")
    days = int(d if d else b["age_days"])
    n = int(lc.benchmark.set_index("days").loc[d, "n_earlier"] if d else b["n_earlier_to_date"])
    return [
        F(
            f"{len(t):,} items launched since {since}; the best start, {it}, made {g} in its first {days} days, "
            f"ahead of {share} of the {n:,} earlier launches at the same age (their median {med}).",
            f"{since} 以来上架新品 {len(t):,} 个；开局最好的 {it} 上架 {days} 天成交 {g}，"
            f"超过此前 {n:,} 个新品同期的 {share}（其中位数 {med}）。",
            "launches",
        )
    ]


def key_numbers(r, *, lang: str | None = None) -> pd.DataFrame:
    """The headline numbers as a two-column table (n/a where the data does not allow them)."""
    st, inv, c = r.sell_through, r.inventory, r.concentration
    rows = [
        ("skus_sold", c.skus_sold, "count"),
        ("sell_through", st.rate if st else None, "rate"),
        ("top20_sku_gmv_share", c.top20_share, "rate"),
        ("turnover_annual", inv.turnover_annual if inv else None, None),
        ("days_of_cover", inv.days_of_cover if inv else None, "days"),
        ("slow_stock_share", inv.slow_stock_share if inv else None, "rate"),
    ]
    out = []
    for code, v, unit in rows:
        text = "n/a" if v is None else (f"{v:.1f}" if unit is None else fmt_value(v, unit, lang=lang))
        out.append(
            {
                tr("Number", "指标", lang): labels.name(f"merch_metric.{code}", lang),
                tr("Value", "数值", lang): text,
            }
        )
    return pd.DataFrame(out)


def _name_ids(t: pd.DataFrame, names: dict | None, cols=("item_id",)) -> pd.DataFrame:
    """``t`` with its item columns shown as "name (id)" where ``names`` has the id (else the id)."""
    if names is None:
        return t
    t = t.copy()
    for c in cols:
        t[c] = [_item(i, names.get(i)) for i in t[c]]
    return t


def ranking_table(
    ranking: pd.DataFrame, *, top_n: int = 20, names: dict | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The top ``top_n`` items of the SKU ranking with readable headers and formatted values (items as
    "name (id)" with ``names``, :attr:`~.report.MerchandiseResults.item_names`)."""
    cols = [
        "rank",
        "item_id",
        "gmv",
        "share",
        "units",
        "buyers",
        "margin_rate",
        "refund_share",
        "repurchase_rate",
    ]
    cols += [c for c in ("views", "view_conversion") if c in ranking.columns]
    cols = [c for c in cols if c in ranking.columns] + ["abc"]
    t = _name_ids(ranking[cols].head(top_n).copy(), names)
    rates = {"share", "margin_rate", "refund_share", "repurchase_rate", "view_conversion"}
    for c in cols:
        if c in rates:
            t[c] = [fmt_value(v, "rate", lang=lang) if pd.notna(v) else "n/a" for v in t[c]]
        elif c == "gmv":
            t[c] = [fmt_value(v, "yuan", lang=lang) for v in t[c]]
    return t.rename(columns={c: col(c, lang) for c in cols})


def tier_table(mix: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The tier mix: items and the shares of GMV, stock value and views per tier against the plan."""
    t = mix.copy()
    t["tier"] = [tier_name(x, lang) for x in t["tier"]]
    for c in ("plan", "gmv_share", "stock_share", "view_share"):
        t[c] = [fmt_value(v, "rate", lang=lang) if pd.notna(v) else "n/a" for v in t[c]]
    return t.rename(columns={c: col(c, lang) for c in t.columns})


def alert_table(alerts: pd.DataFrame, *, names: dict | None = None, lang: str | None = None) -> pd.DataFrame:
    """The alert list with its actions and reasons named (items as "name (id)" with ``names``)."""
    t = _name_ids(alerts.copy(), names)
    t["action"] = [labels.label("merch_action", a, lang) for a in t["action"]]
    t["reason"] = [labels.label("merch_reason", a, lang) for a in t["reason"]]
    t["cover_days"] = [_days(v, lang) for v in t["cover_days"]]
    for c in ("units", "stockout_days", "on_hand"):
        t[c] = [f"{v:,.0f}" for v in t[c]]
    for c in ("value", "lost_gmv"):
        t[c] = [fmt_value(v, "yuan", lang=lang) for v in t[c]]
    return t.rename(columns={c: col(c, lang) for c in t.columns})


def disagreement_table(
    d: pd.DataFrame, *, names: dict | None = None, lang: str | None = None
) -> pd.DataFrame:
    """Items whose 4321 tier differs from their planned role (items as "name (id)" with ``names``)."""
    t = _name_ids(d.drop(columns="strong_disagreement"), names)
    for c in ("role", "tier"):
        t[c] = [tier_name(x, lang) for x in t[c]]
    t["gmv"] = [fmt_value(v, "yuan", lang=lang) for v in t["gmv"]]
    t["previous_gmv"] = [fmt_value(v, "yuan", lang=lang) for v in t["previous_gmv"]]
    t["cover_days"] = [_days(v, lang) for v in t["cover_days"]]
    t["age_days"] = [f"{v:,.0f}" if pd.notna(v) else "n/a" for v in t["age_days"]]
    return t.rename(columns={c: col(c, lang) for c in t.columns})


def inventory_table(inv, *, lang: str | None = None) -> pd.DataFrame:
    """The period's stock numbers as a two-column table."""
    turn = f"{inv.turnover_annual:.1f}" if inv.turnover_annual is not None else "n/a"
    rows = [
        (tr("Inventory dates in the period", "本期盘点日数", lang), f"{inv.dates:,}"),
        (tr("Cost of goods sold", "销售成本", lang), fmt_value(inv.cogs, "yuan", lang=lang)),
        (
            tr("Mean stock value at cost", "平均库存金额（成本）", lang),
            fmt_value(inv.mean_stock_value, "yuan", lang=lang),
        ),
        (
            tr("Stock value on the last date", "期末库存金额（成本）", lang),
            fmt_value(inv.last_stock_value, "yuan", lang=lang),
        ),
        (labels.name("merch_metric.turnover_annual", lang), turn),
        (labels.name("merch_metric.days_of_cover", lang), _days(inv.days_of_cover, lang)),
        (
            labels.name("merch_metric.slow_stock_share", lang),
            fmt_value(inv.slow_stock_share, "rate", lang=lang),
        ),
        (
            tr("Slow stock value (items)", "滞销库存金额（商品数）", lang),
            f"{fmt_value(inv.slow_stock_value, 'yuan', lang=lang)} ({inv.slow_items:,})",
        ),
        (
            tr("Stock-out item-days (items)", "缺货商品日（商品数）", lang),
            f"{inv.stockout_item_days:,.0f} ({inv.stockout_items:,})",
        ),
        (
            tr("Likely lost units / GMV", "预计损失销量 / 成交额", lang),
            f"{inv.lost_units:,.1f} / {fmt_value(inv.lost_gmv, 'yuan', lang=lang)}",
        ),
        (
            tr("Overstocked items (stock value)", "库存积压商品数（库存金额）", lang),
            f"{inv.overstock_items:,} ({fmt_value(inv.overstock_value, 'yuan', lang=lang)})",
        ),
    ]
    return pd.DataFrame(rows, columns=[tr("Number", "指标", lang), tr("Value", "数值", lang)])


def stockout_table(
    stock: pd.DataFrame, *, names: dict | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The items that ran out of stock in the period, most likely lost GMV first (items as "name (id)" with
    ``names``)."""
    t = stock[stock["stockout_days"] > 0].sort_values(["lost_gmv", "item_id"], ascending=[False, True])
    t = _name_ids(t[["item_id", "stockout_days", "units", "lost_gmv", "on_hand"]].copy(), names)
    for c in ("stockout_days", "units", "on_hand"):
        t[c] = [f"{v:,.0f}" for v in t[c]]
    t["lost_gmv"] = [fmt_value(v, "yuan", lang=lang) for v in t["lost_gmv"]]
    return t.rename(columns={c: col(c, lang) for c in t.columns})


def repurchase_note(r, *, lang: str | None = None) -> str | None:
    """A note when the 90-day repurchase window runs past the data's end (else None)."""
    if not r.repurchase_incomplete:
        return None
    return tr(
        f"The data ends before the 90-day repurchase window of {r.period}'s buyers closes: the repurchase rates "
        "are incomplete and will rise; compare them with earlier months with care.",
        f"数据在 {r.period} 买家的 90 天复购窗口结束前截止：复购率尚不完整，之后还会上升；与此前月份比较时请谨慎。",
        lang,
    )


def category_table(c: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """GMV by category with its change and contribution to the total change, against the previous month and last
    year (the contributions add up to the total growth)."""
    total = pd.DataFrame(
        [{"category": tr("total", "合计", lang), **c.drop(columns="category").sum().to_dict()}]
    )
    for name in ("previous", "last_year"):
        base = c[name].sum()
        total[f"contribution_{name}"] = (c["gmv"].sum() - base) / base if base else float("nan")
    t = pd.concat([c, total], ignore_index=True)
    out = pd.DataFrame({tr("category", "品类", lang): t["category"]})
    out[tr("item GMV", "商品成交额", lang)] = [fmt_value(v, "yuan", lang=lang) for v in t["gmv"]]
    for name, en, zh in (("previous", "previous month", "上月"), ("last_year", "last year", "去年同月")):
        out[tr(en, zh, lang)] = [fmt_value(v, "yuan", lang=lang) for v in t[name]]
        out[tr(f"contribution vs {en}", f"对{zh}变化的贡献", lang)] = [
            "n/a" if pd.isna(v) else f"{v * 100:+.1f} pp" for v in t[f"contribution_{name}"]
        ]
    return out


def band_table(b: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Price bands with their lines, units, items and share of item GMV."""

    def band(lo, hi):
        return f"≥ {lo:,.0f}" if hi == float("inf") else f"{lo:,.0f}–{hi:,.0f}"

    return pd.DataFrame(
        {
            tr("unit price", "成交单价", lang): [
                band(lo, hi) for lo, hi in zip(b["low"], b["high"], strict=True)
            ],
            tr("items", "商品数", lang): b["items"].astype(int),
            tr("units", "销量（件）", lang): b["units"].astype(int),
            tr("item GMV", "商品成交额", lang): [fmt_value(v, "yuan", lang=lang) for v in b["gmv"]],
            tr("share", "占比", lang): [
                fmt_value(v, "rate", lang=lang) if pd.notna(v) else "n/a" for v in b["share"]
            ],
        }
    )


_STAGES = {
    "introduction": ("introduction", "导入期"),
    "growth": ("growth", "成长期"),
    "maturity": ("maturity", "成熟期"),
    "decline": ("decline", "衰退期"),
}


def stage_table(lc: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Items and item GMV of the last 90 days per lifecycle stage."""
    g = (
        lc.groupby("stage")
        .agg(items=("item_id", "size"), gmv=("gmv", "sum"))
        .reindex(list(_STAGES))
        .fillna(0)
    )
    total = g["gmv"].sum()
    return pd.DataFrame(
        {
            tr("stage", "生命周期阶段", lang): [tr(*_STAGES[s], lang) for s in g.index],
            tr("items", "商品数", lang): g["items"].astype(int).to_numpy(),
            tr("item GMV, last 90 days", "近90天商品成交额", lang): [
                fmt_value(v, "yuan", lang=lang) for v in g["gmv"]
            ],
            tr("share", "占比", lang): [
                fmt_value(v / total, "rate", lang=lang) if total else "n/a" for v in g["gmv"]
            ],
        }
    )


def pairs_table(
    pairs: pd.DataFrame, *, top_n: int = 20, names: dict | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The strongest bought-together pairs (one direction per pair: the higher confidence), both items as
    "name (id)" with ``names``."""
    t = pairs.sort_values(["lift", "confidence"], ascending=False)
    t = t.assign(key=[tuple(sorted(x)) for x in zip(t.antecedent, t.consequent, strict=True)])
    t = _name_ids(t.drop_duplicates("key").head(top_n), names, ("antecedent", "consequent"))
    out = pd.DataFrame(
        {
            tr("if bought", "买了", lang): t["antecedent"].to_numpy(),
            tr("also bought", "也买了", lang): t["consequent"].to_numpy(),
            tr("co-buyers", "共同买家数", lang): t["co_buyers"].to_numpy(),
            tr("support", "支持度", lang): [fmt_value(v, "rate", lang=lang) for v in t["support"]],
            tr("confidence", "置信度", lang): [fmt_value(v, "rate", lang=lang) for v in t["confidence"]],
            tr("lift", "提升度", lang): [f"{v:.1f}" for v in t["lift"]],
        }
    )
    return out


def _pp(share: float) -> str:
    """A difference of two shares in percentage points with its sign, never ``-0.0``."""
    return f"{round(share * 100, 1) + 0.0:+.1f}"


def hit_rate_table(h, *, lang: str | None = None) -> pd.DataFrame:
    """Hit rates at each K with their 95% intervals, recommender against the most-popular baseline, and their
    difference paired on the same buyers (in percentage points)."""
    rows = []

    def cell(rate, ci):
        if rate is None:
            return "n/a"
        return f"{fmt_value(rate, 'rate', lang=lang)} ({fmt_value(ci[0], 'rate', lang=lang)}–{fmt_value(ci[1], 'rate', lang=lang)})"

    for k in h.k:
        row = {
            "K": k,
            tr("co-purchase recommender", "共同购买推荐", lang): cell(h.recommender[k], h.recommender_ci[k]),
            tr("most popular (baseline)", "最热门（基线）", lang): cell(h.baseline[k], h.baseline_ci[k]),
        }
        d = (h.difference or {}).get(k)
        if d is not None:
            row[tr("difference, paired (pp)", "差值，配对（百分点）", lang)] = (
                f"{_pp(d.estimate)} ({_pp(d.ci_low)} {tr('to', '至', lang)} {_pp(d.ci_high)})"
            )
        rows.append(row)
    return pd.DataFrame(rows)  # K stays a column: the report's tables show no index


def hit_rate_sentence(h, *, lang: str | None = None) -> str:
    """What the offline test says: the hit rates at the largest K and the verdict from their difference paired
    on the same buyers (its interval; absence of evidence worded as such). Without the paired difference, from
    whether the two rates' intervals overlap (a cruder reading)."""
    if not h.users or h.recommender[max(h.k)] is None:
        return tr(
            "Too few repeat buyers to evaluate the recommender.", "复购买家太少，无法评估推荐效果。", lang
        )
    k = max(h.k)
    rec, base = h.recommender[k], h.baseline[k]
    who_en, who_zh = f"{h.users:,} repeat buyers", f"{h.users:,} 位复购买家"
    if h.sampled:  # a random sample of the eligible buyers (the intervals are the sample's)
        who_en = f"a random {h.users:,} of the {h.eligible:,} repeat buyers"
        who_zh = f"{h.eligible:,} 位复购买家中随机抽取的 {h.users:,} 位"
    lead_en = (
        f"Holding out the last order of {who_en}, the co-purchase recommender hits {fmt_value(rec, 'rate')} at {k} "
        f"against {fmt_value(base, 'rate')} for the most popular items"
    )
    lead_zh = (
        f"留出{who_zh}的最后一单，共同购买推荐在前 {k} 个推荐中的命中率为 {fmt_value(rec, 'rate')}，"
        f"最热门商品为 {fmt_value(base, 'rate')}"
    )
    d = (h.difference or {}).get(k)
    if d is not None:
        pp = f"{_pp(d.estimate)} pp (95% interval {_pp(d.ci_low)} to {_pp(d.ci_high)} pp)"
        pp_zh = f"{_pp(d.estimate)} 个百分点（95% 区间 {_pp(d.ci_low)} 至 {_pp(d.ci_high)}）"
        if d.ci_low > 0 or d.ci_high < 0:
            better = d.ci_low > 0
            size = f"{abs(round(d.estimate * 100, 1)):.1f}"  # "worse by 0.4 pp", not "by -0.4"
            ci_en = f"(95% interval of the difference {_pp(d.ci_low)} to {_pp(d.ci_high)} pp)"
            ci_zh = f"（差值的 95% 区间 {_pp(d.ci_low)} 至 {_pp(d.ci_high)}）"
            en = f"{lead_en}: {'better' if better else 'worse'} by {size} pp {ci_en}, paired on the same buyers."
            zh = f"{lead_zh}：{'高出' if better else '低于'} {size} 个百分点{ci_zh}（同一批买家配对比较）。"
        else:
            en = (
                f"{lead_en}: a difference of {pp}, paired on the same buyers, whose interval includes zero, so this "
                "data shows no evidence that it beats popularity."
            )
            zh = f"{lead_zh}：同一批买家配对比较的差值为 {pp_zh}，区间包含 0，现有数据不能证明它优于按热门推荐。"
        return tr(en, zh, lang)
    overlap = h.recommender_ci[k][0] <= h.baseline_ci[k][1] and h.baseline_ci[k][0] <= h.recommender_ci[k][1]
    if overlap:
        en = f"{lead_en}: the intervals overlap, so this data shows no evidence that it beats popularity."
        zh = f"{lead_zh}：两者区间重叠，现有数据不能证明它优于按热门推荐。"
    else:
        better = rec > base
        en = f"{lead_en} ({'better' if better else 'worse'}; the 95% intervals do not overlap)."
        zh = f"{lead_zh}（{'更好' if better else '更差'}；95% 区间不重叠）。"
    return tr(en, zh, lang)


def _item(item_id, name=None) -> str:
    """An item as a manager reads it: its name and id when ``items.name`` gives one, else the id."""
    if name is None or (isinstance(name, float) and math.isnan(name)) or name is pd.NA:
        return str(item_id)
    return f"{name} ({item_id})"


def _items(t: pd.DataFrame, id_col: str, name_col: str) -> list[str]:
    names = t[name_col] if name_col in t.columns else [None] * len(t)
    return [_item(i, n) for i, n in zip(t[id_col], names, strict=True)]


def _lift(v, lo, hi) -> str:
    return f"{v:.1f} ({lo:.1f}–{hi:.1f})"


def viewed_then_bought_table(
    vtb: pd.DataFrame, *, top_n: int = 20, same_item: bool = False, lang: str | None = None
) -> pd.DataFrame:
    """The viewed-then-bought pairs, best-supported lift first (the low end of its interval) (pairs of different items unless
    ``same_item``), with item names where ``items.name`` gives them."""
    t = vtb if same_item else vtb[~vtb["same_item"].astype(bool)]
    t = t.head(top_n)
    return pd.DataFrame(
        {
            tr("viewed", "浏览了", lang): _items(t, "viewed_item", "viewed_name"),
            tr("then bought", "随后购买了", lang): _items(t, "bought_item", "bought_name"),
            tr("viewers", "浏览人数", lang): t["viewers"].astype(int).to_numpy(),
            tr("viewed, then bought", "浏览后购买人数", lang): t["users"].astype(int).to_numpy(),
            tr("share of viewers", "占浏览者比例", lang): _rates(t["share"], lang),
            tr("all viewers' rate", "全部浏览者购买率", lang): _rates(t["base_rate"], lang),
            tr("lift (95% interval)", "提升度（95% 区间）", lang): _lifts(t),
        }
    )


def _rates(values, lang) -> list[str]:
    return [fmt_value(v, "rate", lang=lang) for v in values]


def _lifts(t: pd.DataFrame) -> list[str]:
    """Each row's lift with its interval (columns lift, lift_low, lift_high)."""
    return [_lift(*x) for x in zip(t["lift"], t["lift_low"], t["lift_high"], strict=True)]


def viewed_then_bought_note(vtb: pd.DataFrame, *, window_days: int, lang: str | None = None) -> str:
    """What the viewed-then-bought table holds: its pairs of different items, and how many items their own
    viewers bought (those rows are in the data table, ``same_item``)."""
    if not len(vtb):
        return tr(
            "No item pair reaches the minimum number of users.",
            "没有达到最少人数的浏览-购买组合。",
            lang,
        )
    same = int(vtb.attrs.get("same_item_total", vtb["same_item"].astype(bool).sum()))
    cross = _cross_total(vtb)
    kept_en = kept_zh = ""
    if same + cross > len(vtb):
        kept_en = f" The data table holds the {len(vtb):,} best-supported of them."
        kept_zh = f"数据表只包含其中证据最强的 {len(vtb):,} 组。"
    return tr(
        f"{cross:,} pairs of different items were viewed then bought within {window_days} days; {same:,} items "
        "were bought by enough of their own viewers (rows marked same_item in the data table: their share is "
        "the item's view-to-purchase conversion within the window)." + kept_en,
        f"{cross:,} 组不同商品在浏览后 {window_days} 天内被购买；另有 {same:,} 个商品被足够多的浏览者本人购买"
        "（数据表中 same_item 的行，其比例即窗口内该商品的浏览-购买转化率）。" + kept_zh,
        lang,
    )


def _cross_total(vtb: pd.DataFrame) -> int:
    """Pairs of different items viewed then bought: all of them (``attrs``), not only the rows kept."""
    return int(vtb.attrs.get("pairs_total", (~vtb["same_item"].astype(bool)).sum()))


def offer_table(offers: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The next-best-offer table: per RFM segment, the items to offer, best first, with whom they can reach."""
    t = offers
    return pd.DataFrame(
        {
            tr("segment", "客户分层", lang): [segment_name(s, lang) for s in t["segment"]],
            tr("rank", "排名", lang): t["rank"].astype(int).to_numpy(),
            tr("item", "商品", lang): _items(t, "item_id", "item_name"),
            tr("buyers in the segment", "分层内买家数", lang): t["segment_buyers"].astype(int).to_numpy(),
            tr("share of the segment", "分层内购买比例", lang): _rates(t["segment_share"], lang),
            tr("share of all customers", "全部客户购买比例", lang): _rates(t["overall_share"], lang),
            tr("lift (95% interval)", "提升度（95% 区间）", lang): _lifts(t),
            tr("members yet to buy it", "尚未购买的成员数", lang): t["candidates"].astype(int).to_numpy(),
        }
    )


def _launch_horizons(r) -> list[int]:
    return [int(d) for d in r.benchmark["days"]]


def launch_table(r, *, names: dict | None = None, lang: str | None = None) -> pd.DataFrame:
    """New launches as a manager reads them: the item, its launch date, and per horizon its GMV in the first d
    days, the earlier launches' median and the share of earlier launches it beat (n/a: the data ends before day
    d, or too few earlier launches for a benchmark); then the same at the item's age (days since launch to the
    data's end)."""
    t = r.items
    names = names or {}

    def money(v):
        return "n/a" if pd.isna(v) else fmt_value(v, "yuan", lang=lang)

    out = pd.DataFrame(
        {
            tr("item", "商品", lang): [_item(i, names.get(i)) for i in t["item_id"]],
            tr("launched", "上架日期", lang): [pd.Timestamp(v).strftime("%Y-%m-%d") for v in t["launch_ts"]],
        }
    )
    for d in _launch_horizons(r):
        out[tr(f"GMV, first {d} days", f"上架 {d} 天成交额", lang)] = [money(v) for v in t[f"gmv_{d}d"]]
        out[tr(f"earlier launches' median, {d} days", f"此前新品 {d} 天中位数", lang)] = [
            money(v) for v in t[f"median_{d}d"]
        ]
        out[tr(f"beats earlier launches, {d} days", f"{d} 天超过此前新品的比例", lang)] = [
            "n/a" if pd.isna(v) else fmt_value(v, "rate", lang=lang) for v in t[f"pct_{d}d"]
        ]
    out[tr("days since launch", "上架天数", lang)] = [
        "n/a" if pd.isna(v) else f"{v:,.0f}" for v in t["age_days"]
    ]
    out[tr("GMV to date", "上架至今成交额", lang)] = [money(v) for v in t["gmv_to_date"]]
    out[tr("earlier launches' median at that age", "此前新品同龄中位数", lang)] = [
        money(v) for v in t["median_to_date"]
    ]
    out[tr("beats earlier launches at that age", "同龄超过此前新品的比例", lang)] = [
        "n/a" if pd.isna(v) else fmt_value(v, "rate", lang=lang) for v in t["pct_to_date"]
    ]
    return out


def launch_note(r, *, has_launch_ts: bool | None = None, lang: str | None = None) -> str | None:
    """Why the launch comparison is missing or partial (None when every horizon has its benchmark and there are
    new launches). ``has_launch_ts`` (:attr:`~.report.MerchandiseResults.has_launch_ts`) says which reason."""
    if r is None:
        if has_launch_ts is False:
            return tr(
                "No items.launch_ts: no comparison of new launches.",
                "没有 items.launch_ts：不做新品对比。",
                lang,
            )
        return tr(
            "No comparison of new launches: too few items were launched inside the data (on or after its first "
            "order) before the recent launches to benchmark them.",
            "无新品对比：数据范围内（首笔订单之后）在近期新品之前上架的商品太少，无法作为对比基准。",
            lang,
        )
    parts = []
    if not len(r.items):
        parts.append(
            tr(
                f"No item was launched from {r.start:%Y-%m-%d} to the period's end.",
                f"{r.start:%Y-%m-%d} 至本期末没有新上架的商品。",
                lang,
            )
        )
    short = r.benchmark[~r.benchmark["has_benchmark"]]
    if len(short):
        ds = ", ".join(str(int(d)) for d in short["days"])
        parts.append(
            tr(
                f"Fewer than {r.min_earlier} earlier launches have a complete first {ds} days in the data: no "
                "benchmark there.",
                f"数据中首 {ds} 天完整的此前新品少于 {r.min_earlier} 个：该时段无对比基准。",
                lang,
            )
        )
    return " ".join(parts) if parts else None


def pareto_title(c, *, lang: str | None = None) -> str:
    """The Pareto chart's title, stating the finding."""
    if not c.skus_sold:
        return tr("No item sold", "没有商品售出", lang)
    top = fmt_value(c.top20_share, "rate")
    return tr(
        f"The top 20% of items bring {top} of item GMV",
        f"头部 20% 的商品贡献 {top} 的商品成交额",
        lang,
    )


def tier_title(mix: pd.DataFrame, *, lang: str | None = None) -> str:
    """The tier chart's title: the tier furthest from its 4321 share of GMV."""
    m = mix.dropna(subset=["gmv_share"])
    if m.empty:
        return tr("Tier mix against 4321", "分层结构对比 4321", lang)
    gap = (m["gmv_share"] - m["plan"]).abs()
    t = m.loc[gap.idxmax()]
    name = tier_name(t["tier"], lang)
    share, plan = fmt_value(t["gmv_share"], "rate"), fmt_value(t["plan"], "rate")
    return tr(
        f"{name.capitalize()} items take {share} of GMV against the plan's {plan}",
        f"{name}占成交额 {share}，规划为 {plan}",
        lang,
    )


def pairs_kept_note(pairs: pd.DataFrame | None, *, lang: str | None = None) -> str | None:
    """A note when the bought-together table holds only the strongest of the shop's pairs (None otherwise)."""
    if pairs is None or not len(pairs):
        return None
    total = int(pairs.attrs.get("pairs_total", len(pairs)))
    if total <= len(pairs):
        return None
    return tr(
        f"The data table and its CSV hold the {len(pairs):,} strongest of the {total:,} pairs bought together by "
        "enough buyers (shoplab.merchandise.bought_together gives them all).",
        f"数据表与 CSV 只包含 {total:,} 组满足共同买家数的组合中最强的 {len(pairs):,} 组"
        "（完整列表可用 shoplab.merchandise.bought_together 获取）。",
        lang,
    )
