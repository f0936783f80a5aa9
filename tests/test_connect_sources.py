"""The connect paths beyond a folder: named profiles (shoplab.toml / SHOPLAB_CONFIG) and spark:// URLs.

These run on DuckDB and need neither pyspark nor Java: a spark:// URL is checked before any session starts.
The Spark side of profiles, URLs and sessions is in tests/test_spark_parity.py.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

import shoplab
from shoplab.errors import SourceError
from shoplab.profiles import CONFIG_ENV, apply_columns, load_profile
from shoplab.spark import parse_url

WAREHOUSE_ORDERS = pd.DataFrame(
    {
        "ord_no": [1, 2, 3],
        "uid": ["u1", "u2", "u1"],
        "pay_time": ["2024-10-01 10:00:00", "2024-10-02 11:30:00", "2024-10-05 09:00:00"],
        "pay_amt": [100.0, 25.5, 30.0],
        "amount": [0.0, 0.0, 0.0],  # a stale column with a contract name: the mapping says which one is meant
        "store": ["A", "B", "A"],
    }
)
WAREHOUSE_USERS = pd.DataFrame(
    {"member_no": ["u1", "u2"], "reg_time": pd.to_datetime(["2024-09-01", "2024-09-02"])}
)

PROFILES = """
[profiles.local_dw]
engine = "duckdb"
path = "${SHOP_DIR}"

[profiles.local_dw.tables]
orders = "fact_orders"
users = "dim_user"

[profiles.local_dw.columns.orders]
order_id = "ord_no"
user_id = "uid"
ts = "pay_time"
amount = "pay_amt"

[profiles.local_dw.columns.users]
user_id = "member_no"
signup_ts = "reg_time"

[profiles.warehouse]
engine = "spark"
master = "spark://spark-master.internal:7077"
database = "dw"

[profiles.warehouse.conf]
"spark.executor.memory" = "8g"
"spark.hadoop.javax.jdo.option.ConnectionPassword" = "${METASTORE_PASSWORD}"

