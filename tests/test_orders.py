"""Which orders count (shoplab.orders): hand-worked rows for every rule, and no module deciding it on its own."""

from __future__ import annotations

import re

import ibis
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from shoplab import orders as so
from shoplab.contract import GROSS_STATUSES, ORDER_STATUSES, TABLES


@pytest.fixture
def rows():
    return pd.DataFrame(
        {
            "order_id": range(1, 10),
            "amount": [100.0, 100.0, 100.0, 50.0, 80.0, 40.0, 30.0, 0.0, 60.0],
            "status": ["paid", "paid", "paid", "refunded", "cancelled", None, "lost", "paid", "paid"],
            "refund_amount": [None, 30.0, 100.0, None, 80.0, 10.0, None, None, 75.0],
        }
    )


def _eval(df, **exprs):
    t = ibis.memtable(df)
    return t.select("order_id", **{k: f(t) for k, f in exprs.items()}).execute().set_index("order_id")


def test_each_rule_on_hand_worked_orders(rows):
    got = _eval(
        rows,
        gross=so.is_gross,
        paid=so.is_paid,
        refunded=so.is_refunded,
        purchase=so.is_purchase,
        refund=so.refund_amount,
        net=so.net_amount,
    )
    # 1 paid; 2 paid with 30 back; 3 paid with all of it back; 4 refunded; 5 cancelled (its refund_amount means
    # nothing); 6 no status (= paid) with 10 back; 7 unknown status; 8 a paid order of 0; 9 paid, 75 back of 60
    assert got.gross.tolist() == [True, True, True, True, False, True, False, True, True]
    assert got.paid.tolist() == [True, True, True, False, False, True, False, True, True]
    assert got.refunded.tolist() == [False, False, False, True, False, False, False, False, False]
    assert got.purchase.tolist() == [True, True, False, False, False, True, False, True, False]
    assert got.refund.tolist() == [0.0, 30.0, 100.0, 50.0, 80.0, 10.0, 0.0, 0.0, 60.0]
    net = got.net.tolist()
    assert net[:4] == [100.0, 70.0, 0.0, 0.0] and net[5] == 30.0 and net[7] == 0.0 and net[8] == 0.0
    assert np.isnan(net[4]) and np.isnan(net[6])  # cancelled and unknown orders have no money at all


def test_filters_and_a_table_without_status_or_refunds(rows):
    t = ibis.memtable(rows)
    assert sorted(so.gross_orders(t).execute().order_id) == [1, 2, 3, 4, 6, 8, 9]
    assert sorted(so.paid_orders(t).execute().order_id) == [1, 2, 3, 6, 8, 9]
    p = so.purchases(t).execute().set_index("order_id")
    assert sorted(p.index) == [1, 2, 6, 8] and p.net_amount.tolist() == [100.0, 70.0, 30.0, 0.0]
    bare = ibis.memtable(rows[["order_id", "amount"]])  # no status: every order is paid, nothing refunded
    assert len(so.gross_orders(bare).execute()) == len(so.paid_orders(bare).execute()) == 9
    b = so.purchases(bare).execute()
    assert len(b) == 9 and b.net_amount.tolist() == rows.amount.tolist()


def test_the_definitions_sit_beside_the_contract():
    assert set(GROSS_STATUSES) == set(ORDER_STATUSES) - {"cancelled"}
    col = TABLES["orders"].column("refund_amount")
    assert col is not None and not col.required and col.kind == "number" and col.non_negative


# modules that may read the status column: the definitions, the loaders and validation (and the sample generator)
_ALLOWED = {"orders.py", "casting.py", "validation.py", "contract.py"}


def test_no_module_decides_which_orders_count_on_its_own():
    offenders = []
    for path in sorted((ROOT / "src" / "shoplab").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "shoplab")
        if rel.parts[0] == "sample" or str(rel) in _ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(
            r"""status\b["'\]]?\s*(?:[=!]=\s*["'](?:paid|refunded|cancelled)|\.isin\(|\.fill_null\()""", text
        ):
            line = text[: m.start()].count("\n") + 1
            offenders.append(f"{rel}:{line}: {text.splitlines()[line - 1].strip()}")
    assert not offenders, "use shoplab.orders to pick orders:\n" + "\n".join(offenders)
