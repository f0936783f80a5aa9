"""Report notebooks stay thin and runnable: parameters, no logic, no committed outputs."""

from __future__ import annotations

import ast

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
