"""Path analysis: the engine against brute-force pure-Python oracles on random small logs, hand-worked examples,
and the planted funnel of the sample shop."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shoplab import paths
from shoplab.errors import DataContractError

T0 = pd.Timestamp("2024-10-01")
STEPS = ["a", "b", "c", "d"]
ALPHABET = ["a", "b", "c", "d", "x"]


def log(rows, *extra):
    """rows: (user, minute, event[, more...]) -> events DataFrame."""
    df = pd.DataFrame(rows, columns=["user_id", "minute", "event", *extra])
    df["ts"] = T0 + pd.to_timedelta(df.pop("minute"), unit="min")
    return df[["user_id", "ts", "event", *extra]]


# -- oracles ---------------------------------------------------------------------------------------------
def oracle_funnel(df, steps, window, start=None, end=None, strict=False, unit=("user_id",)):
    """Per unit, the highest step reached, by enumerating chains (non-strict) or scanning runs (strict)."""
    win = pd.Timedelta(window)
    k_of = {}
    for i, s in enumerate(steps):
        for e in [s] if isinstance(s, str) else s:
            k_of[e] = i + 1
    K = len(steps)
    out = {}
    for key, g in df.groupby(list(unit)):
        rows = [(r.ts, k_of.get(r.event, K + 1), r.event) for r in g.itertuples()]
        rows.sort()
        ok = lambda ts: (start is None or ts >= start) and (end is None or ts < end)  # noqa: E731
        best = 0
        if strict:
            for i, (ts, k, _) in enumerate(rows):
                if k != 1 or not ok(ts):
                    continue
                lvl = 1
                while i + lvl < len(rows) and rows[i + lvl][1] == lvl + 1 and rows[i + lvl][0] <= ts + win:
                    lvl += 1
                best = max(best, min(lvl, K))
        else:
            step_rows = [(ts, k) for ts, k, _ in rows if k <= K]

            def extend(seq, pos, level, anchor):
                """Highest level of any chain continuing from seq[pos] (brute force over all choices)."""
                top = level
                for j in range(pos + 1, len(seq)):
                    ts, k = seq[j]
                    if k == level + 1 and ts <= anchor + win:
                        top = max(top, extend(seq, j, level + 1, anchor))
                return top

            for i, (ts, k) in enumerate(step_rows):
                if k == 1 and ok(ts):
                    best = max(best, extend(step_rows, i, 1, ts))
        out[key if isinstance(key, tuple) else (key,)] = best
    return out


def oracle_counts(levels, K):
    return [sum(1 for v in levels.values() if v >= k) for k in range(1, K + 1)]


def oracle_sessions(df, gap_minutes):
    out = []
    for u, g in df.groupby("user_id"):
        g = g.sort_values("ts")
        sid, prev = 0, None
        for r in g.itertuples():
            if prev is None or r.ts - prev > pd.Timedelta(minutes=gap_minutes):
                sid += 1
            prev = r.ts
            out.append((u, r.ts, r.event, sid))
    return sorted(out)


def oracle_transitions(df, gap_minutes):
    c = Counter()
    for _u, g in df.groupby("user_id"):
        seq = sorted((r.ts, r.event) for r in g.itertuples())
        for (t1, e1), (t2, e2) in zip(seq, seq[1:] + [(None, None)], strict=True):
            same = t2 is not None and t2 - t1 <= pd.Timedelta(minutes=gap_minutes)
            c[(e1, e2 if same else "[exit]")] += 1
    return c


events_strategy = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 30), st.sampled_from(ALPHABET)), min_size=1, max_size=25
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDS = st.sampled_from([(None, None), (5, 20), (0, 10)])  # funnel periods, in minutes after T0
FUNNEL_DRAWS = dict(rows=events_strategy, window_min=st.integers(0, 12), bounds=BOUNDS)


def period_of(bounds):
    """(start, end) timestamps of a ``BOUNDS`` draw (None = unbounded)."""
    return tuple(T0 + pd.Timedelta(minutes=b) if b is not None else None for b in bounds)


# -- funnel ----------------------------------------------------------------------------------------------
@SETTINGS
@given(
    rows=events_strategy,
    window_min=st.integers(0, 12),
    strict=st.booleans(),
    bounds=BOUNDS,
)
# a step 1 after the period's end, within the window of it, anchors nothing
@example(rows=[(1, 22, "a"), (1, 23, "b")], window_min=12, strict=False, bounds=(5, 20))
def test_funnel_matches_bruteforce(rows, window_min, strict, bounds):
    df = log(rows)
    start, end = period_of(bounds)
    win = f"{window_min}min"
    got = paths.funnel(df, STEPS, window=win, strict=strict, start=start, end=end)
    exp = oracle_counts(oracle_funnel(df, STEPS, win, start, end, strict), len(STEPS))
    assert got["step"].tolist() == STEPS
    assert got["users"].tolist() == exp


@SETTINGS
@given(rows=events_strategy, window_min=st.integers(0, 12))
def test_funnel_alternative_steps_and_groups(rows, window_min):
    df = log([(u, m, e, "g1" if (u + m) % 2 else "g2") for u, m, e in rows], "platform")
    steps = [["a", "x"], "b", "c"]
    got = paths.funnel(df, steps, window=f"{window_min}min", by="platform")
    for grp, g in df.groupby("platform"):
        exp = oracle_counts(oracle_funnel(g, steps, f"{window_min}min"), 3)
        mine = got[got.platform == grp]["users"].tolist()
        assert mine == exp or (mine == [] and exp == [0, 0, 0])  # groups nobody enters are left out
    assert got.step.tolist()[:3] in (["a/x", "b", "c"], [])


@SETTINGS
@given(rows=events_strategy, gap=st.integers(1, 8))
def test_session_funnel_matches_bruteforce(rows, gap):
    df = log(rows)
    sess = pd.DataFrame(oracle_sessions(df, gap), columns=["user_id", "ts", "event", "session_id"])
    got = paths.funnel(df, STEPS, window="1h", per="session", gap_minutes=gap)
    exp = oracle_counts(oracle_funnel(sess, STEPS, "1h", unit=("user_id", "session_id")), 4)
    assert got["users"].tolist() == exp


def oracle_first_valid(df, steps, window, start=None, end=None):
    """Per user and step k: (time of the first step-k occurrence that completes a valid chain, that
    occurrence's latest valid anchor, the time of the latest valid step-(k-1) occurrence before it, the one
    it extends), by enumerating every chain."""
    win = pd.Timedelta(window)
    k_of = {e: i + 1 for i, s in enumerate(steps) for e in ([s] if isinstance(s, str) else s)}
    out = {}
    for u, g in df.groupby("user_id"):
        seq = sorted((r.ts, k_of[r.event]) for r in g.itertuples() if r.event in k_of)
        anchors = [dict() for _ in seq]  # position -> set of anchors whose chain ends validly there
        for i, (ts, k) in enumerate(seq):
            if k == 1 and (start is None or ts >= start) and (end is None or ts < end):
                anchors[i] = {ts}
            elif k > 1:
                anchors[i] = {a for j in range(i) if seq[j][1] == k - 1 for a in anchors[j] if ts <= a + win}
        for i, (ts, k) in enumerate(seq):
            if anchors[i] and (u, k) not in out:
                prev = [seq[j][0] for j in range(i) if seq[j][1] == k - 1 and anchors[j]]
                out[(u, k)] = (ts, max(anchors[i]), prev[-1] if k > 1 else None)
    return out


@SETTINGS
@given(**FUNNEL_DRAWS)
@example(
    rows=[(1, 0, "a"), (1, 8, "b"), (1, 9, "a"), (1, 10, "b"), (1, 11, "c")],
    window_min=9,
    bounds=(None, None),
)
def test_funnel_times_match_bruteforce(rows, window_min, bounds):
    df = log(rows)
    start, end = period_of(bounds)
    win = f"{window_min}min"
    got = paths.funnel(df, STEPS, window=win, start=start, end=end).set_index("step_number")
    first = oracle_first_valid(df, STEPS, win, start, end)
    for k in range(1, len(STEPS) + 1):
        users = [u for (u, kk) in first if kk == k]
        from_start = pd.Series([(first[u, k][0] - first[u, k][1]) / pd.Timedelta(minutes=1) for u in users])
        assert got.users[k] == len(users)
        if not users:
            continue
        assert got.median_minutes_from_start[k] == pytest.approx(from_start.median())
        if k > 1:
            gaps = pd.Series([(first[u, k][0] - first[u, k][2]) / pd.Timedelta(minutes=1) for u in users])
            # one chain: the previous step lies between the anchor and the step, all within the window
            assert (gaps <= from_start).all() and (from_start <= window_min).all()
            assert got.median_minutes_from_previous[k] == pytest.approx(gaps.median())
            assert got.p25_minutes_from_previous[k] == pytest.approx(gaps.quantile(0.25))
            assert got.p75_minutes_from_previous[k] == pytest.approx(gaps.quantile(0.75))


# user 1: a(0) b(5) a(20) b(21) c(22): the later anchor completes a->b->c inside a 5-minute window
# user 2: a(0) c(1) b(2): c before b, so only 2 steps; user 3: b then a: step 1 only
# user 4: a(0) b(0) c(0): ties count as in order; user 5: a(0) b(10): b exactly at the edge counts
HAND_LOG = [
    (1, 0, "a"), (1, 5, "b"), (1, 20, "a"), (1, 21, "b"), (1, 22, "c"),
    (2, 0, "a"), (2, 1, "c"), (2, 2, "b"),
    (3, 0, "b"), (3, 1, "a"),
    (4, 0, "c"), (4, 0, "b"), (4, 0, "a"),
    (5, 0, "a"), (5, 10, "b"), (5, 11, "c"),
]  # fmt: skip


EDGES = (1, 2, 4)  # minutes: buckets [0, 1], (1, 2], (2, 4], (4, window]


@SETTINGS
@given(**FUNNEL_DRAWS)
@example(rows=[(1, 0, "a"), (1, 1, "b"), (2, 0, "a"), (2, 2, "b"), (3, 0, "a"), (3, 5, "b")], window_min=9,
         bounds=(None, None))  # fmt: skip
def test_step_time_distribution_matches_bruteforce(rows, window_min, bounds):
    """Each unit's time from its first valid step k-1 to its first valid step k, bucketed by hand, equals the
    engine's counts; the shares add up per step and the buckets past the window are left out."""
    df = log(rows)
    start, end = period_of(bounds)
    win = f"{window_min}min"
    got = paths.step_time_distribution(df, STEPS, window=win, start=start, end=end, edges=EDGES)
    first = oracle_first_valid(df, STEPS, win, start, end)
    ups = [e for e in EDGES if e < window_min] + [window_min]
    assert got.upper_minutes.drop_duplicates().tolist() == [float(u) for u in ups]
    for k in range(2, len(STEPS) + 1):
        gaps = [(first[u, k][0] - first[u, k][2]) / pd.Timedelta(minutes=1) for (u, kk) in first if kk == k]
        counts = [sum(1 for g in gaps if (i == 0 or g > ups[i - 1]) and g <= ups[i]) for i in range(len(ups))]
        assert sum(counts) == len(gaps)  # every gap lies within the window
        d = got[got.step_number == k].sort_values("bucket")
        assert d.units.tolist() == counts
        assert d.from_step.unique().tolist() == [STEPS[k - 2]] and d.step.unique().tolist() == [STEPS[k - 1]]
        if gaps:
            assert d.share.sum() == pytest.approx(1.0)
            assert d.cumulative_share.iloc[-1] == pytest.approx(1.0)
        else:
            assert d.share.isna().all()


