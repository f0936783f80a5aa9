"""The glossary (shoplab.labels, src/shoplab/glossary/*.toml): every entry has an English and a Chinese name, each
Chinese name belongs to one code (an ``alias`` entry, deliberately the same concept, carries its target's name),
and the lookups by code."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from importlib import resources

import pytest

import shoplab
from shoplab import labels


def _files() -> dict[str, dict]:
    folder = resources.files("shoplab.glossary")
    return {
        f.name: tomllib.loads(f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith(".toml")
    }


def test_every_entry_has_an_english_and_a_chinese_name():
    files = _files()
    assert "common.toml" in files and "overview.toml" in files
    n = 0
    for fname, data in files.items():
        for ns, codes in data.items():
            assert isinstance(codes, dict), f"{fname}: [{ns}] must be a table of codes"
            for code, e in codes.items():
                n += 1
                assert isinstance(e, dict), f"{fname}: {ns}.{code}"
                for lang in ("en", "zh"):
                    assert isinstance(e.get(lang), str) and e[lang].strip(), (
                        f"{fname}: {ns}.{code} has no {lang}"
                    )
                assert set(e) <= {"en", "zh", "alias"}, f"{fname}: {ns}.{code} has unknown fields {set(e)}"
    assert n == len(labels.entries())  # and no code is defined in two files (entries() would raise)


def test_each_chinese_name_belongs_to_one_code():
    entries = labels.entries()
    owners = defaultdict(list)
    for key, e in entries.items():
        if "alias" in e:
            target = entries.get(e["alias"])
            assert target is not None, f"{key}: alias {e['alias']} is not in the glossary"
            assert "alias" not in target, f"{key}: alias {e['alias']} is an alias itself; point at its target"
            assert e["zh"] == target["zh"], (
                f"{key} is an alias of {e['alias']} but is called {e['zh']!r}, not {target['zh']!r}"
            )
        else:
            owners[e["zh"]].append(key)
    shared = {zh: keys for zh, keys in owners.items() if len(keys) > 1}
    assert not shared, (
        f"Chinese names used by more than one code: {shared}; give each meaning its own name, or mark a "
        'deliberate same-concept entry with alias = "ns.code"'
    )


def test_the_uniqueness_check_catches_a_shared_name(monkeypatch):
    # the same check on a hand-made glossary: 新用户 for two codes without an alias must fail
    fake = {
        "user_type.new": {"en": "new", "zh": "新用户"},
        "value_tier.new": {"en": "first-time buyer", "zh": "新用户"},
    }
    monkeypatch.setattr(labels, "entries", lambda: fake)
    with pytest.raises(AssertionError, match="新用户"):
        test_each_chinese_name_belongs_to_one_code()
    fake["value_tier.new"]["alias"] = "user_type.new"
    test_each_chinese_name_belongs_to_one_code()  # deliberate and declared: allowed
    fake["value_tier.new"]["zh"] = "首购客"
    with pytest.raises(AssertionError, match="alias of user_type.new"):
        test_each_chinese_name_belongs_to_one_code()


def test_lookups_by_code():
    assert labels.name("event.add_to_cart", "zh") == "加购"
    assert labels.name("event.add_to_cart", "en") == "add_to_cart"
    assert labels.name("metric.gmv", "zh") == "成交额 (GMV)" and labels.name("metric.gmv", "en") == "GMV"
    assert labels.name("channel.douyin-live", "zh") == "douyin-live"  # unknown: the code part, as it is
    assert labels.name("channel.douyin-live", default="?") == "?"
    assert labels.label("platform", "mini_program", "zh") == "小程序"
    assert labels.label("platform", 42, "zh") == "42"  # a value the glossary does not know, as text
    assert labels.names("trend_metric", "zh") == {"gmv": "成交额", "orders": "订单数", "buyers": "购买人数"}
    assert labels.names("user_type", "en") == {"new": "new", "returning": "returning"}
    assert labels.names("no_such_namespace") == {}


def test_lookups_follow_the_report_language():
    try:
        shoplab.set_lang("zh")
        assert labels.name("user_type.returning") == "老用户" and labels.label("platform", "web") == "网页"
        assert labels.names("trend_metric")["gmv"] == "成交额"
        assert labels.name("user_type.returning", "en") == "returning"  # an explicit language wins
    finally:
        shoplab.set_lang("en")
    assert labels.name("user_type.returning") == "returning"
