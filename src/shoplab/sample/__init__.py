"""Deterministic, realistic sample e-commerce shop generator.

The sample shop is a synthetic Chinese e-commerce store (Tmall/Taobao-style) whose data follows
:mod:`shoplab.contract` exactly. Hidden mechanisms are planted on purpose — user archetypes, churn drivers,
platform-dependent funnels, seasonality peaks (618, 双11, 双12), randomised campaigns with known lifts, a
loyalty programme with tiers and points — and the truths are written to ``_truth.json`` so that reports and
tests can check that analyses recover them.

Layout of a generated shop folder::

    users.parquet  items.parquet  members.parquet  tier_history.parquet  campaigns.parquet
    campaign_assignments.parquet  marketing_spend.parquet  targets.parquet (the plan, :mod:`.targets`)
    events/part-00000.parquet ...   orders/...   order_items/...   points/...   feedback/...
    _truth.json  _truth_users.parquet

Users are simulated in blocks of :data:`BLOCK_USERS` users, each with its own random generator
(``SeedSequence([seed, 1, block_index])``); every per-user quantity is drawn inside its block, ids are
numbered in block order and global totals are summed in block order. The data are therefore identical for
any ``chunk_users`` (which only decides how many users go into each Parquet part) and memory stays bounded
by one chunk whatever the number of users.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from ._common import (
    _context,
    _new_state,
)
from .design import (
    BLOCK_USERS,
)
from .merch import merchandise
from .schemas import (
    _STREAMED_FILES,
    PART_TABLES,
)
from .service import write_service_tables
from .tables import (
    _campaigns_table,
    _items_table,
    _marketing_table,
    _simulate_block,
    _Sink,
)
from .targets import write_targets
from .truth import (
    _truth,
)

__all__ = ["generate_shop", "BLOCK_USERS", "PART_TABLES"]


def generate_shop(
    out_dir,
    *,
    users: int = 10_000,
    months: int = 14,
    seed: int = 42,
    end: str = "2026-10-31",
    chunk_users: int = 50_000,
) -> dict:
    """Write the sample shop into out_dir and return the truth dict (also written to out_dir/_truth.json).

    Parameters
    ----------
    out_dir : str or os.PathLike
        Target folder. It is built in a hidden temporary folder next to it and renamed at the end; an
        existing ``out_dir`` is replaced only if it is empty or holds a previous sample shop
        (``_truth.json``).
    users : int
        Number of users.
    months : int
        Whole calendar months covered, ending with the month of ``end``.
    seed : int
        Seed of every random draw; the same arguments give byte-identical files.
    end : str
        Last day covered (ISO date, inclusive up to 23:59:59).
    chunk_users : int
        Users per Parquet part of the per-user-heavy tables; bounds memory. Rounded up to a multiple of
        :data:`BLOCK_USERS`; it does not change the data.

    Returns
    -------
    dict
        The planted truths (see ``_truth.json``).
    """
    if users < 1:
        raise ValueError("users must be >= 1")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not (out / "_truth.json").exists():
        raise FileExistsError(f"{out} exists and is not a sample shop; refusing to replace it")
    chunk = max(BLOCK_USERS, -(-int(chunk_users) // BLOCK_USERS) * BLOCK_USERS)
    ctx = _context(int(users), int(months), int(seed), end)
    st = _new_state(ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        sinks = {
            name: _Sink(tmp, name, parts=name in PART_TABLES) for name in (*PART_TABLES, *_STREAMED_FILES)
        }
        n_blocks = -(-ctx.users // BLOCK_USERS)
        blocks_per_chunk = chunk // BLOCK_USERS
        for b in range(n_blocks):
            lo, hi = b * BLOCK_USERS, min((b + 1) * BLOCK_USERS, ctx.users)
            for name, table in _simulate_block(ctx, b, lo, hi, st).items():
                sinks[name].add(table)
            if (b + 1) % blocks_per_chunk == 0 or b == n_blocks - 1:
                for name in PART_TABLES:
                    sinks[name].end_part()
        for name in _STREAMED_FILES:
            sinks[name].close()
        items, inventory, merch_truth = merchandise(
            tmp, ctx, _items_table(ctx)
        )  # stream 3; items' existing columns unchanged
        pq.write_table(items, tmp / "items.parquet", compression="zstd")
        pq.write_table(inventory, tmp / "inventory.parquet", compression="zstd")
        pq.write_table(_campaigns_table(ctx, st), tmp / "campaigns.parquet", compression="zstd")
        pq.write_table(_marketing_table(ctx, st), tmp / "marketing_spend.parquet", compression="zstd")
        truth = _truth(ctx, st, chunk)
        truth["merchandise"] = merch_truth
        truth["targets"] = write_targets(tmp, seed=int(seed))  # stream 4, read from the tables just written
        truth["service"] = write_service_tables(tmp, ctx)  # stream 5; adds files, changes none
        (tmp / "_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return truth
