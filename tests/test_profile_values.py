"""Value mappings in shoplab.toml profiles: ``[profiles.NAME.values.orders.status] "交易成功" = "paid"``."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import write_tables

import shoplab
from shoplab.errors import SourceError
from shoplab.overview import month_kpis
from shoplab.profiles import CONFIG_ENV

ORDERS = pd.DataFrame(
    {
        "ord_no": ["1", "2", "3", "4"],
        "buyer": ["a", "b", "a", "c"],
        "ts": ["2024-10-01 10:00:00", "2024-10-02 11:00:00", "2024-10-03 12:00:00", "2024-10-04 13:00:00"],
        "amount": [100.0, 50.0, 30.0, 20.0],
        "state": ["交易成功", "交易关闭", "退款成功", "交易成功"],
        "channel_code": [1, 2, 1, 3],
    }
)
PROFILE = """
[profiles.shop]
path = "{path}"
[profiles.shop.columns.orders]
order_id = "ord_no"
user_id = "buyer"
status = "state"
channel = "channel_code"
[profiles.shop.values.orders.status]
"交易成功" = "paid"
"交易关闭" = "cancelled"
"退款成功" = "refunded"
[profiles.shop.values.orders.channel]
"1" = "app"
"2" = "web"
"""


@pytest.fixture
def config(tmp_path, monkeypatch):
    folder = write_tables(tmp_path / "dw", orders=ORDERS)
    cfg = tmp_path / "shoplab.toml"
    cfg.write_text(PROFILE.format(path=folder), encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(cfg))
    return cfg


def test_values_are_mapped_when_the_profile_is_read(config):
    shop = shoplab.connect("profile:shop")
    assert not shop.validation.warnings, str(shop.validation)  # no unknown status values any more
    o = shop.orders.order_by("order_id").execute()
    assert o.status.tolist() == ["paid", "cancelled", "refunded", "paid"]
    assert o.channel.tolist() == ["app", "web", "app", "3"]  # an integer column compared as text; 3 kept
    k = month_kpis(shop, ["2024-10"]).iloc[0]
    assert (k.orders, k.gmv, k.buyers) == (3, 150.0, 2)  # orders 1, 3, 4 sold (4: paid, 3: refunded)


def test_values_for_an_absent_column_are_an_error(config):
    config.write_text(
        config.read_text(encoding="utf-8") + '[profiles.shop.values.orders.coupon]\n"x" = "y"\n'
    )
    with pytest.raises(SourceError, match="values name column.*coupon.*columns present"):
        shoplab.connect("profile:shop")


def test_values_of_an_unknown_table_are_an_error(config):
    config.write_text(config.read_text(encoding="utf-8") + '[profiles.shop.values.bills.status]\n"x" = "y"\n')
    with pytest.raises(SourceError, match="values names unknown contract table"):
        shoplab.connect("profile:shop")