def test_step_time_distribution_hand_worked():
    # HAND_LOG: first valid b after 5, 2, 0 and 10 minutes (users 1, 2, 4, 5), first valid c
    # after 1 (user 1: c(22) extends b(21), not its first valid b(5), whose chain cannot reach c) and 0 (user 4)
    df = log(HAND_LOG)
    d = paths.step_time_distribution(df, ["a", "b", "c"], window="10min", edges=(2, 5, 30))
    # the 30-minute edge lies past the 10-minute window: buckets [0, 2], (2, 5], (5, 10]
    assert d.upper_minutes.drop_duplicates().tolist() == [2.0, 5.0, 10.0]
    b = d[d.step == "b"].sort_values("bucket")
    assert b.units.tolist() == [2, 1, 1]  # 0 and 2 (edge included), 5, 10 (window edge)
    assert b.cumulative_share.tolist() == pytest.approx([0.5, 0.75, 1.0])
    c = d[d.step == "c"].sort_values("bucket")
    assert c.from_step.iloc[0] == "b"
    assert c.units.tolist() == [2, 0, 0]
    # by a group column: each group's buckets, zeros included
    df["platform"] = ["app" if u in (1, 2) else "web" for u in df.user_id]
    g = paths.step_time_distribution(df, ["a", "b"], window="10min", edges=(2, 5), by="platform")
    assert g.groupby("platform").units.apply(list).to_dict() == {"app": [1, 1, 0], "web": [1, 0, 1]}
    with pytest.raises(ValueError, match="edges"):
        paths.step_time_distribution(df, ["a", "b"], edges=(5, 2))


