"""What every benchmark script shares: run a step in a fresh process, read its peak memory, name the machine.

Scripts run as ``python benchmarks/bench_<name>.py``, so they import this as ``harness``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path


def peak_mb(*, children: bool = False) -> float:
    """Peak resident memory of this process (or the largest of its finished children), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def run_child(script: str, step: str, *args: str) -> dict:
    """Run ``script --child STEP ARGS`` in a fresh interpreter; return the JSON its last output line holds."""
    p = subprocess.run([sys.executable, script, "--child", step, *args], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"{step} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def ensure_shop(data_dir: str | Path, users: int) -> Path:
    """The cached sample shop ``<data_dir>/users<N>``, generated first if it is missing."""
    src = Path(data_dir) / f"users{users}"
    if not (src / "_truth.json").exists():
        from shoplab.sample import generate_shop

        t0 = time.perf_counter()
        generate_shop(src, users=users)
        print(f"generated {src} in {time.perf_counter() - t0:.0f} s")
    return src
