"""Shared helpers of the sample-shop generator: random draws, calendar and seasonality, items, campaigns, context."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .design import (
    _ARCH_NAMES,
    _CAMPAIGN_TEMPLATES,
    _CAT_NAMES,
    _DAY_MS,
    _DAY_OF_WEEK,
    _FUNNEL_BASE,
    _HOUR_OF_DAY,
    _REVIEW_TEXTS,
    _SEC_MS,
    _SPRING_FESTIVAL,
    _STORE_COUPONS,
    _STREAM_CATALOGUE,
    ARCHETYPES,
    CATEGORIES,
    CITY_TIERS,
    PLATFORMS,
    TRAFFIC_CHANNELS,
)


def _arch_param(name: str) -> np.ndarray:
    """Return an archetype parameter as an array indexed by archetype code."""
    return np.array([ARCHETYPES[a][name] for a in _ARCH_NAMES], dtype=float)


def _draw(rng: np.random.Generator, probs, n: int) -> np.ndarray:
    """Draw ``n`` category codes from one probability vector."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _draw_rows(rng: np.random.Generator, probs, rows: np.ndarray) -> np.ndarray:
    """Draw one category code per element, each from the probability row ``probs[rows[i]]``.

    Parameters
    ----------
    rng : numpy.random.Generator
    probs : array-like of shape (R, K)
        One probability vector per row (need not be normalised).
    rows : numpy.ndarray of int
        Row of ``probs`` to draw from, one per output element.

    Returns
    -------
    numpy.ndarray
        Codes in ``0 .. K-1``.
    """
    p = np.asarray(probs, dtype=float)
    n_rows, k = p.shape
    cum = np.cumsum(p, axis=1)
    cum /= cum[:, -1:]
    cum[:, -1] = 1.0
    flat = (cum + np.arange(n_rows)[:, None]).ravel()
    idx = np.searchsorted(flat, rng.random(len(rows)) + rows, side="right")
    return np.clip(idx - rows * k, 0, k - 1)


