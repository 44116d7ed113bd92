"""Installing anywhere: a machine without Pango (simulated) gets one line naming what to
install for that system, once, and the HTML is still built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, write

from generator.platforms import PANGO, pdf_engine_problem, system

# What cffi says on a Mac whose Pango is missing, raised where WeasyPrint loads it.
NO_PANGO = ("cannot load library 'libpango-1.0-0': dlopen(libpango-1.0-0, 0x0002): tried: "
            "'libpango-1.0-0' (no such file).  Additionally, ctypes.util.find_library() did "
            "not manage to locate a library called 'libpango-1.0-0'")


def without_pango(tmp_path: Path) -> dict[str, str]:
    """An environment whose `import weasyprint` fails as it does without Pango: a stand-in
    package first on the path, so the build's PDF workers cannot start."""
    fake = tmp_path / "no-pango" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(f"raise OSError({NO_PANGO!r})\n")
    return {**os.environ, "PYTHONPATH": str(fake.parent)}


def winback(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args, "--today",
                           TODAY.isoformat()], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def two_accounts(project_dir: Path) -> Path:
    write(project_dir / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    write(project_dir / "content" / "accounts" / "harlow.md", MINIMAL_ACCOUNT)
    return project_dir


def test_missing_pango_is_one_line_and_the_html_is_built(two_accounts, tmp_path):
    done = winback(two_accounts, without_pango(tmp_path), "build")
    assert done.returncode == 1
    said = [line for line in done.stderr.splitlines() if "Pango" in line or "PDF" in line]
    assert said == [pdf_engine_problem(f"OSError: {NO_PANGO}"), said[-1]], done.stderr
    assert said[0].startswith("No PDFs: WeasyPrint cannot start (cannot load library "
                              "'libpango-1.0-0'); install Pango with: ")
    assert PANGO[system()] in said[0]
    assert said[1].startswith("Built 2 dossiers into output/ without PDFs, ")
    assert "failed" not in done.stderr and "could not start" not in done.stderr
    assert "Traceback" not in done.stderr
    out = two_accounts / "output"
    assert (out / "accounts" / "northwind.html").is_file() and (out / "index.html").is_file()
    assert not list(out.rglob("*.pdf"))


def test_once_pango_is_there_the_next_build_prints_every_brief(two_accounts, tmp_path):
    winback(two_accounts, without_pango(tmp_path), "build")
    done = winback(two_accounts, dict(os.environ), "build")
    assert done.returncode == 0, done.stderr
    assert (two_accounts / "output" / "accounts" / "northwind.pdf").is_file()
    assert (two_accounts / "output" / "portfolio.pdf").is_file()


def test_html_only_builds_need_no_pango(two_accounts, tmp_path):
    done = winback(two_accounts, without_pango(tmp_path), "build", "--no-pdf")
    assert done.returncode == 0, done.stderr
    assert "Pango" not in done.stderr


@pytest.mark.parametrize(("platform", "release", "expected"), [
    ("darwin", "", "macos"),
    ("win32", "", "windows"),
    ("linux", 'ID=ubuntu\nID_LIKE=debian\n', "debian"),
    ("linux", 'ID="fedora"\n', "fedora"),
    ("linux", 'ID=arch\n', "other"),
    ("linux", None, "other"),
])
def test_the_system_is_told_apart(tmp_path, platform, release, expected):
    os_release = tmp_path / "os-release"
    if release is not None:
        os_release.write_text(release)
    assert system(platform, os_release) == expected


def test_each_system_is_told_its_own_command():
    cause = f"OSError: {NO_PANGO}"
    assert "brew install pango" in pdf_engine_problem(cause, "macos")
    assert "sudo dnf install pango" in pdf_engine_problem(cause, "fedora")
    assert "pacman -S mingw-w64-ucrt-x86_64-pango" in pdf_engine_problem(cause, "windows")
    assert "libpango-1.0-0 libpangoft2-1.0-0" in pdf_engine_problem(cause, "debian")
    other = pdf_engine_problem("ImportError: No module named 'pydyf'", "macos")
    assert "pip install --force-reinstall winback" in other and "brew" not in other
    assert "\n" not in pdf_engine_problem(cause + "\nmore\nlines", "macos")


def test_workers_start_where_there_is_no_fork(two_accounts, monkeypatch):
    """Windows has no fork: every worker, for dossiers and briefs, is started afresh and
    given what it needs by pickling."""
    import multiprocessing

    from generator.commands.build import BuildOptions, build
    from generator.project import open_project

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    report = build(open_project(two_accounts), BuildOptions(today=TODAY, jobs=2))
    assert report.ok, [p.headline() for p in report.problems]
    assert report.pdfs == ["harlow", "northwind"]
