"""compute_report against the separate calls; record_headlines with METRICS' labels; each section skips when its
table is absent; text in both languages on a hand example."""

from __future__ import annotations

import pandas as pd
import pytest

import shoplab
from shoplab import notebook
from shoplab.metrics import lookup
from shoplab.service import aftersales, delivery, reviews, sessions, text, worth
from shoplab.service.metrics import METRICS, record_headlines
from shoplab.service.report import compute_report


@pytest.fixture
def recorded(monkeypatch):
    out = []
    monkeypatch.setattr(
        notebook, "_display", lambda obj, raw=False, **kw: out.append(obj[notebook.METRIC_MIME])
    )
    return out


@pytest.fixture(scope="module")
def results(sample_shop):
    return compute_report(sample_shop, period="2026-10")


def test_compute_report_is_the_separate_calls(results, sample_shop):
    assert results.service == sessions.customer_service(sample_shop, period="2026-10", target_s=30)
    assert results.reviews == reviews.review_summary(sample_shop, period="2026-10")
    assert results.delivery == delivery.delivery(sample_shop, period="2026-10")
    assert results.after_sales == aftersales.after_sales(sample_shop, period="2026-10")
    pd.testing.assert_frame_equal(results.by_carrier, delivery.delivery_by(sample_shop, period="2026-10"))
    w = worth.service_worth(sample_shop, period="2026-10")
    assert results.worth.review["delivery_days"].estimate == pytest.approx(
        w.review["delivery_days"].estimate, rel=1e-12
    )
    assert results.service_previous == sessions.customer_service(sample_shop, period="2026-09", target_s=30)


def test_record_headlines_writes_every_declared_key_with_its_label(results, recorded):
    out = record_headlines(results)
    assert set(out) == {m.key for m in METRICS} == {p["key"] for p in recorded}
    assert out["service.dsr_logistics"] == results.reviews.dsr["logistics"]
    assert out["service.first_response_median_s"] == results.service.first_response_median_s
    for p in recorded:
        assert p["label"] == lookup(p["key"]).label() and p["unit"] == lookup(p["key"]).unit
        assert p["previous"] is not None


@pytest.mark.parametrize("table", ["service_sessions", "shipments", "returns", "feedback"])
def test_each_section_skips_without_its_table(sample_dir, tmp_path, table):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(sample_dir, src)
    path = src / table if (src / table).is_dir() else src / f"{table}.parquet"
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    r = compute_report(shoplab.connect(src), period="2026-10")
    absent = {"service_sessions": r.service, "shipments": r.delivery, "returns": r.after_sales,
              "feedback": r.reviews}  # fmt: skip
    assert absent[table] is None
    assert all(v is not None for k, v in absent.items() if k != table)
    for lang in ("en", "zh"):
        assert text.findings(r, lang=lang)  # the other sections still find something
    keys = set(record_headlines(r))
    gone = {
        "service_sessions": "first_response",
        "shipments": "delivery",
        "returns": "return",
        "feedback": "dsr",
    }
    assert not [k for k in keys if gone[table] in k]


def test_findings_on_a_hand_example():
    from shoplab.service.report import ServiceResults
    from shoplab.service.sessions import CustomerService

    cs = CustomerService(sessions=10, answered=8, first_response_median_s=45.0, first_response_p90_s=120.0,
                         within_target=0.5, target_s=30.0, resolution_rate=0.75, resolution_known=8,
                         bot_share=0.2, handover_share=0.5, mean_score=4.0)  # fmt: skip
    none = dict.fromkeys(
        ["service_previous", "by_hour", "by_day", "agents", "topics", "reviews", "reviews_previous", "dsr_trend",
         "causes", "examples", "delivery", "delivery_previous", "by_carrier", "by_province", "after_sales",
         "after_sales_previous", "returns_by_reason", "returns_by_category", "returns_by_item", "worth"]
    )  # fmt: skip
    promo = dict(ratio=1.8, ci_low=1.5, ci_high=2.1, n_promo=40, n_other=100, p_value=0.001)
    r = ServiceResults(period="2024-10", targets=dict(first_response_s=30.0, ship_h=48.0, delivery_days=3.0,
                       after_sales_h=48.0), service=cs, promotion=promo, **none)  # fmt: skip
    en = text.findings(r, lang="en")
    zh = text.findings(r, lang="zh")
    assert en[0] == ("Customer service answered 50.0% of sessions within 30 s (median 45 s, p90 2.0 min); short of "
                     "a 90% target.")  # fmt: skip
    assert en[0].section == "customer-service"
    assert zh[0] == "客服在 30 秒 内首次响应的会话占 50.0%（中位数 45 秒，P90 2.0 分钟），未达到 90% 的目标。"
    assert en[1] == "Resolution rate 75.0% (below the 90% that leading shops reach)."
    assert "1.80× as long" in en[2] and "95% CI 1.50-2.10×" in en[2] and en[2].section == "by-day"
    assert "1.80 倍" in zh[2]


def test_examples_show_causes_by_their_glossary_names():
    ex = pd.DataFrame({"user": ["U-1"], "ts": [pd.Timestamp("2024-10-02")], "score": [1.0],
                       "text": ["尺码偏小，退换麻烦"], "causes": ["size, service"]})  # fmt: skip
    assert text.examples_table(ex, lang="zh")["原因"].tolist() == ["尺码、客服"]
    assert text.examples_table(ex, lang="en")["causes"].tolist() == ["size, customer service"]


def test_fix_first_table_names_its_rows(results):
    from shoplab.service import text

    f = results.fix_first
    for lang, index_name in (("en", "what"), ("zh", "对象")):
        t = text.fix_first_table(results, lang=lang)
        assert t.index.name == index_name
        assert len(t) == sum(f[k] is not None for k in ("agent", "hour", "carrier", "province"))
    t = text.fix_first_table(results, lang="en")
    if f["carrier"] is not None:
        assert t.loc["carrier", "slowest"] == str(f["carrier"][0])
