"""The index page of a period folder: sparklines and the state of the run."""

from __future__ import annotations


def test_sparkline_needs_three_points_and_scales_to_the_range():
    from shoplab.runner.render import sparkline

    assert sparkline(None) == "" and sparkline({"2024-01": 1, "2024-02": 2}) == ""
    svg = sparkline({"2024-01": 10, "2024-02": 30, "2024-03": 20, "2024-04": None})
    assert svg.startswith("<svg") and "2024-01 .. 2024-03" in svg
    pts = [tuple(map(float, p.split(","))) for p in svg.split('points="')[1].split('"')[0].split()]
    assert len(pts) == 3 and pts[1][1] < pts[2][1] < pts[0][1]  # highest value drawn highest


def test_the_index_of_an_interrupted_run_says_so():
    from shoplab.runner import ReportResult, index_html

    results = [
        ReportResult("a", "Alpha", "ok"),
        ReportResult("b", "Beta", "interrupted", "stopped while running: the run was interrupted"),
    ]
    en = index_html("2024-10", results, "2024-11-01T00:00:00", "interrupted", finished_names=["a"])
    assert "This run was interrupted." in en and "Finished by it: Alpha. Not produced by it: Beta." in en
    zh = index_html("2024-10", results, "2024-11-01T00:00:00", "interrupted", "zh", finished_names=["a"])
    assert "本次运行已中断。" in zh and "本次完成：Alpha。本次未生成：Beta。" in zh and "已中断</span>" in zh


def test_the_index_page_comes_from_a_packaged_template():
    import fnmatch
    import tomllib

    from conftest import ROOT

    from shoplab.runner.render import TEMPLATES

    path = TEMPLATES / "runner" / "index.html.j2"
    assert path.is_file()
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    rel = str(path.relative_to(TEMPLATES.parent))
    assert any(fnmatch.fnmatch(rel, pattern) for pattern in setuptools["package-data"]["shoplab"]), rel