def test_funnel_hand_worked():
    df = log(HAND_LOG)
    f = paths.funnel(df, ["a", "b", "c"], window="10min")
    assert f.users.tolist() == [5, 4, 2]
    assert f.conversion_from_start.tolist() == pytest.approx([1, 0.8, 0.4])
    assert f.conversion_from_previous.tolist() == pytest.approx([1, 0.8, 0.5])
    assert f.dropoff.tolist() == [0, 1, 2]
    # first valid b per user: users 1, 2, 4, 5 reach it 5, 2, 0, 10 minutes after their a -> median 3.5
    assert f.median_minutes_from_previous.iloc[1] == pytest.approx(3.5)
    assert f.median_minutes_from_start.iloc[2] == pytest.approx(1.0)  # users 1 (22-20) and 4 (0)
    # from the anchor of the first valid b: user 1's b(5) counts from a(0), not b(21) from a(20) -> 5, 2, 0, 10
    assert f.median_minutes_from_start.iloc[1] == pytest.approx(3.5)
    # strict: user 1's a->b->c is consecutive; user 4's tie a,b,c also; user 5's c comes after 11 > 10
    s = paths.funnel(df, ["a", "b", "c"], window="10min", strict=True)
    assert s.users.tolist() == [5, 3, 2]
    # times from the previous step within the chain: b after 5, 0, 10 minutes (users 1, 4, 5); user 1's c(22)
    # follows b(21), not its first valid b(5): 1 minute, and user 4's 0 -> median 0.5 (not 8.5)
    assert s.median_minutes_from_previous.tolist()[1:] == pytest.approx([5.0, 0.5])
    assert s.median_minutes_from_start.iloc[2] == pytest.approx(1.0)
    assert f.median_minutes_from_previous.iloc[2] == pytest.approx(0.5)  # the same chains without strict