[profiles.clickhouse]
url = "clickhouse://analyst:${CH_PASSWORD}@ch.internal:8123/shop"
"""


@pytest.fixture
def config(tmp_path, monkeypatch):
    shop_dir = tmp_path / "dw"
    shop_dir.mkdir()
    WAREHOUSE_ORDERS.to_csv(shop_dir / "fact_orders.csv", index=False)
    WAREHOUSE_USERS.to_parquet(shop_dir / "dim_user.parquet", index=False)
    cfg = tmp_path / "conf" / "shoplab.toml"
    cfg.parent.mkdir()
    cfg.write_text(PROFILES, encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(cfg))
    monkeypatch.setenv("SHOP_DIR", str(shop_dir))
    monkeypatch.setenv("METASTORE_PASSWORD", "s3cret-metastore")
    monkeypatch.setenv("CH_PASSWORD", "s3cret-ch")
    return cfg


def test_profile_expands_env_and_maps_tables_and_columns(config, tmp_path):
    prof = load_profile("local_dw")
    assert prof.engine == "duckdb" and prof.path == str(tmp_path / "dw")  # ${SHOP_DIR} expanded
    assert prof.tables == {"orders": "fact_orders", "users": "dim_user"}
    assert prof.columns["orders"]["amount"] == "pay_amt"

    shop = shoplab.connect("profile:local_dw")
    assert shop.table_names == ["users", "orders"]
    assert shop.validation.ok, shop.validation.errors
    o = shop.orders.order_by("order_id").to_pandas()
    assert list(o.columns[:4]) == ["order_id", "user_id", "ts", "amount"]
    assert "ord_no" not in o.columns and "pay_amt" not in o.columns and "store" in o.columns
    assert o.amount.tolist() == [100.0, 25.5, 30.0]  # the mapped column, not the stale one
    assert o.ts.dtype.kind == "M"  # the text timestamps were cast by the contract, lazily
    assert o.status.tolist() == ["paid"] * 3  # contract defaults apply to mapped tables too
    u = shop.users.to_pandas()
    assert list(u.columns) == ["user_id", "signup_ts"]
    assert "profile:local_dw" in shop.source and shop.files["orders"].endswith("fact_orders.csv")


def test_profile_also_found_as_shoplab_toml_in_the_working_directory(config, monkeypatch, tmp_path):
    monkeypatch.delenv(CONFIG_ENV)
    monkeypatch.chdir(config.parent)
    assert shoplab.connect("profile:local_dw", validate=False).table_names == ["users", "orders"]
    assert os.environ[CONFIG_ENV] == str(config.resolve())  # for report notebooks run in notebooks/


def test_unknown_profile_names_the_file_and_the_profiles(config):
    with pytest.raises(SourceError) as e:
        shoplab.connect("profile:warehose")
    msg = str(e.value)
    assert "'warehose'" in msg and str(config) in msg
    assert "available profiles: clickhouse, local_dw, warehouse" in msg


def test_missing_config_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "nope.toml"))
    with pytest.raises(SourceError, match=r"nope\.toml does not exist.*SHOPLAB_CONFIG"):
        shoplab.connect("profile:warehouse")


def test_profile_with_an_unset_variable_names_it(config, monkeypatch):
    monkeypatch.delenv("SHOP_DIR")
    with pytest.raises(SourceError, match="SHOP_DIR"):
        shoplab.connect("profile:local_dw")


def test_profile_credentials_are_never_shown(config):
    wh = load_profile("warehouse")
    assert wh.conf["spark.hadoop.javax.jdo.option.ConnectionPassword"] == "s3cret-metastore"
    assert "s3cret" not in wh.describe() and "spark://spark-master.internal:7077" in wh.describe()
    ch = load_profile("clickhouse")
    assert ch.engine == "ibis"  # a URL that is not spark:// goes to ibis.connect
    assert "s3cret" not in ch.describe() and "analyst:***@ch.internal" in ch.describe()
    assert "s3cret" not in repr(ch.describe())


def test_bad_mappings_are_clear(config, tmp_path):
    text = config.read_text().replace('amount = "pay_amt"', 'amount = "paid_amount"')
    config.write_text(text)
    with pytest.raises(SourceError, match=r"table orders has no column 'paid_amount' \(mapped to amount\)"):
        shoplab.connect("profile:local_dw")
    config.write_text(text.replace('orders = "fact_orders"', 'orders = "fact_order"'))
    with pytest.raises(SourceError, match="mapped to 'fact_order'"):
        shoplab.connect("profile:local_dw")
    config.write_text(PROFILES + '\n[profiles.typo.tables]\norder = "x"\n')
    with pytest.raises(SourceError, match="unknown contract table"):
        load_profile("typo")
    config.write_text(PROFILES + '\n[profiles.typo]\nengine = "hive"\n')
    with pytest.raises(SourceError, match="engine must be one of spark, duckdb, ibis"):
        load_profile("typo")


def test_apply_columns_renames_lazily():
    import ibis

    t = ibis.memtable(WAREHOUSE_ORDERS)
    out = apply_columns({"orders": t}, {"orders": {"order_id": "ord_no", "amount": "pay_amt"}})["orders"]
    assert out.columns == ("order_id", "uid", "pay_time", "amount", "store")
    assert out.amount.sum().execute() == 155.5


# -- spark:// URLs: checked before a session starts -----------------------------------------------------------
def test_spark_url_with_a_missing_folder(tmp_path):
    missing = tmp_path / "no_such_shop"
    with pytest.raises(SourceError, match=rf"folder {missing} does not exist"):
        shoplab.connect(f"spark://local[2]?path={missing}")


def test_spark_url_parsing_and_errors(tmp_path):
    t = parse_url(f"spark://local[2]?path={tmp_path}&spark.sql.shuffle.partitions=4")
    assert (t.master, t.path, t.conf) == ("local[2]", str(tmp_path), {"spark.sql.shuffle.partitions": "4"})
    t = parse_url("spark://spark-master.internal:7077?database=dw")
    assert (t.master, t.database, t.local) == ("spark://spark-master.internal:7077", "dw", False)
    with pytest.raises(SourceError, match=r"needs \?path=FOLDER .* or \?database=DB"):
        parse_url("spark://local[2]")
    with pytest.raises(SourceError, match="unknown parameter 'pth'"):
        parse_url(f"spark://local[2]?pth={tmp_path}")
    with pytest.raises(SourceError, match="either path .* or database"):
        parse_url(f"spark://local[2]?path={tmp_path}&database=dw")
    (tmp_path / "orders.csv").write_text("order_id\n1\n")
    with pytest.raises(SourceError, match="is not a folder"):
        parse_url(f"spark://local[2]?path={tmp_path / 'orders.csv'}")
