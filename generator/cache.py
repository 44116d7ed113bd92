"""The build state that makes rebuilds incremental.

One record per output: the fingerprint of what it was made from, its size and
time as written, what it belongs to and the warnings made with it. One record
per account (and one for the portfolio): the fingerprint of its inputs, the
templates it used, its problems, and whether it failed. An account's inputs
are its file's bytes, its git history, the config, the question bank, the
build date, the options that shape output, winback's version, and every
template that rendering it loaded (recorded as Jinja loaded them). A rebuild
redoes only what has a new fingerprint or whose output file changed or went
missing since it was written, re-reports the problems of what it skips, and
removes what it made before but no longer makes.

The state lives in the project's `.winback-cache/`, one folder per output
folder, beside each account's summary (what the portfolio needs of it). It is
trusted like the output folder: written only by winback, checked against the
shape of its records and, for each summary, a digest before it is used; a
state from another version of winback is ignored. Everything in it is JSON, parsed
and validated like an account file: nothing read from the cache is ever run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
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
from generator.write import write_atomically

CACHE_DIR = paths.CACHE
STATE_FORMAT = 5
DIGEST_SIZE = 32  # bytes of SHA-256 before each kept summary


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
    templates: list[str] = field(default_factory=list)  # those its pages loaded
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


class Cache:
    def __init__(self, project: Project) -> None:
        name = digest(str(project.output_dir))[:16]
        self.folder = project.root / CACHE_DIR / name
        self.state_file = self.folder / "state.json"
        self.loaded: State | None = None
        self.damaged = ""  # how the state file was unusable, when it was

    def load(self) -> State:
        """What the last build saved: nothing when there is no state, or one from another
        version; nothing either, and `damaged` says why, when it cannot be trusted."""
        self.loaded, self.damaged = None, ""
        try:
            raw = json.loads(self.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return State()
        except (OSError, ValueError) as exc:
            self.damaged = f"cannot be read ({exc})"
            return State()
        if not isinstance(raw, dict):
            self.damaged = "is not a build state"
            return State()
        if raw.get("format") != STATE_FORMAT or raw.get("version") != __version__:
            return State()
        try:
            self.loaded = _state_shape().validate_python(
                {name: raw.get(name) for name in ("accounts", "portfolio", "outputs")})
        except ValidationError as exc:
            first = exc.errors()[0]
            self.damaged = (f"has the wrong shape at {'.'.join(map(str, first['loc']))}: "
                            f"{first['msg']}")
            return State()
        # Shared, not copied: a build replaces records and never changes one it read, so
        # comparing at save time finds a no-op build cheaply (equal objects are the same).
        return self.loaded

    def save(self, state: State) -> None:
        if state == self.loaded:
            return  # a no-op build leaves the state file alone
        # A record's fields are already JSON values: `vars`, not `asdict`, which would copy
        # them all again (most of the time saving takes).
        data = {"format": STATE_FORMAT, "version": __version__,
                "accounts": {slug: vars(r) for slug, r in sorted(state.accounts.items())},
                "portfolio": vars(state.portfolio) if state.portfolio else None,
                "outputs": {path: vars(r) for path, r in sorted(state.outputs.items())}}
        _atomic_write(self.state_file, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def clear(self) -> None:
        """Forget what earlier builds made."""
        shutil.rmtree(self.folder / "summaries", ignore_errors=True)
        self.state_file.unlink(missing_ok=True)

    def save_summary(self, summary: Summary) -> None:
        """Keep an account's summary for later portfolio builds, after a digest of it.

        Written in place, not by rename: a torn or damaged file fails its digest and the
        account is simply made again, and one file creation per account is what a cold
        build of a thousand accounts can afford.
        """
        data = _summary_shape().dump_json(summary)
        path = self._summary_file(summary.slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(hashlib.sha256(data).digest() + data)

    def load_summary(self, slug: str) -> Summary | None:
        try:
            kept = self._summary_file(slug).read_bytes()
        except OSError:
            return None
        check, data = kept[:DIGEST_SIZE], kept[DIGEST_SIZE:]
        if hashlib.sha256(data).digest() != check:
            return None  # a flipped bit would otherwise reach the calendar
        try:  # data, parsed and validated: nothing in the cache is ever run as code
            return _summary_shape().validate_json(data)
        except ValidationError:
            return None

    def sweep(self, slugs: set[str]) -> None:
        """Forget the kept summaries of every account but these."""
        for path in (self.folder / "summaries").glob("*.json"):
            if path.stem not in slugs:
                path.unlink(missing_ok=True)

    def forget(self, slug: str) -> None:
        self._summary_file(slug).unlink(missing_ok=True)

    def _summary_file(self, slug: str) -> Path:
        return self.folder / "summaries" / f"{slug}.json"


@functools.cache
def _state_shape() -> TypeAdapter:
    return TypeAdapter(State)


@functools.cache
def _summary_shape() -> TypeAdapter:
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


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