def test_funnel_checks_inputs():
    df = log([(1, 0, "a")]).rename(columns={"event": "name"})
    with pytest.raises(DataContractError, match=r"'event'.*columns present: user_id, ts, name"):
        paths.funnel(df, ["a", "b"])
    assert paths.funnel(df, ["a", "b"], event_col="name").users.tolist() == [1, 0]
    with pytest.raises(ValueError, match="appears in two steps"):
        paths.funnel(log([(1, 0, "a")]), ["a", "a"])
    with pytest.raises(ValueError, match="per must be"):
        paths.funnel(log([(1, 0, "a")]), ["a"], per="visit")


def test_bad_window_and_empty_keys_get_clear_errors():
    df = log([(1, 0, "a"), (1, 5, "b"), (2, 9, "a")])
    with pytest.raises(ValueError, match=r"window must be a duration such as '7D'.*got 'abc'"):
        paths.funnel(df, ["a", "b"], window="abc")
    # an event without a time cannot be ordered: refused, not silently counted (it used to count as step 1)
    bad = df.assign(ts=df.ts.where(df.index != 0))
    with pytest.raises(
        DataContractError, match=r"'ts' is empty \(null\) in 1 of 3 rows, e\.g\. row 0 \(user_id=1,"
    ):
        paths.funnel(bad, ["a", "b"])
    with pytest.raises(DataContractError, match=r"'user_id' is empty \(null\) in 1 of 3 rows"):
        paths.transitions(df.assign(user_id=df.user_id.where(df.index != 2)))


