"""The build state that makes rebuilds incremental: one SQLite file.

One record per output: the fingerprint of what it was made from, its size and
time as written, what it belongs to and the warnings made with it. One record
per account (and one for the portfolio): the fingerprint of its inputs, the
names of the inputs it was made from, its problems, and whether it failed. And
each account's summary (what the portfolio needs of it), after a digest of it.
An account's inputs are recorded as they are read (`engine/keys.py`): its file's
bytes as the loader read them, its git history, every template that rendering it
loaded, and what every output shares (the config, the question bank, the build
date, the options that shape output, winback's version). A rebuild
redoes only what has a new fingerprint or whose output file changed or went
missing since it was written, re-reports the problems of what it skips, and
removes what it made before but no longer makes.

The state is `.winback-cache/<one folder per output folder>/state.sqlite`
(stdlib `sqlite3`). A build reads it once as it starts and writes it in one
transaction as it ends, so a build killed at any point, even halfway through
saving, leaves the last build's state whole: SQLite rolls a torn transaction
back the next time the file is opened. It is trusted like the output folder:
written only by winback, and every row is checked against the shape of its
record (each summary against its digest too) before it is used; a state from
another version of winback is ignored, and one that cannot be read is set
aside, said, and replaced. Lists and problems are stored as JSON, parsed and
validated like an account file: nothing read from the state is ever run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError
from typing_extensions import (
    TypedDict,  # pydantic reads typing.TypedDict only from 3.12
)

from generator import __version__, paths
from generator.portfolio import Summary
from generator.problems import Problem, Severity
from generator.project import Project

CACHE_DIR = paths.CACHE
STATE_FORMAT = 7
STATE_FILE = "state.sqlite"
LEGACY = ("state.json", "summaries")  # what the JSON state of earlier versions left
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    name TEXT PRIMARY KEY,  -- an account's slug, or '' for the portfolio
    key TEXT NOT NULL, depends TEXT NOT NULL, problems TEXT NOT NULL,
    failed TEXT NOT NULL, kept INTEGER NOT NULL, drafts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY, key TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, owner TEXT NOT NULL, problems TEXT NOT NULL,
    notes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS summaries (
    slug TEXT PRIMARY KEY, digest BLOB NOT NULL, data BLOB NOT NULL);
"""
PORTFOLIO_ROW = ""  # no account has an empty slug
# How long a build waits for another process that holds the file (another build of this
# project into the same folder is refused before; this covers `list` reading, say).
BUSY_SECONDS = 30


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


class ProblemRecord(TypedDict):
    """A problem as the state file keeps it (see `problem_to_dict`)."""

    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str
    severity: Literal["error", "warning"]


@dataclass
class OutputRecord:
    """One file the build made, and from what."""

    key: str  # the fingerprint of what it was made from
    stat: list[int]  # [size, mtime_ns] as written
    group: str  # what it belongs to: an account's slug, "portfolio" or "theme"
    problems: list[ProblemRecord] = field(default_factory=list)  # warnings made with it
    notes: bool = False  # a page that says some PDF it links is older than it, or missing


@dataclass
class InputRecord:
    """What one account (or the portfolio) was made from, and how it went."""

    key: str
    depends: list[str] = field(default_factory=list)  # what it was made from (`keys`)
    problems: list[ProblemRecord] = field(default_factory=list)
    failed: str = ""  # the first blocking problem, when the account did not build
    kept: bool = False  # failed, and its pages show the last good version of its file
    drafts: list[str] = field(default_factory=list)  # the email drafts its pages came with


@dataclass
class State:
    accounts: dict[str, InputRecord] = field(default_factory=dict)
    portfolio: InputRecord | None = None
    outputs: dict[str, OutputRecord] = field(default_factory=dict)

    def of(self, group: str) -> dict[str, OutputRecord]:
        return {path: record for path, record in self.outputs.items() if record.group == group}