def _segment_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each segment in a flat array of concatenated segments of the given lengths."""
    ends = np.cumsum(counts)
    return ends - counts


def _strings(codes: np.ndarray, dictionary, null: np.ndarray | None = None) -> pa.Array:
    """Turn integer codes into an Arrow string array (``null`` marks missing values)."""
    values = pa.array(list(dictionary), type=pa.string())
    idx = pa.array(np.asarray(codes, dtype=np.int32), mask=null)
    return pc.take(values, idx)


def _ts(start_us: int, ms: np.ndarray) -> pa.Array:
    """Timestamps (``timestamp[us]``) from milliseconds relative to the window start."""
    us = start_us + np.asarray(ms, dtype=np.int64) * 1000
    return pa.array(us.view("datetime64[us]"))


def _money(cents: np.ndarray) -> np.ndarray:
    """Yuan (float) from integer cents."""
    return np.asarray(cents, dtype=np.int64) / 100.0


def _window(end, months: int) -> tuple[dt.date, dt.date]:
    """First and last day of the ``months`` whole calendar months ending with the month of ``end``."""
    end_day = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if isinstance(end_day, dt.datetime):
        end_day = end_day.date()
    if months < 1:
        raise ValueError("months must be >= 1")
    index = end_day.year * 12 + end_day.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), end_day


def _day_factors(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Seasonal multipliers per day, the days with a midnight rush (peak days) and the peak list for truth.

    Parameters
    ----------
    days : numpy.ndarray of datetime64[D]
        Every day of the window.
    """
    factor = np.ones(len(days))
    midnight = np.zeros(len(days), dtype=bool)
    peaks: list[dict] = []
    first, last = days[0], days[-1]

    def setf(day: str, value: float) -> np.ndarray | None:
        i = (np.datetime64(day) - first).astype(int)
        if 0 <= i < len(days):
            factor[i] = value
            return i
        return None

    years = range(first.astype(object).year - 1, last.astype(object).year + 1)
    for y in years:
        # 618: ramp June 1-17, peak on June 18 (midnight rush), small tail.
        for d in range(1, 18):
            setf(f"{y}-06-{d:02d}", 1.25 + 0.04 * (d - 1))
        setf(f"{y}-06-19", 1.3)
        if setf(f"{y}-06-18", 3.2) is not None:
            midnight[(np.datetime64(f"{y}-06-18") - first).astype(int)] = True
            peaks.append(dict(name="618", date=f"{y}-06-18", multiplier=3.2, ramp=f"{y}-06-01..{y}-06-17"))
        # 双11: pre-sale browsing Oct 24-31, ramp Nov 1-10, peak Nov 11.
        for d in range(24, 32):
            setf(f"{y}-10-{d:02d}", 1.15)
        for d in range(1, 11):
            setf(f"{y}-11-{d:02d}", 1.4 + 0.05 * (d - 1))
        setf(f"{y}-11-12", 1.4)
        if setf(f"{y}-11-11", 4.0) is not None:
            midnight[(np.datetime64(f"{y}-11-11") - first).astype(int)] = True
            peaks.append(dict(name="双11", date=f"{y}-11-11", multiplier=4.0, ramp=f"{y}-11-01..{y}-11-10"))
        # 双12: smaller.
        setf(f"{y}-12-10", 1.2)
        setf(f"{y}-12-11", 1.2)
        if setf(f"{y}-12-12", 2.0) is not None:
            peaks.append(dict(name="双12", date=f"{y}-12-12", multiplier=2.0, ramp=None))
        # 38 女王节 (this shop sells mostly to women).
        if setf(f"{y}-03-08", 1.5) is not None:
            peaks.append(dict(name="38女王节", date=f"{y}-03-08", multiplier=1.5, ramp=None))
        # Spring Festival: logistics stop, traffic dips.
        sf = _SPRING_FESTIVAL.get(y)
        if sf is not None:
            base = np.datetime64(sf)
            hit = False
            for k in range(-3, 7):
                hit |= setf(str(base + k), 0.6) is not None
            if hit:
                peaks.append(dict(name="春节(低谷)", date=sf, multiplier=0.6, ramp=f"{base - 3}..{base + 6}"))
    peaks = [p for p in peaks if str(first) <= p["date"] <= str(last) or p["name"].startswith("春节")]
    peaks.sort(key=lambda p: p["date"])
    return factor, midnight, peaks


def _calendar(start: dt.date, end: dt.date) -> SimpleNamespace:
    """Build the hourly traffic-intensity curve of the window and its cumulative integral.

    The intensity combines hour of day, day of week, a mild growth trend and the seasonal day factors;
    it is normalised to mean 1 so that ``C(t)`` (the cumulative intensity, in ms) is close to ``t``.
    Session and signup times are drawn by inverting ``C``.
    """
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    n_days = len(days)
    factor, midnight, peaks = _day_factors(days)
    weekday = (days.astype(np.int64) + 3) % 7
    trend = np.linspace(0.9, 1.1, n_days)
    hourly = (factor * _DAY_OF_WEEK[weekday] * trend)[:, None] * _HOUR_OF_DAY[None, :]
    hourly[midnight, 0] *= 3.0
    w = hourly.ravel()
    w = w / w.mean()
    grid = np.arange(len(w) + 1, dtype=float) * 3_600_000.0
    cum = np.concatenate([[0.0], np.cumsum(w) * 3_600_000.0])
    total_ms = n_days * _DAY_MS
    return SimpleNamespace(
        days=days,
        n_days=n_days,
        day_factor=factor,
        peak_day=factor >= 2.0,
        peaks=peaks,
        grid=grid,
        cum=cum,
        total_ms=total_ms,
        horizon_ms=total_ms - _SEC_MS,  # last allowed timestamp: end day 23:59:59
        session_end_ms=total_ms - 120 * _SEC_MS,  # sessions start at least 2 minutes before the end
    )


def _cum_of(cal: SimpleNamespace, t_ms: np.ndarray) -> np.ndarray:
    return np.interp(t_ms, cal.grid, cal.cum)


def _inv_cum(cal: SimpleNamespace, c: np.ndarray) -> np.ndarray:
    return np.interp(c, cal.cum, cal.grid)


