"""Finding the report notebooks: every ``*.ipynb`` whose metadata has a ``shoplab`` entry, with what it declares.

The entry names the report's title (and Chinese title), the tables it requires and reads when present, the
optional columns it reads and its place in the index (``order``); papermill reports its parameters.

- ``requires``: tables without which the report is skipped (every one must exist).
- ``requires_any``: the report runs when at least one of these exists, else it is skipped. An entry is a table
  name or ``table.column=value`` (the table has rows with that value: ``feedback.kind=review``).
- ``optional``: tables it reads when present; ``optional_columns``: columns it reads when present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ReportSpec", "default_notebooks_dir", "discover", "requirements_markdown"]


@dataclass
class ReportSpec:
    name: str
    path: Path
    title: str
    requires: list[str]
    optional: list[str]
    parameters: dict[str, dict]
    order: int = 100
    title_zh: str | None = None
    # optional columns the report reads, by table (metadata "optional_columns"); absent ones get a visible note
    optional_columns: dict[str, list[str]] = field(default_factory=dict)
    # metadata "requires_any": at least one must exist (a table, or "table.column=value"), else skipped
    requires_any: list[str] = field(default_factory=list)


def default_notebooks_dir() -> Path:
    """``./notebooks`` when run from a checkout, else the notebooks beside the installed (editable) package."""
    here = Path.cwd() / "notebooks"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "notebooks"


def discover(notebooks_dir: Path | str | None = None) -> dict[str, ReportSpec]:
    """Report notebooks are the ``*.ipynb`` files whose metadata has a ``shoplab`` entry."""
    import nbformat
    import papermill

    d = (Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()).resolve()
    specs = []
    for path in sorted(d.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("shoplab")
        if meta is None:
            continue
        params = papermill.inspect_notebook(str(path))
        specs.append(
            ReportSpec(
                name=path.stem,
                path=path,
                title=meta.get("title", path.stem),
                title_zh=meta.get("title_zh"),
                requires=list(meta.get("requires", [])),
                optional=list(meta.get("optional", [])),
                parameters=dict(params),
                order=int(meta.get("order", 100)),
                optional_columns={t: list(c) for t, c in meta.get("optional_columns", {}).items()},
                requires_any=list(meta.get("requires_any", [])),
            )
        )
    specs.sort(key=lambda s: (s.order, s.name))
    return {s.name: s for s in specs}


def requirements_markdown(notebooks_dir: Path | str | None = None) -> str:
    """Which report needs which tables, as the Markdown table in docs/data-contract.md (a test keeps it in sync)."""
    lines = ["| report | requires | optional | optional columns read |", "|---|---|---|---|"]
    for s in discover(notebooks_dir).values():
        cols = ", ".join(f"{t}.{c}" for t, cs in s.optional_columns.items() for c in cs) or "-"
        req = ", ".join(s.requires + ([f"one of {' / '.join(s.requires_any)}"] if s.requires_any else []))
        lines.append(f"| {s.name} | {req or '-'} | {', '.join(s.optional) or '-'} | {cols} |")
    return "\n".join(lines)
