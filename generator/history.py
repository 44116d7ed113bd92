"""Load, from git: when each account file last changed, by whom, and recently how.

One `git log` for the whole accounts folder rather than one per file, so a
thousand accounts cost one process. Without git, outside a repository, or in
a shallow clone (whose oldest commit would seem to change every file), there
is no history and the dossiers say why instead of showing wrong dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from itertools import islice, takewhile
from pathlib import Path

from generator.load import MAX_FILE_BYTES, is_regular, links_out

RECENT = 5  # changes shown per file
HEADER_FIELDS = ("%h", "%as", "%an", "%s")  # a commit: short hash, day, author, subject
HEADER = "%x00".join(HEADER_FIELDS)
# A repository's settings can name programs for git to run: in a project cloned from
# someone else's pull request they are theirs. Each one the commands here could reach is
# turned off, and only commands that read (never `git status`, which runs filters) are run.
SAFE = ("--no-pager",
        "-c", "core.fsmonitor=false",  # the watcher that status and diff would start
        "-c", "core.hooksPath=/dev/null",  # hooks
        "-c", "log.showSignature=false",  # would run gpg.program on signed commits
        "-c", "safe.bareRepository=explicit")  # a bare repository committed as plain files
# Messages in English whatever the user's language, so that a refusal is known by its words.
SAFE_ENV = {"GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
DUBIOUS = ("git refuses to read the repository, which belongs to another user "
           "(\"dubious ownership\")")


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
        return _git(Path(self.repository), "cat-file", "blob", f"{commit}:{self.name}")


@dataclass(frozen=True)
class RepoHistory:
    available: bool
    reason: str = ""  # why not, when not available
    refused: str = ""  # git's own fix, when git refuses to read a repository it distrusts
    root: Path | None = None  # the repository's folder
    names: dict[Path, str] = field(default_factory=dict)  # path here -> name in the repository
    changes: dict[str, tuple[Change, ...]] = field(default_factory=dict)  # by name, newest first
    blobs: dict[str, str] = field(default_factory=dict)  # by name: its object id, as committed

    def of(self, path: Path) -> FileHistory | None:
        """The history of an account file; a link within its folder has its target's."""
        if not self.available:
            return None
        if path.is_symlink() and not links_out(path):
            path = path.resolve()
        key = _key(path)
        name = self.names.get(key) or _name_in(key, self.root)
        if name is None:
            return None
        return FileHistory(self.changes.get(name, ()), _edited(key, self.blobs.get(name)),
                           str(self.root), name)


def read_history(accounts_dir: Path) -> RepoHistory:
    if shutil.which("git") is None:
        return RepoHistory(False, "git is not installed")
    found = _run(accounts_dir, "rev-parse", "--show-toplevel")
    if found is not None and "dubious ownership" in found.stderr:
        return RepoHistory(False, DUBIOUS, refused=_safe_directory_fix(found.stderr, accounts_dir))
    top = _line(found.stdout) if found is not None and found.returncode == 0 else None
    if top is None:
        return RepoHistory(False, "the project is not a git repository")
    if _line(_git(accounts_dir, "rev-parse", "--is-shallow-repository")) == "true":
        return RepoHistory(False, "the repository is a shallow clone, so its history is incomplete")
    root = Path(top).resolve()
    changes = _changes(_git(accounts_dir, "log", "-z", f"--format=%x00{HEADER}", "--name-only",
                            "--no-renames", "--", ".") or "")
    blobs = _blobs(_git(accounts_dir, "ls-tree", "-r", "-z", "--full-name", "HEAD", "--", ".")
                   or "")
    names = {_key(root / name): name for name in changes.keys() | blobs.keys()}
    return RepoHistory(True, "", "", root, names, changes, blobs)


def _changes(log: str) -> dict[str, list[Change]]:
    """The recent changes of each file, by its name in the repository, from `git log -z`
    with the format `%x00` HEADER and `--name-only`: each commit is an empty field, the
    fields of HEADER, then its file names up to the next commit's empty field (a name is
    never empty, and no field can hold a NUL, whatever a commit message says)."""
    fields = iter(log.split("\0")[1:])
    changes: dict[str, tuple[Change, ...]] = {}
    while len(header := list(islice(fields, len(HEADER_FIELDS)))) == len(HEADER_FIELDS):
        commit, date, author, subject = header
        change = Change(commit, dt.date.fromisoformat(date), author, subject)
        for index, name in enumerate(takewhile(bool, fields)):
            # git writes a newline between a commit's header and its first name.
            name = name.removeprefix("\n") if index == 0 else name
            found = changes.get(name, ())
            if len(found) < RECENT:
                changes[name] = (*found, change)
    return changes


def _blobs(tree: str) -> dict[str, str]:
    """The object id of each file, by name, from `git ls-tree -r -z`: entries of
    '<mode> blob <id>' and a tab before the name."""
    blobs = {}
    for entry in filter(None, tree.split("\0")):
        about, _, name = entry.partition("\t")
        mode_type_id = about.split(" ")
        if len(mode_type_id) == 3 and mode_type_id[1] == "blob":
            blobs[name] = mode_type_id[2]
    return blobs


def _edited(path: Path, blob: str | None) -> bool:
    """The file here is not the one last committed. The object id git would give it is
    computed from its bytes, as git hashes them without the repository's filters: asking
    git (`git status`) would run the filters and the fsmonitor command the repository
    names. A checkout that wrote CRLF line endings (core.autocrlf) matches LF committed."""
    if blob is None:
        return True
    try:
        if path.is_symlink():  # git keeps where a link leads, and so is it compared
            data = os.fsencode(os.readlink(path))
        elif is_regular(path) and path.stat().st_size <= MAX_FILE_BYTES:
            data = path.read_bytes()
        else:
            return True
    except OSError:
        return True
    return blob not in {_object_id(data, blob), _object_id(data.replace(b"\r\n", b"\n"), blob)}


def _object_id(data: bytes, like: str) -> str:
    """git's id of a file of these bytes, in the hash of the id `like` (SHA-1, or SHA-256
    in a repository made with --object-format=sha256)."""
    algorithm = hashlib.sha1 if len(like) == 40 else hashlib.sha256
    return algorithm(b"blob %d\0" % len(data) + data).hexdigest()


def _name_in(path: Path, root: Path) -> str | None:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else None


def _key(path: Path) -> Path:
    """A file's path with its folders resolved, but not the file: a link named like an
    account stays the link, wherever it leads (git keeps the link, not what it names)."""
    return path.parent.resolve() / path.name


def _safe_directory_fix(said: str, where: Path) -> str:
    """The command git prints to trust the repository, or the same for `where`."""
    return next((line.strip() for line in said.splitlines()
                 if line.strip().startswith("git config")),
                f"git config --global --add safe.directory {where}")


def _git(where: Path, *args: str) -> str | None:
    done = _run(where, *args)
    return done.stdout if done is not None and done.returncode == 0 else None


def _run(where: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *SAFE, "-C", str(where), *args],
                              capture_output=True, text=True, env={**os.environ, **SAFE_ENV},
                              encoding="utf-8", errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _line(output: str | None) -> str | None:
    """The one line a command printed, without its newline."""
    return output.removesuffix("\n") if output is not None else None