# -- sessions and transitions ------------------------------------------------------------------------------
@SETTINGS
@given(rows=events_strategy, gap=st.integers(0, 8))
def test_sessions_match_bruteforce(rows, gap):
    df = log(rows)
    got = paths.add_sessions(df, gap_minutes=gap).execute()
    got = sorted(zip(got.user_id, got.ts, got.event, got.session_id, strict=True))
    assert got == oracle_sessions(df, gap)
    summ = paths.session_summary(df, gap_minutes=gap).iloc[0]
    sess = Counter((u, s) for u, _, _, s in oracle_sessions(df, gap))
    assert summ.sessions == len(sess)
    assert summ.bounce_rate == pytest.approx(sum(v == 1 for v in sess.values()) / len(sess))


@SETTINGS
@given(rows=events_strategy, gap=st.integers(1, 8))
def test_transitions_match_bruteforce(rows, gap):
    df = log(rows)
    got = paths.transitions(df, gap_minutes=gap)
    assert dict(zip(zip(got.from_event, got.to_event, strict=True), got["count"], strict=True)) == dict(
        oracle_transitions(df, gap)
    )
    assert got.groupby("from_event").probability.sum().tolist() == pytest.approx(
        [1.0] * got.from_event.nunique()
    )


def test_transitions_with_many_event_names_take_the_general_path():
    # 80 distinct names do not fit the packed order key; ties at equal times still break by name
    rng = __import__("random").Random(7)
    rows = [(rng.randint(1, 4), rng.randint(0, 40), f"e{rng.randint(0, 79):02d}") for _ in range(400)]
    df = log(rows)
    assert df.event.nunique() >= 64
    got = paths.transitions(df, gap_minutes=3)
    assert dict(zip(zip(got.from_event, got.to_event, strict=True), got["count"], strict=True)) == dict(
        oracle_transitions(df, 3)
    )


def test_loops_paths_sankey_hand_worked():
    df = log(
        [
            (1, 0, "home"), (1, 1, "pv"), (1, 2, "search"), (1, 3, "pv"), (1, 4, "pv"), (1, 5, "pay"), (1, 6, "home"),
            (2, 0, "home"), (2, 1, "pv"), (2, 2, "pv"),
            (3, 0, "search"), (3, 1, "pv"),
        ]
    )  # fmt: skip
    lp = paths.loops(df).set_index("event")
    assert lp.loc["pv", "returns"] == 1 and lp.loc["pv", "sessions_with_return"] == 1
    assert lp.loc["pv", "sessions"] == 3 and lp.loc["home", "returns"] == 1
    tp = paths.top_paths(df, max_steps=6, target="pay").set_index("path")
    assert tp.loc["home → pv → search → pv → pay", "outcome"] == "purchase"
    assert tp.loc["home → pv", "sessions"] == 1 and tp.loc["home → pv", "outcome"] == "exit"
    assert tp.share.sum() == pytest.approx(1.0)
    short = paths.top_paths(df, max_steps=2, target="pay").set_index("path")
    assert short.loc["home → pv → …", "conversion"] == pytest.approx(1.0)
    assert short.loc["home → pv", "conversion"] == 0
    assert list(paths.paths_containing(df, ["search", "pv"]).path) == [
        "home → pv → search → pv → pay",
        "search → pv",
    ]
    sk = paths.sankey_links(df, entry="home", depth=3)
    flows = {(r.layer, r.source, r.target): r.sessions for r in sk.itertuples()}
    assert flows == {(0, "home", "pv"): 2, (1, "pv", "search"): 1, (1, "pv", "[exit]"): 1}
    kn = paths.key_nodes(df).set_index("node")
    assert (
        kn.loc["pv", "visits"] == 6
        and kn.loc["pv", "exits"] == 2
        and kn.loc["pv", "conversion"] == pytest.approx(1 / 3)
    )
    assert kn.loc["home", "median_dwell_seconds"] == pytest.approx(60.0)


