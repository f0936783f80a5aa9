"""A kernel that dies at start (two kernels racing for one port) is started again; a notebook's own error is not
retried."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoplab.runner import execute


def _fake(monkeypatch, errors):
    calls = []

    def fake_execute(*a, **k):
        calls.append(1)
        if errors:
            raise errors.pop(0)

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    return calls


def _run():
    execute.execute_notebook(Path("nb.ipynb"), Path("out.ipynb"), {}, kernel_name="python3", timeout_s=None)


def test_a_kernel_that_dies_at_start_is_started_again(monkeypatch):
    calls = _fake(monkeypatch, [RuntimeError("Kernel died before replying to kernel_info")])
    _run()
    assert len(calls) == 2


def test_it_gives_up_after_its_tries(monkeypatch):
    errors = [RuntimeError("Kernel didn't respond in 60 seconds") for _ in range(execute.KERNEL_START_TRIES)]
    calls = _fake(monkeypatch, errors)
    with pytest.raises(RuntimeError, match="didn't respond"):
        _run()
    assert len(calls) == execute.KERNEL_START_TRIES


def test_a_notebook_error_is_not_retried(monkeypatch):
    calls = _fake(monkeypatch, [RuntimeError("something else went wrong")])
    with pytest.raises(RuntimeError, match="something else"):
        _run()
    assert len(calls) == 1
