"""scripts/setup, run against stand-ins for the system's tools: it installs only what is
missing, reliably, and skips pip when nothing changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

LIBRARIES = ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0")


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + script)
    path.chmod(0o755)


def setup_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project with scripts/setup and pyproject.toml, a venv whose python only notes that
    it ran, and a PATH where ldconfig lists many libraries and apt-get only notes calls."""
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup", root / "scripts" / "setup")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / ".venv" / "bin").mkdir(parents=True)
    stand_in(root / ".venv" / "bin", "python", f'echo pip >> "{tmp_path}/calls"\n')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A long listing, as on a real machine: a reader that stops early makes ldconfig
    # die of SIGPIPE, which `set -o pipefail` turns into a failed check.
    listing = tmp_path / "ldconfig.txt"
    lines = [f"\tlibfiller{n}.so.1 (libc6,x86-64) => /lib/libfiller{n}.so.1" for n in range(20000)]
    lines[:0] = [f"\t{lib} (libc6,x86-64) => /lib/{lib}" for lib in LIBRARIES]
    listing.write_text("\n".join(lines) + "\n")
    stand_in(bin_dir, "ldconfig", f'cat "{listing}"\n')
    stand_in(bin_dir, "apt-get", f'echo "apt-get $*" >> "{tmp_path}/calls"\n')
    return root, {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls"
    return log.read_text().splitlines() if log.exists() else []


def test_installed_libraries_are_never_reinstalled(tmp_path):
    root, env = setup_copy(tmp_path)
    for _ in range(30):
        done = subprocess.run([str(root / "scripts" / "setup")], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert not [call for call in calls(tmp_path) if call.startswith("apt-get")]


def test_pip_runs_only_when_pyproject_changes(tmp_path):
    root, env = setup_copy(tmp_path)
    setup = [str(root / "scripts" / "setup")]
    for _ in range(3):
        subprocess.run(setup, env=env, check=True, capture_output=True, timeout=60)
    assert calls(tmp_path) == ["pip"]
    with (root / "pyproject.toml").open("a") as handle:
        handle.write("# a new dependency\n")
    subprocess.run(setup, env=env, check=True, capture_output=True, timeout=60)
    assert calls(tmp_path) == ["pip", "pip"]


def test_a_missing_library_is_named_and_installed(tmp_path):
    root, env = setup_copy(tmp_path)
    listing = tmp_path / "ldconfig.txt"
    listing.write_text(listing.read_text().replace("libharfbuzz-subset.so.0", "libother.so.0"))
    done = subprocess.run([str(root / "scripts" / "setup")], env=env, capture_output=True,
                          text=True, timeout=60)
    if os.geteuid() == 0:
        assert done.returncode == 0, done.stderr
        assert "Installing system packages: libharfbuzz-subset0" in done.stdout
        assert [c for c in calls(tmp_path) if c.startswith("apt-get install")] == [
            "apt-get install -y -qq libharfbuzz-subset0"]
    else:
        assert done.returncode == 1
        assert "Missing system packages: libharfbuzz-subset0" in done.stderr


def fresh_machine(tmp_path: Path, python: str) -> tuple[Path, dict[str, str]]:
    """As `setup_copy`, before the first run: no .venv yet, and a `python3` on PATH that
    answers the setup's questions as `python` (a bash snippet) says."""
    root, env = setup_copy(tmp_path)
    shutil.rmtree(root / ".venv")
    stand_in(tmp_path / "bin", "python3", python)
    return root, env


def test_an_old_python_is_named_with_what_to_install(tmp_path):
    root, env = fresh_machine(tmp_path, 'echo "3 9"\n')
    done = subprocess.run([str(root / "scripts" / "setup")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "winback needs Python 3.11 or newer; python3 is 3.9: apt-get install python3" \
        in done.stderr
    assert not (root / ".venv").exists()


def test_a_python_without_venv_gets_python3_venv_on_debian(tmp_path):
    venv = f'mkdir -p .venv/bin && cp "{tmp_path}/bin/apt-get" .venv/bin/python'
    root, env = fresh_machine(tmp_path, f'case "$*" in\n  *version_info*) echo "3 11" ;;\n'
                              f'  *ensurepip*) exit 1 ;;\n  *"-m venv"*) {venv} ;;\nesac\n')
    done = subprocess.run([str(root / "scripts" / "setup")], env=env, capture_output=True,
                          text=True, timeout=60)
    if os.geteuid() == 0:
        assert done.returncode == 0, done.stderr
        assert "apt-get install -y -qq python3-venv" in calls(tmp_path)
    else:
        assert done.returncode == 1
        assert "Missing system packages: python3-venv" in done.stderr


def test_macos_and_fedora_are_told_their_own_command(tmp_path):
    for system, expected in (("macos", "Missing system packages: pango (brew install pango;"),
                             ("fedora", "Missing system packages: pango (dnf install pango;")):
        folder = tmp_path / system
        folder.mkdir()
        root, env = setup_copy(folder)
        (folder / "ldconfig.txt").write_text("")  # no Pango anywhere
        if system == "macos":
            stand_in(folder / "bin", "uname", "echo Darwin\n")
            stand_in(folder / "bin", "brew", f'echo "{folder}/homebrew"\n')
        else:
            (folder / "os-release").write_text('ID=fedora\nVERSION_ID=41\n')
            env = {**env, "OS_RELEASE": str(folder / "os-release")}
        done = subprocess.run([str(root / "scripts" / "setup")], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 1, system
        assert expected in done.stderr, done.stderr
        assert not [c for c in calls(folder) if c.startswith("apt-get")]
