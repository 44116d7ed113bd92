"""The build state that makes rebuilds incremental.

Each output is recorded with a fingerprint of everything it was made from:
the account file's bytes, its git history, the templates it uses (followed
through extends, includes and imports), the config, the question bank, the
build date and the tool's version. A rebuild redoes only what has a new
fingerprint or whose output file changed or went missing since it was
written, re-reports the problems of what it skips, and removes what it made
before but no longer makes.

The state lives in the project's `.winback-cache/`, one folder per output
folder, beside the derived dossiers it keeps for the portfolio pages. It is
trusted like the output folder: it is written only by winback, and a state
from another version of winback is ignored.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import pickle
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import jinja2
from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict  # pydantic reads typing.TypedDict only from 3.12

from generator import __version__
from generator.derive import BuildDate, Dossier
from generator.history import FileHistory
from generator.problems import Problem, Severity
from generator.project import Project

CACHE_DIR = ".winback-cache"
# The templates a template uses by name. (Parsing each template with jinja2.meta would
# find the same names but costs a tenth of a second, most of a no-op rebuild.)
TEMPLATE_REFERENCE = re.compile(
    r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")
STATE_FORMAT = 3
DIGEST_SIZE = 32  # bytes of SHA-256 before each kept dossier


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
class Record:
    """What one account (or the portfolio) produced, and from what."""

    key: str
    outputs: dict[str, list[int]] = field(default_factory=dict)  # path -> [size, mtime_ns]
    problems: list[ProblemRecord] = field(default_factory=list)
    failed: str = ""  # the first blocking problem, when the account did not build
    kept: bool = False  # failed, and its pages show the last good version of its file
    pdf_keys: dict[str, str] = field(default_factory=dict)  # PDF path -> its fingerprint


@dataclass
class State:
    accounts: dict[str, Record] = field(default_factory=dict)
    portfolio: Record | None = None


class Fingerprints:
    """The parts of every key that do not depend on one account."""

    def __init__(self, project: Project, env: jinja2.Environment, assets: dict[str, bytes],
                 when: BuildDate, strict: bool) -> None:
        self.env = env
        self.common = digest(
            __version__, project.config.model_dump_json(),
            project.bank.model_dump_json() if project.bank else "",
            when.day.isoformat(), str(when.pinned), str(strict))
        self.assets = digest(*(part for name, data in assets.items() for part in (name, data)))
        self._templates: dict[str, str] = {}

    def template(self, name: str) -> str:
        """The digest of a template and of every template it uses."""
        if name not in self._templates:
            seen: dict[str, bytes] = {}
            self._collect(name, seen)
            self._templates[name] = digest(*(part for key in sorted(seen)
                                              for part in (key, seen[key])))
        return self._templates[name]

    def _collect(self, name: str, seen: dict[str, bytes]) -> None:
        source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
        seen[name] = source.encode("utf-8")
        for used in TEMPLATE_REFERENCE.findall(source):
            if used not in seen:
                self._collect(used, seen)

    def account(self, data: bytes, history: FileHistory | None, history_note: str) -> str:
        return digest(self.common, self.template("dossier.html"), self.template("letters.html"),
                      data, repr(history), history_note)

    def pdf(self, html: str, variant: str) -> str:
        from importlib import metadata

        return digest(html, self.assets, variant, metadata.version("weasyprint"))

    def portfolio(self, accounts: dict[str, Record]) -> str:
        parts = [f"{slug}:{record.key}:{record.failed}" for slug, record in sorted(accounts.items())]
        return digest(self.common, self.template("index.html"), self.template("owner.html"),
                      *parts)


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
                {"accounts": raw.get("accounts"), "portfolio": raw.get("portfolio")})
        except ValidationError as exc:
            first = exc.errors()[0]
            self.damaged = (f"has the wrong shape at {'.'.join(map(str, first['loc']))}: "
                            f"{first['msg']}")
            return State()
        return copy.deepcopy(self.loaded)

    def save(self, state: State) -> None:
        if state == self.loaded:
            return  # a no-op build leaves the state file alone
        data = {"format": STATE_FORMAT, "version": __version__,
                "accounts": {slug: asdict(r) for slug, r in sorted(state.accounts.items())},
                "portfolio": asdict(state.portfolio) if state.portfolio else None}
        _atomic_write(self.state_file, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def clear(self) -> None:
        """Forget what earlier builds made."""
        shutil.rmtree(self.folder / "dossiers", ignore_errors=True)
        self.state_file.unlink(missing_ok=True)

    def save_dossier(self, dossier: Dossier, events: bytes) -> None:
        """Keep a derived dossier and its calendar events for later portfolio builds,
        after a digest of them.

        Written in place, not by rename: a torn or damaged file fails its digest and the
        dossier is simply made again, and one file creation per account is what a cold
        build of a thousand accounts can afford.
        """
        data = pickle.dumps((dossier, events), protocol=5)
        path = self._dossier_file(dossier.slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(hashlib.sha256(data).digest() + data)

    def load_dossier(self, slug: str) -> tuple[Dossier, bytes] | None:
        try:
            kept = self._dossier_file(slug).read_bytes()
        except OSError:
            return None
        check, data = kept[:DIGEST_SIZE], kept[DIGEST_SIZE:]
        if hashlib.sha256(data).digest() != check:
            return None  # a flipped bit would otherwise reach the calendar
        try:
            dossier, events = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
                TypeError):
            return None
        return dossier, events

    def sweep(self, slugs: set[str]) -> None:
        """Forget the kept dossiers of every account but these."""
        for path in (self.folder / "dossiers").glob("*.pickle"):
            if path.stem not in slugs:
                path.unlink(missing_ok=True)

    def forget(self, slug: str) -> None:
        self._dossier_file(slug).unlink(missing_ok=True)

    def _dossier_file(self, slug: str) -> Path:
        return self.folder / "dossiers" / f"{slug}.pickle"


@functools.cache
def _state_shape() -> TypeAdapter:
    return TypeAdapter(State)


def stat_of(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def unchanged(outputs: dict[str, list[int]], root: Path) -> bool:
    """Every recorded output is still there, as it was written."""
    try:
        return all(stat_of(root / name) == list(seen) for name, seen in outputs.items())
    except OSError:
        return False


def problem_to_dict(problem: Problem) -> dict:
    return {"path": str(problem.path), "line": problem.line, "column": problem.column,
            "field": problem.field, "message": problem.message, "hint": problem.hint,
            "severity": problem.severity.value}


def problem_from_dict(data: dict) -> Problem:
    return Problem(Path(data["path"]), data["line"], data["column"], data["field"],
                   data["message"], data["hint"], Severity(data["severity"]))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
