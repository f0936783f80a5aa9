"""Printing a rendered report to PDF with headless Chromium (``shoplab report --pdf``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import ReportError

__all__ = ["CHROMIUM_FLAGS", "find_chromium", "print_pdf"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium(*, required: bool = False) -> str | None:
    """Path of a Chromium/Chrome binary ($SHOPLAB_CHROMIUM, then chromium, chromium-browser, google-chrome)."""
    import shutil

    for cand in (os.environ.get("SHOPLAB_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and (found := shutil.which(cand)):
            return found
    if required:
        raise ReportError(
            "printing to PDF needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) "
            "or set SHOPLAB_CHROMIUM to a Chrome/Chromium binary"
        )
    return None


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print a rendered report to PDF with headless Chromium (written under a temporary name, then renamed)."""
    import subprocess

    exe = find_chromium(required=True)
    tmp = pdf_path.with_name(f".{pdf_path.name}.partial")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            html_path.resolve().as_uri(),
        ]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"Chromium could not print {html_path.name} to PDF: {p.stderr.strip()[-500:]}")
    os.replace(tmp, pdf_path)
