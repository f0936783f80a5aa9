"""`shoplab report --only`: several names, comma-separated names and a repeated flag all add up (a repeated flag
used to keep only its last value, silently)."""

from __future__ import annotations

import pytest

from shoplab import cli


@pytest.mark.parametrize(
    "only",
    [["overview", "nosuch"], ["overview,nosuch"], ["nosuch", "--only", "overview"]],
    ids=["spaces", "comma", "repeated"],
)
def test_every_only_name_counts(only, capsys, tmp_path):
    rc = cli.main(["report", "--source", str(tmp_path), "--out", str(tmp_path / "r"), "--only", *only])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown report(s) nosuch;" in err, err  # only the unknown name, none lost
