"""Report notebooks stay thin and runnable: parameters, no logic, no committed outputs."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import papermill
import pytest
from conftest import ROOT

from shoplab.contract import TABLES
from shoplab.runner import ALWAYS_PASSED, discover

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell is the parameters cell"
    for c in code:
        assert not c.outputs and c.execution_count is None, "commit notebooks without outputs"
        tree = ast.parse(c.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
        assert not defs, f"logic belongs in the package, not the notebook: {c.source[:80]}"
    for node in ast.parse(code[0].source).body:  # plain literals only
        assert isinstance(node, ast.AnnAssign | ast.Assign)
        ast.literal_eval(node.value)
    meta = nb.metadata["shoplab"]
    assert set(meta["requires"]) | set(meta.get("optional", [])) <= set(TABLES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_match_what_the_runner_passes(path):
    declared = papermill.inspect_notebook(str(path))
    assert set(ALWAYS_PASSED) <= set(declared)
    assert all(p["help"] for p in declared.values()), "every parameter has a # help comment"
    assert discover(path.parent)[path.stem].parameters == declared


ANCHOR_RE = re.compile(r'<a id="([a-z0-9-]+)"></a>')
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_speaks_english_and_chinese(path):
    """Every report has a ``lang`` parameter; each Markdown cell is English prose with its Chinese text in
    ``metadata.shoplab.zh`` (one language in JupyterLab, the runner swaps in the other), with the same section
    anchors and heading levels, so findings can link to sections in both."""
    nb = nbformat.read(path, as_version=4)
    declared = papermill.inspect_notebook(str(path))
    assert ast.literal_eval(declared["lang"]["default"]) == "en"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "shoplab.set_lang(lang)" in code[1].source, "the setup cell sets the report language"
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    assert not any(t.startswith("lang-") for c in md for t in c.metadata.get("tags", [])), (
        "prose is one cell per section, not a tagged English/Chinese pair"
    )
    for c in md:
        zh = c.metadata.get("shoplab", {}).get("zh")
        assert zh, f"Markdown cell without its Chinese text: {c.source[:60]}"
        # English prose may quote a Chinese term (会员等级), but it is not the Chinese text
        assert len(CJK_RE.findall(c.source)) * 4 < len(CJK_RE.findall(zh)), f"not English: {c.source[:60]}"
        assert ANCHOR_RE.findall(c.source) == ANCHOR_RE.findall(zh), c.source[:60]
        heads_en = [ln.split(" ")[0] for ln in c.source.splitlines() if ln.startswith("#")]
        heads_zh = [ln.split(" ")[0] for ln in zh.splitlines() if ln.startswith("#")]
        assert heads_en == heads_zh, (c.source[:60], zh[:60])
        if "##" in heads_en:
            assert ANCHOR_RE.search(c.source), (
                f"section without an anchor for findings to link to: {c.source[:60]}"
            )
        assert CJK_RE.search(zh), f"the Chinese text is not in Chinese: {zh[:60]}"
    first_section = next(
        c for c in md if c.source.lstrip().split("\n")[-1].startswith("## ") or "\n## " in c.source
    )
    assert 'id="findings"' in first_section.source, "each report opens with its findings"


# -- declared parameters: types, help and allowed values ------------------------------------------------
def _probe_trend_metric(shop, value):
    import matplotlib.pyplot as plt

    from shoplab import overview, plots

    trend = overview.daily_trend(shop, "2026-10")
    try:
        overview.trend_title(trend, value)
        plots.plot_daily_trend(trend, metric=value)
    finally:
        plt.close("all")


def _probe_basket(key):
    def probe(shop, value):
        from shoplab import profiling

        profiling.basket_lines(shop, "2026-10", **{key: value}).count().execute()

    return probe


def _probe_per(shop, value):
    from shoplab import paths

    paths.funnel(shop.events, ["home", "pay"], per=value, period="2026-10")


def _probe_cohorts(key):
    def probe(shop, value):
        from shoplab import membership

        membership.cohort_retention(
            shop.orders,
            users=shop.users,
            members=shop.members,
            events=shop.events,
            start="2026-01-01",
            end="2026-11-01",
            max_months=2,
            **{key: value},
        )

    return probe


def _probe_metrics(shop, value):
    from shoplab.campaigns import METRICS

    bad = [m for m in value.split(",") if m not in METRICS]
    if bad:
        raise KeyError(bad)


def _probe_lang(shop, value):
    from shoplab.i18n import LANGS, check_lang

    if check_lang(value) != value or value not in LANGS:
        raise ValueError(value)


# Every parameter whose help restricts it to a list of words needs a probe here: the code that reads the
# parameter, called with one value. Each declared value must pass it, and a value outside must fail it.
PROBES = {
    ("overview", "trend_metric"): _probe_trend_metric,
    ("profiling", "basket_by"): _probe_basket("by"),
    ("profiling", "basket_level"): _probe_basket("level"),
    ("paths", "per"): _probe_per,
    ("membership", "cohort_basis"): _probe_cohorts("basis"),
    ("membership", "cohort_activity"): _probe_cohorts("activity"),
    ("campaigns", "metrics"): _probe_metrics,
    ("*", "lang"): _probe_lang,
}


def _declared():
    from shoplab.runner import report_params

    return {name: report_params(spec) for name, spec in discover(ROOT / "notebooks").items()}


def test_every_parameter_has_a_type_help_and_an_allowed_default():
    from shoplab.runner.params import TYPES

    for report, params in _declared().items():
        for name, p in params.items():
            assert p.type in TYPES, f"{report}.{name}: declare a type ({', '.join(TYPES)})"
            assert p.what, f"{report}.{name}: a # help comment says what it is for"
            value, problem = p.check(p.default)
            assert problem is None, f"{report}.{name}: the default {p.default!r} {problem}"
            if p.type in ("int", "float"):
                assert p.rule is not None and p.rule.kind == "range", f"{report}.{name}: declare its bounds"


def test_allowed_values_are_the_ones_the_code_accepts(sample_shop):
    seen = set()
    for report, params in _declared().items():
        for name, p in params.items():
            if p.rule is None or p.rule.kind not in ("one_of", "each_one_of"):
                continue
            probe = PROBES.get((report, name)) or PROBES.get(("*", name))
            assert probe is not None, f"{report}.{name} declares allowed values: add a probe to PROBES"
            seen.add((report, name) if (report, name) in PROBES else ("*", name))
            for value in p.rule.values:
                probe(sample_shop, value)  # accepted by the code
            bogus = "revenue" if "revenue" not in p.rule.values else "nonsense"
            with pytest.raises((ValueError, KeyError)):
                probe(sample_shop, bogus)
            assert p.check(bogus)[1] is not None  # and refused by the runner before any notebook starts
    assert seen == set(PROBES), f"probes for parameters no notebook restricts: {set(PROBES) - seen}"


def test_duration_parameters_accept_what_the_code_reads():
    from shoplab.paths._common import parse_window

    durations = [
        p for ps in _declared().values() for p in ps.values() if p.rule and p.rule.kind == "duration"
    ]
    assert durations, "paths.window is declared as a duration"
    for p in durations:
        for value in ["7D", "1D", "2h", "30min", "90s", "soon", "-1D", "", "7 parsecs"]:
            try:
                parse_window(value)
                code_ok = True
            except ValueError:
                code_ok = False
            assert (p.check(value)[1] is None) == code_ok, (p.name, value)


# -- a relative source, whatever the working directory ------------------------------------------------
def test_a_relative_source_is_taken_in_the_data_folder(tmp_path, monkeypatch):
    from shoplab.notebook import data_dir, resolve_source

    monkeypatch.delenv("SHOPLAB_DATA_DIR", raising=False)
    assert data_dir() == ROOT / "data"
    monkeypatch.chdir(tmp_path)  # neither the repository nor notebooks/
    (tmp_path / "data" / "myshop").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("SHOPLAB_DATA_DIR", str(tmp_path / "data"))
    assert resolve_source("myshop") == str(tmp_path / "data" / "myshop")
    assert resolve_source("elsewhere") == str(tmp_path / "elsewhere")  # only there: the working directory
    assert resolve_source("nosuch") == str(tmp_path / "data" / "nosuch")  # the error names the data folder
    for unchanged in ("/abs/shop", "${SHOP_DB}", "spark://local[2]?path=x", "profile:warehouse", ""):
        assert resolve_source(unchanged) == unchanged


def test_papermill_runs_a_notebook_from_any_working_directory(tmp_path, monkeypatch, sample_dir):
    """`papermill notebooks/overview.ipynb out.ipynb` from the repository root (or anywhere): the default
    source, "sample", is the data folder's sample shop (here the test shop, through SHOPLAB_DATA_DIR)."""
    from shoplab.runner.execute import kernel_env

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sample").symlink_to(sample_dir)
    monkeypatch.setenv("SHOPLAB_DATA_DIR", str(tmp_path / "data"))
    root, kernel = kernel_env()
    monkeypatch.setenv("JUPYTER_PATH", root)
    monkeypatch.chdir(tmp_path)
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "overview.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name=kernel,
        progress_bar=False,
    )
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert not injected, "defaults only: the source and period are the notebook's own"
    assert any("overview.gmv" in json.dumps(o) for c in nb.cells for o in c.get("outputs", []))
