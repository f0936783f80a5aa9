"""Parity: the core helpers give the same results on local Spark as on DuckDB for the sample shop.

One local SparkSession (2 threads, 4 shuffle partitions, no UI) serves the whole module. The Spark shop is opened
through ``shoplab.connect("spark://local[2]?path=...")``, so loading, casting and every helper run through Ibis'
pyspark backend; results are compared with pandas.testing after sorting (floats with rtol 1e-9).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pandas.testing as pdt
import pytest

if shutil.which("java") is None:
    pytest.skip(
        "Spark parity tests need Java 17 on the PATH (e.g. apt-get install openjdk-17-jre-headless)",
        allow_module_level=True,
    )
try:
    import pyspark  # noqa: F401
except ImportError:
    pytest.skip(
        "Spark parity tests need pyspark: .venv/bin/pip install -e '.[dev]' (or pip install 'shoplab[spark]')",
        allow_module_level=True,
    )

import shoplab
from shoplab import campaigns, membership, overview, paths
from shoplab import profiling as pf
from shoplab import spark as sp

PERIOD = "2026-10"
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "1g",
}


@pytest.fixture(scope="module")
def spark_session(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("spark-warehouse")  # tables of test databases; not the working dir
    s = sp.session(
        "local[2]", {**SPARK_CONF, "spark.sql.warehouse.dir": str(warehouse)}, app_name="shoplab-parity"
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def duck(sample_dir):
    return shoplab.connect(sample_dir, validate=False)


@pytest.fixture(scope="module")
def spk(spark_session, sample_dir):
    shop = shoplab.connect(f"spark://local[2]?path={sample_dir}", validate=False)
    assert shop.backend.name == "pyspark"
    return shop


@pytest.fixture(scope="module")
def truth(sample_dir):
    return json.loads((sample_dir / "_truth.json").read_text())


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True).copy()
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            df[c] = s.astype(str)
        elif s.dtype.kind == "M":
            df[c] = s.astype("datetime64[us]")
        elif s.dtype.kind in "iub":
            df[c] = s.astype("int64")
        elif s.dtype.kind == "f":
            df[c] = s.astype("float64")
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            df[c] = s.astype(object).where(s.notna(), None)
    return df


def assert_same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str] | None = None) -> None:
    """Same columns, rows and values, whatever the row order; floats with rtol 1e-9."""
    assert list(a.columns) == list(b.columns)
    assert len(a) > 0, "nothing to compare"
    a, b = _norm(a), _norm(b)
    keys = keys or list(a.columns)
    a = a.sort_values(keys, kind="stable").reset_index(drop=True)
    b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    pdt.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=0)


# -- loading and validation -----------------------------------------------------------------------------------
def test_spark_shop_loads_the_same_tables(duck, spk):
    assert spk.table_names == duck.table_names
    for name in duck.table_names:
        a = {k: str(v).replace("(6)", "") for k, v in duck[name].schema().items()}
        b = {k: str(v).replace("(6)", "") for k, v in spk[name].schema().items()}
        assert a == b, name
        assert duck[name].count().execute() == spk[name].count().execute(), name
    o = ["order_id", "user_id", "ts", "amount", "status"]
    assert_same(duck.orders.select(o).execute(), spk.orders.select(o).execute(), ["order_id"])


def test_validation_agrees(duck, spk):
    now = pd.Timestamp("2026-11-01").to_pydatetime()
    a, b = duck.validate(now=now), spk.validate(now=now)
    assert [str(i) for i in a.errors] == [str(i) for i in b.errors]
    assert [str(i) for i in a.warnings] == [str(i) for i in b.warnings]


# -- paths ---------------------------------------------------------------------------------------------------
def test_sessionisation(duck, spk):
    def sess(shop):
        e = shop.events.filter(shop.events.ts >= pd.Timestamp("2026-09-01").to_pydatetime())
        t = paths.add_sessions(e, gap_minutes=30, use_existing=False)
        return t.select("user_id", "ts", "event", "session_id").execute()

    assert_same(sess(duck), sess(spk))


def test_session_summary(duck, spk):
    assert_same(
        paths.session_summary(duck.events, period=PERIOD), paths.session_summary(spk.events, period=PERIOD)
    )
    a = paths.sessions_table(duck.events, period=PERIOD).execute()
    b = paths.sessions_table(spk.events, period=PERIOD).execute()
    assert_same(a, b, ["user_id", "session_id"])


def test_transitions(duck, spk):
    keys = ["from_event", "to_event"]
    assert_same(
        paths.transitions(duck.events, period=PERIOD), paths.transitions(spk.events, period=PERIOD), keys
    )
    a = paths.transitions(duck.events, period=PERIOD, by="platform")
    b = paths.transitions(spk.events, period=PERIOD, by="platform")
    assert_same(a, b, ["platform", *keys])


def _funnel(shop, truth, by=None):
    return paths.funnel(shop.events, truth["funnel_steps"], window="1D", period=PERIOD, by=by)


def test_funnel_per_user(duck, spk, truth):
    a = _funnel(duck, truth)
    assert a.users.iloc[0] > 100 and a.users.iloc[-1] > 0  # a funnel worth comparing
    assert_same(a, _funnel(spk, truth), ["step_number"])


def test_funnel_by_platform(duck, spk, truth):
    a, b = _funnel(duck, truth, "platform"), _funnel(spk, truth, "platform")
    assert_same(a, b, ["platform", "step_number"])


# -- profiling -----------------------------------------------------------------------------------------------
def test_user_features_and_rfm(duck, spk, spark_session):
    fa, fb = pf.user_features(duck, PERIOD), pf.user_features(spk, PERIOD)
    assert_same(fa, fb, ["user_id"])
    cols = ["user_id", "recency_days", "frequency", "monetary"]
    ra = pf.rfm_scores(fa[cols])  # a pandas frame runs on DuckDB
    spark_session.createDataFrame(fb[cols]).createOrReplaceTempView("parity_features")
    rb = pf.rfm_scores(spk.backend.table("parity_features"))  # the ranking windows run on Spark
    assert_same(ra, rb, ["user_id"])
    assert_same(pf.rfm_segments(ra), pf.rfm_segments(rb), ["user_id"])


# -- membership ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("activity", ["order", "event"])
def test_cohort_retention(duck, spk, activity):
    kw = dict(basis="first_order", activity=activity, start="2025-09-01", end="2026-11-01")
    a = membership.cohort_retention(duck.orders, events=duck.events, **kw)
    b = membership.cohort_retention(spk.orders, events=spk.events, **kw)
    assert len(a) > 50
    assert_same(a, b, ["cohort", "months_since"])


# -- campaigns -----------------------------------------------------------------------------------------------
def test_campaign_outcomes(duck, spk):
    camps = campaigns.campaigns_in_period(spk.campaigns, period=PERIOD)
    assert len(camps)
    pdt.assert_frame_equal(
        _norm(campaigns.campaigns_in_period(duck.campaigns, period=PERIOD)), _norm(camps), check_like=True
    )
    for c in camps.itertuples():
        kw = dict(campaign_id=c.campaign_id, start_ts=c.start_ts, end_ts=c.end_ts)
        a = campaigns.assigned_outcomes(
            duck.orders, duck.campaign_assignments, order_items=duck.order_items, items=duck.items, **kw
        )
        b = campaigns.assigned_outcomes(
            spk.orders, spk.campaign_assignments, order_items=spk.order_items, items=spk.items, **kw
        )
        assert len(a) > 100
        assert_same(a, b, ["user_id"])
        pdt.assert_frame_equal(campaigns.effect_table(a), campaigns.effect_table(b), rtol=1e-9)


# -- overview ------------------------------------------------------------------------------------------------
def test_month_kpis(duck, spk):
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    a, b = overview.month_kpis(duck, months), overview.month_kpis(spk, months)
    pdt.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


# -- the other Spark connect paths ---------------------------------------------------------------------------
SMALL = pd.DataFrame(
    {
        "ord_no": [1, 2, 3],
        "uid": [10, 11, 10],
        "pay_time": pd.to_datetime(["2024-10-01 10:00", "2024-10-02 11:30", "2024-10-05 09:00"]).astype(
            "datetime64[us]"
        ),
        "pay_amt": [100.0, 25.5, 30.0],
    }
)
CONTRACT = {"order_id": "ord_no", "user_id": "uid", "ts": "pay_time", "amount": "pay_amt"}


def test_connect_a_session_and_an_ibis_pyspark_backend(spark_session):
    import ibis

    small = SMALL.rename(columns={v: k for k, v in CONTRACT.items()})
    spark_session.createDataFrame(small).createOrReplaceTempView("orders")
    try:
        for source in (spark_session, ibis.pyspark.connect(spark_session)):
            shop = shoplab.connect(source)
            assert shop.backend.name == "pyspark" and shop.table_names == ["orders"]
            assert shop.validation.ok, shop.validation.errors
            got = shop.orders.order_by("order_id").to_pandas()
            assert got.amount.tolist() == [100.0, 25.5, 30.0] and got.status.tolist() == ["paid"] * 3
    finally:
        spark_session.catalog.dropTempView("orders")


def test_profile_on_a_spark_database_maps_tables_and_columns(spark_session, tmp_path, monkeypatch):
    # a database of the session's own catalog stands in for a Hive database (same catalog calls, no metastore)
    spark_session.sql("CREATE DATABASE IF NOT EXISTS dw_test")
    spark_session.createDataFrame(SMALL).write.mode("overwrite").saveAsTable("dw_test.fact_orders")
    cfg = tmp_path / "shoplab.toml"
    cfg.write_text(
        '[profiles.dw]\nengine = "spark"\nmaster = "local[2]"\ndatabase = "${DW_DB}"\n'
        '[profiles.dw.conf]\n"spark.sql.shuffle.partitions" = 4\n'
        '[profiles.dw.tables]\norders = "fact_orders"\n'
        "[profiles.dw.columns.orders]\n" + "".join(f'{k} = "{v}"\n' for k, v in CONTRACT.items()),
        encoding="utf-8",
    )
    monkeypatch.setenv("SHOPLAB_CONFIG", str(cfg))
    monkeypatch.setenv("DW_DB", "dw_test")
    try:
        shop = shoplab.connect("profile:dw")
        assert shop.backend.name == "pyspark" and shop.table_names == ["orders"]
        assert shop.files == {"orders": "dw_test.fact_orders"}
        got = shop.orders.order_by("order_id").to_pandas()
        assert list(got.columns) == ["order_id", "user_id", "ts", "amount", "status"]
        assert got.amount.tolist() == [100.0, 25.5, 30.0]
        assert got.ts.tolist() == SMALL.pay_time.tolist()
    finally:
        spark_session.sql("DROP DATABASE IF EXISTS dw_test CASCADE")


def test_csv_folder_validates_the_same(spark_session, tmp_path):
    folder = tmp_path / "csv_shop"
    folder.mkdir()
    orders = SMALL.rename(columns={v: k for k, v in CONTRACT.items()}).astype({"ts": str})
    orders.loc[1, "ts"] = "yesterday"
    orders.loc[2, "amount"] = -5.0
    orders.to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({"user_id": [10, 12], "city": ["上海", "北京"]}).to_csv(folder / "users.csv", index=False)
    now = pd.Timestamp("2026-11-01").to_pydatetime()
    a = shoplab.connect(folder, now=now)
    b = shoplab.connect(f"spark://local[2]?path={folder}", now=now)
    assert [str(i) for i in a.validation.issues] == [str(i) for i in b.validation.issues]
    assert len(b.validation.errors) == 2
    cols = ["order_id", "user_id", "ts", "amount"]
    assert_same(a.orders.select(cols).execute(), b.orders.select(cols).execute(), ["order_id"])
    assert_same(a.users.execute(), b.users.execute())