def test_two_proportion_test_against_hand_computation():
    r = paths.two_proportion_test(40, 100, 60, 100)
    se = math.sqrt(0.4 * 0.6 / 100 * 2)  # unpooled, for the test and the interval alike
    z = 0.2 / se
    assert r["z"] == pytest.approx(z) and r["p_value"] == pytest.approx(0.003892, abs=1e-5)
    assert r["ci_low"] == pytest.approx(0.2 - 1.959964 * se, abs=1e-6)


def test_dropoff_destinations_hand_worked():
    df = log([(1, 0, "a"), (1, 1, "a"), (1, 2, "x"), (2, 0, "a"), (2, 1, "b"), (3, 0, "a")])
    d = paths.dropoff_destinations(df, ["a", "b"], window="1h", per="user")
    assert d[["step", "next_event", "units"]].values.tolist() == [["a", "[exit]", 1], ["a", "x", 1]]


def oracle_dropoffs(df, steps, window, start=None, end=None):
    """(step label, next different event) -> units, by brute force: per user the highest step reached, its
    first valid occurrence, then the next event with another name in (time, step, name) order."""
    first = oracle_first_valid(df, steps, window, start, end)
    top = {}
    for u, k in first:
        top[u] = max(top.get(u, 0), k)
    K = len(steps)
    k_of = {e: i + 1 for i, s in enumerate(steps) for e in ([s] if isinstance(s, str) else s)}
    c = Counter()
    for u, k in top.items():
        if k >= K:
            continue
        g = df[df.user_id == u]
        if end is not None:
            g = g[g.ts < end + pd.Timedelta(window)]
        if start is not None:
            g = g[g.ts >= start]
        seq = sorted((r.ts, k_of.get(r.event, K + 1), r.event) for r in g.itertuples())
        ts_first = first[u, k][0]
        i = next(i for i, (ts, kk, _) in enumerate(seq) if ts == ts_first and kk == k)
        nxt = next((e for _, _, e in seq[i + 1 :] if e != seq[i][2]), "[exit]")
        c[(steps[k - 1], nxt)] += 1
    return c


@SETTINGS
@given(**FUNNEL_DRAWS)
def test_dropoff_destinations_match_bruteforce(rows, window_min, bounds):
    df = log(rows)
    start, end = period_of(bounds)
    win = f"{window_min}min"
    got = paths.dropoff_destinations(df, STEPS, window=win, per="user", start=start, end=end, top=10)
    exp = oracle_dropoffs(df, STEPS, win, start, end)
    assert dict(zip(zip(got.step, got.next_event, strict=True), got.units, strict=True)) == dict(exp)


