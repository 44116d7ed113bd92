"""Load, from git: when each account file last changed, by whom, and recently how.

One `git log` for the whole accounts folder rather than one per file, so a
thousand accounts cost one process. Without git, outside a repository, or in
a shallow clone (whose oldest commit would seem to change every file), there
is no history and the dossiers say why instead of showing wrong dates.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from itertools import islice, takewhile
from pathlib import Path

from generator.load import links_out

RECENT = 5  # changes shown per file
HEADER_FIELDS = ("%h", "%as", "%an", "%s")  # a commit: short hash, day, author, subject
HEADER = "%x00".join(HEADER_FIELDS)


@dataclass(frozen=True)
class Change:
    commit: str
    date: dt.date
    author: str
    subject: str


@dataclass(frozen=True)
class FileHistory:
    changes: tuple[Change, ...]  # newest first
    edited: bool = False  # changed in the working tree since the last commit
    repository: str = ""  # the repository's folder
    name: str = ""  # the file's path in the repository

    @property
    def last(self) -> Change | None:
        return self.changes[0] if self.changes else None

    def version(self, commit: str) -> str | None:
        """The file as it was committed in `commit`; None when git cannot say."""
        if not (self.repository and self.name):
            return None
        return _git(Path(self.repository), "show", f"{commit}:{self.name}")


@dataclass(frozen=True)
class RepoHistory:
    available: bool
    reason: str = ""  # why not, when not available
    files: dict[Path, FileHistory] = field(default_factory=dict)

    def of(self, path: Path) -> FileHistory | None:
        """The history of an account file; a link within its folder has its target's."""
        if not self.available:
            return None
        return self.files.get(path.resolve() if path.is_symlink() and not links_out(path)
                              else _key(path))


def read_history(accounts_dir: Path) -> RepoHistory:
    if shutil.which("git") is None:
        return RepoHistory(False, "git is not installed")
    top = _line(_git(accounts_dir, "rev-parse", "--show-toplevel"))
    if top is None:
        return RepoHistory(False, "the project is not a git repository")
    if _line(_git(accounts_dir, "rev-parse", "--is-shallow-repository")) == "true":
        return RepoHistory(False, "the repository is a shallow clone, so its history is incomplete")
    root = Path(top).resolve()
    changes = _changes(_git(accounts_dir, "log", "-z", f"--format=%x00{HEADER}", "--name-only",
                            "--no-renames", "--", ".") or "")
    status = _git(accounts_dir, "status", "-z", "--porcelain", "--no-renames", "--", ".") or ""
    edited = {entry[3:] for entry in status.split("\0") if len(entry) > 3}
    files = {_key(root / name): FileHistory(tuple(changes.get(name, ())), name in edited,
                                            str(root), name)
             for name in changes.keys() | edited}
    return RepoHistory(True, "", files)


def _changes(log: str) -> dict[str, list[Change]]:
    """The recent changes of each file, by its name in the repository, from `git log -z`
    with the format `%x00` HEADER and `--name-only`: each commit is an empty field, the
    fields of HEADER, then its file names up to the next commit's empty field (a name is
    never empty, and no field can hold a NUL, whatever a commit message says)."""
    fields = iter(log.split("\0")[1:])
    changes: dict[str, list[Change]] = {}
    while len(header := list(islice(fields, len(HEADER_FIELDS)))) == len(HEADER_FIELDS):
        commit, date, author, subject = header
        change = Change(commit, dt.date.fromisoformat(date), author, subject)
        for index, name in enumerate(takewhile(bool, fields)):
            # git writes a newline between a commit's header and its first name.
            found = changes.setdefault(name.removeprefix("\n") if index == 0 else name, [])
            if len(found) < RECENT:
                found.append(change)
    return changes


def _key(path: Path) -> Path:
    """A file's path with its folders resolved, but not the file: a link named like an
    account stays the link, wherever it leads (git keeps the link, not what it names)."""
    return path.parent.resolve() / path.name


def _git(where: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(where), *args],
                              capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _line(output: str | None) -> str | None:
    """The one line a command printed, without its newline."""
    return output.removesuffix("\n") if output is not None else None
