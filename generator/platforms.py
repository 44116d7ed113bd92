"""What to install on this system: the one command that gives WeasyPrint its Pango.

WeasyPrint draws text with Pango, a system library that pip cannot install. When it is
missing, the build says once, in one line, what to install here (docs/install.md has
the whole story for each system).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from generator.problems import clip

OS_RELEASE = Path("/etc/os-release")

# What gives WeasyPrint its libraries on each system, as WeasyPrint's own documentation
# says; on Windows, from MSYS2's UCRT64 shell.
PANGO = {
    "debian": "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
    "fedora": "sudo dnf install pango",
    "macos": "brew install pango",
    "windows": "MSYS2, then in its UCRT64 shell: pacman -S mingw-w64-ucrt-x86_64-pango",
    "other": "Pango 1.44 or newer with your system's package manager",
}
# The words of a failure to load a system library (cffi's, on each system).
LIBRARY_FAILURE = ("cannot load library", "no library called", "dlopen", "error 0x7e")
LIBRARY = re.compile(r"cannot load library '([^']{1,80})'")


def system(platform: str | None = None, os_release: Path = OS_RELEASE) -> str:
    """This system as the install instructions tell them apart: 'debian' (Ubuntu too),
    'fedora', 'macos', 'windows' or 'other'."""
    platform = platform or sys.platform
    if platform == "darwin":
        return "macos"
    if platform.startswith(("win", "cygwin", "msys")):
        return "windows"
    ids = _release_ids(os_release)
    if ids & {"debian", "ubuntu"}:
        return "debian"
    if ids & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "other"


def _release_ids(path: Path) -> set[str]:
    """ID and ID_LIKE of /etc/os-release: 'ubuntu debian' on Ubuntu."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    ids: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip("\"'").lower().split())
    return ids


def pdf_engine_problem(cause: str, system_name: str | None = None) -> str:
    """One line: no PDF can be made here, why, and what to install."""
    library = LIBRARY.search(cause)
    if library or any(words in cause.lower() for words in LIBRARY_FAILURE):
        why = f"cannot load library '{library.group(1)}'" if library else _first_line(cause)
        fix = f"install Pango with: {PANGO[system_name or system()]}"
    else:
        why = _first_line(cause)
        fix = "reinstall winback with its dependencies (pip install --force-reinstall winback)"
    return (f"No PDFs: WeasyPrint cannot start ({why}); {fix}; or build the HTML only "
            "with --no-pdf (winback help install)")


def _first_line(text: str) -> str:
    return clip(text.strip().split("\n")[0], 120)
