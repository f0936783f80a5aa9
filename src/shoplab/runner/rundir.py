"""A run's period folder, ``<out>/<period>/``: its lock, its status files and its index page.

* ``.shoplab.lock`` holds the pid and host of the run writing the folder; a second run is refused while that
  process lives, and takes the lock over when it does not (a run killed without cleaning up).
* ``status.json`` (the run's state and every report's status), ``metrics.json`` (headline numbers) and
  ``index.html`` are rewritten after every report, each to a temporary file renamed over the old one.
* Reports of earlier runs that this run does not redo (``--only``) keep their entry and their generated time;
  the index lists every report in the notebooks' order.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import redact
from ..errors import ReportError
from ..htmlfonts import embed_cjk_font
from .render import index_html

__all__ = [
    "ReportResult",
    "RunLock",
    "write_atomic",
    "load_previous",
    "merge_results",
    "publish",
    "now",
]

STATES = ("running", "complete", "interrupted")
FINISHED = ("ok", "failed", "skipped")


def now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class ReportResult:
    name: str
    title: str
    status: str  # ok | failed | skipped | pending | interrupted
    message: str = ""
    seconds: float = 0.0
    metrics: list[dict] = field(default_factory=list)
    html: str | None = None
    generated: str = field(default_factory=now)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 1),
            "html": self.html,
            "generated": self.generated,
            "metrics": self.metrics,
        }


_UMASK: list[int] = []


def _file_mode(path: Path) -> int:
    """The mode a new file would get (the existing file's mode when there is one)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        pass
    if not _UMASK:  # read once (there is no way to read it without setting it), first from the main thread
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return 0o666 & ~_UMASK[0]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``: a reader sees the old
    file or the new one, never a half-written one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, _file_mode(path))  # mkstemp makes it private; reports are as readable as other files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- lock ------------------------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class RunLock:
    """``<folder>/.shoplab.lock``: one run at a time writes a period folder."""

    NAME = ".shoplab.lock"

    def __init__(self, folder: Path):
        self.path = Path(folder) / self.NAME
        self.held = False

    def _read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def acquire(self, progress=None) -> RunLock:
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now()}
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                other = self._read()
                if other is None:
                    try:  # just created by another run that has not written it yet, or left empty
                        age = time.time() - self.path.stat().st_mtime
                    except FileNotFoundError:
                        continue
                    if age < 10:
                        raise ReportError(
                            f"another shoplab report run is starting in {self.path.parent}; wait for it to "
                            f"finish (or remove {self.path} if no run is going on)"
                        ) from None
                elif other.get("host") != me["host"] or _alive(int(other.get("pid", -1))):
                    where = "" if other.get("host") == me["host"] else f" on {other.get('host')}"
                    raise ReportError(
                        f"another shoplab report run (pid {other.get('pid')}{where}, started "
                        f"{other.get('started')}) is writing to {self.path.parent}; wait for it to finish, "
                        f"or remove {self.path} if that run is gone"
                    ) from None
                if progress and other is not None:
                    progress(
                        f"taking over the lock of a run that no longer exists (pid {other.get('pid')}, "
                        f"started {other.get('started')})"
                    )
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(me, fh)
            self.held = True
            return self
        raise ReportError(f"could not take the lock {self.path}; remove it if no run is going on")

    def release(self) -> None:
        if not self.held:
            return
        other = self._read()
        if other is None or (other.get("pid") == os.getpid() and other.get("host") == socket.gethostname()):
            self.path.unlink(missing_ok=True)
        self.held = False

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> bool:
        self.release()
        return False


# -- results of earlier runs -----------------------------------------------------------------------
def load_previous(out_dir: Path) -> dict[str, ReportResult]:
    """The finished reports of earlier runs for this period whose files are still there, by name."""
    path = out_dir / "status.json"
    if not path.exists():
        return {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    out = {}
    for r in old.get("reports", []):
        if r.get("status") not in FINISHED or not r.get("name"):
            continue
        if r.get("html") and not (out_dir / r["html"]).exists():
            continue
        out[r["name"]] = ReportResult(
            r["name"],
            r.get("title", r["name"]),
            r["status"],
            r.get("message", ""),
            r.get("seconds", 0.0),
            r.get("metrics", []),
            r.get("html"),
            r.get("generated", ""),
        )
    return out


def merge_results(
    order: list[str],
    this_run: dict[str, str],
    done: dict[str, ReportResult],
    previous: dict[str, ReportResult],
    state: str,
    started_names: set[str] | None = None,
) -> list[ReportResult]:
    """The index's entries, in ``order`` (then earlier reports no notebook names any more).

    ``this_run`` maps the reports this run does to their titles; ``done`` holds those it finished. A report of
    this run not finished yet is *pending* while the run goes on; after an interrupt it is *interrupted*, or
    keeps its earlier entry when an earlier run produced it.
    """
    names = list(order) + [n for n in previous if n not in order]
    names += [n for n in this_run if n not in names]
    out = []
    for name in names:
        if name in done:
            out.append(done[name])
        elif name in this_run:
            if state == "running":
                out.append(ReportResult(name, this_run[name], "pending", "not run yet"))
            elif name in previous:
                out.append(previous[name])
            else:
                started = name in (started_names or set())
                msg = (
                    "stopped while running: the run was interrupted"
                    if started
                    else "not started: the run was interrupted"
                )
                out.append(ReportResult(name, this_run[name], "interrupted", msg))
        elif name in previous:
            out.append(previous[name])
    return out


def _period_fields(period: str) -> dict[str, str]:
    """The period's kind, first and last day and its English and Chinese titles (for status.json)."""
    from ..errors import PeriodError
    from ..periods import Period

    try:
        p = Period.parse(period)
    except PeriodError:
        return {}
    return {
        "period_kind": p.kind,
        "period_first_day": p.first.isoformat(),
        "period_last_day": p.last.isoformat(),
        "period_title": p.title("en"),
        "period_title_zh": p.title("zh"),
    }


def publish(
    out_dir: Path,
    period: str,
    source: Any,
    results: list[ReportResult],
    started: str,
    state: str,
    lang: str = "en",
    *,
    finished_names: list[str] | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> None:
    """Write metrics.json, status.json and index.html (each atomically) for the reports known so far.

    ``state`` is the run's: running, complete or interrupted. ``finished_names`` are the reports this run
    finished; ``notes`` are (English, Chinese) sentences shown above the reports (a partly covered month).
    """
    assert state in STATES, state
    metrics = {m["key"]: m["value"] for r in results if r.status == "ok" for m in r.metrics}
    write_atomic(out_dir / "metrics.json", json.dumps(metrics, indent=2, ensure_ascii=False, sort_keys=True))
    status = {
        "period": period,
        **_period_fields(period),
        "source": redact(str(source)),
        "status": state,
        "started": started,
        "finished": now() if state != "running" else None,
        "finished_reports": list(finished_names or []),
        "notes": [en for en, _ in notes or []],
        "reports": [r.to_dict() for r in results],
    }
    write_atomic(out_dir / "status.json", json.dumps(status, indent=2, ensure_ascii=False))
    page = index_html(period, results, started, state, lang, finished_names=finished_names, notes=notes)
    write_atomic(out_dir / "index.html", embed_cjk_font(page))