# -- planted truth ------------------------------------------------------------------------------------------
def test_planted_funnel_probabilities_recovered(sample_dir):
    """Per session (the truth's definition): every session enters; later steps in order within the session."""
    truth = json.loads((sample_dir / "_truth.json").read_text())
    import shoplab

    shop = shoplab.connect(sample_dir, validate=False)
    steps = {"entry": truth["funnel_entry_events"], **{s: s for s in truth["funnel_steps"][1:]}}
    f = paths.funnel(shop.events, steps, window="1D", per="session", by="platform")
    for platform, probs in truth["funnel_step_probabilities"].items():
        g = f[f.platform == platform].set_index("step")
        assert g.loc["entry", "users"] == truth["funnel_sessions"][platform]
        prev = "entry"
        for step, p in probs.items():
            n, x = g.loc[prev, "users"], g.loc[step, "users"]
            assert x / n == pytest.approx(truth["funnel_realised_rates"][platform][step], abs=1e-9)
            se = math.sqrt(p * (1 - p) / n)
            assert abs(x / n - p) < 3.5 * se, (platform, step, x / n, p)
            prev = step


def oracle_session_seqs(df, gap_minutes):
    """Each session's events in (ts, event) order, from the gap rule."""
    seqs = defaultdict(list)
    for u, g in df.groupby("user_id"):
        sid, prev = 0, None
        for ts, e in sorted((r.ts, r.event) for r in g.itertuples()):
            if prev is None or ts - prev > pd.Timedelta(minutes=gap_minutes):
                sid += 1
            prev = ts
            seqs[(u, sid)].append(e)
    return list(seqs.values())


@SETTINGS
@given(rows=events_strategy, gap=st.integers(1, 8), max_steps=st.integers(1, 4))
def test_top_paths_and_loops_match_bruteforce(rows, gap, max_steps):
    df = log(rows)
    seqs = oracle_session_seqs(df, gap)
    paths_c, conv = Counter(), Counter()
    ret_sessions, returns = Counter(), Counter()
    for seq in seqs:
        cut = seq[: seq.index("d") + 1] if "d" in seq else seq
        collapsed = [e for i, e in enumerate(cut) if i == 0 or cut[i - 1] != e]
        key = " → ".join(collapsed[:max_steps]) + (" → …" if len(collapsed) > max_steps else "")
        paths_c[key] += 1
        conv[key] += "d" in seq
        seen, back = set(), Counter()
        for i, e in enumerate(seq):
            if e in seen and seq[i - 1] != e:
                back[e] += 1
            seen.add(e)
        for e, n in back.items():
            returns[e] += n
            ret_sessions[e] += 1
    got = paths.top_paths(df, max_steps=max_steps, target="d", top=1000, gap_minutes=gap)
    assert dict(zip(got.path, got.sessions, strict=True)) == dict(paths_c)
    assert dict(zip(got.path, got.conversion, strict=True)) == pytest.approx(
        {k: conv[k] / n for k, n in paths_c.items()}
    )
    lp = paths.loops(df, gap_minutes=gap).set_index("event")
    assert {e: int(lp.returns.get(e, 0)) for e in ALPHABET} == {e: returns[e] for e in ALPHABET}
    assert {e: int(lp.sessions_with_return.get(e, 0)) for e in ALPHABET} == {
        e: ret_sessions[e] for e in ALPHABET
    }


