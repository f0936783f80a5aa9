"""Report parameters: what each notebook declares, and the check the runner makes before any notebook starts.

A report notebook declares its parameters in its ``parameters`` cell as typed literals with a help comment,
which is what ``papermill --help-notebook`` reads::

    trend_metric: str = "gmv"  # metric of the daily trend chart; one of gmv, orders, buyers
    top_n: int = 200  # length of the targeting list; at least 1

The type is the annotation (``str``, ``int``, ``float``, ``bool``, ``list``). The allowed values, when they are
restricted, are the last ``;``-separated clause of the help, in one of these forms:

* ``one of A, B, C``: the value is one of these words;
* ``each one of A, B, C``: a list (or a comma-separated string) whose items are each one of these words;
* ``at least N``, ``at most N``, ``above N``, ``below N``, ``from N to M`` (both ends included),
  ``above N and below M``: bounds of a number;
* ``a duration such as 7D, 2h, 30min``: anything ``pandas.Timedelta`` reads, not negative.

A help without such a clause allows any value of the type. ``--param KEY=VALUE`` pairs are read by
:func:`parse_params`; ``shoplab report --help-params`` prints :func:`help_params_text`.
docs/adr/0002-report-runner.md records the decision.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..i18n import check_lang
from .discover import ReportSpec, discover

__all__ = [
    "ALWAYS_PASSED",
    "TYPES",
    "ParamSpec",
    "Rule",
    "parse_rule",
    "param_specs",
    "check_params",
    "help_params",
    "parse_params",
    "report_params",
    "report_lang",
    "help_params_text",
]

ALWAYS_PASSED = ("source", "period")

TYPES = ("str", "int", "float", "bool", "list")
_NUM = r"-?\d+(?:\.\d+)?"
_WORD = r"[A-Za-z0-9_.-]+"
_WORDS = rf"{_WORD}(?:\s*,\s*{_WORD})*"


@dataclass(frozen=True)
class Rule:
    """The allowed values of a parameter: ``kind`` is ``one_of``, ``each_one_of``, ``range`` or ``duration``."""

    kind: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    text: str = ""

    def describe(self) -> str:
        return self.text


_RULES = [
    (re.compile(rf"^one of ({_WORDS})$"), "one_of"),
    (re.compile(rf"^each one of ({_WORDS})$"), "each_one_of"),
    (re.compile(rf"^at least ({_NUM})$"), "ge"),
    (re.compile(rf"^at most ({_NUM})$"), "le"),
    (re.compile(rf"^above ({_NUM})$"), "gt"),
    (re.compile(rf"^below ({_NUM})$"), "lt"),
    (re.compile(rf"^from ({_NUM}) to ({_NUM})$"), "closed"),
    (re.compile(rf"^above ({_NUM}) and below ({_NUM})$"), "open"),
    (re.compile(r"^a duration\b.*$"), "duration"),
]


def parse_rule(help_text: str) -> Rule | None:
    """The rule in the last ``;`` clause of a parameter's help, or None when the help restricts nothing."""
    clause = help_text.rsplit(";", 1)[-1].strip() if ";" in help_text else ""
    for pattern, kind in _RULES:
        m = pattern.match(clause)
        if not m:
            continue
        if kind in ("one_of", "each_one_of"):
            return Rule(kind, tuple(v.strip() for v in m.group(1).split(",")), text=clause)
        if kind == "duration":
            return Rule("duration", text=clause)
        nums = [float(g) for g in m.groups()]
        lo, hi, lo_open, hi_open = {
            "ge": (nums[0], None, False, False),
            "le": (None, nums[0], False, False),
            "gt": (nums[0], None, True, False),
            "lt": (None, nums[0], False, True),
            "closed": (nums[0], nums[-1], False, False),
            "open": (nums[0], nums[-1], True, True),
        }[kind]
        return Rule("range", low=lo, high=hi, low_open=lo_open, high_open=hi_open, text=clause)
    return None


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter of a report notebook."""

    report: str
    name: str
    type: str | None
    default: Any
    help: str
    rule: Rule | None

    @property
    def what(self) -> str:
        """The help without its rule clause: what the parameter is for."""
        return self.help.rsplit(";", 1)[0].strip() if self.rule else self.help

    def check(self, value: Any) -> tuple[Any, str | None]:
        """The value as the notebook should get it, and a problem (None when the value is allowed)."""
        value, problem = _coerce(self.type, value)
        if problem:
            return value, problem
        return value, _check_rule(self.rule, value)


def param_specs(report: str, declared: dict[str, dict]) -> dict[str, ParamSpec]:
    """Declarations as :func:`papermill.inspect_notebook` reports them, with types, defaults and rules."""
    out = {}
    for name, d in declared.items():
        type_name = d.get("inferred_type_name")
        type_name = type_name if type_name in TYPES else None
        try:
            default = ast.literal_eval(d.get("default")) if d.get("default") is not None else None
        except (ValueError, SyntaxError):
            default = d.get("default")
        help_text = (d.get("help") or "").strip()
        out[name] = ParamSpec(report, name, type_name, default, help_text, parse_rule(help_text))
    return out


def _coerce(type_name: str | None, value: Any) -> tuple[Any, str | None]:
    """``--param`` values arrive parsed as JSON when they parse: give each the declared type if it fits."""
    if type_name is None:
        return value, None
    if type_name == "str":
        if isinstance(value, str):
            return value, None
        if isinstance(value, bool | int | float):  # --param campaign_id=123: the text as typed
            return json.dumps(value), None
        return value, "is not a text value"
    if type_name == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true", None
        return value, "is not true or false"
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, "is not a whole number"
        if isinstance(value, float) and not value.is_integer():
            return value, "is not a whole number"
        return int(value), None
    if type_name == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, "is not a number"
        if value != value or value in (float("inf"), float("-inf")):
            return value, "is not a finite number"
        return float(value), None
    if type_name == "list":
        if isinstance(value, str):  # --param breakdowns=platform,channel
            return [v.strip() for v in value.split(",") if v.strip()], None
        if isinstance(value, list):
            return value, None
        return value, "is not a list"
    return value, None


def _check_rule(rule: Rule | None, value: Any) -> str | None:
    if rule is None:
        return None
    if rule.kind == "one_of":
        return None if str(value) in rule.values and not isinstance(value, bool) else "is not allowed"
    if rule.kind == "each_one_of":
        items = value.split(",") if isinstance(value, str) else value
        items = [str(v).strip() for v in items]
        bad = [v for v in items if v not in rule.values]
        if not items:
            return "is empty"
        return f"has {', '.join(bad)}, which {'is' if len(bad) == 1 else 'are'} not allowed" if bad else None
    if rule.kind == "duration":
        import pandas as pd

        try:
            td = pd.Timedelta(value)
        except (ValueError, TypeError):
            return "is not a duration"
        return "is not a duration" if pd.isna(td) or td < pd.Timedelta(0) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "is not a number"
    if rule.low is not None and (value < rule.low or (rule.low_open and value == rule.low)):
        return "is out of range"
    if rule.high is not None and (value > rule.high or (rule.high_open and value == rule.high)):
        return "is out of range"
    return None


_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
}


def _expects(spec: ParamSpec) -> str:
    """What a parameter takes, in words: ``one of gmv, orders, buyers``, ``a whole number, at least 1``."""
    rule = spec.rule
    if rule is not None and rule.kind == "one_of":
        return rule.describe()
    if rule is not None and rule.kind == "each_one_of":
        return f"a comma-separated list, {rule.describe()}"
    if rule is not None and rule.kind == "duration":
        return rule.describe()
    kind = _TYPE_WORDS.get(spec.type or "", "any value")
    return f"{kind}, {rule.describe()}" if rule is not None else kind


def check_params(
    specs: dict[str, dict[str, ParamSpec]], params: dict[str, Any], *, runner_owned: tuple[str, ...] = ()
) -> dict[str, dict[str, Any]]:
    """Check every ``--param`` against every selected report that declares it; all problems in one error.

    ``specs`` maps a report name to its declarations. Returns, per report, the values to pass it (converted to
    the declared type). Raises :class:`~shoplab.errors.ReportError` naming each bad value and what is accepted.
    """
    problems = []
    for key in params:
        if key in runner_owned:
            problems.append(f"--param {key}=... is not accepted: use --{key}")
    declared = sorted({p for s in specs.values() for p in s})
    unknown = [k for k in params if k not in declared and k not in runner_owned]
    if unknown:
        problems.append(
            f"parameter(s) {', '.join(unknown)} are not declared by the selected report(s) "
            f"({', '.join(specs)}); they declare: {', '.join(declared)}"
        )
    out: dict[str, dict[str, Any]] = {name: {} for name in specs}
    for key, value in params.items():
        for report, decl in specs.items():
            spec = decl.get(key)
            if spec is None or key in runner_owned:
                continue
            converted, problem = spec.check(value)
            if problem:
                shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                msg = (
                    f"--param {key}={shown} {problem}: {key} of the {report} report ({spec.what}) is "
                    f"{_expects(spec)}"
                )
                if msg not in problems:
                    problems.append(msg)
            else:
                out[report][key] = converted
    if problems:
        raise ReportError("; ".join(problems) + " (shoplab report --help-params lists every parameter)")
    return out


def help_params(specs: dict[str, dict[str, ParamSpec]], titles: dict[str, str] | None = None) -> str:
    """The parameters of each report, as ``shoplab report --help-params [NAME]`` prints them."""
    lines = []
    for report, decl in specs.items():
        title = (titles or {}).get(report)
        lines.append(
            f"{report}{f' ({title})' if title else ''}: shoplab report --only {report} --param NAME=VALUE"
        )
        width = max((len(n) for n in decl), default=0)
        for name, spec in decl.items():
            default = json.dumps(spec.default, ensure_ascii=False)
            passed = {
                "source": " (given by --source)",
                "period": " (given by --period)",
                "lang": " (or --lang)",
            }
            lines.append(
                f"  {name.ljust(width)}  {spec.type or '?'} (default {default}){passed.get(name, '')}\n"
                f"  {' ' * width}  {spec.help}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- the runner's side: --param, a report's declarations, --help-params --------------------------------
def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a value is parsed as JSON when it parses, else taken as a string."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ReportError(f"--param expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        key = key.strip()
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def report_params(spec: ReportSpec) -> dict[str, ParamSpec]:
    """The parameters a report notebook declares, with their types and allowed values."""
    return param_specs(spec.name, spec.parameters)


def check_report_params(specs: list[ReportSpec], params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """:func:`check_params` for the selected reports; ``source`` and ``period`` belong to the runner."""
    return check_params({s.name: report_params(s) for s in specs}, params, runner_owned=ALWAYS_PASSED)


def report_lang(spec: ReportSpec, params: dict[str, Any]) -> str:
    """The language a report is written in: the ``lang`` parameter passed, else the notebook's default."""
    if "lang" in params:
        return check_lang(params["lang"])
    default = spec.parameters.get("lang", {}).get("default")
    try:
        return check_lang(ast.literal_eval(default)) if default else "en"
    except (ValueError, SyntaxError):
        return "en"


def help_params_text(names: list[str] | None = None, notebooks_dir: str | Path | None = None) -> str:
    """What ``shoplab report --help-params [NAME]`` prints: every parameter of the named (or all) reports."""
    specs = discover(notebooks_dir)
    chosen = select(specs, names)
    return help_params({s.name: report_params(s) for s in chosen}, {s.name: s.title for s in chosen})


def select(specs: dict[str, ReportSpec], names: list[str] | None) -> list[ReportSpec]:
    """The named reports in report order (all of them without names); an unknown name is refused."""
    unknown = [n for n in names or [] if n not in specs]
    if unknown:
        raise ReportError(f"unknown report(s) {', '.join(unknown)}; available: {', '.join(specs)}")
    return [specs[n] for n in specs if not names or n in names]
