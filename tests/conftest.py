from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption(
        "--simulations",
        action="store_true",
        help="also run the long coverage simulations (marker 'simulation'; make test runs their short versions)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--simulations"):
        return
    skip = pytest.mark.skip(reason="long simulation: run with --simulations")
    for item in items:
        if "simulation" in item.keywords:
            item.add_marker(skip)


def write_tables(folder: Path, fmt: str = "csv", **tables: pd.DataFrame) -> Path:
    """Write tiny tables into a source folder (csv or parquet)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        if fmt == "csv":
            df.to_csv(folder / f"{name}.csv", index=False)
        else:
            df.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A small generated shop shared by the tests (14 months ending 2026-10-31)."""
    from shoplab.sample import generate_shop

    out = tmp_path_factory.mktemp("shop") / "sample"
    generate_shop(out, users=1500, months=14, seed=7)
    return out


@pytest.fixture(scope="session")
def small_shop_dir(tmp_path_factory) -> Path:
    """A smaller generated shop (300 users, 14 months ending 2026-10-31) for tests that render reports many
    times (the optional-data matrix, the fuzz test); every table is one Parquet file, so that a copy with one
    table rewritten reads the other tables' rows in the same order."""
    import pyarrow.parquet as pq
    from nbrun import read_table, table_files

    from shoplab.sample import generate_shop

    root = tmp_path_factory.mktemp("small_shop")
    generate_shop(root / "generated", users=300, months=14, seed=7)
    out = root / "sample"
    out.mkdir()
    for name, path in table_files(root / "generated").items():
        pq.write_table(read_table(path), out / f"{name}.parquet")
    return out


@pytest.fixture(scope="session")
def sample_shop(sample_dir):
    import shoplab

    return shoplab.connect(sample_dir)


@pytest.fixture(scope="session")
def rendered(sample_dir, tmp_path_factory):
    """`shoplab report` run once on the small sample shop: (period folder, completed process)."""
    return _render(sample_dir, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="session")
def rendered_zh(sample_dir, tmp_path_factory):
    """The same, in Chinese (`--lang zh`)."""
    return _render(sample_dir, tmp_path_factory.mktemp("reports_zh"), "--lang", "zh")


def _render(sample_dir, out, *extra):
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "report", "--source", str(sample_dir), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return out / "2026-10", p
