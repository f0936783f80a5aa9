"""One simulated block as Arrow tables, the shop-wide tables, and the streaming Parquet sink."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._common import (
    _money,
    _strings,
    _ts,
)
from .behaviour import (
    _block_assignments,
    _block_events,
    _block_sessions,
    _block_users,
    _walk_funnel,
)
from .design import (
    _ARCH_NAMES,
    _CAMPAIGN_COST_PER_TREATED,
    _CAMPAIGN_FIXED_COST,
    _CAT_NAMES,
    _DAY_MS,
    _FLUSH_ROWS,
    _MAX_TRUTH_USERS_IN_JSON,
    _PAGE_NAMES,
    _PAGE_OF_EVENT,
    _STREAM_BLOCK,
    _STREAM_MARKETING,
    ACQUISITION_CHANNELS,
    EVENTS,
    GENDERS,
    PAID_CHANNELS,
    PLATFORMS,
    TIERS,
    TRAFFIC_CHANNELS,
)
from .purchases import (
    _block_feedback,
    _block_members,
    _block_orders,
    _campaign_truth,
    _drop_counterfactual,
)
from .schemas import _SCHEMAS


def _simulate_block(ctx: SimpleNamespace, b: int, lo: int, hi: int, st) -> dict[str, pa.Table]:
    """Simulate users ``lo .. hi-1`` (block ``b``) and return their rows for every per-user table."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_BLOCK, b]))
    u = _block_users(rng, ctx, lo, hi)
    g = _block_assignments(rng, ctx, u)
    s = _block_sessions(rng, ctx, u, g)
    _walk_funnel(rng, ctx, u, s, st)
    e = _block_events(rng, ctx, u, s)
    o = _block_orders(rng, ctx, u, g, s, e)
    _campaign_truth(ctx, u, g, s, o, st)
    _drop_counterfactual(s, e, o)
    session_id = st.next_session + np.arange(s.n, dtype=np.int64)
    order_id = st.next_order + np.arange(o.n, dtype=np.int64)
    st.next_session += s.n
    st.next_order += o.n
    mb = _block_members(rng, ctx, u, o)
    fb = _block_feedback(rng, ctx, u, o)
    # accumulators for marketing spend, campaign cost and the truth
    nch = len(TRAFFIC_CHANNELS)
    st.sessions_by_day_channel += np.bincount(s.day * nch + s.chan, minlength=len(st.sessions_by_day_channel))
    paid = o.status == 0
    o_day = np.minimum(o.ts // _DAY_MS, ctx.cal.n_days - 1)
    o_chan = s.chan[o.sess]
    st.gmv_by_day_channel += np.bincount(
        (o_day * nch + o_chan)[paid], weights=o.amount[paid] / 100.0, minlength=len(st.gmv_by_day_channel)
    )
    if ctx.n_camp:
        with_camp = paid & (o.campaign >= 0)
        st.camp_discount += np.bincount(
            o.campaign[with_camp],
            weights=(o.amount_ctrl - o.amount_treat)[with_camp] / 100.0,
            minlength=ctx.n_camp,
        )
    st.arch_counts += np.bincount(u.arch, minlength=len(_ARCH_NAMES))
    if ctx.users <= _MAX_TRUTH_USERS_IN_JSON:
        st.arch_codes.append(u.arch)
    st.n_events += e.n
    st.n_orders += o.n
    st.n_members += len(mb.user)
    return _block_tables(ctx, u, g, s, e, o, mb, fb, session_id, order_id)


def _block_tables(ctx, u, g, s, e, o, mb, fb, session_id, order_id) -> dict[str, pa.Table]:
    """Convert one block's simulated arrays into Arrow tables following the contract."""
    sus = ctx.start_us
    uid = u.uid
    tables: dict[str, pa.Table] = {}
    tables["users"] = pa.table(
        {
            "user_id": uid,
            "signup_ts": _ts(sus, u.signup),
            "gender": _strings(u.gender, GENDERS),
            "birth_year": u.birth,
            "city": _strings(u.city, ctx.cities),
            "city_tier": _strings(ctx.city_tier[u.city], ctx.tier_names),
            "channel": _strings(u.acq, ACQUISITION_CHANNELS),
            "platform": _strings(u.plat, PLATFORMS),
        },
        schema=_SCHEMAS["users"],
    )
    ev_user = uid[s.user[e.sess]]
    tables["events"] = pa.table(
        {
            "user_id": ev_user,
            "ts": _ts(sus, e.ts),
            "event": _strings(e.code, EVENTS),
            "session_id": session_id[e.sess],
            "item_id": pa.array(ctx.items.item_id[np.maximum(e.item, 0)], mask=e.item < 0),
            "page": _strings(_PAGE_OF_EVENT[e.code], _PAGE_NAMES),
            "channel": _strings(s.chan[e.sess], TRAFFIC_CHANNELS),
            "platform": _strings(s.plat[e.sess], PLATFORMS),
            # empty: a sample campaign-page view is not tied to one campaign (it counts for every one running)
            "campaign_id": pa.nulls(len(ev_user), pa.string()),
        },
        schema=_SCHEMAS["events"],
    )
    tables["orders"] = pa.table(
        {
            "order_id": order_id,
            "user_id": uid[o.user],
            "ts": _ts(sus, o.ts),
            "amount": _money(o.amount),
            "discount": _money(o.disc),
            "status": _strings(o.status, ("paid", "cancelled", "refunded")),
            "refund_amount": pa.nulls(len(order_id), pa.float64()),
            "channel": _strings(s.chan[o.sess], TRAFFIC_CHANNELS),
            "campaign_id": _strings(np.maximum(o.campaign, 0), ctx.camp_ids or [""], null=o.campaign < 0),
            "coupon_id": _strings(np.maximum(o.coupon, 0), ctx.coupon_ids, null=o.coupon < 0),
        },
        schema=_SCHEMAS["orders"],
    )
    tables["order_items"] = pa.table(
        {
            "order_id": order_id[o.l_order],
            "item_id": ctx.items.item_id[o.l_item],
            "quantity": o.l_qty.astype(np.int64),
            "price": _money(o.l_price),
            "category": _strings(ctx.items.category[o.l_item], _CAT_NAMES),
        },
        schema=_SCHEMAS["order_items"],
    )
    tables["members"] = pa.table(
        {"user_id": mb.user, "tier": _strings(mb.tier, TIERS), "joined_ts": _ts(sus, mb.joined)},
        schema=_SCHEMAS["members"],
    )
    tables["tier_history"] = pa.table(
        {"user_id": mb.th_user, "ts": _ts(sus, mb.th_ts), "tier": _strings(mb.th_tier, TIERS)},
        schema=_SCHEMAS["tier_history"],
    )
    tables["points"] = pa.table(
        {
            "user_id": mb.p_user,
            "ts": _ts(sus, mb.p_ts),
            "points": mb.p_points.astype(np.int64),
            "kind": _strings(mb.p_kind, ("earn", "redeem", "expire")),
        },
        schema=_SCHEMAS["points"],
    )
    ui, ci = np.nonzero(g)
    tables["campaign_assignments"] = pa.table(
        {
            "campaign_id": _strings(ci, ctx.camp_ids or [""]),
            "user_id": uid[ui],
            "group": _strings((g[ui, ci] == 1).astype(np.int8), ("treatment", "control")),
            "assigned_ts": _ts(sus, ctx.camp_start[ci] if len(ci) else np.zeros(0, np.int64)),
        },
        schema=_SCHEMAS["campaign_assignments"],
    )
    tables["feedback"] = pa.table(
        {
            "user_id": uid[fb.user],
            "ts": _ts(sus, fb.ts),
            "kind": _strings(fb.kind, ("nps", "csat", "review")),
            "score": fb.score.astype(float),
            "order_id": pa.array(
                order_id[np.maximum(fb.order, 0)] if o.n else np.zeros(len(fb.order), np.int64),
                mask=fb.order < 0,
            ),
            "text": _strings(np.maximum(fb.text, 0), ctx.review_texts, null=fb.text < 0),
        },
        schema=_SCHEMAS["feedback"],
    )
    churn = u.churn
    tables["_truth_users"] = pa.table(
        {
            "user_id": uid,
            "archetype": _strings(u.arch, _ARCH_NAMES),
            "satisfaction": u.sat,
            "visits_per_month": u.rate,
            "churn_ts": pa.array(
                (sus + np.minimum(churn, ctx.cal.horizon_ms) * 1000).view("datetime64[us]"),
                mask=churn > ctx.cal.horizon_ms,
            ),
            "member": u.will_join,
        },
        schema=_SCHEMAS["_truth_users"],
    )
    return tables


def _items_table(ctx: SimpleNamespace) -> pa.Table:
    it = ctx.items
    return pa.table(
        {
            "item_id": it.item_id,
            "category": _strings(it.category, _CAT_NAMES),
            "price": _money(it.price_c),
            "cost": _money(it.cost_c),
        },
        schema=_SCHEMAS["items"],
    )


def _campaigns_table(ctx: SimpleNamespace, st) -> pa.Table:
    n = ctx.n_camp
    # running costs only (media, creative, messages); price discounts are already netted out of orders.amount
    cost = _CAMPAIGN_FIXED_COST + _CAMPAIGN_COST_PER_TREATED * st.camp_treated
    return pa.table(
        {
            "campaign_id": pa.array(ctx.camp_ids, pa.string()),
            "start_ts": _ts(ctx.start_us, ctx.camp_start),
            "end_ts": _ts(ctx.start_us, ctx.camp_end),
            "name": pa.array([c["name"] for c in ctx.camps], pa.string()),
            "type": pa.array([c["type"] for c in ctx.camps], pa.string()),
            "cost": np.round(cost, 2) if n else np.zeros(0),
            "channel": pa.array([c["channel"] for c in ctx.camps], pa.string()),
            "treatment_share": ctx.camp_share.astype(float),
        },
        schema=_SCHEMAS["campaigns"],
    )


#: Paid channels: clicks per session, click-through rate, cost per click (yuan) or CPS commission.
_MARKETING = {
    "直通车": dict(clicks_per_session=1.30, ctr=0.025, cpc=1.10),
    "抖音直播": dict(clicks_per_session=1.60, ctr=0.012, cpc=0.75),
    "小红书": dict(clicks_per_session=1.40, ctr=0.030, cpc=0.90),
    "淘宝客": dict(clicks_per_session=1.20, ctr=0.020, commission=0.08),
    "微信社群": dict(clicks_per_session=1.10, ctr=0.080, cpc=0.20, daily_fixed_per_10k_users=30.0),
}


def _marketing_table(ctx: SimpleNamespace, st) -> pa.Table:
    """Daily spend, impressions and clicks of the paid channels, consistent with their sessions and GMV."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, _STREAM_MARKETING]))
    nd, nch = ctx.cal.n_days, len(TRAFFIC_CHANNELS)
    sessions = st.sessions_by_day_channel.reshape(nd, nch)
    gmv = st.gmv_by_day_channel.reshape(nd, nch)
    dates, chans, spend, impressions, clicks = [], [], [], [], []
    for name in PAID_CHANNELS:
        cfg = _MARKETING[name]
        c = TRAFFIC_CHANNELS.index(name)
        noise = np.exp(rng.normal(0, 0.15, nd))
        clk = np.rint(sessions[:, c] * cfg["clicks_per_session"] * noise).astype(np.int64)
        imp = np.rint(clk / cfg["ctr"] * np.exp(rng.normal(0, 0.2, nd))).astype(np.int64)
        if "commission" in cfg:
            sp = gmv[:, c] * cfg["commission"]
        else:
            sp = clk * cfg["cpc"] * np.exp(rng.normal(0, 0.1, nd))
        sp = sp + cfg.get("daily_fixed_per_10k_users", 0.0) * ctx.users / 10_000
        dates.append(ctx.cal.days)
        chans.append(np.full(nd, PAID_CHANNELS.index(name)))
        spend.append(np.round(sp, 2))
        impressions.append(imp)
        clicks.append(clk)
    order = np.lexsort((np.concatenate(chans), np.concatenate(dates)))
    return pa.table(
        {
            "date": pa.array(np.concatenate(dates)[order]),
            "channel": _strings(np.concatenate(chans)[order], PAID_CHANNELS),
            "spend": np.concatenate(spend)[order],
            "impressions": np.concatenate(impressions)[order],
            "clicks": np.concatenate(clicks)[order],
        },
        schema=_SCHEMAS["marketing_spend"],
    )


# Event parts are written in time order with small row groups, as an append-only log is: a query for one month
# then reads only the row groups of that month (Parquet min/max statistics) instead of the whole history.
_TIME_ORDERED = {"events": "ts"}
_TIME_ORDERED_ROW_GROUP = 131_072


class _Sink:
    """Streams Arrow tables into one Parquet file or into a folder of parts (one part per chunk).

    Parts of the tables in ``_TIME_ORDERED`` are held until the chunk ends and written sorted by time (a stable
    sort: rows at the same instant keep the order they were made in, so files stay byte-identical per seed).
    """

    def __init__(self, root: Path, name: str, parts: bool):
        self.schema = _SCHEMAS[name]
        self.order_by = _TIME_ORDERED.get(name) if parts else None
        self.parts = parts
        self.path = root / name if parts else root / f"{name}.parquet"
        if parts:
            self.path.mkdir()
        self.part = 0
        self.buffer: list[pa.Table] = []
        self.rows = 0
        self.writer: pq.ParquetWriter | None = None

    def _file(self) -> Path:
        return self.path / f"part-{self.part:05d}.parquet" if self.parts else self.path

    def add(self, table: pa.Table) -> None:
        self.buffer.append(table)
        self.rows += table.num_rows
        if self.rows >= _FLUSH_ROWS and self.order_by is None:
            self.flush()

    def flush(self) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self._file(), self.schema, compression="zstd")
        if self.buffer:
            data = pa.concat_tables(self.buffer)
            if self.order_by is not None:
                data = data.take(pc.sort_indices(data, sort_keys=[(self.order_by, "ascending")]))
                self.writer.write_table(data, row_group_size=_TIME_ORDERED_ROW_GROUP)
            else:
                self.writer.write_table(data)
        self.buffer, self.rows = [], 0

    def end_part(self) -> None:
        """Close the current part (writing an empty one if the chunk had no rows)."""
        if self.parts:
            self.flush()
            self.writer.close()
            self.writer = None
            self.part += 1

    def close(self) -> None:
        if self.parts:
            return
        self.flush()
        self.writer.close()
        self.writer = None
