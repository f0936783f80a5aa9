"""Helpers for the `shoplab import` tests: run the command, read what it wrote."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd

import shoplab
from shoplab.cli import main
from shoplab.overview import month_kpis

SALT = "test-salt-0123456789"


def run_import(*args: str | Path) -> int:
    return main(["import", *map(str, args)])


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)
    return path


def folder_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file in a folder (to show that a repeated import changes nothing)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def written_text(folder: Path) -> str:
    """Every text value the import wrote (Parquet string columns, JSON files), for personal-data checks."""
    parts = []
    for p in sorted(folder.rglob("*")):
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
            parts += [" ".join(map(str, df[c].dropna())) for c in df.columns]
            parts.append(" ".join(df.columns))
        elif p.suffix == ".json":
            parts.append(p.read_text(encoding="utf-8"))
    return "\n".join(parts)


def kpis(folder: Path, periods: list[str]) -> pd.DataFrame:
    """Orders, buyers and GMV per month as the overview report computes them (validating first)."""
    shop = shoplab.connect(folder)
    assert not shop.validation.errors, str(shop.validation)
    k = month_kpis(shop, periods)
    k.index = [str(m)[:7] for m in k.index]
    return k[["orders", "buyers", "gmv"]]


def net_sales(orders: pd.DataFrame) -> pd.Series:
    """Net sales per month: sold (paid or refunded) orders' amount less refund_amount."""
    sold = orders[orders.status.isin(["paid", "refunded"])]
    return (sold.amount - sold.refund_amount).groupby(sold.ts.dt.strftime("%Y-%m")).sum()