def _make_items(rng: np.random.Generator, users: int) -> SimpleNamespace:
    """Create the catalogue: items sorted by category with list price, cost and popularity."""
    n_items = int(min(5000, max(120, round(300 * (users / 10_000) ** 0.3))))
    shares = [CATEGORIES[c][0] for c in _CAT_NAMES]
    cat = _draw(rng, shares, n_items)
    cat[: 3 * len(_CAT_NAMES)] = np.repeat(np.arange(len(_CAT_NAMES)), 3)  # every category has items
    cat = np.sort(cat)
    median = np.array([CATEGORIES[c][1] for c in _CAT_NAMES])[cat]
    raw = np.clip(np.exp(np.log(median) + 0.5 * rng.normal(size=n_items)), 8.0, 9999.0)
    price_c = np.where(raw < 20, np.ceil(raw) * 100 - 10, np.ceil(raw / 10) * 1000 - 10).astype(np.int64)
    lo = np.array([CATEGORIES[c][2][0] for c in _CAT_NAMES])[cat]
    hi = np.array([CATEGORIES[c][2][1] for c in _CAT_NAMES])[cat]
    margin = lo + (hi - lo) * rng.random(n_items)
    cost_c = np.rint(price_c * (1 - margin)).astype(np.int64)
    popularity = 1.0 / (rng.permutation(n_items) + 5.0) ** 0.9
    # Cumulative popularity within each category, offset by the category code, for _pick_items.
    counts = np.bincount(cat, minlength=len(_CAT_NAMES))
    cum = np.cumsum(popularity)
    starts = _segment_starts(counts)
    before = np.concatenate([[0.0], cum])[starts]
    totals = np.add.reduceat(popularity, starts)
    within = (cum - before[cat]) / totals[cat]
    within[np.r_[starts[1:] - 1, n_items - 1]] = 1.0
    return SimpleNamespace(
        n=n_items,
        item_id=10_001 + np.arange(n_items, dtype=np.int64),
        category=cat,
        price_c=price_c,
        cost_c=cost_c,
        flat_cum=within + cat,
    )


def _pick_items(
    rng: np.random.Generator, items: SimpleNamespace, cat: np.ndarray, tilt: np.ndarray
) -> np.ndarray:
    """Pick items (catalogue indices) of the given categories by popularity.

    ``tilt`` = +1 prefers the pricier of two candidates (60 %), -1 the cheaper one, 0 takes the first.
    """
    n = len(cat)
    a = np.searchsorted(items.flat_cum, cat + rng.random(n), side="right")
    b = np.searchsorted(items.flat_cum, cat + rng.random(n), side="right")
    a = np.minimum(a, items.n - 1)
    b = np.minimum(b, items.n - 1)
    use_tilt = rng.random(n) < 0.6
    pa_, pb = items.price_c[a], items.price_c[b]
    take_b = use_tilt & (((tilt > 0) & (pb > pa_)) | ((tilt < 0) & (pb < pa_)))
    return np.where(take_b, b, a)


