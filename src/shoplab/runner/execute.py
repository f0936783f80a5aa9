"""Executing a report notebook: papermill in a kernelspec of this very Python, and stopping the kernels.

Kernels start in their own session (jupyter_client does so), so a Ctrl-C in the terminal reaches only the
runner; the runner then stops them itself with :func:`kill_kernels`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..data import redact
from ..notebook import METRIC_MIME

__all__ = [
    "kernel_env",
    "use_kernels",
    "tracked_kernel_manager",
    "kill_kernels",
    "Signals",
    "execute_notebook",
    "collect_metrics",
    "error_message",
]


# -- kernelspec ----------------------------------------------------------------------------------------
def kernel_env() -> tuple[str, str]:
    """A kernelspec that runs this very Python, so reports use the environment shoplab is installed in."""
    root = Path(tempfile.gettempdir()) / f"shoplab-kernels-{os.getuid() if hasattr(os, 'getuid') else 'u'}"
    name = "shoplab-python"
    spec_dir = root / "kernels" / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=ERROR",
        ],
        "display_name": "shoplab (Python 3)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONWARNINGS": "ignore"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return str(root), name


def use_kernels(root: str) -> None:
    """Put the kernelspecs under ``root`` first on ``JUPYTER_PATH``, where papermill looks for them."""
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [root] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )


# -- kernels and interrupts ------------------------------------------------------------------------
_KERNELS: set = set()
_KERNELS_LOCK = threading.Lock()
_KM_CLASS = None


def tracked_kernel_manager():
    """An AsyncKernelManager that registers its kernel, so that an interrupted run can shut every kernel down."""
    global _KM_CLASS
    if _KM_CLASS is None:
        from jupyter_client import AsyncKernelManager

        class TrackedKernelManager(AsyncKernelManager):
            async def start_kernel(self, **kw):
                await super().start_kernel(**kw)
                with _KERNELS_LOCK:
                    _KERNELS.add(self)

            async def shutdown_kernel(self, *args, **kw):
                with _KERNELS_LOCK:
                    _KERNELS.discard(self)
                return await super().shutdown_kernel(*args, **kw)

        _KM_CLASS = TrackedKernelManager
    return _KM_CLASS


def kill_kernels(grace_s: float = 0.5) -> None:
    """Stop every kernel this process started: SIGTERM to each kernel's process group, SIGKILL after ``grace_s``."""
    with _KERNELS_LOCK:
        procs = [getattr(getattr(km, "provisioner", None), "process", None) for km in _KERNELS]
    procs = [p for p in procs if p is not None and p.poll() is None]

    def send(p, sig):
        with contextlib.suppress(OSError):
            os.killpg(p.pid, sig)  # a kernel leads its own session: this also stops what it started

    for p in procs:
        send(p, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(p.poll() is None for p in procs):
        time.sleep(0.05)
    for p in procs:
        if p.poll() is None:
            send(p, signal.SIGKILL)


class Signals:
    """While a run lasts, SIGINT and SIGTERM set ``stop``; outside the notebook loop they also raise
    KeyboardInterrupt, so that validating the source stops too. Only the main thread can install handlers:
    elsewhere (a run started from a thread) signals keep their usual effect."""

    def __init__(self):
        self.stop = threading.Event()
        self.raise_now = True
        self.name = ""
        self._old: dict = {}

    def _handle(self, signum, frame):
        first = not self.stop.is_set()
        self.name = self.name or signal.Signals(signum).name
        self.stop.set()
        if first and self.raise_now:
            raise KeyboardInterrupt(self.name)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def quiet(self):
        """From here on signals only set ``stop`` (while the run cleans up)."""
        self.raise_now = False

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


# -- one notebook --------------------------------------------------------------------------------------
def execute_notebook(
    path: Path, out_path: Path, parameters: dict[str, Any], *, kernel_name: str, timeout_s: int | None
) -> None:
    """Run the notebook ``path`` with ``parameters`` into ``out_path`` (papermill's errors propagate).

    A kernel that dies before it answers (two kernels started side by side can race for the same port: "Address
    already in use") is started again, up to :data:`KERNEL_START_TRIES` times; an error inside the notebook is
    not retried."""
    import papermill as pm

    for attempt in range(1, KERNEL_START_TRIES + 1):
        try:
            pm.execute_notebook(
                str(path),
                str(out_path.resolve()),
                parameters=parameters,
                kernel_name=kernel_name,
                progress_bar=False,
                # the kernel starts in the notebook's folder; papermill's own cwd= would chdir this whole
                # process, which two notebooks running side by side must not do
                resources={"metadata": {"path": str(path.parent)}},
                execution_timeout=timeout_s,
                kernel_manager_class=tracked_kernel_manager(),
            )
            return
        except RuntimeError as exc:
            if attempt == KERNEL_START_TRIES or not kernel_failed_to_start(exc):
                raise


#: how many times a kernel that dies at start is started
KERNEL_START_TRIES = 3


def kernel_failed_to_start(exc: BaseException) -> bool:
    """Whether ``exc`` says the kernel died or never answered before running any cell (nbclient's words)."""
    text = str(exc)
    return "before replying to kernel_info" in text or "didn't respond in" in text


def collect_metrics(nb) -> list[dict]:
    """The headline numbers an executed notebook recorded (``shoplab.record``), in order."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if METRIC_MIME in data:
                out.append(dict(data[METRIC_MIME]))
    return out


def error_message(exc: BaseException) -> str:
    """One line for a failed report: the notebook's exception (name and value), secrets redacted."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {redact(str(evalue))}"
    return (redact(f"{type(exc).__name__}: {exc}").splitlines() or [type(exc).__name__])[0]
