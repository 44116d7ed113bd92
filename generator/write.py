"""Write: put rendered files into the output folder, atomically and nowhere else.

Each file is written to a temporary file beside its target and renamed over
it, so a reader (or a build killed half-way) never sees half a file.

An output folder is winback's alone: it must not be, hold or lie inside the
project's sources, and a folder with files that no build made is left alone.
A build marks the folder it makes (`MARKER`, naming the project by a path from
the folder) and holds a lock on that mark while it writes, so one folder has one
build at a time, whichever project it comes from.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from generator import paths
from generator.outputs import owned_files, owned_folders

try:
    import fcntl
except ImportError:  # Windows: its own byte-range locks
    fcntl = None
    import msvcrt

MARKER = ".winback-output"
# What a build writes at the top of its output folder.
OWNED_FOLDERS = owned_folders()
OWNED_FILES = owned_files()
FORCE_HINT = "build into an empty or new folder with --out, or give --force to build over it"


class UnsafePath(OSError):
    """A requested output path would land outside the output folder."""


class OutputDir:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def target(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise UnsafePath(f"refusing to write '{relative}' outside {self.root}")
        return path

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.target(relative)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size == len(payload) and path.read_bytes() == payload:
            return path  # unchanged: keep the file's time so watchers and rsync stay quiet
        # No sync: the rename already protects readers and a killed build; syncing every
        # page against power loss would double the time of a large build.
        write_atomically(path, payload)
        return path

    def files(self, folder: str) -> list[str]:
        """The files under one of the build's folders, by relative name (none through a
        link: the folder check refuses those)."""
        base = self.root / folder
        if not base.is_dir() or base.is_symlink():
            return []
        return sorted(f"{folder}/{name}" for name in _regular_files(base))

    def remove_temporary(self) -> None:
        """Temporary files left by a build that was killed while writing (its rename never
        came): nothing else writes this folder while a build holds it."""
        for folder in ("", *OWNED_FOLDERS):
            base = self.root / folder
            if base.is_dir() and not base.is_symlink():
                for path in base.glob(".*.tmp"):
                    path.unlink(missing_ok=True)

    def remove(self, relative: str) -> None:
        """Remove an output this tool made before, if it is still there (and never a file
        outside the folder)."""
        with contextlib.suppress(UnsafePath):
            self.target(relative).unlink(missing_ok=True)


def refusal(out: Path, root: Path, sources: Sequence[Path], built_before: bool,
            force: bool) -> tuple[str, str] | None:
    """Why a build must not write into `out`, as (message, hint); None when it may.

    `sources` are folders the build reads (content, templates, the cache...);
    `built_before` says whether this project's build state knows the folder."""
    if out == root or root.is_relative_to(out):
        return ("the output folder is the project folder or holds it",
                "build into a folder of its own, such as the default output/")
    for folder in sources:
        if out == folder or out.is_relative_to(folder) or folder.is_relative_to(out):
            return (f"the output folder overlaps {folder}, which the build reads",
                    "build into a folder of its own, such as the default output/")
    for name in (*OWNED_FOLDERS, *OWNED_FILES):
        path = out / name
        if path.is_symlink() and not path.resolve().is_relative_to(out):
            return (f"{path} is a link to {path.resolve()}, outside the output folder",
                    "remove the link: winback writes only inside the output folder")
    if force or not out.is_dir():
        return None
    owner = _owner(out)
    # No other project claims it: no mark, or its project is no longer there (moved away).
    unclaimed = owner is None or not paths.holds_project(owner)
    if owner == root or (built_before and unclaimed) or (owner is None and not any(out.iterdir())):
        return None
    if owner is not None:
        return f"the output folder holds the build of another project ({owner})", FORCE_HINT
    names = sorted(path.name for path in out.iterdir())
    found = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return f"the output folder has files that no winback build made: {found}", FORCE_HINT


def _owner(out: Path) -> Path | None:
    """The project whose build made `out`, from its mark; None without one."""
    try:
        recorded = str(json.loads((out / MARKER).read_text(encoding="utf-8"))["project"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (out / recorded).resolve()  # relative to the folder; marks of old builds: absolute


def _mark(out: Path, root: Path) -> str:
    """The mark's text: the project as a path from the output folder, so that a project
    moved or renamed with its output still owns it, and the mark publishes no absolute
    path (on another drive there is none relative: the mark then names no project)."""
    try:
        project = os.path.relpath(root.resolve(), out.resolve())
        mark = {"built_by": "winback", "project": Path(project).as_posix()}
    except ValueError:
        mark = {"built_by": "winback"}
    return json.dumps(mark) + "\n"


@contextlib.contextmanager
def claimed(out: Path, root: Path) -> Iterator[bool]:
    """Mark `out` as this project's build and hold it while the build writes; yields
    False when another build holds it."""
    out.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: a mark that is a link must not lead the build to write elsewhere (Windows
    # has no such flag, and makes no links without administrator rights).
    fd = os.open(out / MARKER, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        if not _lock(handle):
            yield False
            return
        try:
            handle.truncate()
            handle.write(_mark(out, root))
            handle.flush()
            yield True
        finally:
            _unlock(handle)


def _lock(handle) -> bool:
    """Hold the file without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        handle.seek(0)  # a Windows lock is released at the offset it was taken at
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _regular_files(folder: Path, prefix: str = "") -> Iterator[str]:
    """Names of the regular files under a folder, not following links. The kind of each
    entry comes with the listing, so a thousand pages cost no thousand `stat` calls."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _regular_files(Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield f"{prefix}{entry.name}"


def replace_file(path: Path, text: str) -> None:
    """Replace a file of the project's own (an account file) with new text, atomically,
    keeping its permissions."""
    write_atomically(path, text.encode("utf-8"), path.stat().st_mode & 0o7777,
                     sync=True)  # a person's words: worth one sync


def write_atomically(path: Path, data: bytes, mode: int = 0o644, sync: bool = False) -> None:
    """Write a file through a temporary one beside it, renamed over it: a reader, an
    editor or a killed run sees the old file or the new one, never half. The one writer
    of the output, the build state and the account files."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