def _campaigns(start: dt.date, end: dt.date, cal: SimpleNamespace) -> list[dict]:
    """One campaign per calendar month of the window, from the monthly templates."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        slug, name, kind, channel, day, length, frac, share, mu, boost, disc = _CAMPAIGN_TEMPLATES[m]
        if day is None:  # weekend flash sale: first Friday on or after the 15th
            d15 = dt.date(y, m, 15)
            day = 15 + (4 - d15.weekday()) % 7
        first = dt.date(y, m, day)
        start_ms = (first - start).days * _DAY_MS
        end_ms = min(start_ms + length * _DAY_MS - _SEC_MS, cal.horizon_ms)
        if start_ms <= cal.horizon_ms - _DAY_MS:
            out.append(
                dict(
                    campaign_id=f"C{y}-{m:02d}-{slug}",
                    name=name,
                    type=kind,
                    channel=channel,
                    start_ms=start_ms,
                    end_ms=end_ms,
                    assign_fraction=frac,
                    treatment_share=share,
                    extra_sessions_per_treated_user=mu,
                    funnel_boost=boost,
                    discount=disc,
                )
            )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _context(users: int, months: int, seed: int, end) -> SimpleNamespace:
    start_day, end_day = _window(end, months)
    cal = _calendar(start_day, end_day)
    rng = np.random.default_rng(np.random.SeedSequence([seed, _STREAM_CATALOGUE]))
    items = _make_items(rng, users)
    camps = _campaigns(start_day, end_day, cal)
    cities, city_tier, city_p = [], [], []
    tier_names = list(CITY_TIERS)
    for t, (share, names) in CITY_TIERS.items():
        w = 1.0 / (np.arange(len(names)) + 2.0)
        for name, wi in zip(names, w / w.sum(), strict=True):
            cities.append(name)
            city_tier.append(tier_names.index(t))
            city_p.append(share * wi)
    arch = {k: _arch_param(k) for k, v in ARCHETYPES[_ARCH_NAMES[0]].items() if isinstance(v, int | float)}
    nc = len(camps)
    return SimpleNamespace(
        seed=seed,
        users=users,
        months=months,
        start_day=start_day,
        end_day=end_day,
        start_us=int((np.datetime64(start_day, "us") - np.datetime64(0, "us")).astype(np.int64)),
        cal=cal,
        items=items,
        camps=camps,
        n_camp=nc,
        camp_start=np.array([c["start_ms"] for c in camps], dtype=np.int64),
        camp_end=np.array([c["end_ms"] for c in camps], dtype=np.int64),
        camp_frac=np.array([c["assign_fraction"] for c in camps]),
        camp_share=np.array([c["treatment_share"] for c in camps]),
        camp_mu=np.array([c["extra_sessions_per_treated_user"] for c in camps]),
        camp_boost=np.array([c["funnel_boost"] for c in camps]),
        cities=cities,
        city_tier=np.array(city_tier),
        city_p=np.array(city_p),
        tier_names=tier_names,
        arch=arch,
        arch_funnel=np.array([ARCHETYPES[a]["funnel_multipliers"] for a in _ARCH_NAMES]),
        arch_qty=np.array([ARCHETYPES[a]["quantity_probabilities"] for a in _ARCH_NAMES]),
        arch_cart=np.array([ARCHETYPES[a]["cart_lines_probabilities"] for a in _ARCH_NAMES]),
        arch_status=np.array([ARCHETYPES[a]["status_probabilities"] for a in _ARCH_NAMES]),
        funnel_base=np.array([_FUNNEL_BASE[p] for p in PLATFORMS]),
        coupon_ids=[c[0] for c in _STORE_COUPONS] + [f"CP-{c['campaign_id']}" for c in camps],
        camp_ids=[c["campaign_id"] for c in camps],
        review_texts=[t for s in range(1, 6) for t in _REVIEW_TEXTS[s]],
        review_offsets=np.cumsum([0] + [len(_REVIEW_TEXTS[s]) for s in range(1, 6)]),
    )


def _new_state(ctx: SimpleNamespace) -> SimpleNamespace:
    """Running counters and accumulators, updated block after block (in block order)."""
    nc = ctx.n_camp
    return SimpleNamespace(
        next_session=1,
        next_order=1,
        funnel_p=np.zeros((len(PLATFORMS), 5)),
        funnel_n=np.zeros((len(PLATFORMS), 5)),
        funnel_hit=np.zeros((len(PLATFORMS), 5)),
        sessions_by_day_channel=np.zeros(ctx.cal.n_days * len(TRAFFIC_CHANNELS)),
        gmv_by_day_channel=np.zeros(ctx.cal.n_days * len(TRAFFIC_CHANNELS)),
        camp_assigned=np.zeros(nc),
        camp_treated=np.zeros(nc),
        camp_dconv=np.zeros(nc),
        camp_dspend=np.zeros(nc),
        camp_conv_t=np.zeros(nc),
        camp_conv_c=np.zeros(nc),
        camp_spend_t=np.zeros(nc),
        camp_spend_c=np.zeros(nc),
        camp_discount=np.zeros(nc),
        arch_counts=np.zeros(len(_ARCH_NAMES)),
        arch_codes=[],
        n_events=0,
        n_orders=0,
        n_members=0,
    )
