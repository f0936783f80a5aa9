"""`shoplab import` as a newcomer types it, mistakes included: every mistake is one line on stderr naming what is
wrong and what to type instead, with exit code 2, and nothing is written."""

from __future__ import annotations

import pytest

from .import_helpers import SALT, run_import


@pytest.fixture
def salt(monkeypatch):
    monkeypatch.setenv("SHOPLAB_SALT", SALT)


def _error(capsys) -> str:
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("shoplab import: error: "), cap.err
    assert not cap.out
    return lines[0]


@pytest.mark.parametrize(
    "typed, hint",
    [
        ("taobao", "did you mean taobao-orders?"),
        ("taobao-order", "did you mean taobao-orders?"),
        ("Shopify", "did you mean shopify-orders?"),
        ("online", "did you mean online-retail?"),
        ("JD", "use mapping --mapping FILE.toml"),
    ],
)
def test_a_mistyped_format_gets_the_nearest_name(tmp_path, salt, capsys, typed, hint):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    assert run_import(typed, tmp_path / "x.csv", "--out", tmp_path / "shop") == 2
    err = _error(capsys)
    assert f"unknown format {typed!r}" in err and hint in err and "taobao-orders, taobao-items" in err
    assert run_import(typed) == 2  # without paths: the format is still the first mistake named
    assert f"unknown format {typed!r}" in _error(capsys)
    assert not (tmp_path / "shop").exists()


def test_missing_parts_are_named(tmp_path, salt, capsys):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    assert run_import() == 2
    assert "give FORMAT, one or more PATHs and --out DIR" in _error(capsys)
    assert run_import("shopify-orders") == 2
    assert "give one or more export files or folders after shopify-orders" in _error(capsys)
    assert run_import("shopify-orders", tmp_path / "x.csv") == 2
    assert "--out DIR is missing" in _error(capsys)


def test_paths_that_hold_nothing(tmp_path, salt, capsys):
    (tmp_path / "empty").mkdir()
    assert run_import("taobao-orders", tmp_path / "empty", "--out", tmp_path / "shop") == 2
    assert "holds no export file (.csv, .tsv" in _error(capsys)
    assert run_import("taobao-orders", tmp_path / "nowhere.csv", "--out", tmp_path / "shop") == 2
    assert "nowhere.csv does not exist" in _error(capsys)
    (tmp_path / "blank.csv").write_text("")
    assert run_import("taobao-orders", tmp_path / "blank.csv", "--out", tmp_path / "shop") == 2
    assert "blank.csv is empty" in _error(capsys)
    (tmp_path / "file").write_text("x")
    assert run_import("taobao-orders", tmp_path / "blank.csv", "--out", tmp_path / "file") == 2
    assert "is a file, not a folder" in _error(capsys)
    assert not (tmp_path / "shop").exists()


def test_no_salt_and_bad_options(tmp_path, monkeypatch, capsys):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    monkeypatch.delenv("SHOPLAB_SALT", raising=False)
    assert run_import("taobao-orders", tmp_path / "x.csv", "--out", tmp_path / "shop") == 2
    assert "no salt: set the environment variable SHOPLAB_SALT" in _error(capsys)
    monkeypatch.setenv("SHOPLAB_SALT", SALT)
    for extra, words in (
        (["--timezone", "Mars/Base"], "unknown time zone 'Mars/Base'"),
        (["--currency", "dollars"], "--currency must be a three-letter ISO code"),
    ):
        assert run_import("taobao-orders", tmp_path / "x.csv", "--out", tmp_path / "shop", *extra) == 2
        assert words in _error(capsys)
    assert run_import("mapping", tmp_path / "x.csv", "--out", tmp_path / "shop") == 2
    assert "needs a mapping file" in _error(capsys)
    assert not (tmp_path / "shop").exists()
