"""Tests of the sample-shop generator (`shoplab.sample.generate_shop`): layout, determinism and the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from shoplab.contract import TABLES
from shoplab.sample import PART_TABLES, generate_shop

from .sample_helpers import END, START, frame, read


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small") / "shop"
    truth = generate_shop(out, users=1000, seed=7)
    return out, truth


# ------------------------------------------------------------------------------------------------ layout


def test_layout_and_truth_file(small):
    shop, truth = small
    for name in TABLES:
        if name in PART_TABLES:
            assert (shop / name / "part-00000.parquet").exists()
        else:
            assert (shop / f"{name}.parquet").exists()
    on_disk = json.loads((shop / "_truth.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(truth))
    for key in (
        "seed",
        "users",
        "months",
        "start",
        "end",
        "archetypes",
        "user_archetype",
        "funnel_step_probabilities",
        "funnel_steps",
        "campaigns",
        "churn_drivers",
        "tiers",
        "categories",
        "peaks",
    ):
        assert key in truth
    assert truth["start"] == "2025-09-01 00:00:00"
    assert truth["end"] == "2026-10-31 23:59:59"
    assert len(truth["user_archetype"]) == 1000
    assert set(truth["user_archetype"].values()) <= set(truth["archetypes"])
    assert abs(sum(a["share"] for a in truth["archetypes"].values()) - 1) < 1e-9
    assert (shop / "_truth_users.parquet").exists()
    assert not list(shop.parent.glob(".*tmp*"))


def test_window_follows_months_and_end(tmp_path):
    truth = generate_shop(tmp_path / "s", users=200, months=3, end="2026-06-30", seed=1)
    assert truth["start"] == "2026-04-01 00:00:00" and truth["end"] == "2026-06-30 23:59:59"
    ev = frame(tmp_path / "s", "events")
    assert ev.ts.min() >= pd.Timestamp("2026-04-01") and ev.ts.max() <= pd.Timestamp("2026-06-30 23:59:59")
    assert {c["start_ts"][:7] for c in truth["campaigns"].values()} == {"2026-04", "2026-05", "2026-06"}


def test_replaces_previous_shop_but_not_other_folders(tmp_path):
    out = tmp_path / "shop"
    generate_shop(out, users=100, seed=1)
    generate_shop(out, users=120, seed=1)
    assert read(out, "users").num_rows == 120
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate_shop(other, users=100)
    assert (other / "keep.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "shop"]


# ------------------------------------------------------------------------------------------------ determinism


def _all_files(shop: Path) -> dict[str, bytes]:
    return {str(p.relative_to(shop)): p.read_bytes() for p in sorted(shop.rglob("*")) if p.is_file()}


def test_same_seed_is_byte_identical(tmp_path, small):
    shop, _ = small
    again = tmp_path / "again"
    generate_shop(again, users=1000, seed=7)
    assert _all_files(shop) == _all_files(again)


def test_different_seed_differs(tmp_path, small):
    shop, _ = small
    other = tmp_path / "other"
    generate_shop(other, users=1000, seed=8)
    for name in ("users", "events", "orders"):
        assert not read(shop, name).equals(read(other, name))


def test_chunking_does_not_change_the_data(tmp_path):
    one = tmp_path / "one"
    many = tmp_path / "many"
    t1 = generate_shop(one, users=2500, seed=3, chunk_users=50_000)
    t2 = generate_shop(many, users=2500, seed=3, chunk_users=1000)
    assert len(list((many / "events").glob("part-*.parquet"))) == 3
    assert len(list((one / "events").glob("part-*.parquet"))) == 1
    for name in TABLES:
        a, b = read(one, name), read(many, name)
        if name == "events":  # each part is in time order, so only the order across parts differs
            a, b = (x.take(pc.sort_indices(x, sort_keys=[("user_id", "ascending")])) for x in (a, b))
        assert a.equals(b), name
    t1.pop("chunk_users"), t2.pop("chunk_users")
    assert t1 == t2


def test_event_parts_are_in_time_order_with_small_row_groups(tmp_path):
    shop = tmp_path / "shop"
    generate_shop(shop, users=2500, seed=3, chunk_users=1000)
    for part in sorted((shop / "events").glob("part-*.parquet")):
        f = pq.ParquetFile(part)
        ts = f.read(columns=["ts"]).column("ts")
        assert pc.all(pc.less_equal(ts[:-1], ts[1:])).as_py(), part.name
        assert all(f.metadata.row_group(i).num_rows <= 131_072 for i in range(f.metadata.num_row_groups))


# ------------------------------------------------------------------------------------------------ contract


def _kind_ok(kind: str, typ: pa.DataType) -> bool:
    if kind == "id":
        return pa.types.is_integer(typ) or pa.types.is_string(typ)
    if kind == "timestamp":
        return pa.types.is_timestamp(typ) and typ.unit == "us" and typ.tz is None
    if kind == "date":
        return pa.types.is_date32(typ)
    if kind == "number":
        return pa.types.is_floating(typ) or pa.types.is_integer(typ)
    if kind == "integer":
        return pa.types.is_integer(typ)
    if kind == "string":
        return pa.types.is_string(typ)
    if kind == "boolean":
        return pa.types.is_boolean(typ)
    raise AssertionError(kind)


def test_contract_columns_kinds_and_constraints(small):
    shop, _ = small
    tables = {name: read(shop, name) for name in TABLES}
    # feedback with its DSR rows (feedback/dsr-00000.parquet, written by the service stream)
    dsr = pq.read_table(shop / "feedback" / "dsr-00000.parquet")
    tables["feedback"] = pa.concat_tables([tables["feedback"], dsr], promote_options="default")
    for name, spec in TABLES.items():
        t = tables[name]
        assert t.num_rows > 0, name
        assert t.column_names == [c.name for c in spec.columns], name
        for col in spec.columns:
            assert _kind_ok(col.kind, t.schema.field(col.name).type), (
                name,
                col.name,
                t.schema.field(col.name).type,
            )
            values = t.column(col.name).to_pandas()
            if col.required:
                assert values.notna().all(), (name, col.name)
            if col.allowed:
                assert set(values.dropna()) <= set(col.allowed), (name, col.name)
            if col.non_negative:
                assert (values.dropna() >= 0).all(), (name, col.name)
        if spec.unique:
            df = t.select(list(spec.unique)).to_pandas()
            assert not df.duplicated().any(), name
        for col, target in spec.references.items():
            tname, tcol = target.split(".")
            have = set(t.column(col).drop_null().to_pylist())
            assert have <= set(tables[tname].column(tcol).to_pylist()), (name, col)
    assert tables["users"].schema.field("user_id").type == pa.int64()
    assert tables["events"].schema.field("session_id").type == pa.int64()
    assert tables["orders"].schema.field("order_id").type == pa.int64()
    assert tables["campaigns"].schema.field("campaign_id").type == pa.string()


def test_no_timestamp_after_end(small):
    shop, _ = small
    for name, spec in TABLES.items():
        t = read(shop, name)
        for col in spec.columns:
            if col.kind in ("timestamp", "date"):
                v = pd.to_datetime(t.column(col.name).to_pandas()).dropna()
                assert v.max() <= END, (name, col.name, v.max())
    for name in ("events", "orders", "points", "feedback", "marketing_spend"):
        col = "date" if name == "marketing_spend" else "ts"
        assert pd.to_datetime(frame(shop, name)[col]).min() >= START, name