class StateStore:
    """The build state of one output folder, as the last build saved it."""

    def __init__(self, project: Project) -> None:
        name = digest(str(project.output_dir))[:16]
        self.folder = project.root / CACHE_DIR / name
        self.state_file = self.folder / STATE_FILE
        self.loaded: State | None = None
        self.damaged = ""  # how the state file was unusable, when it was
        self._summaries: dict[str, tuple[bytes, bytes]] | None = None  # read when asked

    def exists(self) -> bool:
        """Some build into this folder saved a state (this version's or an earlier one's)."""
        return self.state_file.exists() or (self.folder / LEGACY[0]).exists()

    def load(self) -> State:
        """What the last build saved: nothing when there is no state, or one from another
        version; nothing either, and `damaged` says why, when it cannot be trusted."""
        self.loaded, self.damaged, self._summaries = None, "", None
        if not self.state_file.is_file():
            return State()
        try:
            with self._open() as db:
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("format") != str(STATE_FORMAT) or meta.get("version") != __version__:
                    return State()
                raw = _raw_state(db)
        except (OSError, ValueError, sqlite3.Error) as exc:
            self.damaged = f"cannot be read ({exc})"
            return State()
        try:
            self.loaded = _state_shape().validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            self.damaged = (f"has the wrong shape at {'.'.join(map(str, first['loc']))}: "
                            f"{first['msg']}")
            return State()
        # Shared, not copied: a build replaces records and never changes one it read, so
        # comparing at save time finds a no-op build cheaply (equal objects are the same).
        return self.loaded

    def save(self, state: State, summaries: dict[str, bytes], keep: set[str] | None,
             forget: set[str] = frozenset()) -> None:
        """Save this build's state in one transaction, with the summaries it made; keep
        the other kept summaries of `keep` (all when None) and none of `forget`."""
        if state == self.loaded and not summaries and not forget:
            return  # a no-op build leaves the state file alone
        if self.loaded is None:  # nothing of ours to update: the file starts afresh
            self.clear()
        with self._open(create=True) as db:
            db.executescript(SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            try:
                _write_state(db, state)
                if keep is not None:
                    forget = forget | {slug for (slug,) in db.execute(
                        "SELECT slug FROM summaries")} - keep - set(summaries)
                db.executemany("DELETE FROM summaries WHERE slug = ?",
                               [(slug,) for slug in sorted(forget)])
                db.executemany("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?)",
                               [(slug, hashlib.sha256(data).digest(), data)
                                for slug, data in sorted(summaries.items())])
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("format", str(STATE_FORMAT)), ("version", __version__)])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self.loaded = state

    def clear(self) -> None:
        """Forget what earlier builds made (and what the JSON state of earlier versions
        left)."""
        for name in (STATE_FILE, *(f"{STATE_FILE}-{end}" for end in ("journal", "wal", "shm"))):
            (self.folder / name).unlink(missing_ok=True)
        (self.folder / LEGACY[0]).unlink(missing_ok=True)
        if (self.folder / LEGACY[1]).is_dir():
            shutil.rmtree(self.folder / LEGACY[1])
        self._summaries = None

    def load_summary(self, slug: str) -> Summary | None:
        """An account's kept summary, if it is there and its digest holds."""
        if self._summaries is None:
            self._summaries = self._read_summaries()
        check, data = self._summaries.get(slug, (b"", b""))
        if not data or hashlib.sha256(data).digest() != check:
            return None  # a flipped bit would otherwise reach the calendar
        try:  # data, parsed and validated: nothing in the state is ever run as code
            return summary_shape().validate_json(data)
        except ValidationError:
            return None

    def _read_summaries(self) -> dict[str, tuple[bytes, bytes]]:
        if self.loaded is None:
            return {}  # none, or none to trust
        try:
            with self._open() as db:
                return {slug: (bytes(check), bytes(data)) for slug, check, data in
                        db.execute("SELECT slug, digest, data FROM summaries")}
        except (OSError, sqlite3.Error):
            return {}  # each account's summary is made again

    @contextlib.contextmanager
    def _open(self, create: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection, closed after use: never held while workers are forked. Errors of
        SQLite's come out as `OSError`, which a build reports and survives."""
        if create:
            self.folder.mkdir(parents=True, exist_ok=True)
        uri = f"{self.state_file.as_uri()}?mode={'rwc' if create else 'rw'}"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise OSError(str(exc)) from exc
        try:
            yield db
        except sqlite3.DatabaseError as exc:
            raise OSError(str(exc)) from exc
        finally:
            db.close()


def _raw_state(db: sqlite3.Connection) -> dict:
    """The rows, as the records' fields (checked by the caller)."""
    accounts = {name: {"key": key, "depends": json.loads(depends),
                       "problems": json.loads(problems), "failed": failed, "kept": kept,
                       "drafts": json.loads(drafts)}
                for name, key, depends, problems, failed, kept, drafts
                in db.execute("SELECT * FROM inputs")}
    outputs = {path: {"key": key, "stat": [size, mtime_ns], "group": owner,
                      "problems": json.loads(problems), "notes": notes}
               for path, key, size, mtime_ns, owner, problems, notes
               in db.execute("SELECT * FROM outputs")}
    return {"accounts": accounts, "portfolio": accounts.pop(PORTFOLIO_ROW, None),
            "outputs": outputs}


def _write_state(db: sqlite3.Connection, state: State) -> None:
    db.execute("DELETE FROM inputs")
    db.execute("DELETE FROM outputs")
    inputs = dict(state.accounts)
    if state.portfolio is not None:
        inputs[PORTFOLIO_ROW] = state.portfolio
    db.executemany("INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (name, r.key, json.dumps(r.depends), json.dumps(r.problems), r.failed, r.kept,
         json.dumps(r.drafts)) for name, r in sorted(inputs.items())])
    db.executemany("INSERT INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (path, r.key, r.stat[0], r.stat[1], r.group, json.dumps(r.problems), r.notes)
        for path, r in sorted(state.outputs.items())])


@functools.cache
def _state_shape() -> TypeAdapter:
    return TypeAdapter(State)


@functools.cache
def summary_shape() -> TypeAdapter:
    """How a summary is kept: workers dump it, the state checks it as it is read."""
    return TypeAdapter(Summary)


def stat_of(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def unchanged(path: Path, seen: list[int]) -> bool:
    """The output is still there, as it was written."""
    try:
        return stat_of(path) == list(seen)
    except OSError:
        return False


def problem_to_dict(problem: Problem) -> ProblemRecord:
    return {"path": str(problem.path), "line": problem.line, "column": problem.column,
            "field": problem.field, "message": problem.message, "hint": problem.hint,
            "severity": problem.severity.value}


def problem_from_dict(data: ProblemRecord) -> Problem:
    return Problem(Path(data["path"]), data["line"], data["column"], data["field"],
                   data["message"], data["hint"], Severity(data["severity"]))
