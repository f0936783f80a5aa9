"""Report parameters: --param values, declarations, types and rules."""

from __future__ import annotations

import pytest

from shoplab.errors import ReportError
from shoplab.runner import parse_params


def test_parse_params():
    assert parse_params(['funnel_steps=["home","pay"]', "k=3", "name=abc", "x=a=b"]) == {
        "funnel_steps": ["home", "pay"],
        "k": 3,
        "name": "abc",
        "x": "a=b",
    }
    with pytest.raises(ReportError):
        parse_params(["novalue"])


def test_params_are_converted_to_the_declared_type():
    from shoplab.runner.params import param_specs, parse_rule

    specs = param_specs(
        "r",
        {
            "campaign_id": {"inferred_type_name": "str", "default": '""', "help": "one campaign"},
            "cuped": {"inferred_type_name": "bool", "default": "True", "help": "CUPED"},
            "top_n": {"inferred_type_name": "int", "default": "5", "help": "rows; at least 1"},
            "conf": {"inferred_type_name": "float", "default": "0.95", "help": "level; above 0 and below 1"},
            "cols": {"inferred_type_name": "list", "default": "[]", "help": "columns"},
            "metrics": {
                "inferred_type_name": "str",
                "default": '"a,b"',
                "help": "tested; each one of a, b, c",
            },
        },
    )
    assert specs["campaign_id"].check(123) == ("123", None)  # --param campaign_id=123 stays the id typed
    assert (
        specs["cuped"].check("false") == (False, None)
        and specs["cuped"].check(1)[1] == "is not true or false"
    )
    assert specs["top_n"].check(3.0) == (3, None) and specs["top_n"].check(3.5)[1] == "is not a whole number"
    assert specs["top_n"].check(0)[1] == "is out of range" and specs["top_n"].check(True)[1] is not None
    assert specs["conf"].check(1)[1] == "is out of range" and specs["conf"].check(0.9) == (0.9, None)
    assert specs["conf"].check(float("nan"))[1] == "is not a finite number"
    assert specs["cols"].check("platform, channel") == (["platform", "channel"], None)
    assert specs["metrics"].check("a,c")[1] is None and "d, e" in specs["metrics"].check("a,d,e")[1]
    assert parse_rule("a; from 2 to 10").high == 10 and parse_rule("a; at most 3").high == 3
    assert parse_rule("a: gmv, orders or buyers") is None  # a help without a rule clause restricts nothing
    assert parse_rule("x; below 5").high_open and not parse_rule("x; at least 0").low_open
