"""The public API of the analysis packages: ``__all__`` holds the analyses, each listed on one line of the
package docstring (so ``help(shoplab.paths)`` reads as a menu); words, charts and metrics are submodules,
reached as attributes on first use (``import shoplab; shoplab.paths.plots``)."""

from __future__ import annotations

import importlib
import pydoc
import re
import subprocess
import sys

import pytest

import shoplab

PACKAGES = ("overview", "profiling", "paths", "campaigns", "membership")
#: the submodules that hold words, charts and metrics keys, never analyses (``report`` is not among them: it is
#: where ``compute_report`` lives in the recipe, docs/adding-a-report.md)
WORDS = {"text", "plots", "metrics", "tables", "sections", "findings", "names", "titles", "sentences"}  # fmt: skip
#: a menu line of a package docstring: ``- :func:`name`: what it does``
MENU = re.compile(r"^- :(?:func|class|data):`([A-Za-z_]\w*)`: \S", re.M)


def menu(pkg) -> list[str]:
    return MENU.findall(pkg.__doc__ or "")


@pytest.mark.parametrize("name", (*PACKAGES, "importing"))
def test_the_docstring_lists_all_of_all_one_line_each(name):
    pkg = importlib.import_module(f"shoplab.{name}")
    listed = menu(pkg)
    assert len(pkg.__all__) == len(set(pkg.__all__)), "a name twice in __all__"
    assert len(listed) == len(set(listed)), [n for n in listed if listed.count(n) > 1]
    assert not set(pkg.__all__) - set(listed), (
        f"in __all__, not in the docstring: {set(pkg.__all__) - set(listed)}"
    )
    assert not set(listed) - set(pkg.__all__), (
        f"in the docstring, not in __all__: {set(listed) - set(pkg.__all__)}"
    )
    assert listed == list(pkg.__all__), "the docstring lists the analyses in the order of __all__"


@pytest.mark.parametrize("name", (*PACKAGES, "importing"))
def test_every_name_of_all_is_importable(name):
    for n in importlib.import_module(f"shoplab.{name}").__all__:
        ns: dict = {}
        exec(f"from shoplab.{name} import {n}", ns)  # noqa: S102 - the names come from __all__
        assert ns[n] is not None, n


@pytest.mark.parametrize("name", PACKAGES)
def test_all_holds_analyses_only(name):
    pkg = importlib.import_module(f"shoplab.{name}")
    for n in pkg.__all__:
        obj = getattr(pkg, n)
        assert not n.startswith(("plot_", "format_", "styled")), n
        assert not isinstance(obj, type(sys)), (
            f"{n} is a module: reach it as a submodule, not through __all__"
        )
        module = getattr(obj, "__module__", None) if callable(obj) else None
        if module:
            parts = set(module.split(".")[2:])
            assert not parts & WORDS, f"{name}.{n} comes from {module}: words and charts stay out of __all__"


@pytest.mark.parametrize("name", PACKAGES)
def test_help_reads_as_a_menu(name):
    pkg = importlib.import_module(f"shoplab.{name}")
    text = pydoc.plaintext.document(pkg)
    for n in pkg.__all__:
        assert re.search(rf"^\s*- :(func|class|data):`{n}`: ", text, re.M), n


def test_former_names_stay_importable_outside_all():
    from shoplab import campaigns, membership, overview

    assert campaigns.record_headlines is campaigns.metrics.record_headlines
    assert campaigns.plot_lifts is campaigns.plots.plot_lifts
    assert campaigns.format_effects is campaigns.text.format_effects
    assert membership.findings is membership.text.findings
    assert overview.findings is overview.text.findings
    for pkg in (campaigns, membership, overview):
        assert not {"record_headlines", "findings", "plot_lifts", "format_effects"} & set(pkg.__all__)


def test_packages_and_their_submodules_are_attributes_after_import_shoplab():
    """In a fresh interpreter, ``import shoplab`` alone gives every package, its analyses and its words and charts
    as attributes (imported on first use)."""
    code = "\n".join(
        [
            "import shoplab",
            f"for n in {shoplab._SUBMODULES!r}: getattr(shoplab, n)",
            "assert callable(shoplab.paths.funnel) and callable(shoplab.importing.import_files)",
            "assert callable(shoplab.overview.kpi_summary) and callable(shoplab.membership.clv_summary)",
            f"for p in {PACKAGES!r}:",
            "    pkg = getattr(shoplab, p)",
            "    for sub in ('text', 'plots', 'metrics'):",
            "        assert getattr(pkg, sub).__name__ == f'shoplab.{p}.{sub}', (p, sub)",
            "    for n in pkg.__all__: getattr(pkg, n)",
            "try:",
            "    shoplab.paths.no_such_name",
            "except AttributeError as e:",
            "    assert 'no_such_name' in str(e)",
            "else:",
            "    raise SystemExit('no AttributeError')",
        ]
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
