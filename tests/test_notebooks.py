"""Report notebooks stay thin and runnable: parameters, no logic, no committed outputs."""

from __future__ import annotations

import ast
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
    """Every report has a ``lang`` parameter; each Markdown cell comes as an English/Chinese pair with the same
    section anchors, so the runner can keep one language and findings can link to sections in both."""
    nb = nbformat.read(path, as_version=4)
    declared = papermill.inspect_notebook(str(path))
    assert ast.literal_eval(declared["lang"]["default"]) == "en"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "shoplab.set_lang(lang)" in code[1].source, "the setup cell sets the report language"
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    tags = [next((t for t in c.metadata.get("tags", []) if t.startswith("lang-")), None) for c in md]
    assert set(tags) <= {"lang-en", "lang-zh"} and None not in tags, (
        "every Markdown cell is tagged lang-en/zh"
    )
    cells = nb.cells
    for i, c in enumerate(cells):
        if c.cell_type != "markdown" or "lang-en" not in c.metadata.get("tags", []):
            continue
        twin = cells[i + 1]
        assert twin.cell_type == "markdown" and "lang-zh" in twin.metadata.get("tags", []), c.source[:60]
        assert ANCHOR_RE.findall(c.source) == ANCHOR_RE.findall(twin.source), c.source[:60]
        heads_en = [ln.split(" ")[0] for ln in c.source.splitlines() if ln.startswith("#")]
        heads_zh = [ln.split(" ")[0] for ln in twin.source.splitlines() if ln.startswith("#")]
        assert heads_en == heads_zh, (c.source[:60], twin.source[:60])
        if "##" in heads_en:
            assert ANCHOR_RE.search(c.source), (
                f"section without an anchor for findings to link to: {c.source[:60]}"
            )
        assert CJK_RE.search(twin.source), f"the Chinese twin is not in Chinese: {twin.source[:60]}"
    assert tags.count("lang-en") == tags.count("lang-zh")
    first_section = next(
        c for c in md if c.source.lstrip().split("\n")[-1].startswith("## ") or "\n## " in c.source
    )
    assert 'id="findings"' in first_section.source, "each report opens with its findings"