@SETTINGS
@given(
    rows=events_strategy,
    gap=st.integers(1, 8),
    bounds=st.tuples(st.integers(0, 30), st.integers(1, 30)),
    own_ids=st.booleans(),
)
@example(rows=[(1, 0, "a"), (1, 3, "b"), (1, 20, "c")], gap=5, bounds=(2, 28), own_ids=False)  # crosses start
@example(rows=[(1, 0, "a"), (1, 3, "b"), (1, 20, "c")], gap=5, bounds=(2, 28), own_ids=True)
def test_sessions_starting_in_a_period_match_bruteforce(rows, gap, bounds, own_ids):
    """Sessions belong to the period they start in, however the events are cut before the window functions run
    (events before start - gap are dropped for gap sessions; the data's own session_id is kept)."""
    lo, hi = T0 + pd.Timedelta(minutes=bounds[0]), T0 + pd.Timedelta(minutes=bounds[0] + bounds[1])
    df = log(rows)
    full = oracle_sessions(df, gap)
    if own_ids:  # the data brings its session ids (here: the gap sessions, numbered per user)
        df = pd.DataFrame(full, columns=["user_id", "ts", "event", "session_id"])
    starts = {}
    for u, ts, _, s in full:
        starts[(u, s)] = min(ts, starts.get((u, s), ts))
    keep = {k for k, t in starts.items() if lo <= t < hi}
    sizes = Counter((u, s) for u, _, _, s in full if (u, s) in keep)
    summ = paths.session_summary(df, gap_minutes=gap, start=lo, end=hi).iloc[0]
    assert summ.sessions == len(keep)
    assert summ.events == sum(sizes.values())
    assert summ.bounces == sum(v == 1 for v in sizes.values())
    trans = Counter()
    by_session = defaultdict(list)
    for u, ts, e, s in full:
        if (u, s) in keep:
            by_session[(u, s)].append((ts, e))
    for seq in by_session.values():
        seq.sort()
        for (_, e1), (_, e2) in zip(seq, seq[1:] + [(None, "[exit]")], strict=True):
            trans[(e1, e2)] += 1
    got = paths.transitions(df, gap_minutes=gap, start=lo, end=hi)
    assert dict(zip(zip(got.from_event, got.to_event, strict=True), got["count"], strict=True)) == dict(trans)


def test_channel_conversion_hand_worked_with_wilson_intervals():
    """A session's channel is its first event's; conversion = sessions with the target; the interval is
    Wilson's (scipy as the oracle)."""
    from scipy.stats import binomtest

    rows = []
    for s in range(10):  # 10 sessions from "ads" (3 buy) and 4 from "seo" (4 buy), each its own user
        rows += [(s, 0, "home", "ads"), (s, 1, "pay" if s < 3 else "product_view", "other")]
    rows += [(100 + s, 0, "home", "seo") for s in range(4)] + [(100 + s, 2, "pay", "seo") for s in range(4)]
    got = paths.channel_conversion(log(rows, "channel"), target="pay").set_index("channel")
    for ch, (k, n) in {"ads": (3, 10), "seo": (4, 4)}.items():
        ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
        r = got.loc[ch]
        assert (r.sessions, r.converted) == (n, k) and r.conversion == pytest.approx(k / n)
        assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high))
    assert "other" not in got.index  # the channel of a later event does not count


def test_a_bound_context_gives_the_keyword_results():
    """PathContext binds the schema, window and period once: passing it as the events gives what the keywords do
    (renamed columns, sessions cut at a gap, a period, a breakdown)."""
    df = pd.DataFrame(
        {
            "uid": [1, 1, 1, 2, 2, 3, 3, 3],
            "when": pd.to_datetime(
                [
                    "2026-10-01 00:00",
                    "2026-10-01 00:10",
                    "2026-10-01 02:00",
                    "2026-10-02 00:00",
                    "2026-10-02 00:05",
                    "2026-09-30 23:59",
                    "2026-10-03 00:00",
                    "2026-10-03 00:01",
                ]
            ),  # fmt: skip
            "name": ["a", "b", "c", "a", "c", "a", "a", "b"],
            "platform": ["app", "app", "app", "web", "web", "app", "app", "app"],
        }
    )
    kw = dict(window="3h", per="session", period="2026-10", gap_minutes=60, user_col="uid", ts_col="when",
              event_col="name")  # fmt: skip
    ctx = paths.PathContext(df, **kw)
    for by in (None, "platform"):
        pd.testing.assert_frame_equal(
            paths.funnel(ctx, ["a", "b", "c"], by=by), paths.funnel(df, ["a", "b", "c"], by=by, **kw)
        )
        pd.testing.assert_frame_equal(
            paths.step_time_distribution(ctx, ["a", "b", "c"], by=by),
            paths.step_time_distribution(df, ["a", "b", "c"], by=by, **kw),
        )
    assert paths.funnel(ctx, ["a", "b", "c"]).users.tolist() == [3, 2, 0]
