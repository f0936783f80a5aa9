"""Shared by the sample-generator tests: the default window and how to read a generated table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

END = pd.Timestamp("2026-10-31 23:59:59")
START = pd.Timestamp("2025-09-01")


def read(shop: Path, name: str) -> pa.Table:
    """Read one table of a generated shop (single file or folder of parts, parts in order)."""
    folder = shop / name
    if folder.is_dir():
        parts = sorted(folder.glob("part-*.parquet"))
        return pa.concat_tables([pq.read_table(p) for p in parts])
    return pq.read_table(shop / f"{name}.parquet")


def frame(shop: Path, name: str) -> pd.DataFrame:
    return read(shop, name).to_pandas()
