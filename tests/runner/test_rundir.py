"""The period folder: its lock, atomic writes, and the entries of earlier runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest


def test_a_stale_lock_is_taken_over(tmp_path):
    from shoplab.runner.rundir import RunLock

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / RunLock.NAME).write_text(
        json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started": "2024-11-01T08:00:00"})
    )
    said = []
    lock = RunLock(tmp_path).acquire(said.append)
    assert "taking over the lock of a run that no longer exists" in said[0]
    assert json.loads((tmp_path / RunLock.NAME).read_text())["pid"] == os.getpid()
    lock.release()
    assert not (tmp_path / RunLock.NAME).exists()


def test_status_files_are_replaced_atomically(tmp_path, monkeypatch):
    from shoplab.runner import rundir

    path = tmp_path / "status.json"
    rundir.write_atomic(path, "old")
    mask = os.umask(0o022)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # as readable as any other file, not private

    def broken_replace(a, b):
        raise OSError("disk full")

    monkeypatch.setattr(rundir.os, "replace", broken_replace)
    with pytest.raises(OSError):
        rundir.write_atomic(path, "new")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["status.json"]


def test_an_interrupted_run_keeps_earlier_entries_of_the_reports_it_did_not_finish():
    from shoplab.runner.rundir import ReportResult, merge_results

    old = {
        "b": ReportResult("b", "Beta", "ok", generated="2024-11-01T08:00:00", html="b.html"),
        "z": ReportResult("z", "Gone", "ok", generated="2024-11-01T08:00:00"),
    }
    done = {"a": ReportResult("a", "Alpha", "ok")}
    titles = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    running = merge_results(["a", "b", "c"], titles, done, old, "running", {"a", "b"})
    assert [(r.name, r.status) for r in running] == [
        ("a", "ok"),
        ("b", "pending"),
        ("c", "pending"),
        ("z", "ok"),
    ]
    stopped = merge_results(["a", "b", "c"], titles, done, old, "interrupted", {"a", "b", "c"})
    assert [(r.name, r.status) for r in stopped] == [
        ("a", "ok"),
        ("b", "ok"),
        ("c", "interrupted"),
        ("z", "ok"),
    ]
    assert stopped[1] is old["b"] and stopped[2].message == "stopped while running: the run was interrupted"
    assert merge_results(["c"], {"c": "Gamma"}, {}, {}, "interrupted", set())[0].message.startswith(
        "not started"
    )
