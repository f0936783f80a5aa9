"""Every report formats money in the shop's currency (``_shop.json``; shoplab.currency), in both languages.

Decision: Chinese text shows the currency's symbol like English does (``$1,294``, ``客单价（$）``); the one label
that said 元 now shows the symbol too (``（¥；…）`` for a CNY shop), so no Chinese label names a currency the
shop does not use. Amounts keep 万/亿 as number words (``$12.3万``).

The fast tests guard the code: no report module, glossary name or notebook cell hard-codes ¥ or a 元 money
label, glossary names take ``{money}``, and the profiling tables still right-align ``$`` figures. The slow test
renders all five reports on a small USD shop in English and Chinese (tests/nbrun.py, charts' text included) and
checks that no ¥ or 元 money figure is left, that $ amounts are shown, and that a CNY shop's Chinese report is
the USD one with ``$`` read as ``¥``: the currency changes the symbol and nothing else.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from conftest import ROOT
from nbrun import normalised, run_notebook, variant

from shoplab import labels
from shoplab.currency import set_currency

SRC = ROOT / "src" / "shoplab"
REPORT_CODE = [
    *(
        p
        for pkg in ("overview", "profiling", "paths", "campaigns", "membership")
        for p in (SRC / pkg).rglob("*.py")
    ),
    SRC / "notebook.py",
    SRC / "plots.py",
    SRC / "labels.py",
]
# a money figure or unit in 元: 12元, （元；, (元), 元/单 ... (元旦, New Year's Day, is a campaign name, not money)
YUAN = re.compile(r"\d\s*元|[（(]元|元[）)；;/，,]")
REPORTS = ["overview", "profiling", "paths", "campaigns", "membership"]


@pytest.fixture(autouse=True)
def _default_currency():
    yield
    set_currency(None)  # other tests expect yuan


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def test_no_report_code_hard_codes_the_yuan():
    bad = [
        f"{p.relative_to(ROOT)}:{line}: {s!r}"
        for p in REPORT_CODE
        for line, s in _literals(p)
        if "¥" in s or "￥" in s or YUAN.search(s)
    ]
    assert not bad, (
        "money written in yuan whatever the shop's currency (use shoplab.currency):\n" + "\n".join(bad)
    )


def test_the_check_catches_a_hard_coded_yuan(tmp_path):
    p = tmp_path / "m.py"
    p.write_text(
        '"""¥ in a docstring is fine."""\nLABEL = "客单价（元/单）"\nY = f"¥{1:,}"\n', encoding="utf-8"
    )
    found = [s for _, s in _literals(p) if "¥" in s or YUAN.search(s)]
    assert found == ["客单价（元/单）", "¥"]
    assert not YUAN.search("元旦焕新季·全场9折")


def test_no_glossary_name_or_notebook_cell_hard_codes_the_yuan():
    for f in sorted((SRC / "glossary").glob("*.toml")):
        for ns, codes in tomllib.loads(f.read_text(encoding="utf-8")).items():
            for code, e in codes.items():
                for lang in ("en", "zh"):
                    assert "¥" not in e[lang] and not YUAN.search(e[lang]), (
                        f"{f.name}: {ns}.{code} {e[lang]!r}"
                    )
    for nb in REPORTS:
        for cell in json.loads((ROOT / "notebooks" / f"{nb}.ipynb").read_text(encoding="utf-8"))["cells"]:
            texts = ["".join(cell["source"]), cell.get("metadata", {}).get("shoplab", {}).get("zh", "")]
            for t in texts:
                assert "¥" not in t and not YUAN.search(t), f"{nb}.ipynb: {t[:200]!r}"


def test_glossary_names_take_the_shops_currency():
    assert labels.name("churn_feature.aov", "en") == "average order value (¥)"
    assert labels.name("churn_feature.aov", "zh") == "客单价（¥）"
    set_currency("USD")
    assert labels.name("churn_feature.aov", "en") == "average order value ($)"
    assert labels.names("persona_feature", "zh")["aov_log"] == "平均订单金额（对数 $）"
    set_currency("CHF")  # no symbol: the code
    assert labels.name("churn_feature.gmv_lookback", "en") == "spend in lookback window (CHF)"
    for code in ("CNY", "USD", "CHF"):
        set_currency(code)
        for lang in ("en", "zh"):
            assert not any("{money}" in labels.name(k, lang) for k in labels.entries()), code


def test_profiling_tables_align_dollar_figures_as_numbers():
    from shoplab.profiling.text import _tidy, styled

    table = pd.DataFrame({"segment": ["A", "B"], "revenue": ["$1,294", "$0.00"]})
    set_currency("USD")
    shown = _tidy(table)
    assert list(shown["revenue"]) == ["$1,294", "$0"]
    style = styled(shown).to_html().split("</style>")[0]
    assert "text-align: left" in style and "col0" in style  # the text column is left-aligned
    assert "col1" not in style  # the money column is a number column


# -- every report, rendered -------------------------------------------------------------------------
def _render(name: str, source: Path, lang: str) -> str:
    """The report's outputs (tests/nbrun.py) and the text of every chart it draws (titles, axis labels, tick
    labels, annotations), as one comparable text."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    texts: list[str] = []
    real = Figure.savefig

    def savefig(fig, *a, **k):
        real(fig, *a, **k)  # drawn first: tick labels are formatted when the figure is drawn
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())

    matplotlib.use("agg")
    Figure.savefig = savefig
    try:
        run = run_notebook(
            ROOT / "notebooks" / f"{name}.ipynb", {"source": str(source), "period": "2026-10", "lang": lang}
        )
    finally:
        Figure.savefig = real
    assert run.ok, f"{name} ({lang}) failed in code cell {run.cell}: {run.error!r}"
    assert run.figures and texts, f"{name} drew no chart"
    return "\n".join([*normalised(run), *texts])


@pytest.fixture(scope="module")
def usd_shop(small_shop_dir, tmp_path_factory) -> Path:
    out = variant(small_shop_dir, tmp_path_factory.mktemp("usd") / "shop")
    (out / "_shop.json").write_text('{"currency": "USD"}', encoding="utf-8")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_every_report_shows_the_shops_currency(name, usd_shop, small_shop_dir):
    usd = {lang: _render(name, usd_shop, lang) for lang in ("en", "zh")}
    for lang, text in usd.items():
        assert "¥" not in text and "￥" not in text, f"{name} ({lang}): {text[text.find('¥') - 80 :][:160]!r}"
        m = YUAN.search(text)
        assert m is None, f"{name} ({lang}) shows money in 元: {text[m.start() - 80 : m.end() + 40]!r}"
        if name != "paths":  # the paths report shows no money
            assert re.search(r"\$\d", text), f"{name} ({lang}) shows no $ amount"
    # the currency changes the symbol and nothing else (a CNY shop's report is the same with ¥)
    cny = _render(name, small_shop_dir, "zh")
    assert "$" not in cny
    assert _rounded(usd["zh"].replace("$", "¥")) == _rounded(cny)


_LONG_FLOAT = re.compile(r"\d+\.\d{3,}")  # full-precision floats of the CSV downloads, not formatted figures


def _rounded(text: str) -> str:
    """Long floats to 6 significant digits: the engine's sums may differ in the 8th digit from run to run."""
    return _LONG_FLOAT.sub(lambda m: f"{float(m.group()):.6g}", text)
