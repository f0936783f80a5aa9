"""The notebooks' kernels: the kernelspec they run in, and stopping them when a run is interrupted.

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

__all__ = ["kernel_env", "tracked_kernel_manager", "kill_kernels", "Signals"]


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
